"""The roll-up of the clean monitoring table by project, period, TOsC domain and evaluation-wide
aggregate (the rules are in the docstring of evalkit.analysis.indicators)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evalkit.analysis.indicator_config import NEEDED_COLUMNS, SPLIT_COLUMNS, IndicatorConfig, _norm, slug
from evalkit.core.errors import ConfigError, DataError

# --- roll-up --------------------------------------------------------------------------------

@dataclass(frozen=True)
class AggregateResult:
    """One evaluation-wide indicator made of indicators of several projects."""

    id: str
    rule: str
    label: dict
    statement: dict | None
    members: list                    # [(project, code)]
    member_totals: list              # life-of-project totals, in member order
    units: list                      # unit key of each member
    members_sum: float
    overlap: float                   # subtracted (dedup), else 0
    total: float
    target: float | None             # sum rule only: sum of the members' targets when all have one
    men: float | None                # sum rule only: when every member has a complete sex split
    women: float | None
    overlap_basis: str = ""          # how the overlap was obtained (dedup)


@dataclass
class IndicatorResult:
    """Everything ``rollup`` computes (tables are language-neutral)."""

    indicators: pd.DataFrame         # one row per (project, indicator), config order
    periods: pd.DataFrame            # one row per (project, indicator, period)
    projects: pd.DataFrame           # one row per project
    disaggregations: pd.DataFrame    # one row per (project, dimension): indicators disaggregated by it
    domains: pd.DataFrame            # one row per TOsC domain, in TOsC order
    aggregates: list[AggregateResult]
    problems: list[str] = field(default_factory=list)
    percent_units: tuple = ()


def _num(s: pd.Series) -> pd.Series:
    """Clean-table cells ('' = missing) as floats."""
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    return pd.to_numeric(s.where(s != ""), errors="coerce").astype(float)


def _check_against_data(data_keys: set, config: IndicatorConfig) -> None:
    """Declared indicators and those in the data must be the same set."""
    declared = set(config.declarations)
    problems = [f"indicators.{p}.{c}: declared, but the monitoring data have no indicator '{c}' for project '{p}'"
                for p, c in config.declarations if (p, c) not in data_keys]
    problems += [f"indicators.{p}: the monitoring data have indicator '{c}' for project '{p}', which is not "
                 f"declared here; declare it (label, domains, cite)"
                 for p, c in sorted(data_keys - declared)]
    if problems:
        raise ConfigError(config.source, problems)


def _fmt(x: float) -> str:
    """A number in a message: thousands separated, no trailing zeros."""
    return f"{x:,.10g}"


def rollup(monitoring: pd.DataFrame, config: IndicatorConfig, stock_units) -> IndicatorResult:
    """Roll the clean monitoring table up (see the module docstring for every rule).

    ``stock_units``: unit keys whose values are levels, never added up (families.yaml). Raises
    DataError when a reconciled column is missing, ConfigError when declarations and data do not
    match or a ``sum`` aggregate has members with different definitions.
    """
    missing = [c for c in NEEDED_COLUMNS if c not in monitoring.columns]
    if missing:
        raise DataError("monitoring clean table", [f"no column {c!r}; expected the clean table of an indicator_report "
                                                   f"instrument (reconciled by the intake)" for c in missing])
    stock_units = set(stock_units)
    df = pd.DataFrame({c: monitoring[c].astype(object).where(monitoring[c].notna(), "").astype(str)
                       for c in ("project", "indicator", "definition", "unit", "period", "value_type")})
    if "disaggregations" in monitoring.columns:
        d = monitoring["disaggregations"]
        df["disaggregations"] = d.astype(object).where(d.notna(), "").astype(str)
    else:
        df["disaggregations"] = ""
    for c in ("target", "actual", "actual_period", "actual_cumulative", *SPLIT_COLUMNS):
        df[c] = _num(monitoring[c]) if c in monitoring.columns else np.nan
    df["_pos"] = np.arange(len(df))
    df["_fraction"] = (df[["actual", "target", "actual_men", "actual_women"]] % 1 > 0).any(axis=1).astype(int)
    df = df.sort_values(["project", "indicator", "period", "_pos"], kind="stable").reset_index(drop=True)

    keys = ["project", "indicator"]
    data_keys = set(map(tuple, df[keys].drop_duplicates().to_numpy().tolist()))
    _check_against_data(data_keys, config)
    problems: list[str] = []

    g = df.groupby(keys, sort=False)
    first = g.head(1).set_index(keys)
    last = g.tail(1).set_index(keys)
    ind = g.agg(periods=("period", "size"), sum_period=("actual_period", "sum"), n_period=("actual_period", "count"),
                target_sum=("target", "sum"), target_n=("target", "count"), target_last=("target", "last"),
                men_sum=("actual_men_period", "sum"), women_sum=("actual_women_period", "sum"),
                men_n=("actual_men", "count"), women_n=("actual_women", "count"), fraction=("_fraction", "sum"))
    for c in ("definition", "unit", "value_type"):
        ind[c] = first[c]
    ind["first_period"] = first["period"]
    ind["last_period"] = last["period"]
    ind["definitions"] = df[keys + ["definition"]].drop_duplicates().groupby(keys, sort=False).size()
    ind["last_actual"] = last["actual"]
    ind["last_cumulative"] = last["actual_cumulative"]
    ind["last_men"] = last["actual_men"]
    ind["last_women"] = last["actual_women"]
    ind["stock"] = ind["unit"].isin(stock_units)
    flow = ~ind["stock"]
    per_period = ind["value_type"] == "period"

    # total
    ind["total"] = np.where(ind["stock"], ind["last_actual"], ind["sum_period"])
    ind.loc[flow & (ind["n_period"] == 0), "total"] = np.nan
    # target
    sum_targets = flow & per_period
    ind["target"] = np.where(sum_targets, ind["target_sum"], ind["target_last"])
    ind.loc[ind["target_n"] == 0, "target"] = np.nan
    ind["target_basis"] = np.where(ind["target_n"] == 0, "", np.where(sum_targets, "sum of period targets",
                                                                      "latest target"))
    with np.errstate(divide="ignore", invalid="ignore"):
        ind["achievement"] = np.where(ind["target"] > 0, ind["total"] / ind["target"], np.nan)
    # sex split
    complete = (ind["men_n"] == ind["periods"]) & (ind["women_n"] == ind["periods"])
    any_split = (ind["men_n"] > 0) | (ind["women_n"] > 0)
    ind["men"] = np.where(complete, np.where(ind["stock"], ind["last_men"], ind["men_sum"]), np.nan)
    ind["women"] = np.where(complete, np.where(ind["stock"], ind["last_women"], ind["women_sum"]), np.nan)
    split_gap = complete & ((ind["men"] + ind["women"] - ind["total"]).abs() > 1e-9)
    both = df["actual_men"].notna() & df["actual_women"].notna() & df["actual"].notna()
    row_gap = both & ((df["actual_men"] + df["actual_women"] - df["actual"]).abs() > 1e-9)
    period_gap = row_gap.groupby([df["project"], df["indicator"]], sort=False).any().reindex(ind.index)
    ind["sex_split"] = np.where(~any_split, "", np.where(split_gap | period_gap, "does not add up",
                                                         np.where(~complete, "incomplete", "ok")))

    # checks, in a stable order
    for p, c in ind.index[ind["definitions"] > 1]:
        defs = sorted(df.loc[(df["project"] == p) & (df["indicator"] == c), "definition"].unique())
        problems.append(f"{p} {c}: the definition changes between periods ({' | '.join(defs)}); "
                        f"expected one definition per indicator")
    recon = flow & (ind["n_period"] > 0) & ((ind["sum_period"] - ind["last_cumulative"]).abs() > 1e-9)
    for (p, c), r in ind[recon].iterrows():
        problems.append(f"{p} {c}: the periods add up to {_fmt(r['sum_period'])} but the latest cumulative value "
                        f"is {_fmt(r['last_cumulative'])}; expected per-period and cumulative reports to agree")
    partial = sum_targets & (ind["target_n"] > 0) & (ind["target_n"] < ind["periods"])
    for (p, c), r in ind[partial].iterrows():
        problems.append(f"{p} {c}: {int(r['target_n'])} of {int(r['periods'])} periods have a target; the "
                        f"life-of-project target adds up those only")
    for r in df[row_gap].itertuples(index=False):
        problems.append(f"{r.project} {r.indicator}, {r.period}: men {_fmt(r.actual_men)} + women "
                        f"{_fmt(r.actual_women)} = {_fmt(r.actual_men + r.actual_women)}, but the total is "
                        f"{_fmt(r.actual)}; expected men + women = total")
    for (p, c), r in ind[any_split & ~complete].iterrows():
        problems.append(f"{p} {c}: men given for {int(r['men_n'])} and women for {int(r['women_n'])} of "
                        f"{int(r['periods'])} periods; expected both in every period (no sex split totals)")
    for (p, c), r in ind[split_gap].iterrows():
        problems.append(f"{p} {c}: life-of-project men {_fmt(r['men'])} + women {_fmt(r['women'])} = "
                        f"{_fmt(r['men'] + r['women'])}, but the total is {_fmt(r['total'])}")

    # disaggregations: ';'-separated dimensions, union over periods
    dims = df[keys + ["disaggregations"]].drop_duplicates()
    dims = dims.assign(dimension=dims["disaggregations"].str.split(";")).explode("dimension")
    dims["dimension"] = (dims["dimension"].fillna("").str.strip().str.lower()
                         .str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_"))
    dims = dims[dims["dimension"] != ""][keys + ["dimension"]].drop_duplicates()
    dims = dims.sort_values(keys + ["dimension"])
    ind_dims = ("; " + dims["dimension"]).groupby([dims["project"], dims["indicator"]], sort=False).sum().str[2:]
    ind["disaggregated_by"] = ind_dims.reindex(ind.index).fillna("")

    # config order and declarations
    order = pd.MultiIndex.from_tuples(list(config.declarations), names=keys)
    ind = ind.reindex(order)
    ind["slug"] = [slug(c) for _, c in ind.index]
    ind["domains"] = ["; ".join(config.declarations[k].get("domains", [])) for k in ind.index]
    ind["cited"] = [bool(config.declarations[k]["cite"]) for k in ind.index]
    ind["percent"] = ind["unit"].isin(config.percent_units)
    ind["whole"] = ind["fraction"] == 0
    ind = ind.reset_index()
    cols = ["project", "indicator", "slug", "definition", "unit", "value_type", "stock", "percent", "domains", "cited",
            "periods", "first_period", "last_period", "total", "target", "target_basis", "achievement", "men",
            "women", "sex_split", "disaggregated_by", "whole"]
    indicators = ind[cols].copy()
    indicators["periods"] = indicators["periods"].astype(int)

    # per period
    per = df.copy()
    per_flow_period = (~per["unit"].isin(stock_units)) & (per["value_type"] == "period")
    cum_target = per.groupby(keys, sort=False)["target"].cumsum()
    per["target_cumulative"] = np.where(per_flow_period, cum_target, per["target"])
    per.loc[per["target"].isna() & ~per_flow_period, "target_cumulative"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        per["achievement_cumulative"] = np.where(per["target_cumulative"] > 0,
                                                 per["actual_cumulative"] / per["target_cumulative"], np.nan)
    rank = {k: i for i, k in enumerate(config.declarations)}
    per["_rank"] = pd.MultiIndex.from_frame(per[keys]).map(rank)
    per = per.sort_values(["_rank", "period", "_pos"], kind="stable")
    periods = per[["project", "indicator", "period", "value_type", "unit", "target", "target_cumulative", "actual",
                   "actual_period", "actual_cumulative", "actual_men_period", "actual_women_period",
                   "actual_men_cumulative", "actual_women_cumulative", "achievement_cumulative"]].reset_index(drop=True)

    # per project
    project_keys = list(config.project_order) + sorted({p for p, _ in config.declarations} - set(config.project_order))
    pg = indicators.groupby("project", sort=False)
    projects = pd.DataFrame({"indicators": pg.size(), "periods": df.groupby("project")["period"].nunique(),
                             "first_period": pg["first_period"].min(), "last_period": pg["last_period"].max(),
                             "cited": pg["cited"].sum()}).reindex(project_keys)
    projects = projects.rename_axis("project").reset_index()
    disaggregations = (dims.groupby(["project", "dimension"]).size().rename("indicators").reset_index())
    disaggregations["_rank"] = disaggregations["project"].map({p: i for i, p in enumerate(project_keys)})
    disaggregations = disaggregations.sort_values(["_rank", "dimension"]).drop(columns="_rank").reset_index(drop=True)

    # per TOsC domain
    dom = (indicators[["project", "indicator", "domains"]].assign(domain=indicators["domains"].str.split("; "))
           .explode("domain"))
    dg = dom.groupby("domain")
    domains = pd.DataFrame({"domain": config.domain_keys,
                            "number": range(1, len(config.domain_keys) + 1),
                            "category": [d["category"] for d in config.tosc["domains"]]})
    domains["indicators"] = domains["domain"].map(dg.size()).fillna(0).astype(int)
    domains["projects"] = domains["domain"].map(dg["project"].nunique()).fillna(0).astype(int)

    aggregates = [_aggregate(a, indicators, config) for a in config.aggregates]
    return IndicatorResult(indicators=indicators, periods=periods, projects=projects, disaggregations=disaggregations,
                           domains=domains, aggregates=aggregates, problems=problems,
                           percent_units=tuple(config.percent_units))


def _aggregate(a: dict, indicators: pd.DataFrame, config: IndicatorConfig) -> AggregateResult:
    """Apply an aggregate's rule to its members' life-of-project totals."""
    by_key = indicators.set_index(["project", "indicator"])
    members = [(m["project"], m["code"]) for m in a["members"]]
    rows = by_key.loc[members]
    where = f"aggregates[{a['id']}]"
    rule = a["rule"]
    problems = []
    if rule in ("sum", "dedup"):
        stock = [f"{p} {c} ({u})" for (p, c), u in zip(members, rows["unit"], strict=True) if rows.loc[(p, c), "stock"]]
        if stock:
            problems.append(f"{where}: rule '{rule}' adds up members whose unit is a level, never added up: "
                            f"{', '.join(stock)}; use rule 'max' or leave them out")
    if rule == "sum":
        defs: dict[str, list[str]] = {}
        for (p, c), d in zip(members, rows["definition"], strict=True):
            defs.setdefault(_norm(d), []).append(f"{p} {c}")
        if len(defs) > 1:
            listed = "; ".join(f"{', '.join(who)}: '{d}'" for d, who in defs.items())
            problems.append(f"{where}: rule 'sum' needs every member to have the same definition in the data, but "
                            f"they differ: {listed}. Use rule 'max', or 'dedup' with a statement and an overlap, "
                            f"or sum only members defined the same")
    totals = [float(t) for t in rows["total"]]
    if any(np.isnan(totals)):
        problems.append(f"{where}: a member has no total")
    if problems:
        raise ConfigError(config.source, problems)
    members_sum = float(sum(totals))
    overlap, basis = 0.0, ""
    target = men = women = None
    if rule == "sum":
        total = members_sum
        if rows["target"].notna().all():
            target = float(rows["target"].sum())
        if rows["men"].notna().all() and rows["women"].notna().all():
            men, women = float(rows["men"].sum()), float(rows["women"].sum())
    elif rule == "max":
        total = float(max(totals))
    else:
        ov = a["overlap"]
        if isinstance(ov, dict) and "indicator" in ov:
            k = (ov["indicator"]["project"], ov["indicator"]["code"])
            overlap = float(by_key.loc[k, "total"])
            basis = f"the life-of-project total of {k[0]} {k[1]}"
        elif isinstance(ov, dict):
            overlap = members_sum * float(ov["share"])
            basis = f"{ov['share']:g} of the members' sum"
        else:
            overlap = float(ov)
            basis = "the stated number"
        total = members_sum - overlap
        if total < max(totals) - 1e-9:
            raise ConfigError(config.source, [
                f"{where}: the overlap ({_fmt(overlap)}, {basis}) leaves {_fmt(total)}, less than the largest member "
                f"({_fmt(max(totals))}); an overlap cannot exceed the members other than the largest"])
    return AggregateResult(id=a["id"], rule=rule, label=a["label"], statement=a.get("statement"), members=members,
                           member_totals=totals, units=list(rows["unit"]), members_sum=members_sum, overlap=overlap,
                           total=total, target=target, men=men, women=women, overlap_basis=basis)
