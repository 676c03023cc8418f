"""Duplicates, in the manner of ieduplicates: find rows sharing a key, list the columns on which the
copies differ, and apply only the resolutions the team wrote down (keep, drop or new id, with who,
when and why). A duplicate without a resolution stops the build."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

KEY_SEPARATOR = " | "


@dataclass
class Duplicate:
    key: str
    rows: list[int]            # 0-based positions in the raw table
    differing: list[str]       # columns on which the copies differ


def key_strings(df: pd.DataFrame, key: list[str]) -> pd.Series:
    """The key of every row as one string (values joined by ' | '); numbers shown without '.0'."""
    parts = [as_text(df[k]) for k in key]
    out = parts[0]
    for p in parts[1:]:
        out = out + KEY_SEPARATOR + p
    return out


def as_text(s: pd.Series) -> pd.Series:
    """_as_text of every cell; a column of texts (and empty cells) without a Python call per cell."""
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        na = s.isna().to_numpy()
        if not na.any() or all(v is None or isinstance(v, float) for v in s[na]):  # not pd.NA: '<NA>'
            return s.where(~na, "").str.strip().astype(object)
    return s.map(_as_text)


def _as_text(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def find_duplicates(df: pd.DataFrame, keys: pd.Series) -> list[Duplicate]:
    dup_mask = keys.duplicated(keep=False) & (keys != "")
    found = []
    for k, idx in keys[dup_mask].groupby(keys[dup_mask], sort=True).groups.items():
        rows = sorted(int(i) for i in idx)
        copies = df.iloc[rows]
        differing = [c for c in df.columns if copies[c].map(_as_text).nunique() > 1]
        found.append(Duplicate(str(k), rows, differing))
    return found


@dataclass
class Resolution:
    action: str
    new_id: str | None
    by: str
    date: str
    reason: str


def resolve(duplicates: list[Duplicate], resolutions: list[dict], instrument: str, file: str, where,
            resolutions_file: str) -> tuple[list[int], dict[int, str], list[str], list[dict]]:
    """Apply the team's resolutions for one raw file.

    Returns (rows to drop, row -> new id, problems, applied resolutions for the intake report).
    `where(i)` names data row i for people; row numbers in the resolutions file are 1-based data rows.
    """
    mine = {(r["key"], r["row"]): r for r in resolutions
            if r["instrument"] == instrument and r.get("file", file) == file}
    drop: list[int] = []
    new_ids: dict[int, str] = {}
    problems: list[str] = []
    applied: list[dict] = []
    used: set = set()
    for d in duplicates:
        unresolved = [i for i in d.rows if (d.key, i + 1) not in mine]
        rows_txt = ", ".join(where(i) for i in d.rows)
        differ = ", ".join(d.differing) if d.differing else "none (exact copies)"
        if unresolved:
            used.update((d.key, i + 1) for i in d.rows if i not in unresolved)
            problems.append(
                f"key '{d.key}' appears {len(d.rows)} times ({rows_txt}); the copies differ in: {differ}. "
                f"Unresolved: data row(s) {', '.join(str(i + 1) for i in unresolved)}. Add an entry per copy to "
                f"{resolutions_file} (instrument: {instrument}, key: '{d.key}', row: <data row>, action: "
                f"keep | drop | new_id, by, date, reason)")
            continue
        keeps = []
        for i in d.rows:
            r = mine[(d.key, i + 1)]
            used.add((d.key, i + 1))
            applied.append({"key": d.key, "row": i + 1, "action": r["action"], "new_id": r.get("new_id"),
                            "by": r["by"], "date": r["date"], "reason": r["reason"], "differing": d.differing})
            if r["action"] == "drop":
                drop.append(i)
            elif r["action"] == "new_id":
                new_ids[i] = r["new_id"]
            else:
                keeps.append(i)
        if len(keeps) > 1:
            problems.append(f"key '{d.key}': {len(keeps)} copies are marked 'keep' in {resolutions_file} "
                            f"(data rows {', '.join(str(i + 1) for i in keeps)}); expected at most one")
    for k, row in mine:
        if (k, row) in used:
            continue
        if not any(d.key == k for d in duplicates):
            problems.append(f"{resolutions_file}: the resolution for key '{k}', data row {row} matches no duplicate "
                            f"in {file}; remove it or correct key/row")
        else:
            problems.append(f"{resolutions_file}: key '{k}' has no copy at data row {row} in {file}")
    return sorted(drop), new_ids, problems, applied
