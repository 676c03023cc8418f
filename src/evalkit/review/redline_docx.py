"""Redline: a DOCX of the report between two drafts, with native Word tracked changes.

:func:`redline_docx` takes the report text of two drafts (the Markdown body stored as
``drafts/<name>/text/<subtag>.md``) and writes one Word document (python-docx) in which every
difference is a native revision that Word (or LibreOffice) lists in its review pane and can accept
or reject:

* Each text is read into blocks by evalkit.review.redline_read (pandoc).
* The two block sequences are aligned by evalkit.review.diff: where blocks differ, the most
  similar blocks of the same kind are paired (word similarity at least
  :data:`evalkit.review.diff.PAIR_CUTOFF`, order kept); a pair is diffed word by word, an unpaired
  block is a whole inserted or deleted paragraph or table.
* Revisions: ``w:ins`` / ``w:del`` around runs (deleted text in ``w:delText``), paragraph-mark
  revisions (``w:pPr/w:rPr/w:ins|w:del``) on whole inserted or deleted paragraphs and on the
  cell paragraphs of inserted or deleted rows, ``w:pPrChange`` when a paragraph's style changed
  (e.g. a heading's level), and ``w:trPr/w:ins|w:del`` on inserted or deleted table rows. Rows of
  a table present in both drafts are aligned like blocks and changed cells diffed word by word.
  Every revision carries a unique ``w:id``, the given ``w:author`` and ``w:date``.

The document passes the DOCX accessibility gate (the checks package's DOCX check):
default language ``lang`` in the styles' ``w:docDefaults`` and ``dc:language``, ``dc:title`` =
``title``, no images, and every table's first row is a repeating header row (``w:tblHeader``).

The output depends only on the inputs: the core properties' dates come from ``date`` and every
zip entry carries that date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from evalkit.core.io import atomic_write_bytes
from evalkit.review.diff import Fmt, Token, align, word_diff, words_of
from evalkit.review.docx_package import fixed_zip, parse_date, set_language
from evalkit.review.redline_read import Block, Row, TableBlock, TextBlock, read_blocks, text_tokens

__all__ = ["RedlineSummary", "redline_docx"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Table text width: US Letter with python-docx's default margins (12240 - 2 * 1800 twips).
_TEXT_WIDTH = 8640
_INDENT_STEP = 360  # twips per list / definition nesting level
_CODE_FONT = "Courier New"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


@dataclass
class RedlineSummary:
    """What :func:`redline_docx` wrote.

    Attributes:
        path: The DOCX file.
        changed: Blocks (paragraphs, headings, tables) present in both drafts but changed.
        inserted: Blocks only in the new draft.
        deleted: Blocks only in the old draft.
        revisions: Revision marks written (``w:ins``, ``w:del``, ``w:pPrChange``), all levels.
    """

    path: Path
    changed: int = 0
    inserted: int = 0
    deleted: int = 0
    revisions: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.changed or self.inserted or self.deleted)


class _Writer:
    def __init__(self, body: etree._Element, author: str, date: str):
        self.body = body
        self.author = author
        self.date = date
        self.next_id = 1

    def _rev(self, parent: etree._Element, tag: str) -> etree._Element:
        el = etree.SubElement(parent, _w(tag))
        el.set(_w("id"), str(self.next_id))
        el.set(_w("author"), self.author)
        el.set(_w("date"), self.date)
        self.next_id += 1
        return el

    # -- runs
    def _run(self, parent: etree._Element, text: str, fmt: Fmt, deleted: bool) -> None:
        r = etree.SubElement(parent, _w("r"))
        if fmt:
            rpr = etree.SubElement(r, _w("rPr"))
            if "code" in fmt:
                fonts = etree.SubElement(rpr, _w("rFonts"))
                for a in ("ascii", "hAnsi", "cs"):
                    fonts.set(_w(a), _CODE_FONT)
            for flag, tag in (("b", "b"), ("i", "i"), ("sc", "smallCaps"), ("s", "strike")):
                if flag in fmt:
                    etree.SubElement(rpr, _w(tag))
            if "u" in fmt:
                etree.SubElement(rpr, _w("u")).set(_w("val"), "single")
            if "sup" in fmt or "sub" in fmt:
                etree.SubElement(rpr, _w("vertAlign")).set(_w("val"), "superscript" if "sup" in fmt else "subscript")
        for k, line in enumerate(text.split("\n")):
            if k:
                etree.SubElement(r, _w("br"))
            if line:
                t = etree.SubElement(r, _w("delText" if deleted else "t"))
                t.text = line
                t.set(_XML_SPACE, "preserve")

    def _runs(self, p: etree._Element, op: str, tokens: Sequence[Token], extra: Fmt = ()) -> None:
        """Tokens with one operation: plain runs, or runs in one w:ins / w:del."""
        if not tokens:
            return
        parent = p if op == "equal" else self._rev(p, "ins" if op == "insert" else "del")
        groups: list[list[Any]] = []
        for text, fmt in tokens:
            fmt = tuple(sorted(set(fmt) | set(extra))) if extra else fmt
            if groups and groups[-1][1] == fmt:
                groups[-1][0] += text
            else:
                groups.append([text, fmt])
        for text, fmt in groups:
            self._run(parent, text, fmt, op == "delete")

    # -- paragraphs
    def paragraph(self, parent: etree._Element, style: str, indent: int, align: str | None,
                  mark: str | None = None, old_style: str | None = None, old_indent: int | None = None,
                  compact: bool = False) -> etree._Element:
        """A w:p with its properties; mark = "insert"/"delete" tracks the paragraph mark."""
        p = etree.SubElement(parent, _w("p"))
        ppr = etree.SubElement(p, _w("pPr"))
        self._ppr_base(ppr, style, indent, align, compact)
        if mark:
            rpr = etree.SubElement(ppr, _w("rPr"))
            self._rev(rpr, "ins" if mark == "insert" else "del")
        if old_style is not None and (old_style != style or old_indent != indent):
            change = self._rev(ppr, "pPrChange")
            self._ppr_base(etree.SubElement(change, _w("pPr")), old_style, old_indent or 0, align, compact)
        if len(ppr) == 0:
            p.remove(ppr)
        return p

    @staticmethod
    def _ppr_base(ppr: etree._Element, style: str, indent: int, align: str | None, compact: bool) -> None:
        if style != "Normal":
            etree.SubElement(ppr, _w("pStyle")).set(_w("val"), style)
        if compact:
            sp = etree.SubElement(ppr, _w("spacing"))
            sp.set(_w("before"), "0")
            sp.set(_w("after"), "0")
        if indent:
            etree.SubElement(ppr, _w("ind")).set(_w("left"), str(_INDENT_STEP * indent))
        if align:
            etree.SubElement(ppr, _w("jc")).set(_w("val"), align)

    def text_block(self, op: str, old: TextBlock | None, new: TextBlock | None, summary: RedlineSummary) -> None:
        if op == "equal":
            assert new is not None
            p = self.paragraph(self.body, new.style, new.indent, new.align)
            self._runs(p, "equal", new.tokens)
        elif op == "insert":
            assert new is not None
            p = self.paragraph(self.body, new.style, new.indent, new.align, mark="insert")
            self._runs(p, "insert", new.tokens)
            summary.inserted += 1
        elif op == "delete":
            assert old is not None
            p = self.paragraph(self.body, old.style, old.indent, old.align, mark="delete")
            self._runs(p, "delete", old.tokens)
            summary.deleted += 1
        else:
            assert old is not None and new is not None
            p = self.paragraph(self.body, new.style, new.indent, new.align, old_style=old.style,
                               old_indent=old.indent)
            for sub_op, tokens in word_diff(old.tokens, new.tokens):
                self._runs(p, sub_op, tokens)
            summary.changed += 1

    # -- tables
    def table(self, op: str, old: TableBlock | None, new: TableBlock | None, summary: RedlineSummary) -> None:
        shape = new if new is not None else old
        assert shape is not None
        tbl = etree.SubElement(self.body, _w("tbl"))
        tpr = etree.SubElement(tbl, _w("tblPr"))
        etree.SubElement(tpr, _w("tblStyle")).set(_w("val"), "TableGrid")
        tw = etree.SubElement(tpr, _w("tblW"))
        tw.set(_w("w"), "5000")
        tw.set(_w("type"), "pct")
        layout = etree.SubElement(tpr, _w("tblLayout"))
        layout.set(_w("type"), "fixed")
        look = etree.SubElement(tpr, _w("tblLook"))
        for k, v in (("val", "04A0"), ("firstRow", "1"), ("lastRow", "0"), ("firstColumn", "0"),
                     ("lastColumn", "0"), ("noHBand", "1"), ("noVBand", "1")):
            look.set(_w(k), v)
        if shape.caption:
            etree.SubElement(tpr, _w("tblCaption")).set(_w("val"), shape.caption)
        grid = etree.SubElement(tbl, _w("tblGrid"))
        widths = [max(int(round(_TEXT_WIDTH * w)), 1) for w in shape.widths]
        for w in widths:
            etree.SubElement(grid, _w("gridCol")).set(_w("w"), str(w))

        rows: list[tuple[str, Row | None, Row | None, bool]] = []  # (op, old row, new row, header)
        if op == "change":
            assert old is not None and new is not None
            for section_old, section_new, header in ((old.head, new.head, True), (old.body, new.body, False)):
                for row_op, a, b in align(section_old, section_new, _row_words, lambda a, b: True):
                    rows.append((row_op, a, b, header))
            summary.changed += 1
        else:
            row_op = "equal" if op == "equal" else op
            for section, header in ((shape.head, True), (shape.body, False)):
                for r in section:
                    rows.append((row_op, r, r, header))
            if op == "insert":
                summary.inserted += 1
            elif op == "delete":
                summary.deleted += 1
        if rows and not any(h for *_, h in rows):
            # A table without a header row: its first row repeats as header (the gate asks for one).
            first = rows[0]
            rows[0] = (first[0], first[1], first[2], True)
        for row_op, a, b, header in rows:
            self._row(tbl, row_op, a, b, header, shape.aligns, widths)

    def _row(self, tbl: etree._Element, op: str, old: Row | None, new: Row | None, header: bool,
             aligns: Sequence[str | None], widths: Sequence[int]) -> None:
        tr = etree.SubElement(tbl, _w("tr"))
        trpr = etree.SubElement(tr, _w("trPr"))
        if header:
            etree.SubElement(trpr, _w("tblHeader"))
        if op in ("insert", "delete"):
            self._rev(trpr, "ins" if op == "insert" else "del")
        if len(trpr) == 0:
            tr.remove(trpr)
        extra: Fmt = ("b",) if header else ()
        cells = new if op != "delete" else old
        assert cells is not None
        for k in range(len(widths)):
            tc = etree.SubElement(tr, _w("tc"))
            tcpr = etree.SubElement(tc, _w("tcPr"))
            tcw = etree.SubElement(tcpr, _w("tcW"))
            tcw.set(_w("w"), str(widths[k]))
            tcw.set(_w("type"), "dxa")
            align = aligns[k] if k < len(aligns) else None
            mark = op if op in ("insert", "delete") else None
            p = self.paragraph(tc, "Normal", 0, align, mark=mark, compact=True)
            if op == "change":
                assert old is not None and new is not None
                a, b = old[k] if k < len(old) else (), new[k] if k < len(new) else ()
                if a == b:
                    self._runs(p, "equal", b, extra)
                else:
                    for sub_op, tokens in word_diff(a, b):
                        self._runs(p, sub_op, tokens, extra)
            else:
                self._runs(p, op, cells[k] if k < len(cells) else (), extra)


def _row_words(row: Row) -> list[str]:
    return [w for cell in row for w in words_of(cell)] or ["\0"]


def _block_words(block: Block) -> list[str]:
    return block.words


def _pairable(a: Block, b: Block) -> bool:
    """Blocks of one kind; tables only with as many columns."""
    if a.kind != b.kind:
        return False
    return not (isinstance(a, TableBlock) and isinstance(b, TableBlock) and a.ncols != b.ncols)

# --------------------------------------------------------------------------
# Package
# --------------------------------------------------------------------------


def redline_docx(old_md: str, new_md: str, out_path: str | Path, lang: str, title: str, author: str,
                 date: str) -> RedlineSummary:
    """Write a DOCX showing ``new_md`` with the changes from ``old_md`` as Word tracked changes.

    Args:
        old_md: Report text of the earlier draft (Markdown body, front matter optional).
        new_md: Report text of the later draft.
        out_path: The .docx to write (folders are created; written atomically).
        lang: BCP 47 tag of the document language, e.g. ``en-US``; interface strings come from
            the gettext catalogue of that language.
        title: Document title: the first paragraph (style Title) and ``dc:title``.
        author: Author of every revision (``w:author``) and of the document.
        date: Date of every revision (``w:date``) and of the core properties: ``YYYY-MM-DD``
            (midnight UTC) or an ISO 8601 date-time.

    Returns:
        A :class:`RedlineSummary` with counts of changed, inserted and deleted blocks.

    Raises:
        ValueError: empty title or author, or a date that is not ISO 8601.
        evalkit.core.errors.RenderError: pandoc could not read one of the texts.
    """
    if not (title or "").strip():
        raise ValueError("redline: expected a non-empty title")
    if not (author or "").strip():
        raise ValueError("redline: expected a non-empty author")
    when = parse_date(date)
    w_date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    old_blocks = read_blocks(old_md, lang)
    new_blocks = read_blocks(new_md, lang)

    document = Document()
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # the template's preview image: not ours to ship
            package.rels.pop(rid)
    set_language(document, lang)
    core = document.core_properties
    core.title = " ".join(title.split())
    core.language = lang
    core.author = author
    core.last_modified_by = author
    core.comments = ""
    core.revision = 1
    naive = when.replace(tzinfo=None)
    core.created = naive
    core.modified = naive

    body = document.element.body
    sect = body.find(_w("sectPr"))
    if sect is not None:
        body.remove(sect)
    writer = _Writer(body, author.strip(), w_date)
    summary = RedlineSummary(Path(out_path))
    title_p = writer.paragraph(body, "Title", 0, None)
    writer._runs(title_p, "equal", text_tokens([(title, ())]))

    previous_table = False
    for op, old, new in align(old_blocks, new_blocks, _block_words, _pairable):
        block = new if new is not None else old
        if isinstance(block, TableBlock):
            if previous_table:  # keep two tables from running together
                writer.paragraph(body, "Normal", 0, None)
            writer.table(op, old, new, summary)
            previous_table = True
        else:
            writer.text_block(op, old, new, summary)
            previous_table = False
    writer.paragraph(body, "Normal", 0, None)  # the body ends with a plain paragraph
    if sect is not None:
        body.append(sect)
    summary.revisions = writer.next_id - 1

    buf = io.BytesIO()
    document.save(buf)
    atomic_write_bytes(out_path, fixed_zip(buf.getvalue(), when))
    return summary
