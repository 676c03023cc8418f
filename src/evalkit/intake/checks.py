"""The checks of one cleaned column against its codebook variable, and of the declared missing codes
and sums of a table (vectorised: only the rows that fail become messages). Used by clean.py.

Each problem of a data row is added with `probs.at(row, message)`, so that problems of several files
checked as one table still go to, and are listed per, the file they are in (see Routed)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evalkit.core.errors import DataError
from evalkit.intake.duplicates import as_text
from evalkit.intake.readers import RawTable
from evalkit.model.evaluation import REMOVED, Codebook

MAX_LISTED = 20          # problems listed per file before "... and N more"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Problems:
    def __init__(self):
        self.items: list[str] = []
        self.total = 0

    def add(self, msg: str) -> None:
        self.total += 1
        if len(self.items) < MAX_LISTED:
            self.items.append(msg)

    def at(self, row: int, msg: str) -> None:
        """A problem of data row `row` (of the table being checked)."""
        self.add(msg)

    def error(self, file: str) -> DataError | None:
        if not self.total:
            return None
        shown = list(self.items)
        if self.total > len(shown):
            shown.append(f"... and {self.total - len(shown)} more problem(s)")
        return DataError(file, shown)

    def raise_if_any(self, file: str) -> None:
        if (err := self.error(file)) is not None:
            raise err


class Routed:
    """The problems of several files checked as one table: each problem goes to its file's list, so
    every file's list (and its limit of MAX_LISTED) is what checking that file alone would give.
    `origin[j]` is the file of row j of the table being checked; `current` the file of file-level
    problems (a column's declared missing codes, a duplicate resolution)."""

    def __init__(self, n_files: int, origin: np.ndarray):
        self.files = [_Problems() for _ in range(n_files)]
        self.origin = origin
        self.current = 0

    @property
    def total(self) -> int:
        return sum(p.total for p in self.files)

    def add(self, msg: str) -> None:
        self.files[self.current].add(msg)

    def at(self, row: int, msg: str) -> None:
        self.files[int(self.origin[row])].add(msg)


def _is_stat(raw: RawTable) -> bool:
    return raw.format in ("spss", "stata")


def _raw_key(code, raw: RawTable):
    """How a codebook code appears in a raw column: numbers as floats in SPSS/Stata, text in CSV."""
    if raw.format == "csv":
        return str(code)
    if isinstance(code, str):
        return code  # a Stata extended missing value, e.g. 'a'
    return float(code)


def _empty(s: pd.Series, raw: RawTable) -> pd.Series:
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return s.isna() | (s.str.strip() == "")   # texts already: no conversion to the string dtype
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        return s.isna() | (s.astype("string").str.strip() == "")
    return s.isna()


def _show(v) -> str:
    if hasattr(v, "item"):  # a numpy scalar: show it as the plain number it is
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return repr(int(v))
    return repr(v)


def column_label(var: dict) -> str:
    """How messages name a column: as the file's header, with the codebook's name when renamed."""
    raw_name = var.get("raw_name", var["name"])
    return f"'{raw_name}'" if raw_name == var["name"] else f"'{raw_name}' ({var['name']})"


def _check_variable(s: pd.Series, var: dict, codebook: Codebook, raw: RawTable, where, probs: _Problems,
                    dates: tuple[str, str] | None = None, files: np.ndarray | None = None) -> pd.Series:
    """`files`: the file of each row when several files are checked as one table (a number column
    holds whole numbers as such per file, as when each file is cleaned alone)."""
    role = var["role"]
    col = column_label(var)
    empty = _empty(s, raw)
    required = var.get("required", role not in ("text",))
    if (role in ("category", "rating") and _is_stat(raw) and not pd.api.types.is_numeric_dtype(s) and not empty.all()
            and s[~empty].map(lambda v: isinstance(v, str) and not (len(v) == 1 and v.isalpha())).any()):  # .a-.z
        probs.add(f"column {col}: holds text; expected the numeric codes of the codebook (is the variable "
                  f"stored as a string in the {raw.format.upper() if raw.format == 'spss' else 'Stata'} file?)")
        return pd.Series("", index=s.index, dtype=object)
    if role in ("category", "rating"):
        if role == "category":
            codes = var["categories"]
            valid = {_raw_key(c["code"], raw): c["key"] for c in codes}
        else:
            scale = codebook.scale(var["scale"])
            codes = scale["levels"] + scale["missing"]
            valid = {_raw_key(c["code"], raw): c["key"] for c in codes}
        mapped = s.map(valid)
        bad = ~empty & mapped.isna()
        expected = ", ".join(f"{c['code']} ({c['key']})" for c in codes)
        what = "code" if role == "category" else f"value of scale '{var['scale']}'"
        for i in np.flatnonzero(bad.to_numpy()):
            probs.at(int(i), f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is not a {what} in the codebook; "
                      f"expected one of {expected}")
        if role == "category" and required:
            for i in np.flatnonzero(empty.to_numpy()):
                probs.at(int(i), f"{where(int(i))}, column {col}: empty; expected one of {expected}")
        return mapped.fillna("").astype(object)
    if role in ("integer", "number"):
        text = s.where(~empty)
        num = pd.to_numeric(text, errors="coerce").astype(float)
        num = num.where(np.isfinite(num) & (num.abs() < 2 ** 53))  # inf, nan or beyond exact integers: not a number
        bad = ~empty & num.isna()
        kind = "a whole number" if role == "integer" else "a number"
        for i in np.flatnonzero(bad.to_numpy()):
            probs.at(int(i), f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is not {kind}")
        if role == "integer":
            frac = num.notna() & (num % 1 != 0)
            for i in np.flatnonzero(frac.to_numpy()):
                probs.at(int(i), f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is not {kind}")
        rng = var.get("range", {})
        if "min" in rng:
            for i in np.flatnonzero((num < rng["min"]).to_numpy()):
                probs.at(int(i), f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is below the allowed "
                                 f"minimum {rng['min']:g}")
        if "max" in rng:
            for i in np.flatnonzero((num > rng["max"]).to_numpy()):
                probs.at(int(i), f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is above the allowed "
                                 f"maximum {rng['max']:g}")
        if required:
            for i in np.flatnonzero(empty.to_numpy()):
                probs.at(int(i), f"{where(int(i))}, column {col}: empty; expected {kind}")
        if role == "integer" or (files is None and (num.dropna() % 1 == 0).all()):
            return num.round().astype("Int64").astype(object).where(num.notna(), "")
        if files is None:
            return num.astype(object).where(num.notna(), "")
        whole = (num.isna() | (num % 1 == 0)).groupby(files).transform("all").to_numpy()
        if whole.all():
            return num.round().astype("Int64").astype(object).where(num.notna(), "")
        out = num.astype(object)
        if whole.any():
            out[whole] = num[whole].round().astype("Int64").astype(object)
        return out.where(num.notna(), "")
    if role == "date":
        text = s.map(lambda v: v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v).astype("string")
        form_ok = text.str.fullmatch(DATE.pattern).fillna(False)
        parsed = pd.to_datetime(text.where(form_ok), format="%Y-%m-%d", errors="coerce")
        bad = ~empty & (~form_ok | parsed.isna())
        for i in np.flatnonzero(bad.to_numpy()):
            probs.at(int(i), f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is not a date; expected YYYY-MM-DD "
                      f"(a real calendar date)")
        if required:
            for i in np.flatnonzero(empty.to_numpy()):
                probs.at(int(i), f"{where(int(i))}, column {col}: empty; expected a date YYYY-MM-DD")
        if dates and var.get("privacy") not in REMOVED:  # identifiers (a birth date) are removed anyway
            first, last = dates
            ok = ~empty & ~bad
            outside = ok & ((text < first) | (text > last)).fillna(False)
            for i in np.flatnonzero(outside.to_numpy()):
                probs.at(int(i), f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is outside the plausible "
                                 f"dates of the evaluation; expected a date from {first} to {last} (the publication "
                                 f"date in evaluation.yaml)")
        return text.where(~empty & ~bad, "").astype(object)
    # identifier, text
    text = as_text(s)
    if "pattern" in var:
        ok = text.str.fullmatch(var["pattern"])
        for i in np.flatnonzero((~empty & ~ok).to_numpy()):
            probs.at(int(i), f"{where(int(i))}, column {col}: {_show(text.iloc[i])} does not have the expected form "
                      f"(pattern {var['pattern']})")
    if required:
        for i in np.flatnonzero(empty.to_numpy()):
            probs.at(int(i), f"{where(int(i))}, column {col}: empty; expected a value")
    return text.astype(object)


def _check_declared_missing(raw: RawTable, codebook: Codebook, probs: _Problems) -> None:
    """SPSS/Stata files declare their missing codes; they must be the codebook's."""
    if not _is_stat(raw):
        return
    for var in codebook.variables("rating"):
        raw_name = var.get("raw_name", var["name"])
        for lo, hi in raw.missing_ranges.get(raw_name, []):
            probs.add(f"column '{raw_name}': missing range {_show(lo)}-{_show(hi)}; evalkit expects discrete missing "
                      f"codes")
        if raw.missing_ranges.get(raw_name):
            continue
        want = {_raw_key(c["code"], raw) for c in codebook.scale(var["scale"])["missing"]}
        declared = {float(c) if not isinstance(c, str) else c for c in raw.declared_missing.get(raw_name, set())}
        # SPSS declares its missing codes per variable; Stata's .a-.z are always missing, and the
        # reader only sees the letters that occur, which must be among the codebook's.
        if (declared != want) if raw.format == "spss" else not declared <= want:
            def fmt(codes):
                return ", ".join(sorted(_show(c) for c in codes)) or "none"
            what = ("declared SPSS missing codes are" if raw.format == "spss"
                    else "Stata extended missing values used are")
            probs.add(f"column '{raw_name}': {what} {fmt(declared)}; the codebook expects {fmt(want)}")


def _check_sum(clean: pd.DataFrame, rule: dict, where, probs: _Problems, codebook: Codebook) -> None:
    total, parts = rule["total"], rule["parts"]
    label = {n: column_label(codebook.variable(n)) for n in [total, *parts]}
    given = pd.concat([clean[p] != "" for p in parts], axis=1)
    some, every = given.any(axis=1), given.all(axis=1)
    for i in np.flatnonzero((some & ~every).to_numpy()):
        probs.at(int(i), f"{where(int(i))}, columns {', '.join(label[p] for p in parts)}: only some are filled; "
                  f"expected all of them or none")
    t = pd.to_numeric(clean[total].where(clean[total] != ""), errors="coerce")
    s = sum(pd.to_numeric(clean[p].where(clean[p] != ""), errors="coerce").fillna(0) for p in parts)
    off = every & t.notna() & ((t - s).abs() > 1e-9)
    for i in np.flatnonzero(off.to_numpy()):
        added = " + ".join(label[p] for p in parts)
        probs.at(int(i), f"{where(int(i))}, column {label[total]}: {_show(t.iloc[i])} but {added} = "
                         f"{_show(s.iloc[i])}; expected the total to equal the sum of its parts")
