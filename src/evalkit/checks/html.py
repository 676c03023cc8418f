"""The gate's HTML checks: ``<html lang>``, ``<title>``, no active content, and axe-core (WCAG 2.1 AA)
with the reflow check, in headless Chromium (:mod:`evalkit.checks.browser`)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree
from lxml import html as lxml_html

from evalkit.checks.browser import Tab, find_axe_js, open_browser
from evalkit.checks.findings import Finding, check_title, same_lang

if TYPE_CHECKING:  # pragma: no cover - typing only
    from playwright.sync_api import Browser

__all__ = ["AXE_TAGS", "RULES", "check_html"]

#: axe-core rule tags the gate enforces (WCAG 2.0 and 2.1, levels A and AA).
AXE_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: Human-readable form of :data:`AXE_TAGS`, recorded in the report.
RULES = ", ".join(AXE_TAGS)

_PAGE_TIMEOUT_MS = 60_000

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
    elif not same_lang(found_lang, lang):
        findings.append(
            Finding(file, "html-lang", "html", f"expected <html lang={lang!r}>, found lang={found_lang!r}")
        )
    titles = root.xpath("//head/title") or root.xpath("//title")
    found_title = titles[0].text_content() if titles else None
    problem = check_title(file, "html-title", "head > title", found_title, title, "<title>")
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


def _run_axe(path: Path, file: str, browser: Browser | Tab, axe_js: Path,
             tags: tuple[str, ...] = AXE_TAGS) -> tuple[list[Finding], str, dict[str, str]]:
    """Render ``path`` in ``browser`` (a new context of its own, or the page of a :class:`Tab`), run
    axe-core, return findings, axe's version and the outcome of each rule that applied (``pass``,
    ``incomplete``: needs review, or ``fail``)."""
    context = None if isinstance(browser, Tab) else browser.new_context(bypass_csp=True)
    try:
        page = browser.ready() if isinstance(browser, Tab) else context.new_page()  # type: ignore[union-attr]
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
        if context is not None:
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
    browser: Browser | Tab | None,
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

