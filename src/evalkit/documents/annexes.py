"""Annexes generated from the content registry, in each document language: the summary of
recommendations, the domain linkages (table and heat map), the linkage figure (findings ->
recommendations -> TOsC domains, with a text alternative), and evaluation questions -> sections.
Every number in them (finding, recommendation and domain numbers, counts) is generated."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from evalkit.content.registry import Registry  # noqa: E402
from evalkit.core.colour import contrast_ratio  # noqa: E402
from evalkit.core.i18n import translator  # noqa: E402
from evalkit.documents.charts import BACKGROUND, FIGURE_WIDTH_IN, TEXT_COLOR, figure_ref, save_figure  # noqa: E402
from evalkit.documents.fragments import md_attr, md_table  # noqa: E402

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
        to = ", ".join(addressees[a]["name"][lang] for a in r["addressees"])
        rows.append([str(n), r["title"][lang], support, to])
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
    that cell's fill, so the colour never carries the meaning alone. Columns are named in full,
    slanted over the top."""
    top = max(int(matrix.max()), 1)
    rows = [textwrap.fill(label, 30) for label in row_labels]
    lines = max(label.count("\n") + 1 for label in rows)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, (0.18 + 0.13 * lines) * len(rows) + 1.9))
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
    ax.set_xticks(np.arange(matrix.shape[1]) + 0.5, labels=col_labels, fontsize=8, color=TEXT_COLOR,
                  rotation=40, ha="left", rotation_mode="anchor")
    ax.set_yticks(np.arange(matrix.shape[0]) + 0.5, labels=rows, fontsize=8, color=TEXT_COLOR)
    ax.xaxis.tick_top()
    ax.set_xlabel(xlabel, color=TEXT_COLOR, fontsize=9)
    ax.xaxis.set_label_position("top")
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(length=0)
    fig.tight_layout()
    save_figure(fig, path)


def dot_matrix(path: Path, row_labels: list[str], panels: list[tuple[str, list[str], list[set[int]]]]) -> None:
    """Rows against the columns of one or more panels side by side: a filled dot where row i links to
    column j (``panels``: title, column labels, and per row the set of linked columns). A dot is a
    shape, so colour carries nothing; the column labels stand upright over the top."""
    rows = [textwrap.fill(label, 34) for label in row_labels]
    lines = max(label.count("\n") + 1 for label in rows)
    widths = [len(cols) for _, cols, _ in panels]
    longest = max(len(c) for _, cols, _ in panels for c in cols)
    fig, axes = plt.subplots(1, len(panels), figsize=(FIGURE_WIDTH_IN, (0.1 + 0.12 * lines) * len(rows)
                                                      + 0.7 + 0.075 * longest),
                             gridspec_kw={"width_ratios": widths}, squeeze=False, layout="constrained")
    fig.patch.set_facecolor(BACKGROUND)
    for p, (ax, (title, cols, links)) in enumerate(zip(axes[0], panels, strict=True)):
        for i in range(len(rows)):
            ax.axhline(i, color="#d9d9d9", linewidth=0.5, zorder=0)
            xs = sorted(links[i])
            ax.scatter([x for x in xs], [i] * len(xs), s=42, color=TEXT_COLOR, zorder=2)
        for j in range(len(cols)):
            ax.axvline(j, color="#d9d9d9", linewidth=0.5, zorder=0)
        ax.set_xlim(-0.6, len(cols) - 0.4)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xticks(range(len(cols)), labels=cols, fontsize=8, color=TEXT_COLOR, rotation=90)
        ax.xaxis.tick_top()
        ax.set_xlabel(textwrap.fill(title, max(14, int(2.2 * len(cols)))), color=TEXT_COLOR, fontsize=9)
        ax.xaxis.set_label_position("bottom")
        if p == 0:
            ax.set_yticks(range(len(rows)), labels=rows, fontsize=8, color=TEXT_COLOR)
        else:
            ax.set_yticks(range(len(rows)), labels=[])
        for side in ax.spines.values():
            side.set_color("#8c8c8c")
        ax.tick_params(length=0)
    save_figure(fig, path)


