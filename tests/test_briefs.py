"""The learning-brief series: generated from the registry in both languages, with the question, its
insights and lessons, spotlight figures from values.json, quotations attributed by stakeholder type
only and the question's own good practices; published in every format and checked by the gate."""

from __future__ import annotations

import copy
import html
import json
import re
from dataclasses import replace

import pytest

from evalkit.content.integrity import check_registry
from evalkit.content.registry import Registry, load_registry
from evalkit.core.i18n import translator
from evalkit.documents.briefs import brief_fragment, brief_fragments, question_projects, spotlight_indicators

from .conftest import ROOT
from .test_content import LANGS, REFS, TOSC, bi, registry

BRIEFS = ["introduction", "knowledge-awareness", "addressing-violations", "compliance", "system-capacity"]
FORMATS = ["html", "pdf", "docx"]


def data() -> dict:
    """The test registry of test_content with a second question, insights, lessons, a second project
    and a good practice of each question."""
    d = registry()
    d["projects"].append({"id": "calle", "name": bi("CALLE"), "implementer": bi("AIR"), "summary": bi("Inspection.")})
    d["findings"][0]["evidence"]["values"].append("monitoring.map.map_01.total")
    d["findings"][1]["evidence"]["projects"] = ["calle"]
    d["findings"][1]["quote"] = {
        "segment": "SEG-0003",
        "stakeholder": "workers",
        "text": bi("The inspectors finally came."),
    }
    d["good_practices"].append(
        {
            "id": "gp-inspection-tools",
            "title": bi("Inspection tools"),
            "text": bi("Tools help."),
            "findings": ["inspectors-trained"],
            "projects": ["calle"],
            "learning_questions": ["lq-capacity"],
        }
    )
    d["learning_questions"][0].update(
        short=bi("Knowledge"),
        insights=[{"id": "in-forums", "text": bi("Forums reach many people."), "findings": ["knowledge-grew"]}],
        lessons=[
            {
                "id": "le-follow-up",
                "text": bi("Follow forums up."),
                "findings": ["inspectors-trained", "knowledge-grew"],
            }
        ],
    )
    d["learning_questions"].append(
        {
            "id": "lq-capacity",
            "question": bi("Who is able to act?"),
            "short": bi("Capacity"),
            "themes": ["capacity"],
            "insights": [
                {"id": "in-inspectors", "text": bi("Inspectors learned."), "findings": ["inspectors-trained"]}
            ],
            "lessons": [{"id": "le-tools", "text": bi("Tools need staff."), "findings": ["inspectors-trained"]}],
        }
    )
    return d


REFS_BRIEFS = replace(
    REFS,
    value_ids=REFS.value_ids | {"monitoring.map.map_01.total"},
    segments={**REFS.segments, "SEG-0003": {"stakeholder": "workers", "code": "inspectors-trained"}},
)


def value(display: str) -> dict:
    return {"value": 0, "display": {"en-US": display, "es-MX": display}}


VALUES = {
    "values": {
        "post_interview.awareness.top_box_share": value("72%"),
        "monitoring.map.map_01.total": value("4,494"),
        "monitoring.map.map_01.target": value("4,010"),
        "monitoring.map.map_01.achievement": value("112%"),
        "monitoring.map.map_01.women": value("2,067"),
        "monitoring.calle.calle_01.total": value("675"),
    }
}
NAMES = {"monitoring.map.map_01.total": "People at public forums", "monitoring.calle.calle_01.total": "Staff trained"}
CITED = {"calle": ["monitoring.calle.calle_01"], "map": ["monitoring.map.map_02"]}
STAKEHOLDERS = {
    "en-US": {"unions": "Labor unions", "workers": "Workers"},
    "es-MX": {"unions": "Sindicatos", "workers": "Personas trabajadoras"},
}


def reg() -> Registry:
    return Registry("registry.yaml", data(), TOSC)


def brief(question: str, lang: str = "en-US") -> str:
    return brief_fragment(reg(), VALUES, lang, question, NAMES, STAKEHOLDERS[lang], FORMATS, "monitoring", CITED)


def test_registry_with_insights_and_lessons_is_sound():
    assert check_registry(data(), TOSC, LANGS, REFS_BRIEFS) == []


