"""Word output as an agency publication. The reference document (:func:`reference_docx`) gives pandoc
evalkit's house style; :func:`finish_docx` then adds the running header, "Page N"
(a PAGE field) as the footer, and the table of contents filled in when Word opens the file (pandoc
writes it as a field Word has not yet computed; ``w:updateFields`` asks Word to compute it).

The file is rewritten entry by entry with each entry's own date, so the same inputs still give the
same bytes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["HOUSE_COLOR", "HOUSE_FONT", "finish_docx", "house_styles", "reference_docx"]

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_WNS}}}{tag}"

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"


def _header(title: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {_W}><w:p><w:pPr><w:jc w:val="right"/>'
            f'</w:pPr><w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve">{escape(title)}</w:t></w:r>'
            "</w:p></w:hdr>")


def _footer(page: str) -> str:
    run = '<w:r><w:rPr><w:sz w:val="18"/></w:rPr>{}</w:r>'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {_W}><w:p><w:pPr><w:jc w:val="center"/>'
            "</w:pPr>"
            + run.format(f'<w:t xml:space="preserve">{escape(page)} </w:t>')
            + run.format('<w:fldChar w:fldCharType="begin"/>')
            + run.format('<w:instrText xml:space="preserve"> PAGE </w:instrText>')
            + run.format('<w:fldChar w:fldCharType="separate"/>')
            + run.format("<w:t>1</w:t>")
            + run.format('<w:fldChar w:fldCharType="end"/>')
            + "</w:p></w:ftr>")


# Children of w:settings that the schema puts after w:updateFields (CT_Settings, ECMA-376 part 1).
_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
                        "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                        "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
                        "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")
# Children of w:rPr that come after w:color, and of w:pPr that come before w:pageBreakBefore.
_AFTER_COLOR = ("spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
                "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
_BEFORE_PAGE_BREAK = ("pStyle", "keepNext", "keepLines")


def _insert_before(parent, element, later: tuple[str, ...]) -> None:
    """Put ``element`` into ``parent`` before its first child named in ``later`` (schema order)."""
    for i, child in enumerate(parent):
        if isinstance(child.tag, str) and child.tag.split("}")[-1] in later:
            parent.insert(i, element)
            return
    parent.append(element)


def _update_fields(settings_xml: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(settings_xml, etree.XMLParser(resolve_entities=False, no_network=True))
    if root.find(_w("updateFields")) is None:
        element = etree.Element(_w("updateFields"))
        element.set(_w("val"), "true")
        _insert_before(root, element, _AFTER_UPDATE_FIELDS)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def finish_docx(path: str | Path, title: str, page_word: str) -> None:
    """Add the running header (``title``; empty for none), the page-number footer ("``page_word`` N")
    and ``w:updateFields`` to the DOCX at ``path``, in place."""
    path = Path(path)
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info)) for info in zin.infolist()]
    names = {info.filename for info, _ in entries}
    if "word/header-evalkit.xml" in names:
        return  # already finished
    stamp = next(info.date_time for info, _ in entries if info.filename == "word/document.xml")
    out = []
    for info, data in entries:
        text = None
        if info.filename == "[Content_Types].xml":
            text = data.decode("utf-8").replace(
                "</Types>", f'<Override PartName="/word/header-evalkit.xml" ContentType="{_HEADER_TYPE}"/>'
                            f'<Override PartName="/word/footer-evalkit.xml" ContentType="{_FOOTER_TYPE}"/></Types>')
        elif info.filename == "word/_rels/document.xml.rels":
            text = data.decode("utf-8").replace(
                "</Relationships>",
                f'<Relationship Id="rIdEvalkitHeader" Type="{_REL}/header" Target="header-evalkit.xml"/>'
                f'<Relationship Id="rIdEvalkitFooter" Type="{_REL}/footer" Target="footer-evalkit.xml"/>'
                                    "</Relationships>")
        elif info.filename == "word/document.xml":
            xml = data.decode("utf-8")
            refs = ('<w:headerReference w:type="default" r:id="rIdEvalkitHeader"/>'
                    '<w:footerReference w:type="default" r:id="rIdEvalkitFooter"/>')
            last = xml.rfind("<w:sectPr")
            if last < 0:
                raise ValueError(f"{path}: no section properties (w:sectPr) to add a header and footer to")
            end = xml.index(">", last) + 1
            if xml[end - 2] == "/":  # <w:sectPr/>
                xml = xml[:last] + f"<w:sectPr>{refs}</w:sectPr>" + xml[end:]
            else:
                xml = xml[:end] + refs + xml[end:]
            text = xml
        elif info.filename == "word/settings.xml":
            text = _update_fields(data).decode("utf-8")
        out.append((info, data if text is None else text.encode("utf-8")))
    for name, text in (("word/header-evalkit.xml", _header(title)), ("word/footer-evalkit.xml", _footer(page_word))):
        # an empty title leaves an empty header paragraph, as Word writes it
        out.append((zipfile.ZipInfo(name, date_time=stamp), text.encode("utf-8")))
    tmp = path.with_name(path.name + ".finishing")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in out:
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)
    tmp.replace(path)


# --- the reference document: evalkit's house style for Word -------------------------------------

#: A font the HHS checklists recommend, and the blue of the HTML and PDF headings (8.9:1 on white).
HOUSE_FONT, HOUSE_COLOR = "Calibri", "1A4F8A"
_HEADINGS = ("Title", "Subtitle", "Heading1", "Heading2", "Heading3", "Heading4")


def _child(parent, tag: str, first: bool = False):
    from lxml import etree

    found = parent.find(_w(tag))
    if found is None:
        found = etree.Element(_w(tag))
        parent.insert(0, found) if first else parent.append(found)
    return found


def _house_font(rpr) -> None:
    """The house font for every script, instead of the theme's fonts."""
    fonts = _child(rpr, "rFonts", first=True)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(_w(attr), HOUSE_FONT)


