"""Accessible charts: matplotlib figures whose alt text is generated from the same data.

Colours are never the only carrier of meaning: every segment also has its own hatch pattern, the
legend lists levels in the same left-to-right order as the bars, shares are written on the bars
(on a white label, so text contrast does not depend on the fill), and a data table accompanies
every chart. Fill colours have at least 3:1 contrast with the white background.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .io import atomic_write_bytes  # noqa: E402

# Ordinal, diverging palette (low -> high); each has >= 3:1 contrast with white.
ORDINAL_PALETTE = ("#b2182b", "#c4502b", "#2c7bb6", "#1a4f8a")
HATCHES = ("//", "..", "\\\\", "xx")
TEXT_COLOR = "#1a1a1a"
BACKGROUND = "#ffffff"


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


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
                        xlabel: str, legend_title: str, min_label_share: float = 0.07) -> None:
    """Horizontal 100 % stacked bars, one per item (top to bottom in the given order).

    shares[i][j]: share of item i at level j (rows add up to 1); share_labels: their display forms;
    right_labels: one display string per item written right of its bar under right_title.
    """
    colours = palette(len(levels))
    n = len(items)
    fig, ax = plt.subplots(figsize=(8.6, 0.55 * n + 1.9), dpi=150)
    fig.patch.set_facecolor(BACKGROUND)
    y = list(range(n))[::-1]
    left = [0.0] * n
    for j, level in enumerate(levels):
        widths = [row[j] for row in shares]
        ax.barh(y, widths, left=left, color=colours[j], edgecolor=BACKGROUND, linewidth=1.2,
                hatch=HATCHES[j % len(HATCHES)], label=level, height=0.7)
        for i in range(n):
            if widths[i] >= min_label_share:
                ax.text(left[i] + widths[i] / 2, y[i], share_labels[i][j], ha="center", va="center",
                        fontsize=8, color=TEXT_COLOR,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": BACKGROUND, "edgecolor": "none"})
        left = [a + b for a, b in zip(left, widths)]
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
    ax.legend(title=legend_title, ncols=len(levels), loc="upper center", bbox_to_anchor=(0.5, -0.22),
              frameon=False, fontsize=8, title_fontsize=8, handleheight=1.4, handlelength=2.2)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, facecolor=BACKGROUND)
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())
