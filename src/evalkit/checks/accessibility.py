"""Accessibility gate (Section 508 / WCAG 2.1 AA) for published documents.

Every document that evalkit publishes (HTML, PDF, DOCX) passes through this
gate before release. Each ``check_*`` function returns a list of
:class:`Finding`; an empty list means the document passed. :func:`run_gate`
checks a batch of documents, writes a deterministic JSON report plus a
Markdown summary next to it, and raises :class:`AccessibilityGateError` when
anything was found.

What is checked
---------------
HTML
    ``<html lang>`` equals the expected BCP-47 tag (case-insensitive), the
    ``<title>`` is non-empty (and equal to the expected title if one is
    given), and `axe-core <https://github.com/dequelabs/axe-core>`_ finds no
    violation of the ``wcag2a, wcag2aa, wcag21a, wcag21aa`` rules when the
    page is rendered in headless Chromium. axe "incomplete" results (needs
    manual review) are not treated as violations.
PDF (PDF/UA-1 essentials, read with pikepdf)
    Tagged (``/MarkInfo /Marked true`` and a ``/StructTreeRoot``), catalog
    ``/Lang``, a title in the document info or XMP ``dc:title``,
    ``/ViewerPreferences /DisplayDocTitle true``, bookmarks (``/Outlines``
    with at least one entry), the XMP PDF/UA identifier ``pdfuaid:part = 1``
    and a non-empty ``/Alt`` on every ``/Figure`` structure element (custom
    structure types are resolved through the ``/RoleMap``), and no list inside
    a table cell. Then the independent checker of :mod:`evalkit.checks.pdfua`
    (outloud, pinned): each of its errors is a finding, and what it leaves to a
    person goes into the report's checklist.
All formats of one document
    Every table cell has the same text in the HTML, the PDF's tag tree and the
    DOCX (:mod:`evalkit.checks.tables`).
DOCX (read with zipfile + lxml)
    Default run language (``w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val``
    in ``word/styles.xml``), and ``dc:language`` in ``docProps/core.xml``
    when present; a non-empty ``dc:title``; a non-empty ``descr`` (alt text)
    on every ``wp:docPr`` in the body, headers, footers, footnotes and
    endnotes; and every table in the body has its first row marked as a
    repeating header row (``w:trPr/w:tblHeader``).

External tools
--------------
* Chromium: ``$EVALKIT_CHROMIUM`` if set, else ``/usr/bin/chromium`` (or
  ``chromium`` / ``chromium-browser`` on ``PATH``), else Playwright's own
  bundled browser.
* axe-core: ``$EVALKIT_AXE_JS`` if set, else
  ``<repo root>/node_modules/axe-core/axe.min.js`` where the repository root
  is the nearest folder at or above the current working directory holding a
  ``pyproject.toml``. Install it with ``npm ci``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
from lxml import etree
from lxml import html as lxml_html

from evalkit.checks import features, notice, pdfua, tables
from evalkit.checks.findings import TYPOGRAPHIC_QUOTES, Finding
from evalkit.checks.findings import one_line as _one_line

if TYPE_CHECKING:  # pragma: no cover - typing only
    from playwright.sync_api import Browser

__all__ = [
    "AXE_TAGS",
    "AccessibilityGateError",
    "AxeCoreNotFoundError",
    "Finding",
    "RULES",
    "check_docx",
    "check_html",
    "check_pdf",
    "find_axe_js",
    "find_chromium",
    "open_browser",
    "run_gate",
]

#: axe-core rule tags the gate enforces (WCAG 2.0 and 2.1, levels A and AA).
AXE_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: Human-readable form of :data:`AXE_TAGS`, recorded in the report.
RULES = ", ".join(AXE_TAGS)

#: Flags for headless Chromium running as root without network access.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

FORMATS: tuple[str, ...] = ("html", "pdf", "docx")

#: Deeper PDF structure trees are reported instead of walked further.
MAX_STRUCT_DEPTH = 256

_PAGE_TIMEOUT_MS = 60_000

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {
    "w": _W_NS,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
_W_VAL = f"{{{_W_NS}}}val"
_PDFUAID_PART = "{http://www.aiim.org/pdfua/ns/id/}part"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"

# Run axe in the page. Only the fields the gate reports are returned, so the
# result is small and its content deterministic.
_AXE_RUN_JS = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return {
    version: axe.version,
    passes: result.passes.map((r) => r.id),
    incomplete: result.incomplete.map((r) => r.id),
    violations: result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target, failureSummary: n.failureSummary})),
    })),
  };
}
"""


