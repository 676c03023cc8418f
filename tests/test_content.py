"""Integrity checks of the content registry: each kind of defect is reported with its location."""

from __future__ import annotations

import copy

import pytest
import yaml

from evalkit.content.integrity import References, check_registry
from evalkit.content.overlays import merge_overlay, overlay_path, read_registry, split_overlays, split_registry
from evalkit.content.registry import load_registry
from evalkit.core.errors import ConfigError

from .conftest import ROOT

LANGS = ["en-US", "es-MX"]
TOSC = {"domains": [{"key": "human_capacity"}, {"key": "delivery_of_services"}]}


def bi(text: str) -> dict:
    return {"en-US": text, "es-MX": text + " (es)"}


def registry() -> dict:
    return {
        "addressees": [{"id": "ilab", "name": bi("ILAB")}, {"id": "stps", "name": bi("Labor ministry")}],
        "criteria": [
            {
                "id": "relevance",
                "name": bi("Relevance"),
                "questions": [{"id": "eq-fit", "text": bi("Did it fit?"), "themes": ["awareness"]}],
            }
        ],
        "themes": [
            {"id": "awareness", "title": bi("Awareness"), "summary": bi("About awareness.")},
            {"id": "capacity", "title": bi("Capacity"), "summary": bi("About capacity.")},
        ],
        "findings": [
            {
                "id": "knowledge-grew",
                "theme": "awareness",
                "title": bi("Knowledge grew"),
                "text": bi("It grew."),
                "evidence": {
                    "values": ["post_interview.awareness.top_box_share"],
                    "outcomes": ["oc-forum"],
                    "projects": ["map"],
                },
                "leverage_points": [
                    {
                        "id": "lp-training",
                        "name": bi("Training"),
                        "domains": ["human_capacity"],
                        "level": "high",
                        "description": bi("Train people."),
                    }
                ],
                "quote": {"segment": "SEG-0001", "stakeholder": "unions", "text": bi("We learned a lot.")},
            },
            {
                "id": "inspectors-trained",
                "theme": "capacity",
                "title": bi("Inspectors"),
                "text": bi("Trained."),
                "evidence": {},
                "no_leverage_point": bi("Too early to tell."),
            },
        ],
        "good_practices": [
            {
                "id": "gp-forums",
                "title": bi("Forums"),
                "text": bi("Forums work."),
                "findings": ["knowledge-grew"],
                "projects": ["map"],
                "learning_questions": ["lq-know"],
            }
        ],
        "recommendations": [
            {
                "id": "rec-train",
                "title": bi("Train"),
                "text": bi("Keep training."),
                "findings": ["knowledge-grew"],
                "addressees": ["ilab"],
                "priority": "rec_1",
            },
            {
                "id": "rec-coordinate",
                "title": bi("Coordinate"),
                "text": bi("Work together."),
                "findings": ["inspectors-trained"],
                "addressees": ["stps"],
                "priority": "evaluation_team",
            },
        ],
        "projects": [{"id": "map", "name": bi("MAP"), "implementer": bi("Partners"), "summary": bi("Awareness.")}],
        "outcomes": [
            {
                "id": "oc-forum",
                "journal_entry": "OJ-01",
                "project": "map",
                "who": bi("Workers"),
                "what": bi("Voted."),
                "when": "2023-05",
                "where": bi("Silao"),
                "contribution": bi("Trained them."),
            }
        ],
        "learning_questions": [{"id": "lq-know", "question": bi("What do people know?"), "themes": ["awareness"]}],
        "cases": [
            {
                "id": "case-forum",
                "title": bi("A forum"),
                "text": bi("Workers met and voted."),
                "findings": ["knowledge-grew"],
                "evidence": {
                    "values": ["post_interview.awareness.top_box_share"],
                    "outcomes": ["oc-forum"],
                    "projects": ["map"],
                },
                "sources": {"segments": ["SEG-0001", "SEG-0002"], "journal_entries": ["OJ-01"]},
                "when": "2023-04/2023-06",
                "where": bi("Silao"),
            }
        ],
        "tables": [
            {
                "id": "options",
                "finding": "knowledge-grew",
                "caption": bi("Options"),
                "columns": [{"id": "opportunity", "name": bi("Opportunity")}, {"id": "risk", "name": bi("Risk")}],
                "rows": [
                    {
                        "id": "train",
                        "cells": {"opportunity": bi("Train."), "risk": bi("Cost.")},
                        "values": ["post_interview.awareness.top_box_share"],
                    }
                ],
            }
        ],
    }


