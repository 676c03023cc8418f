"""The privacy scan finds raw identifier values in any published format, and never prints them."""

from __future__ import annotations

import zipfile

import pytest

from evalkit.checks.privacy import (
    Identifier,
    PrivacyError,
    looks_like_phone,
    name_tokens,
    person_name_variables,
    raw_identifiers,
    run_scan,
    scan,
    svg_text,
)
from evalkit.model.context import Context

from .conftest import ROOT

NAME = Identifier("post_interview", "full_name", "direct_identifier", "María Fernanda López Ruiz")
PHONE = Identifier("post_interview", "phone", "direct_identifier", "+52 55 0100 0042")


def test_raw_identifiers_come_from_every_instrument_with_removed_variables():
    ctx = Context.load(ROOT)
    ids = raw_identifiers(ctx)
    found = {(i.instrument, i.variable) for i in ids}
    assert {("post_interview", "full_name"), ("post_interview", "email"), ("post_interview", "phone"),
            ("post_interview", "comment"), ("worker", "full_name"), ("outcome_journal", "contact_name")} <= found
    assert sum(1 for i in ids if (i.instrument, i.variable) == ("post_interview", "full_name")) == 94


def test_a_name_in_html_is_found_case_and_space_insensitively(tmp_path):
    page = tmp_path / "report.html"
    page.write_text("<p>Thanks to MARÍA   Fernanda\nLópez Ruiz for her help.</p>", encoding="utf-8")
    result = scan([page], [NAME, PHONE])
    assert result["passed"] is False
    assert result["hits"] == [{"file": str(page), "instrument": "post_interview", "variable": "full_name",
                               "privacy": "direct_identifier", "match": "text"}]


def test_a_phone_written_differently_is_found(tmp_path):
    page = tmp_path / "data.csv"
    page.write_text("id,contact\n1,(55) 0100-0042\n", encoding="utf-8")
    assert [h["match"] for h in scan([page], [PHONE])["hits"]] == ["digits"]


def test_a_name_split_across_word_runs_is_found(tmp_path):
    docx = tmp_path / "report.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", '<w:document><w:p><w:r><w:t>María Fernanda </w:t></w:r>'
                                        '<w:r><w:rPr><w:b/></w:rPr><w:t>López Ruiz</w:t></w:r></w:p></w:document>')
    assert scan([docx], [NAME])["hits"][0]["variable"] == "full_name"


def test_a_name_in_a_pdf_text_layer_is_found(tmp_path):
    import typst

    src = tmp_path / "doc.typ"
    src.write_text('#set document(title: "t")\nInterview with María Fernanda López Ruiz.\n', encoding="utf-8")
    pdf = tmp_path / "doc.pdf"
    typst.compile(str(src), output=str(pdf))
    assert scan([pdf], [NAME])["hits"][0]["file"] == str(pdf)


def test_a_pdf_value_broken_across_lines_off_the_page_or_in_its_metadata_is_found(tmp_path):
    import typst

    mail = Identifier("post_interview", "email", "direct_identifier", "maria.fernanda.lopez.ruiz@example.org")
    token = Identifier("post_interview", "full_name", "name_token", "fernanda")
    cases = {
        # justified in a narrow column: the name is broken over two lines
        "lines": '#set page(width: 4cm, height: auto, margin: 0.3cm)\n#set par(justify: true)\n'
                 '#set text(hyphenate: false)\n'
                 'Entrevista con la señora María Fernanda López Ruiz, de Puebla.\n',
        # an address too long for the line runs off the page: text a reader still gets
        "off-page": "#set page(width: 3cm, height: auto, margin: 0.2cm)\nmaria.fernanda.lopez.ruiz\\@example.org\n",
        "metadata": '#set document(title: "María Fernanda López Ruiz")\nNothing here.\n',
    }
    for case, source in cases.items():
        src = tmp_path / f"{case}.typ"
        src.write_text(source, encoding="utf-8")
        pdf = tmp_path / f"{case}.pdf"
        typst.compile(str(src), output=str(pdf))
        hits = scan([pdf], [NAME, mail], tokens=[token])["hits"]
        want = {"lines": {"text", "name"}, "off-page": {"text", "name"}, "metadata": {"text", "name"}}[case]
        assert {h["match"] for h in hits} == want, case


def test_clean_files_pass(tmp_path):
    page = tmp_path / "report.html"
    page.write_text("<p>94 people answered.</p>", encoding="utf-8")
    assert scan([page], [NAME, PHONE]) == {"files_scanned": [str(page)], "hits": [], "passed": True,
                                           "name_tokens": 0,
                                           "identifier_values": {"post_interview.full_name": 1,
                                                                 "post_interview.phone": 1}}


