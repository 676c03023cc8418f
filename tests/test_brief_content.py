"""Content for evaluation briefs: performance ratings, registries without leverage points or optional
kinds, recommendations grouped by addressee, month values and the places of the engagement log."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from evalkit.content.integrity import check_registry
from evalkit.content.registry import Registry, load_registry
from evalkit.core.errors import ConfigError
from evalkit.documents.chapters import (
    performance_ratings_fragment,
    recommendations_by_addressee,
    recommendations_chapter,
)
from evalkit.values.store import ValueStore, display

from .test_content import LANGS, REFS, TOSC, bi, registry

LEVELS = [
    ("low", "Low", "Baja"),
    ("moderate", "Moderate", "Moderada"),
    ("above-moderate", "Above moderate", "Superior a moderada"),
    ("high", "High", "Alta"),
]


def ratings() -> dict:
    return {
        "scale": [{"id": k, "name": {"en-US": en, "es-MX": es}} for k, en, es in LEVELS],
        "criteria": [
            {"id": "achievement", "name": {"en-US": "Achievement", "es-MX": "Logro"}},
            {"id": "equity", "name": {"en-US": "Equity", "es-MX": "Equidad"}},
        ],
        "outcomes": [
            {
                "id": "lto-dialogue",
                "label": {"en-US": "LTO", "es-MX": "RLP"},
                "number": "3",
                "text": bi("Sustained dialogue"),
                "ratings": {"achievement": "low", "equity": "low"},
            },
            {
                "id": "outcome-capacity",
                "label": {"en-US": "Outcome", "es-MX": "Resultado"},
                "number": "1A",
                "text": bi("Capacity"),
                "ratings": {"achievement": "above-moderate", "equity": "high"},
            },
        ],
    }


def brief_registry() -> dict:
    data = registry()
    data["identifies_leverage_points"] = False
    for f in data["findings"]:
        f.pop("leverage_points", None)
        f.pop("no_leverage_point", None)
    for kind in ("good_practices", "outcomes", "learning_questions", "cases", "tables"):
        del data[kind]
    data["findings"][0]["evidence"].pop("outcomes")
    data["performance_ratings"] = ratings()
    return data


def write(tmp_path, data: dict):
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    tosc = tmp_path / "tosc.yaml"
    tosc.write_text(yaml.safe_dump(TOSC), encoding="utf-8")
    return path, tosc


def test_a_brief_registry_without_leverage_points_and_optional_kinds_loads(tmp_path):
    reg = load_registry(*write(tmp_path, brief_registry()), LANGS, REFS, display_root=tmp_path)
    assert reg.data["good_practices"] == [] and reg.data["learning_questions"] == []
    assert reg.data["cases"] == [] and reg.data["tables"] == []
    assert [o["id"] for o in reg.data["performance_ratings"]["outcomes"]] == ["lto-dialogue", "outcome-capacity"]


def test_leverage_points_are_refused_when_the_registry_identifies_none():
    data = brief_registry()
    data["findings"][0]["leverage_points"] = registry()["findings"][0]["leverage_points"]
    data["findings"][1]["no_leverage_point"] = bi("Too early.")
    assert check_registry(data, TOSC, LANGS, REFS) == [
        "findings[knowledge-grew].leverage_points: the registry says identifies_leverage_points: false; expected no "
        "leverage_points (or set identifies_leverage_points: true)",
        "findings[inspectors-trained].no_leverage_point: the registry says identifies_leverage_points: false; "
        "expected no no_leverage_point (or set identifies_leverage_points: true)",
    ]


def test_by_default_a_finding_still_needs_a_leverage_point_or_a_reason():
    data = registry()
    del data["findings"][1]["no_leverage_point"]
    assert check_registry(data, TOSC, LANGS, REFS) == [
        "findings[inspectors-trained]: no leverage point and no `no_leverage_point` reason; expected at least one or "
        "the reason"
    ]


def test_bad_ratings_are_reported_with_outcome_criterion_and_expectation():
    data = brief_registry()
    pr = data["performance_ratings"]
    pr["outcomes"][0]["ratings"] = {"achievement": "very low", "sustainability": "low"}
    pr["scale"].append({"id": "low", "name": bi("Low again")})
    assert check_registry(data, TOSC, LANGS, REFS) == [
        "performance_ratings.scale: id 'low' is used 2 times; expected unique ids",
        "performance_ratings.outcomes[lto-dialogue].ratings: no rating for criterion 'equity'; expected one of the "
        "scale levels (low, moderate, above-moderate, high, low)",
        "performance_ratings.outcomes[lto-dialogue].ratings.achievement: 'very low' is not a level of "
        "performance_ratings.scale (levels: low, moderate, above-moderate, high, low)",
        "performance_ratings.outcomes[lto-dialogue].ratings.sustainability: 'sustainability' is not a criterion of "
        "performance_ratings.criteria (criteria: achievement, equity)",
    ]


def test_a_typed_number_in_a_rated_outcome_text_is_refused_but_its_framework_number_is_not():
    data = brief_registry()
    data["performance_ratings"]["outcomes"][0]["text"] = bi("Dialogue by 2025")
    found = check_registry(data, TOSC, LANGS, REFS)
    assert len(found) == 2 and all(p.startswith("performance_ratings.outcomes[lto-dialogue].text.") for p in found)


def test_the_schema_refuses_an_outcome_number_that_is_not_an_identifier(tmp_path):
    data = brief_registry()
    data["performance_ratings"]["outcomes"][0]["number"] = "three"
    with pytest.raises(ConfigError) as exc:
        load_registry(*write(tmp_path, data), LANGS, REFS, display_root=tmp_path)
    assert "number" in str(exc.value) and "'three'" in str(exc.value)


def test_ratings_table_gives_levels_as_words_in_each_language():
    reg = Registry("registry.yaml", brief_registry(), TOSC)
    en = performance_ratings_fragment(reg, "en-US")
    es = performance_ratings_fragment(reg, "es-MX")
    assert "| Outcome | Achievement | Equity |" in en
    assert "| LTO 3: Sustained dialogue | Low | Low |" in en
    assert "| Outcome 1A: Capacity | Above moderate | High |" in en
    assert "| Resultado | Logro | Equidad |" in es
    assert "| RLP 3: Sustained dialogue (es) | Baja | Baja |" in es
    assert "{#tbl-performance-ratings}" in en
    assert (
        "Performance ratings of each outcome, on a scale from lowest to highest: Low, Moderate, Above moderate, High"
        in en
    )
    assert "de menor a mayor: Baja, Moderada, Superior a moderada, Alta" in es


def test_recommendations_grouped_by_first_addressee_keep_their_numbers():
    data = brief_registry()
    data["recommendations"].insert(
        0,
        {
            "id": "rec-first",
            "title": bi("First"),
            "text": bi("Do it."),
            "findings": ["knowledge-grew"],
            "addressees": ["stps", "ilab"],
            "priority": "evaluation_team",
        },
    )
    reg = Registry("registry.yaml", data, TOSC)
    md = recommendations_by_addressee(reg, {"values": {}}, "en-US", None)
    heads = [line for line in md.splitlines() if line.startswith("#")]
    assert heads == [
        "## ILAB",
        "### Recommendation 2: Train",
        "## Labor ministry",
        "### Recommendation 1: First",
        "### Recommendation 3: Coordinate",
    ]
    assert "Addressed to: Labor ministry, ILAB. Rests on finding 1.1." in md   # one finding: singular
    # without validation workshops, nothing is said about where priorities come from
    assert "validation workshops" not in md
    es = recommendations_by_addressee(reg, {"values": {}}, "es-MX", None)
    assert "## Labor ministry (es)" in es and "### Recomendación 1: First (es)" in es


def test_the_workshop_sentence_stays_when_the_evaluation_has_workshops():
    reg = Registry("registry.yaml", registry(), TOSC)
    md = recommendations_chapter(reg, {"values": {}}, "en-US", "workshop_forms")
    assert "Added by the evaluation team after the validation workshops." in md


def test_month_values_display_in_each_language_and_bad_months_are_refused():
    assert display("month", "2024-04", "en-US") == "April 2024"
    assert display("month", "2024-06", "es-MX") == "junio de 2024"
    store = ValueStore("x", LANGS)
    store.add("log.first_month", "2024-04-09", "month", {})
    assert store.values["log.first_month"]["value"] == "2024-04"
    with pytest.raises(ValueError, match="month value '2024-13': expected YYYY-MM"):
        store.add("log.bad", "2024-13", "month", {})


def test_engagement_log_months_states_and_places(root):
    from evalkit.analysis.fieldwork import add_fieldwork_values, data_collection
    from evalkit.documents.fragments import fieldwork_places
    from evalkit.model.evaluation import load_evaluation

    ev = load_evaluation(root, "sc2-mexico-2024", LANGS)
    cb = ev.codebooks["engagement_log"]
    log = pd.DataFrame(
        [
            {
                "method": "kii",
                "date": "2024-04-09",
                "mode": "remote",
                "state": "outside_mexico",
                "stakeholder": "us_government",
                "participants": "1",
                "participants_men": "1",
                "participants_women": "0",
            },
            {
                "method": "fgd",
                "date": "2024-05-07",
                "mode": "in_person",
                "state": "san_luis_potosi",
                "stakeholder": "workers",
                "participants": "3",
                "participants_men": "1",
                "participants_women": "2",
            },
            {
                "method": "kii",
                "date": "2024-06-14",
                "mode": "in_person",
                "state": "cdmx",
                "stakeholder": "unions",
                "participants": "1",
                "participants_men": "0",
                "participants_women": "1",
            },
        ]
    )
    result = data_collection(log, cb)
    assert result.modes["in_person"].activities_by_state == {
        "san_luis_potosi": 1,
        "queretaro": 0,
        "cdmx": 1,
        "outside_mexico": 0,
    }
    store = ValueStore("sc2-mexico-2024", LANGS)
    add_fieldwork_values(store, "engagement_log", result, {})
    v = store.values
    assert v["engagement_log.first_month"]["display"] == {"en-US": "April 2024", "es-MX": "abril de 2024"}
    assert v["engagement_log.last_month"]["display"]["es-MX"] == "junio de 2024"
    assert v["engagement_log.in_person.by_state.cdmx.activities"]["value"] == 1
    assert v["engagement_log.remote.by_state.cdmx.activities"]["value"] == 0
    doc = {"values": v}
    assert fieldwork_places(doc, "engagement_log", cb, "en-US") == {
        "in_person": "San Luis Potosí and Mexico City",
        "remote": "United States",
        "all": "San Luis Potosí, Mexico City, and United States",
    }
    assert fieldwork_places(doc, "engagement_log", cb, "es-MX")["in_person"] == "San Luis Potosí y Ciudad de México"


def test_a_recommendation_rests_on_one_finding_or_on_findings():
    data = brief_registry()
    findings = [f["id"] for f in data["findings"]][:2]
    data["recommendations"] = [{"id": "rec-one", "title": bi("One"), "text": bi("Do it."), "findings": findings[:1],
                                "addressees": ["ilab"], "priority": "evaluation_team"},
                               {"id": "rec-two", "title": bi("Two"), "text": bi("Do it."), "findings": findings,
                                "addressees": ["ilab"], "priority": "evaluation_team"}]
    reg = Registry("registry.yaml", data, TOSC)
    fnum = reg.finding_numbers()
    en = recommendations_by_addressee(reg, {"values": {}}, "en-US", None)
    es = recommendations_by_addressee(reg, {"values": {}}, "es-MX", None)
    assert f"Rests on finding {fnum[findings[0]]}." in en
    assert f"Rests on findings {fnum[findings[0]]}, {fnum[findings[1]]}." in en
    assert f"Se basa en el hallazgo {fnum[findings[0]]}." in es
    assert f"Se basa en los hallazgos {fnum[findings[0]]}, {fnum[findings[1]]}." in es