REFS = References(
    value_ids={"post_interview.awareness.top_box_share"},
    stakeholders={"unions", "workers"},
    projects={"map", "calle"},
    segment_codes={"knowledge-grew"},
    journal_entries={"OJ-01"},
    segments={
        "SEG-0001": {"stakeholder": "unions", "code": "knowledge-grew"},
        "SEG-0002": {"stakeholder": "workers", "code": "knowledge-grew"},
        "SEG-0004": {"stakeholder": "unions", "code": "inspectors-trained"},
    },
    priority_items={"rec_1", "rec_2"},
)


def problems(edit) -> list[str]:
    data = registry()
    edit(data)
    return check_registry(data, TOSC, LANGS, REFS)


def test_a_sound_registry_has_no_problem():
    assert check_registry(registry(), TOSC, LANGS, REFS) == []


def test_a_lesson_may_stand_alone_or_rest_on_findings():
    data = registry()
    data["learning_questions"][0]["lessons"] = [{"id": "l-none", "text": bi("Listen.")}]
    data["lessons"] = [{"id": "l-alone", "text": bi("Plan.")},
                       {"id": "l-rests", "text": bi("Act."), "findings": ["knowledge-grew"]}]
    assert check_registry(data, TOSC, LANGS, REFS) == []


def setitem(path, value):
    def edit(d):
        node = d
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = value

    return edit


