"""An independent PDF/UA-1 audit for the accessibility gate: outloud (PyPI, pinned in pyproject.toml).

The gate's own PDF checks (:func:`evalkit.checks.pdf.check_pdf`) look for what our
renderer could get wrong. This module asks a checker we did not write: outloud tests each PDF
against the machine-checkable Matterhorn Protocol 1.1 checkpoints of PDF/UA-1 (ISO 14289-1) and the
WCAG 2.2 success criteria it can see in a PDF, plus semantic checks (empty elements, headings,
table shape, reading order).

* Every outloud error is a gate finding (``outloud:<rule>``), so the build fails on it.
* Every checkpoint or criterion that outloud marks as needing a person (``manual``), or where
  it found only warnings, becomes an item of the accessibility report's checklist: what a
  reviewer checks by eye before signing off.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import outloud
from outloud.model import Document

if "pymupdf" not in sys.modules:
    # pymupdf 2 imports pymupdf-layout when it is installed, which loads ONNX models (about half a
    # second of CPU per process) for Page.get_layout, which neither outloud nor the gate calls:
    # without it pymupdf reads the same text and draws the same pages
    sys.modules.setdefault("pymupdf.layout", None)  # type: ignore[assignment]

from evalkit.checks.findings import Finding

__all__ = ["FOR_A_PERSON", "FRAMEWORKS", "VERSION", "Audit", "audit_pdf", "for_a_person"]

#: The checker and its version, recorded in the gate report and the environment.
VERSION = f"outloud {outloud.__version__}"

#: The outloud whose check() :func:`_check` repeats step by step (pyproject.toml pins it).
CHECK_FOLLOWS = "0.2.1"

#: outloud's frameworks, as the report names them.
FRAMEWORKS: dict[str, str] = {"pdfua1": "PDF/UA-1 (Matterhorn Protocol 1.1)", "wcag22": "WCAG 2.2 A/AA"}

#: Statuses a person has to settle: no machine test ("manual"), rules that did not run
#: ("not-tested"), or only warnings.
FOR_A_PERSON = frozenset({"manual", "not-tested", "warning"})


def _where(finding: Any) -> str:
    parts = []
    if finding.page is not None:
        parts.append(f"page {finding.page}")
    for key, value in sorted((finding.location or {}).items()):
        parts.append(f"{key} {value}")
    return ", ".join(parts) or "document"


@dataclass(frozen=True)
class Audit:
    """What outloud found in one PDF.

    Attributes:
        findings: One per outloud error (and one when outloud cannot read the file).
        criteria: Every Matterhorn checkpoint and WCAG criterion with its status
            (``{"framework", "id", "name", "status", "note"}``, in the frameworks' order).
        rules: Each outloud rule's outcome (``pass``, ``fail``, ``warning``, ``info``,
            ``not-applicable``, ``not-run``), by rule id.
        read: What the ``reader`` of :func:`audit_pdf` read (None without one, or if it failed).
    """

    findings: list[Finding]
    criteria: list[dict[str, str]]
    rules: dict[str, str]
    read: Any = None


def _check(file: str, reader: Callable[[Document], Any] | None) -> tuple[Any, Any]:
    """``outloud.check(file)`` (same steps, same result), and ``reader`` given the same model of the
    PDF before it is closed, so that what it reads (the table cells) reuses the pages outloud parsed."""
    from outloud.criteria import evaluate
    from outloud.findings import Result
    from outloud.registry import features, load_catalogue, run_rules

    if outloud.__version__ != CHECK_FOLLOWS:  # pragma: no cover - pinned; another version's own check()
        return outloud.check(file), None
    t0 = time.perf_counter()
    result = Result(path=file)
    doc = None
    extra = None
    try:
        doc = Document(file)
        pages = doc.pages
        result.stats["pages"] = len(pages)
        result.stats["tagged"] = bool(doc.struct_root is not None)
        feats = features(doc)
        result.stats["features"] = {k: v for k, v in feats.items() if v}
        run_rules(doc, result, only=None, skip=None, layers=None, feats=feats)
        result.stats["elements"] = len(doc.elements)
        result.stats["fonts"] = len(doc.fonts)
        result.criteria = evaluate(result, load_catalogue())
    except Exception as exc:  # noqa: BLE001 - as outloud.check: never raises for a bad file
        result.error = f"{type(exc).__name__}: {exc}"[:300]
    if doc is not None:
        try:
            if reader is not None and not result.error:
                with contextlib.suppress(Exception):  # the reader's own call, on a fresh model, says what failed
                    extra = reader(doc)
        finally:
            doc.close()
    result.seconds = time.perf_counter() - t0
    return result, extra


def audit_pdf(path: str | Path, reader: Callable[[Document], Any] | None = None) -> Audit:
    """Check one PDF with outloud (see :class:`Audit`). ``reader``, if given, reads more from outloud's
    model of the PDF once the audit is done (its result is :attr:`Audit.read`, None if it failed)."""
    file = str(path)
    result, extra = _check(file, reader)
    findings: list[Finding] = []
    if result.error:
        findings.append(Finding(file, "outloud", "file", f"expected {VERSION} to read the PDF, found: {result.error}"))
    for run in result.runs:
        if run.status == "crashed":  # a rule that could not check is no pass
            findings.append(
                Finding(
                    file,
                    "outloud",
                    run.rule,
                    f"expected {VERSION}'s rule {run.rule} to check the PDF, found it crashed: {run.reason}",
                )
            )
    for f in result.findings:
        if f.severity != "error":
            continue
        evidence = f" (found: {f.evidence})" if f.evidence else ""
        times = f" ({f.count} times)" if f.count > 1 else ""
        findings.append(Finding(file, f"outloud:{f.rule}", _where(f), f"{f.message}{evidence}{times}"))
    criteria = []
    for key, framework in FRAMEWORKS.items():
        for row in result.criteria.get(key, []):
            note = row.get("note") or ""
            if row["status"] == "warning":
                rules = ", ".join(r["id"] for r in row["rules"] + row.get("semantic", []) if r["warnings"])
                note = f"outloud warns ({rules}); a person decides. {note}".strip()
            criteria.append(
                {"framework": framework, "id": row["id"], "name": row["name"], "status": row["status"], "note": note}
            )
    rules = {run.rule: run.outcome for run in sorted(result.runs, key=lambda r: r.rule)}
    return Audit(findings, criteria, rules, extra)


def for_a_person(criteria: list[dict[str, str]]) -> list[dict[str, str]]:
    """The checkpoints and criteria a person has to settle (see the module docstring)."""
    return [c for c in criteria if c["status"] in FOR_A_PERSON]
