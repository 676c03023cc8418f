"""`evalkit preview`: pictures of what is published (poppler for PDF pages, Chromium for HTML)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from matplotlib import image as mpimg

from evalkit.checks.preview import PreviewError, preview_release, render_pdf_pages

from .test_accessibility_gate import GOOD_TYP, html_page, typst_pdf


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def ink(path: Path) -> float:
    """Share of pixels that are not white: 0 for a blank picture."""
    pixels = mpimg.imread(path)[..., :3]
    return float((pixels.min(axis=2) < 0.9).mean())


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("publish")
    (root / "es").mkdir()
    typst_pdf(root / "es", "informe", GOOD_TYP + "#pagebreak()\n= Anexo\nTexto.\n", ua=True)
    (root / "es" / "fig.png").unlink()
    (root / "es" / "informe.typ").unlink()
    (root / "en").mkdir()
    (root / "en" / "report.html").write_text(html_page(), encoding="utf-8")
    return root


def test_pdf_pages_are_pictures_of_the_page(release, tmp_path):
    pages = render_pdf_pages(release / "es" / "informe.pdf", tmp_path, pages=5)
    assert [p.name for p in pages] == ["informe-pdf-page1.png", "informe-pdf-page2.png"]  # two pages exist
    assert png_size(pages[0]) == (596, 842)  # A4 (595.3 × 841.9 pt) at 72 dpi, rounded up
    assert 0.001 < ink(pages[0]) < 0.2  # a heading, a line of text and a small red figure on white
    assert render_pdf_pages(release / "es" / "informe.pdf", tmp_path, pages=[2]) == [tmp_path / "informe-pdf-page2.png"]


def test_a_release_gives_a_picture_per_pdf_page_and_two_per_html_page(release, tmp_path):
    written = preview_release(release, tmp_path / "previews", pages=1)
    names = sorted(str(p.relative_to(tmp_path / "previews")) for p in written)
    assert names == ["en/report-html-320px.png", "en/report-html.png", "es/informe-pdf-page1.png"]
    assert png_size(tmp_path / "previews/en/report-html-320px.png") == (320, 1600)
    assert png_size(tmp_path / "previews/en/report-html.png") == (1280, 1600)
    assert ink(tmp_path / "previews/en/report-html.png") > 0.001


def test_preview_says_to_build_first_and_to_install_poppler(tmp_path, monkeypatch):
    with pytest.raises(PreviewError, match=r"build first"):
        preview_release(tmp_path / "missing", tmp_path / "out")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PreviewError, match="poppler-utils"):
        render_pdf_pages(tmp_path / "x.pdf", tmp_path)


def test_a_broken_pdf_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7 not really")
    with pytest.raises(PreviewError, match=r"bad\.pdf: pdftoppm failed on page 1"):
        render_pdf_pages(bad, tmp_path)
    assert not list(tmp_path.glob("*.png"))
