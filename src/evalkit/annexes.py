"""Annexes generated from the content registry, in each document language: the summary of
recommendations, the domain linkages (table and heat map), the linkage figure (findings ->
recommendations -> TOsC domains, with a text alternative), and evaluation questions -> sections.
Every number in them (finding, recommendation and domain numbers, counts) is generated."""

from __future__ import annotations

import io
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .charts import BACKGROUND, TEXT_COLOR, contrast_ratio  # noqa: E402
from .content import Registry  # noqa: E402
from .fragments import md_attr, md_table  # noqa: E402
from .i18n import translator  # noqa: E402
from .io import atomic_write_bytes  # noqa: E402

LEVELS = ("high", "medium", "low")
HEAT = ("#ffffff", "#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08519c", "#08306b")  # light -> dark blue


def recommendations_annex(reg: Registry, lang: str) -> str:
    _ = translator(lang)
    fnum = reg.finding_numbers()
    findings = reg.by_id("findings")
    addressees = reg.by_id("addressees")
    rows = []
    for n, r in enumerate(reg.data["recommendations"], start=1):
        support = "; ".join(_("Finding {number}: {title}", number=fnum[f], title=findings[f]["title"][lang])
                            for f in r["findings"])
        rows.append([str(n), r["title"][lang], support, ", ".join(addressees[a]["name"][lang] for a in r["addressees"])])
    return md_table([_("No."), _("Recommendation"), _("Supporting findings"), _("Addressed to")], rows,
                  _("Summary of recommendations: the findings each rests on and the parties it is addressed to"),
                  "tbl-annex-recommendations", text_columns=4, first_width=4)


def linkage_counts(reg: Registry) -> dict:
    """{(theme, domain): {level: count}} of leverage points (a point with two domains counts in both)."""
    counts: dict = {}
    for f, lp in reg.leverage_points():
        for d in lp["domains"]:
            cell = counts.setdefault((f["theme"], d), {lv: 0 for lv in LEVELS})
            cell[lp["level"]] += 1
    return counts


def heat_map(path: Path, row_labels: list[str], col_labels: list[str], matrix: np.ndarray, xlabel: str) -> None:
    """A heat map whose every cell also prints its count, in a text colour with >= 4.5:1 contrast on
    that cell's fill, so the colour never carries the meaning alone."""
    top = max(int(matrix.max()), 1)
    fig, ax = plt.subplots(figsize=(8.6, 0.5 * len(row_labels) + 2.2), dpi=150)
    fig.patch.set_facecolor(BACKGROUND)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            v = int(matrix[i, j])
            fill = HEAT[min(len(HEAT) - 1, round(v / top * (len(HEAT) - 1)))] if v else HEAT[0]
            ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor=fill, edgecolor="#8c8c8c", linewidth=0.6))
            text = TEXT_COLOR if contrast_ratio(TEXT_COLOR, fill) >= 4.5 else "#ffffff"
            ax.text(j + 0.5, i + 0.5, str(v) if v else "–", ha="center", va="center", fontsize=9, color=text)
    ax.set_xlim(0, matrix.shape[1])
    ax.set_ylim(matrix.shape[0], 0)
    ax.set_xticks(np.arange(matrix.shape[1]) + 0.5, labels=col_labels, fontsize=8.5, color=TEXT_COLOR)
    ax.set_yticks(np.arange(matrix.shape[0]) + 0.5, labels=row_labels, fontsize=8.5, color=TEXT_COLOR)
    ax.xaxis.tick_top()
    ax.set_xlabel(xlabel, color=TEXT_COLOR, fontsize=9)
    ax.xaxis.set_label_position("top")
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(length=0)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, facecolor=BACKGROUND)
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def domain_annex(reg: Registry, lang: str, figure_path: Path, doc_dir: Path) -> str:
    _ = translator(lang)
    themes = reg.data["themes"]
    domains = reg.tosc["domains"]
    counts = linkage_counts(reg)
    matrix = np.array([[sum(counts.get((t["id"], d["key"]), {}).values()) for d in domains] for t in themes])
    row_labels = [f"{i}. {t['title'][lang]}" for i, t in enumerate(themes, start=1)]
    col_labels = [str(i) for i in range(1, len(domains) + 1)]
    heat_map(figure_path, row_labels, col_labels, matrix, _("TOsC outcome domain"))
    legend = "; ".join(f"{i}. {d['name'][lang]}" for i, d in enumerate(domains, start=1))
    details = []
    for label, row in zip(row_labels, matrix):
        top = [f"{j + 1}" for j in np.argsort(-row, kind="stable")[:2] if row[j]]
        details.append(_("{theme}: {count} leverage points, most in domains {domains}", theme=label,
                         count=int(row.sum()), domains=", ".join(top) or "–"))
    alt = _("Heat map of leverage points by thematic category (rows) and TOsC outcome domain (columns {first} to "
            "{last}); each cell gives the number of leverage points. {details}. Domains: {legend}.",
            first=1, last=len(domains), details="; ".join(details), legend=legend)
    rel = Path(os.path.relpath(figure_path, doc_dir)).as_posix()
    caption = _("Domain linkages: leverage points by thematic category and TOsC outcome domain")
    rows = []
    for label, t in zip(row_labels, themes):
        cells = []
        for d in domains:
            c = counts.get((t["id"], d["key"]))
            cells.append(" / ".join(str(c[lv]) for lv in LEVELS) if c else "–")
        rows.append([label] + cells)
    header = [_("Thematic category")] + col_labels
    table = md_table(header, rows, _("Domain linkages: leverage points by thematic category and TOsC outcome domain, "
                                   "as high / medium / low (domains: {legend})", legend=legend),
                   "tbl-annex-domains", first_width=30)
    return f'![{caption}]({rel}){{#fig-annex-domains fig-alt="{md_attr(alt)}"}}\n\n' + table


