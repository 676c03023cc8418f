"""Redline: a DOCX of the report between two drafts, with native Word tracked changes.

:func:`redline_docx` takes the report text of two drafts (the Markdown body stored as
``drafts/<name>/text/<subtag>.md``) and writes one Word document in which every difference is a
native revision that Word (or LibreOffice) lists in its review pane and can accept or reject:

* Each text is read with pandoc (``pypandoc-binary``) into its AST and flattened into blocks:
  headings, paragraphs (list items, quotes, code, captions) and tables. Images are not embedded:
  a figure becomes a caption paragraph "[Image: Figure n: caption]" and, when it has a ``fig-alt``
  description, a paragraph "[Image description: ...]". Cross-references ``@fig-...`` and
  ``@tbl-...`` read "Figure n" / "Table n", numbered in document order as the renderer does;
  a reference to an id the draft lacks stays as written.
* The two block sequences are aligned with :class:`difflib.SequenceMatcher`. Where blocks
  differ, the most similar blocks of the same kind are paired (word similarity at least
  :data:`PAIR_CUTOFF`, order kept); a pair is diffed word by word, an unpaired block is a whole
  inserted or deleted paragraph or table.
* Revisions: ``w:ins`` / ``w:del`` around runs (deleted text in ``w:delText``), paragraph-mark
  revisions (``w:pPr/w:rPr/w:ins|w:del``) on whole inserted or deleted paragraphs and on the
  cell paragraphs of inserted or deleted rows, ``w:pPrChange`` when a paragraph's style changed
  (e.g. a heading's level), and ``w:trPr/w:ins|w:del`` on inserted or deleted table rows. Rows of
  a table present in both drafts are aligned like blocks and changed cells diffed word by word.
  Every revision carries a unique ``w:id``, the given ``w:author`` and ``w:date``.

The document passes the DOCX accessibility gate (:func:`evalkit.checks.accessibility.check_docx`):
default language ``lang`` in the styles' ``w:docDefaults`` and ``dc:language``, ``dc:title`` =
``title``, no images, and every table's first row is a repeating header row (``w:tblHeader``).

The output depends only on the inputs: the core properties' dates come from ``date`` and every
zip entry carries that date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypandoc
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from evalkit.core.errors import RenderError
from evalkit.core.i18n import translator
from evalkit.core.io import atomic_write_bytes

__all__ = ["PAIR_CUTOFF", "RedlineSummary", "redline_docx"]

#: Two blocks (or table rows) that differ are shown as one changed block, diffed word by word, when
#: their word similarity (difflib ratio over the non-space tokens) is at least this; otherwise as a
#: deletion and an insertion.
PAIR_CUTOFF = 0.5

# Above this many candidate pairs in one changed stretch, blocks are paired only position by
# position (keeps a redline of two unrelated texts fast).
_MAX_PAIR_MATRIX = 40_000

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Table text width: US Letter with python-docx's default margins (12240 - 2 * 1800 twips).
_TEXT_WIDTH = 8640
_INDENT_STEP = 360  # twips per list / definition nesting level
_CODE_FONT = "Courier New"

_ALIGN = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}

# Token: (text, formatting flags). Flags are a sorted tuple of: b, i, u, s (strike), sc (small
# caps), sup, sub, code.
Fmt = tuple[str, ...]
Token = tuple[str, Fmt]

# Ordinary white space folds to one space; other spaces (no-break, thin) are kept as written.
_SPACE = " \t\n\r\f\v"
_TOKEN_RE = re.compile(rf"[{_SPACE}]+|\w+(?:[.,'\u2019/:-]\w+)*%?|[^\w{_SPACE}]", re.UNICODE)
_WORD_RE = re.compile(r"\w", re.UNICODE)
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


# --------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A paragraph-like block: heading, paragraph, list item, quote, code, caption."""

    style: str  # Word style id, e.g. Normal, Heading2, Caption, ListParagraph, Quote
    indent: int  # nesting level (lists, definitions), 0 at top level
    tokens: tuple[Token, ...]
    align: str | None = field(default=None, compare=False)

    kind = "text"

    @property
    def words(self) -> list[str]:
        return [t for t, _ in self.tokens if not t.isspace()]


Cell = tuple[Token, ...]
Row = tuple[Cell, ...]