def test_insight_or_lesson_resting_on_an_unknown_or_no_finding_is_reported():
    d = data()
    d["learning_questions"][0]["insights"][0]["findings"] = ["knowledge-grew", "annex-x"]
    d["learning_questions"][1]["lessons"][0]["findings"] = []
    d["learning_questions"][1]["insights"].append(copy.deepcopy(d["learning_questions"][1]["insights"][0]))
    problems = check_registry(d, TOSC, LANGS, REFS_BRIEFS)
    assert (
        "learning_questions[lq-know].insights[in-forums].findings: 'annex-x' is not a finding "
        "(known: inspectors-trained, knowledge-grew)"
    ) in problems
    assert (
        "learning_questions[lq-capacity].lessons[le-tools].findings: empty; expected at least one finding it rests on"
    ) in problems
    assert (
        "learning_questions[lq-capacity].insights: id 'in-inspectors' is used 2 times; expected unique ids" in problems
    )
    d = data()
    d["learning_questions"][0]["lessons"][0]["text"]["en-US"] = "Follow up within 3 months."
    assert any(
        p.startswith("learning_questions[lq-know].lessons[le-follow-up].text.en-US: typed number")
        for p in check_registry(d, TOSC, LANGS, REFS_BRIEFS)
    )


def test_brief_has_its_question_insights_and_lessons_in_both_languages():
    en, es = brief("lq-know"), brief("lq-know", "es-MX")
    assert "# The learning question\n\nWhat do people know?\n" in en
    assert "# La pregunta de aprendizaje\n\nWhat do people know? (es)\n" in es
    assert "# Key insights\n\n1. Forums reach many people. (Finding 1.1 of the evaluation report.)" in en
    # finding numbers are the report's, in its order, whatever the order in the registry
    assert "# Lessons learned\n\n1. Follow forums up. (Findings 1.1, 2.1 of the evaluation report.)" in en
    assert "# Aprendizajes clave\n\n1. Forums reach many people. (es) (Hallazgo 1.1 del informe de evaluación.)" in es
    assert "# Lecciones aprendidas\n\n1. Follow forums up. (es) (Hallazgos 1.1, 2.1 del informe de evaluación.)" in es
    assert "Who is able to act?" not in en and "Inspectors learned." not in en


def test_spotlights_show_the_projects_of_the_question_with_figures_from_values_json():
    r = reg()
    know, capacity = r.by_id("learning_questions")["lq-know"], r.by_id("learning_questions")["lq-capacity"]
    assert [p["id"] for p in question_projects(r, know)] == ["map"]
    assert [p["id"] for p in question_projects(r, capacity)] == ["calle"]
    # the indicators the question's findings cite, else those the evaluation cites
    assert spotlight_indicators(r, know, "map", VALUES, "monitoring", CITED) == ["monitoring.map.map_01"]
    assert spotlight_indicators(r, capacity, "calle", VALUES, "monitoring", CITED) == ["monitoring.calle.calle_01"]
    en = brief("lq-know")
    assert "## MAP\n\nImplemented by Partners. Awareness.\n" in en
    assert "| People at public forums | 4,494 | 4,010 | 112% | 2,067 |" in en
    assert "{#tbl-spotlight-map}" in en and "CALLE" not in en
    assert "| Staff trained | 675 | \u2014 | \u2014 | \u2014 |" in brief("lq-capacity")
    es = brief("lq-know", "es-MX")
    assert "| Indicador | Resultado | Meta | Porcentaje de la meta | De ellas, mujeres |" in es
    # the headline result of each spotlight project is called out at the top, from the same values
    assert "# Key figures\n\n::: {.key-figures}\n- **4,494** People at public forums\n:::\n" in en
    assert en.index("# Key figures") < en.index("# Key insights")
    assert "# Cifras clave\n\n::: {.key-figures}\n- **4,494**" in es


def rich() -> Registry:
    """The test registry with every part a brief can carry on the first question."""
    d = data()
    d["learning_questions"][0].update(
        insights=[
            {
                "id": "in-forums",
                "text": bi("Forums reach many people."),
                "detail": bi("They drew crowds in every state."),
                "findings": ["knowledge-grew"],
            }
        ],
        context=["context.rrm_requests"],
        donor_levers=[{"id": "dl-fund", "text": bi("Fund more forums."), "findings": ["knowledge-grew"]}],
        quotes=[
            {
                "id": "q-forum",
                "segment": "SEG-0002",
                "stakeholder": "workers",
                "finding": "knowledge-grew",
                "text": bi("After the forum I knew where to go."),
            }
        ],
        spotlights=[
            {
                "id": "sp-forums",
                "project": "map",
                "title": bi("Forums in every state"),
                "text": bi("It ran forums."),
                "values": ["context.rrm_requests"],
                "outcomes": ["oc-forum"],
            }
        ],
    )
    return Registry("registry.yaml", d, TOSC)