def test_failure_names_file_and_variable_but_not_the_value(tmp_path):
    ctx = Context.load(ROOT)
    leaked = raw_identifiers(ctx)[0]
    page = tmp_path / "report.html"
    page.write_text(f"<p>{leaked.value}</p>", encoding="utf-8")
    with pytest.raises(PrivacyError) as exc:
        run_scan(ctx, [page], tmp_path / "privacy.json")
    assert f"a value of {leaked.instrument}.{leaked.variable}" in str(exc.value)
    assert leaked.value not in str(exc.value)
    failed = (tmp_path / "privacy-failed.json").read_text(encoding="utf-8")
    assert leaked.value not in failed and not (tmp_path / "privacy.json").exists()


# --- names on their own, contacts of any kind, interview content -----------------------------

TOKENS = name_tokens([NAME], {("post_interview", "full_name")})


def page_with(tmp_path, text: str, name: str = "report.html"):
    page = tmp_path / name
    page.write_text(f"<html><body><p>{text}</p></body></html>", encoding="utf-8")
    return page


@pytest.mark.parametrize("html", ['<!-- María Fernanda López Ruiz -->', '<p data-x="María Fernanda López Ruiz">x</p>',
                                  '<a href="data:text/csv,name%0AMar%C3%ADa%20Fernanda%20L%C3%B3pez%20Ruiz">csv</a>'])
def test_a_name_hidden_in_a_comment_an_attribute_or_embedded_data_is_found(tmp_path, html):
    page = tmp_path / "report.html"
    page.write_text(f"<html><body>{html}</body></html>", encoding="utf-8")
    assert [h["match"] for h in scan([page], [NAME])["hits"]] == ["text"]


def test_a_public_name_is_left_out_as_whole_words_only(tmp_path):
    leon = name_tokens([Identifier("post_interview", "full_name", "direct_identifier", "Leonardo Díaz")],
                       {("post_interview", "full_name")})
    page = page_with(tmp_path, "Nuevo León and Leonardo")
    assert [h["match"] for h in scan([page], [], tokens=leon, public_names=["León"])["hits"]] == ["name"]


def test_name_tokens_are_the_given_and_family_names_folded():
    assert [t.value for t in TOKENS] == ["fernanda", "lopez", "maria", "ruiz"]


@pytest.mark.parametrize("text", ["Comentó que LOPEZ ayudó mucho.", "Thanks to fernanda.", "Ruiz, a union leader"])
def test_a_given_or_family_name_alone_is_found_accent_and_case_insensitively(tmp_path, text):
    hits = scan([page_with(tmp_path, text)], [NAME], tokens=TOKENS)["hits"]
    assert [(h["variable"], h["match"]) for h in hits] == [("full_name", "name")]


def test_names_inside_words_and_public_place_names_pass(tmp_path):
    page = page_with(tmp_path, "Marianas and Ruizdael visited San Luis Potosí; Lopezville too.")
    luis = name_tokens([Identifier("post_interview", "full_name", "direct_identifier", "Luis Ruiz")],
                       {("post_interview", "full_name")})
    assert scan([page], [], tokens=luis, public_names=["San Luis Potosí"])["hits"] == []
    assert [h["match"] for h in scan([page], [], tokens=luis)["hits"]] == ["name"]


def test_a_name_in_an_image_description_of_a_docx_is_found(tmp_path):
    docx = tmp_path / "report.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", '<w:document><wp:docPr id="1" name="Picture" descr="Photo of María"/>'
                                        '</w:document>')
    assert [h["match"] for h in scan([docx], [], tokens=TOKENS)["hits"]] == ["name"]


@pytest.mark.parametrize("text,kind", [("Write to j.perez@example.org today", "e-mail address"),
                                       ("Call +52 55 0100 0042", "phone number"),
                                       ("Tel. (55) 0100-0042", "phone number")])
def test_any_contact_fails_unless_allowed(tmp_path, text, kind):
    page = page_with(tmp_path, text)
    hits = scan([page], [], any_contact=True)["hits"]
    assert [(h["privacy"], h["match"]) for h in hits] == [(kind, "contact")]
    allowed = ["j.perez@example.org"] if "@" in text else ["+52 55 0100 0042", "(55) 0100-0042"]
    assert scan([page], [], any_contact=True, allow_contacts=allowed)["hits"] == []


@pytest.mark.parametrize("text", ["49 28 109 70 179", "62 4.55 5.0 0.69 1", "2019 2020 2021", "16 4 18 11 29 16"])
def test_tables_of_numbers_are_not_phone_numbers(text):
    assert not looks_like_phone(text)


@pytest.mark.parametrize("text", ["+52 55 0100 0042", "(55) 0100-0042", "5512345678", "55-1234-5678"])
def test_phone_numbers_as_people_write_them(text):
    assert looks_like_phone(text)


