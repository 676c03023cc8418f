"""A reconstruction says so first: the notice of evaluation.yaml's `provenance` must be on the first
page of every published document (the PDF's first page, the HTML before its first section heading,
the Word file before its first chapter heading). The gate fails a document without it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from evalkit.checks.findings import TYPOGRAPHIC_QUOTES, Finding, read_text

__all__ = ["first_page_text", "notice_findings"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
def _norm(text: str) -> str:
    # soft hyphens dropped: the notice is prose, and only its words matter here
    return read_text(text.translate(TYPOGRAPHIC_QUOTES).replace("\u00ad", ""))


def first_page_text(path: str | Path, fmt: str) -> str:
    """What a reader meets first: the PDF's first page, the HTML before its first ``h2``, the Word
    file's paragraphs before its first Heading 1."""
    path = Path(path)
    if fmt == "pdf":
        import pymupdf

        with pymupdf.open(path) as doc:
            return doc[0].get_text() if len(doc) else ""
    if fmt == "html":
        root = lxml_html.parse(str(path)).getroot()
        body = root.find("body")
        parts: list[str] = []
        for el in (body if body is not None else root).iter():
            if el.tag == "h2":
                break
            if isinstance(el.tag, str) and el.tag not in ("script", "style"):
                parts += [el.text or "", el.tail or ""]
        return " ".join(parts)
    with zipfile.ZipFile(path) as zf:
        body = etree.fromstring(zf.read("word/document.xml"), etree.XMLParser(resolve_entities=False, no_network=True))
    parts = []
    for p in body.iter(f"{_W}p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        if style is not None and style.get(f"{_W}val") == "Heading1":
            break
        parts.append("".join(t.text or "" for t in p.iter(f"{_W}t")))
    return " ".join(parts)


def notice_findings(path: str | Path, fmt: str, notice: str) -> list[Finding]:
    """A finding when the notice is not on the document's first page."""
    if _norm(notice) in _norm(first_page_text(path, fmt)):
        return []
    where = {"pdf": "page 1", "html": "before the first section heading", "docx": "before the first chapter"}[fmt]
    return [Finding(str(path), "provenance-notice", where,
                    f"expected the notice that the data are a reconstruction (evaluation.yaml provenance.notice) "
                    f"on the first page, found no such text: '{' '.join(notice.split()[:8])} …'")]