def domain_annex(reg: Registry, lang: str, figure_path: Path, doc_dir: Path) -> str:
    _ = translator(lang)
    themes = reg.data["themes"]
    domains = reg.tosc["domains"]
    counts = linkage_counts(reg)
    matrix = np.array([[sum(counts.get((t["id"], d["key"]), {}).values()) for d in domains] for t in themes])
    row_labels = [f"{i}. {t['title'][lang]}" for i, t in enumerate(themes, start=1)]
    col_labels = [str(i) for i in range(1, len(domains) + 1)]
    names = [f"{i}. {d['name'][lang]}" for i, d in enumerate(domains, start=1)]
    heat_map(figure_path, row_labels, names, matrix, _("TOsC outcome domain"))
    legend = "; ".join(names)
    i, j = np.unravel_index(int(np.argmax(matrix)), matrix.shape)
    alt = _("Heat map of the number of leverage points in each thematic category (rows) and TOsC outcome domain "
            "(columns). The most, {count}, are in {theme} and {domain}. The table that follows gives every count.",
            count=int(matrix[i, j]), theme=row_labels[i], domain=names[j])
    caption = _("Domain linkages: leverage points by thematic category and TOsC outcome domain")
    rows = []
    for label, t in zip(row_labels, themes, strict=True):
        cells = []
        for d in domains:
            c = counts.get((t["id"], d["key"]))
            cells.append(" / ".join(str(c[lv]) for lv in LEVELS) if c else "–")
        rows.append([label] + cells)
    header = [_("Thematic category")] + col_labels
    table = md_table(header, rows, _("Domain linkages: leverage points by thematic category and TOsC outcome domain, "
                                   "as high / medium / low (domains: {legend})", legend=legend),
                   "tbl-annex-domains", first_width=30)
    return (f'![{caption}]({figure_ref(figure_path, doc_dir)}){{#fig-annex-domains fig-alt="{md_attr(alt)}"}}\n\n'
            + table)


def linkage_annex(reg: Registry, lang: str, figure_path: Path, doc_dir: Path) -> str:
    """Recommendations against the findings they rest on and the TOsC domains those findings' leverage
    points address: a dot matrix and, as its text alternative, a table."""
    _ = translator(lang)
    fnum = reg.finding_numbers()
    dnum = reg.domain_numbers()
    findings = reg.by_id("findings")
    recs = reg.data["recommendations"]
    used = [f["id"] for f in reg.data["findings"] if any(f["id"] in r["findings"] for r in recs)]
    reach = []
    for r in recs:
        doms = sorted({d for f in r["findings"] for lp in findings[f].get("leverage_points", [])
                       for d in lp["domains"]}, key=lambda d: dnum[d])
        reach.append(doms)
    all_domains = reg.tosc["domains"]
    rec_labels = [f"{i}. {r['title'][lang]}" for i, r in enumerate(recs, start=1)]
    dot_matrix(figure_path, rec_labels, [
        (_("Findings"), [fnum[f] for f in used], [{used.index(f) for f in r["findings"]} for r in recs]),
        (_("TOsC outcome domains"), [f"{dnum[d['key']]}. {d['name'][lang]}" for d in all_domains],
         [{dnum[d] - 1 for d in ds} for ds in reach]),
    ])
    domains = {d["key"]: d for d in all_domains}
    rows = [[str(i + 1), r["title"][lang], ", ".join(fnum[f] for f in r["findings"]),
             ", ".join(f"{dnum[d]}. {domains[d]['name'][lang]}" for d in reach[i]) or "–"]
            for i, r in enumerate(recs)]
    widest = max(range(len(recs)), key=lambda i: (len(recs[i]["findings"]), len(reach[i]), -i))
    alt = _("Dot matrix of the {count} recommendations (rows) against the findings each rests on and the TOsC "
            "outcome domains of those findings' leverage points (columns). Recommendation {number} ({title}) rests "
            "on the most findings, {findings}, and reaches {domains} domains. The table that follows gives every link.",
            count=len(recs), number=widest + 1, title=recs[widest]["title"][lang],
            findings=len(recs[widest]["findings"]), domains=len(reach[widest]))
    caption = _("Linkages: findings, recommendations and TOsC outcome domains")
    return (f'![{caption}]({figure_ref(figure_path, doc_dir)}){{#fig-annex-linkages fig-alt="{md_attr(alt)}"}}\n\n'
            + md_table([_("No."), _("Recommendation"), _("Findings"), _("Domains reached")], rows,
                     _("Linkages of each recommendation: its findings and the outcome domains of their leverage "
                       "points"), "tbl-annex-linkages", text_columns=4, first_width=4))


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


