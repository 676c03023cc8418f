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

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evalkit.core.errors import DataError
from evalkit.intake.checks import (  # noqa: F401
    DATE,
    MAX_LISTED,
    Routed,
    _check_declared_missing,
    _check_sum,
    _check_variable,
    _empty,
    _is_stat,
    _Problems,
    _raw_key,
    _show,
    column_label,
)
from evalkit.intake.duplicates import as_text, find_duplicates, key_strings, resolve
from evalkit.intake.labels import LABEL_MATCH, _code_key, _fold, value_label_problems  # noqa: F401
from evalkit.intake.readers import RawTable
from evalkit.model.evaluation import REMOVED, Codebook, families


@dataclass
class Cleaned:
    table: pd.DataFrame
    report: dict = field(default_factory=dict)


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


def clean_table(raw: RawTable, codebook: Codebook, *, set_values: dict | None = None,
                resolutions: list[dict] | None = None, instrument: str | None = None,
                resolutions_file: str = "duplicates.yaml", kind: str | None = None,
                dates: tuple[str, str] | None = None, hook: Callable | None = None) -> Cleaned:
    """Clean one raw file with its codebook. Raises DataError listing every problem. `dates`: the
    plausible window (first, last) of every date, as YYYY-MM-DD; by default any real date. `hook`:
    the data family's last intake step (its `clean`, from evalkit.families), run on the files
    without problems."""
    cleaned = clean_tables([raw], codebook, set_values=[set_values], resolutions=resolutions,
                           instrument=instrument, resolutions_file=resolutions_file, kind=kind, dates=dates,
                           hook=hook)
    return Cleaned(cleaned.table, cleaned.report["files"][0])


def clean_tables(raws: list[RawTable], codebook: Codebook, *, set_values: list[dict | None] | None = None,
                 resolutions: list[dict] | None = None, instrument: str | None = None,
                 resolutions_file: str = "duplicates.yaml", kind: str | None = None,
                 dates: tuple[str, str] | None = None, hook: Callable | None = None) -> Cleaned:
    """Clean several raw files of one instrument (the monitoring reports, one per project) as one
    table: renamed file by file, then concatenated with each row's file and raw row, and checked,
    de-duplicated and reconciled in one vectorised pass. The result is what cleaning each file with
    clean_table and concatenating the tables gives, errors included: the first file (in the given
    order) that has problems raises a DataError with that file's problems, each naming its line,
    the record's id, the column and what was expected. The report is {"files": [one per file]}.
    SPSS and Stata files (one table each, with their own metadata) are cleaned file by file."""
    set_values = list(set_values) if set_values is not None else [None] * len(raws)
    opts = dict(resolutions=resolutions, instrument=instrument, resolutions_file=resolutions_file, kind=kind,
                dates=dates, hook=hook)
    if len(raws) > 1 and _is_stat(raws[0]):
        parts = [_clean_together([r], codebook, [sv], **opts) for r, sv in zip(raws, set_values, strict=True)]
        return Cleaned(pd.concat([p.table for p in parts], ignore_index=True),
                       {"files": [p.report["files"][0] for p in parts]})
    return _clean_together(raws, codebook, set_values, **opts)