RICH_VALUES = {
    "values": {**VALUES["values"], "context.rrm_requests": {"value": 22, "display": {"en-US": "22", "es-MX": "22"}}}
}
SOURCES = {"context.rrm_requests": {"as_of": "2024-04", "source": "USTR", "url": "https://ustr.gov"}}


def test_brief_carries_context_insight_detail_levers_quotes_and_spotlight_detail_in_both_languages():
    names = {**NAMES, "context.rrm_requests": "Requests under the mechanism"}
    en = brief_fragment(
        rich(), RICH_VALUES, "en-US", "lq-know", names, STAKEHOLDERS["en-US"], FORMATS, "monitoring", CITED, SOURCES
    )
    es = brief_fragment(
        rich(), RICH_VALUES, "es-MX", "lq-know", names, STAKEHOLDERS["es-MX"], FORMATS, "monitoring", CITED, SOURCES
    )
    assert (
        "# The context in figures" in en
        and "| Requests under the mechanism | 22 | April 2024 | [USTR](https://ustr.gov) |" in en
    )
    assert "# El contexto en cifras" in es and "| abril de 2024 |" in es
    assert (
        "## Key insight 1: Forums reach many people.\n\nThey drew crowds in every state. "
        "(Finding 1.1 of the evaluation report.)"
    ) in en
    assert (
        "## Aprendizaje clave 1: Forums reach many people. (es)\n\nThey drew crowds in every state. (es) (Hallazgo 1.1"
        in es
    )
    assert "# What donors can do\n\n1. Fund more forums. (Finding 1.1 of the evaluation report.)" in en
    assert "# Lo que pueden hacer los donantes\n\n1. Fund more forums. (es)" in es
    assert "> After the forum I knew where to go.\n>\n> \u2014 Workers\n" in en
    assert "> After the forum I knew where to go. (es)\n>\n> \u2014 Personas trabajadoras\n" in es
    assert "### Forums in every state\n\nIt ran forums.\n\n- **22** Requests under the mechanism" in en
    assert "- Outcome (May 2023, Silao): Workers. Voted. Trained them." in en
    assert "- Resultado (mayo de 2023, Silao (es)): Workers (es). Voted. (es) Trained them. (es)" in es
    # the spotlight detail sits in its project's spotlight, before the project's indicator table
    assert en.index("## MAP") < en.index("### Forums in every state") < en.index("{#tbl-spotlight-map}")


def test_the_default_registry_refuses_a_brief_quote_from_a_bad_segment():
    """The content check of the real registry refuses a brief quotation traced to an unknown segment,
    one of another stakeholder type or one coded with another finding, naming where it is."""
    import yaml

    data = yaml.safe_load((ROOT / "report/mexico-auto-2024/content/registry.yaml").read_text(encoding="utf-8"))
    av = next(q for q in data["learning_questions"] if q["id"] == "addressing-violations")
    assert av["quotes"]
    segs = {"SEG-0094": {"stakeholder": "unions", "code": "rapid-response-effective-but-narrow"}}
    refs = replace(
        REFS,
        segments=segs,
        stakeholders={"unions", "grantee", "host_government"},
        value_ids=None,
        segment_codes=None,
        projects=None,
        journal_entries=None,
        priority_items=None,
    )
    from evalkit.content.integrity import check_registry as check

    found = check(data, {"domains": []}, [], refs)
    where = "learning_questions[addressing-violations].quotes"
    assert any(p.startswith(f"{where}[av-quote-constraints].segment: 'SEG-0157' is not a coded segment") for p in found)
    assert not any(p.startswith(f"{where}[av-quote-comply]") for p in found)
    av["quotes"][0]["stakeholder"] = "grantee"
    assert any(
        p.startswith(f"{where}[av-quote-comply].stakeholder: 'grantee', but segment SEG-0094 is from 'unions'")
        for p in check(data, {"domains": []}, [], refs)
    )