def annexes_fragment(reg: Registry, lang: str, figure_dir: Path, doc_dir: Path, questions: bool = True) -> str:
    """All generated annexes as one Markdown fragment (second-level headings). ``questions=False``
    leaves out the evaluation questions (a report that places them in its terms-of-reference annex,
    from :func:`questions_annex`)."""
    _ = translator(lang)
    parts = [f"## {_('Theory of change')}\n\n" + theory_of_change_annex(reg, lang, figure_dir, doc_dir)] \
        if reg.data.get("theory_of_change") else []
    parts += [
        f"## {_('Summary of recommendations')}\n\n" + recommendations_annex(reg, lang),
        f"## {_('Domain linkages')}\n\n" + domain_annex(reg, lang, figure_dir / "annex-domains", doc_dir),
        f"## {_('Linkages between findings, recommendations and domains')}\n\n"
        + linkage_annex(reg, lang, figure_dir / "annex-linkages", doc_dir),
    ]
    if questions:
        parts.append(f"## {_('Evaluation questions and where they are answered')}\n\n" + questions_annex(reg, lang))
    return "\n\n".join(parts) + "\n"


# --- the portfolio's theory of change -------------------------------------------------------------

def loop_diagram(path: Path, steps: list[str]) -> None:
    """A feedback loop: the steps as labelled boxes on a circle, each joined to the next by an arrow
    (the last back to the first). The order is in the arrows and in the numbers, not in colour."""
    n = len(steps)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 3.6))
    fig.patch.set_facecolor(BACKGROUND)
    angles = [np.pi / 2 - 2 * np.pi * i / n for i in range(n)]
    pts = [(np.cos(a) * 1.55, np.sin(a)) for a in angles]
    for i, ((x, y), label) in enumerate(zip(pts, steps, strict=True)):
        ax.text(x, y, f"{i + 1}. " + textwrap.fill(label, 18), ha="center", va="center", fontsize=9, color=TEXT_COLOR,
                bbox={"boxstyle": "round,pad=0.45", "facecolor": "#eef3f9", "edgecolor": "#1a4f8a", "linewidth": 1})
    for i in range(n):
        (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % n]
        ax.annotate("", xy=(x0 + (x1 - x0) * 0.72, y0 + (y1 - y0) * 0.72),
                    xytext=(x0 + (x1 - x0) * 0.28, y0 + (y1 - y0) * 0.28),
                    arrowprops={"arrowstyle": "-|>", "color": TEXT_COLOR, "linewidth": 1.4,
                                "connectionstyle": "arc3,rad=-0.25"})
    ax.set_xlim(-2.4, 2.4)
    ax.set_ylim(-1.45, 1.45)
    ax.axis("off")
    fig.tight_layout()
    save_figure(fig, path)


