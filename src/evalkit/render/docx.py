"""Finish a pandoc DOCX as an agency publication: the document's title as a running header, "Page N"
(a PAGE field) as the footer, and the table of contents filled in when Word opens the file (pandoc
writes it as a field Word has not yet computed; ``w:updateFields`` asks Word to compute it).

The file is rewritten entry by entry with each entry's own date, so the same inputs still give the
same bytes.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["finish_docx"]

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
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
                "</Relationships>", f'<Relationship Id="rIdEvalkitHeader" Type="{_REL}/header" Target="header-evalkit.xml"/>'
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
            xml = data.decode("utf-8")
            if "w:updateFields" not in xml:
                xml = re.sub(r"(<w:settings\b[^>]*>)", r'\1<w:updateFields w:val="true"/>', xml, count=1)
            text = xml
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
