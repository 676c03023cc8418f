"""The gate's DOCX checks, read with zipfile and lxml: default language, title, image alt text,
table header rows."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from evalkit.checks.findings import Finding, check_title, norm, same_lang

__all__ = ["check_docx"]

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {
    "w": _W_NS,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
_W_VAL = f"{{{_W_NS}}}val"

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
        elif not same_lang(found_lang, lang):
            add("docx-lang", where, f"expected default language w:val={lang!r}, found {found_lang!r}")

    # Title (and the core language, which must agree when it is declared).
    found_title: str | None = None
    if core is not None:
        titles = core.xpath("./dc:title", namespaces=_NS)
        found_title = titles[0].xpath("string()") if titles else None
        core_langs = [norm(e.xpath("string()")) for e in core.xpath("./dc:language", namespaces=_NS)]
        core_lang = next((c for c in core_langs if c), None)
        if core_lang is None:
            # pandoc's styles.xml says en-US even when no language was given; dc:language is
            # only written when the document declares its language, so it must be there.
            add(
                "docx-lang",
                "docProps/core.xml dc:language",
                f"expected core-properties language {lang!r}, found none",
            )
        elif not same_lang(core_lang, lang):
            add(
                "docx-lang",
                "docProps/core.xml dc:language",
                f"expected core-properties language {lang!r}, found {core_lang!r}",
            )
    problem = check_title(file, "docx-title", "docProps/core.xml dc:title", found_title, title, "dc:title")
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
            if not norm(descr):
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

