"""Privacy scan: no raw identifier value may appear in any published file.

The values searched for are every non-empty value of every variable a codebook marks as a direct
identifier or free text, read from the raw files as received. Each published file is turned into
its text (HTML and CSV as text, PDF through its text layer, DOCX through its XML, SPSS and Stata
through pyreadstat including labels) and searched, case- and space-insensitively; values holding a
phone number are also searched with their punctuation removed. A hit fails the build; the report
names the file, instrument and variable but never repeats the value itself.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import EvalkitError
from ..intake.clean import REMOVED
from ..intake.readers import read_raw

MIN_LENGTH = 5          # shorter values (initials, "n/a") would match ordinary words
PHONE_DIGITS = 7        # values with at least this many digits are also searched without punctuation


class PrivacyError(EvalkitError):
    """A raw identifier value was found in a published file."""


@dataclass(frozen=True)
class Identifier:
    instrument: str
    variable: str
    privacy: str
    value: str


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text)


def compact(text: str) -> str:
    """Text without the punctuation people put inside phone numbers."""
    return re.sub(r"[\s\-().+/]", "", normalize(text))


def raw_identifiers(ctx) -> list[Identifier]:
    """Every direct-identifier and free-text value of every raw file of the evaluation."""
    ev = ctx.evaluation
    found: set[Identifier] = set()
    for ins in ev.instruments:
        cb = ev.codebooks[ins["id"]]
        wanted = {v.get("raw_name", v["name"]): v for v in cb.variables() if v.get("privacy") in REMOVED}
        if not wanted:
            continue
        for part in ev.raw_files(ins):
            raw = read_raw(ctx.root / part["file"], ins["format"], display_name=part["file"],
                           encoding=ins.get("encoding", "utf-8"))
            for col, var in wanted.items():
                if col not in raw.data.columns:
                    continue
                for v in raw.data[col].dropna().astype(str):
                    v = v.strip()
                    if len(v) >= MIN_LENGTH:
                        found.add(Identifier(ins["id"], var["name"], var["privacy"], v))
    return sorted(found, key=lambda i: (i.instrument, i.variable, i.value))


def published_text(path: Path) -> str:
    """The text a reader (or a program) can get out of a published file."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        parts = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata or {}
        parts += [str(v) for v in meta.values()]
        return "\n".join(parts)
    if suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            xml = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        # Word splits text into runs; join adjacent runs so a name split across runs is still found.
        return re.sub(r"<[^>]+>", "", re.sub(r"</w:t>\s*(<[^>]+>\s*)*<w:t[^>]*>", "", xml))
    if suffix in (".sav", ".dta"):
        import pyreadstat

        reader = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
        df, meta = reader(str(path))
        labels = [str(x) for x in (meta.column_labels or []) if x]
        labels += [str(lab) for vl in (meta.variable_value_labels or {}).values() for lab in vl.values()]
        return "\n".join([df.to_csv(index=False), *labels, meta.file_label or ""])
    if suffix in (".png", ".jpg", ".jpeg", ".gif"):
        return ""  # charts are drawn from computed values only; their text is in the alt text and tables
    import html

    return html.unescape(path.read_bytes().decode("utf-8", "replace"))


def scan(files: list[Path], identifiers: list[Identifier], display=str) -> dict:
    """Search every file for every identifier; return the report (hits without the values)."""
    hits = []
    plain = [(i, normalize(i.value)) for i in identifiers]
    # Phone numbers: digits only, and the last ten digits (the national number without the country code)
    digits = []
    for i in identifiers:
        d = "".join(c for c in i.value if c.isdigit())
        if len(d) >= PHONE_DIGITS:
            digits.append((i, d))
            if len(d) > 10:
                digits.append((i, d[-10:]))
    for f in files:
        text = published_text(f)
        norm = normalize(text)
        comp = compact(text) if digits else ""
        for ident, needle in plain:
            if needle in norm:
                hits.append({"file": display(f), "instrument": ident.instrument, "variable": ident.variable,
                             "privacy": ident.privacy, "match": "text"})
        for ident, needle in digits:
            if needle and needle in comp and not any(h["file"] == display(f) and h["variable"] == ident.variable
                                                     for h in hits):
                hits.append({"file": display(f), "instrument": ident.instrument, "variable": ident.variable,
                             "privacy": ident.privacy, "match": "digits"})
    by_var: dict[str, int] = {}
    for i in identifiers:
        by_var[f"{i.instrument}.{i.variable}"] = by_var.get(f"{i.instrument}.{i.variable}", 0) + 1
    return {"files_scanned": [display(f) for f in files], "identifier_values": by_var,
            "hits": hits, "passed": not hits}


def run_scan(ctx, files: list[str | Path], report_path: str | Path) -> dict:
    from ..io import atomic_write_text

    ids = raw_identifiers(ctx)
    result = scan([Path(f) for f in files], ids, display=ctx.rel)
    report_path = Path(report_path)
    if result["hits"]:
        failed = report_path.with_name(report_path.stem + "-failed.json")
        atomic_write_text(failed, json.dumps(result, indent=2, sort_keys=True) + "\n")
        lines = [f"  - {h['file']}: a value of {h['instrument']}.{h['variable']} ({h['privacy']})" for h in result["hits"]]
        raise PrivacyError("privacy scan: raw identifier values found in published files "
                           f"(details without the values: {ctx.rel(failed)}):\n" + "\n".join(lines))
    report_path.with_name(report_path.stem + "-failed.json").unlink(missing_ok=True)
    atomic_write_text(report_path, json.dumps(result, indent=2, sort_keys=True) + "\n")
    return result


def merge_reports(parts: list[dict], report_path: str | Path) -> dict:
    """One privacy report from the reports of separate scans (each language's documents, the dataset)."""
    from ..io import atomic_write_text

    hits = [h for part in parts for h in part["hits"]]
    counts: dict[str, int] = {}
    for part in parts:
        counts.update(part["identifier_values"])
    result = {"files_scanned": [f for part in parts for f in part["files_scanned"]], "identifier_values": counts,
              "hits": hits, "passed": not hits}
    if hits:
        raise PrivacyError("privacy scan: raw identifier values found in published files: "
                           + ", ".join(sorted({h["file"] for h in hits})))
    atomic_write_text(report_path, json.dumps(result, indent=2, sort_keys=True) + "\n")
    return result