def test_quotations_are_attributed_by_stakeholder_type_only():
    en, es = brief("lq-know"), brief("lq-know", "es-MX")
    assert "> We learned a lot.\n>\n> \u2014 Labor unions\n" in en
    assert "> We learned a lot. (es)\n>\n> \u2014 Sindicatos\n" in es
    assert "The inspectors finally came." not in en  # a quotation of another question's finding
    assert "> The inspectors finally came.\n>\n> \u2014 Workers\n" in brief("lq-capacity")
    attributions = re.findall(r"^> \u2014 (.*)$", en, flags=re.M)
    assert attributions == ["Labor unions"]


def test_good_practices_of_the_question_only():
    en, cap = brief("lq-know"), brief("lq-capacity")
    assert "## Forums\n\nForums work. (Finding 1.1 of the evaluation report.)" in en
    assert "Inspection tools" not in en
    assert (
        "## Inspection tools\n\nTools help. (Finding 2.1 of the evaluation report.)" in cap and "Forums work" not in cap
    )


def test_introduction_lists_the_questions_and_links_every_brief_in_every_format():
    frags = brief_fragments(reg(), VALUES, "es-MX", NAMES, STAKEHOLDERS["es-MX"], FORMATS, "monitoring", CITED)
    assert set(frags) == {"introduction", "lq-know", "lq-capacity"}
    intro = frags["introduction"]
    assert (
        "1. **[Knowledge (es)](lq-know.html)**: What do people know? (es) También en [PDF](lq-know.pdf), "
        "[DOCX](lq-know.docx)." in intro
    )
    assert "2. **[Capacity (es)](lq-capacity.html)**" in intro
    assert "- **MAP (es)**, ejecutado por Partners (es)." in intro
    assert "{#tbl-briefs-contents}" in intro
    assert "[introducción a la serie](introduction.html)" in frags["lq-know"]
    assert "[informe de\nevaluación]" not in frags["lq-know"] and "(../report.html)" in frags["lq-know"]


# --- the briefs of the default evaluation, built end to end ------------------------------------


def text_of(path) -> str:
    """The visible text of an HTML document, with typographic quotes made straight (pandoc's smart
    punctuation) and whitespace collapsed."""
    raw = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return " ".join(html.unescape(raw).replace("\u2019", "'").replace("\u2018", "'").split())


