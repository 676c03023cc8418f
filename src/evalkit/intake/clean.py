"""Codebook-driven cleaning, in the manner of iecodebook: rename, recode, check and label every variable
of a raw table, resolve duplicates, remove what identifies people, and return the clean table.

The clean table has one column per codebook variable that is kept (direct identifiers and free text
are removed): categories and ratings as their stable keys ('high', 'dont_know'; empty where a rating
is system-missing), integers and numbers as numbers, dates as YYYY-MM-DD, text as text.

Checks are vectorised (pandas), so a survey of 100,000 respondents cleans in seconds; only the rows
that fail are turned into messages. All problems of a file are collected and raised together as one
DataError naming, for each, the line or row, the record's id, the column and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evalkit.core.errors import DataError
from evalkit.core.i18n import fold
from evalkit.intake.duplicates import find_duplicates, key_strings, resolve
from evalkit.intake.families import HOOKS
from evalkit.intake.readers import RawTable
from evalkit.model.evaluation import REMOVED, Codebook, families

MAX_LISTED = 20          # problems listed per file before "... and N more"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Cleaned:
    table: pd.DataFrame
    report: dict = field(default_factory=dict)


class _Problems:
    def __init__(self):
        self.items: list[str] = []
        self.total = 0

    def add(self, msg: str) -> None:
        self.total += 1
        if len(self.items) < MAX_LISTED:
            self.items.append(msg)

    def raise_if_any(self, file: str) -> None:
        if self.total:
            shown = list(self.items)
            if self.total > len(shown):
                shown.append(f"... and {self.total - len(shown)} more problem(s)")
            raise DataError(file, shown)


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
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        return s.isna() | (s.astype("string").str.strip() == "")
    return s.isna()


def _show(v) -> str:
    if hasattr(v, "item"):  # a numpy scalar: show it as the plain number it is
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return repr(int(v))
    return repr(v)


def rename_columns(raw: RawTable, codebook: Codebook, set_values: dict | None) -> pd.DataFrame:
    """The raw table with clean variable names (and the variables the evaluation sets per file)."""
    df = raw.data
    problems: list[str] = []
    set_values = set_values or {}
    names = {v.get("raw_name", v["name"]): v["name"] for v in codebook.variables() if v["name"] not in set_values}
    for v in codebook.variables():
        if v["name"] in set_values and v.get("raw_name", v["name"]) in df.columns:
            problems.append(f"column '{v.get('raw_name', v['name'])}' is in the file, but the evaluation also sets "
                            f"'{v['name']}' for this file; expected one or the other")
    missing = [r for r in names if r not in df.columns]
    for r in missing:
        problems.append(f"column '{r}' is missing (the codebook {codebook.source} declares it"
                        + (f" as '{names[r]}'" if names[r] != r else "") + ")")
    set_raw = {v.get("raw_name", v["name"]) for v in codebook.variables() if v["name"] in set_values}
    extra = [c for c in df.columns if c not in names and c not in set_raw]
    for c in extra:
        problems.append(f"column '{c}' is not in the codebook {codebook.source}; declare it there (with privacy: "
                        f"direct_identifier or free_text if it can identify people) so that it is checked or removed")
    if problems:
        raise DataError(raw.file, problems)
    out = df.rename(columns=names)[[names[r] for r in names]].copy()
    for name, value in set_values.items():
        out[name] = value if raw.format == "csv" else (float(value) if isinstance(value, int) else value)
    return out[[v["name"] for v in codebook.variables()]]


def _fold(text) -> str:
    """A label or key for comparing: accents, case and '_' do not count ('ciudad_de_mexico')."""
    return fold(str(text).replace("_", " ")).strip()


def _code_key(code):
    """A value code as one comparable form: 1, 1.0 and '1.0' are code 1; 'a' (Stata .a) stays 'a'."""
    if isinstance(code, str):
        try:
            code = float(code)
        except ValueError:
            return code
    return int(code) if isinstance(code, float) and code.is_integer() else code


LABEL_MATCH = 0.8  # similarity (difflib ratio, folded text) at which a label reads as a given code's


def value_label_problems(raw: RawTable, codebook: Codebook) -> list[str]:
    """A .sav or .dta file carries its own value labels: each code's label must name the same
    category (or scale level, or missing code) as the codebook's label of that code, in any of its
    languages. A label that reads as another code's (reversed or shifted labels: 1 = High ... 4 = Low)
    or as none stops the intake, with both label lists. Codes the codebook recodes are left out."""
    from difflib import SequenceMatcher

    problems = []
    for var in codebook.variables():
        col = var.get("raw_name", var["name"])
        labels = raw.value_labels.get(col)
        if not labels or var["role"] not in ("category", "rating"):
            continue
        if var["role"] == "rating":
            scale = codebook.scale(var["scale"])
            entries = scale["levels"] + scale.get("missing", [])
        else:
            entries = var.get("categories", [])
        recoded = {_code_key(r["from"]) for r in var.get("recode", [])}
        names = {_code_key(e["code"]): [_fold(t) for t in e.get("label", {}).values()] + [_fold(e["key"])]
                 for e in entries}
        if not names:
            continue

        def score(label: str, code, names=names) -> float:
            return max(SequenceMatcher(None, label, n).ratio() for n in names[code])

        used = {_code_key(v) for v in raw.data[col].dropna().unique()} if col in raw.data.columns else set()
        wrong = []
        for code, label in labels.items():
            code = _code_key(code)
            if code in recoded:
                continue
            text = _fold(label)
            if code not in names:
                if code in used:  # a labelled code the data never use is no contradiction
                    wrong.append(f"{code} = '{label}' is not a code of the codebook")
                continue
            best = max(names, key=lambda c: score(text, c))
            # only a clear contradiction: the label is (nearly) another code's, and plainly not its own
            if best != code and score(text, best) >= LABEL_MATCH and score(text, best) - score(text, code) >= 0.2:
                wrong.append(f"{code} = '{label}' reads as the codebook's code {best}")
        if wrong:
            raw_list = ", ".join(f"{_code_key(c)} = '{label}'" for c, label in labels.items())
            book = ", ".join(f"{c} = '{(e.get('label') or {}).get(next(iter(e.get('label') or {'': ''})), e['key'])}'"
                             for c, e in ((_code_key(e["code"]), e) for e in entries))
            problems.append(f"column {column_label(var)}: the file's value labels do not match the codebook "
                            f"({'; '.join(wrong)}); the file has {raw_list}; the codebook has {book}. Fix the "
                            f"codebook, or declare a recode, before any share is computed")
    return problems


def clean_table(raw: RawTable, codebook: Codebook, *, set_values: dict | None = None,
                resolutions: list[dict] | None = None, instrument: str | None = None,
                resolutions_file: str = "duplicates.yaml", kind: str | None = None,
                dates: tuple[str, str] | None = None) -> Cleaned:
    """Clean one raw file with its codebook. Raises DataError listing every problem. `dates`: the
    plausible window (first, last) of every date, as YYYY-MM-DD; by default any real date."""
    instrument = instrument or codebook.data["instrument"]
    family = families().get(kind, {}) if kind else {}
    df = rename_columns(raw, codebook, set_values)
    n_read = len(df)
    idv = codebook.id_variable
    probs = _Problems()

    # Identify rows for messages by their id as received.
    ids = df[idv].map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else
                      (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()))

    def where(i: int) -> str:
        rid = ids.iloc[i]
        return f"{raw.where(i)} ({idv} '{rid}')" if rid else raw.where(i)

    # --- the raw file's own value labels must say what the codebook says each code means
    for p in value_label_problems(raw, codebook):
        probs.add(p)

    # --- duplicates (before anything else: a duplicate is a delivery problem, not a value problem)
    key = codebook.data.get("key") or family.get("key") or [idv]
    keys = key_strings(df, key)
    for i in np.flatnonzero((keys == "").to_numpy() if len(key) == 1 else
                            (df[key].apply(lambda c: _empty(c, raw)).any(axis=1)).to_numpy()):
        cols = ", ".join(column_label(codebook.variable(k)) for k in key)
        probs.add(f"{raw.where(int(i))}, column {cols}: empty key; expected a value identifying the record")
    dups = find_duplicates(df, keys)
    drop, new_ids, dup_problems, applied = resolve(dups, resolutions or [], instrument, raw.file, where,
                                                   resolutions_file)
    for p in dup_problems:
        probs.add(p)
    probs.raise_if_any(raw.file)
    if new_ids:
        df[idv] = df[idv].astype(object)
        for i, nid in new_ids.items():
            df.iloc[i, df.columns.get_loc(idv)] = nid
            ids.iloc[i] = nid
    keep_mask = np.ones(len(df), dtype=bool)
    keep_mask[drop] = False
    positions = np.flatnonzero(keep_mask)   # raw row of every kept row, for messages
    df = df.iloc[positions].reset_index(drop=True)
    ids = ids.iloc[positions].reset_index(drop=True)

    def where_kept(j: int) -> str:
        i = int(positions[j])
        rid = ids.iloc[j]
        return f"{raw.where(i)} ({idv} '{rid}')" if rid else raw.where(i)

    clean = pd.DataFrame(index=df.index)
    recoded: dict[str, int] = {}
    for var in codebook.variables():
        name = var["name"]
        s = df[name]
        for rc in var.get("recode", []):
            hit = s == _raw_key(rc["from"], raw)
            if hit.any():
                recoded[f"{name}: {rc['from']!r} -> {rc['to']!r}"] = int(hit.sum())
                s = s.where(~hit, _raw_key(rc["to"], raw))
        clean[name] = _check_variable(s, var, codebook, raw, where_kept, probs, dates)
    _check_declared_missing(raw, codebook, probs)
    for rule in codebook.data.get("checks", {}).get("sums", []):
        _check_sum(clean, rule, where_kept, probs, codebook)
    if kind in HOOKS and not probs.total:
        clean = HOOKS[kind](clean, family, where_kept, probs,
                            {v["name"]: column_label(v) for v in codebook.variables()})
    probs.raise_if_any(raw.file)

    removed = [v["name"] for v in codebook.variables() if v.get("privacy") in REMOVED]
    clean = clean.drop(columns=removed)
    report = {"file": raw.file, "rows_read": n_read, "rows_kept": len(clean),
              "renamed": {v["raw_name"]: v["name"] for v in codebook.variables() if "raw_name" in v},
              "recoded": recoded, "removed_for_privacy": removed, "duplicates": applied}
    return Cleaned(clean, report)


def column_label(var: dict) -> str:
    """How messages name a column: as the file's header, with the codebook's name when renamed."""
    raw_name = var.get("raw_name", var["name"])
    return f"'{raw_name}'" if raw_name == var["name"] else f"'{raw_name}' ({var['name']})"


def _check_variable(s: pd.Series, var: dict, codebook: Codebook, raw: RawTable, where, probs: _Problems,
                    dates: tuple[str, str] | None = None) -> pd.Series:
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
            probs.add(f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is not a {what} in the codebook; "
                      f"expected one of {expected}")
        if role == "category" and required:
            for i in np.flatnonzero(empty.to_numpy()):
                probs.add(f"{where(int(i))}, column {col}: empty; expected one of {expected}")
        return mapped.fillna("").astype(object)
    if role in ("integer", "number"):
        text = s.where(~empty)
        num = pd.to_numeric(text, errors="coerce").astype(float)
        num = num.where(np.isfinite(num) & (num.abs() < 2 ** 53))  # inf, nan or beyond exact integers: not a number
        bad = ~empty & num.isna()
        kind = "a whole number" if role == "integer" else "a number"
        for i in np.flatnonzero(bad.to_numpy()):
            probs.add(f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is not {kind}")
        if role == "integer":
            frac = num.notna() & (num % 1 != 0)
            for i in np.flatnonzero(frac.to_numpy()):
                probs.add(f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is not {kind}")
        rng = var.get("range", {})
        if "min" in rng:
            for i in np.flatnonzero((num < rng["min"]).to_numpy()):
                probs.add(f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is below the allowed minimum "
                          f"{rng['min']:g}")
        if "max" in rng:
            for i in np.flatnonzero((num > rng["max"]).to_numpy()):
                probs.add(f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is above the allowed maximum "
                          f"{rng['max']:g}")
        if required:
            for i in np.flatnonzero(empty.to_numpy()):
                probs.add(f"{where(int(i))}, column {col}: empty; expected {kind}")
        if role == "integer" or (num.dropna() % 1 == 0).all():
            return num.round().astype("Int64").astype(object).where(num.notna(), "")
        return num.astype(object).where(num.notna(), "")
    if role == "date":
        text = s.map(lambda v: v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v).astype("string")
        form_ok = text.str.fullmatch(DATE.pattern).fillna(False)
        parsed = pd.to_datetime(text.where(form_ok), format="%Y-%m-%d", errors="coerce")
        bad = ~empty & (~form_ok | parsed.isna())
        for i in np.flatnonzero(bad.to_numpy()):
            probs.add(f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is not a date; expected YYYY-MM-DD "
                      f"(a real calendar date)")
        if required:
            for i in np.flatnonzero(empty.to_numpy()):
                probs.add(f"{where(int(i))}, column {col}: empty; expected a date YYYY-MM-DD")
        if dates and var.get("privacy") not in REMOVED:  # identifiers (a birth date) are removed anyway
            first, last = dates
            ok = ~empty & ~bad
            outside = ok & ((text < first) | (text > last)).fillna(False)
            for i in np.flatnonzero(outside.to_numpy()):
                probs.add(f"{where(int(i))}, column {col}: {_show(s.iloc[i])} is outside the plausible dates of the "
                          f"evaluation; expected a date from {first} to {last} (the publication date in "
                          f"evaluation.yaml)")
        return text.where(~empty & ~bad, "").astype(object)
    # identifier, text
    text = s.map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else
                 (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()))
    if "pattern" in var:
        ok = text.str.fullmatch(var["pattern"])
        for i in np.flatnonzero((~empty & ~ok).to_numpy()):
            probs.add(f"{where(int(i))}, column {col}: {_show(text.iloc[i])} does not have the expected form "
                      f"(pattern {var['pattern']})")
    if required:
        for i in np.flatnonzero(empty.to_numpy()):
            probs.add(f"{where(int(i))}, column {col}: empty; expected a value")
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
        probs.add(f"{where(int(i))}, columns {', '.join(label[p] for p in parts)}: only some are filled; "
                  f"expected all of them or none")
    t = pd.to_numeric(clean[total].where(clean[total] != ""), errors="coerce")
    s = sum(pd.to_numeric(clean[p].where(clean[p] != ""), errors="coerce").fillna(0) for p in parts)
    off = every & t.notna() & ((t - s).abs() > 1e-9)
    for i in np.flatnonzero(off.to_numpy()):
        added = " + ".join(label[p] for p in parts)
        probs.add(f"{where(int(i))}, column {label[total]}: {_show(t.iloc[i])} but {added} = {_show(s.iloc[i])}; "
                  f"expected the total to equal the sum of its parts")
