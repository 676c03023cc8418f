"""Read a raw file exactly as received (SPSS, Stata or CSV) into strings-or-numbers, with its metadata.

Every reader failure becomes a DataError naming the file and, where the format allows, the line and
what was expected. Nothing is converted here beyond what the format itself defines: labels, recodes
and checks are the codebook's business (clean.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyreadstat

from evalkit.core.errors import DataError

FORMATS = ("spss", "stata", "csv")


@dataclass
class RawTable:
    file: str                         # as shown to people (relative to the repository)
    format: str
    data: pd.DataFrame                # one column per raw variable
    value_labels: dict = field(default_factory=dict)      # variable -> {code: label}
    variable_labels: dict = field(default_factory=dict)   # variable -> label
    declared_missing: dict = field(default_factory=dict)  # variable -> set of codes (SPSS numbers, Stata letters)
    missing_ranges: dict = field(default_factory=dict)    # variable -> [(lo, hi)] where lo != hi (SPSS)
    lines: list[int] | None = None                        # CSV: file line on which each record starts

    def where(self, i: int) -> str:
        """Human location of data row i (0-based): CSV line numbers count the header line and any
        line breaks inside quoted texts."""
        if self.format != "csv":
            return f"row {i + 1}"
        return f"line {self.lines[i] if self.lines else i + 2}"


def read_raw(path: str | Path, fmt: str, display_name: str | None = None, encoding: str = "utf-8") -> RawTable:
    name = display_name or str(path)
    path = Path(path)
    if not path.exists():
        raise DataError(name, ["file not found"])
    if fmt == "spss":
        return _read_stat(path, name, fmt, pyreadstat.read_sav, "an SPSS .sav file")
    if fmt == "stata":
        return _read_stat(path, name, fmt, pyreadstat.read_dta, "a Stata .dta file")
    if fmt == "csv":
        return _read_csv(path, name, encoding)
    raise DataError(name, [f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}"])


def _read_stat(path: Path, name: str, fmt: str, reader, what: str) -> RawTable:
    try:
        df, meta = reader(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat raises ReadstatError / PyreadstatError with a reason
        raise DataError(
            name, [f"cannot be read as {what} ({exc}); the file may be truncated or of another format"]
        ) from None
    declared: dict[str, set] = {}
    ranges: dict[str, list] = {}
    if fmt == "spss":
        for var, rs in (meta.missing_ranges or {}).items():
            for r in rs:
                if r["lo"] != r["hi"]:
                    ranges.setdefault(var, []).append((r["lo"], r["hi"]))
                declared.setdefault(var, set()).add(_number(r["lo"]))
    else:
        for var, codes in (getattr(meta, "missing_user_values", None) or {}).items():
            declared[var] = set(codes)
    labels = dict(zip(meta.column_names, meta.column_labels or [None] * len(meta.column_names), strict=True))
    return RawTable(name, fmt, df, dict(meta.variable_value_labels or {}), labels, declared, ranges)


def _number(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return int(f) if f.is_integer() else f


def _read_csv(path: Path, name: str, encoding: str) -> RawTable:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf") and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        data = data[3:]  # a byte-order mark, as Excel writes it
    if b"\x00" in data[:4096] and not encoding.lower().startswith("utf-16"):
        raise DataError(
            name,
            [
                "the file contains NUL bytes; expected a text (CSV) file — is it a spreadsheet "
                "(.xlsx), an SPSS/Stata file or another binary file? Export it as CSV"
            ],
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.end].hex()
        raise DataError(
            name,
            [
                f"line {line}: byte 0x{bad} is not valid {encoding} text; expected {encoding} "
                f"(was the file saved in another encoding, such as Windows-1252? Re-save it as "
                f"{encoding}, or declare `encoding:` for the instrument)"
            ],
        ) from None
    if not text.strip():
        raise DataError(name, ["the file is empty; expected a header line and data lines"])
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, starts = [], []
    start = 1
    for row in reader:
        rows.append(row)
        starts.append(start)
        start = reader.line_num + 1
    header = [h.strip() for h in rows[0]]
    problems = []
    dup = sorted({h for h in header if header.count(h) > 1})
    for h in dup:
        problems.append(f"line 1: column '{h}' appears more than once in the header")
    if any(h == "" for h in header):
        problems.append(f"line 1: a column has an empty header (column {header.index('') + 1})")
    body, lines = rows[1:], starts[1:]
    # Blank trailing lines are tolerated; ragged rows (a truncated file, a stray comma) are not.
    while body and not any(c.strip() for c in body[-1]):
        body.pop()
        lines.pop()
    if not body:
        problems.append("no data lines after the header; expected one line per record (is the file truncated?)")
    ragged = [(ln, r) for ln, r in zip(lines, body, strict=True) if len(r) != len(header)]
    for ln, r in ragged[:20]:
        problems.append(
            f"line {ln}: {len(r)} field(s); expected {len(header)} as in the header "
            f"(is the file truncated, or does a text contain an unquoted comma?)"
        )
    if len(ragged) > 20:
        problems.append(f"... and {len(ragged) - 20} more line(s) with the wrong number of fields")
    if problems:
        raise DataError(name, problems)
    df = pd.DataFrame(body, columns=header, dtype=object)
    df = df.apply(lambda s: s.str.strip())
    return RawTable(name, "csv", df, lines=lines)