def flat(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


@pytest.fixture(scope="module")
def built(builds):
    a, _ = builds
    values = json.loads((a / "results/mexico-auto-2024/values.json").read_text(encoding="utf-8"))
    content = a / "report/mexico-auto-2024/content"
    r = load_registry(content / "registry.yaml", content / "tosc.yaml", LANGS)
    return a, values, r


@pytest.mark.slow
def test_every_brief_is_published_in_every_format_and_passes_the_gate(built):
    a, _, _ = built
    gate = json.loads((a / "results/mexico-auto-2024/checks/accessibility.json").read_text())
    privacy = json.loads((a / "results/mexico-auto-2024/checks/privacy.json").read_text())
    checked = {d["path"]: d for d in gate["checked"]}
    assert gate["passed"] is True and privacy["passed"] is True
    for lang in ("en", "es"):
        for name in BRIEFS:
            for fmt in FORMATS:
                path = f"results/mexico-auto-2024/publish/{lang}/briefs/{name}.{fmt}"
                assert (a / path).stat().st_size > 0, path
                checked_as = path.replace("/publish/", "/staged/")  # checked before the release
                assert (a / checked_as).read_bytes() == (a / path).read_bytes()
                assert checked[checked_as]["findings"] == []
                assert checked[checked_as]["lang"] == ("en-US" if lang == "en" else "es-MX")
                assert checked_as in privacy["files_scanned"], path


@pytest.mark.slow
def test_published_briefs_carry_the_registry_content_in_both_languages(built):
    a, values, r = built
    for lang, sub in (("en-US", "en"), ("es-MX", "es")):
        stakeholders = {c["key"]: c["label"][lang] for c in _stakeholder_categories()}
        intro = text_of(a / f"results/mexico-auto-2024/publish/{sub}/briefs/introduction.html")
        for q in r.data["learning_questions"]:
            page = text_of(a / f"results/mexico-auto-2024/publish/{sub}/briefs/{q['id']}.html")
            frag = (a / f"results/mexico-auto-2024/report/{sub}/fragments/briefs/{q['id']}.md").read_text(
                encoding="utf-8"
            )
            assert flat(q["question"][lang]) in page and flat(q["question"][lang]) in intro
            assert (
                f'href="{q["id"]}.html"'
                in (a / f"results/mexico-auto-2024/publish/{sub}/briefs/introduction.html").read_text()
            )
            assert q["insights"] and q["lessons"]
            for s in q["insights"] + q["lessons"]:
                assert flat(s["text"][lang]) in page, (lang, s["id"])
            # spotlights: every figure is the values.json display in this language
            for p in question_projects(r, q):
                assert flat(p["name"][lang]) in page
                for base in spotlight_indicators(r, q, p["id"], values, "monitoring", {}):
                    assert (
                        f" | {values['values'][base + '.total']['display'][lang]} |" in frag.split(p["name"][lang])[1]
                    )
            # quotations of the question's findings, attributed by stakeholder type only
            quoted = [f for f in r.data["findings"] if f["theme"] in q["themes"] and f.get("quote")]
            assert quoted
            for f in quoted:
                assert flat(f["quote"]["text"][lang]) in page
            for x in q.get("quotes", []):
                assert flat(x["text"][lang]) in page, (lang, x["id"])
            attributions = re.findall(r"^> \u2014 (.*)$", frag, flags=re.M)
            # the default evaluation's quotations are paraphrases (provenance.quotations), and say so
            assert attributions == [
                translator(lang)("{who} (paraphrased)", who=stakeholders[x["stakeholder"]])
                for x in [f["quote"] for f in quoted] + q.get("quotes", [])
            ]
            # insights with their substance, donor levers, spotlight detail and context figures
            for i in q["insights"]:
                if i.get("detail"):
                    assert flat(i["detail"][lang]) in page, (lang, i["id"])
            for d in q.get("donor_levers", []):
                assert flat(d["text"][lang]) in page, (lang, d["id"])
            for sp in q.get("spotlights", []):
                assert flat(sp["title"][lang]) in page and flat(sp["text"][lang]) in page, (lang, sp["id"])
                for vid in sp.get("values", []):
                    assert f"**{values['values'][vid]['display'][lang]}**" in frag, (lang, vid)
            for vid in q.get("context", []):
                assert f" | {values['values'][vid]['display'][lang]} |" in frag, (lang, vid)
            # the question's good practices, and no other
            for g in r.data["good_practices"]:
                mine = q["id"] in g.get("learning_questions", [])
                assert (flat(g["title"][lang]) in page) is mine, (q["id"], g["id"])
    # the brief on addressing violations carries seed 004's parts, in both languages
    av = r.by_id("learning_questions")["addressing-violations"]
    assert len(av["quotes"]) == 4 and len(av["donor_levers"]) >= 4 and all(i.get("detail") for i in av["insights"])
    assert {sp["project"] for sp in av["spotlights"]} >= {"calle", "ewcs"}
    hours = values["values"]["context.calle_diploma_hours"]["display"]
    for sub, lang in (("en", "en-US"), ("es", "es-MX")):
        frag = (a / f"results/mexico-auto-2024/report/{sub}/fragments/briefs/addressing-violations.md").read_text(
            encoding="utf-8"
        )
        assert f"**{hours[lang]}**" in frag
    intro = text_of(a / "results/mexico-auto-2024/publish/en/briefs/introduction.html")
    assert values["values"]["context.usmca_ta_usd_millions"]["display"]["en-US"] in intro
    # the Solidarity Center's workers trained, as values.json shows them, in the knowledge brief
    sc = values["values"]["monitoring.ewcs.sc_01.total"]["display"]
    en = (a / "results/mexico-auto-2024/report/en/fragments/briefs/knowledge-awareness.md").read_text(encoding="utf-8")
    es = (a / "results/mexico-auto-2024/report/es/fragments/briefs/knowledge-awareness.md").read_text(encoding="utf-8")
    assert f"| Workers trained to recognize violations | {sc['en-US']} |" in en
    assert f"| Trabajadores capacitados para reconocer violaciones | {sc['es-MX']} |" in es


def _stakeholder_categories() -> list[dict]:
    import yaml

    cb = yaml.safe_load((ROOT / "config/evaluations/mexico-auto-2024/codebooks/engagement_log.yaml").read_text())
    return next(v for v in cb["variables"] if v["name"] == "stakeholder")["categories"]
