"""One accessibility problem in one document: what every check of the gate returns."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TYPOGRAPHIC_QUOTES", "Finding", "check_title", "norm", "one_line", "read_text", "same_lang"]

#: Renderers turn an apostrophe into \u2019 ("smart" punctuation); for comparing texts it is the same.
TYPOGRAPHIC_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
# A word broken at its own hyphen across two lines of a PDF ("Non-" / "response") comes back as two
# pieces of text; the hyphen stays, so joining after it loses nothing.
_AFTER_HYPHEN = re.compile(r"(?<=\w-) ")


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines too) to single spaces."""
    return " ".join(text.split())


def read_text(text: str | None) -> str:
    """Text as read from any of the formats, for comparing: whitespace folded, and a word broken
    across lines at its own hyphen joined again."""
    return _AFTER_HYPHEN.sub("", one_line(text or ""))


@dataclass(frozen=True)
class Finding:
    """One accessibility problem in one document.

    Attributes:
        file: The document path, exactly as it was given to the check.
        check: Short rule id, e.g. ``html-lang``, ``axe:image-alt``,
            ``pdf-ua-id``, ``docx-image-alt``.
        where: Location inside the document: a CSS selector, a PDF object /
            structure path, or a DOCX part plus element index.
        message: Human-readable; says what was expected and what was found.
    """

    file: str
    check: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: [{self.check}] {self.where}: {one_line(self.message)}"


def norm(text: str | None) -> str:
    """Collapse runs of whitespace and strip."""
    return " ".join((text or "").split())


def same_lang(found: str | None, expected: str) -> bool:
    """BCP-47 tags compare case-insensitively."""
    return found is not None and found.strip().casefold() == expected.strip().casefold()


def title_key(text: str | None) -> str:
    """Titles compare with whitespace folded and typographic quotes as straight ones: renderers
    turn an apostrophe into \u2019 ("smart" punctuation, e.g. in a title), which is the same title."""
    return norm(text).translate(TYPOGRAPHIC_QUOTES)


def check_title(
    file: str, check: str, where: str, found: str | None, expected: str | None, what: str
) -> Finding | None:
    """Shared title rule: non-empty, and equal to ``expected`` when given."""
    found_n = norm(found)
    if not found_n:
        want = f"{what} {norm(expected)!r}" if expected is not None else f"a non-empty {what}"
        return Finding(file, check, where, f"expected {want}, found none (missing or empty)")
    if expected is not None and title_key(found) != title_key(expected):
        return Finding(file, check, where, f"expected {what} {norm(expected)!r}, found {found_n!r}")
    return None