def test_rows_of_counts_pass_the_contact_check(tmp_path):
    page = page_with(tmp_path, "<td>49 28 109 70 179</td> 62 4.55 5.0 0.69 1; 2019 2020 2021; 1605DC-18-A-0013")
    assert scan([page], [], any_contact=True)["hits"] == []


def test_the_default_evaluation_scans_names_excerpts_and_journal_text(ctx, tmp_path):
    ids = raw_identifiers(ctx)
    kinds = {(i.instrument, i.variable, i.privacy) for i in ids}
    assert {
        ("coded_segments", "excerpt", "confidential_text"),
        ("outcome_journal", "what_changed", "confidential_text"),
        ("outcome_journal", "contribution", "confidential_text"),
    } <= kinds
    assert person_name_variables(ctx) == {
        ("post_interview", "full_name"),
        ("worker", "full_name"),
        ("outcome_journal", "contact_name"),
    }
    excerpt = next(i for i in ids if i.variable == "excerpt")
    hits = scan([page_with(tmp_path, excerpt.value.upper())], [excerpt])["hits"]
    assert [h["privacy"] for h in hits] == ["confidential_text"]


def svg_page(tmp_path, svg: str):
    import base64

    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    page = tmp_path / "report.html"
    page.write_text(f'<html><body><img src="{uri}" alt="A chart"></body></html>', encoding="utf-8")
    return page


@pytest.mark.parametrize(
    "where",
    [
        "<text>María Fernanda López Ruiz</text>",
        "<!-- María Fernanda López Ruiz -->",
        "<title>María Fernanda López Ruiz</title>",
        '<g aria-label="María Fernanda López Ruiz"/>',
    ],
)
def test_a_name_in_an_embedded_svg_chart_is_found(tmp_path, where):
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><path d="M 0 0 L 1 1"/>{where}</svg>'
    assert [h["match"] for h in scan([svg_page(tmp_path, svg)], [NAME])["hits"]] == ["text"]


def test_the_coordinates_of_an_svg_chart_are_no_phone_numbers(tmp_path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><path d="M 55 1234 L 5678 90 L 312 555 1234 5678"/>'
        '<g transform="translate(55.12 345.678) scale(0.08 -0.08)"/><!-- Awareness of labor laws --></svg>'
    )
    assert scan([svg_page(tmp_path, svg)], [], any_contact=True)["hits"] == []
    leaking = svg.replace("Awareness of labor laws", "Call +52 55 0100 0042")
    assert [h["privacy"] for h in scan([svg_page(tmp_path, leaking)], [], any_contact=True)["hits"]] == ["phone number"]


def test_a_number_split_over_two_lines_of_a_chart_label_is_found(tmp_path):
    # matplotlib writes each line of a label as its own comment, among glyph references with digits
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<g id="text_1"><!-- Call 55 0100 --><use xlink:href="#DejaVuSans-18"/><use xlink:href="#DejaVuSans-31"/>'
        "<!-- 0042 &amp; Smith --></g></svg>"
    )
    text = svg_text(svg.encode())
    assert "Call 55 0100 0042 & Smith" in text and "DejaVuSans" not in text
    assert [h["privacy"] for h in scan([svg_page(tmp_path, svg)], [], any_contact=True)["hits"]] == ["phone number"]


def test_docx_table_cells_stay_apart_so_a_name_next_to_a_place_is_found_and_a_place_passes(tmp_path):
    """Word table cells are paragraphs: their texts are not joined into one word (which would hide a
    name in 'LópezPresencial' and turn 'San Luis Potosí' + 'Remote' into a stray 'luis')."""

    def cells(*texts):
        docx = tmp_path / "table.docx"
        row = "".join(
            f'<w:tc><w:tcPr /><w:p><w:pPr><w:pStyle w:val="Compact" /></w:pPr><w:r>'
            f'<w:t xml:space="preserve">{t}</w:t></w:r></w:p></w:tc>'
            for t in texts
        )
        with zipfile.ZipFile(docx, "w") as z:
            z.writestr("word/document.xml", f"<w:document><w:tbl><w:tr>{row}</w:tr></w:tbl></w:document>")
        return docx

    luis = name_tokens(
        [Identifier("post_interview", "full_name", "direct_identifier", "Luis Ruiz")], {("post_interview", "full_name")}
    )
    assert scan([cells("San Luis Potosí", "Remote")], [], tokens=luis, public_names=["San Luis Potosí"])["hits"] == []
    hits = scan([cells("María", "López", "Presencial")], [], tokens=TOKENS)["hits"]
    assert [h["match"] for h in hits] == ["name"]
