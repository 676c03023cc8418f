"""The apparatus of an agency publication: cover facts and front matter from evaluation.yaml, dates in
the document's language, numbered sections and lettered annexes, the PDF's contents and lists, and a
Word file with a running header, page numbers and a contents Word fills in."""

from __future__ import annotations

import copy
import dataclasses
import re
import zipfile
from pathlib import Path

import docx
import jsonschema
import pypandoc
import pytest

from evalkit.core.config import load_schema
from evalkit.core.errors import EvalkitError
from evalkit.documents.fragments import as_of
from evalkit.documents.frontmatter import (
    check_period,
    data_collection_period,
    front_matter,
    publication_meta,
    publication_note,
)
from evalkit.render.docx import finish_docx
from evalkit.render.embedded import LUA_FILTER


def test_the_data_collection_period_in_each_language():
    days = {"start": "2023-11-06", "end": "2024-02-29"}
    assert data_collection_period(days, "en-US") == "November 6, 2023 – February 29, 2024"
    assert data_collection_period(days, "es-MX") == "6 de noviembre de 2023 – 29 de febrero de 2024"
    months = {"start": "2024-04", "end": "2024-06"}
    assert data_collection_period(months, "en-US") == "April\u2009–\u2009June 2024"  # CLDR's thin spaces
    assert data_collection_period(months, "es-MX") == "abril–junio de 2024"


def test_a_month_is_written_in_words_and_a_year_as_it_is():
    assert (as_of("2024-04", "en-US"), as_of("2024-04", "es-MX"), as_of("2019", "es-MX")) == \
        ("April 2024", "abril de 2024", "2019")


def test_the_front_matter_comes_from_the_publication_block(evaluation):
    meta = {k: v for k, v in publication_meta(evaluation, "es-MX").items() if not k.startswith("abstract")}
    assert meta == {"subtitle": "Informe de evaluación · México", "author": ["DevTech Systems, Inc."],
                    "running-header": "Informe de evaluación · México",
                    "prepared-for": "Preparado para: Oficina de Asuntos Laborales Internacionales (ILAB), "
                                    "Departamento del Trabajo de los Estados Unidos",
                    # what prose cites as {{< meta publication.evaluator >}} and .funder
                    "publication": {"evaluator": "DevTech Systems, Inc.",
                                    "funder": "Oficina de Asuntos Laborales Internacionales (ILAB), "
                                              "Departamento del Trabajo de los Estados Unidos"}}
    en = front_matter(evaluation, "en-US")
    assert en.startswith("# Acknowledgment {.unnumbered}\n\nThe evaluation team thanks")
    assert "- Lead evaluators: Andrea Estrella and Tanya Hurst\n" in en
    assert "- Data collection: November 6, 2023 – February 29, 2024\n" in en
    assert "- Contract number: 1605DC-18-A-0013\n" in en
    assert "funded this evaluation under contract number 1605DC-18-A-0013. This publication does not" in en
    assert en.endswith("::: {#evalkit-contents}\n:::\n")
    es = publication_note(evaluation, "es-MX")
    assert es.startswith("# Acerca de esta evaluación {.unnumbered}") and "Dirección de la evaluación: Andrea" in es
    assert "contrato número 1605DC-18-A-0013" in es and "evalkit-contents" not in es
    bare = dataclasses.replace(evaluation, data={k: v for k, v in evaluation.data.items()
                                                 if k not in ("publication", "provenance")})
    assert (
        front_matter(bare, "en-US") == publication_note(bare, "en-US") == "" and publication_meta(bare, "en-US") == {}
    )


def test_a_period_that_misses_the_fieldwork_of_the_log_stops_the_build(evaluation):
    values = {
        "values": {
            "engagement_log.first_month": {"value": "2023-11"},
            "engagement_log.last_month": {"value": "2024-02"},
        }
    }
    check_period(evaluation, values)  # November 6, 2023 to February 29, 2024 holds the log's months
    late = dataclasses.replace(evaluation, data=copy.deepcopy(evaluation.data))
    late.data["publication"]["data_collection"] = {"start": "2023-12-01", "end": "2024-02-29"}
    with pytest.raises(
        EvalkitError,
        match=r"publication.data_collection: expected a period that holds the "
        r"activities of the engagement log 'engagement_log' \(2023-11 to 2024-02\)",
    ):
        check_period(late, values)


