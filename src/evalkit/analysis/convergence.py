"""Evidence convergence of the findings: for every code (finding id) of the coded qualitative
segments, how many segments, distinct stakeholder types and distinct activities support it, and
whether fewer stakeholder types than the evaluation's threshold converge on it.

Also checks that each segment points to an activity of the engagement log and carries that
activity's stakeholder type.
"""

from __future__ import annotations

import re

import pandas as pd

from evalkit.values import ids
from evalkit.values.store import ValueStore

ID_SEGMENT = re.compile(r"^[a-z0-9_]+$")
COLUMNS = ["code", "segments", "stakeholder_types", "types", "activities", "flagged"]


def code_id(code: str) -> str:
    """A code slug as a value-id segment, e.g. 'some-finding' -> 'some_finding'."""
    out = str(code).strip().lower().replace("-", "_")
    if not ID_SEGMENT.match(out):
        raise ValueError(f"code {code!r} cannot be a value id segment (expected letters, digits and hyphens)")
    return out


def convergence(segments: pd.DataFrame, min_types: int) -> pd.DataFrame:
    """One row per code (sorted): code, segments, stakeholder_types (distinct count), types (the sorted
    stakeholder keys joined by ';'), activities (distinct activity ids) and flagged (stakeholder_types
    < `min_types`). Segments with an empty code are ignored."""
    if min_types < 1:
        raise ValueError(f"min_types must be at least 1, got {min_types}")
    df = segments[["code", "stakeholder", "activity_id"]].fillna("").astype(str)
    df = df[df["code"] != ""]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            COLUMNS, ["str", "int64", "int64", "str", "int64", "bool"], strict=True)})
    g = df.groupby("code", sort=True)
    types = df[df["stakeholder"] != ""].drop_duplicates(["code", "stakeholder"]).sort_values(["code", "stakeholder"])
    joined = types.groupby("code")["stakeholder"].agg(";".join)
    out = pd.DataFrame({
        "segments": g.size(),
        "stakeholder_types": types.groupby("code").size(),
        "types": joined,
        "activities": df[df["activity_id"] != ""].groupby("code")["activity_id"].nunique(),
    }).reindex(g.size().index)
    out = out.fillna({"stakeholder_types": 0, "activities": 0, "types": ""})
    out = out.astype({"segments": "int64", "stakeholder_types": "int64", "activities": "int64", "types": "str"})
    out["flagged"] = out["stakeholder_types"] < min_types
    return out.rename_axis("code").reset_index()[COLUMNS]


def add_convergence_values(store: ValueStore, instrument_id: str, table: pd.DataFrame, source: dict,
                           min_types: int) -> None:
    """Value ids: ``<iid>.findings``, ``<iid>.flagged``, ``<iid>.min_stakeholder_types`` and, per code
    (hyphens turned into underscores), ``<iid>.by_code.<code>.segments|stakeholder_types|activities``."""
    def add(vid: str, value, computation: str, **extra) -> None:
        """Add one count under the instrument id with its computation."""
        store.add(ids.value_id(instrument_id, vid), value, "count", {**source, **extra, "computation": computation})

    add("findings", len(table), "distinct codes (findings) of the coded segments")
    add("flagged", int(table["flagged"].sum()),
        f"codes supported by fewer than {min_types} distinct stakeholder types")
    add("min_stakeholder_types", min_types,
        "the evaluation's threshold: a finding is retained when at least this many stakeholder types converge")
    for row in table.itertuples(index=False):
        base = f"by_code.{code_id(row.code)}"
        add(ids.value_id(base, "segments"), row.segments, f"segments coded '{row.code}'", code=row.code)
        add(ids.value_id(base, "stakeholder_types"), row.stakeholder_types,
            f"distinct stakeholder types of the segments coded '{row.code}' ({row.types.replace(';', ', ')})",
            code=row.code)
        add(ids.value_id(base, "activities"), row.activities, f"distinct activities of the segments coded '{row.code}'",
            code=row.code)


def check_activity_links(segments: pd.DataFrame, log: pd.DataFrame, segment_id: str = "segment_id",
                         activity_id: str = "activity_id") -> list[str]:
    """Problems with the links of segments to the engagement log: a segment whose activity is not in
    the log, or whose stakeholder type differs from that activity's. Empty when all links hold."""
    seg = segments[[segment_id, "activity_id", "stakeholder"]].fillna("").astype(str)
    ref = log[[activity_id, "stakeholder"]].fillna("").astype(str).drop_duplicates(activity_id)
    ref = ref.rename(columns={activity_id: "activity_id", "stakeholder": "_log_stakeholder"})
    m = seg.merge(ref, on="activity_id", how="left", sort=False)   # keeps the order of the segments
    absent = m["_log_stakeholder"].isna()
    bad = m[absent | (m["stakeholder"] != m["_log_stakeholder"])]
    problems = []
    for s, a, st, lst in zip(
        bad[segment_id], bad["activity_id"], bad["stakeholder"], bad["_log_stakeholder"], strict=True
    ):
        if pd.isna(lst):
            problems.append(f"segment {s}: activity '{a}' is not in the engagement log")
        else:
            problems.append(
                f"segment {s}: stakeholder '{st}' differs from the engagement log's stakeholder '{lst}' of activity {a}"
            )
    return problems
