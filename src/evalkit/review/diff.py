"""The text diff of the review stage, shared by the change report (evalkit.review.report) and the
redline (evalkit.review.redline_docx).

* Tokens: a text is split into words, white space and punctuation (:func:`tokenize`). A number
  with its decimal and thousands separators and a trailing percent sign ("12.5%", "1,234"), and a
  word with an inner apostrophe, hyphen or slash, is one token, so a changed figure reads as one
  replaced figure. A token carries formatting flags (bold, italic, code, ...) that the redline
  keeps; plain text has none.
* :func:`word_diff` diffs two token sequences with :class:`difflib.SequenceMatcher` and then
  folds an unchanged stretch between two changes into them when it is only spaces and
  punctuation, or no longer than the change on either side (the semantic clean-up of
  diff-match-patch), so that common small words do not chop a rewritten sentence into pieces.
* :func:`align` aligns two sequences of blocks (sections, paragraphs, table rows); where they
  differ, the most similar items are paired (word :func:`similarity` at least
  :data:`PAIR_CUTOFF`, order kept) to be diffed word by word, and the rest are whole insertions
  and deletions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["PAIR_CUTOFF", "Fmt", "Token", "align", "plain", "similarity", "tokenize", "word_diff", "words_of"]

#: Two blocks (or table rows) that differ are shown as one changed block, diffed word by word, when
#: their word similarity (difflib ratio over the non-space tokens) is at least this; otherwise as a
#: deletion and an insertion.
PAIR_CUTOFF = 0.5

# Above this many candidate pairs in one changed stretch, blocks are paired only position by
# position (keeps a diff of two unrelated texts fast).
_MAX_PAIR_MATRIX = 40_000

# Token: (text, formatting flags). Flags are a sorted tuple of: b, i, u, s (strike), sc (small
# caps), sup, sub, code.
Fmt = tuple[str, ...]
Token = tuple[str, Fmt]

# Ordinary white space folds to one space; other spaces (no-break, thin) are kept as written.
_SPACE = " \t\n\r\f\v"
_TOKEN_RE = re.compile(rf"[{_SPACE}]+|\w+(?:[.,'\u2019/:-]\w+)*%?|[^\w{_SPACE}]", re.UNICODE)
_WORD_RE = re.compile(r"\w", re.UNICODE)


def tokenize(pieces: Iterable[tuple[str, Fmt]]) -> tuple[Token, ...]:
    """Split text pieces into word, space and punctuation tokens; trim the ends, fold ordinary
    white space outside code to one space, or one line break where the run holds one."""
    merged: list[list[Any]] = []
    for text, fmt in pieces:
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


def plain(tokens: Iterable[Token]) -> str:
    return "".join(t for t, _ in tokens)


def words_of(tokens: Iterable[Token]) -> list[str]:
    """The tokens' texts without the white space: what similarity is measured on."""
    return [t for t, _ in tokens if not t.isspace()]


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """difflib's ratio of two word lists; 0 as soon as it is certainly below PAIR_CUTOFF."""
    if not a and not b:
        return 1.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < PAIR_CUTOFF or sm.quick_ratio() < PAIR_CUTOFF:
        return 0.0
    return sm.ratio()


def align(old: Sequence[Any], new: Sequence[Any], words: Callable[[Any], list[str]],
          pairable: Callable[[Any, Any], bool], key: Callable[[Any], Any] | None = None) -> list[tuple[str, Any, Any]]:
    """Align two sequences: a list of ("equal"|"change", old, new), ("delete", old, None) and
    ("insert", None, new), in document order. Items are equal when they (or their `key`) are;
    in a stretch that differs, items of which `pairable` holds are paired by their `words`."""
    ka, kb = (list(old), list(new)) if key is None else ([key(x) for x in old], [key(x) for x in new])
    ops: list[tuple[str, Any, Any]] = []
    sm = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            ops += [("equal", old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
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
        s = similarity(ow[i], nw[j])
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


def word_diff(old: Sequence[Token], new: Sequence[Token]) -> list[tuple[str, list[Token]]]:
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
    out: list[tuple[str, list[Token]]] = []
    for tag, a, b in segs:
        if tag == "equal":
            out.append(("equal", b))
        else:
            if a:
                out.append(("delete", a))
            if b:
                out.append(("insert", b))
    return out
