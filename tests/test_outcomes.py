"""Outcomes by category: their period and places in words of each language, the check of their
references, and the generated outcomes table documents include instead of typing it."""

from __future__ import annotations

import pytest

from evalkit.content.integrity import check_registry
from evalkit.content.registry import Registry
from evalkit.documents.outcomes import outcomes_table, period_text, places_text

from .test_content import LANGS, REFS, TOSC, bi, registry


def test_the_period_of_an_outcome_in_each_language():
    assert period_text({"from": 2022, "to": 2024}, "en-US") == "2022\u20132024"
    assert period_text({"from": 2022, "to": 2024}, "es-MX") == "2022\u20132024"
    assert period_text({"since": 2019}, "en-US") == "Since 2019"
    assert period_text({"since": 2019}, "es-MX") == "Desde 2019"
    assert period_text({"year": 2023}, "es-MX") == "2023"
    assert period_text({"since": "2019-03"}, "es-MX") == "Desde marzo de 2019"
    assert period_text({"from": "2022-06", "to": "2023-05"}, "en-US") == "June 2022\u2013May 2023"
    assert period_text(None, "es-MX", when="2022-10") == "octubre de 2022"   # a harvested outcome's month
    assert period_text(None, "en-US") == ""


def seed_registry() -> dict:
    data = registry()
    data["projects"].append({"id": "calle", "name": bi("CALLE"), "implementer": bi("AIR"), "summary": bi("Law.")})
    data["outcome_categories"] = [{"id": "policy", "name": {"en-US": "Policy", "es-MX": "Política pública"}},
                                  {"id": "practice", "name": {"en-US": "Practice", "es-MX": "Práctica"}}]
    data["places"] = [{"id": "coahuila", "name": bi("Coahuila")}, {"id": "morelos", "name": bi("Morelos")}]
    data["outcomes"].append({
        "id": "oc-protocol", "category": "policy",
        "what": {"en-US": "States adopted an inspection protocol.", "es-MX": "Los estados adoptaron un protocolo."},
        "period": {"from": 2022, "to": 2024},
        "places": ["coahuila", "morelos", {"en-US": "San Luis Potosí", "es-MX": "San Luis Potosí"}],
        "projects": ["calle", "map"],
        "evidence": {"values": ["post_interview.awareness.top_box_share"]}})
    data["outcomes"].append({
        "id": "oc-centers", "category": "practice", "title": {"en-US": "Worker centers", "es-MX": "Centros obreros"},
        "what": bi("Worker centers opened."), "period": {"since": 2019}, "projects": ["map"]})
    return data


def test_the_places_of_an_outcome_as_a_natural_list():
    r = Registry("r", seed_registry(), TOSC)
    o = r.by_id("outcomes")["oc-protocol"]
    assert places_text(r, o, "es-MX") == "Coahuila (es), Morelos (es) y San Luis Potosí"
    assert places_text(r, o, "en-US") == "Coahuila, Morelos, and San Luis Potosí"   # Babel's en-US list
    assert places_text(r, r.by_id("outcomes")["oc-forum"], "en-US") == "Silao"     # a harvested outcome's where


def test_the_outcomes_table_by_category():
    r = Registry("r", seed_registry(), TOSC)
    assert outcomes_table(r, "en-US") == (
        "| Outcome | Period | Places | Projects |\n"
        "|:----------------------------------------|:----------------------------------------"
        "|:----------------------------------------|:----------------------------------------|\n"
        "| **Policy** |  |  |  |\n"
        "| States adopted an inspection protocol. | 2022\u20132024 | Coahuila, Morelos, and San Luis Potosí "
        "| CALLE and MAP |\n"
        "| **Practice** |  |  |  |\n"
        "| Worker centers | Since 2019 | \u2013 | MAP |\n"
        "| **Other outcomes** |  |  |  |\n"
        "| Voted. | May 2023 | Silao | MAP |\n"
        "\n: Outcomes by category: period, places and projects {#tbl-outcomes}\n")
    es = outcomes_table(r, "es-MX")
    assert es.startswith("| Resultado | Periodo | Lugares | Proyectos |\n")
    assert "| **Política pública** |  |  |  |\n" in es
    assert "| Los estados adoptaron un protocolo. | 2022\u20132024 | Coahuila (es), Morelos (es) y San Luis Potosí " \
           "| CALLE (es) y MAP (es) |\n" in es
    assert "| Centros obreros | Desde 2019 | \u2013 | MAP (es) |\n" in es
    assert es.rstrip().endswith(": Resultados por categoría: periodo, lugares y proyectos {#tbl-outcomes}")
    assert outcomes_table(Registry("r", {**registry(), "outcomes": []}, TOSC), "en-US") == ""


