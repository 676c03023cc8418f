"""Pieces shared by the pages evalkit writes itself (dataset codebook, change report, comment
matrix): a table in its own captioned scroll region, so a wide table scrolls and the page does not
(WCAG 1.4.10 Reflow at 320 CSS px)."""

from __future__ import annotations

from html import escape

SCROLL_CSS = (".table-scroll{overflow-x:auto;max-width:100%}.table-scroll:focus{outline:3px solid #1a4f8a}"
              "p,li,td,th,caption,h1,h2,h3{overflow-wrap:break-word}")


def table_region(caption: str, table_html: str) -> str:
    """`table_html` (a whole <table>…</table>) inside a focusable region named by its caption."""
    return (f'<div class="table-scroll" role="region" tabindex="0" aria-label="{escape(caption)}">\n'
            f"{table_html}</div>\n")
