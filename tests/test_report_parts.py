"""Parts of the full report generated from the registry and the desk-review sheet (acronyms,
evaluation questions, conclusions, lessons, context sources), shares computed from two values,
and the documents an evaluation publishes."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from evalkit.analysis.secondary import add_ratio_values, add_secondary_values, decimals
from evalkit.content.registry import Registry
from evalkit.core.errors import ConfigError, DataError
from evalkit.documents.chapters import (
    acronyms_fragment,
    conclusions_chapter,
    evaluation_questions_fragment,
    lessons_chapter,
)
from evalkit.model.context import Context
from evalkit.values.store import ValueStore

from .conftest import LANGS, ROOT
from .test_content import bi, registry


def reg(**extra) -> Registry:
    data = registry()
    data.update(extra)
    return Registry("registry.yaml", data, {"domains": []})


def test_acronyms_are_sorted_by_the_short_form_of_each_language():
    r = reg(acronyms=[{"id": "usmca", "short": {"en-US": "USMCA", "es-MX": "T-MEC"}, "long": bi("The trade agreement")},
                      {"id": "cba", "short": {"en-US": "CBA", "es-MX": "CCT"}, "long": bi("Collective agreement")},
                      {"id": "stps", "short": bi("STPS"), "long": bi("Labor ministry")}])
    en = acronyms_fragment(r, "en-US").splitlines()
    assert [line.split(" | ")[0] for line in en[2:5]] == ["| CBA", "| STPS", "| USMCA"]
    assert en[-1] == ": Acronyms used in this report {#tbl-acronyms}"
    es = acronyms_fragment(r, "es-MX").splitlines()
    assert es[0] == "| Sigla | Significado |"
    assert [line.split(" | ")[0] for line in es[2:5]] == ["| CCT", "| STPS (es)", "| T-MEC"]
    assert acronyms_fragment(reg(), "en-US") == ""


def test_evaluation_questions_name_the_thematic_categories_that_answer_them():
    md = evaluation_questions_fragment(reg(), "es-MX")
    # each question carries its number (criterion.question), by which the findings chapter cites it
    assert "| Relevance (es) | 1.1 Did it fit? (es) | 1. Awareness (es) |" in md
    assert md.rstrip().endswith("{#tbl-evaluation-questions}")


def test_theme_sections_and_key_figures():
    from evalkit.documents.chapters import findings_chapter, key_figures_fragment

    data = registry()
    data["themes"][0]["sections"] = [{"id": "adaptive", "title": bi("How ILAB adapts"), "text": bi("It adjusts."),
                                      "answers": ["eq-fit"]}]
    data["key_figures"] = [{"id": "report", "items": [{"value": "post_interview.awareness.top_box_share",
                                                      "label": bi("found it effective")}]}]
    from .test_annexes import TOSC_NAMED

    r = Registry("r", data, TOSC_NAMED)
    values = {"values": {"post_interview.awareness.top_box_share": {"value": 0.72, "kind": "share",
                                                                    "display": {"en-US": "72%", "es-MX": "72 %"}}}}
    md = findings_chapter(r, values, "es-MX", {"post_interview.awareness.top_box_share": "Sensibilización"}, {})
    assert "### How ILAB adapts (es)\n\nIt adjusts. (es) (Pregunta de evaluación 1.1.)\n" in md
    assert md.index("How ILAB adapts") < md.index("Hallazgo 1.1")   # before the category's findings
    assert key_figures_fragment(r, "report", values, "es-MX") == \
        "::: {.key-figures}\n- **72 %** found it effective (es)\n:::\n"


def test_conclusions_and_lessons_carry_the_numbers_of_their_findings():
    r = reg(
        conclusions=[{"id": "c-a", "text": bi("Awareness grew."), "findings": ["knowledge-grew", "inspectors-trained"]}]
    )
    assert conclusions_chapter(r, "en-US") == "1. Awareness grew. (Findings 1.1, 2.1.)\n"
    data = registry()
    data["learning_questions"][0]["lessons"] = [
        {"id": "l-a", "text": bi("Start early."), "findings": ["knowledge-grew"]}
    ]
    md = lessons_chapter(Registry("r", data, {"domains": []}), "es-MX")
    assert md.startswith("## What do people know? (es)\n") and "- Start early. (es) (Hallazgo 1.1.)\n" in md
    assert lessons_chapter(reg(), "en-US") == ""  # no lessons yet: nothing, not an empty heading


def test_lessons_rest_on_one_finding_several_or_none_and_may_stand_alone():
    data = registry()
    data["learning_questions"][0]["lessons"] = [
        {"id": "l-one", "text": bi("Start early."), "findings": ["knowledge-grew"]},
        {"id": "l-two", "text": bi("Train twice."), "findings": ["knowledge-grew", "inspectors-trained"]},
        {"id": "l-none", "text": bi("Listen.")},
    ]
    data["lessons"] = [{"id": "l-alone", "text": bi("Plan for turnover.")},
                       {"id": "l-rests", "text": bi("Inspect."), "findings": ["inspectors-trained"]}]
    r = Registry("r", data, {"domains": []})
    assert lessons_chapter(r, "en-US") == (
        "## What do people know?\n\n*What do people know?*\n\n"
        "- Start early. (Finding 1.1.)\n- Train twice. (Findings 1.1, 2.1.)\n- Listen.\n"
        "\n## Other lessons learned\n\n- Plan for turnover.\n- Inspect. (Finding 2.1.)\n")
    es = lessons_chapter(r, "es-MX")
    assert "- Train twice. (es) (Hallazgos 1.1, 2.1.)\n" in es and "## Otras lecciones aprendidas\n" in es
    del data["learning_questions"][0]["lessons"]
    # lessons that hang under no question, and no question with lessons: the list alone
    assert lessons_chapter(Registry("r", data, {"domains": []}), "es-MX") == \
        "- Plan for turnover. (es)\n- Inspect. (es) (Hallazgo 2.1.)\n"


def store() -> ValueStore:
    return ValueStore("test", LANGS)


def test_secondary_figures_keep_the_sources_decimals():
    s = store()
    data = pd.DataFrame(
        [
            {"figure": "unions_reporting", "value": "4.2", "unit": "percent", "as_of": "2023", "source": "CFCRL"},
            {"figure": "contracts", "value": "139000", "unit": "count", "as_of": "2022", "source": "STPS"},
            {"figure": "back_pay", "value": "5.25", "unit": "usd_millions", "as_of": "2024-04", "source": "USTR"},
        ]
    )
    add_secondary_values(s, "context", data, {"file": "sheet.csv"})
    assert s.values["context.unions_reporting"]["value"] == pytest.approx(0.042)
    assert s.values["context.unions_reporting"]["display"] == {"en-US": "4.2%", "es-MX": "4.2%"}
    assert s.values["context.contracts"]["kind"] == "count"
    assert s.values["context.back_pay"]["display"]["en-US"] == "5.25"
    assert s.values["context.back_pay"]["source"]["computation"] == "as published: USTR, 2024-04"
    assert (decimals("30529"), decimals("4.20"), decimals("18.0")) == (0, 1, 0)


def test_the_number_of_distinct_sources_of_the_context_figures():
    s = store()
    data = pd.DataFrame([{"figure": f, "value": "1", "unit": "count", "as_of": "2023", "source": src}
                         for f, src in [("a", "INEGI, ENOE"), ("b", "inegi,  enoe"), ("c", "USTR"), ("d", "")]])
    add_secondary_values(s, "context", data, {"file": "sheet.csv"})
    assert s.values["context.sources"]["value"] == 2  # one source however it is spaced or capitalised
    assert s.values["context.sources"]["kind"] == "count" and s.values["context.sources"]["display"]["es-MX"] == "2"
    assert s.values["context.sources"]["source"] == {"file": "sheet.csv", "computation": "distinct sources of the "
                                                     "figures (as written, spacing and case aside)"}


def test_ratios_are_computed_and_bad_ratios_are_named():
    s = store()
    s.add("a.part", 30529, "count", {})
    s.add("a.whole", 139000, "count", {})
    s.add("a.none", 0, "count", {})
    add_ratio_values(
        s, [{"id": "a.share", "numerator": "a.part", "denominator": "a.whole", "digits": 1}], "evaluation.yaml"
    )
    assert s.values["a.share"]["display"]["en-US"] == "22.0%"
    with pytest.raises(DataError) as exc:
        add_ratio_values(
            s,
            [
                {"id": "a.x", "numerator": "a.parts", "denominator": "a.whole"},
                {"id": "a.y", "numerator": "a.part", "denominator": "a.none"},
            ],
            "evaluation.yaml",
        )
    assert "analysis.ratios[a.x].numerator: 'a.parts' is not a value id" in str(exc.value)
    assert "analysis.ratios[a.y].denominator: 'a.none' is zero" in str(exc.value)


def test_documents_are_every_qmd_and_must_match_across_languages(tmp_path):
    ctx = Context.load(ROOT)
    assert "report" in ctx.documents()
    report = tmp_path / "report"
    for sub, docs in {"en": ["report.qmd", "briefs/one.qmd", "_partial.qmd"], "es": ["report.qmd"]}.items():
        for d in docs:
            (report / sub / d).parent.mkdir(parents=True, exist_ok=True)
            (report / sub / d).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    ctx = dataclasses.replace(
        ctx, evaluation=dataclasses.replace(ctx.evaluation, data=dict(ctx.evaluation.data, report=str(report)))
    )
    with pytest.raises(ConfigError) as exc:
        ctx.documents()
    assert "es: missing briefs/one.qmd (every language publishes the same documents)" in str(exc.value)
    (report / "es" / "briefs").mkdir()
    (report / "es" / "briefs" / "one.qmd").write_text("---\ntitle: y\n---\n", encoding="utf-8")
    assert ctx.documents() == ["briefs/one", "report"]
    (report / "es" / "extra.qmd").write_text("---\ntitle: z\n---\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="es: has extra.qmd that en/ lacks"):
        ctx.documents()


def test_a_cited_figure_without_a_readable_name_stops_the_build_naming_the_entry():
    """A figure is never shown by its value id: the registry entry that cites it is named."""
    from evalkit.documents.chapters import findings_chapter

    from .test_annexes import TOSC_NAMED

    r = Registry("report/x/content/registry.yaml", registry(), TOSC_NAMED)
    values = {
        "values": {
            "post_interview.awareness.top_box_share": {
                "value": 0.72,
                "kind": "share",
                "display": {"en-US": "72%", "es-MX": "72 %"},
            }
        }
    }
    with pytest.raises(ConfigError) as exc:
        findings_chapter(r, values, "en-US", {}, {})
    assert "report/x/content/registry.yaml" in str(exc.value)
    assert "value id 'post_interview.awareness.top_box_share' has no readable name in en-US" in str(exc.value)
    assert "findings[knowledge-grew].evidence.values" in str(exc.value)   # the finding, not only its table
    data = registry()
    data["findings"][0]["evidence"]["values"] = []
    with pytest.raises(ConfigError) as exc:
        findings_chapter(Registry("report/x/content/registry.yaml", data, TOSC_NAMED), values, "en-US", {}, {})
    assert "tables[options].rows[train]" in str(exc.value)


def test_every_kind_of_evidence_a_finding_cites_is_shown_with_the_finding():
    """Figures by readable name, harvested outcomes by who/where/when, projects by their registry
    name: nothing the integrity check accepts as evidence is silently dropped."""
    from evalkit.documents.chapters import findings_chapter

    from .test_annexes import TOSC_NAMED

    data = registry()
    data["findings"][0]["evidence"]["values"].append("documents.by_type.contract")
    data["projects"].append({"id": "calle", "name": bi("CALLE"), "implementer": bi("AIR"), "summary": bi("Law.")})
    data["findings"][0]["evidence"]["projects"] = ["map", "calle"]
    r = Registry("r", data, TOSC_NAMED)
    values = {"values": {
        "post_interview.awareness.top_box_share": {"value": 0.72, "kind": "share",
                                                   "display": {"en-US": "72%", "es-MX": "72 %"}},
        "documents.by_type.contract": {"value": 3, "kind": "count", "display": {"en-US": "3", "es-MX": "3"}}}}
    names = {"en-US": {"post_interview.awareness.top_box_share": "Awareness",
                       "documents.by_type.contract": "Documents reviewed, Contracts"},
             "es-MX": {"post_interview.awareness.top_box_share": "Sensibilización",
                       "documents.by_type.contract": "Documentos revisados, Contratos"}}
    en = findings_chapter(r, values, "en-US", names["en-US"], {})
    assert "Evidence: Awareness: 72%; Documents reviewed, Contracts: 3.\n" in en
    assert "Harvested outcome: Workers (Silao, May 2023).\n" in en
    assert "Projects: MAP and CALLE.\n" in en
    es = findings_chapter(r, values, "es-MX", names["es-MX"], {})
    assert "Evidencia: Sensibilización: 72 %; Documentos revisados, Contratos: 3.\n" in es
    assert "Resultado cosechado: Workers (es) (Silao (es), mayo de 2023).\n" in es
    assert "Proyectos: MAP (es) y CALLE (es).\n" in es
    data["findings"][0]["evidence"]["projects"] = ["map"]
    data["findings"][0]["evidence"]["values"] = ["documents.by_type.contract"]
    md = findings_chapter(Registry("r", data, TOSC_NAMED), values, "en-US",
                          names["en-US"] | {"post_interview.awareness.top_box_share": "A"}, {})
    assert "Project: MAP.\n" in md
    with pytest.raises(ConfigError, match=r"findings\[knowledge-grew\]\.evidence\.values: value id "
                                          r"'documents\.by_type\.contract' has no readable name in en-US"):
        findings_chapter(Registry("reg.yaml", data, TOSC_NAMED), values, "en-US",
                         {"post_interview.awareness.top_box_share": "A"}, {})


def test_the_values_of_the_document_review_have_readable_names():
    from evalkit.documents.data_annexes import document_value_names
    from evalkit.model.codebooks import Codebook

    cb = Codebook("documents", {"instrument": "documents", "label": bi("Log"), "id_variable": "document_id",
                                "variables": [
                                    {"name": "organization", "role": "category", "label": bi("Org"),
                                     "categories": [{"code": "SC", "key": "sc", "label": bi("Solidarity Center")}]},
                                    {"name": "doc_type", "role": "category", "label": bi("Type"),
                                     "categories": [{"code": "C", "key": "contract", "label": bi("Contracts")}]}]})
    es = document_value_names("documents", cb, "es-MX")
    assert es["documents.by_type.contract"] == "Documentos revisados, Contracts (es)"
    assert es["documents.by_organization.sc"] == "Documentos revisados, Solidarity Center (es)"
    assert es["documents.documents"] == "Documentos revisados"
    en = document_value_names("documents", cb, "en-US")
    assert en["documents.by_type.not_stated"] == "Documents reviewed, type not stated"
    assert en["documents.undated"] == "Documents reviewed without a year"
