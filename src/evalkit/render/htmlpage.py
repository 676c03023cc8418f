"""The one page shell of the pages evalkit writes itself (the dataset codebook, the change report,
the comment matrix): `page` wraps a body in a complete HTML document with its language, title and
style sheet; `stylesheet` is their shared look; `table_region` puts a table in its own captioned
scroll region, so a wide table scrolls and the page does not (WCAG 1.4.10 Reflow at 320 CSS px)."""

from __future__ import annotations

from html import escape

#: Text and background colour of every page (text contrast 17.4:1).
TEXT_COLOR, BACKGROUND = "#1a1a1a", "#fff"

SCROLL_CSS = (".table-scroll{overflow-x:auto;max-width:100%}.table-scroll:focus{outline:3px solid #1a4f8a}"
              "p,li,td,th,caption,h1,h2,h3{overflow-wrap:break-word}")


def stylesheet(max_width: str = "70rem", extra: str = "") -> str:
    """The shared style sheet: a readable column of `max_width`, bordered tables with shaded
    header cells and bold left-aligned captions, scroll regions; `extra` rules come last."""
    return ("body{font-family:system-ui,sans-serif;max-width:" + max_width + ";margin:2rem auto;padding:0 1rem;"
            f"color:{TEXT_COLOR};background:{BACKGROUND};line-height:1.5}}"
            "table{border-collapse:collapse;margin:1rem 0}"
            "th,td{border:1px solid #595959;padding:.3rem .5rem;text-align:left;vertical-align:top}"
            "th{background:#f0f0f0}caption{font-weight:bold;text-align:left;padding:.3rem 0}"
            "a{color:#0645ad}" + SCROLL_CSS + extra)


def page(lang: str, title: str, body: str, css: str) -> str:
    """A complete page: `body` (HTML, ending with a newline) is the content of <main>; `lang` is
    the page's BCP 47 language tag, `title` its plain-text title, `css` its style sheet."""
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n"
            f"{body}</main>\n</body>\n</html>\n")


def table_region(caption: str, table_html: str) -> str:
    """`table_html` (a whole <table>…</table>) inside a focusable region named by its caption."""
    return (f'<div class="table-scroll" role="region" tabindex="0" aria-label="{escape(caption)}">\n'
            f"{table_html}</div>\n")