CASES = [
    (
        "duplicate finding id",
        lambda d: d["findings"].append(copy.deepcopy(d["findings"][1])),
        "findings: id 'inspectors-trained' is used 2 times; expected unique ids",
    ),
    (
        "duplicate leverage point",
        lambda d: d["findings"][1].update(leverage_points=copy.deepcopy(d["findings"][0]["leverage_points"])),
        "findings: leverage point id 'lp-training' is used 2 times (in knowledge-grew, inspectors-trained); "
        "expected unique ids",
    ),
    (
        "unknown theme",
        setitem(["findings", 0, "theme"], "awarenes"),
        "findings[knowledge-grew].theme: 'awarenes' is not a theme (known: awareness, capacity)",
    ),
    (
        "domain outside the nine",
        setitem(["findings", 0, "leverage_points", 0, "domains"], ["policy"]),
        "findings[knowledge-grew].leverage_points[lp-training].domains: 'policy' is not a TOsC domain "
        "(domains: human_capacity, delivery_of_services)",
    ),
    (
        "addressee outside the list",
        setitem(["recommendations", 0, "addressees"], ["ilab", "knowledge-grew"]),
        "recommendations[rec-train].addressees: 'knowledge-grew' is not an addressee of the controlled list "
        "(known: ilab, stps)",
    ),
    (
        "recommendation without finding",
        setitem(["recommendations", 0, "findings"], []),
        "recommendations[rec-train].findings: empty; expected at least one supporting finding",
    ),
    (
        "recommendation without addressee",
        setitem(["recommendations", 1, "addressees"], []),
        "recommendations[rec-coordinate].addressees: empty; expected at least one addressee",
    ),
    (
        "recommendation citing an unknown finding",
        setitem(["recommendations", 0, "findings"], ["annex-i"]),
        "recommendations[rec-train].findings: 'annex-i' is not a finding (known: inspectors-trained, knowledge-grew)",
    ),
    (
        "finding without leverage point or reason",
        lambda d: d["findings"][1].pop("no_leverage_point"),
        "findings[inspectors-trained]: no leverage point and no `no_leverage_point` reason; expected at least one "
        "or the reason",
    ),
    (
        "missing language",
        lambda d: d["themes"][1]["title"].pop("es-MX"),
        "themes[capacity].title: no text in es-MX (has en-US)",
    ),
    (
        "typed section number",
        setitem(["findings", 0, "text", "en-US"], "As section 3.2.3 shows, it grew."),
        "findings[knowledge-grew].text.en-US: typed number in the text",
    ),
    (
        "typed figure number",
        setitem(["good_practices", 0, "text", "es-MX"], "Véase la Figura 4."),
        "good_practices[gp-forums].text.es-MX: typed number in the text",
    ),
    (
        "unknown value id",
        setitem(["findings", 0, "evidence", "values"], ["post_interview.awareness.share"]),
        "findings[knowledge-grew].evidence.values: 'post_interview.awareness.share' is not a value id of "
        "results/values.json",
    ),
    (
        "unknown outcome",
        setitem(["findings", 0, "evidence", "outcomes"], ["oc-missing"]),
        "findings[knowledge-grew].evidence.outcomes: 'oc-missing' is not an outcome (known: oc-forum)",
    ),
    (
        "quote attributed to an unknown type",
        setitem(["findings", 0, "quote", "stakeholder"], "Juan Pérez"),
        "findings[knowledge-grew].quote.stakeholder: 'Juan Pérez' is not a stakeholder type (types: unions, workers)",
    ),
    (
        "quote from no coded segment",
        setitem(["findings", 0, "quote", "segment"], "SEG-0099"),
        "findings[knowledge-grew].quote.segment: 'SEG-0099' is not a coded segment",
    ),
    (
        "quote from another stakeholder type's segment",
        setitem(["findings", 0, "quote", "segment"], "SEG-0002"),
        "findings[knowledge-grew].quote.stakeholder: 'unions', but segment SEG-0002 is from 'workers'",
    ),
    (
        "quote from a segment of another finding",
        setitem(["findings", 0, "quote", "segment"], "SEG-0004"),
        "findings[knowledge-grew].quote.segment: segment SEG-0004 is coded 'inspectors-trained', not this finding",
    ),
    (
        "section answering an unknown question",
        setitem(
            ["themes", 0, "sections"],
            [{"id": "adapt", "title": bi("Adapting"), "text": bi("It adapts."), "answers": ["eq-nope"]}],
        ),
        "themes[awareness].sections[adapt].answers: 'eq-nope' is not an evaluation question",
    ),
    (
        "key figure of an unknown value",
        setitem(["key_figures"], [{"id": "report", "items": [{"value": "post_interview.nope", "label": bi("x")}]}]),
        "key_figures[report].items[0].value: 'post_interview.nope' is not a value id of results/values.json",
    ),
    (
        "project serving an unknown actor group",
        setitem(["projects", 0, "serves"], ["employers"]),
        "projects[map].serves: 'employers' is not an actor group (known: none)",
    ),
    (
        "theory of change loop through an unknown domain",
        setitem(
            ["theory_of_change"],
            {
                "text": bi("Change."),
                "domains": [],
                "loop": {"title": bi("Loop"), "text": bi("Round."), "steps": ["human_capacity", "demand"]},
            },
        ),
        "theory_of_change.loop.steps: 'demand' is not a TOsC domain",
    ),
    (
        "priority item that does not exist",
        setitem(["recommendations", 0, "priority"], "rec_9"),
        "recommendations[rec-train].priority: 'rec_9' is neither a rated item of the workshop forms nor "
        "'evaluation_team'",
    ),
    (
        "same priority item twice",
        setitem(["recommendations", 1, "priority"], "rec_1"),
        "recommendations: priority item 'rec_1' is given to 2 recommendations; expected one",
    ),
    (
        "project not in the monitoring data",
        setitem(["projects", 0, "id"], "mapp"),
        "projects[mapp].id: not a project of the monitoring codebook (projects: calle, map)",
    ),
    (
        "outcome without journal entry",
        setitem(["outcomes", 0, "journal_entry"], "OJ-99"),
        "outcomes[oc-forum].journal_entry: 'OJ-99' is not an entry of the outcome journal",
    ),
    (
        "question answered by an unknown theme",
        setitem(["criteria", 0, "questions", 0, "themes"], ["sustainability"]),
        "criteria[relevance].questions[eq-fit].themes: 'sustainability' is not a theme (known: awareness, capacity)",
    ),
    (
        "good practice without finding",
        setitem(["good_practices", 0, "findings"], []),
        "good_practices[gp-forums].findings: empty; expected at least one finding",
    ),
    (
        "learning question unknown",
        setitem(["good_practices", 0, "learning_questions"], ["lq-x"]),
        "good_practices[gp-forums].learning_questions: 'lq-x' is not a learning question (known: lq-know)",
    ),
    (
        "conclusion resting on an unknown finding",
        setitem(["conclusions"], [{"id": "c-reach", "text": bi("Reach grew."), "findings": ["knowledge-grw"]}]),
        "conclusions[c-reach].findings: 'knowledge-grw' is not a finding",
    ),
    (
        "conclusion resting on nothing",
        setitem(["conclusions"], [{"id": "c-reach", "text": bi("Reach grew."), "findings": []}]),
        "conclusions[c-reach].findings: empty; expected at least one finding it rests on",
    ),
    (
        "lesson resting on an unknown finding",
        setitem(["learning_questions", 0, "lessons"], [{"id": "l-one", "text": bi("Start early."), "findings": ["x"]}]),
        "learning_questions[lq-know].lessons[l-one].findings: 'x' is not a finding",
    ),
    (
        "lesson with an empty list of findings",
        setitem(["learning_questions", 0, "lessons"], [{"id": "l-one", "text": bi("Start early."), "findings": []}]),
        "learning_questions[lq-know].lessons[l-one].findings: empty; expected at least one finding it rests on",
    ),
    (
        "stand-alone lesson resting on an unknown finding",
        setitem(["lessons"], [{"id": "l-alone", "text": bi("Plan."), "findings": ["ghost"]}]),
        "lessons[l-alone].findings: 'ghost' is not a finding",
    ),
    (
        "two stand-alone lessons with one id",
        setitem(["lessons"], [{"id": "l-a", "text": bi("Plan.")}, {"id": "l-a", "text": bi("Act.")}]),
        "lessons: id 'l-a' is used 2 times; expected unique ids",
    ),
    (
        "two insights with one id",
        setitem(
            ["learning_questions", 0, "insights"],
            [
                {"id": "i-a", "text": bi("A."), "findings": ["knowledge-grew"]},
                {"id": "i-a", "text": bi("B."), "findings": ["knowledge-grew"]},
            ],
        ),
        "learning_questions[lq-know].insights: id 'i-a' is used 2 times; expected unique ids",
    ),
    (
        "brief quote from no coded segment",
        setitem(
            ["learning_questions", 0, "quotes"],
            [
                {
                    "id": "q-a",
                    "segment": "SEG-0404",
                    "stakeholder": "unions",
                    "finding": "knowledge-grew",
                    "text": bi("We know more."),
                }
            ],
        ),
        "learning_questions[lq-know].quotes[q-a].segment: 'SEG-0404' is not a coded segment",
    ),
    (
        "brief quote from another stakeholder type's segment",
        setitem(
            ["learning_questions", 0, "quotes"],
            [
                {
                    "id": "q-a",
                    "segment": "SEG-0002",
                    "stakeholder": "unions",
                    "finding": "knowledge-grew",
                    "text": bi("We know more."),
                }
            ],
        ),
        "learning_questions[lq-know].quotes[q-a].stakeholder: 'unions', but segment SEG-0002 is from 'workers'",
    ),
    (
        "brief quote from a segment coded with another finding",
        setitem(
            ["learning_questions", 0, "quotes"],
            [
                {
                    "id": "q-a",
                    "segment": "SEG-0001",
                    "stakeholder": "unions",
                    "finding": "inspectors-trained",
                    "text": bi("We know more."),
                }
            ],
        ),
        "learning_questions[lq-know].quotes[q-a].segment: segment SEG-0001 is coded 'knowledge-grew', not its finding "
        "'inspectors-trained'",
    ),
    (
        "brief quote illustrating a finding outside the question",
        setitem(
            ["learning_questions", 0, "quotes"],
            [
                {
                    "id": "q-a",
                    "segment": "SEG-0004",
                    "stakeholder": "unions",
                    "finding": "inspectors-trained",
                    "text": bi("We know more."),
                }
            ],
        ),
        "learning_questions[lq-know].quotes[q-a].finding: 'inspectors-trained' is not a finding of the question's "
        "themes (findings: knowledge-grew)",
    ),
    (
        "brief quote attributed to an unknown type",
        setitem(
            ["learning_questions", 0, "quotes"],
            [
                {
                    "id": "q-a",
                    "segment": "SEG-0001",
                    "stakeholder": "a union leader",
                    "finding": "knowledge-grew",
                    "text": bi("We know more."),
                }
            ],
        ),
        "learning_questions[lq-know].quotes[q-a].stakeholder: 'a union leader' is not a stakeholder type",
    ),
    (
        "donor lever resting on an unknown finding",
        setitem(
            ["learning_questions", 0, "donor_levers"], [{"id": "d-fund", "text": bi("Fund it."), "findings": ["ghost"]}]
        ),
        "learning_questions[lq-know].donor_levers[d-fund].findings: 'ghost' is not a finding",
    ),
    (
        "donor lever resting on nothing",
        setitem(["learning_questions", 0, "donor_levers"], [{"id": "d-fund", "text": bi("Fund it."), "findings": []}]),
        "learning_questions[lq-know].donor_levers[d-fund].findings: empty",
    ),
    (
        "unknown context value",
        setitem(["learning_questions", 0, "context"], ["context.rrm_request"]),
        "learning_questions[lq-know].context: 'context.rrm_request' is not a value id of results/values.json",
    ),
    (
        "spotlight on an unknown project",
        setitem(
            ["learning_questions", 0, "spotlights"],
            [{"id": "s-a", "project": "mapp", "title": bi("Forums"), "text": bi("It ran forums.")}],
        ),
        "learning_questions[lq-know].spotlights[s-a].project: 'mapp' is not a project (known: map)",
    ),
    (
        "spotlight citing an unknown value",
        setitem(
            ["learning_questions", 0, "spotlights"],
            [
                {
                    "id": "s-a",
                    "project": "map",
                    "title": bi("Forums"),
                    "text": bi("It ran forums."),
                    "values": ["monitoring.map.x"],
                }
            ],
        ),
        "learning_questions[lq-know].spotlights[s-a].values: 'monitoring.map.x' is not a value id of "
        "results/values.json",
    ),
    (
        "spotlight citing an unknown outcome",
        setitem(
            ["learning_questions", 0, "spotlights"],
            [
                {
                    "id": "s-a",
                    "project": "map",
                    "title": bi("Forums"),
                    "text": bi("It ran forums."),
                    "outcomes": ["oc-nothing"],
                }
            ],
        ),
        "learning_questions[lq-know].spotlights[s-a].outcomes: 'oc-nothing' is not an outcome (known: oc-forum)",
    ),
    (
        "typed number in an insight's detail",
        setitem(
            ["learning_questions", 0, "insights"],
            [{"id": "i-a", "text": bi("A."), "detail": bi("It rose by 12 points."), "findings": ["knowledge-grew"]}],
        ),
        "learning_questions[lq-know].insights[i-a].detail.en-US: typed number in the text",
    ),
    (
        "acronym given twice in one language",
        setitem(
            ["acronyms"],
            [
                {"id": "stps", "short": bi("STPS"), "long": bi("Labor ministry")},
                {"id": "stps-again", "short": {"en-US": "STPS", "es-MX": "SeTPS"}, "long": bi("Ministry")},
            ],
        ),
        "acronyms[stps-again].short.en-US: 'STPS' is also the short form of stps; expected each acronym once",
    ),
    (
        "case supporting an unknown finding",
        setitem(["cases", 0, "findings"], ["knowledge-grew", "knowledge-grw"]),
        "cases[case-forum].findings: 'knowledge-grw' is not a finding (known: inspectors-trained, knowledge-grew)",
    ),
    (
        "case supporting no finding",
        setitem(["cases", 0, "findings"], []),
        "cases[case-forum].findings: empty; expected at least one finding the case supports",
    ),
    (
        "case citing an unknown value",
        setitem(["cases", 0, "evidence", "values"], ["context.nowhere"]),
        "cases[case-forum].evidence.values: 'context.nowhere' is not a value id of results/values.json",
    ),
    (
        "case citing an unknown outcome",
        setitem(["cases", 0, "evidence", "outcomes"], ["oc-missing"]),
        "cases[case-forum].evidence.outcomes: 'oc-missing' is not an outcome (known: oc-forum)",
    ),
    (
        "case citing an unknown project",
        setitem(["cases", 0, "evidence", "projects"], ["mapp"]),
        "cases[case-forum].evidence.projects: 'mapp' is not a project (known: map)",
    ),
    (
        "case from no coded segment",
        setitem(["cases", 0, "sources", "segments"], ["SEG-0099"]),
        "cases[case-forum].sources.segments: 'SEG-0099' is not a coded segment",
    ),
    (
        "case from a segment of a finding it does not support",
        setitem(["cases", 0, "sources", "segments"], ["SEG-0004"]),
        "cases[case-forum].sources.segments: segment SEG-0004 is coded 'inspectors-trained', not a finding of the case",
    ),
    (
        "case from no journal entry",
        setitem(["cases", 0, "sources", "journal_entries"], ["OJ-99"]),
        "cases[case-forum].sources.journal_entries: 'OJ-99' is not an entry of the outcome journal",
    ),
    (
        "case without sources",
        setitem(["cases", 0, "sources"], {}),
        "cases[case-forum].sources: none; expected coded segments or outcome journal entries",
    ),
    (
        "case in a month that does not exist",
        setitem(["cases", 0, "when"], "2023-13"),
        "cases[case-forum].when: '2023-13' has no such month",
    ),
    (
        "case that ends before it starts",
        setitem(["cases", 0, "when"], "2023-06/2023-02"),
        "cases[case-forum].when: '2023-06/2023-02' ends before it starts",
    ),
    (
        "two cases with one id",
        lambda d: d["cases"].append(copy.deepcopy(d["cases"][0])),
        "cases: id 'case-forum' is used 2 times; expected unique ids",
    ),
    (
        "typed number in a case",
        setitem(["cases", 0, "text", "es-MX"], "Votaron unas 300 personas."),
        "cases[case-forum].text.es-MX: typed number in the text",
    ),
    (
        "table after an unknown finding",
        setitem(["tables", 0, "finding"], "knowledge-grw"),
        "tables[options].finding: 'knowledge-grw' is not a finding",
    ),
    (
        "table cell in an unknown column",
        setitem(["tables", 0, "rows", 0, "cells", "suggestion"], bi("Do it.")),
        "tables[options].rows[train].cells: 'suggestion' is not a column of the table (known: opportunity, risk)",
    ),
    (
        "table row citing an unknown value",
        setitem(["tables", 0, "rows", 0, "values"], ["context.nowhere"]),
        "tables[options].rows[train].values: 'context.nowhere' is not a value id of results/values.json",
    ),
    (
        "typed number in a table cell",
        setitem(["tables", 0, "rows", 0, "cells", "risk"], bi("About 4.2 percent.")),
        "tables[options].rows[train].cells.risk.en-US: typed number in the text",
    ),
    (
        "typed number in a conclusion",
        setitem(
            ["conclusions"],
            [{"id": "c-reach", "text": bi("Reach grew by 40 percent."), "findings": ["knowledge-grew"]}],
        ),
        "conclusions[c-reach].text.en-US: typed number in the text",
    ),
]