def test_registry_text_in_the_outcomes_table_is_never_markup():
    data = seed_registry()
    data["outcomes"][1]["what"] = bi("A <b>bold</b> *claim* | split")
    md = outcomes_table(Registry("r", data, TOSC), "en-US")
    assert "A \\<b\\>bold\\</b\\> \\*claim\\* \\| split" in md


def test_a_sound_outcome_by_category_has_no_problem():
    assert check_registry(seed_registry(), TOSC, LANGS, REFS) == []


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["outcomes"][1].update(category="law"),
     "outcomes[oc-protocol].category: 'law' is not an outcome category (outcome_categories) (known: policy, practice)"),
    (lambda d: d["outcomes"][1].update(places=["coahuila", "jalisco"]),
     "outcomes[oc-protocol].places: 'jalisco' is not a place (places) (known: coahuila, morelos)"),
    (lambda d: d["outcomes"][1].update(projects=["calle", "ghost"]),
     "outcomes[oc-protocol].projects: 'ghost' is not a project (known: calle, map)"),
    (lambda d: d["outcomes"][1].pop("projects"),
     "outcomes[oc-protocol]: no project; expected project (a harvested outcome) or projects "
     "(the contributing projects)"),
    (lambda d: d["outcomes"][1].update(period={"from": 2024, "to": 2022}),
     "outcomes[oc-protocol].period: from 2024 is after to 2022; expected from before to"),
    (lambda d: d["outcomes"][1].update(evidence={"values": ["post_interview.nothing"]}),
     "outcomes[oc-protocol].evidence.values: 'post_interview.nothing' is not a value id of results/values.json"),
])
def test_an_outcome_with_a_broken_reference_is_reported(edit, message):
    data = seed_registry()
    edit(data)
    assert message in check_registry(data, TOSC, LANGS, REFS)


def test_the_schema_takes_outcomes_by_category_lessons_that_stand_alone_and_refuses_a_bad_period():
    from evalkit.core.config import load_schema, validate
    from evalkit.core.errors import ConfigError

    schema = load_schema("content.schema.yaml")
    data = seed_registry()
    data["outcomes"][1]["period"] = {"from": "2022-06", "to": 2024}
    data["outcomes"].append({"id": "oc-year", "what": bi("A law passed."), "period": {"year": 2023},
                             "projects": ["map"]})
    data["lessons"] = [{"id": "l-alone", "text": bi("Plan.")}]
    data["disaggregations"] = [{"id": "business-size", "name": bi("business size")}]
    validate(data, schema, "registry.yaml")
    for bad in ({"year": 23}, {"from": 2022}, {"since": "2019-13"}, {"year": 2023, "since": 2019}):
        data["outcomes"][-1]["period"] = bad
        with pytest.raises(ConfigError, match=r"outcomes/3/period|outcomes\.3\.period|outcomes\[3\]"):
            validate(data, schema, "registry.yaml")


def test_a_finding_shows_an_outcome_by_category_with_its_places_and_period():
    from evalkit.documents.chapters import findings_chapter

    from .test_annexes import TOSC_NAMED

    data = seed_registry()
    data["findings"][0]["evidence"]["outcomes"] = ["oc-protocol", "oc-centers"]
    values = {"values": {"post_interview.awareness.top_box_share": {
        "value": 0.72, "kind": "share", "display": {"en-US": "72%", "es-MX": "72 %"}}}}
    md = findings_chapter(Registry("r", data, TOSC_NAMED), values, "es-MX",
                          {"post_interview.awareness.top_box_share": "Sensibilización"}, {})
    assert ("Resultados cosechados: Los estados adoptaron un protocolo. (Coahuila (es), Morelos (es) y San Luis "
            "Potosí, 2022\u20132024); Centros obreros (Desde 2019).\n") in md


def test_a_spotlight_tells_only_harvested_outcomes():
    data = seed_registry()
    data["learning_questions"][0]["spotlights"] = [{"id": "sp-map", "project": "map", "title": bi("MAP"),
                                                   "text": bi("It worked."), "outcomes": ["oc-centers"]}]
    assert ("learning_questions[lq-know].spotlights[sp-map].outcomes: 'oc-centers' has no who, when, where, "
            "contribution; a spotlight tells harvested outcomes (who, when, where, contribution)") in \
        check_registry(data, TOSC, LANGS, REFS)
