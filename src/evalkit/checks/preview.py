"""Look at what is published: PNG pictures of the first pages of each PDF (Debian's poppler,
``pdftoppm``) and of each HTML page as a browser shows it (headless Chromium), at a desktop and a
phone width.

Machines check structure; only a person sees a stranded caption, a crowded chart or a table that
runs off the page. ``evalkit preview`` writes the pictures to ``results/<id>/previews/`` (not part of
the release), one folder per language, named after the document and its format.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from evalkit.core.errors import EvalkitError

__all__ = ["PHONE_WIDTH", "WIDTH", "preview_release", "render_pdf_pages", "screenshot_html"]

#: CSS px of the two HTML screenshots: a desktop window, and the WCAG 1.4.10 reflow width.
WIDTH, PHONE_WIDTH = 1280, 320
#: Screenshot height (the top of the page, as a reader first sees it).
HEIGHT = 1600


class PreviewError(EvalkitError):
    """A preview could not be made (a tool is missing or failed)."""


def render_pdf_pages(pdf: str | Path, out_dir: str | Path, pages: int | Sequence[int] = 2,
                     dpi: int = 72) -> list[Path]:
    """Pages of ``pdf`` as PNG files ``<stem>-pdf-page<N>.png`` in ``out_dir``: the first ``pages``
    pages, or the pages numbered in ``pages`` (from 1; numbers past the end are left out)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise PreviewError("pdftoppm not found: install Debian's poppler-utils (./run setup does)")
    pdf, out_dir = Path(pdf), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    numbers = range(1, pages + 1) if isinstance(pages, int) else sorted(set(pages))
    written = []
    for number in numbers:
        target = out_dir / f"{pdf.stem}-pdf-page{number}.png"
        target.unlink(missing_ok=True)
        proc = subprocess.run(
            [
                pdftoppm,
                "-png",
                "-singlefile",
                "-r",
                str(dpi),
                "-f",
                str(number),
                "-l",
                str(number),
                str(pdf),
                str(target.with_suffix("")),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if proc.returncode != 0:
            if "last page" in proc.stderr.lower() or "wrong page range" in proc.stderr.lower():
                break  # past the end of a short document
            raise PreviewError(f"{pdf}: pdftoppm failed on page {number}: {proc.stderr.strip()}")
        written.append(target)
    return written


def screenshot_html(html: str | Path, out_png: str | Path, browser, width: int = WIDTH, height: int = HEIGHT) -> Path:
    """The top of ``html`` as Chromium shows it in a window ``width`` CSS px wide."""
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(Path(html).resolve().as_uri(), wait_until="load")
        page.screenshot(path=str(out_png))
    finally:
        page.close()
    return out_png


def preview_release(
    publish_dir: str | Path, out_dir: str | Path, *, pages: int | Sequence[int] = 2, chromium: str | None = None
) -> list[Path]:
    """Pictures of every PDF and HTML document under ``publish_dir`` (a build's ``publish/``)."""
    from evalkit.checks.browser import open_browser

    publish_dir, out_dir = Path(publish_dir), Path(out_dir)
    if not publish_dir.is_dir():
        raise PreviewError(f"{publish_dir}: no published documents; build first (./run build)")
    pdfs = sorted(publish_dir.rglob("*.pdf"))
    pages_html = sorted(p for p in publish_dir.rglob("*.html") if p.is_file())
    written: list[Path] = []
    for pdf in pdfs:
        written += render_pdf_pages(pdf, out_dir / pdf.parent.relative_to(publish_dir), pages)
    if pages_html:
        with open_browser(chromium) as browser:
            for html in pages_html:
                folder = out_dir / html.parent.relative_to(publish_dir)
                written.append(screenshot_html(html, folder / f"{html.stem}-html.png", browser))
                written.append(
                    screenshot_html(html, folder / f"{html.stem}-html-{PHONE_WIDTH}px.png", browser, width=PHONE_WIDTH)
                )
    return written


def describe(paths: Iterable[Path], root: Path) -> str:
    paths = list(paths)
    folders = sorted({str(p.parent.relative_to(root)) for p in paths})
    return f"wrote {len(paths)} picture(s) in {root} ({', '.join(folders) or 'none'})"
