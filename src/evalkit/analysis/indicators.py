"""Monitoring indicators rolled up by project, by period, by TOsC domain and evaluation-wide.

Input: the clean table of an ``indicator_report`` instrument (one row per project, indicator and
reporting period) whose intake already reconciled per-period and cumulative reports into the
columns ``<c>_period`` and ``<c>_cumulative`` (evalkit.intake.families.reconcile_indicators), and
the evaluation's declarations about its indicators (indicators.yaml: labels, TOsC domains, cited
figures, evaluation-wide aggregates; workflow/schemas/indicators.schema.yaml).

How a life-of-project figure is made, per (project, indicator):

- total: flows (counts) add up their per-period values (``actual_period``), whatever the partner
  reported: a cumulative report is never added up, only its increments are (so the total equals
  the latest cumulative value). Stock units (a percentage: a level at a date, families.yaml
  ``stock_units``) are never added up: the total is the latest period's value.
- target: reported targets follow the value type. For a flow reported per period, each target is
  that period's target, so the life-of-project target is the sum of the period targets (periods
  without a target add nothing; a problem is reported when only some periods have one). For a
  flow reported cumulatively, and for any stock, a target is a to-date level, so the life-of-project
  target is the latest stated target.
- achievement = total / target (when the target is above zero).
- men and women: added up like the total (latest value for stocks), only when every period gives
  both; a sex split checks that men + women equals the total, in each period and overall, and
  every mismatch or incomplete split is listed in ``problems``.
- periods: the number of periods reported, and the first and last (periods sort as text, so
  ``YYYY-H1`` < ``YYYY-H2`` < next year).

Evaluation-wide aggregates put the life-of-project totals of indicators of several projects
together with a declared rule so that no one is counted twice: ``sum`` (only when every member has
the same definition in the data; otherwise an error names the definitions), ``max`` (the smaller
members are taken to be contained in the largest) or ``dedup`` (the sum minus a stated overlap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evalkit.core.config import load_schema, load_yaml, validate
from evalkit.core.errors import ConfigError, DataError
from evalkit.core.io import display_path
from evalkit.core.markup import check_texts
from evalkit.model.evaluation import Codebook, check_languages
from evalkit.values.store import ValueStore

SCHEMA = "indicators.schema.yaml"
RULES = ("sum", "max", "dedup")
# Segments the value ids use beside project keys and indicator slugs (they must not collide).
RESERVED_PROJECT_KEYS = ("aggregate", "domain", "indicators", "projects")
RESERVED_INDICATOR_SLUGS = ("indicators", "disaggregated")
NEEDED_COLUMNS = ("project", "indicator", "definition", "unit", "period", "value_type", "target", "actual",
                  "actual_period", "actual_cumulative")
SPLIT_COLUMNS = ("actual_men", "actual_women", "actual_men_period", "actual_women_period",
                 "actual_men_cumulative", "actual_women_cumulative")


def slug(text: str) -> str:
    """A value-id segment: lowercase, every run of other characters than a-z0-9 as one '_'
    (``MAP-01`` -> ``map_01``, ``organization type`` -> ``organization_type``)."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


def _norm(text: str) -> str:
    """A definition compared for identity: surrounding and repeated white space do not count."""
    return " ".join(str(text).split())


# --- configuration ---------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorConfig:
    """The evaluation's declarations about its indicators, validated, and the TOsC they refer to."""

    source: str                      # indicators.yaml as named in messages
    tosc_source: str                 # tosc.yaml as named in messages
    tosc: dict                       # categories, domains (in number order), areas
    declarations: dict               # {(project, code): {label, domains, cite}} in file order
    aggregates: list                 # as in the file
    percent_units: tuple = ()
    project_order: tuple = ()        # project keys in codebook order

    @property
    def domain_keys(self) -> list[str]:
        """Domain keys in TOsC order (domain number = position + 1)."""
        return [d["key"] for d in self.tosc["domains"]]

    def domain_number(self, key: str) -> int:
        """The TOsC number (1-9) of a domain: its position in tosc.yaml."""
        return self.domain_keys.index(key) + 1


def _check_tosc(tosc: dict, languages: list[str], source: str) -> None:
    """Unique keys, every domain in a declared category, every text in every language."""
    problems: list[str] = []
    for part in ("categories", "domains", "areas"):
        keys = [x["key"] for x in tosc[part]]
        for dup in sorted({k for k in keys if keys.count(k) > 1}):
            problems.append(f"{part}: key '{dup}' is used more than once")
    cats = [c["key"] for c in tosc["categories"]]
    for d in tosc["domains"]:
        if d["category"] not in cats:
            problems.append(f"domains[{d['key']}].category: '{d['category']}' is not a category "
                            f"(categories: {', '.join(cats)})")
    check_languages(tosc, languages, "", problems)
    check_texts(tosc, problems)
    if problems:
        raise ConfigError(source, problems)


