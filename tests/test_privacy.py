"""The privacy scan finds raw identifier values in any published format, and never prints them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from evalkit.checks.privacy import Identifier, PrivacyError, raw_identifiers, run_scan, scan
from evalkit.pipeline import Context

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


def test_clean_files_pass(tmp_path):
    page = tmp_path / "report.html"
    page.write_text("<p>94 people answered.</p>", encoding="utf-8")
    assert scan([page], [NAME, PHONE]) == {"files_scanned": [str(page)], "hits": [], "passed": True,
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