@pytest.mark.parametrize("edit, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_defect_is_reported_with_its_location(edit, expected):
    found = problems(edit)
    assert any(p.startswith(expected) for p in found), found


def test_a_question_with_every_brief_part_has_no_problem():
    data = registry()
    data["learning_questions"][0].update(
        insights=[
            {
                "id": "i-a",
                "text": bi("Reach grew."),
                "detail": bi("Forums carried the news."),
                "findings": ["knowledge-grew"],
            }
        ],
        context=["post_interview.awareness.top_box_share"],
        donor_levers=[{"id": "d-fund", "text": bi("Fund forums."), "findings": ["knowledge-grew"]}],
        quotes=[
            {
                "id": "q-a",
                "segment": "SEG-0002",
                "stakeholder": "workers",
                "finding": "knowledge-grew",
                "text": bi("We know."),
            }
        ],
        spotlights=[
            {
                "id": "s-a",
                "project": "map",
                "title": bi("Forums"),
                "text": bi("It ran forums."),
                "values": ["post_interview.awareness.top_box_share"],
                "outcomes": ["oc-forum"],
            }
        ],
    )
    assert check_registry(data, TOSC, LANGS, REFS) == []


def test_schema_refuses_a_brief_quote_without_its_segment(tmp_path):
    data = registry()
    data["learning_questions"][0]["quotes"] = [
        {"id": "q-a", "stakeholder": "workers", "finding": "knowledge-grew", "text": bi("We know.")}
    ]
    with pytest.raises(ConfigError) as exc:
        load_written(tmp_path, data)
    assert "segment" in str(exc.value) and "quotes" in str(exc.value)


def test_coded_segments_with_a_code_that_is_no_finding():
    refs = References(**{**REFS.__dict__, "segment_codes": {"knowledge-grew", "ghost-finding"}})
    assert check_registry(registry(), TOSC, LANGS, refs) == [
        "findings: the coded segments use code 'ghost-finding', which is not a finding id"
    ]


def load_written(tmp_path, data: dict):
    """Write `data` as registry.yaml (with the test TOsC beside it) and load it as the build does."""
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    tosc = tmp_path / "tosc.yaml"
    tosc.write_text(yaml.safe_dump(TOSC), encoding="utf-8")
    return load_registry(path, tosc, LANGS, REFS, display_root=tmp_path)


def test_all_violations_are_listed_at_once(tmp_path):
    data = registry()
    data["findings"][0]["theme"] = "nowhere"
    data["recommendations"][0]["addressees"] = []
    with pytest.raises(ConfigError) as exc:
        load_written(tmp_path, data)
    assert str(exc.value).startswith("registry.yaml: 2 problem(s):")


@pytest.mark.parametrize(
    "field, value, words",
    [("id", "forum-case", "case-"), ("when", "2023", "when"), ("when", "2023-04 to 2023-06", "when")],
)
def test_schema_refuses_a_case_id_without_prefix_and_a_date_that_is_no_month(tmp_path, field, value, words):
    data = registry()
    data["cases"][0][field] = value
    with pytest.raises(ConfigError) as exc:
        load_written(tmp_path, data)
    assert words in str(exc.value) and value in str(exc.value)


def test_schema_requires_the_findings_a_case_supports(tmp_path):
    data = registry()
    data["cases"][0].pop("findings")
    with pytest.raises(ConfigError) as exc:
        load_written(tmp_path, data)
    assert "findings" in str(exc.value)


def test_schema_refuses_a_level_outside_low_medium_high(tmp_path):
    data = registry()
    data["findings"][0]["leverage_points"][0]["level"] = "very high"
    with pytest.raises(ConfigError) as exc:
        load_written(tmp_path, data)
    assert "level" in str(exc.value) and "very high" in str(exc.value)


# --- language overlays (registry.<tag>.yaml) -------------------------------------------------------


def write_split(tmp_path, data=None) -> tuple:
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(data or registry(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    split_registry(path, LANGS)
    return path, {lang: overlay_path(path, lang) for lang in LANGS}


def test_split_moves_every_text_to_its_language_and_merging_restores_the_registry(tmp_path):
    path, overlays = write_split(tmp_path)
    structure = yaml.safe_load(path.read_text(encoding="utf-8"))
    es = yaml.safe_load(overlays["es-MX"].read_text(encoding="utf-8"))
    assert structure["findings"][0] == {
        "id": "knowledge-grew",
        "theme": "awareness",
        "evidence": {
            "values": ["post_interview.awareness.top_box_share"],
            "outcomes": ["oc-forum"],
            "projects": ["map"],
        },
        "leverage_points": [{"id": "lp-training", "domains": ["human_capacity"], "level": "high"}],
        "quote": {"segment": "SEG-0001", "stakeholder": "unions"},
    }
    assert es["findings"]["knowledge-grew"]["quote"] == {"text": "We learned a lot. (es)"}
    assert es["findings"]["knowledge-grew"]["leverage_points"]["lp-training"]["name"] == "Training (es)"
    assert "en-US" not in overlays["es-MX"].read_text(encoding="utf-8")
    assert read_registry(path, LANGS) == registry()
    # one language only: the other's texts are absent, and the check names each of them
    only_es = read_registry(path, ["es-MX"])
    assert only_es["themes"][0]["title"] == {"es-MX": "Awareness (es)"}
    assert check_registry(only_es, TOSC, ["es-MX"], REFS) == []
    assert "themes[awareness].title: no text in en-US (has es-MX)" in check_registry(only_es, TOSC, LANGS, REFS)


def test_split_refuses_to_overwrite_an_overlay(tmp_path):
    path, _ = write_split(tmp_path)
    with pytest.raises(ConfigError, match="exists already"):
        split_registry(path, LANGS)


def test_overlay_defects_name_the_overlay_and_the_place(tmp_path):
    path, overlays = write_split(tmp_path)
    es = yaml.safe_load(overlays["es-MX"].read_text(encoding="utf-8"))
    es["findings"]["knowledge-grown"] = {"title": "Creció"}  # no such finding
    es["themes"]["awareness"]["title"] = ["Sensibilización"]  # a list where a text belongs
    overlays["es-MX"].write_text(yaml.safe_dump(es, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        read_registry(path, LANGS, display_root=tmp_path)
    msg = str(exc.value)
    assert msg.startswith("registry.es-MX.yaml: 2 problem(s):")
    assert "findings.knowledge-grown: no item with id 'knowledge-grown' in the registry" in msg
    assert "themes[awareness].title: the overlay has a list of 1 items where the registry has dict" in msg


def test_a_text_both_inline_and_in_the_overlay_is_refused():
    problems = []
    merge_overlay({"title": {"es-MX": "Uno"}}, {"title": "Dos"}, "es-MX", "", problems)
    assert problems == ["title: the es-MX text is both inline in the registry and in the overlay; keep one"]


def test_the_real_registry_is_split_into_structure_and_two_overlays():
    path = ROOT / "report" / "mexico-auto-2024" / "content" / "registry.yaml"
    structure = yaml.safe_load(path.read_text(encoding="utf-8"))
    _, inline = split_overlays(structure, LANGS)
    assert inline == {}  # no text left inline: every language edits its own file
    merged = read_registry(path, LANGS)
    assert merged["recommendations"][0]["title"]["es-MX"] and merged["recommendations"][0]["title"]["en-US"]
