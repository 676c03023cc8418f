"""The roll-up's figures in the value store, and its language-neutral results tables."""

from __future__ import annotations

import pandas as pd

from evalkit.analysis.indicator_rollup import IndicatorResult
from evalkit.values import ids
from evalkit.values.store import ValueStore

# --- values and tables ------------------------------------------------------------------------

def _total_kind(row) -> tuple[str, float, int]:
    """How a level or count goes to the store: percentages as shares, whole numbers as counts."""
    if row["percent"]:
        return "share", row["total"] / 100, 0
    if row["whole"]:
        return "count", row["total"], 0
    return "number", row["total"], 1


def add_indicator_values(store: ValueStore, instrument_id: str, result: IndicatorResult, source: dict,
                         project_files: dict[str, dict] | None = None) -> None:
    """Every roll-up figure a document may cite, in the value store.

    Value ids (``<i>`` = instrument id, ``<p>`` = project key, ``<s>`` = indicator slug):
    ``<i>.projects``, ``<i>.indicators``; per project ``<i>.<p>.indicators`` and
    ``<i>.<p>.disaggregated.<dimension>``; per indicator ``<i>.<p>.<s>.total`` (a share for percent
    units), ``.total_millions`` (totals of a million or more, one decimal), ``.target``,
    ``.achievement``, ``.men``, ``.women`` (when there is one) and ``.periods``; per aggregate
    ``<i>.aggregate.<id>.total``, ``.members`` and, for ``sum``, ``.target``, ``.achievement``,
    ``.men``, ``.women``; for ``dedup``, ``.members_sum`` and ``.overlap``; per TOsC domain
    ``<i>.domain.<domain>.indicators`` and ``.projects``. ``project_files`` (optional): project key ->
    {file, sha256} of its raw file, to name that one file in the per-project values' source.
    """
    project_files = project_files or {}

    def src(project: str | None, computation: str, **extra) -> dict:
        s = dict(source)
        if project is not None and project in project_files:
            s.update(project_files[project])
        return {**s, **extra, "computation": computation}

    ind = result.indicators
    store.add(ids.value_id(instrument_id, "projects"), len(result.projects), "count",
              src(None, "number of distinct projects in the monitoring data"))
    store.add(ids.value_id(instrument_id, "indicators"), len(ind), "count",
              src(None, "number of (project, indicator) pairs in the monitoring data"))
    for r in result.projects.itertuples(index=False):
        store.add(ids.value_id(instrument_id, r.project, "indicators"), int(r.indicators), "count",
                  src(r.project, "number of indicators the project reports"))
    for r in result.disaggregations.itertuples(index=False):
        store.add(ids.value_id(instrument_id, r.project, "disaggregated", r.dimension), int(r.indicators), "count",
                  src(r.project, f"number of the project's indicators whose disaggregations column (';'-separated) "
                                 f"names '{r.dimension}' in any period"))
    for r in ind.to_dict("records"):
        base = ids.value_id(instrument_id, r["project"], r["slug"])
        extra = {"indicator": r["indicator"]}
        how = ("latest value (a level, never added up)" if r["stock"] else
               "sum of the per-period values (cumulative reports: differences of consecutive values)")
        if pd.notna(r["total"]):
            kind, value, digits = _total_kind(r)
            store.add(ids.value_id(base, "total"), value, kind,
                      src(r["project"], f"life-of-project total: {how}", **extra), digits)
            if kind != "share" and value >= 1_000_000:
                store.add(ids.value_id(base, "total_millions"), value / 1_000_000, "number",
                          src(r["project"], f"life-of-project total / 1,000,000: {how}", **extra), 1)
        if pd.notna(r["target"]):
            tkind, tvalue, tdigits = _total_kind({**r, "total": r["target"]})
            store.add(ids.value_id(base, "target"), tvalue, tkind,
                      src(r["project"], f"life-of-project target: {r['target_basis']}",
                                                           **extra), tdigits)
        if pd.notna(r["achievement"]):
            store.add(ids.value_id(base, "achievement"), r["achievement"], "share",
                      src(r["project"], "life-of-project total / life-of-project target", **extra))
        for sex in ("men", "women"):
            if pd.notna(r[sex]):
                kind, value, digits = _total_kind({**r, "total": r[sex]})
                store.add(ids.value_id(base, sex), value, kind,
                          src(r["project"], f"life-of-project total of {sex} ({how}); every period gives men and "
                                            f"women", **extra), digits)
        store.add(ids.value_id(base, "periods"), int(r["periods"]), "count",
                  src(r["project"], f"number of reporting periods ({r['first_period']} to {r['last_period']})",
                      **extra))
    for a in result.aggregates:
        base = ids.value_id(instrument_id, "aggregate", a.id)
        members = ", ".join(f"{p} {c}" for p, c in a.members)
        how = {"sum": "sum of the members' life-of-project totals (same definition)",
               "max": "largest of the members' life-of-project totals (the others taken to be contained in it)",
               "dedup": f"sum of the members' life-of-project totals minus the overlap ({a.overlap_basis})"}[a.rule]
        extra = {"members": members, "rule": a.rule}
        whole = float(a.total).is_integer()
        store.add(ids.value_id(base, "total"), a.total, "count" if whole else "number", src(None, how, **extra),
                  0 if whole else 1)
        store.add(ids.value_id(base, "members"), len(a.members), "count",
                  src(None, "number of member indicators", **extra))
        if a.rule == "dedup":
            for name, v, what in (("members_sum", a.members_sum, "sum of the members' life-of-project totals"),
                                  ("overlap", a.overlap, f"overlap subtracted: {a.overlap_basis}")):
                w = float(v).is_integer()
                store.add(ids.value_id(base, name), v, "count" if w else "number", src(None, what, **extra),
                          0 if w else 1)
        if a.target is not None:
            store.add(ids.value_id(base, "target"), a.target, "count" if float(a.target).is_integer() else "number",
                      src(None, "sum of the members' life-of-project targets", **extra))
            if a.target > 0:
                store.add(ids.value_id(base, "achievement"), a.total / a.target, "share",
                          src(None, "aggregate total / sum of the members' targets", **extra))
        for sex, v in (("men", a.men), ("women", a.women)):
            if v is not None:
                store.add(ids.value_id(base, sex), v, "count" if float(v).is_integer() else "number",
                          src(None, f"sum of the members' life-of-project totals of {sex}", **extra))
    for r in result.domains.itertuples(index=False):
        store.add(ids.domain(instrument_id, r.domain, "indicators"), int(r.indicators), "count",
                  src(None, f"number of (project, indicator) pairs declared under TOsC domain {r.number} ({r.domain})"))
        store.add(ids.domain(instrument_id, r.domain, "projects"), int(r.projects), "count",
                  src(None, f"number of projects with an indicator declared under TOsC domain {r.number} ({r.domain})"))


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    """Floats to six decimals, so that tables are the same bytes on every machine."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(6)
    return out


def indicator_table(result: IndicatorResult) -> pd.DataFrame:
    """One row per (project, indicator): life-of-project total, target, achievement, sex split,
    periods, TOsC domains, disaggregations. Language-neutral (keys and codes, no labels)."""
    return _rounded(result.indicators.drop(columns=["whole"]))


def period_table(result: IndicatorResult) -> pd.DataFrame:
    """One row per (project, indicator, period): target and actual as reported, the reconciled
    per-period and cumulative values (and their sex splits), the cumulative target and achievement."""
    return _rounded(result.periods)
