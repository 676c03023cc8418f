"""What a document contains, as far as accessibility requirements go: images, tables, lists, links,
forms, media, and (DOCX) review marks. The Section 508 conformance report uses it to tell which
checklist items apply to a document ("Do all tables have header rows?" applies only where there are
tables); counting is cheap, read with the same parsers as the gate.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

__all__ = ["FEATURES", "document_features"]

#: Every feature counted, in report order.
FEATURES = ("images", "tables", "lists", "links", "forms", "media", "revisions", "comments")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

# outloud rules whose running (not "not-applicable") shows a PDF has the feature
_PDF_RULES = {"images": "FIG-001", "tables": "TBL-001", "lists": "LST-001", "links": "LNK-001", "forms": "FRM-001"}


def _html(path: Path) -> dict[str, int]:
    root = lxml_html.parse(str(path)).getroot()

    def count(xpath: str) -> int:
        return int(root.xpath(f"count({xpath})"))

    return {"images": count("//img|//svg[@role='img']|//*[@role='img']"), "tables": count("//table"),
            "lists": count("//ul|//ol|//dl"), "links": count("//a[@href]"),
            "forms": count("//input|//select|//textarea|//button"), "media": count("//video|//audio"),
            "revisions": count("//ins|//del"), "comments": 0}


_DOCX_PARTS = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml", "word/endnotes.xml")


def _docx(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as zf:
        body = etree.fromstring(zf.read("word/document.xml"), _XML_PARSER)
        comments = (
            etree.fromstring(zf.read("word/comments.xml"), _XML_PARSER)
            if "word/comments.xml" in zf.namelist()
            else None
        )
        # images anywhere a reader meets them: the body, headers, footers, footnotes and endnotes
        parts = [
            etree.fromstring(zf.read(n), _XML_PARSER)
            for n in zf.namelist()
            if n.startswith(_DOCX_PARTS) and n.endswith(".xml")
        ]
    images = sum(1 for part in parts for _ in part.iter(f"{_WP}docPr"))

    def count(tag: str) -> int:
        return sum(1 for _ in body.iter(tag))

    lists = sum(1 for p in body.iter(f"{_W}p") if p.find(f"{_W}pPr/{_W}numPr") is not None)
    return {
        "images": images,
        "tables": count(f"{_W}tbl"),
        "lists": lists,
        "links": count(f"{_W}hyperlink"),
        "forms": count(f"{_W}ffData"),
        "media": 0,
        "revisions": count(f"{_W}ins") + count(f"{_W}del"),
        "comments": 0 if comments is None else sum(1 for _ in comments.iter(f"{_W}comment")),
    }


def _pdf(outloud_rules: Mapping[str, str] | None) -> dict[str, int]:
    rules = outloud_rules or {}
    found = {
        name: int(rules.get(rule, "not-applicable") not in ("not-applicable", "not-run"))
        for name, rule in _PDF_RULES.items()
    }
    return {**dict.fromkeys(FEATURES, 0), **found}


def document_features(path: str | Path, fmt: str, outloud_rules: Mapping[str, str] | None = None) -> dict[str, int]:
    """How many of each :data:`FEATURES` the document has (for a PDF: 1 or 0, read from the outcome
    of outloud's rules on that feature; review marks cannot be left in a Typst PDF)."""
    path = Path(path)
    if fmt == "html":
        return _html(path)
    if fmt == "docx":
        return _docx(path)
    return _pdf(outloud_rules)
