"""The accessibility gate over a batch of documents (:func:`run_gate`): each document's checks
(:mod:`~evalkit.checks.html`, :mod:`~evalkit.checks.pdf` with :mod:`~evalkit.checks.pdfua`,
:mod:`~evalkit.checks.docx`), the formats of one document compared, the JSON report with its
Markdown summary and checklist; and one report merged from the reports of separate runs."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evalkit.checks import features, notice, pdfua, tables
from evalkit.checks.browser import find_axe_js, find_chromium, open_browser, open_tab
from evalkit.checks.cache import ResultCache, document_key, file_identity, package_version
from evalkit.checks.docx import check_docx
from evalkit.checks.findings import Finding
from evalkit.checks.findings import one_line as _one_line
from evalkit.checks.html import AXE_TAGS, _check_html
from evalkit.checks.pdf import check_pdf
from evalkit.core.errors import EvalkitError
from evalkit.core.io import atomic_write_text, sha256_file

__all__ = ["FORMATS", "AccessibilityGateError", "check_one", "merge_reports", "run_gate"]

FORMATS: tuple[str, ...] = ("html", "pdf", "docx")


class AccessibilityGateError(EvalkitError):
    """Raised by :func:`run_gate` when at least one document has findings.

    ``str()`` gives a summary line followed by every finding, one per line.
    The findings are also available as :attr:`findings`, and the path of the
    JSON report that was written as :attr:`report_path`.
    """

    def __init__(self, findings: Sequence[Finding], report_path: str | os.PathLike[str] | None = None):
        self.findings: tuple[Finding, ...] = tuple(findings)
        self.report_path: str | None = None if report_path is None else str(report_path)
        super().__init__(self._render())

    def _render(self) -> str:
        files = {f.file for f in self.findings}
        head = (
            f"accessibility gate failed: {len(self.findings)} finding(s) "
            f"in {len(files)} document(s)"
        )
        if self.report_path:
            head += f" (report: {self.report_path})"
        return "\n".join([head, *(str(f) for f in self.findings)])

    def __str__(self) -> str:
        return self._render()


def _validate(documents: Sequence[Mapping[str, Any]]) -> None:
    for i, doc in enumerate(documents):
        if not isinstance(doc, Mapping):
            raise ValueError(f"documents[{i}] must be a dict, got {type(doc).__name__}")
        if not doc.get("path"):
            raise ValueError(f"documents[{i}] has no 'path'")
        if doc.get("format") not in FORMATS:
            raise ValueError(
                f"documents[{i}] ({doc['path']}): format must be one of {FORMATS}, got {doc.get('format')!r}"
            )
        if not isinstance(doc.get("lang"), str) or not doc["lang"].strip():
            raise ValueError(f"documents[{i}] ({doc['path']}): 'lang' must be a BCP-47 tag such as 'en-US'")
        if doc.get("notice") is not None and not isinstance(doc["notice"], str):
            raise ValueError(f"documents[{i}] ({doc['path']}): 'notice' must be a string or None")
        if doc.get("document") is not None and not isinstance(doc["document"], str):
            raise ValueError(f"documents[{i}] ({doc['path']}): 'document' must be a string or None")
        if doc.get("title") is not None and not isinstance(doc["title"], str):
            raise ValueError(f"documents[{i}] ({doc['path']}): 'title' must be a string or None")


def _md_cell(text: str) -> str:
    return _one_line(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")


def _checklist(checked: Sequence[Mapping[str, Any]]) -> list[str]:
    """What the independent PDF checker leaves to a person, one item per checkpoint with its documents."""
    items: dict[tuple[str, str, str, str], list[str]] = {}
    for doc in checked:
        for c in pdfua.for_a_person(doc.get("criteria", [])):
            items.setdefault((c["framework"], c["id"], c["name"], c["note"]), []).append(doc["path"])
    if not items:
        return []
    lines = ["", "## For a person to check (PDF)", "",
             "The independent checker cannot decide these; a reviewer checks each by eye before signing off.", ""]
    for (framework, cid, name, note), paths in items.items():
        docs = "all PDFs" if len(paths) == sum(1 for d in checked if "criteria" in d) else ", ".join(
            f"`{_md_cell(p)}`" for p in paths)
        lines.append(f"- [ ] {_md_cell(framework)} {cid} {_md_cell(name)}: {_md_cell(note)} ({docs})")
    return lines


def _markdown(report: Mapping[str, Any]) -> str:
    """Human-readable summary of a gate report."""
    checked = report["checked"]
    total = sum(len(doc["findings"]) for doc in checked)
    lines = [
        "# Accessibility gate report",
        "",
        f"**Result: {'PASSED' if report['passed'] else 'FAILED'}** — "
        f"{len(checked)} document(s) checked, {total} finding(s).",
        "",
        f"- axe-core: {report['axe_version'] or 'not run (no HTML documents)'}",
        f"- axe rule tags: {report['rules']}",
        "- PDF: tagged, /Lang, title, DisplayDocTitle, bookmarks, PDF/UA-1 id, figure /Alt, no list in a "
        "table cell",
        f"- PDF, independent checker: {report.get('pdf_checker') or 'not run (no PDF documents)'} "
        "(Matterhorn Protocol 1.1 and WCAG 2.2; every error fails the gate)",
        "- DOCX: default language, dc:title, image alt text, table header rows",
        "- All formats of a document: every table cell has the same text in HTML, the PDF tag tree and DOCX",
        "",
        "| Document | Format | Language | Findings |",
        "|---|---|---|---|",
    ]
    for doc in checked:
        n = len(doc["findings"])
        lines.append(
            f"| `{_md_cell(doc['path'])}` | {doc['format']} | {_md_cell(doc['lang'])} | "
            f"{'✅ 0' if n == 0 else f'❌ {n}'} |"
        )
    lines += _checklist(checked)
    for doc in checked:
        if not doc["findings"]:
            continue
        lines += ["", f"## `{_md_cell(doc['path'])}`", "", "| Check | Where | Message |", "|---|---|---|"]
        for f in doc["findings"]:
            lines.append(f"| `{_md_cell(f['check'])}` | `{_md_cell(f['where'])}` | {_md_cell(f['message'])} |")
    return "\n".join(lines) + "\n"


def run_gate(documents: list[dict], report_path: str | os.PathLike[str], *,
             axe_tags: tuple[str, ...] | list[str] = AXE_TAGS, chromium: str | None = None,
             cache: ResultCache | None = None) -> dict:
    """Check every document, write the reports, fail if anything was found.

    Args:
        documents: ``{"path": str, "format": "html"|"pdf"|"docx", "lang":
            str, "title": str | None, "document": str | None}`` per
            document; entries with the same ``document`` name are formats of
            one document, whose table cells must agree; a ``notice`` must be on
            the document's first page (:mod:`evalkit.checks.notice`). One headless Chromium
            and one page of it (:class:`~evalkit.checks.browser.Tab`) are shared by all HTML
            documents, and only launched if one is still to check (not in ``cache``).
        axe_tags: axe-core rule tags to run (default WCAG 2.0/2.1 A and AA).
        chromium: Chromium executable (default: see :func:`find_chromium`).
        cache: Where each document's result is kept by the hash of all it depends on
            (:mod:`evalkit.checks.cache`): a document whose key is there is not checked again,
            and the report is the same. Default: check every document.
        report_path: Where to write the JSON report. A Markdown summary is
            written next to it with the same stem and a ``.md`` suffix. Both
            are written atomically and contain no timestamps, so identical
            inputs give byte-identical reports.

    Returns:
        The report dict (``passed``, ``checked``, ``axe_version``,
        ``rules``) when every document passes.

    Raises:
        AccessibilityGateError: if any document has findings (after the
            reports have been written).
        ValueError: if ``documents`` is malformed.
        AxeCoreNotFoundError: if there is HTML to check but no axe-core.
    """
    report_file = Path(report_path)
    md_file = report_file.with_suffix(".md")
    if md_file == report_file:
        raise ValueError(f"report_path must not end in .md (the Markdown summary goes there): {report_path}")
    _validate(documents)

    tags = tuple(axe_tags)
    results = cache if cache is not None else ResultCache(None)
    checked, axe_versions, pdf_tables = _check_each(documents, tags, chromium, results)
    _compare_formats(checked, results, pdf_tables)
    results.prune()
    all_findings = [Finding(**f) for doc in checked for f in doc["findings"]]
    report: dict[str, Any] = {
        "passed": not all_findings,
        "checked": checked,
        "axe_version": ", ".join(sorted(set(axe_versions))) or None,
        "rules": ", ".join(axe_tags),
        "pdf_checker": pdfua.VERSION if any(doc["format"] == "pdf" for doc in documents) else None,
    }
    atomic_write_text(report_file, json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(md_file, _markdown(report))
    if all_findings:
        raise AccessibilityGateError(all_findings, report_file)
    return report


def check_one(doc: Mapping[str, Any], *, axe_tags: tuple[str, ...] | list[str] = AXE_TAGS,
              chromium: str | None = None, cache: ResultCache | None = None) -> list[Finding]:
    """The findings of one document's own checks (those of :func:`run_gate`, without another format to
    compare with), kept in ``cache`` the same way: an unchanged document is not checked again."""
    _validate([doc])
    results = cache if cache is not None else ResultCache(None)
    checked, _, _ = _check_each([doc], tuple(axe_tags), chromium, results)
    results.prune()
    return [Finding(**f) for f in checked[0]["findings"]]


def _check_each(documents: Sequence[Mapping[str, Any]], tags: tuple[str, ...], chromium: str | None,
                results: ResultCache) -> tuple[list[dict[str, Any]], list[str], dict[str, Any]]:
    """Each document's own checks, in order, taken from ``results`` where its key is there: the report
    entries, the axe-core versions used and each PDF's table cells read by its audit (by path)."""
    has_html = any(doc["format"] == "html" for doc in documents)
    axe_js = find_axe_js() if has_html else None
    keys = [_document_key(doc, tags, axe_js, chromium) if results.path_of and Path(doc["path"]).is_file() else None
            for doc in documents]
    known = [results.get(key) for key in keys]
    axe_versions: list[str] = []
    checked: list[dict[str, Any]] = []
    pdf_tables: dict[str, Any] = {}  # each PDF's table cells, read by its audit from the model it parsed
    with contextlib.ExitStack() as stack:
        # one browser for every HTML page still to check, started only if there is one
        to_check = any(doc["format"] == "html" and hit is None for doc, hit in zip(documents, known, strict=True))
        # the PDFs' audits (Python) run in a second process meanwhile (started before the browser)
        apart = _audit_apart(stack, documents, known) if to_check else {}
        browser = stack.enter_context(open_browser(chromium)) if to_check else None
        tab = stack.enter_context(open_tab(browser)) if browser is not None else None  # one page for all
        for i, (doc, key, hit) in enumerate(zip(documents, keys, known, strict=True)):
            if hit is None and i in apart:
                hit, read = apart[i].result()
                if read is not None:
                    pdf_tables[str(doc["path"])] = read
                results.put(key, hit)
            elif hit is None:
                hit = _check_document(doc, tab, axe_js, tags, pdf_tables)
                results.put(key, hit)
            if hit["axe_version"] is not None:
                axe_versions.append(hit["axe_version"])
            checked.append(hit["entry"])
    return checked, axe_versions, pdf_tables


