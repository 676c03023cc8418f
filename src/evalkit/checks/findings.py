"""One accessibility problem in one document: what every check of the gate returns."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Finding", "one_line"]


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines too) to single spaces."""
    return " ".join(text.split())


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
