"""Every analysis, run as the build runs it, into values.json: published figures, consistency,
provenance, small cells, and the triangulation-only survey kept out of documents."""

from __future__ import annotations

import json

import pytest

from evalkit.documents.fragments import report_metadata
from evalkit.families import analysis_tables
from evalkit.steps.analysis import compute_values


@pytest.fixture(scope="module")
def built(ctx, cleaned_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("analysis")
    compute_values(ctx, cleaned_files, out / "values.json", out / "tables")
    return ctx, json.loads((out / "values.json").read_text()), out


def d(doc, vid, lang="en-US"):
    return doc["values"][vid]["display"][lang]


def test_every_results_table_is_written(built):
    ctx, _, out = built
    for iid, names in analysis_tables(ctx.evaluation.instruments).items():
        for name in names:
            assert (out / "tables" / f"{iid}-{name}.csv").stat().st_size > 0


def test_data_collection_tables_agree_with_each_other(built):
    _, doc, _ = built
    v = {k: x["value"] for k, x in doc["values"].items()}
    keys = ["academia_cso", "business", "grantee", "host_government", "unions", "us_canada", "workers"]
    assert (
        sum(v[f"engagement_log.by_stakeholder.{k}.participants"] for k in keys)
        == v["engagement_log.participants"]
        == 179
    )
    assert sum(v[f"engagement_log.by_stakeholder.{k}.kii"] for k in keys) == v["engagement_log.kii"] == 49
    assert v["engagement_log.in_person.participants"] + v["engagement_log.remote.participants"] == 179
    assert (v["engagement_log.in_person.fgd"], v["engagement_log.in_person.fgd_participants"]) == (24, 94)
    assert (v["engagement_log.in_person.kii"], v["engagement_log.in_person.kii_participants"]) == (19, 22)
    # 43 of 77 activities is 56 % (the published report says 52 %); 116 of 179 participants 65 %
    assert d(doc, "engagement_log.in_person.activity_share") == "56%"
    assert d(doc, "engagement_log.in_person.participant_share") == "65%"
    assert d(doc, "post_interview.response_rate") == "53%"  # 94 / 179 = 52.5 %, rounded half up
    assert "engagement_log" in doc["values"]["post_interview.response_rate"]["source"]["instrument"]


def test_workshop_priorities_give_the_published_order(built):
    _, doc, _ = built
    means = [doc["values"][f"workshop_forms.rec_{i}.mean"]["value"] for i in range(1, 10)]
    assert means == sorted(means, reverse=True)
    assert [doc["values"][f"workshop_forms.rec_{i}.rank"]["value"] for i in range(1, 10)] == list(range(1, 10))
    assert doc["values"]["workshop_forms.participants"]["value"] == 62


def test_convergence_flags_findings_with_too_few_stakeholder_types(built):
    _, doc, _ = built
    assert doc["values"]["coded_segments.flagged"]["value"] == 2
    assert doc["values"]["coded_segments.by_code.inclusion_data_gaps.stakeholder_types"]["value"] < 3


def test_monitoring_figures(built):
    _, doc, _ = built
    expected = {
        "monitoring.map.map_01.total": "4,494",
        "monitoring.map.indicators": "13",
        "monitoring.map.disaggregated.ethnicity": "7",
        "monitoring.ewcs.sc_01.total": "2,846",
        "monitoring.ewcs.sc_02.total": "1,928",
        "monitoring.ewcs.sc_03.total": "186,015",
        "monitoring.ewcs.sc_04.total": "280,079",
        "monitoring.aggregate.lr_cap.total": "3,221",
        "monitoring.aggregate.lr_beh.total": "199",
        "monitoring.auto_employers.ae_01.total": "120",
        "monitoring.auto_employers.ae_03.total": "752",
        "monitoring.auto_employers.ae_04.total": "1,726",
        "monitoring.auto_employers.ae_05.total": "70%",
        "monitoring.calle.calle_01.total": "675",
        "monitoring.calle.calle_01.women": "294",
        "monitoring.calle.calle_03.total": "89",
        "monitoring.calle.calle_04.total": "170",
    }
    assert {k: d(doc, k) for k in expected} == expected


def test_every_value_has_provenance(built):
    _, doc, _ = built
    for vid, v in doc["values"].items():
        assert v["source"].get("file") and v["source"].get("computation"), vid


def test_breakdown_cells_cannot_be_recovered_from_totals(built):
    _, doc, _ = built
    groups: dict = {}
    for vid, v in doc["values"].items():
        if ".by_" in vid and vid.endswith(".top_box_share"):
            groups.setdefault(vid.rsplit(".", 2)[0], []).append(bool(v.get("suppressed")))
    assert groups
    for g, hidden in groups.items():
        assert sum(hidden) != 1, f"{g}: exactly one category hidden, recoverable from the item's totals"
    shown = [g for g, h in groups.items() if not all(h)]
    assert any(g.endswith("by_gender") for g in shown)


def test_triangulation_only_survey_is_analysed_but_never_in_documents(built):
    ctx, doc, _ = built
    assert doc["values"]["worker.respondents"]["value"] == 19
    for lang in ("en-US", "es-MX"):
        meta = report_metadata(doc, ctx.evaluation, lang)
        assert "worker" not in meta["values"] and "post_interview" in meta["values"]


def test_counts_the_published_dataset_gives_are_shown_and_other_small_cells_show_the_word(built):
    import copy

    ctx, doc, _ = built
    meta = report_metadata(doc, ctx.evaluation, "es-MX")
    # The post-interview microdata are published: anyone can count its 3 'Low' answers there, so
    # documents show them (README, "Disclosure policy").
    assert meta["values"]["post_interview"]["mechanisms"]["levels"]["low"]["n"] == "3"
    assert doc["values"]["post_interview.mechanisms.levels.low.n"]["source"]["published_microdata"] is True
    assert meta["values"]["post_interview"]["mechanisms"]["top_box_share"] == "85%"
    assert not any(v.get("suppressed") for k, v in doc["values"].items() if k.startswith("post_interview."))
    # The worker survey publishes no microdata: its small cells stay hidden...
    assert doc["values"]["worker.cba_knowledge.levels.low.n"]["suppressed"] is True
    # ...and a hidden cell reaches documents as the word, never as its number
    hidden = copy.deepcopy(doc)
    hidden["values"]["post_interview.mechanisms.levels.low.n"]["suppressed"] = True
    meta = report_metadata(hidden, ctx.evaluation, "es-MX")
    assert meta["values"]["post_interview"]["mechanisms"]["levels"]["low"]["n"] == "suprimido"


def test_the_default_registry_passes_every_integrity_check_against_the_build(built, cleaned_files):
    from evalkit.steps.content import load_content

    ctx, doc, _ = built
    clean = cleaned_files
    reg = load_content(ctx, doc, clean)
    assert len(reg.data["findings"]) == 27 and len(reg.data["recommendations"]) == 10
    assert len(reg.data["themes"]) == 7 and len(reg.data["good_practices"]) == 15
    assert len(reg.data["outcomes"]) == 16 and len(reg.data["learning_questions"]) == 4
    assert 35 <= sum(1 for _ in reg.leverage_points()) <= 45
    # recommendations 1-9 are in the order of priority the workshops gave them
    ranks = [
        doc["values"][f"workshop_forms.{r['priority']}.rank"]["value"]
        for r in reg.data["recommendations"]
        if r["priority"] != "evaluation_team"
    ]
    assert ranks == list(range(1, 10))
    assert reg.data["recommendations"][-1]["priority"] == "evaluation_team"


def test_chapters_from_the_registry_use_generated_numbers_and_computed_values(built, cleaned_files):
    from evalkit.documents.chapters import findings_chapter, recommendations_chapter
    from evalkit.steps.content import load_content
    from evalkit.steps.report import value_names

    ctx, doc, _ = built
    clean = cleaned_files
    reg = load_content(ctx, doc, clean)
    stakeholders = {
        c["key"]: c["label"]["es-MX"]
        for c in ctx.evaluation.codebooks["engagement_log"].variable("stakeholder")["categories"]
    }
    es = findings_chapter(reg, doc, "es-MX", value_names(ctx, "es-MX"), stakeholders)
    numbers = reg.finding_numbers()
    for f in reg.data["findings"]:
        assert f"### Hallazgo {numbers[f['id']]}: {f['title']['es-MX']}" in es
    # evidence comes from values.json, in the document's language; small cells stay hidden
    assert (
        "Encuesta posterior a la entrevista, Conocimiento de leyes y derechos laborales (Superior a moderada o "
        "Alta): 72%"
        in es
    )
    assert "> — Sindicatos" in es  # quotations attributed by stakeholder type only
    en = recommendations_chapter(reg, doc, "en-US", "workshop_forms")
    assert "## Recommendation 1: " in en and "Mean priority given by the validation workshops: 4.55." in en
    assert "Added by the evaluation team after the validation workshops." in en


def test_context_figures_from_the_desk_review_sheet(built):
    """Published context figures (report section 2): counts, shares with the source's decimals, and
    the computed share of legitimized contracts (30,529 of 139,000: about 22 percent)."""
    _, doc, _ = built
    assert d(doc, "context.cbas_2019") == "550,000" and d(doc, "context.cbas_legitimized") == "30,529"
    assert d(doc, "context.cbas_2019_protection_share") == "85%"
    assert d(doc, "context.unions_financial_reports_share") == "4.2%"
    assert d(doc, "context.unions_financial_reports_share", "es-MX") == "4.2%"
    assert d(doc, "context.rrm_requests") == "22" and d(doc, "context.rrm_workers") == "30,000"
    assert d(doc, "context.rrm_back_pay_usd_millions") == "5" and d(doc, "context.auto_gdp_share") == "3.6%"
    assert (d(doc, "context.goodyear_cba_rejected"), d(doc, "context.goodyear_cba_approved")) == ("727", "140")
    share = doc["values"]["context.cbas_legitimized_share"]
    assert share["value"] == pytest.approx(30529 / 139000) and share["display"]["en-US"] == "22%"
    assert share["source"]["computation"] == "context.cbas_legitimized / context.cbas_after_revision"


def test_cases_and_the_independent_unionism_table_in_the_findings_chapter(built, cleaned_files):
    """Each case is a titled call-out right after the first finding it supports, with its figures
    from values.json, when and where in words, the findings it supports and its sources (segments by
    stakeholder type, journal entries by id); the independent-unionism table follows its finding with
    the share of unions that report their finances from the desk review, in both languages."""
    from evalkit.documents.chapters import findings_chapter
    from evalkit.steps.content import content_references, load_content
    from evalkit.steps.report import value_names

    ctx, doc, _ = built
    reg = load_content(ctx, doc, cleaned_files)
    assert [c["id"] for c in reg.data["cases"]] == [
        "case-vu-manufacturas",
        "case-gm-silao-sinttia",
        "case-goodyear-tire-plant",
        "case-saint-gobain-cuautla",
        "case-auto-employers-firms",
    ]
    segments = content_references(ctx, doc, cleaned_files).segments
    fnum = reg.finding_numbers()
    out = {}
    for lang in ("en-US", "es-MX"):
        types = {
            c["key"]: c["label"][lang]
            for c in ctx.evaluation.codebooks["engagement_log"].variable("stakeholder")["categories"]
        }
        seg_types = {s: types[v["stakeholder"]] for s, v in segments.items()}
        out[lang] = findings_chapter(reg, doc, lang, value_names(ctx, lang), types, seg_types)
    en, es = out["en-US"], out["es-MX"]
    for text, word in ((en, "Case"), (es, "Caso")):
        for c in reg.data["cases"]:
            lang = "en-US" if text is en else "es-MX"
            box = f"::: {{.case-box}}\n#### {word}: {c['title'][lang]} {{#{c['id']}}}\n"
            assert text.count(box) == 1
            # right after the first finding it supports (in report order), before the next finding
            first_id = min(c["findings"], key=list(fnum).index)
            first = text.index(f"### {'Finding' if word == 'Case' else 'Hallazgo'} {fnum[first_id]}: ")
            assert first < text.index(box) and "\n### " not in text[first + 4 : text.index(box)]
    # the cases are spread over the findings they illustrate
    assert {c["id"]: min(c["findings"], key=list(fnum).index) for c in reg.data["cases"]} == {
        "case-vu-manufacturas": "rapid-response-effective-but-narrow",
        "case-gm-silao-sinttia": "gender-equity-in-unions",
        "case-goodyear-tire-plant": "independent-unions-emerging",
        "case-saint-gobain-cuautla": "union-organizing-and-representation",
        "case-auto-employers-firms": "business-understanding-of-reform",
    }
    goodyear = en[en.index("{#case-goodyear-tire-plant}") :]
    goodyear = goodyear[: goodyear.index("\n:::\n")]
    assert (
        "Figures: Goodyear San Luis Potosí: votes against the existing agreement: 727; Goodyear San Luis Potosí: "
        "votes for the existing agreement: 140;"
    ) in goodyear
    assert "When: from April 2023 to August 2023. Where: San Luis Potosí." in goodyear
    assert (
        f"Supports findings {fnum['independent-unions-emerging']}, {fnum['union-organizing-and-representation']}, "
        f"and {fnum['transparency-of-company-information']}."
    ) in goodyear
    assert (
        "Sources: interviews and focus groups with Academia, CSOs, media outlets and other organizations and "
        "Grantee and implementing partners; outcome journal entries OJ-03 and OJ-05." in goodyear
    )
    assert "Cuándo: de abril de 2023 a agosto de 2023. Dónde: San Luis Potosí." in es
    assert "Cuándo: octubre de 2022. Dónde: Cuautla, Morelos." in es
    assert "Aumento en salario y prestaciones logrado en la primera negociación en Saint-Gobain Cuautla: 11%" in es
    assert (
        "Participating businesses that legitimized their CBA: 70%; Automotive businesses estimated to have "
        "legitimized their CBA (whole sector): 47%"
    ) in en
    assert (
        "Smallest pay rise reported at participating businesses: 8.8%; Largest pay rise reported at "
        "participating businesses: 26%" in en
    )
    assert (
        f"Respalda los hallazgos {fnum['business-understanding-of-reform']} y {fnum['enterprise-size-capacity-gap']}. "
        "Fuentes: entrevistas y grupos focales con Asociaciones empresariales y Gobierno del país anfitrión; "
        "entradas del diario de resultados OJ-15 y OJ-10."
    ) in es
    assert "entrada del diario de resultados OJ-01." in es
    # the table follows its finding, captioned, with the figure from the desk review
    for text, caption, share in (
        (
            en,
            "Independent unionism: opportunities",
            "(Share of unions that publish their semi-annual financial reports: 4.2%)",
        ),
        (
            es,
            "Sindicalismo independiente: oportunidades",
            "(Proporción de sindicatos que publican sus informes financieros semestrales: 4.2%)",
        ),
    ):
        at = text.index("{#tbl-independent-unionism}")
        assert text[:at].rsplit("\n: ", 1)[1].startswith(caption)
        header = text[:at].rsplit("\n\n", 2)[-2].splitlines()[0]
        assert header.count(" | ") == 2
        assert share in text[:at]
        head = "Finding" if text is en else "Hallazgo"
        start = text.index(f"### {head} {fnum['independent-unions-emerging']}: ")
        assert start < at < text.index(f"### {head} {fnum['union-organizing-and-representation']}: ")
