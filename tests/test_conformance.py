"""The Section 508 conformance report: every checklist item answered per document, from the gate's
report (its findings, each axe-core and outloud rule's outcome, what the document contains)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evalkit.checks import docx as docx_checks
from evalkit.checks import gate as gate_checks_module
from evalkit.checks import html as html_checks
from evalkit.checks import pdf as pdf_checks
from evalkit.checks import tables
from evalkit.checks.browser import find_axe_js, open_browser
from evalkit.checks.conformance import checklists, conformance, write_conformance
from evalkit.checks.features import FEATURES
from evalkit.checks.gate import run_gate
from evalkit.checks.html import check_html

from .test_accessibility_gate import (
    GOOD_TYP,
    good_batch,
    html_page,
    pandoc_docx,
    typst_pdf,
    write,
)
from .test_pdf_audit import _first_heading_as


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docs")
    return {"html": write(folder / "good.html", html_page()), "pdf": typst_pdf(folder, "good", GOOD_TYP, ua=True),
            "docx": pandoc_docx(folder, "good")}


def gate_checks() -> set[str]:
    """Every check id the gate itself can report (read from its source)."""
    source = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in (html_checks, pdf_checks, docx_checks,
                                                                      gate_checks_module, tables))
    return set(re.findall(r'"((?:html|pdf|docx|table)-[a-z-]+)"', source))


def test_every_rule_the_checklists_name_exists():
    from outloud.registry import load_catalogue

    with open_browser() as browser:
        page = browser.new_page()
        page.add_script_tag(path=str(find_axe_js()))
        axe_rules = set(page.evaluate("() => axe.getRules().map((r) => r.ruleId)"))
    outloud_rules = set(load_catalogue())
    ours = gate_checks()
    ids = [item["id"] for items in checklists().values() for item in items]
    assert len(ids) == len(set(ids)) == 56
    for fmt, items in checklists().items():
        for item in items:
            assert item["requirement"].endswith(".") and item["id"].startswith(fmt.upper())
            assert set(item.get("axe", [])) <= axe_rules, item["id"]
            assert set(item.get("outloud", [])) - {"*"} <= outloud_rules, item["id"]
            assert set(item.get("checks", [])) <= ours, item["id"]
            assert {item.get("applies"), *item.get("fails_if", [])} - {None} <= set(FEATURES), item["id"]
            # an item is decided by something, or says what a person looks at
            assert (
                item.get("person")
                or item.get("checks")
                or item.get("axe")
                or item.get("outloud")
                or item.get("fails_if")
            )


def doc(fmt: str, findings=(), **evidence) -> dict:
    return {
        "path": f"out/en/report.{fmt}",
        "format": fmt,
        "lang": "en-US",
        "findings": [
            {"file": f"out/en/report.{fmt}", "check": c, "where": "here", "message": "wrong"} for c in findings
        ],
        **evidence,
    }


def answers(*docs: dict) -> dict:
    report = conformance({"checked": list(docs), "axe_version": "4.14.1", "rules": "wcag2a", "pdf_checker": None})
    return {(item["id"], name): r["status"] for item in report["items"] for name, r in item["results"].items()}


def test_a_finding_fails_its_item_and_an_undecided_rule_goes_to_a_person():
    features = dict.fromkeys(FEATURES, 0) | {"images": 2, "tables": 1}
    html = doc(
        "html", axe={"image-alt": "pass", "color-contrast": "incomplete", "html-has-lang": "pass"}, features=features
    )
    got = answers(html)
    assert got[("HTML-1", "report")] == "pass"  # axe image-alt passed
    assert got[("HTML-5", "report")] == "person"  # axe could not decide contrast
    assert got[("HTML-3", "report")] == "n/a"  # no audio or video
    assert got[("HTML-2", "report")] == "person"  # what alt text says is for a person
    assert got[("HTML-16", "report")] == "pass"  # reflow: the gate's check found nothing
    broken = doc("html", findings=["axe:image-alt", "html-reflow"], axe={"image-alt": "fail"}, features=features)
    got = answers(broken)
    assert got[("HTML-1", "report")] == got[("HTML-16", "report")] == "fail"
    docx = doc("docx", features=features | {"revisions": 3})
    assert answers(docx)[("DOCX-13", "report")] == "fail"  # tracked changes left in the file


def test_the_report_of_a_real_gate_run_and_its_page_passes_the_gate(docs, tmp_path):
    broken = _first_heading_as(docs["pdf"], tmp_path / "broken.pdf", "/H3")
    batch = [*good_batch(docs), {"path": str(broken), "format": "pdf", "lang": "es-MX", "title": "Informe trimestral"}]
    with pytest.raises(gate_checks_module.AccessibilityGateError):
        run_gate(batch, tmp_path / "gate.json")
    gate = json.loads((tmp_path / "gate.json").read_text(encoding="utf-8"))
    report = write_conformance(gate, tmp_path / "508.json", tmp_path / "508.html")
    assert report["passed"] is False
    names = {d["path"]: d["name"] for d in report["documents"]}
    good, bad = names[str(docs["pdf"])], names[str(broken)]
    status = {(i["id"], n): r["status"] for i in report["items"] for n, r in i["results"].items()}
    assert status[("PDF-19", good)] == "pass" and status[("PDF-19", bad)] == "fail"  # heading order
    assert status[("PDF-4", bad)] == "fail" and status[("PDF-16", good)] == "pass"  # checker error; figure alt
    matterhorn = {m["id"]: m["results"] for m in report["matterhorn"]}
    assert matterhorn["14"][good]["status"] == "pass" and matterhorn["14"][bad]["status"] == "fail"
    assert json.loads((tmp_path / "508.json").read_text(encoding="utf-8")) == report
    page = (tmp_path / "508.html").read_text(encoding="utf-8")
    assert "<h2>Failures</h2>" in page and "outloud:HDG-002" in page
    with open_browser() as browser:
        assert (
            check_html(
                tmp_path / "508.html",
                "en-US",
                "Section 508 conformance report",
                browser,
                axe_tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"),
            )
            == []
        )


def test_a_finding_fails_its_item_even_where_the_feature_count_says_it_does_not_apply():
    features = dict.fromkeys(FEATURES, 0)  # no image counted, yet the gate found one without alt text
    docx_doc = doc("docx", findings=["docx-image-alt"], features=features)
    assert answers(docx_doc)[("DOCX-4", "report")] == "fail"


def test_a_pdf_the_checker_could_not_read_fails_and_one_it_ran_no_rule_on_is_for_a_person():
    features = dict.fromkeys(FEATURES, 0)
    unread = doc("pdf", findings=["outloud"], outloud={}, features=features)
    assert answers(unread)[("PDF-4", "report")] == "fail"
    nothing = doc("pdf", outloud={"DOC-001": "not-run"}, features=features)
    assert answers(nothing)[("PDF-4", "report")] == "person"
    ran = doc("pdf", outloud={"DOC-001": "pass"}, features=features)
    assert answers(ran)[("PDF-4", "report")] == "pass"