def _clean_together(raws: list[RawTable], codebook: Codebook, set_values: list, *, resolutions, instrument,
                    resolutions_file, kind, dates, hook) -> Cleaned:
    instrument = instrument or codebook.data["instrument"]
    family = families().get(kind, {}) if kind else {}
    failed: list[tuple[int, DataError]] = []   # (file, error): the first file that fails raises

    frames = []
    for f, raw in enumerate(raws):
        try:
            frames.append(rename_columns(raw, codebook, set_values[f]))
        except DataError as exc:   # files after it need not be checked: this one fails first
            failed.append((f, exc))
            break
    n_files = len(frames)
    if not n_files:
        raise failed[0][1]
    df = pd.concat(frames, ignore_index=True) if n_files > 1 else frames[0]
    sizes = np.array([len(t) for t in frames], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    origin = np.repeat(np.arange(n_files), sizes)           # file of every row
    local = np.arange(len(df)) - starts[origin]             # its raw row in that file
    idv = codebook.id_variable
    probs = Routed(n_files, origin)

    # Identify rows for messages by their id as received.
    ids = as_text(df[idv])

    def close_stage() -> int:
        """Record the files that failed at this stage; only the files before the first failure
        still matter. Returns how many files to go on with."""
        for f in range(n_files):
            if (err := probs.files[f].error(raws[f].file)) is not None:
                failed.append((f, err))
                return f
        return n_files

    # --- the raw file's own value labels must say what the codebook says each code means
    for f in range(n_files):
        probs.current = f
        for p in value_label_problems(raws[f], codebook):
            probs.add(p)

    # --- duplicates (before anything else: a duplicate is a delivery problem, not a value problem)
    key = codebook.data.get("key") or family.get("key") or [idv]
    keys = key_strings(df, key)
    raw0 = raws[0]
    for i in np.flatnonzero((keys == "").to_numpy() if len(key) == 1 else
                            (df[key].apply(lambda c: _empty(c, raw0)).any(axis=1)).to_numpy()):
        probs.at(int(i), f"{raws[origin[i]].where(int(local[i]))}, column "
                         f"{', '.join(column_label(codebook.variable(k)) for k in key)}: empty key; "
                         f"expected a value identifying the record")
    in_file_dup = pd.DataFrame({"f": origin, "k": keys.to_numpy()}).duplicated(keep=False).to_numpy() & \
        (keys != "").to_numpy()
    drop, new_ids, applied = [], {}, [[] for _ in range(n_files)]
    for f in range(n_files):
        lo, hi = starts[f], starts[f] + sizes[f]
        dups = find_duplicates(frames[f], keys.iloc[lo:hi].reset_index(drop=True)) if in_file_dup[lo:hi].any() else []

        def where(i: int, lo=lo, raw=raws[f]) -> str:
            rid = ids.iloc[lo + i]
            return f"{raw.where(i)} ({idv} '{rid}')" if rid else raw.where(i)

        f_drop, f_new, dup_problems, applied[f] = resolve(dups, resolutions or [], instrument, raws[f].file,
                                                          where, resolutions_file)
        probs.current = f
        for p in dup_problems:
            probs.add(p)
        drop += [lo + i for i in f_drop]
        new_ids.update({lo + i: nid for i, nid in f_new.items()})
    if (n_files := close_stage()) == 0:
        raise failed[0][1]
    if new_ids:
        df[idv] = df[idv].astype(object)
        for i, nid in new_ids.items():
            df.iloc[i, df.columns.get_loc(idv)] = nid
            ids.iloc[i] = nid
    keep_mask = origin < n_files
    keep_mask[drop] = False
    positions = np.flatnonzero(keep_mask)   # raw row of every kept row, for messages
    df = df.iloc[positions].reset_index(drop=True)
    ids = ids.iloc[positions].reset_index(drop=True)
    origin_k, local_k = origin[positions], local[positions]
    probs.origin = origin_k

    def where_kept(j: int) -> str:
        rid = ids.iloc[j]
        at = raws[origin_k[j]].where(int(local_k[j]))
        return f"{at} ({idv} '{rid}')" if rid else at

    clean = pd.DataFrame(index=df.index)
    recoded: list[dict[str, int]] = [{} for _ in range(n_files)]
    for var in codebook.variables():
        name = var["name"]
        s = df[name]
        for rc in var.get("recode", []):
            hit = s == _raw_key(rc["from"], raw0)
            if hit.any():
                counts = np.bincount(origin_k[hit.to_numpy()], minlength=n_files)
                for f in np.flatnonzero(counts):
                    recoded[f][f"{name}: {rc['from']!r} -> {rc['to']!r}"] = int(counts[f])
                s = s.where(~hit, _raw_key(rc["to"], raw0))
        clean[name] = _check_variable(s, var, codebook, raw0, where_kept, probs, dates,
                                      files=origin_k if n_files > 1 else None)
    for f in range(n_files):
        probs.current = f
        _check_declared_missing(raws[f], codebook, probs)
    for rule in codebook.data.get("checks", {}).get("sums", []):
        _check_sum(clean, rule, where_kept, probs, codebook)
    if hook is not None:   # only for the files without problems so far, as when each is cleaned alone
        ok_files = np.array([probs.files[f].total == 0 for f in range(n_files)])
        rows = np.flatnonzero(ok_files[origin_k])
        if len(rows):
            whole = len(rows) == len(clean)
            sub = clean if whole else clean.iloc[rows].reset_index(drop=True)
            sub_probs = Routed(n_files, origin_k[rows])
            sub_probs.files = probs.files
            done = hook(sub, family, (where_kept if whole else lambda j: where_kept(int(rows[j]))),
                               sub_probs, {v["name"]: column_label(v) for v in codebook.variables()},
                               files=origin_k[rows] if n_files > 1 else None)
            clean, origin_k = done, origin_k[rows]   # if some files had problems, one of them raises below
    n_files = close_stage()
    if failed:
        raise min(failed, key=lambda t: t[0])[1]

    removed = [v["name"] for v in codebook.variables() if v.get("privacy") in REMOVED]
    clean = clean.drop(columns=removed)
    kept = np.bincount(origin_k, minlength=n_files)
    read = sizes
    reports = [{"file": raws[f].file, "rows_read": int(read[f]), "rows_kept": int(kept[f]),
                "renamed": {v["raw_name"]: v["name"] for v in codebook.variables() if "raw_name" in v},
                "recoded": recoded[f], "removed_for_privacy": removed, "duplicates": applied[f]}
               for f in range(n_files)]
    return Cleaned(clean, {"files": reports})
