"""Integrity checks of the content registry: each kind of defect is reported with its location."""

from __future__ import annotations

import copy

import pytest
import yaml

from evalkit.content import References, check_registry, load_registry
from evalkit.errors import ConfigError

from .conftest import ROOT

LANGS = ["en-US", "es-MX"]
TOSC = {"domains": [{"key": "human_capacity"}, {"key": "delivery_of_services"}]}


def bi(text: str) -> dict:
    return {"en-US": text, "es-MX": text + " (es)"}


def registry() -> dict:
    return {
        "addressees": [{"id": "ilab", "name": bi("ILAB")}, {"id": "stps", "name": bi("Labor ministry")}],
        "criteria": [{"id": "relevance", "name": bi("Relevance"),
                      "questions": [{"id": "eq-fit", "text": bi("Did it fit?"), "themes": ["awareness"]}]}],
        "themes": [{"id": "awareness", "title": bi("Awareness"), "summary": bi("About awareness.")},
                   {"id": "capacity", "title": bi("Capacity"), "summary": bi("About capacity.")}],
        "findings": [
            {"id": "knowledge-grew", "theme": "awareness", "title": bi("Knowledge grew"), "text": bi("It grew."),
             "evidence": {"values": ["post_interview.awareness.top_box_share"], "outcomes": ["oc-forum"],
                          "projects": ["map"]},
             "leverage_points": [{"id": "lp-training", "name": bi("Training"), "domains": ["human_capacity"],
                                  "level": "high", "description": bi("Train people.")}],
             "quote": {"stakeholder": "unions", "text": bi("We learned a lot.")}},
            {"id": "inspectors-trained", "theme": "capacity", "title": bi("Inspectors"), "text": bi("Trained."),
             "evidence": {}, "no_leverage_point": bi("Too early to tell.")},
        ],
        "good_practices": [{"id": "gp-forums", "title": bi("Forums"), "text": bi("Forums work."),
                            "findings": ["knowledge-grew"], "projects": ["map"], "learning_questions": ["lq-know"]}],
        "recommendations": [{"id": "rec-train", "title": bi("Train"), "text": bi("Keep training."),
                             "findings": ["knowledge-grew"], "addressees": ["ilab"], "priority": "rec_1"},
                            {"id": "rec-coordinate", "title": bi("Coordinate"), "text": bi("Work together."),
                             "findings": ["inspectors-trained"], "addressees": ["stps"], "priority": "evaluation_team"}],
        "projects": [{"id": "map", "name": bi("MAP"), "implementer": bi("Partners"), "summary": bi("Awareness.")}],
        "outcomes": [{"id": "oc-forum", "journal_entry": "OJ-01", "project": "map", "who": bi("Workers"),
                      "what": bi("Voted."), "when": "2023-05", "where": bi("Silao"), "contribution": bi("Trained them.")}],
        "learning_questions": [{"id": "lq-know", "question": bi("What do people know?"), "themes": ["awareness"]}],
    }


REFS = References(value_ids={"post_interview.awareness.top_box_share"}, stakeholders={"unions", "workers"},
                  projects={"map", "calle"}, segment_codes={"knowledge-grew"}, journal_entries={"OJ-01"},
                  priority_items={"rec_1", "rec_2"})


def problems(edit) -> list[str]:
    data = registry()
    edit(data)
    return check_registry(data, TOSC, LANGS, REFS)


def test_a_sound_registry_has_no_problem():
    assert check_registry(registry(), TOSC, LANGS, REFS) == []


def setitem(path, value):
    def edit(d):
        node = d
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = value
    return edit


