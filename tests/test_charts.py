"""Chart colours meet the contrast the developers' guide requires; suppressed cells leave no trace."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from evalkit.charts import (BACKGROUND, BAR_COLOR, ORDINAL_PALETTE, SUPPRESSED_COLOR, TEXT_COLOR, bar_chart,
                            contrast_ratio, stacked_share_chart)


def test_contrast_ratio_of_black_and_white():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)


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


def test_bar_chart_writes_a_png(tmp_path):
    path = tmp_path / "b.png"
    bar_chart(path, ["a very long project name that needs to wrap onto more than one line", "b"], [3, 1],
              ["3", "1"], "n")
    assert Image.open(path).size[0] > 100