@pytest.mark.parametrize(
    "period", [{"start": "2024-13", "end": "2024-06"}, {"start": "2024-04-31x", "end": "2024-06"}, {"start": "2024-04"}]
)
def test_the_schema_refuses_a_period_that_is_no_month_or_day(evaluation, period):
    data = copy.deepcopy(evaluation.data)
    data["publication"]["data_collection"] = period
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, load_schema("evaluation.schema.yaml"))


SOURCE = """---
title: T
lang: en-US
number-sections: true
number-depth: 2
toc: true
crossref:
  annex-prefix: "Annex {letter}"
  lot-title: "List of tables"
---

# Front {.unnumbered}

::: {#evalkit-contents}
:::

# Results

## Section

### Finding 1.1: deep

# Annexes {.annexes}

## Recommendations

## Questions
"""


def test_sections_are_numbered_two_deep_and_annexes_lettered(tmp_path):
    src = tmp_path / "d.md"
    src.write_text(SOURCE, encoding="utf-8")
    args = ["--lua-filter", str(LUA_FILTER), "--number-sections", "--standalone"]
    html = " ".join(pypandoc.convert_file(str(src), "html5", format="markdown", extra_args=args).split())
    assert '<span class="header-section-number">1</span> Results' in html
    assert '<span class="header-section-number">1.1</span> Section' in html
    assert '<h3 class="unnumbered" id="finding-1.1-deep">Finding 1.1: deep</h3>' in html
    assert 'class="annexes unnumbered"' in html and ">Annex A: Recommendations</h2>" in html
    assert ">Annex B: Questions</h2>" in html and "evalkit-contents" not in html
    typ = pypandoc.convert_file(str(src), "typst", format="markdown", extra_args=args)
    assert "#outline(title: [Contents], depth: 3)" in typ and "#pagebreak(weak: true)" in typ
    assert "List of tables" not in typ  # no table, no list of tables
    ours = typ.index("#outline(title: [Contents]")  # after the front matter, before the first chapter
    assert typ.index("[Front]") < ours < typ.index("Results")


def test_html_and_word_list_the_tables_and_figures_with_links_to_them(tmp_path):
    src = tmp_path / "d.md"
    src.write_text(
        SOURCE.replace(
            "## Section\n", "## Section\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n: Counts by *group* {#tbl-counts}\n"
        ),
        encoding="utf-8",
    )
    html = " ".join(
        pypandoc.convert_file(
            str(src), "html5", format="markdown", extra_args=["--lua-filter", str(LUA_FILTER)]
        ).split()
    )
    assert (
        '<h1 class="unnumbered" id="list-of-tables">List of tables</h1> <ul> <li><a href="#tbl-counts">'
        "Table 1: Counts by group</a></li> </ul>" in html
    )
    assert "List of figures" not in html  # no figure, no list of figures
    assert html.index("list-of-tables") < html.index('id="results"')


def test_a_word_file_gets_a_running_header_page_numbers_and_a_contents_word_fills_in(tmp_path):
    src = tmp_path / "d.md"
    src.write_text("# A\n\nText.\n", encoding="utf-8")
    out = tmp_path / "d.docx"
    pypandoc.convert_file(str(src), "docx", format="markdown", outputfile=str(out), extra_args=["--toc"])
    finish_docx(out, "Evaluation report · Mexico & <Co>", "Page")
    document = docx.Document(str(out))
    section = document.sections[-1]
    assert [p.text for p in section.header.paragraphs] == ["Evaluation report · Mexico & <Co>"]
    assert [p.text for p in section.footer.paragraphs] == ["Page 1"]
    with zipfile.ZipFile(out) as z:
        assert '<w:updateFields w:val="true"/>' in z.read("word/settings.xml").decode()
        assert '<w:instrText xml:space="preserve"> PAGE </w:instrText>' in z.read("word/footer-evalkit.xml").decode()
        assert len({i.date_time for i in z.infolist()}) == 1  # every entry keeps pandoc's date
    first = out.read_bytes()
    finish_docx(out, "Evaluation report · Mexico & <Co>", "Page")  # finishing twice changes nothing
    assert out.read_bytes() == first


def test_both_evaluations_declare_their_publication(root: Path):
    from evalkit.model.evaluation import load_evaluation

    for ev in ("mexico-auto-2024", "sc2-mexico-2024"):
        pub = load_evaluation(root, ev, ["en-US", "es-MX"]).data["publication"]
        assert pub["evaluator"] == "DevTech Systems, Inc." and pub["contract"] == "1605DC-18-A-0013"
        assert set(pub["funding"]) == set(pub["type"]) == {"en-US", "es-MX"}


