"""Tables are tables in every format: the text of each cell of each table is the same in a document's
HTML, in its PDF's tag tree (``/TH`` and ``/TD`` elements, read with outloud's model of the PDF) and
in its DOCX.

Each format is rendered from the same pandoc document, so any difference is a renderer turning
cell text into something else (as Typst once turned a cell starting "6. Resource use" into a
numbered list, splitting it on the page and in the tag tree while HTML and DOCX were intact).
The HTML is the reference; the check reports, per table, the cells that differ.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html
from outloud.model import Document
from outloud.rules._common import element_text

from evalkit.checks.findings import Finding, read_text

__all__ = ["MAX_CELLS_SHOWN", "compare_tables", "document_tables", "docx_tables", "html_tables", "pdf_tables"]

Table = list[list[str]]

#: Differing cells named per table (the rest are counted).
MAX_CELLS_SHOWN = 3

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
def html_tables(path: str | Path) -> list[Table]:
    """Each ``<table>``'s rows of cell texts, in document order."""
    root = lxml_html.parse(str(path)).getroot()
    return [[[read_text(c.text_content()) for c in tr if c.tag in ("td", "th")] for tr in table.iter("tr")]
            for table in root.iter("table")]


def docx_tables(path: str | Path) -> list[Table]:
    """Each ``w:tbl``'s rows (``w:tr``) of cell texts (``w:tc``), in document order."""
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"), _XML_PARSER)
    return [[[read_text("".join(t.text or "" for t in tc.iter(f"{_W}t"))) for tc in tr.iter(f"{_W}tc")]
             for tr in table.iter(f"{_W}tr")] for table in root.iter(f"{_W}tbl")]


def pdf_tables(path: str | Path) -> list[Table]:
    """Each ``/Table`` structure element's rows (``/TR``) of cell texts (``/TH``, ``/TD``) as a screen
    reader gets them, in document order."""
    doc = Document(str(path))
    try:
        return document_tables(doc)
    finally:
        doc.close()


def document_tables(doc: Document) -> list[Table]:
    """:func:`pdf_tables` of a PDF already open in outloud's model (the gate's audit passes its own,
    whose pages are parsed already)."""
    return [[[read_text(element_text(doc, cell)) for cell in row.logical_children if cell.type in ("TH", "TD")]
             for row in table.descendants() if row.type == "TR"]
            for table in doc.elements_of("Table")]


_READERS = {"html": html_tables, "pdf": pdf_tables, "docx": docx_tables}


def compare_tables(paths: Mapping[str, str | Path], known: Mapping[str, list[Table]] | None = None) -> list[Finding]:
    """Findings for every table cell whose text differs from the HTML's (``paths``: format -> file of
    one document; without HTML, the first format given is the reference). ``known``: the tables of a
    format already read from that same file (format -> tables), which are not read again."""
    formats = [f for f in ("html", "pdf", "docx") if f in paths]
    if len(formats) < 2:
        return []
    tables: dict[str, list[Table]] = {}
    findings: list[Finding] = []
    for fmt in formats:
        if known and fmt in known:
            tables[fmt] = known[fmt]
            continue
        try:
            tables[fmt] = _READERS[fmt](paths[fmt])
        except Exception as exc:  # noqa: BLE001 - an unreadable file is a finding (its own check says more)
            findings.append(Finding(str(paths[fmt]), "table-cells", "file",
                                    f"expected a readable {fmt.upper()} to compare its tables, found: {exc}"))
    formats = [f for f in formats if f in tables]
    if len(formats) < 2:
        return findings
    ref_fmt = formats[0]
    ref = tables[ref_fmt]
    for fmt in formats[1:]:
        file = str(paths[fmt])
        found = tables[fmt]
        if len(found) != len(ref):
            findings.append(Finding(file, "table-cells", "document",
                                    f"expected {len(ref)} table(s) as in the {ref_fmt.upper()}, found {len(found)}"))
            continue
        for n, (want, got) in enumerate(zip(ref, found, strict=True), start=1):
            if len(want) != len(got):
                findings.append(Finding(file, "table-cells", f"table {n}",
                                        f"expected {len(want)} row(s) as in the {ref_fmt.upper()}, found {len(got)}"))
                continue
            diffs = [(r, c, w, g) for r, (wrow, grow) in enumerate(zip(want, got, strict=True), start=1)
                     for c, (w, g) in enumerate(_pad(wrow, grow), start=1) if w != g]
            for r, c, w, g in diffs[:MAX_CELLS_SHOWN]:
                findings.append(Finding(file, "table-cells", f"table {n}, row {r}, cell {c}",
                                        f"expected the {ref_fmt.upper()}'s cell text {w!r}, found {g!r}"))
            if len(diffs) > MAX_CELLS_SHOWN:
                findings.append(Finding(file, "table-cells", f"table {n}",
                                        f"and {len(diffs) - MAX_CELLS_SHOWN} more cell(s) differ from the "
                                        f"{ref_fmt.upper()}"))
    return findings


def _pad(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """Cells pairwise; a missing cell reads as '(no cell)'."""
    width = max(len(a), len(b))
    return list(zip(a + ["(no cell)"] * (width - len(a)), b + ["(no cell)"] * (width - len(b)), strict=True))