def _document_key(doc: Mapping[str, Any], tags: tuple[str, ...], axe_js: Path | None, chromium: str | None) -> str:
    """What one document's result depends on besides its bytes and the check code (evalkit.checks.cache):
    what it is expected to be, and the tools that check its format."""
    fmt = doc["format"]
    tools: dict[str, Any] = {}
    if fmt == "html":
        tools = {"axe_tags": list(tags), "axe_js": sha256_file(axe_js) if axe_js else None,
                 "chromium": file_identity(chromium if chromium is not None else find_chromium()),
                 "playwright": package_version("playwright")}
    elif fmt == "pdf":
        tools = {"outloud": pdfua.VERSION, "pikepdf": package_version("pikepdf"), "pymupdf": package_version("pymupdf")}
    tools["lxml"] = package_version("lxml")
    return document_key(doc["path"], "accessibility", {k: doc.get(k) for k in ("path", "format", "lang", "title",
                                                                                "notice", "document")}, tools)


def _audit_apart(stack: contextlib.ExitStack, documents: Sequence[Mapping[str, Any]],
                 known: Sequence[Any]) -> dict[int, Future]:
    """Start the checks of the PDFs still to check in one worker process (forked, so before any
    browser thread exists), while this process checks the HTML pages in the browser: each PDF's
    result and table cells come back as :func:`_check_document` makes them here. Where processes
    cannot be forked, nothing is started and every PDF is checked in this process."""
    todo = [i for i, (doc, hit) in enumerate(zip(documents, known, strict=True))
            if hit is None and doc["format"] == "pdf" and Path(doc["path"]).is_file()]
    if not todo or "fork" not in multiprocessing.get_all_start_methods():
        return {}
    pool = stack.enter_context(ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")))
    return {i: pool.submit(_check_pdf_apart, dict(documents[i])) for i in todo}


def _check_pdf_apart(doc: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """In the worker of :func:`_audit_apart`: one PDF's result and the table cells its audit read."""
    read: dict[str, Any] = {}
    hit = _check_document(doc, None, None, (), read)
    return hit, read.get(str(doc["path"]))


def _check_document(doc: Mapping[str, Any], browser: Any, axe_js: Path | None, tags: tuple[str, ...],
                    pdf_tables: dict[str, Any] | None = None) -> dict[str, Any]:
    """One document's checks: ``{"entry": its entry in the report, "axe_version": axe-core's version or None}``.
    A PDF's table cells go to ``pdf_tables`` (by path), read from the model its audit parsed."""
    path, fmt, lang, title = str(doc["path"]), doc["format"], doc["lang"], doc.get("title")
    evidence: dict[str, Any] = {}
    version = None
    if not Path(path).is_file():
        findings = [Finding(path, "file-missing", "file", f"expected a {fmt} document at {path}, found none")]
    elif fmt == "html":
        findings, version, evidence["axe"] = _check_html(path, lang, title, browser, axe_js, tags)
    elif fmt == "pdf":
        findings = check_pdf(path, lang, title)
        audit = pdfua.audit_pdf(path, reader=tables.document_tables if pdf_tables is not None else None)
        if audit.read is not None and pdf_tables is not None:
            pdf_tables[path] = audit.read
        findings += audit.findings
        evidence.update(criteria=audit.criteria, outloud=audit.rules)
    else:
        findings = check_docx(path, lang, title)
    if Path(path).is_file():
        evidence["features"] = features.document_features(path, fmt, evidence.get("outloud"))
        if doc.get("notice"):
            findings += notice.notice_findings(path, fmt, doc["notice"])
    if doc.get("document"):
        evidence["document"] = doc["document"]
    entry = {"path": path, "format": fmt, "lang": lang, "findings": [asdict(f) for f in findings], **evidence}
    # as JSON, so that a result read from the cache and one just made are the same
    return json.loads(json.dumps({"entry": entry, "axe_version": version}))


def _compare_formats(checked: list[dict[str, Any]], results: ResultCache, pdf_tables: Mapping[str, Any]) -> None:
    """Add to each document the table cells whose text differs from the same document's HTML
    (:mod:`evalkit.checks.tables`): the formats of one document are the entries with the same
    ``document`` name. The findings of a document whose formats are all unchanged come from
    ``results``; a PDF's tables already read (``pdf_tables``, by path) are not read again."""
    by_document: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in checked:
        if doc.get("document") and Path(doc["path"]).is_file():
            by_document.setdefault(doc["document"], {})[doc["format"]] = doc
    for formats in by_document.values():
        paths = {fmt: doc["path"] for fmt, doc in sorted(formats.items())}
        key = None
        if results.path_of is not None:
            first, *others = paths.values()
            key = document_key(first, "tables", paths, [sha256_file(p) for p in others], pdfua.VERSION,
                               package_version("lxml"))
        found = results.get(key)
        if found is None:
            known = {"pdf": pdf_tables[paths["pdf"]]} if paths.get("pdf") in pdf_tables else None
            found = [asdict(f) for f in tables.compare_tables(paths, known)]
            results.put(key, found)
        for finding in found:
            next(d for d in formats.values() if d["path"] == finding["file"])["findings"].append(finding)


def merge_reports(parts: Sequence[Mapping[str, Any]], report_path: str | os.PathLike[str]) -> dict[str, Any]:
    """One gate report (JSON and its Markdown summary) from the reports of separate gate runs, in order.

    Raises AccessibilityGateError when a part has findings (a part that failed stops its own rule,
    so this only happens when reports are merged by hand)."""
    checked = [doc for part in parts for doc in part["checked"]]
    versions = sorted({v.strip() for part in parts if part.get("axe_version") for v in part["axe_version"].split(",")})
    rules = sorted({part["rules"] for part in parts})
    findings = [Finding(**f) for doc in checked for f in doc["findings"]]
    checkers = sorted({part["pdf_checker"] for part in parts if part.get("pdf_checker")})
    report: dict[str, Any] = {"passed": not findings, "checked": checked,
                              "axe_version": ", ".join(versions) or None, "rules": ", ".join(rules),
                              "pdf_checker": ", ".join(checkers) or None}
    report_file = Path(report_path)
    atomic_write_text(report_file, json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(report_file.with_suffix(".md"), _markdown(report))
    if findings:
        raise AccessibilityGateError(findings, report_file)
    return report
