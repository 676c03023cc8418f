"""The redline's reader: the report text of a draft (Markdown) read with pandoc into blocks.

:func:`read_blocks` reads a text with pandoc (``pypandoc-binary``) into its AST and flattens it
into blocks: headings, paragraphs (list items, quotes, code, captions) as :class:`TextBlock`, and
tables as :class:`TableBlock`, each holding diff tokens (evalkit.review.diff) with their
formatting. Images are not embedded: a figure becomes a caption paragraph "[Image: Figure n:
caption]" and, when it has a ``fig-alt`` description, a paragraph "[Image description: ...]".
Cross-references ``@fig-...`` and ``@tbl-...`` read "Figure n" / "Table n", numbered in document
order as the renderer does; a reference to an id the draft lacks stays as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pypandoc

from evalkit.core.errors import RenderError
from evalkit.core.i18n import translator
from evalkit.review.diff import Fmt, Token, plain, tokenize, words_of

__all__ = ["Block", "Cell", "Row", "TableBlock", "TextBlock", "read_blocks", "text_tokens"]

_ALIGN = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class TextBlock:
    """A paragraph-like block: heading, paragraph, list item, quote, code, caption."""

    style: str  # Word style id, e.g. Normal, Heading2, Caption, ListParagraph, Quote
    indent: int  # nesting level (lists, definitions), 0 at top level
    tokens: tuple[Token, ...]
    align: str | None = field(default=None, compare=False)

    kind = "text"

    @property
    def words(self) -> list[str]:
        return words_of(self.tokens)


Cell = tuple[Token, ...]
Row = tuple[Cell, ...]


@dataclass(frozen=True)
class TableBlock:
    """A table: header and body rows of cells (tokens), column alignments and relative widths."""

    head: tuple[Row, ...]
    body: tuple[Row, ...]
    aligns: tuple[str | None, ...]
    widths: tuple[float, ...] = field(compare=False)
    caption: str = field(default="", compare=False)

    kind = "table"

    @property
    def ncols(self) -> int:
        return len(self.aligns)

    @property
    def words(self) -> list[str]:
        return [t for row in (*self.head, *self.body) for cell in row for t, _ in cell if not t.isspace()]


Block = TextBlock | TableBlock


def text_tokens(pieces: Iterable[tuple[str, Fmt]]) -> tuple[Token, ...]:
    """Diff tokens of text pieces, without the characters XML (and so a DOCX) cannot hold."""
    return tokenize((_XML_BAD.sub("", text), fmt) for text, fmt in pieces)


class _Reader:
    """Flatten one pandoc AST into blocks."""

    def __init__(self, lang: str):
        self._ = translator(lang)
        self.labels: dict[str, str] = {}

    # -- cross-reference numbers (as quarto-subset.lua: Figure and Table blocks in order)
    def number(self, blocks: list[Any]) -> None:
        counters = {"fig": 0, "tbl": 0}
        prefix = {"fig": self._("Figure"), "tbl": self._("Table")}

        def visit(node: Any) -> None:
            if isinstance(node, dict):
                t = node.get("t")
                if t in ("Figure", "Table"):
                    ident = node["c"][0][0]
                    kind = _ref_kind(ident)
                    want = "fig" if t == "Figure" else "tbl"
                    if kind == want and ident not in self.labels:
                        counters[kind] += 1
                        self.labels[ident] = f"{prefix[kind]}\u00a0{counters[kind]}"
                for v in node.values():
                    visit(v)
            elif isinstance(node, list):
                for v in node:
                    visit(v)

        visit(blocks)

    # -- inlines
    def inlines(self, items: Sequence[Any], fmt: Fmt = ()) -> list[tuple[str, Fmt]]:
        out: list[tuple[str, Fmt]] = []
        for item in items:
            self._inline(item, fmt, out)
        return out

    def _inline(self, node: dict, fmt: Fmt, out: list[tuple[str, Fmt]]) -> None:
        t, c = node["t"], node.get("c")
        styled = {"Emph": "i", "Strong": "b", "Underline": "u", "Strikeout": "s", "SmallCaps": "sc",
                  "Superscript": "sup", "Subscript": "sub"}
        if t == "Str":
            out.append((c, fmt))
        elif t in ("Space", "SoftBreak"):
            out.append((" ", fmt))
        elif t == "LineBreak":
            out.append(("\n", fmt))
        elif t in styled:
            for sub in c:
                self._inline(sub, _add(fmt, styled[t]), out)
        elif t == "Quoted":
            open_, close = ("\u201c", "\u201d") if c[0]["t"] == "DoubleQuote" else ("\u2018", "\u2019")
            out.append((open_, fmt))
            for sub in c[1]:
                self._inline(sub, fmt, out)
            out.append((close, fmt))
        elif t == "Cite":
            ids = [cit["citationId"] for cit in c[0]]
            if ids and all(i in self.labels for i in ids):
                out.append((", ".join(self.labels[i] for i in ids), fmt))
            else:
                for sub in c[1]:
                    self._inline(sub, fmt, out)
        elif t == "Code":
            out.append((c[1], _add(fmt, "code")))
        elif t == "Math":
            out.append((c[1], fmt))
        elif t in ("Link", "Span"):
            for sub in c[1]:
                self._inline(sub, fmt, out)
        elif t == "Image":
            alt = _attr_value(c[0], "fig-alt") or plain(text_tokens(self.inlines(c[1])))
            out.append((self._("[Image: {caption}]", caption=alt), fmt))
        elif t == "Note":
            text = " ".join(plain(b.tokens) for b in self.blocks(c) if isinstance(b, TextBlock))
            out.append((" " + self._("[Note: {text}]", text=text), fmt))
        # RawInline and anything unknown: nothing visible

    # -- blocks
    def blocks(self, items: Sequence[Any], style: str = "Normal", indent: int = 0) -> list[Block]:
        out: list[Block] = []
        for item in items:
            self._block(item, style, indent, out)
        return out

    def _text(self, out: list[Block], style: str, indent: int, pieces: list[tuple[str, Fmt]],
              align: str | None = None) -> None:
        tokens = text_tokens(pieces)
        if tokens:
            out.append(TextBlock(style, indent, tokens, align))

    def _block(self, node: dict, style: str, indent: int, out: list[Block]) -> None:
        t, c = node["t"], node.get("c")
        if t in ("Para", "Plain"):
            self._text(out, style, indent, self.inlines(c))
        elif t == "Header":
            self._text(out, f"Heading{min(max(int(c[0]), 1), 9)}", 0, self.inlines(c[2]))
        elif t == "BlockQuote":
            out.extend(self.blocks(c, "Quote", indent))
        elif t == "Div":
            out.extend(self.blocks(c[1], style, indent))
        elif t in ("BulletList", "OrderedList"):
            if t == "BulletList":
                items, markers = c, ["\u2022"] * len(c)
            else:
                (start, number_style, delim), items = c
                markers = [_list_marker(start + k, number_style["t"], delim["t"]) for k in range(len(items))]
            for marker, item in zip(markers, items, strict=True):
                sub = self.blocks(item, "ListParagraph", indent + 1)
                if sub and isinstance(sub[0], TextBlock) and sub[0].indent == indent + 1:
                    first = sub[0]
                    sub[0] = TextBlock(first.style, first.indent, ((marker, ()), (" ", ())) + first.tokens, first.align)
                else:
                    sub.insert(0, TextBlock("ListParagraph", indent + 1, ((marker, ()),)))
                out.extend(sub)
        elif t == "DefinitionList":
            for term, definitions in c:
                self._text(out, style, indent, self.inlines(term, ("b",)))
                for definition in definitions:
                    out.extend(self.blocks(definition, style, indent + 1))
        elif t == "CodeBlock":
            self._text(out, style, indent, [(c[1], ("code",))])
        elif t == "LineBlock":
            pieces: list[tuple[str, Fmt]] = []
            for k, line in enumerate(c):
                if k:
                    pieces.append(("\n", ()))
                pieces.extend(self.inlines(line))
            self._text(out, style, indent, pieces)
        elif t == "HorizontalRule":
            out.append(TextBlock(style, indent, (("*", ()), (" ", ()), ("*", ()), (" ", ()), ("*", ())), "center"))
        elif t == "Figure":
            self._figure(c, indent, out)
        elif t == "Table":
            self._table(c, indent, out)
        # RawBlock, Null and anything unknown: nothing visible

    def _caption(self, ident: str, caption: Any) -> list[tuple[str, Fmt]]:
        pieces: list[tuple[str, Fmt]] = []
        for b in caption[1] or []:
            if b["t"] in ("Para", "Plain"):
                if pieces:
                    pieces.append((" ", ()))
                pieces.extend(self.inlines(b["c"]))
        label = self.labels.get(ident)
        if label:
            lead = [(label + (": " if text_tokens(pieces) else ""), ())]
            pieces = lead + pieces
        return pieces

    def _figure(self, c: Any, indent: int, out: list[Block]) -> None:
        attr, caption, content = c
        images: list[dict] = []

        def find(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("t") == "Image":
                    images.append(node)
                    return
                for v in node.values():
                    find(v)
            elif isinstance(node, list):
                for v in node:
                    find(v)

        find(content)
        pieces = self._caption(attr[0], caption)
        if not text_tokens(pieces) and images:
            pieces = self.inlines(images[0]["c"][1])
        cap_tokens = text_tokens(pieces)
        if cap_tokens:
            template = self._("[Image: {caption}]", caption="\0")
            self._text(out, "Caption", indent, _fill(template, list(cap_tokens)))
        bare = {plain(cap_tokens), plain(text_tokens(self._caption("", caption)))}
        for img in images:
            alt = _attr_value(img["c"][0], "fig-alt")
            if alt and " ".join(alt.split()) not in bare:
                self._text(out, "Caption", indent,
                           [(self._("[Image description: {description}]", description=alt), ())])
        # Anything in the figure besides its images (rare: text, a table) is shown as well.
        for b in content:
            if b["t"] in ("Para", "Plain"):
                self._text(out, "Normal", indent, self.inlines([i for i in b["c"] if i["t"] != "Image"]))
            else:
                self._block(b, "Normal", indent, out)

    def _table(self, c: Any, indent: int, out: list[Block]) -> None:
        attr, caption, colspecs, head, bodies, foot = c
        ncols = len(colspecs)
        aligns = tuple(_ALIGN.get(spec[0]["t"]) for spec in colspecs)
        raw_widths = [spec[1]["c"] if spec[1]["t"] == "ColWidth" else None for spec in colspecs]
        if all(w for w in raw_widths):
            total = sum(raw_widths)
            widths = tuple(w / total for w in raw_widths)
        else:
            widths = tuple(1 / ncols for _ in range(ncols)) if ncols else ()
        pending: dict[int, int] = {}  # column -> rows still covered by a row span from above

        def rows_of(raw_rows: list[Any]) -> list[Row]:
            result: list[Row] = []
            for raw in raw_rows:
                cells: list[Cell] = []
                col = 0
                queue = list(raw[1])
                while col < ncols:
                    if pending.get(col, 0) > 0:
                        pending[col] -= 1
                        cells.append(())
                        col += 1
                        continue
                    if not queue:
                        cells.append(())
                        col += 1
                        continue
                    cell = queue.pop(0)
                    _cattr, _calign, rowspan, colspan, content = cell
                    pieces: list[tuple[str, Fmt]] = []
                    for b in self.blocks(content):
                        if isinstance(b, TextBlock):
                            if pieces:
                                pieces.append(("\n", ()))
                            pieces.extend(b.tokens)
                    cells.append(text_tokens(pieces))
                    for k in range(max(int(colspan), 1)):
                        if k:
                            cells.append(())
                        if int(rowspan) > 1 and col + k < ncols:
                            pending[col + k] = int(rowspan) - 1
                    col += max(int(colspan), 1)
                result.append(tuple(cells[:ncols]))
            return result

        head_rows = rows_of(head[1])
        body_rows: list[Row] = []
        for body in bodies:
            body_rows += rows_of(body[2]) + rows_of(body[3])
        body_rows += rows_of(foot[1])
        cap_pieces = self._caption(attr[0], caption)
        cap_tokens = text_tokens(cap_pieces)
        if cap_tokens:
            out.append(TextBlock("Caption", indent, cap_tokens))
        if ncols and (head_rows or body_rows):
            out.append(TableBlock(tuple(head_rows), tuple(body_rows), aligns, widths, plain(cap_tokens)))


def _add(fmt: Fmt, flag: str) -> Fmt:
    return fmt if flag in fmt else tuple(sorted((*fmt, flag)))


def _ref_kind(ident: str | None) -> str | None:
    m = re.match(r"^([A-Za-z]+)-", ident or "")
    return m.group(1) if m and m.group(1) in ("fig", "tbl") else None


def _attr_value(attr: Any, key: str) -> str:
    for k, v in attr[2]:
        if k == key:
            return v
    return ""


def _fill(template: str, tokens: list[Token]) -> list[tuple[str, Fmt]]:
    """A translated template whose placeholder was filled with NUL -> pieces with the tokens."""
    before, _, after = template.partition("\0")
    return [(before, ()), *tokens, (after, ())]


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += numeral
            n -= value
    return out


def _alpha(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def _list_marker(n: int, style: str, delim: str) -> str:
    if style == "LowerAlpha":
        num = _alpha(n)
    elif style == "UpperAlpha":
        num = _alpha(n).upper()
    elif style == "LowerRoman":
        num = _roman(n)
    elif style == "UpperRoman":
        num = _roman(n).upper()
    else:
        num = str(n)
    if delim == "OneParen":
        return f"{num})"
    if delim == "TwoParens":
        return f"({num})"
    return f"{num}."


def read_blocks(markdown: str, lang: str) -> list[Block]:
    """The blocks of a Markdown text; interface strings ("Figure", "[Image: ...]") in `lang`.
    Raises RenderError when pandoc cannot read the text."""
    try:
        ast = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))
    except (RuntimeError, OSError, ValueError) as exc:
        raise RenderError(f"redline: pandoc could not read the report text: {exc}") from exc
    reader = _Reader(lang)
    reader.number(ast["blocks"])
    return reader.blocks(ast["blocks"])