def test_the_house_style_for_word(tmp_path):
    from evalkit.render.docx import house_styles, reference_docx
    from evalkit.render.embedded import _pandoc_data

    default = _pandoc_data("reference.docx")
    with zipfile.ZipFile(reference_docx(default, tmp_path / "report.docx", True)) as z:
        report = z.read("word/styles.xml").decode()
    brief = house_styles(zipfile.ZipFile(__import__("io").BytesIO(default)).read("word/styles.xml"), False).decode()
    heading1 = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', report, re.DOTALL).group(0)
    assert "<w:pageBreakBefore/>" in heading1 and '<w:color w:val="1A4F8A"/>' in heading1
    assert '<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri" w:eastAsia="Calibri"/>' in heading1
    assert "pageBreakBefore" not in brief and brief.count('w:val="1A4F8A"') == report.count('w:val="1A4F8A"') == 6
    assert (
        reference_docx(default, tmp_path / "again.docx", True).read_bytes() == (tmp_path / "report.docx").read_bytes()
    )
    # pandoc dates its default reference document now: every entry gets the document's date instead
    with zipfile.ZipFile(reference_docx(default, tmp_path / "dated.docx", True, stamp=(2024, 8, 30, 0, 0, 0))) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 8, 30, 0, 0, 0)}


def test_the_evaluator_cannot_end_the_pdfs_author_string_and_run_code(tmp_path):
    import subprocess

    import typst

    from evalkit.render.embedded import TYPST_TEMPLATE, typst_string_text

    evaluator = 'ACME "+panic(1)+" Ltd \\ #read("/etc/passwd")\nnext line'
    src = tmp_path / "d.md"
    src.write_text("---\ntitle: T\nlang: en-US\n---\n\nText.\n", encoding="utf-8")
    typ = tmp_path / "d.typ"
    subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            str(src),
            "-t",
            "typst",
            "-s",
            "--template",
            str(TYPST_TEMPLATE),
            "--variable",
            f"pdf-author={typst_string_text(evaluator)}",
            "-o",
            str(typ),
        ],
        check=True,
    )
    pdf = typst.compile(str(typ), pdf_standards=["ua-1"], ignore_system_fonts=True)  # no panic, no file read
    import pikepdf

    with pikepdf.open(__import__("io").BytesIO(pdf)) as doc:
        assert str(doc.docinfo["/Author"]) == 'ACME "+panic(1)+" Ltd \\ #read("/etc/passwd") next line'


@pytest.mark.parametrize(
    "change,problem",
    [
        (
            {
                "funding": {"en-US": "See [the contract]({contract}).", "es-MX": "Véase {contract}."},
                "contract": "javascript:alert(1)",
            },
            "publication.funding.en-US with the contract number filled in: not allowed: a link",
        ),
        (
            {"funding": {"en-US": "Contract {contract}.", "es-MX": "Contrato {contract}."}, "contract": None},
            "publication.funding.en-US: names {contract}, but publication.contract is not given",
        ),
        (
            {"data_collection": {"start": "2024-02-30", "end": "2024-03-31"}},
            "publication.data_collection.start: expected a real day (YYYY-MM-DD) or month (YYYY-MM), found "
            "'2024-02-30'",
        ),
        (
            {"data_collection": {"start": "2024-06", "end": "2024-04"}},
            "publication.data_collection: expected the start (2024-06) no later than the end (2024-04)",
        ),
    ],
)
def test_a_publication_block_that_would_print_wrong_or_unsafe_text_is_refused(evaluation, change, problem):
    from evalkit.model.evaluation import _check_publication

    pub = copy.deepcopy(evaluation.data["publication"])
    pub.update(change)
    pub = {k: v for k, v in pub.items() if v is not None}
    found = _check_publication(pub)
    assert any(p.startswith(problem) for p in found), found
    assert _check_publication(evaluation.data["publication"]) == []


