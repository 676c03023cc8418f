"""Chart colours meet the contrast the developers' guide requires; suppressed cells leave no trace."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from evalkit.core.colour import contrast_ratio
from evalkit.documents.charts import (
    BACKGROUND,
    BAR_COLOR,
    FIGURE_WIDTH_IN,
    MIN_FONT_PT,
    ORDINAL_PALETTE,
    SUPPRESSED_COLOR,
    TEXT_COLOR,
    bar_chart,
    figure_ref,
    save_figure,
    stacked_share_chart,
)


def test_contrast_ratio_of_black_and_white():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#fff", "#000") == pytest.approx(21.0)       # the short form (page CSS) too
    assert contrast_ratio("#777777", "#777") == pytest.approx(1.0)
    for bad in ("white", "#12345", "#gggggg", ""):
        with pytest.raises(ValueError, match="expected #rrggbb or #rgb"):
            contrast_ratio(bad, "#ffffff")


@pytest.mark.parametrize("colour", [*ORDINAL_PALETTE, BAR_COLOR, SUPPRESSED_COLOR])
def test_marks_have_at_least_3_to_1_against_the_background(colour):
    assert contrast_ratio(colour, BACKGROUND) >= 3.0


def test_text_has_at_least_4_5_to_1():
    assert contrast_ratio(TEXT_COLOR, BACKGROUND) >= 4.5


def test_hidden_cells_are_one_segment_without_inner_boundary(tmp_path):
    path = tmp_path / "c.png"
    shares = [[0.05, 0.10, 0.45, 0.40]]
    stacked_share_chart(path, ["item"], ["a", "b", "c", "d"], shares, [["5%", "10%", "45%", "40%"]], ["85%"],
                        "top", "x", "legend", hidden=[{0, 1}], hidden_label="hidden",
                        hidden_share_labels=[{0: "15%"}])
    img = np.asarray(Image.open(path).convert("RGB")).astype(int)
    grey = np.all(np.abs(img - np.array([0x76, 0x76, 0x76])) < 8, axis=2)
    rows = np.flatnonzero(grey.sum(axis=1) > 40)
    assert len(rows) > 0
    # the bar is the first run of rows with grey (the legend patch comes later, lower down)
    breaks = np.flatnonzero(np.diff(rows) > 1)
    bar_rows = rows[: breaks[0] + 1] if len(breaks) else rows
    cols = np.flatnonzero(grey[bar_rows].any(axis=0))
    # the grey segment spans both hidden cells (15 % of the width) as one, not split at the 5 % boundary
    assert not _has_full_white_separator(img, bar_rows, cols.min(), cols.max())


def _has_full_white_separator(img, rows, lo, hi) -> bool:
    """A vertical white line crossing the whole bar height inside the grey segment would show the split."""
    band = img[rows.min():rows.max() + 1, lo:hi + 1]
    return bool(np.any(np.all(band > 240, axis=(0, 2))))


def svg_text_sizes(svg: str) -> list[float]:
    """Font sizes (pt) of the text of a matplotlib SVG: each text group is scaled by size / 100."""
    return [float(a) * 100 for a, b in re.findall(r"scale\(([\d.]+) -([\d.]+)\)", svg) if a == b]


def test_bar_chart_is_vector_for_html_and_pdf_and_300_dpi_for_word(tmp_path):
    stem = tmp_path / "b"
    bar_chart(stem, ["a very long project name that needs to wrap onto more than one line", "b"], [3, 1],
              ["3", "1"], "n")
    svg = (tmp_path / "b.svg").read_text(encoding="utf-8")
    assert re.search(r'<svg [^>]*width="432pt"', svg)  # printed at the PDF's text width, 6 in
    sizes = svg_text_sizes(svg)
    assert len(sizes) >= 6 and min(sizes) >= MIN_FONT_PT == 8.0
    png = Image.open(tmp_path / "b.png")
    assert png.size[0] == 300 * FIGURE_WIDTH_IN == 1800 and round(png.info["dpi"][0]) == 300
    assert figure_ref(tmp_path / "b.png", tmp_path.parent) == f"{tmp_path.name}/b"


def test_the_stacked_chart_text_is_at_least_8_pt_at_its_printed_size(tmp_path):
    stacked_share_chart(tmp_path / "c", ["Awareness of labor laws and rights", "Coordination"], ["Low", "Moderate",
                        "Above moderate", "High"], [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]],
                        [["10%", "20%", "30%", "40%"], ["25%", "25%", "25%", "25%"]], ["70%", "50%"],
                        "Share Above moderate or High", "Share of valid answers (%)", "Answer")
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert min(svg_text_sizes(svg)) >= MIN_FONT_PT and "<!-- Awareness of labor laws and rights -->" in svg


def test_a_chart_too_wide_or_with_small_text_is_refused(tmp_path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.6, 3))
    with pytest.raises(ValueError, match="printed 6.0 in wide"):
        save_figure(fig, tmp_path / "wide")
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.text(0.5, 0.5, "tiny", fontsize=6)
    with pytest.raises(ValueError, match="6.0 pt text"):
        save_figure(fig, tmp_path / "tiny")
    assert list(tmp_path.iterdir()) == []


def test_charts_are_the_same_bytes_each_time(tmp_path):
    for name in ("one", "two"):
        bar_chart(tmp_path / name, ["a", "b"], [3, 1], ["3", "1"], "n")
    for fmt in ("svg", "png"):
        assert (tmp_path / f"one.{fmt}").read_bytes() == (tmp_path / f"two.{fmt}").read_bytes()


def test_an_embedded_image_keeps_one_text_alternative():
    from evalkit.render.embedded import single_text_alternative

    html = (
        '<img role="img" aria-label="Bars: A &amp; B" src="data:image/svg+xml;base64,PHN2Zz4=" alt="Bars: A &amp; B" />'
        '<img role="img" aria-label="Other" src="x.svg" alt="Not the same" />'
    )
    assert single_text_alternative(html) == (
        '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="Bars: A &amp; B" />'
        '<img role="img" aria-label="Other" src="x.svg" alt="Not the same" />'
    )


def test_a_label_is_drawn_as_written_never_as_math(tmp_path):
    bar_chart(tmp_path / "m", ["Fines $5 and $10", "Broken $x^{$ math"], [3, 1], ["3", "1"], "n")
    svg = (tmp_path / "m.svg").read_text(encoding="utf-8")
    assert "<!-- Fines $5 and $10 -->" in svg and "<!-- Broken $x^{$ math -->" in svg


def test_the_chart_width_is_the_text_width_of_the_pdf_template():
    from pathlib import Path

    from evalkit.render.embedded import TYPST_TEMPLATE

    page = Path(TYPST_TEMPLATE).read_text(encoding="utf-8")
    m = re.search(r'#set page\(paper: "us-letter", margin: \(x: ([\d.]+)in', page)
    assert m and 8.5 - 2 * float(m.group(1)) == FIGURE_WIDTH_IN


def test_a_bar_chart_of_counts_ticks_whole_numbers_only(tmp_path, monkeypatch):
    from evalkit.documents import charts

    seen = []
    monkeypatch.setattr(charts, "save_figure", lambda fig, path: seen.append(fig.axes[0].get_xticks()))
    bar_chart(tmp_path / "n", ["a", "b", "c"], [2, 1, 0], ["2", "1", "0"], "projects", max_value=3,
              whole_numbers=True)
    bar_chart(tmp_path / "m", ["a", "b", "c"], [2, 1, 0], ["2", "1", "0"], "projects", max_value=3)
    assert all(float(t).is_integer() for t in seen[0]) and len(seen[0]) >= 3
    assert not all(float(t).is_integer() for t in seen[1])  # the default axis would show 0.5 steps