def house_styles(styles_xml: bytes, chapters_on_new_page: bool) -> bytes:
    """pandoc's reference styles with evalkit's: one sans-serif font throughout, headings in the house
    blue, and (for a report) each chapter on a new page. Table captions already stay with their table."""
    from lxml import etree

    root = etree.fromstring(styles_xml, etree.XMLParser(resolve_entities=False, no_network=True))
    defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if defaults is not None:
        _house_font(defaults)
    for style in root.findall(_w("style")):
        sid = style.get(_w("styleId"))
        if sid not in _HEADINGS:
            continue
        rpr = _child(style, "rPr")
        _house_font(rpr)
        for old in rpr.findall(_w("color")):
            rpr.remove(old)
        color = etree.Element(_w("color"))
        color.set(_w("val"), HOUSE_COLOR)
        _insert_before(rpr, color, _AFTER_COLOR)
        if sid == "Heading1" and chapters_on_new_page:
            ppr = style.find(_w("pPr"))
            if ppr is None:
                ppr = etree.SubElement(style, _w("pPr"))
            if ppr.find(_w("pageBreakBefore")) is None:
                # after pStyle, keepNext and keepLines, before everything else
                later = tuple(c.tag.split("}")[-1] for c in ppr if isinstance(c.tag, str)
                              and c.tag.split("}")[-1] not in _BEFORE_PAGE_BREAK)
                _insert_before(ppr, etree.Element(_w("pageBreakBefore")), later)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def reference_docx(pandoc_default: bytes, target: str | Path, chapters_on_new_page: bool,
                   stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)) -> Path:
    """Write evalkit's reference document (``--reference-doc``) from pandoc's default one
    (``pandoc --print-default-data-file reference.docx``). Every entry gets the date ``stamp`` (the
    document's date): pandoc dates its default file now and copies some parts of the reference
    document into the output as they are, dates included, so the same inputs would not give the
    same bytes."""
    import io

    target = Path(target)
    with zipfile.ZipFile(io.BytesIO(pandoc_default)) as zin:
        entries = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "word/styles.xml":
                data = house_styles(data, chapters_on_new_page)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            zout.writestr(entry, data)
    return target
