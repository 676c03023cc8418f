"""The report's prose as the review stage reads it: the Markdown body without its front matter,
split into sections at its headings and into paragraphs at blank lines."""

from __future__ import annotations

import re

#: How paragraphs are joined in a normalized text (and marked in a diff's segments).
PARAGRAPH_BREAK = "\n\n"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ATTRS = re.compile(r"\s*\{[^{}]*\}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def strip_front_matter(text: str) -> str:
    """The Markdown body without its leading YAML block ('---' ... '---' or '...')."""
    if text.startswith("---\n") or text.startswith("---\r\n"):
        m = re.search(r"^(---|\.\.\.)\s*$", text[4:], re.MULTILINE)
        if m:
            return text[4 + m.end():].lstrip("\r\n")
    return text


def paragraphs(text: str) -> list[str]:
    """Paragraphs (split at blank lines), each with its runs of white space collapsed."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def normalize_text(text: str) -> str:
    """The paragraphs of a text joined by one blank line."""
    return PARAGRAPH_BREAK.join(paragraphs(text))


def split_sections(text: str) -> list[dict]:
    """Split Markdown at its ATX headings (outside fenced code): [{level, title, path, body}].

    Text before the first heading is a section with level 0 and an empty title. `path` is the
    heading with its parents ('Parent › Child'), which tells apart two sections of the same name.
    Pandoc attributes ('{#sec-id .class}') are dropped from titles."""
    sections: list[dict] = [{"level": 0, "title": "", "path": "", "lines": []}]
    stack: list[tuple[int, str]] = []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if m:
            level, title = len(m.group(1)), _ATTRS.sub("", m.group(2)).strip()
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            sections.append({"level": level, "title": title,
                             "path": " \u203a ".join(t for _, t in stack), "lines": []})
        else:
            sections[-1]["lines"].append(line)
    out = []
    for s in sections:
        body = "\n".join(s.pop("lines")).strip("\n")
        if s["level"] == 0 and not body.strip():
            continue
        out.append(dict(s, body=body))
    return out


def section_titles(text: str) -> list[str]:
    return [s["title"] for s in split_sections(text) if s["level"] > 0]
