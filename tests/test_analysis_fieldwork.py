"""Data collection (engagement log), validation-workshop priorities and evidence convergence, computed from
the clean tables of the default evaluation and checked against the published figures."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import pytest

from evalkit.analysis.convergence import add_convergence_values, check_activity_links, code_id, convergence
from evalkit.analysis.fieldwork import (
    add_fieldwork_values,
    add_response_rate_value,
    data_collection,
    response_rate,
    table2_frame,
)
from evalkit.analysis.workshops import add_workshop_values, order_matches, workshop_counts, workshop_priorities
from evalkit.steps.common import read_clean
from evalkit.values.store import ValueStore

from .conftest import LANGS

# Published Table 2 (report 1.3): stakeholder -> KII, FGD, men, women, total.
TABLE2 = {
    "academia_cso": (16, 4, 18, 11, 29),
    "business": (7, 2, 17, 8, 25),
    "grantee": (1, 7, 14, 15, 29),
    "host_government": (9, 4, 18, 9, 27),
    "unions": (6, 8, 28, 16, 44),
    "us_canada": (6, 0, 6, 8, 14),
    "workers": (4, 3, 8, 3, 11),
    "total": (49, 28, 109, 70, 179),
}
# Counts of priority codes 1..5 per recommendation the reconstruction intended (the rest blank).
RATINGS = {
    1: [0, 1, 4, 17, 40], 2: [0, 2, 6, 20, 34], 3: [0, 3, 7, 20, 32], 4: [0, 3, 8, 24, 27],
    5: [1, 3, 10, 24, 24], 6: [1, 3, 12, 24, 21], 7: [1, 4, 14, 25, 18], 8: [1, 5, 15, 24, 15],
    9: [2, 6, 17, 22, 12],
}
SRC = {"file": "raw/test.csv", "instrument": "test"}


@pytest.fixture(scope="module")
def clean(cleaned_files):
    return {iid: read_clean(cleaned_files[iid])
            for iid in ("engagement_log", "workshop_forms", "coded_segments", "post_interview")}


@pytest.fixture(scope="module")
def codebooks(ctx):
    return ctx.evaluation.codebooks


@pytest.fixture(scope="module")
def fieldwork(clean, codebooks):
    return data_collection(clean["engagement_log"], codebooks["engagement_log"])


def store() -> ValueStore:
    return ValueStore("test", list(LANGS))


# --- fieldwork ---------------------------------------------------------------------------------

def test_table2_is_the_published_table(fieldwork):
    frame = table2_frame(fieldwork)
    assert list(frame.columns) == ["stakeholder", "kii", "fgd", "men", "women", "total"]
    got = {r.stakeholder: (r.kii, r.fgd, r.men, r.women, r.total) for r in frame.itertuples()}
    assert list(got) == list(TABLE2)  # codebook order, total last
    assert got == TABLE2


def test_in_person_and_remote_as_published(fieldwork):
    ip, rm = fieldwork.modes["in_person"], fieldwork.modes["remote"]
    assert (ip.by_method["fgd"], ip.participants_by_method["fgd"]) == (24, 94)
    assert (ip.by_method["kii"], ip.participants_by_method["kii"]) == (19, 22)
    assert (ip.activities, ip.participants) == (43, 116)
    assert ip.activity_share == pytest.approx(43 / 77)
    assert ip.participant_share == pytest.approx(116 / 179)
    assert (ip.first_date, ip.last_date) == ("2023-11-09", "2023-11-30")
    assert ip.states == ("cdmx", "edomex", "guanajuato", "morelos")
    assert rm.first_date == "2023-11-10" and rm.last_date.startswith("2024-02")
    assert len(rm.states) > len(ip.states)


def test_everything_adds_up(fieldwork):
    t, modes = fieldwork.totals, fieldwork.modes.values()
    assert t == {"activities": 77, "kii": 49, "fgd": 28, "men": 109, "women": 70, "participants": 179}
    for col in ("activities", "participants", "men", "women"):
        assert sum(getattr(m, col) for m in modes) == t[col]
    for k in ("kii", "fgd"):
        assert sum(m.by_method[k] for m in modes) == t[k]
        assert sum(m.participants_by_method[k] for m in modes) == sum(m.participants for m in modes) - sum(
            m.participants_by_method["fgd" if k == "kii" else "kii"] for m in modes)
    assert sum(m.activity_share for m in modes) == pytest.approx(1)
    bs = fieldwork.by_stakeholder
    assert bs["participant_share"].sum() == pytest.approx(1)
    assert bs.loc["unions", "participant_share"] == pytest.approx(44 / 179)
    assert (bs["men"] + bs["women"] == bs["participants"]).all()


def test_fieldwork_values(fieldwork):
    s = store()
    add_fieldwork_values(s, "engagement_log", fieldwork, SRC)
    s.check_ids()
    v = s.values
    for vid, want in [("activities", 77), ("kii", 49), ("fgd", 28), ("participants", 179), ("men", 109),
                      ("women", 70), ("in_person.activities", 43), ("in_person.participants", 116),
                      ("in_person.kii", 19), ("in_person.kii_participants", 22), ("in_person.fgd", 24),
                      ("in_person.fgd_participants", 94), ("in_person.states", 4), ("remote.activities", 34),
                      ("remote.participants", 63), ("by_stakeholder.unions.participants", 44),
                      ("by_stakeholder.us_canada.fgd", 0), ("by_stakeholder.grantee.women", 15)]:
        assert v[f"engagement_log.{vid}"]["value"] == want, vid
        assert v[f"engagement_log.{vid}"]["kind"] == "count"
    share = v["engagement_log.in_person.participant_share"]
    assert share["kind"] == "share" and share["display"]["en-US"] == "65%"
    assert "(116)" in share["source"]["computation"] and "(179)" in share["source"]["computation"]
    assert share["source"]["file"] == "raw/test.csv"
    assert v["engagement_log.in_person.activity_share"]["display"]["en-US"] == "56%"
    assert v["engagement_log.by_stakeholder.unions.participant_share"]["display"]["es-MX"].startswith("25")


def test_response_rate(clean):
    respondents = len(clean["post_interview"])
    assert respondents == 94
    assert response_rate(94, 179) == pytest.approx(0.5251, abs=1e-4)
    s = store()
    add_response_rate_value(s, "post_interview", respondents, 179, SRC, "engagement_log")
    v = s.values["post_interview.response_rate"]
    assert v["kind"] == "share" and v["display"]["en-US"] == "53%"   # 52.5 % rounded half up
    assert "post_interview (94)" in v["source"]["computation"]
    assert "engagement_log (179)" in v["source"]["computation"]
    with pytest.raises(ValueError):
        response_rate(5, 0)
    with pytest.raises(ValueError):
        response_rate(180, 179)


def test_fieldwork_synthetic_log(codebooks):
    cb = codebooks["engagement_log"]
    log = pd.DataFrame({"activity_id": ["KII-001", "FGD-001", "KII-002"], "method": ["kii", "fgd", "kii"],
                        "date": ["2023-01-02", "2023-01-01", "2023-03-01"],
                        "mode": ["remote", "remote", "remote"], "state": ["puebla", "cdmx", "puebla"],
                        "stakeholder": ["workers", "workers", "business"], "participants": ["1", "5", "2"],
                        "participants_men": ["1", "2", "0"], "participants_women": ["0", "3", "2"], "project": ""})
    r = data_collection(log, cb)
    assert r.modes["in_person"].activities == 0 and r.modes["in_person"].first_date is None
    assert r.modes["remote"].states == ("cdmx", "puebla")
    assert (r.modes["remote"].first_date, r.modes["remote"].last_date) == ("2023-01-01", "2023-03-01")
    frame = table2_frame(r).set_index("stakeholder")
    assert frame.loc["academia_cso"].tolist() == [0, 0, 0, 0, 0]
    assert frame.loc["workers"].tolist() == [1, 1, 3, 3, 6]
    assert frame.loc["total"].tolist() == [2, 1, 3, 5, 8]
    bad = log.assign(stakeholder=["workers", "martians", "business"])
    with pytest.raises(ValueError, match="martians"):
        data_collection(bad, cb)


# --- validation workshops ------------------------------------------------------------------------

def test_workshop_priorities_real_data(clean, codebooks):
    forms, cb = clean["workshop_forms"], codebooks["workshop_forms"]
    p = workshop_priorities(forms, cb)
    assert p["item"].tolist() == [f"rec_{i}" for i in range(1, 10)]
    assert order_matches(p)
    assert p["rank"].tolist() == list(range(1, 10))
    for i, counts in RATINGS.items():
        row = p.iloc[i - 1]
        n = sum(counts)
        assert row["n"] == n
        assert row["mean"] == pytest.approx(sum(c * k for c, k in zip(range(1, 6), counts, strict=True)) / n)
    values = [c for c, k in zip(range(1, 6), RATINGS[1], strict=True) for _ in range(k)]
    r1 = p.iloc[0]
    assert r1["sd"] == pytest.approx(statistics.stdev(values))
    assert r1["median"] == statistics.median(values) == 5
    assert (r1["min"], r1["max"]) == (2, 5)
    assert r1["iqr"] == pytest.approx(r1["q3"] - r1["q1"])
    assert workshop_counts(forms, cb) == {"participants": 62, "in_person": 45, "remote": 17, "workshops": 6}


def test_workshop_values(clean, codebooks):
    forms, cb = clean["workshop_forms"], codebooks["workshop_forms"]
    s = store()
    add_workshop_values(s, "workshop_forms", workshop_priorities(forms, cb), forms, SRC, cb)
    s.check_ids()
    v = s.values
    assert [v[f"workshop_forms.{k}"]["value"] for k in ("participants", "in_person", "remote", "workshops")] == \
        [62, 45, 17, 6]
    assert v["workshop_forms.rec_1.mean"]["display"]["en-US"] == "4.55"   # 282 / 62 = 4.548...
    assert v["workshop_forms.rec_1.mean"]["kind"] == "number"
    assert v["workshop_forms.rec_9.n"]["value"] == 59
    assert v["workshop_forms.rec_9.rank"]["value"] == 9
    assert v["workshop_forms.rec_1.median"]["display"]["en-US"] == "5.0"
    assert v["workshop_forms.rec_1.sd"]["source"]["variable"] == "rec_1"


def _forms(cb, ratings: dict[str, list[str]]) -> pd.DataFrame:
    n = len(next(iter(ratings.values())))
    df = pd.DataFrame({"form_id": [f"VW-{i:03d}" for i in range(n)], "workshop": "w1", "date": "2024-02-20",
                       "mode": "in_person", "stakeholder": "unions"})
    for v in cb.variables("rating"):
        df[v["name"]] = ratings.get(v["name"], [""] * n)
    return df


def test_workshop_ranking_ties_and_blanks(codebooks):
    cb = codebooks["workshop_forms"]
    # rec_1 and rec_2: same mean (3), rec_2 has the higher median -> rec_2 before rec_1.
    # rec_3 and rec_4: identical -> codebook order. rec_5: blanks are not ratings. rec_6..9 unrated.
    forms = _forms(cb, {"rec_1": ["p5", "p2", "p2"], "rec_2": ["p1", "p4", "p4"],
                        "rec_3": ["p2", "p2", "p2"], "rec_4": ["p2", "p2", "p2"], "rec_5": ["p5", "", ""]})
    p = workshop_priorities(forms, cb).set_index("item")
    assert p.loc["rec_1", "mean"] == p.loc["rec_2", "mean"] == 3
    assert p.loc[["rec_5", "rec_2", "rec_1", "rec_3", "rec_4"], "rank"].tolist() == [1, 2, 3, 4, 5]
    assert p.loc["rec_5", "n"] == 1 and np.isnan(p.loc["rec_5", "sd"])
    assert p.loc["rec_9", "n"] == 0 and pd.isna(p.loc["rec_9", "rank"])
    assert not order_matches(p.reset_index())
    s = store()
    add_workshop_values(s, "wf", p.reset_index(), forms, SRC)
    assert "wf.rec_9.n" in s.values and "wf.rec_9.mean" not in s.values and "wf.rec_5.sd" not in s.values
    assert s.values["wf.in_person"]["value"] == 3 and "wf.remote" not in s.values  # no codebook: modes seen
    with pytest.raises(ValueError, match="p7"):
        workshop_priorities(_forms(cb, {"rec_1": ["p7"]}), cb)


# --- evidence convergence ------------------------------------------------------------------------

def test_convergence_flags_the_two_weak_findings(clean):
    table = convergence(clean["coded_segments"], 3)
    assert list(table.columns) == ["code", "segments", "stakeholder_types", "types", "activities", "flagged"]
    assert table["code"].tolist() == sorted(table["code"])
    assert table.loc[table["flagged"], "code"].tolist() == ["binational-worker-collaboration", "inclusion-data-gaps"]
    row = table.set_index("code").loc["binational-worker-collaboration"]
    assert (row["segments"], row["stakeholder_types"], row["types"], row["activities"]) == (4, 2, "unions;workers", 3)
    assert table["segments"].sum() == len(clean["coded_segments"])
    assert (table["stakeholder_types"] >= 3).sum() == len(table) - 2
    assert convergence(clean["coded_segments"], 7)["flagged"].sum() == len(table) - 2


def test_convergence_values(clean):
    table = convergence(clean["coded_segments"], 3)
    s = store()
    add_convergence_values(s, "coded_segments", table, SRC, 3)
    s.check_ids()
    v = s.values
    assert v["coded_segments.findings"]["value"] == len(table) == 27
    assert v["coded_segments.flagged"]["value"] == 2
    assert v["coded_segments.min_stakeholder_types"]["value"] == 3
    b = v["coded_segments.by_code.binational_worker_collaboration.stakeholder_types"]
    assert b["value"] == 2 and "unions, workers" in b["source"]["computation"]
    assert v["coded_segments.by_code.inclusion_data_gaps.segments"]["value"] == 3
    assert code_id("awareness-public-forums") == "awareness_public_forums"
    with pytest.raises(ValueError):
        code_id("bad code!")


def test_activity_links(clean):
    seg, log = clean["coded_segments"], clean["engagement_log"]
    assert check_activity_links(seg, log) == []
    broken = seg.copy()
    broken.loc[0, "activity_id"] = "KII-999"
    first = broken.loc[1]
    other = "workers" if first["stakeholder"] != "workers" else "unions"
    broken.loc[1, "stakeholder"] = other
    problems = check_activity_links(broken, log)
    assert len(problems) == 2
    assert broken.loc[0, "segment_id"] in problems[0] and "KII-999" in problems[0]
    assert first["segment_id"] in problems[1] and first["activity_id"] in problems[1]
    assert f"'{other}'" in problems[1] and f"'{first['stakeholder']}'" in problems[1]


# --- scale ----------------------------------------------------------------------------------------

def test_large_inputs_give_exact_results(codebooks):
    """100,000 activities, forms and segments (speed: tools/benchmark/fieldwork.py)."""
    n = 100_000
    rng = np.random.default_rng(1)
    cbl, cbw = codebooks["engagement_log"], codebooks["workshop_forms"]
    sh = [c["key"] for c in cbl.variable("stakeholder")["categories"]]
    men = rng.integers(0, 5, n)
    women = rng.integers(1, 5, n)
    log = pd.DataFrame(
        {
            "activity_id": [f"A{i}" for i in range(n)],
            "method": rng.choice(["kii", "fgd"], n),
            "date": rng.choice(["2023-11-09", "2024-01-10"], n),
            "mode": rng.choice(["in_person", "remote"], n),
            "state": rng.choice(["cdmx", "puebla"], n),
            "stakeholder": rng.choice(sh, n),
            "participants": (men + women).astype(str),
            "participants_men": men.astype(str),
            "participants_women": women.astype(str),
        }
    )
    levels = np.array(["p1", "p2", "p3", "p4", "p5", ""])
    forms = _forms(cbw, {f"rec_{i}": rng.choice(levels, n).tolist() for i in range(1, 10)})
    seg = pd.DataFrame(
        {
            "segment_id": [f"S{i}" for i in range(n)],
            "activity_id": log["activity_id"],
            "stakeholder": log["stakeholder"],
            "code": rng.choice([f"c-{i}" for i in range(300)], n),
        }
    )
    r = data_collection(log, cbl)
    p = workshop_priorities(forms, cbw)
    c = convergence(seg, 3)
    links = check_activity_links(seg, log)
    assert r.totals["activities"] == n and p["n"].sum() > 0 and len(c) == 300 and links == []
