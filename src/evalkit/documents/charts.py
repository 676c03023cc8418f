"""Accessible charts: matplotlib figures whose alt text is generated from the same data.

Colours are never the only carrier of meaning: every segment also has its own hatch pattern, the
legend lists levels in the same left-to-right order as the bars, shares are written on the bars
(on a white label, so text contrast does not depend on the fill), and a data table accompanies
every chart. Fill colours have at least 3:1 contrast with the white background.

Every chart is drawn at the width it is printed (:data:`FIGURE_WIDTH_IN`, the PDF's text width),
with no text under :data:`MIN_FONT_PT`, and saved twice (:func:`save_figure`): as SVG for HTML and
the PDF (vector, sharp at any zoom) and as a 300 dpi PNG for Word. Documents cite a figure without
its extension (:func:`figure_ref`); each renderer picks its format (pandoc's and Quarto's
``default-image-extension``).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from evalkit.core.io import atomic_write_bytes  # noqa: E402

#: Printed width of a chart: US letter (8.5 in) less the 1.25 in side margins of the PDF's Typst
#: template (render/page.typst), so the PDF shows a chart at its own size and its text at the size
#: it was set in.
FIGURE_WIDTH_IN = 6.0
#: The smallest text a chart may hold, in points at its printed size.
MIN_FONT_PT = 8.0
#: Resolution of the PNG copy (Word): sharp when printed at FIGURE_WIDTH_IN.
PNG_DPI = 300
FIGURE_FORMATS = ("svg", "png")

# text.parse_math off: labels are registry and codebook texts, drawn as written ("$5" stays "$5")
plt.rcParams.update({"font.size": 9, "svg.fonttype": "path", "svg.hashsalt": "evalkit", "text.parse_math": False})

# Ordinal, diverging palette (low -> high), up to five levels (a neutral middle for a five-point scale;
# four levels use the four around it); each has >= 3:1 contrast with white.
ORDINAL_PALETTE = ("#b2182b", "#c4502b", "#6a4c93", "#2c7bb6", "#1a4f8a")
HATCHES = ("//", "..", "\\\\", "xx", "||")
SUPPRESSED_COLOR = "#767676"   # grey, 4.5:1 against white
SUPPRESSED_HATCH = "--"
TEXT_COLOR = "#1a1a1a"
BACKGROUND = "#ffffff"


def _stem(path: str | Path) -> Path:
    path = Path(path)
    return path.with_suffix("") if path.suffix.lower() in (".png", ".svg") else path


def figure_ref(path: str | Path, doc_dir: str | Path) -> str:
    """How a document at ``doc_dir`` cites the figure saved at ``path``: relative, without extension."""
    return Path(os.path.relpath(_stem(path), doc_dir)).as_posix()


def smallest_font(fig) -> float:
    """The size, in points, of the smallest visible text of ``fig``."""
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes, default=MIN_FONT_PT)


def save_figure(fig, path: str | Path) -> list[Path]:
    """Write ``fig`` as ``<stem>.svg`` and ``<stem>.png`` (``path`` with or without an extension),
    deterministically, and close it. Refuses a figure wider than it is printed or with text under
    :data:`MIN_FONT_PT`."""
    width = fig.get_figwidth()
    small = smallest_font(fig)
    if width > FIGURE_WIDTH_IN + 1e-6 or small < MIN_FONT_PT:
        plt.close(fig)
        raise ValueError(f"{path}: a chart is printed {FIGURE_WIDTH_IN} in wide with text of at least "
                         f"{MIN_FONT_PT} pt; this one is {width} in wide with {small} pt text")
    stem = _stem(path)
    written = []
    for fmt in FIGURE_FORMATS:
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None}, facecolor=BACKGROUND)
        else:
            fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None}, facecolor=BACKGROUND)
        target = stem.with_suffix(f".{fmt}")
        atomic_write_bytes(target, buf.getvalue())
        written.append(target)
    plt.close(fig)
    return written


def palette(n: int) -> list[str]:
    if n > len(ORDINAL_PALETTE):
        raise ValueError(f"the ordinal palette has {len(ORDINAL_PALETTE)} colours; a scale has {n} levels")
    if n == len(ORDINAL_PALETTE):
        return list(ORDINAL_PALETTE)
    # keep the two ends, drop from the middle
    step = (len(ORDINAL_PALETTE) - 1) / (n - 1)
    return [ORDINAL_PALETTE[round(i * step)] for i in range(n)]


def stacked_share_chart(path: str | Path, items: list[str], levels: list[str], shares: list[list[float]],
                        share_labels: list[list[str]], right_labels: list[str], right_title: str,
                        xlabel: str, legend_title: str, min_label_share: float = 0.07,
                        hidden: list[set[int]] | None = None, hidden_label: str = "",
                        hidden_share_labels: list[dict[int, str]] | None = None) -> None:
    """Horizontal 100 % stacked bars, one per item (top to bottom in the given order).

    shares[i][j]: share of item i at level j (rows add up to 1); share_labels: their display forms;
    right_labels: one display string per item written right of its bar under right_title.
    hidden[i]: levels of item i suppressed for disclosure control; each run of adjacent hidden levels
    is drawn as ONE grey, hatched segment (so the split inside it cannot be read off the chart),
    labelled with hidden_share_labels[i][first level of the run] and listed in the legend as hidden_label.
    """
    colours = palette(len(levels))
    n = len(items)
    hidden = hidden or [set() for _ in items]
    hidden_share_labels = hidden_share_labels or [{} for _ in items]
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 0.5 * n + 1.9))
    fig.patch.set_facecolor(BACKGROUND)
    y = list(range(n))[::-1]
    left = [0.0] * n
    box = {"boxstyle": "round,pad=0.15", "facecolor": BACKGROUND, "edgecolor": "none"}
    any_hidden = False
    for j, level in enumerate(levels):
        widths = [0.0 if j in hidden[i] else row[j] for i, row in enumerate(shares)]
        shown = [i for i in range(n) if j not in hidden[i]]   # no bar at all for a hidden cell, not even an edge
        ax.barh([y[i] for i in shown], [widths[i] for i in shown], left=[left[i] for i in shown],
                color=colours[j], edgecolor=BACKGROUND, linewidth=1.2, hatch=HATCHES[j % len(HATCHES)],
                label=level, height=0.7)
        for i in range(n):
            if j in hidden[i] and (j - 1) not in hidden[i]:       # start of a hidden run
                run = j
                width = 0.0
                while run in hidden[i]:
                    width += shares[i][run]
                    run += 1
                any_hidden = True
                ax.barh([y[i]], [width], left=[left[i]], color=SUPPRESSED_COLOR, edgecolor=BACKGROUND,
                        linewidth=1.2, hatch=SUPPRESSED_HATCH, height=0.7)
                if width >= min_label_share and j in hidden_share_labels[i]:
                    ax.text(left[i] + width / 2, y[i], hidden_share_labels[i][j], ha="center", va="center",
                            fontsize=8, color=TEXT_COLOR, bbox=box)
            elif widths[i] >= min_label_share:
                ax.text(left[i] + widths[i] / 2, y[i], share_labels[i][j], ha="center", va="center",
                        fontsize=8, color=TEXT_COLOR, bbox=box)
        left = [a + row[j] for a, row in zip(left, shares, strict=True)]
    if any_hidden:
        ax.barh([0], [0], color=SUPPRESSED_COLOR, hatch=SUPPRESSED_HATCH, edgecolor=BACKGROUND, label=hidden_label)
    ax.set_yticks(y, labels=items, fontsize=9, color=TEXT_COLOR)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], labels=["0", "25", "50", "75", "100"], color=TEXT_COLOR)
    ax.set_xlabel(xlabel, color=TEXT_COLOR)
    for i in range(n):
        ax.text(1.02, y[i], right_labels[i], ha="left", va="center", fontsize=9, fontweight="bold",
                color=TEXT_COLOR, transform=ax.get_yaxis_transform())
    ax.text(1.02, n - 0.35, right_title, ha="left", va="bottom", fontsize=8, color=TEXT_COLOR,
            transform=ax.get_yaxis_transform(), wrap=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(
        title=legend_title,
        ncols=3 if any_hidden else len(levels),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        frameon=False,
        fontsize=8,
        title_fontsize=8,
        handleheight=1.4,
        handlelength=2.2,
    )
    fig.tight_layout()
    save_figure(fig, path)


BAR_COLOR = "#1a4f8a"  # 8.9:1 against white


def bar_chart(
    path: str | Path,
    labels: list[str],
    values: list[float],
    value_labels: list[str],
    xlabel: str,
    max_value: float | None = None,
    whole_numbers: bool = False,
) -> None:
    """Horizontal bars, one per label (top to bottom in the given order), each labelled directly
    with its display value, so neither colour nor the axis is needed to read it. `whole_numbers`:
    the axis ticks only whole numbers (counts)."""
    import textwrap

    n = len(labels)
    labels = [textwrap.fill(lab, 30) for lab in labels]  # long names wrap instead of being cut off
    lines = max((lab.count("\n") + 1 for lab in labels), default=1)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, (0.3 + 0.17 * lines) * n + 1.1))
    fig.patch.set_facecolor(BACKGROUND)
    y = list(range(n))[::-1]
    top = max_value if max_value is not None else (max(values) if values else 1) or 1
    ax.barh(y, values, color=BAR_COLOR, height=0.65, edgecolor=BACKGROUND)
    for yi, v, lab in zip(y, values, value_labels, strict=True):
        ax.text(v + top * 0.01, yi, lab, ha="left", va="center", fontsize=9, color=TEXT_COLOR)
    ax.set_yticks(y, labels=labels, fontsize=8.5, color=TEXT_COLOR)
    ax.set_xlim(0, top * 1.18)
    if whole_numbers:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel, color=TEXT_COLOR)
    ax.tick_params(axis="x", colors=TEXT_COLOR)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    save_figure(fig, path)