def linkage_annex(reg: Registry, lang: str, figure_path: Path, doc_dir: Path) -> str:
    """Findings -> recommendations -> domains: a three-column diagram and, as its text alternative, a table."""
    _ = translator(lang)
    fnum = reg.finding_numbers()
    dnum = reg.domain_numbers()
    findings = reg.by_id("findings")
    recs = reg.data["recommendations"]
    used = [f["id"] for f in reg.data["findings"] if any(f["id"] in r["findings"] for r in recs)]
    reach = []
    for r in recs:
        doms = sorted({d for f in r["findings"] for lp in findings[f].get("leverage_points", []) for d in lp["domains"]},
                      key=lambda d: dnum[d])
        reach.append(doms)
    domains_used = sorted({d for ds in reach for d in ds}, key=lambda d: dnum[d])
    # diagram
    fig, ax = plt.subplots(figsize=(8.6, max(4.0, 0.24 * len(used) + 1.2)), dpi=150)
    fig.patch.set_facecolor(BACKGROUND)

    def ys(n):
        return np.linspace(0.97, 0.03, n) if n > 1 else np.array([0.5])

    fy = dict(zip(used, ys(len(used))))
    ry = dict(zip(range(len(recs)), ys(len(recs))))
    dy = dict(zip(domains_used, ys(len(domains_used))))
    for i, r in enumerate(recs):
        for f in r["findings"]:
            ax.plot([0.12, 0.45], [fy[f], ry[i]], color="#6b6b6b", linewidth=0.7)
        for d in reach[i]:
            ax.plot([0.55, 0.86], [ry[i], dy[d]], color="#2171b5", linewidth=0.7, linestyle="--")
    box = {"boxstyle": "round,pad=0.2", "facecolor": BACKGROUND, "edgecolor": "#595959"}
    for f, y in fy.items():
        ax.text(0.1, y, _("Finding {number}", number=fnum[f]), ha="right", va="center", fontsize=7, color=TEXT_COLOR, bbox=box)
    for i, y in ry.items():
        ax.text(0.5, y, _("Recommendation {number}", number=i + 1), ha="center", va="center", fontsize=7,
                color=TEXT_COLOR, bbox=box)
    for d, y in dy.items():
        ax.text(0.88, y, _("Domain {number}", number=dnum[d]), ha="left", va="center", fontsize=7, color=TEXT_COLOR,
                bbox=box)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(0, 1)
    ax.axis("off")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, facecolor=BACKGROUND)
    plt.close(fig)
    atomic_write_bytes(figure_path, buf.getvalue())
    domains = {d["key"]: d for d in reg.tosc["domains"]}
    rows = [[str(i + 1), r["title"][lang], ", ".join(fnum[f] for f in r["findings"]),
             ", ".join(f"{dnum[d]}. {domains[d]['name'][lang]}" for d in reach[i]) or "–"]
            for i, r in enumerate(recs)]
    alt = _("Diagram linking findings (left) to the recommendations that rest on them (middle) and to the TOsC "
            "outcome domains those findings' leverage points address (right). The table that follows gives the same "
            "links: {summary}.", summary="; ".join(
                _("recommendation {number}: findings {findings}; domains {domains}", number=i + 1,
                  findings=", ".join(fnum[f] for f in r["findings"]),
                  domains=", ".join(str(dnum[d]) for d in reach[i]) or "–") for i, r in enumerate(recs)))
    rel = Path(os.path.relpath(figure_path, doc_dir)).as_posix()
    caption = _("Linkages: findings, recommendations and TOsC outcome domains")
    return (f'![{caption}]({rel}){{#fig-annex-linkages fig-alt="{md_attr(alt)}"}}\n\n'
            + md_table([_("No."), _("Recommendation"), _("Findings"), _("Domains reached")], rows,
                     _("Linkages of each recommendation: its findings and the outcome domains of their leverage points"),
                     "tbl-annex-linkages", text_columns=4, first_width=4))


def questions_annex(reg: Registry, lang: str) -> str:
    _ = translator(lang)
    themes = {t["id"]: (i, t) for i, t in enumerate(reg.data["themes"], start=1)}
    rows = []
    for c in reg.data["criteria"]:
        for q in c["questions"]:
            where = "; ".join(f"{themes[t][0]}. {themes[t][1]['title'][lang]}" for t in q["themes"])
            rows.append([c["name"][lang], q["text"][lang], where])
    return md_table([_("Criterion"), _("Evaluation question"), _("Answered in thematic categories")], rows,
                  _("Evaluation questions and the thematic categories of the findings that answer them"),
                  "tbl-annex-questions", text_columns=3, first_width=14)


def annexes_fragment(reg: Registry, lang: str, figure_dir: Path, doc_dir: Path) -> str:
    """All generated annexes as one Markdown fragment (second-level headings)."""
    _ = translator(lang)
    parts = [
        f"## {_('Summary of recommendations')}\n\n" + recommendations_annex(reg, lang),
        f"## {_('Domain linkages')}\n\n" + domain_annex(reg, lang, figure_dir / "annex-domains.png", doc_dir),
        f"## {_('Linkages between findings, recommendations and domains')}\n\n"
        + linkage_annex(reg, lang, figure_dir / "annex-linkages.png", doc_dir),
        f"## {_('Evaluation questions and where they are answered')}\n\n" + questions_annex(reg, lang),
    ]
    return "\n\n".join(parts) + "\n"