@dataclass(frozen=True)
class _Table:
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


_Block = _Text | _Table


def _tokenize(pieces: Iterable[tuple[str, Fmt]]) -> tuple[Token, ...]:
    """Split text pieces into word, space and punctuation tokens; trim the ends, fold spaces."""
    merged: list[list[Any]] = []
    for text, fmt in pieces:
        text = _XML_BAD.sub("", text)
        if not text:
            continue
        if merged and merged[-1][1] == fmt:
            merged[-1][0] += text
        else:
            merged.append([text, fmt])
    tokens: list[Token] = []
    for text, fmt in merged:
        for m in _TOKEN_RE.finditer(text):
            tok = m.group(0)
            if _folds(tok):
                if "code" not in fmt:
                    tok = "\n" if "\n" in tok else " "
                if tokens and _folds(tokens[-1][0]) and "code" not in fmt:
                    if tok == "\n":
                        tokens[-1] = (tok, tokens[-1][1])
                    continue
            tokens.append((tok, fmt))
    while tokens and _folds(tokens[0][0]):
        tokens.pop(0)
    while tokens and _folds(tokens[-1][0]):
        tokens.pop()
    return tuple(tokens)


def _folds(token: str) -> bool:
    """Ordinary white space (folded to one space or line break outside code)."""
    return not token.strip(_SPACE)


def _plain(tokens: Iterable[Token]) -> str:
    return "".join(t for t, _ in tokens)


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
            alt = _attr_value(c[0], "fig-alt") or _plain(_tokenize(self.inlines(c[1])))
            out.append((self._("[Image: {caption}]", caption=alt), fmt))
        elif t == "Note":
            text = " ".join(_plain(b.tokens) for b in self.blocks(c) if isinstance(b, _Text))
            out.append((" " + self._("[Note: {text}]", text=text), fmt))
        # RawInline and anything unknown: nothing visible

    # -- blocks
    def blocks(self, items: Sequence[Any], style: str = "Normal", indent: int = 0) -> list[_Block]:
        out: list[_Block] = []
        for item in items:
            self._block(item, style, indent, out)
        return out

    def _text(self, out: list[_Block], style: str, indent: int, pieces: list[tuple[str, Fmt]],
              align: str | None = None) -> None:
        tokens = _tokenize(pieces)
        if tokens:
            out.append(_Text(style, indent, tokens, align))

    def _block(self, node: dict, style: str, indent: int, out: list[_Block]) -> None:
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
            for marker, item in zip(markers, items):
                sub = self.blocks(item, "ListParagraph", indent + 1)
                if sub and isinstance(sub[0], _Text) and sub[0].indent == indent + 1:
                    first = sub[0]
                    sub[0] = _Text(first.style, first.indent, ((marker, ()), (" ", ())) + first.tokens, first.align)
                else:
                    sub.insert(0, _Text("ListParagraph", indent + 1, ((marker, ()),)))
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
            out.append(_Text(style, indent, (("*", ()), (" ", ()), ("*", ()), (" ", ()), ("*", ())), "center"))
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
            lead = [(label + (": " if _tokenize(pieces) else ""), ())]
            pieces = lead + pieces
        return pieces

    def _figure(self, c: Any, indent: int, out: list[_Block]) -> None:
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
        if not _tokenize(pieces) and images:
            pieces = self.inlines(images[0]["c"][1])
        cap_tokens = _tokenize(pieces)
        if cap_tokens:
            template = self._("[Image: {caption}]", caption="\0")
            self._text(out, "Caption", indent, _fill(template, list(cap_tokens)))
        bare = {_plain(cap_tokens), _plain(_tokenize(self._caption("", caption)))}
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

    def _table(self, c: Any, indent: int, out: list[_Block]) -> None:
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
                        if isinstance(b, _Text):
                            if pieces:
                                pieces.append(("\n", ()))
                            pieces.extend(b.tokens)
                    cells.append(_tokenize(pieces))
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
        cap_tokens = _tokenize(cap_pieces)
        if cap_tokens:
            out.append(_Text("Caption", indent, cap_tokens))
        if ncols and (head_rows or body_rows):
            out.append(_Table(tuple(head_rows), tuple(body_rows), aligns, widths, _plain(cap_tokens)))


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