CASES = [
    ("duplicate finding id", lambda d: d["findings"].append(copy.deepcopy(d["findings"][1])),
     "findings: id 'inspectors-trained' is used 2 times; expected unique ids"),
    ("duplicate leverage point", lambda d: d["findings"][1].update(leverage_points=copy.deepcopy(d["findings"][0]["leverage_points"])),
     "findings: leverage point id 'lp-training' is used 2 times (in knowledge-grew, inspectors-trained); expected unique ids"),
    ("unknown theme", setitem(["findings", 0, "theme"], "awarenes"),
     "findings[knowledge-grew].theme: 'awarenes' is not a theme (known: awareness, capacity)"),
    ("domain outside the nine", setitem(["findings", 0, "leverage_points", 0, "domains"], ["policy"]),
     "findings[knowledge-grew].leverage_points[lp-training].domains: 'policy' is not a TOsC domain "
     "(domains: human_capacity, delivery_of_services)"),
    ("addressee outside the list", setitem(["recommendations", 0, "addressees"], ["ilab", "knowledge-grew"]),
     "recommendations[rec-train].addressees: 'knowledge-grew' is not an addressee of the controlled list (known: ilab, stps)"),
    ("recommendation without finding", setitem(["recommendations", 0, "findings"], []),
     "recommendations[rec-train].findings: empty; expected at least one supporting finding"),
    ("recommendation without addressee", setitem(["recommendations", 1, "addressees"], []),
     "recommendations[rec-coordinate].addressees: empty; expected at least one addressee"),
    ("recommendation citing an unknown finding", setitem(["recommendations", 0, "findings"], ["annex-i"]),
     "recommendations[rec-train].findings: 'annex-i' is not a finding (known: inspectors-trained, knowledge-grew)"),
    ("finding without leverage point or reason", lambda d: d["findings"][1].pop("no_leverage_point"),
     "findings[inspectors-trained]: no leverage point and no `no_leverage_point` reason; expected at least one or the reason"),
    ("missing language", lambda d: d["themes"][1]["title"].pop("es-MX"),
     "themes[capacity].title: no text in es-MX (has en-US)"),
    ("typed section number", setitem(["findings", 0, "text", "en-US"], "As section 3.2.3 shows, it grew."),
     "findings[knowledge-grew].text.en-US: typed number in the text"),
    ("typed figure number", setitem(["good_practices", 0, "text", "es-MX"], "Véase la Figura 4."),
     "good_practices[gp-forums].text.es-MX: typed number in the text"),
    ("unknown value id", setitem(["findings", 0, "evidence", "values"], ["post_interview.awareness.share"]),
     "findings[knowledge-grew].evidence.values: 'post_interview.awareness.share' is not a value id of results/values.json"),
    ("unknown outcome", setitem(["findings", 0, "evidence", "outcomes"], ["oc-missing"]),
     "findings[knowledge-grew].evidence.outcomes: 'oc-missing' is not an outcome (known: oc-forum)"),
    ("quote attributed to an unknown type", setitem(["findings", 0, "quote", "stakeholder"], "Juan Pérez"),
     "findings[knowledge-grew].quote.stakeholder: 'Juan Pérez' is not a stakeholder type (types: unions, workers)"),
    ("priority item that does not exist", setitem(["recommendations", 0, "priority"], "rec_9"),
     "recommendations[rec-train].priority: 'rec_9' is neither a rated item of the workshop forms nor 'evaluation_team'"),
    ("same priority item twice", setitem(["recommendations", 1, "priority"], "rec_1"),
     "recommendations: priority item 'rec_1' is given to 2 recommendations; expected one"),
    ("project not in the monitoring data", setitem(["projects", 0, "id"], "mapp"),
     "projects[mapp].id: not a project of the monitoring codebook (projects: calle, map)"),
    ("outcome without journal entry", setitem(["outcomes", 0, "journal_entry"], "OJ-99"),
     "outcomes[oc-forum].journal_entry: 'OJ-99' is not an entry of the outcome journal"),
    ("question answered by an unknown theme", setitem(["criteria", 0, "questions", 0, "themes"], ["sustainability"]),
     "criteria[relevance].questions[eq-fit].themes: 'sustainability' is not a theme (known: awareness, capacity)"),
    ("good practice without finding", setitem(["good_practices", 0, "findings"], []),
     "good_practices[gp-forums].findings: empty; expected at least one finding"),
    ("learning question unknown", setitem(["good_practices", 0, "learning_questions"], ["lq-x"]),
     "good_practices[gp-forums].learning_questions: 'lq-x' is not a learning question (known: lq-know)"),
]


@pytest.mark.parametrize("edit, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_defect_is_reported_with_its_location(edit, expected):
    found = problems(edit)
    assert any(p.startswith(expected) for p in found), found


def test_coded_segments_with_a_code_that_is_no_finding():
    refs = References(**{**REFS.__dict__, "segment_codes": {"knowledge-grew", "ghost-finding"}})
    assert check_registry(registry(), TOSC, LANGS, refs) == [
        "findings: the coded segments use code 'ghost-finding', which is not a finding id"]


def test_all_violations_are_listed_at_once(tmp_path):
    data = registry()
    data["findings"][0]["theme"] = "nowhere"
    data["recommendations"][0]["addressees"] = []
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    tosc = tmp_path / "tosc.yaml"
    tosc.write_text(yaml.safe_dump(TOSC), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_registry(path, tosc, LANGS, REFS, display_root=tmp_path)
    assert str(exc.value).startswith("registry.yaml: 2 problem(s):")


def test_schema_refuses_a_level_outside_low_medium_high(tmp_path):
    data = registry()
    data["findings"][0]["leverage_points"][0]["level"] = "very high"
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    tosc = tmp_path / "tosc.yaml"
    tosc.write_text(yaml.safe_dump(TOSC), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_registry(path, tosc, LANGS, REFS, display_root=tmp_path)
    assert "level" in str(exc.value) and "very high" in str(exc.value)
