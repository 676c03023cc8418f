"""Monitoring indicators rolled up by project, period, TOsC domain and evaluation-wide.

The published monitoring figures (shared/reference/published-figures.md) must come out of the
real clean monitoring table, computed from its rows.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import yaml

from evalkit.analysis.indicators import (
    add_indicator_values,
    indicator_table,
    load_indicator_config,
    period_table,
    rollup,
    slug,
)
from evalkit.core.errors import ConfigError
from evalkit.model.evaluation import families
from evalkit.steps.common import read_clean
from evalkit.values.store import ValueStore

from .conftest import LANGS, ROOT

CONFIG = ROOT / "config" / "evaluations" / "mexico-auto-2024" / "indicators.yaml"
TOSC = ROOT / "report" / "mexico-auto-2024" / "content" / "tosc.yaml"
STOCK = families()["indicator_report"]["stock_units"]
SOURCE = {"file": "raw/mexico-auto-2024/monitoring/*.csv", "instrument": "monitoring"}


@pytest.fixture(scope="module")
def monitoring(cleaned_files):
    return read_clean(cleaned_files["monitoring"])


@pytest.fixture(scope="module")
def codebook(ctx):
    return ctx.evaluation.codebooks["monitoring"]


@pytest.fixture(scope="module")
def config(codebook):
    return load_indicator_config(CONFIG, TOSC, codebook, LANGS, root=ROOT)


@pytest.fixture(scope="module")
def result(monitoring, config):
    return rollup(monitoring, config, STOCK)


@pytest.fixture(scope="module")
def store(result):
    s = ValueStore("mexico-auto-2024", LANGS)
    add_indicator_values(s, "monitoring", result, SOURCE)
    return s


def test_the_number_of_distinct_projects_of_the_monitoring_data(store, result):
    assert store.values["monitoring.projects"]["value"] == result.projects["project"].nunique() == 4
    assert store.values["monitoring.projects"]["kind"] == "count"
    assert store.values["monitoring.projects"]["source"]["computation"] == \
        "number of distinct projects in the monitoring data"


def row(result, project, code):
    t = result.indicators
    hit = t[(t["project"] == project) & (t["indicator"] == code)]
    assert len(hit) == 1, (project, code)
    return hit.iloc[0]


def val(store, vid):
    return store.values[vid]["value"]


# --- the published figures --------------------------------------------------------------------

def test_published_monitoring_figures_come_out_of_the_clean_table(store):
    expected = {
        "monitoring.map.map_01.total": 4494,              # people at public forums
        "monitoring.ewcs.sc_01.total": 2846,              # workers trained to identify violations
        "monitoring.ewcs.sc_02.total": 1928,              # ... with improved understanding
        "monitoring.ewcs.sc_03.total": 186015,            # First Aid for Workers: people reached
        "monitoring.ewcs.sc_04.total": 280079,            # ... and views
        "monitoring.aggregate.lr_cap.total": 3221,        # all four projects
        "monitoring.aggregate.lr_beh.total": 199,
        "monitoring.auto_employers.ae_01.total": 120,
        "monitoring.auto_employers.ae_02.total": 135,
        "monitoring.auto_employers.ae_03.total": 752,
        "monitoring.auto_employers.ae_04.total": 1726,
        "monitoring.calle.calle_01.total": 675,
        "monitoring.calle.calle_01.women": 294,
        "monitoring.calle.calle_02.total": 547,
        "monitoring.calle.calle_03.total": 89,
        "monitoring.calle.calle_04.total": 170,
        "monitoring.map.indicators": 13,
        "monitoring.map.disaggregated.ethnicity": 7,
    }
    got = {k: val(store, k) for k in expected}
    assert got == expected
    for k in expected:
        assert store.values[k]["kind"] == "count"
    assert store.values["monitoring.aggregate.lr_cap.total"]["display"] == {"en-US": "3,221", "es-MX": "3,221"}


def test_social_media_views_in_millions(store):
    assert val(store, "monitoring.map.map_02.total") == 36_418_572
    assert {lang: store.values["monitoring.map.map_02.total_millions"]["display"][lang] for lang in LANGS} == \
        {"en-US": "36.4", "es-MX": "36.4"}


def test_a_percentage_is_the_latest_level_never_a_sum(result, store):
    r = row(result, "auto_employers", "AE-05")
    assert r["stock"] and r["total"] == 70            # 36, 49, 61, 70: the sum would be 216
    v = store.values["monitoring.auto_employers.ae_05.total"]
    assert v["kind"] == "share" and v["value"] == pytest.approx(0.70)
    assert v["display"]["en-US"] == "70%"
    assert val(store, "monitoring.auto_employers.ae_05.target") == pytest.approx(0.60)


# --- reconciliation, targets, sex splits --------------------------------------------------------

def test_calle_cumulative_reports_are_not_double_counted(monitoring, result):
    calle01 = monitoring[(monitoring["project"] == "calle") & (monitoring["indicator"] == "CALLE-01")]
    assert (calle01["value_type"] == "cumulative").all()
    assert calle01["actual"].astype(int).sum() == 2502     # what adding the reports up would give
    r = row(result, "calle", "CALLE-01")
    assert (r["total"], r["men"], r["women"], r["periods"]) == (675, 381, 294, 8)
    per = result.periods
    p = per[(per["project"] == "calle") & (per["indicator"] == "CALLE-01")]
    assert p["actual_period"].sum() == 675 and p["actual_cumulative"].iloc[-1] == 675


def test_targets_follow_the_value_type(result):
    map01 = row(result, "map", "MAP-01")          # per-period targets add up over the periods
    assert (map01["target"], map01["target_basis"]) == (4010, "sum of period targets")
    assert map01["achievement"] == pytest.approx(4494 / 4010)
    calle01 = row(result, "calle", "CALLE-01")    # cumulative targets: the latest one
    assert (calle01["target"], calle01["target_basis"]) == (710, "latest target")
    assert np.isnan(row(result, "ewcs", "SC-03")["target"])   # no target reported
    assert (map01["first_period"], map01["last_period"], map01["periods"]) == ("2021-H1", "2023-H2", 6)


def test_real_data_have_no_problems_and_sex_splits_add_up(result):
    assert result.problems == []
    t = result.indicators
    split = t[t["sex_split"] == "ok"]
    assert len(split) > 20 and ((split["men"] + split["women"]) == split["total"]).all()


def test_a_sex_split_that_does_not_add_up_is_reported(monitoring, config):
    bad = monitoring.copy()
    i = bad.index[(bad["project"] == "ewcs") & (bad["indicator"] == "SC-01") & (bad["period"] == "2021-H1")][0]
    women = int(bad.loc[i, "actual_women"])
    bad.loc[i, "actual_women"] = str(women + 5)     # as reported, so also the per-period value
    res = rollup(bad, config, STOCK)
    assert any(p.startswith("ewcs SC-01, 2021-H1: men") and "expected men + women = total" in p for p in res.problems)
    assert row(res, "ewcs", "SC-01")["sex_split"] == "does not add up"
    bad.loc[i, "actual_women_period"] = str(women + 5)
    res = rollup(bad, config, STOCK)
    assert "ewcs SC-01: life-of-project men 1,767 + women 1,084 = 2,851, but the total is 2,846" in res.problems
    gap = bad.copy()
    gap.loc[i, "actual_men"] = ""
    res = rollup(gap, config, STOCK)
    r = row(res, "ewcs", "SC-01")
    assert r["sex_split"] == "incomplete" and np.isnan(r["men"])
    assert any(p.startswith("ewcs SC-01: men given for 7 and women for 8 of 8 periods") for p in res.problems)


# --- aggregates --------------------------------------------------------------------------------

def test_common_indicators_have_identical_definitions_in_the_raw_files():
    defs = {}
    for f in sorted((ROOT / "raw" / "mexico-auto-2024" / "monitoring").glob("*.csv")):
        raw = pd.read_csv(f, dtype=str, keep_default_na=False)
        for code in ("LR-CAP", "LR-BEH"):
            defs.setdefault(code, set()).update(raw.loc[raw["Indicator code"] == code, "Indicator definition"])
    assert all(len(d) == 1 for d in defs.values()) and len(defs) == 2


def test_sum_aggregates_and_their_sex_split(result):
    lr = {a.id: a for a in result.aggregates}
    assert lr["lr_cap"].member_totals == [865, 1472, 386, 498]
    assert (lr["lr_cap"].men + lr["lr_cap"].women, lr["lr_beh"].total) == (3221, 199)


def test_a_sum_over_different_definitions_is_refused(monitoring, config):
    changed = monitoring.copy()
    sel = (changed["project"] == "map") & (changed["indicator"] == "LR-CAP")
    changed.loc[sel, "definition"] = "Number of people trained by MAP"
    with pytest.raises(ConfigError) as exc:
        rollup(changed, config, STOCK)
    msg = str(exc.value)
    assert "aggregates[lr_cap]" in msg and "rule 'sum'" in msg
    assert "map LR-CAP: 'Number of people trained by MAP'" in msg
    assert "ewcs LR-CAP, auto_employers LR-CAP, calle LR-CAP: 'Number of individuals" in msg


def with_aggregates(config, *aggs):
    return replace(config, aggregates=list(aggs))


def agg(rule, members, **extra):
    return {"id": "x", "label": {"en-US": "x", "es-MX": "x"}, "rule": rule,
            "members": [{"project": p, "code": c} for p, c in members], **extra}


STATEMENT = {"en-US": "Matched attendance lists", "es-MX": "Listas de asistencia cotejadas"}


def test_a_dedup_rule_subtracts_its_stated_overlap(monitoring, config):
    members = [("ewcs", "SC-01"), ("ewcs", "SC-08")]      # 2,846 and 412
    res = rollup(monitoring, with_aggregates(config, agg("dedup", members, statement=STATEMENT, overlap=150)), STOCK)
    a = res.aggregates[0]
    assert (a.members_sum, a.overlap, a.total) == (3258, 150, 3108)
    s = ValueStore("t", LANGS)
    add_indicator_values(s, "monitoring", res, SOURCE)
    assert (val(s, "monitoring.aggregate.x.total"), val(s, "monitoring.aggregate.x.overlap")) == (3108, 150)
    assert "minus the overlap" in s.values["monitoring.aggregate.x.total"]["source"]["computation"]
    # the overlap as another indicator's total, or as a share of the sum
    ov = {"indicator": {"project": "ewcs", "code": "SC-08"}}
    res = rollup(monitoring, with_aggregates(config, agg("dedup", members, statement=STATEMENT, overlap=ov)), STOCK)
    assert res.aggregates[0].total == 2846
    res = rollup(monitoring, with_aggregates(config, agg("dedup", members, statement=STATEMENT,
                                                         overlap={"share": 0.05})), STOCK)
    assert res.aggregates[0].total == pytest.approx(3258 * 0.95)
    with pytest.raises(ConfigError, match="an overlap cannot exceed"):
        rollup(monitoring, with_aggregates(config, agg("dedup", members, statement=STATEMENT, overlap=500)), STOCK)


def test_max_rule_and_no_sum_of_levels(monitoring, config):
    res = rollup(monitoring, with_aggregates(config, agg("max", [("map", "MAP-01"), ("map", "MAP-07")])), STOCK)
    assert res.aggregates[0].total == 4494
    levels = agg("dedup", [("auto_employers", "AE-05"), ("calle", "CALLE-06")], statement=STATEMENT, overlap=0)
    with pytest.raises(ConfigError, match="level, never added up"):
        rollup(monitoring, with_aggregates(config, levels), STOCK)


# --- domains, projects, tables, values --------------------------------------------------------

def test_tosc_has_nine_domains_in_three_categories(config):
    tosc = config.tosc
    assert [c["key"] for c in tosc["categories"]] == ["available_capital", "leverage_points", "causal_mechanisms"]
    assert config.domain_keys == ["linkages_networks", "human_capacity", "replacement_resources",
                                  "motivation_mental_models", "demand_for_services", "access_to_services",
                                  "delivery_of_services", "utilization_of_services", "behaviors_practices"]
    assert [d["category"] for d in tosc["domains"]] == ["available_capital"] * 3 + ["leverage_points"] * 4 + \
        ["causal_mechanisms"] * 2
    assert config.domain_number("behaviors_practices") == 9 and len(tosc["areas"]) == 5
    for part in ("categories", "domains", "areas"):
        for item in tosc[part]:
            assert set(item["name"]) == set(LANGS)


def test_domain_rollup(result, store, config):
    d = result.domains.set_index("domain")
    assert list(d.index) == config.domain_keys and list(d["number"]) == list(range(1, 10))
    declared = [dom for dec in config.declarations.values() for dom in dec["domains"]]
    assert d["indicators"].sum() == len(declared)
    assert d.loc["human_capacity", "projects"] == 4          # LR-CAP in every project
    assert d.loc["behaviors_practices", "projects"] == 4     # LR-BEH in every project
    assert val(store, "monitoring.domain.human_capacity.indicators") == d.loc["human_capacity", "indicators"]


def test_project_counts_and_disaggregations(result):
    p = result.projects.set_index("project")
    assert list(p.index) == ["map", "ewcs", "auto_employers", "calle"]
    assert dict(p["indicators"]) == {"map": 13, "ewcs": 10, "auto_employers": 10, "calle": 8}
    d = result.disaggregations.set_index(["project", "dimension"])["indicators"]
    assert d[("map", "ethnicity")] == 7 and d[("auto_employers", "organization_type")] == 1


def test_value_ids_form_a_tree_with_sources(store):
    store.check_ids()
    pattern = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    assert all(pattern.match(k) for k in store.values)
    for k, v in store.values.items():
        assert v["source"]["instrument"] == "monitoring" and v["source"]["computation"], k
    assert slug("MAP-01") == "map_01" and slug("LR-CAP") == "lr_cap"
    for suffix in ("total", "target", "achievement", "men", "women", "periods"):
        assert f"monitoring.calle.calle_01.{suffix}" in store.values


def test_tables_are_language_neutral(result):
    t = indicator_table(result)
    assert len(t) == 41 and not t.duplicated(["project", "indicator"]).any()
    assert {"project", "indicator", "total", "target", "achievement", "men", "women", "domains", "cited",
            "disaggregated_by"} <= set(t.columns)
    assert not any(c.endswith(("en-US", "es-MX")) or c == "label" for c in t.columns)
    p = period_table(result)
    assert len(p) == 251 and not p.duplicated(["project", "indicator", "period"]).any()


# --- configuration errors ------------------------------------------------------------------------

def write(tmp_path, doc, name="indicators.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_unknown_domain_project_and_language_are_refused(tmp_path, codebook):
    doc = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    doc["indicators"]["map"]["MAP-01"]["domains"] = ["awareness"]
    doc["indicators"]["nowhere"] = {"X-01": {"label": {"en-US": "x"}, "domains": ["human_capacity"], "cite": False}}
    doc["aggregates"][0]["members"].append({"project": "map", "code": "MAP-99"})
    with pytest.raises(ConfigError) as exc:
        load_indicator_config(write(tmp_path, doc), TOSC, codebook, LANGS)
    msg = str(exc.value)
    assert "indicators.map.MAP-01.domains: 'awareness' is not a domain" in msg
    assert "indicators.nowhere: not a project of the codebook" in msg
    assert "no text in es-MX" in msg
    assert "aggregates[lr_cap]: map MAP-99 is not declared" in msg


def test_dedup_needs_statement_and_overlap(tmp_path, codebook):
    doc = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    doc["aggregates"][0]["rule"] = "dedup"
    doc["aggregates"][0].pop("statement")
    with pytest.raises(ConfigError, match="missing key 'statement'"):
        load_indicator_config(write(tmp_path, doc), TOSC, codebook, LANGS)


def test_tosc_domain_in_unknown_category_is_refused(tmp_path, codebook):
    tosc = yaml.safe_load(TOSC.read_text(encoding="utf-8"))
    tosc["domains"][0]["category"] = "capital"
    with pytest.raises(ConfigError, match=r"domains\[linkages_networks\].category: 'capital' is not a category"):
        load_indicator_config(CONFIG, write(tmp_path, tosc, "tosc.yaml"), codebook, LANGS)


def test_declarations_and_data_must_match(monitoring, config):
    extra = monitoring[monitoring["indicator"] != "MAP-11"]
    with pytest.raises(ConfigError, match="indicators.map.MAP-11: declared, but the monitoring data have no"):
        rollup(extra, config, STOCK)
    decl = {k: v for k, v in config.declarations.items() if k != ("calle", "CALLE-05")}
    with pytest.raises(ConfigError, match="have indicator 'CALLE-05' for project 'calle', which is not declared"):
        rollup(monitoring, replace(config, declarations=decl), STOCK)


# --- scale --------------------------------------------------------------------------------------

def test_hundred_thousand_rows_roll_up_exactly(config):
    """Speed at scale is measured by tools/benchmark/analysis.py, not here."""
    n_proj, n_ind, n_per = 4, 2500, 10
    rng = np.random.default_rng(7)
    size = n_proj * n_ind * n_per
    proj = np.repeat([f"p{i}" for i in range(n_proj)], n_ind * n_per)
    code = np.tile(np.repeat([f"X-{i:04d}" for i in range(n_ind)], n_per), n_proj)
    period = np.tile([f"{2015 + t // 2}-H{t % 2 + 1}" for t in range(n_per)], n_proj * n_ind)
    men, women = rng.integers(0, 50, size), rng.integers(0, 50, size)
    df = pd.DataFrame({"project": proj, "indicator": code, "definition": "d", "unit": "people", "period": period,
                       "value_type": "period", "target": (men + women + 3).astype(str),
                       "actual": (men + women).astype(str), "actual_men": men.astype(str),
                       "actual_women": women.astype(str), "disaggregations": "sex; state"})
    for c in ("actual", "actual_men", "actual_women"):
        df[f"{c}_period"] = df[c]
        df[f"{c}_cumulative"] = df[c].astype(int).groupby([proj, code]).cumsum().astype(str)
    decl = {(f"p{p}", f"X-{i:04d}"): {"label": {"en-US": "x"}, "domains": ["human_capacity"], "cite": False}
            for p in range(n_proj) for i in range(n_ind)}
    big = replace(config, declarations=decl, aggregates=[agg("sum", [("p0", "X-0001"), ("p1", "X-0001")])],
                  project_order=tuple(f"p{i}" for i in range(n_proj)))
    res = rollup(df, big, STOCK)
    assert len(res.indicators) == n_proj * n_ind and res.problems == []
    first = df[(df["project"] == "p0") & (df["indicator"] == "X-0001")]
    assert res.aggregates[0].members_sum == first["actual"].astype(int).sum() + \
        df[(df["project"] == "p1") & (df["indicator"] == "X-0001")]["actual"].astype(int).sum()