def theory_of_change_annex(reg: Registry, lang: str, figure_dir: Path, doc_dir: Path) -> str:
    """The portfolio's theory of change from the registry: the actor groups each TOsC outcome domain
    aims at and the groups each project works with (dot matrices, each with its table), and the
    service-delivery feedback loop (a diagram whose text alternative is the numbered list)."""
    _ = translator(lang)
    toc = reg.data["theory_of_change"]
    dnum = reg.domain_numbers()
    domains = {d["key"]: d for d in reg.tosc["domains"]}
    groups = reg.data["actor_groups"]
    gname = [g["name"][lang] for g in groups]
    gidx = {g["id"]: i for i, g in enumerate(groups)}
    out = [" ".join(toc["text"][lang].split()) + "\n"]

    rows = [(f"{dnum[d['domain']]}. {domains[d['domain']]['name'][lang]}", d["actors"]) for d in toc["domains"]]
    dot_matrix(figure_dir / "toc-actors", [r[0] for r in rows],
               [(_("System actors"), gname, [{gidx[a] for a in acts} for _r, acts in rows])])
    widest = max(range(len(rows)), key=lambda i: (len(rows[i][1]), -i))
    unnamed = [r[0] for r in rows if not r[1]]
    alt = _("Dot matrix of the TOsC outcome domains (rows) against the {count} groups of system actors (columns) "
            "each aims at. {domain} aims at the most groups, {n}. The table that follows gives every link.",
            count=len(groups), domain=rows[widest][0], n=len(rows[widest][1]))
    caption = _("System actors each outcome domain of the theory of change aims at")
    out.append(f'![{caption}]({figure_ref(figure_dir / "toc-actors", doc_dir)}){{#fig-annex-toc-actors '
               f'fig-alt="{md_attr(alt)}"}}\n')
    out.append(md_table([_("TOsC outcome domain"), _("System actors")],
                        [[r[0], ", ".join(gname[gidx[a]] for a in r[1]) or "–"] for r in rows],
                        caption, "tbl-annex-toc-actors", text_columns=2, first_width=14))
    if unnamed:
        out.append(_("The theory of change names no actor group for {domains}.", domains=", ".join(unnamed)) + "\n")

    projects = [p for p in reg.data.get("projects", []) if p.get("serves")]
    if projects:
        names = [" ".join(p.get("short", p["name"])[lang].split()) for p in projects]
        dot_matrix(figure_dir / "toc-projects", names,
                   [(_("System actors"), gname, [{gidx[a] for a in p["serves"]} for p in projects])])
        counts = [sum(1 for p in projects if g["id"] in p["serves"]) for g in groups]
        most = max(range(len(groups)), key=lambda i: (counts[i], -i))
        alt = _("Dot matrix of the {count} sampled projects (rows) against the groups of system actors they work "
                "with (columns). {group} are served by the most projects, {n}. The table that follows gives every "
                "link.", count=len(projects), group=gname[most], n=counts[most])
        caption = _("Groups of system actors each project works with")
        out.append(f'![{caption}]({figure_ref(figure_dir / "toc-projects", doc_dir)}){{#fig-annex-toc-projects '
                   f'fig-alt="{md_attr(alt)}"}}\n')
        out.append(md_table([_("Project"), _("System actors")],
                            [[n, ", ".join(gname[gidx[a]] for a in p["serves"])]
                             for n, p in zip(names, projects, strict=True)],
                            caption, "tbl-annex-toc-projects", text_columns=2, first_width=14))

    loop = toc.get("loop")
    if loop:
        steps = [domains[s]["name"][lang] for s in loop["steps"]]
        loop_diagram(figure_dir / "toc-loop", steps)
        alt = _("Diagram of a feedback loop in {count} steps, each leading to the next and the last back to the "
                "first: {steps}.", count=len(steps), steps=", ".join(f"{i}. {s}" for i, s in enumerate(steps, 1)))
        caption = " ".join(loop["title"][lang].split())
        out.append(" ".join(loop["text"][lang].split()) + "\n")
        out.append(f'![{caption}]({figure_ref(figure_dir / "toc-loop", doc_dir)}){{#fig-annex-toc-loop '
                   f'fig-alt="{md_attr(alt)}"}}\n')
        out.append("\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
                   + f" {_('(then back to step {first})', first=1)}\n")
    return "\n".join(out)
