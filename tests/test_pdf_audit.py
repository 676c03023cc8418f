"""The independent PDF/UA-1 checker in the gate (outloud): its errors fail the gate, its open questions
become the report's checklist."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from evalkit.checks.gate import AccessibilityGateError, run_gate
from evalkit.checks.pdf import check_pdf
from evalkit.checks.pdfua import VERSION, audit_pdf, for_a_person

from .test_accessibility_gate import GOOD_TYP, typst_pdf


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return typst_pdf(tmp_path_factory.mktemp("audit"), "good", GOOD_TYP, ua=True)


def _first_heading_as(src: Path, dst: Path, level: str) -> Path:
    """Copy ``src`` with its first heading's tag changed (an /H1 that becomes /H3)."""
    with pikepdf.open(src) as pdf:
        root = pdf.Root.StructTreeRoot.K
        document = root if isinstance(root, pikepdf.Dictionary) else root[0]
        heading = next(k for k in document.K if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/H1")
        heading.S = pikepdf.Name(level)
        pdf.save(dst)
    return dst


def test_a_good_pdf_passes_and_leaves_a_person_the_checkpoints_no_machine_can_decide(good_pdf):
    audit = audit_pdf(good_pdf)
    findings, criteria = audit.findings, audit.criteria
    assert findings == []
    assert (
        audit.rules["HDG-002"] == "pass"
        and audit.rules["FIG-001"] == "pass"
        and audit.rules["FRM-001"] == "not-applicable"
    )
    assert {c["framework"] for c in criteria} == {"PDF/UA-1 (Matterhorn Protocol 1.1)", "WCAG 2.2 A/AA"}
    matterhorn = {c["id"]: c["status"] for c in criteria if c["framework"].startswith("PDF/UA")}
    assert len(matterhorn) == 31 and matterhorn["14"] == "pass" and matterhorn["04"] == "manual"
    person = {(c["framework"][:6], c["id"]) for c in for_a_person(criteria)}
    # colour and contrast (Matterhorn 04) and WCAG 1.4.3 contrast are for a person; headings (14) are not
    assert ("PDF/UA", "04") in person and ("WCAG 2", "1.4.3") in person and ("PDF/UA", "14") not in person
    assert all(c["note"] for c in for_a_person(criteria))


def test_the_independent_checker_finds_what_our_own_pdf_checks_miss(good_pdf, tmp_path):
    broken = _first_heading_as(good_pdf, tmp_path / "h3.pdf", "/H3")
    assert check_pdf(broken, "es-MX", "Informe trimestral") == []  # our own checks see nothing wrong
    findings = audit_pdf(broken).findings
    assert {f.check for f in findings} == {"outloud:HDG-002"}  # the first heading is not H1
    assert findings[0].file == str(broken) and "H1" in findings[0].message

    report_path = tmp_path / "a11y.json"
    doc = {"path": str(broken), "format": "pdf", "lang": "es-MX", "title": "Informe trimestral"}
    with pytest.raises(AccessibilityGateError, match=r"\[outloud:HDG-002\]"):
        run_gate([doc], report_path)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["passed"] is False and report["pdf_checker"] == VERSION == "outloud 0.2.1"


def test_the_gate_report_lists_what_a_person_checks_once_for_all_pdfs(good_pdf, tmp_path):
    second = tmp_path / "copy.pdf"
    second.write_bytes(good_pdf.read_bytes())
    docs = [
        {"path": str(p), "format": "pdf", "lang": "es-MX", "title": "Informe trimestral"} for p in (good_pdf, second)
    ]
    report = run_gate(docs, tmp_path / "a11y.json")
    assert report["passed"] is True and report["pdf_checker"] == VERSION
    assert all(len(doc["criteria"]) == 31 + 55 for doc in report["checked"])
    md = (tmp_path / "a11y.md").read_text(encoding="utf-8")
    assert "## For a person to check (PDF)" in md
    item = next(line for line in md.splitlines() if " 04 Color and contrast:" in line)
    assert item.startswith("- [ ] PDF/UA-1 (Matterhorn Protocol 1.1) 04") and item.endswith("(all PDFs)")
    assert md.count(" 04 Color and contrast:") == 1