def test_word_settings_and_styles_keep_the_schema_order(tmp_path):
    from lxml import etree

    from evalkit.render.docx import _update_fields, house_styles
    from evalkit.render.embedded import _pandoc_data

    ref = zipfile.ZipFile(__import__("io").BytesIO(_pandoc_data("reference.docx")))
    names = [el.tag.split("}")[-1] for el in etree.fromstring(_update_fields(ref.read("word/settings.xml")))]
    later = [n for n in ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "rsids") if n in names]
    assert later and names.index("updateFields") < min(names.index(n) for n in later)
    styles = etree.fromstring(house_styles(ref.read("word/styles.xml"), True))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    heading = next(s for s in styles.iter(f"{w}style") if s.get(f"{w}styleId") == "Heading1")
    rpr = [el.tag.split("}")[-1] for el in heading.find(f"{w}rPr")]
    ppr = [el.tag.split("}")[-1] for el in heading.find(f"{w}pPr")]
    assert rpr[0] == "rFonts" and (("sz" not in rpr) or rpr.index("color") < rpr.index("sz"))
    assert ppr.index("keepLines") < ppr.index("pageBreakBefore") < ppr.index("outlineLvl")


NOTICE = "The records are a reconstruction that agrees with every published figure."


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_a_document_without_the_reconstruction_notice_on_its_first_page_fails_the_gate(tmp_path, fmt):
    import subprocess

    import typst

    from evalkit.checks.gate import AccessibilityGateError, run_gate
    from evalkit.checks.notice import notice_findings
    from evalkit.render.embedded import TYPST_TEMPLATE

    def make(name: str, abstract: str | None) -> Path:
        head = (
            "---\ntitle: Report\nlang: en-US\n"
            + (f'abstract: "{abstract}"\nabstract-title: About these data\n' if abstract else "")
            + "---\n\n"
        )
        src = tmp_path / f"{name}.md"
        # the notice comes late: a later page in the PDF, a later chapter in HTML and Word
        src.write_text(
            head + "# Chapter\n\nText.\n\n```{=typst}\n#pagebreak()\n```\n\n# Later\n\n" + NOTICE + "\n",
            encoding="utf-8",
        )
        out = tmp_path / f"{name}.{fmt}"
        if fmt == "pdf":
            typ = tmp_path / f"{name}.typ"
            subprocess.run(
                [
                    pypandoc.get_pandoc_path(),
                    str(src),
                    "-t",
                    "typst",
                    "-s",
                    "--template",
                    str(TYPST_TEMPLATE),
                    "-o",
                    str(typ),
                ],
                check=True,
            )
            out.write_bytes(typst.compile(str(typ), pdf_standards=["ua-1"], ignore_system_fonts=True))
        else:
            # HTML as evalkit writes it: the title is the one h1, chapters are h2
            pypandoc.convert_file(
                str(src),
                fmt,
                format="markdown",
                outputfile=str(out),
                extra_args=["--standalone", "--shift-heading-level-by=1"] if fmt == "html" else ["--standalone"],
            )
        return out

    with_notice, without = make("with", NOTICE), make("without", None)
    assert notice_findings(with_notice, fmt, NOTICE) == []
    # the notice later in the document is not on its first page
    assert [f.check for f in notice_findings(without, fmt, NOTICE)] == ["provenance-notice"]
    doc = {"path": str(without), "format": fmt, "lang": "en-US", "title": None, "notice": NOTICE}
    if fmt != "html":  # the HTML fixture is no complete page for axe; its notice check is the same function
        with pytest.raises(AccessibilityGateError, match=r"\[provenance-notice\]"):
            run_gate([doc], tmp_path / f"gate-{fmt}.json")


def test_a_reconstruction_declares_its_notice_and_the_title_block_carries_it(evaluation):
    from evalkit.documents.frontmatter import provenance_notice

    meta = publication_meta(evaluation, "en-US")
    assert meta["abstract-title"] == "About these data" and meta["abstract"].startswith("These documents rebuild")
    assert "not findings of the evaluation" in provenance_notice(evaluation, "en-US")
    assert "no son hallazgos de la evaluación" in provenance_notice(evaluation, "es-MX")
    original = dataclasses.replace(evaluation, data={**evaluation.data, "provenance": {"kind": "original"}})
    assert provenance_notice(original, "en-US") is None and "abstract" not in publication_meta(original, "en-US")
    data = copy.deepcopy(evaluation.data)
    data["provenance"] = {"kind": "reconstruction"}
    with pytest.raises(jsonschema.ValidationError, match="'notice' is a required property"):
        jsonschema.validate(data, load_schema("evaluation.schema.yaml"))
