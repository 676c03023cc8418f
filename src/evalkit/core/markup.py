"""What authored text (registry texts, codebook and evaluation labels, indicator names) may contain
on its way into a document: text and the Markdown the documents use (emphasis, links to http(s),
mailto or a place in the document), never markup that pandoc would pass through as HTML, Typst or
Word code, a script link, attributes, or a Quarto shortcode.

A literal '<' is written as '\\<' (or with a space after it, as in "a < b")."""

from __future__ import annotations

import html
import re

from evalkit.core.i18n import LANGUAGE_TAG

SCHEME = r"(?P<s>[A-Za-z][A-Za-z0-9+.-]*:)(?=\S)"  # a URL scheme (a colon and a space is prose)

# Each: the pattern, and what to say about it.
RULES = [
    (re.compile(r"!\["), "an image ('{found}'); figures come from the generated fragments, not from texts"),
    (re.compile(r"\]\(\s*<?\s*(?!https?:|mailto:|#)" + SCHEME, re.I),
     "a link with the scheme '{found}'; links may go to http(s):, mailto: or #a-place only"),
    (re.compile(r"^\s*\[[^\]]+\]:\s*<?\s*(?!https?:|mailto:|#)" + SCHEME, re.I | re.M),
     "a link definition with the scheme '{found}'; links may go to http(s):, mailto: or #a-place only"),
    (re.compile(r"\{=[A-Za-z]+\}"), "a raw {found} block or span; write text or Markdown"),
    (re.compile(r"^\s*:::", re.M), "a fenced div ('{found}'); write text or Markdown"),
    (re.compile(r"[\]`)]\{[^}]*\}|\{\s*[#.][A-Za-z]|\{[^}]*=[^}]*\}"),
     "attributes ('{found}'); write text or Markdown without attributes"),
    (re.compile(r"\{\{<|\{\{%"), "a Quarto shortcode ('{found}'); numbers come from values, not shortcodes"),
    (re.compile(r"<(?!https?://[^\s<>]+>)(?![^\s<>@]+@[^\s<>@]+>)[A-Za-z!?/]"),
     "raw HTML ('{found}'); write text or Markdown (for a literal '<', write '\\<')"),
    (re.compile(r"^\s*(```|~~~)", re.M), "a code block ('{found}'); write text or Markdown"),
]


LINK_RULES = 3  # the first rules (image, link, link definition) are also checked with entities decoded


def markup_problem(text: str) -> str | None:
    """What is wrong with a text that reaches a document, or None when it is safe."""
    if not isinstance(text, str):
        return None
    # '&#106;avascript:' in a link target is javascript: to pandoc and to a browser; elsewhere an
    # entity such as '&lt;' is the way to write a literal '<', and stays text
    decoded = html.unescape(text)
    for n, (rx, message) in enumerate(RULES):
        m = rx.search(text) or (rx.search(decoded) if n < LINK_RULES else None)
        if m:
            found = (m.groupdict().get("s") or m.group(0)).strip()
            return "not allowed: " + message.format(found=found[:30])
    return None


def bilingual_texts(obj, where: str = "", labels: tuple[str, ...] = ("id", "name", "key")):
    """(place, text) of every text in a language-keyed dict under `obj`, e.g. ('title.es-MX', '…');
    list items are named by the first of `labels` they have, else by their index."""
    if isinstance(obj, dict):
        if obj and all(isinstance(k, str) and LANGUAGE_TAG.match(k) for k in obj):
            for lang, text in obj.items():
                if isinstance(text, str):
                    yield f"{where}.{lang}", text
            return
        for k, v in obj.items():
            yield from bilingual_texts(v, f"{where}.{k}" if where else str(k), labels)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            label = next((v[k] for k in labels if isinstance(v, dict) and v.get(k) is not None), i)
            yield from bilingual_texts(v, f"{where}[{label}]", labels)


def check_texts(obj, problems: list[str], where: str = "") -> None:
    """Add a problem, naming its place, for every text under `obj` that fails markup_problem."""
    for place, text in bilingual_texts(obj, where):
        problem = markup_problem(text)
        if problem:
            problems.append(f"{place}: {problem}")