def load_indicator_config(path: str | Path, tosc_path: str | Path, codebook: Codebook, languages: list[str],
                          root: str | Path | None = None) -> IndicatorConfig:
    """Read and validate indicators.yaml and the TOsC file it refers to.

    Checks: both files against workflow/schemas/indicators.schema.yaml (the TOsC file against its
    ``$defs.tosc``); every text in every configured language; project keys are category keys of the
    codebook's ``project`` variable and codes match the pattern of its ``indicator`` variable; every
    domain key is a domain of the TOsC file; indicator slugs are unique within a project; aggregate
    ids are unique and their members (and a dedup overlap indicator) are declared indicators. That
    every declared indicator is in the data, and the reverse, is checked by ``rollup``. ``root``
    (optional) makes the file names in messages relative to the repository.
    """
    path, tosc_path = Path(path), Path(tosc_path)
    source, tosc_source = display_path(path, root), display_path(tosc_path, root)
    schema = load_schema(SCHEMA)
    tosc = load_yaml(tosc_path)
    validate(tosc, {**schema["$defs"]["tosc"], "$defs": schema["$defs"]}, tosc_source)
    _check_tosc(tosc, languages, tosc_source)
    doc = load_yaml(path)
    validate(doc, schema, source)

    problems: list[str] = []
    check_languages(doc, languages, "", problems)
    check_texts(doc, problems)
    domains = [d["key"] for d in tosc["domains"]]
    try:
        project_var = codebook.variable("project")
        projects = [c["key"] for c in project_var.get("categories", [])]
    except KeyError:
        projects = []
    try:
        pattern = codebook.variable("indicator").get("pattern")
    except KeyError:
        pattern = None
    declarations: dict = {}
    for project, codes in doc["indicators"].items():
        if project not in projects:
            problems.append(f"indicators.{project}: not a project of the codebook {codebook.source} "
                            f"(project keys: {', '.join(projects) or 'none'})")
        if project in RESERVED_PROJECT_KEYS:
            problems.append(f"indicators.{project}: a project key may not be one of "
                            f"{', '.join(RESERVED_PROJECT_KEYS)} (they name other values)")
        slugs: dict[str, str] = {}
        for code, dec in codes.items():
            where = f"indicators.{project}.{code}"
            if pattern and not re.search(pattern, code):
                problems.append(f"{where}: the code does not match the codebook's indicator pattern {pattern}")
            s = slug(code)
            if not s or s in RESERVED_INDICATOR_SLUGS:
                problems.append(f"{where}: the code gives the value-id segment {s!r}, which is empty or reserved "
                                f"({', '.join(RESERVED_INDICATOR_SLUGS)})")
            elif s in slugs:
                problems.append(f"{where}: gives the same value-id segment '{s}' as {slugs[s]}")
            slugs.setdefault(s, code)
            for d in dec["domains"]:
                if d not in domains:
                    problems.append(f"{where}.domains: '{d}' is not a domain of {tosc_source} "
                                    f"(domains: {', '.join(domains)})")
            declarations[(project, code)] = dec

    aggregates = doc.get("aggregates", [])
    ids = [a["id"] for a in aggregates]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"aggregates: id '{dup}' is used more than once")
    for a in aggregates:
        members = [(m["project"], m["code"]) for m in a["members"]]
        for m in sorted({m for m in members if members.count(m) > 1}):
            problems.append(f"aggregates[{a['id']}].members: {m[0]} {m[1]} is listed more than once")
        ov = a.get("overlap")
        extra = ([(ov["indicator"]["project"], ov["indicator"]["code"])]
                 if isinstance(ov, dict) and "indicator" in ov else [])
        for m in members + extra:
            if m not in declarations:
                problems.append(f"aggregates[{a['id']}]: {m[0]} {m[1]} is not declared under indicators")
    if problems:
        raise ConfigError(source, problems)
    order = tuple(p for p in projects if p in doc["indicators"])
    return IndicatorConfig(source=source, tosc_source=tosc_source, tosc=tosc, declarations=declarations,
                           aggregates=aggregates, percent_units=tuple(doc.get("percent_units", [])),
                           project_order=order)


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
    ind["domains"] = ["; ".join(config.declarations[k]["domains"]) for k in ind.index]
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
    store.add(f"{instrument_id}.projects", len(result.projects), "count",
              src(None, "number of projects in the monitoring data"))
    store.add(f"{instrument_id}.indicators", len(ind), "count",
              src(None, "number of (project, indicator) pairs in the monitoring data"))
    for r in result.projects.itertuples(index=False):
        store.add(f"{instrument_id}.{r.project}.indicators", int(r.indicators), "count",
                  src(r.project, "number of indicators the project reports"))
    for r in result.disaggregations.itertuples(index=False):
        store.add(f"{instrument_id}.{r.project}.disaggregated.{r.dimension}", int(r.indicators), "count",
                  src(r.project, f"number of the project's indicators whose disaggregations column (';'-separated) "
                                 f"names '{r.dimension}' in any period"))
    for r in ind.to_dict("records"):
        base = f"{instrument_id}.{r['project']}.{r['slug']}"
        extra = {"indicator": r["indicator"]}
        how = ("latest value (a level, never added up)" if r["stock"] else
               "sum of the per-period values (cumulative reports: differences of consecutive values)")
        if pd.notna(r["total"]):
            kind, value, digits = _total_kind(r)
            store.add(f"{base}.total", value, kind, src(r["project"], f"life-of-project total: {how}", **extra), digits)
            if kind != "share" and value >= 1_000_000:
                store.add(f"{base}.total_millions", value / 1_000_000, "number",
                          src(r["project"], f"life-of-project total / 1,000,000: {how}", **extra), 1)
        if pd.notna(r["target"]):
            tkind, tvalue, tdigits = _total_kind({**r, "total": r["target"]})
            store.add(f"{base}.target", tvalue, tkind, src(r["project"], f"life-of-project target: {r['target_basis']}",
                                                           **extra), tdigits)
        if pd.notna(r["achievement"]):
            store.add(f"{base}.achievement", r["achievement"], "share",
                      src(r["project"], "life-of-project total / life-of-project target", **extra))
        for sex in ("men", "women"):
            if pd.notna(r[sex]):
                kind, value, digits = _total_kind({**r, "total": r[sex]})
                store.add(f"{base}.{sex}", value, kind,
                          src(r["project"], f"life-of-project total of {sex} ({how}); every period gives men and "
                                            f"women", **extra), digits)
        store.add(f"{base}.periods", int(r["periods"]), "count",
                  src(r["project"], f"number of reporting periods ({r['first_period']} to {r['last_period']})",
                      **extra))
    for a in result.aggregates:
        base = f"{instrument_id}.aggregate.{a.id}"
        members = ", ".join(f"{p} {c}" for p, c in a.members)
        how = {"sum": "sum of the members' life-of-project totals (same definition)",
               "max": "largest of the members' life-of-project totals (the others taken to be contained in it)",
               "dedup": f"sum of the members' life-of-project totals minus the overlap ({a.overlap_basis})"}[a.rule]
        extra = {"members": members, "rule": a.rule}
        whole = float(a.total).is_integer()
        store.add(f"{base}.total", a.total, "count" if whole else "number", src(None, how, **extra), 0 if whole else 1)
        store.add(f"{base}.members", len(a.members), "count", src(None, "number of member indicators", **extra))
        if a.rule == "dedup":
            for name, v, what in (("members_sum", a.members_sum, "sum of the members' life-of-project totals"),
                                  ("overlap", a.overlap, f"overlap subtracted: {a.overlap_basis}")):
                w = float(v).is_integer()
                store.add(f"{base}.{name}", v, "count" if w else "number", src(None, what, **extra), 0 if w else 1)
        if a.target is not None:
            store.add(f"{base}.target", a.target, "count" if float(a.target).is_integer() else "number",
                      src(None, "sum of the members' life-of-project targets", **extra))
            if a.target > 0:
                store.add(f"{base}.achievement", a.total / a.target, "share",
                          src(None, "aggregate total / sum of the members' targets", **extra))
        for sex, v in (("men", a.men), ("women", a.women)):
            if v is not None:
                store.add(f"{base}.{sex}", v, "count" if float(v).is_integer() else "number",
                          src(None, f"sum of the members' life-of-project totals of {sex}", **extra))
    for r in result.domains.itertuples(index=False):
        base = f"{instrument_id}.domain.{r.domain}"
        store.add(f"{base}.indicators", int(r.indicators), "count",
                  src(None, f"number of (project, indicator) pairs declared under TOsC domain {r.number} ({r.domain})"))
        store.add(f"{base}.projects", int(r.projects), "count",
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