# --------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------


class AccessibilityGateError(Exception):
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


class AxeCoreNotFoundError(FileNotFoundError):
    """axe-core's ``axe.min.js`` could not be located."""


# --------------------------------------------------------------------------
# Tool discovery
# --------------------------------------------------------------------------


def find_repo_root(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the nearest folder at or above ``start`` (default: the current
    working directory) that contains ``pyproject.toml``, or None."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def find_axe_js() -> Path:
    """Locate ``axe.min.js`` (``$EVALKIT_AXE_JS``, else the repo's
    ``node_modules``); raise :class:`AxeCoreNotFoundError` if it is missing."""
    env = os.environ.get("EVALKIT_AXE_JS")
    if env:
        candidate = Path(env)
        where = f"$EVALKIT_AXE_JS={env}"
    else:
        root = find_repo_root()
        if root is None:
            raise AxeCoreNotFoundError(
                "axe-core not found: no pyproject.toml at or above "
                f"{Path.cwd()} to locate node_modules. Run `npm ci` in the "
                "repository root, or set EVALKIT_AXE_JS to axe.min.js."
            )
        candidate = root / "node_modules" / "axe-core" / "axe.min.js"
        where = str(candidate)
    if not candidate.is_file():
        raise AxeCoreNotFoundError(
            f"axe-core not found at {where}. Run `npm ci` in the repository "
            "root to install it (or set EVALKIT_AXE_JS to axe.min.js)."
        )
    return candidate


def find_chromium() -> str | None:
    """Chromium executable to drive, or None to use Playwright's own build."""
    env = os.environ.get("EVALKIT_CHROMIUM")
    if env:
        return env
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


# Playwright's sync API cannot be started twice in one thread, so a nested
# open_browser() launches its browser from the already running instance.
_ACTIVE = threading.local()


@contextlib.contextmanager
def open_browser(executable_path: str | None = None) -> Iterator[Browser]:
    """Launch headless Chromium once and yield the Playwright ``Browser``.

    Pass the yielded browser to :func:`check_html` to check many files with
    one browser::

        with open_browser() as browser:
            for page in pages:
                findings += check_html(page, "en-US", browser=browser)

    Nesting is allowed: an inner call (e.g. :func:`check_html` without a
    browser, or :func:`run_gate`, inside an outer ``open_browser`` block)
    reuses the running Playwright instance and launches its own browser.
    """
    exe = executable_path if executable_path is not None else find_chromium()
    running = getattr(_ACTIVE, "playwright", None)
    if running is not None:
        browser = running.chromium.launch(executable_path=exe, headless=True, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()
        return

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        _ACTIVE.playwright = pw
        try:
            browser = pw.chromium.launch(executable_path=exe, headless=True, args=list(CHROMIUM_ARGS))
            try:
                yield browser
            finally:
                browser.close()
        finally:
            _ACTIVE.playwright = None


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def _norm(text: str | None) -> str:
    """Collapse runs of whitespace and strip."""
    return " ".join((text or "").split())


def _same_lang(found: str | None, expected: str) -> bool:
    """BCP-47 tags compare case-insensitively."""
    return found is not None and found.strip().casefold() == expected.strip().casefold()


def _title_key(text: str | None) -> str:
    """Titles compare with whitespace folded and typographic quotes as straight ones: renderers
    turn an apostrophe into \u2019 ("smart" punctuation, e.g. in a title), which is the same title."""
    return _norm(text).translate(TYPOGRAPHIC_QUOTES)


def _check_title(
    file: str, check: str, where: str, found: str | None, expected: str | None, what: str
) -> Finding | None:
    """Shared title rule: non-empty, and equal to ``expected`` when given."""
    found_n = _norm(found)
    if not found_n:
        want = f"{what} {_norm(expected)!r}" if expected is not None else f"a non-empty {what}"
        return Finding(file, check, where, f"expected {want}, found none (missing or empty)")
    if expected is not None and _title_key(found) != _title_key(expected):
        return Finding(file, check, where, f"expected {what} {_norm(expected)!r}, found {found_n!r}")
    return None


def _summarise_failure(summary: str | None) -> str:
    """Turn axe's multi-line ``failureSummary`` into one line.

    ``"Fix any of the following:\\n  A\\n  B"`` -> ``"Fix any of the following: A; B"``.
    """
    groups: list[str] = []
    items: list[str] = []
    head = ""
    for line in (summary or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.endswith(":"):
            if head or items:
                groups.append(f"{head} {'; '.join(items)}".strip())
            head, items = line, []
        else:
            items.append(line)
    if head or items:
        groups.append(f"{head} {'; '.join(items)}".strip())
    return " ".join(groups)


def _format_target(target: Any) -> str:
    """Render an axe node target (frames joined by ``>>``, shadow roots by ``>>>``)."""
    if isinstance(target, str):
        return target
    parts = []
    for item in target or []:
        parts.append(item if isinstance(item, str) else " >>> ".join(str(x) for x in item))
    return " >> ".join(parts)


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


def _html_static_findings(path: Path, file: str, lang: str, title: str | None) -> list[Finding]:
    data = path.read_bytes()
    try:
        root = lxml_html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        return [Finding(file, "html-parse", "document", f"expected parseable HTML, found: {exc}")]
    findings: list[Finding] = []
    found_lang = root.get("lang") if root.tag == "html" else None
    if not found_lang or not found_lang.strip():
        findings.append(
            Finding(file, "html-lang", "html", f"expected <html lang={lang!r}>, found no lang attribute")
        )
    elif not _same_lang(found_lang, lang):
        findings.append(
            Finding(file, "html-lang", "html", f"expected <html lang={lang!r}>, found lang={found_lang!r}")
        )
    titles = root.xpath("//head/title") or root.xpath("//title")
    found_title = titles[0].text_content() if titles else None
    problem = _check_title(file, "html-title", "head > title", found_title, title, "<title>")
    if problem:
        findings.append(problem)
    findings += _active_content(root, file)
    return findings


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc")


def _active_content(root: Any, file: str) -> list[Finding]:
    """A published page carries no code: no <script>, no inline event handler, no javascript: (or
    vbscript:) URL, no embedded frame or object. Our documents have none, so any is injected."""
    findings = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        where = f"<{tag}> on line {el.sourceline}"
        if tag in ("script", "iframe", "object", "embed", "frame", "frameset"):
            findings.append(Finding(file, "html-active-content", where, f"expected no <{tag}> in a published page"))
        for name, value in el.attrib.items():
            low = name.lower()
            if low.startswith("on"):
                findings.append(Finding(file, "html-active-content", where,
                                        f"expected no event handler attribute, found {low}="))
            elif low in URL_ATTRIBUTES and re.match(r"\s*(javascript|vbscript):", value or "", re.I):
                findings.append(Finding(file, "html-active-content", where,
                                        f"expected no script URL, found {low}=\"{value[:40]}\""))
    return findings


REFLOW_WIDTH = 320  # CSS px: WCAG 1.4.10 Reflow


def _run_axe(path: Path, file: str, browser: Browser, axe_js: Path,
             tags: tuple[str, ...] = AXE_TAGS) -> tuple[list[Finding], str, dict[str, str]]:
    """Render ``path`` in ``browser``, run axe-core, return findings, axe's version and the outcome of
    each rule that applied (``pass``, ``incomplete``: needs review, or ``fail``)."""
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(_PAGE_TIMEOUT_MS)
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.add_script_tag(path=str(axe_js))
        # axe only descends into frames that have axe loaded too.
        for frame in page.frames:
            if frame is not page.main_frame:
                with contextlib.suppress(Exception):
                    frame.add_script_tag(path=str(axe_js))
        result = page.evaluate(_AXE_RUN_JS, list(tags))
        # Reflow (WCAG 1.4.10): at 320 CSS px wide the page must not scroll sideways
        page.set_viewport_size({"width": REFLOW_WIDTH, "height": 640})
        width = page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    finally:
        context.close()
    reflow = [Finding(file, "html-reflow", "html", f"expected no horizontal scrolling at {REFLOW_WIDTH} CSS px "
                      f"(WCAG 1.4.10), found a page {width} px wide")] if width > REFLOW_WIDTH else []
    findings = reflow + [
        Finding(
            file,
            f"axe:{violation['id']}",
            _format_target(node.get("target")),
            f"{violation['help']}. {_summarise_failure(node.get('failureSummary'))}".strip(),
        )
        for violation in result["violations"]
        for node in violation["nodes"]
    ]
    outcomes = {rule: "pass" for rule in result["passes"]}
    outcomes.update({rule: "incomplete" for rule in result["incomplete"]})
    outcomes.update({v["id"]: "fail" for v in result["violations"]})
    return findings, str(result["version"]), dict(sorted(outcomes.items()))


def _check_html(
    path: str | os.PathLike[str],
    lang: str,
    title: str | None,
    browser: Browser | None,
    axe_js: Path | None = None,
    tags: tuple[str, ...] = AXE_TAGS,
) -> tuple[list[Finding], str, dict[str, str]]:
    """:func:`check_html` that also returns the axe-core version used and each rule's outcome."""
    file = str(path)
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"HTML document not found: {file}")
    axe = axe_js or find_axe_js()
    findings = _html_static_findings(p, file, lang, title)
    if browser is None:
        with open_browser() as own:
            axe_findings, version, outcomes = _run_axe(p, file, own, axe, tags)
    else:
        axe_findings, version, outcomes = _run_axe(p, file, browser, axe, tags)
    return findings + axe_findings, version, outcomes


def check_html(
    path: str | os.PathLike[str],
    lang: str,
    title: str | None = None,
    browser: Browser | None = None,
    axe_tags: Sequence[str] = AXE_TAGS,
) -> list[Finding]:
    """Check an HTML file: ``<html lang>``, ``<title>``, and axe-core WCAG 2.1 AA (or ``axe_tags``).

    Args:
        path: The HTML file.
        lang: Expected BCP-47 language tag, e.g. ``en-US``.
        title: Expected ``<title>``; None only requires a non-empty title.
        browser: A Playwright ``Browser`` (see :func:`open_browser`) to reuse;
            when None a headless Chromium is launched for this file only.

    Returns:
        The findings; empty when the page passes.
    """
    return _check_html(path, lang, title, browser, tags=tuple(axe_tags))[0]


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def _missing_true_flag(root: Any, container: str, key: str) -> str | None:
    """None when ``root[container][key]`` is true, else what was found instead."""
    box = root.get(container)
    value = box.get(key) if isinstance(box, pikepdf.Dictionary) else None
    if _is_true(value):
        return None
    if box is None:
        return f"no {container}"
    return f"no {key}" if value is None else f"{key} {value!r}"


def _pdf_str(obj: Any) -> str | None:
    if isinstance(obj, pikepdf.String):
        return str(obj)
    return None


def _is_true(obj: Any) -> bool:
    return isinstance(obj, bool) and obj


def _role_chain(name: str, role_map: Mapping[str, str]) -> list[str]:
    """``name`` followed by what the RoleMap maps it to, transitively (cycle-safe)."""
    chain = [name]
    while chain[-1] in role_map:
        nxt = role_map[chain[-1]]
        if nxt in chain:
            break
        chain.append(nxt)
    return chain


def _struct_children(node: pikepdf.Dictionary) -> list[Any]:
    kids = node.get("/K")
    if kids is None:
        return []
    if isinstance(kids, pikepdf.Array):
        return list(kids)
    return [kids]


def _iter_struct_elements(
    tree_root: pikepdf.Dictionary,
) -> Iterator[tuple[pikepdf.Dictionary | None, str]]:
    """Yield ``(element, path)`` for every structure element, in document order.

    Indirect objects are visited once (a cyclic or shared tree cannot loop).
    When the tree is deeper than :data:`MAX_STRUCT_DEPTH` a ``(None, path)``
    marker is yielded and that branch is not descended.
    """
    seen: set[tuple[int, int]] = set()
    if tree_root.objgen != (0, 0):
        seen.add(tree_root.objgen)
    # Stack entries: (node, parent path, index in parent's /K, depth).
    stack: list[tuple[Any, str, int, int]] = []

    def push_children(node: pikepdf.Dictionary, path: str, depth: int) -> None:
        children = _struct_children(node)
        for i in range(len(children) - 1, -1, -1):
            stack.append((children[i], path, i, depth))

    push_children(tree_root, "/StructTreeRoot", 1)
    while stack:
        node, parent, index, depth = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue  # marked-content id, MCR / OBJR reference, or junk
        key = node.objgen
        if key != (0, 0):
            if key in seen:
                continue
            seen.add(key)
        path = f"{parent}/{str(node.get('/S')).lstrip('/')}[{index}]"
        if depth > MAX_STRUCT_DEPTH:
            yield None, path
            continue
        yield node, path
        push_children(node, path, depth + 1)


def _struct_location(node: pikepdf.Dictionary, path: str) -> str:
    objnum, gen = node.objgen
    return f"{path} (obj {objnum} {gen})" if objnum else path


def check_pdf(path: str | os.PathLike[str], lang: str, title: str | None = None) -> list[Finding]:
    """Check a PDF for the PDF/UA-1 essentials listed in the module docstring.

    Args:
        path: The PDF file.
        lang: Expected catalog ``/Lang`` (BCP-47, compared case-insensitively).
        title: Expected title; None only requires a non-empty one. When
            given, every title the file declares (info ``/Title``, XMP
            ``dc:title``) must equal it.

    Returns:
        The findings; empty when the PDF passes.
    """
    file = str(path)
    if not Path(path).is_file():
        raise FileNotFoundError(f"PDF document not found: {file}")
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as exc:
        return [Finding(file, "pdf-open", "file", f"expected a readable PDF, found: {exc}")]

    findings: list[Finding] = []

    def add(check: str, where: str, message: str) -> None:
        findings.append(Finding(file, check, where, message))

    with pdf:
        root = pdf.Root

        # Tagged PDF.
        found = _missing_true_flag(root, "/MarkInfo", "/Marked")
        if found:
            add("pdf-tagged", "/Root/MarkInfo", f"expected /MarkInfo << /Marked true >>, found {found}")
        tree_root = root.get("/StructTreeRoot")
        if not isinstance(tree_root, pikepdf.Dictionary):
            add("pdf-struct-tree", "/Root/StructTreeRoot", "expected a /StructTreeRoot (tag tree), found none")
            tree_root = None

        # Language.
        found_lang = _pdf_str(root.get("/Lang"))
        if not found_lang or not found_lang.strip():
            add("pdf-lang", "/Root/Lang", f"expected catalog /Lang {lang!r}, found none")
        elif not _same_lang(found_lang, lang):
            add("pdf-lang", "/Root/Lang", f"expected catalog /Lang {lang!r}, found {found_lang!r}")

        # XMP metadata (title, PDF/UA identifier).
        xmp_title: str | None = None
        ua_part: str | None = None
        if "/Metadata" in root:
            try:
                meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
                xmp_title = meta.get(_DC_TITLE)
                ua_part = meta.get(_PDFUAID_PART)
            except Exception as exc:  # noqa: BLE001 - any XMP parse problem is a finding
                add("pdf-xmp", "/Root/Metadata", f"expected well-formed XMP metadata, found: {exc}")

        # Title.
        info = pdf.trailer.get("/Info")
        info_title = _pdf_str(info.get("/Title")) if isinstance(info, pikepdf.Dictionary) else None
        declared = [(w, t) for w, t in (("/Info/Title", info_title), ("XMP dc:title", xmp_title)) if _norm(t)]
        if not declared:
            want = f"document title {_norm(title)!r}" if title is not None else "a non-empty document title"
            add("pdf-title", "/Info/Title, XMP dc:title", f"expected {want}, found none (missing or empty)")
        elif title is not None:
            for where, found_title in declared:
                problem = _check_title(file, "pdf-title", where, found_title, title, "document title")
                if problem:
                    findings.append(problem)

        # Title shown in the viewer's title bar.
        found = _missing_true_flag(root, "/ViewerPreferences", "/DisplayDocTitle")
        if found:
            add(
                "pdf-display-doc-title",
                "/Root/ViewerPreferences",
                f"expected /ViewerPreferences << /DisplayDocTitle true >>, found {found}",
            )

        # Bookmarks.
        outlines = root.get("/Outlines")
        first = outlines.get("/First") if isinstance(outlines, pikepdf.Dictionary) else None
        if not isinstance(first, pikepdf.Dictionary):
            found = "no /Outlines" if outlines is None else "an /Outlines dictionary with no entries"
            add("pdf-outlines", "/Root/Outlines", f"expected bookmarks (/Outlines with >= 1 entry), found {found}")

        # PDF/UA identification.
        if ua_part is None or str(ua_part).strip() != "1":
            found = "none" if ua_part is None else repr(ua_part)
            add("pdf-ua-id", "/Root/Metadata", f"expected XMP pdfuaid:part = 1 (PDF/UA-1), found {found}")

        # Alternative text on figures.
        if tree_root is not None:
            role_map_obj = tree_root.get("/RoleMap")
            role_map: dict[str, str] = {}
            if isinstance(role_map_obj, pikepdf.Dictionary):
                for key in role_map_obj.keys():
                    value = role_map_obj.get(key)
                    if isinstance(value, pikepdf.Name):
                        role_map[str(key)] = str(value)
            for elem, where in _iter_struct_elements(tree_root):
                if elem is None:
                    add(
                        "pdf-struct-tree",
                        where,
                        f"expected a structure tree at most {MAX_STRUCT_DEPTH} levels deep, found a deeper one "
                        "(not checked below this point)",
                    )
                    continue
                chain = _role_chain(str(elem.get("/S")), role_map)
                if "/L" in chain and re.search(r"/T[DH]\[\d+\]/", where):
                    # our sources have no lists in table cells: a list there is cell text turned into
                    # list markup (a cell starting "6. ..." read as a numbered list), split on the page
                    add("pdf-table-cell-list", _struct_location(elem, where),
                        "expected the text of a table cell, found a list (/L) inside the cell")
                    continue
                if "/Figure" not in chain:
                    continue
                alt = _pdf_str(elem.get("/Alt"))
                if not _norm(alt):
                    role = " -> ".join(chain)
                    found = "no /Alt" if alt is None else "an empty /Alt"
                    add(
                        "pdf-figure-alt",
                        _struct_location(elem, where),
                        f"expected a non-empty /Alt on figure ({role}), found {found}",
                    )
    return findings


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
_TRUE_VALUES = {"true", "1", "on"}
_IMAGE_PART_RE = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def _read_xml(zf: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        data = zf.read(name)
    except KeyError:
        return None
    return etree.fromstring(data, _XML_PARSER)


def _image_parts(names: Sequence[str]) -> list[str]:
    """``word/document.xml`` first, then headers, footers, footnotes, endnotes (sorted)."""
    parts = [n for n in names if _IMAGE_PART_RE.match(n)]
    return sorted(parts, key=lambda n: (n != "word/document.xml", n))


def _first_row(tbl: etree._Element) -> etree._Element | None:
    rows = tbl.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr | ./w:customXml/w:tr", namespaces=_NS)
    return rows[0] if rows else None


def check_docx(path: str | os.PathLike[str], lang: str, title: str | None = None) -> list[Finding]:
    """Check a DOCX: default language, title, image alt text, table header rows.

    Args:
        path: The .docx file.
        lang: Expected default language (``w:lang/@w:val`` in the styles'
            ``docDefaults``; also ``dc:language`` in core properties, if set).
        title: Expected core-properties ``dc:title``; None only requires a
            non-empty one.

    Returns:
        The findings; empty when the document passes.
    """
    file = str(path)
    if not Path(path).is_file():
        raise FileNotFoundError(f"DOCX document not found: {file}")
    findings: list[Finding] = []

    def add(check: str, where: str, message: str) -> None:
        findings.append(Finding(file, check, where, message))

    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        return [Finding(file, "docx-open", "file", f"expected a DOCX (zip) package, found: {exc}")]

    with zf:
        try:
            names = zf.namelist()
            styles = _read_xml(zf, "word/styles.xml")
            core = _read_xml(zf, "docProps/core.xml")
            document = _read_xml(zf, "word/document.xml")
            parts = {
                name: document if name == "word/document.xml" else _read_xml(zf, name)
                for name in _image_parts(names)
            }
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as exc:
            return [Finding(file, "docx-open", "file", f"expected well-formed DOCX parts, found: {exc}")]

    # Language.
    where = "word/styles.xml w:docDefaults/w:rPrDefault/w:rPr/w:lang"
    if styles is None:
        add("docx-lang", where, f"expected default language {lang!r}, found no word/styles.xml")
    else:
        vals = styles.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val", namespaces=_NS)
        found_lang = str(vals[0]) if vals else None
        if not found_lang or not found_lang.strip():
            add("docx-lang", where, f"expected default language w:val={lang!r}, found none")
        elif not _same_lang(found_lang, lang):
            add("docx-lang", where, f"expected default language w:val={lang!r}, found {found_lang!r}")

    # Title (and the core language, which must agree when it is declared).
    found_title: str | None = None
    if core is not None:
        titles = core.xpath("./dc:title", namespaces=_NS)
        found_title = titles[0].xpath("string()") if titles else None
        core_langs = [_norm(e.xpath("string()")) for e in core.xpath("./dc:language", namespaces=_NS)]
        core_lang = next((c for c in core_langs if c), None)
        if core_lang is None:
            # pandoc's styles.xml says en-US even when no language was given; dc:language is
            # only written when the document declares its language, so it must be there.
            add(
                "docx-lang",
                "docProps/core.xml dc:language",
                f"expected core-properties language {lang!r}, found none",
            )
        elif not _same_lang(core_lang, lang):
            add(
                "docx-lang",
                "docProps/core.xml dc:language",
                f"expected core-properties language {lang!r}, found {core_lang!r}",
            )
    problem = _check_title(file, "docx-title", "docProps/core.xml dc:title", found_title, title, "dc:title")
    if problem:
        findings.append(problem)

    # Images: every drawing's wp:docPr needs alt text (descr).
    if document is None:
        add("docx-open", "word/document.xml", "expected a word/document.xml part, found none")
    for part_name, part in parts.items():
        if part is None:
            continue
        for i, doc_pr in enumerate(part.iter(f"{{{_NS['wp']}}}docPr"), start=1):
            descr = doc_pr.get("descr")
            if not _norm(descr):
                found = "no descr attribute" if descr is None else "an empty descr"
                add(
                    "docx-image-alt",
                    f"{part_name} wp:docPr[{i}] (id={doc_pr.get('id')}, name={doc_pr.get('name')!r})",
                    f"expected alt text (non-empty wp:docPr/@descr) on the image, found {found}",
                )

    # Tables: the first row must be a (repeating) header row.
    if document is not None:
        for i, tbl in enumerate(document.iter(f"{{{_W_NS}}}tbl"), start=1):
            where = f"word/document.xml w:tbl[{i}] first w:tr"
            row = _first_row(tbl)
            if row is None:
                add("docx-table-header", where, "expected a header row, found a table without rows")
                continue
            headers = row.xpath("./w:trPr/w:tblHeader", namespaces=_NS)
            if not headers:
                add(
                    "docx-table-header",
                    where,
                    "expected the first row marked as header (w:trPr/w:tblHeader), found no w:tblHeader",
                )
                continue
            val = headers[0].get(_W_VAL)
            if val is not None and val.strip().lower() not in _TRUE_VALUES:
                add(
                    "docx-table-header",
                    where,
                    f"expected w:tblHeader on (absent w:val, true, 1 or on), found w:val={val!r}",
                )
    return findings


# --------------------------------------------------------------------------
# Gate
# --------------------------------------------------------------------------


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


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder + ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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
             axe_tags: tuple[str, ...] | list[str] = AXE_TAGS, chromium: str | None = None) -> dict:
    """Check every document, write the reports, fail if anything was found.

    Args:
        documents: ``{"path": str, "format": "html"|"pdf"|"docx", "lang":
            str, "title": str | None, "document": str | None}`` per
            document; entries with the same ``document`` name are formats of
            one document, whose table cells must agree; a ``notice`` must be on
            the document's first page (:mod:`evalkit.checks.notice`). One headless Chromium
            is shared by all HTML documents and only launched if there are
            any.
        axe_tags: axe-core rule tags to run (default WCAG 2.0/2.1 A and AA).
        chromium: Chromium executable (default: see :func:`find_chromium`).
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

    has_html = any(doc["format"] == "html" for doc in documents)
    axe_js = find_axe_js() if has_html else None
    axe_versions: list[str] = []
    checked: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        browser = stack.enter_context(open_browser(chromium)) if has_html else None
        for doc in documents:
            path, fmt, lang, title = str(doc["path"]), doc["format"], doc["lang"], doc.get("title")
            evidence: dict[str, Any] = {}
            if not Path(path).is_file():
                findings = [Finding(path, "file-missing", "file", f"expected a {fmt} document at {path}, found none")]
            elif fmt == "html":
                findings, version, evidence["axe"] = _check_html(path, lang, title, browser, axe_js, tuple(axe_tags))
                axe_versions.append(version)
            elif fmt == "pdf":
                findings = check_pdf(path, lang, title)
                audit = pdfua.audit_pdf(path)
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
            checked.append({"path": path, "format": fmt, "lang": lang, "findings": [asdict(f) for f in findings],
                            **evidence})

    _compare_formats(checked)
    all_findings = [Finding(**f) for doc in checked for f in doc["findings"]]
    report: dict[str, Any] = {
        "passed": not all_findings,
        "checked": checked,
        "axe_version": ", ".join(sorted(set(axe_versions))) or None,
        "rules": ", ".join(axe_tags),
        "pdf_checker": pdfua.VERSION if any(doc["format"] == "pdf" for doc in documents) else None,
    }
    _write_atomic(report_file, json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    _write_atomic(md_file, _markdown(report))
    if all_findings:
        raise AccessibilityGateError(all_findings, report_file)
    return report


def _compare_formats(checked: list[dict[str, Any]]) -> None:
    """Add to each document the table cells whose text differs from the same document's HTML
    (:mod:`evalkit.checks.tables`): the formats of one document are the entries with the same
    ``document`` name."""
    by_document: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in checked:
        if doc.get("document") and Path(doc["path"]).is_file():
            by_document.setdefault(doc["document"], {})[doc["format"]] = doc
    for formats in by_document.values():
        for finding in tables.compare_tables({fmt: doc["path"] for fmt, doc in formats.items()}):
            next(d for d in formats.values() if d["path"] == finding.file)["findings"].append(asdict(finding))


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
    _write_atomic(report_file, json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    _write_atomic(report_file.with_suffix(".md"), _markdown(report))
    if findings:
        raise AccessibilityGateError(findings, report_file)
    return report