def _read_blocks(markdown: str, lang: str) -> list[_Block]:
    try:
        ast = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))
    except (RuntimeError, OSError, ValueError) as exc:
        raise RenderError(f"redline: pandoc could not read the report text: {exc}") from exc
    reader = _Reader(lang)
    reader.number(ast["blocks"])
    return reader.blocks(ast["blocks"])


# --------------------------------------------------------------------------
# Alignment
# --------------------------------------------------------------------------


def _similarity(a: list[str], b: list[str]) -> float:
    if not a and not b:
        return 1.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < PAIR_CUTOFF or sm.quick_ratio() < PAIR_CUTOFF:
        return 0.0
    return sm.ratio()


def _pairable(a: _Block, b: _Block) -> bool:
    if a.kind != b.kind:
        return False
    return not (isinstance(a, _Table) and isinstance(b, _Table) and a.ncols != b.ncols)


def _align(old: Sequence[Any], new: Sequence[Any], words: Callable[[Any], list[str]],
           pairable: Callable[[Any, Any], bool]) -> list[tuple[str, Any, Any]]:
    """Align two sequences: a list of ("equal"|"change", old, new), ("delete", old, None) and
    ("insert", None, new), in document order."""
    ops: list[tuple[str, Any, Any]] = []
    sm = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            ops += [("equal", old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
        else:
            ops += _pair(old[i1:i2], new[j1:j2], words, pairable)
    return ops


def _pair(old: Sequence[Any], new: Sequence[Any], words: Callable[[Any], list[str]],
          pairable: Callable[[Any, Any], bool]) -> list[tuple[str, Any, Any]]:
    """Pair the most similar items of two changed stretches, keeping their order."""
    n, m = len(old), len(new)
    ow = [words(x) for x in old]
    nw = [words(x) for x in new]

    def sim(i: int, j: int) -> float:
        if not pairable(old[i], new[j]):
            return 0.0
        s = _similarity(ow[i], nw[j])
        return s if s >= PAIR_CUTOFF else 0.0

    pairs: list[tuple[int, int]] = []
    if n == m and all(sim(k, k) for k in range(n)):
        pairs = [(k, k) for k in range(n)]
    elif n and m and n * m <= _MAX_PAIR_MATRIX:
        # Order-preserving pairing with the largest total similarity (dynamic programming).
        score = [[0.0] * (m + 1) for _ in range(n + 1)]
        sims = [[sim(i, j) for j in range(m)] for i in range(n)]
        for i in range(n - 1, -1, -1):
            row, below = score[i], score[i + 1]
            for j in range(m - 1, -1, -1):
                best = max(below[j], row[j + 1])
                if sims[i][j]:
                    best = max(best, below[j + 1] + sims[i][j])
                row[j] = best
        i = j = 0
        while i < n and j < m:
            if sims[i][j] and score[i][j] == score[i + 1][j + 1] + sims[i][j]:
                pairs.append((i, j))
                i += 1
                j += 1
            elif score[i][j] == score[i + 1][j]:
                i += 1
            else:
                j += 1
    elif n and m:
        pairs = [(k, k) for k in range(min(n, m)) if sim(k, k)]
    ops: list[tuple[str, Any, Any]] = []
    i = j = 0
    for pi, pj in [*pairs, (n, m)]:
        ops += [("delete", old[k], None) for k in range(i, pi)]
        ops += [("insert", None, new[k]) for k in range(j, pj)]
        if pi < n:
            ops.append(("change", old[pi], new[pj]))
        i, j = pi + 1, pj + 1
    return ops


def _word_diff(old: Sequence[Token], new: Sequence[Token]) -> list[tuple[str, list[Token]]]:
    """Word-level diff: a list of ("equal"|"delete"|"insert", tokens). Spaces and punctuation that
    alone separate two changes are folded into them, so a rewritten phrase reads as one deletion
    followed by one insertion."""
    sm = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    segs: list[tuple[str, list[Token], list[Token]]] = []  # (tag, old tokens, new tokens)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        seg = ("equal" if tag == "equal" else "change", list(old[i1:i2]), list(new[j1:j2]))
        if segs and segs[-1][0] == seg[0] == "change":
            segs[-1] = ("change", segs[-1][1] + seg[1], segs[-1][2] + seg[2])
        else:
            segs.append(seg)

    def chars(tokens: list[Token]) -> int:
        return sum(len(t) for t, _ in tokens)

    # Fold an equal stretch between two changes into them when it is only spaces and punctuation,
    # or no longer than the change on either side (the semantic clean-up of diff-match-patch), so
    # that common small words do not chop a rewritten sentence into pieces.
    folded = True
    while folded:
        folded = False
        for k in range(1, len(segs) - 1):
            tag, a, _b = segs[k]
            before, after = segs[k - 1], segs[k + 1]
            if tag != "equal" or before[0] != "change" or after[0] != "change":
                continue
            separator = len(a) <= 2 and not any(_WORD_RE.search(t) for t, _ in a)
            short = chars(a) <= min(max(chars(before[1]), chars(before[2])), max(chars(after[1]), chars(after[2])))
            if separator or short:
                segs[k - 1:k + 2] = [("change", before[1] + a + after[1], before[2] + a + after[2])]
                folded = True
                break
    merged = segs
    out: list[tuple[str, list[Token]]] = []
    for tag, a, b in merged:
        if tag == "equal":
            out.append(("equal", b))
        else:
            if a:
                out.append(("delete", a))
            if b:
                out.append(("insert", b))
    return out


# --------------------------------------------------------------------------
# Writing WordprocessingML
# --------------------------------------------------------------------------


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

    def text_block(self, op: str, old: _Text | None, new: _Text | None, summary: RedlineSummary) -> None:
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
            for sub_op, tokens in _word_diff(old.tokens, new.tokens):
                self._runs(p, sub_op, tokens)
            summary.changed += 1

    # -- tables
    def table(self, op: str, old: _Table | None, new: _Table | None, summary: RedlineSummary) -> None:
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
                for row_op, a, b in _align(section_old, section_new, _row_words, lambda a, b: True):
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
                    for sub_op, tokens in _word_diff(a, b):
                        self._runs(p, sub_op, tokens, extra)
            else:
                self._runs(p, op, cells[k] if k < len(cells) else (), extra)


def _row_words(row: Row) -> list[str]:
    return [t for cell in row for t, _ in cell if not t.isspace()] or ["\0"]


def _block_words(block: _Block) -> list[str]:
    return block.words


# --------------------------------------------------------------------------
# Package
# --------------------------------------------------------------------------


def _parse_date(date: str | dt.date) -> dt.datetime:
    if isinstance(date, dt.datetime):
        when = date
    elif isinstance(date, dt.date):
        when = dt.datetime(date.year, date.month, date.day)
    else:
        try:
            when = dt.datetime.fromisoformat(str(date).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"redline date: expected YYYY-MM-DD or an ISO 8601 date-time, found {date!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).replace(microsecond=0)


def _set_language(document: Any, lang: str) -> None:
    styles = document.styles.element
    ddef = styles.find(_w("docDefaults"))
    if ddef is None:
        ddef = etree.Element(_w("docDefaults"))
        styles.insert(0, ddef)
    rdef = ddef.find(_w("rPrDefault"))
    if rdef is None:
        rdef = etree.Element(_w("rPrDefault"))
        ddef.insert(0, rdef)
    rpr = rdef.find(_w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(rdef, _w("rPr"))
    el = rpr.find(_w("lang"))
    if el is None:
        el = etree.SubElement(rpr, _w("lang"))
    el.set(_w("val"), lang)
    settings = document.settings.element
    theme_lang = settings.find(_w("themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(_w("val"), lang)


def _fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the package with one fixed timestamp and fixed attributes on every entry."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename), compresslevel=6)
    return out.getvalue()


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
    when = _parse_date(date)
    w_date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    old_blocks = _read_blocks(old_md, lang)
    new_blocks = _read_blocks(new_md, lang)

    document = Document()
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # the template's preview image: not ours to ship
            package.rels.pop(rid)
    _set_language(document, lang)
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
    writer._runs(title_p, "equal", _tokenize([(title, ())]))

    previous_table = False
    for op, old, new in _align(old_blocks, new_blocks, _block_words, _pairable):
        block = new if new is not None else old
        if isinstance(block, _Table):
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
    atomic_write_bytes(out_path, _fixed_zip(buf.getvalue(), when))
    return summary
