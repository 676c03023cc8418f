"""The projects' contributions to the registry's priorities (the generated fragment contributions.md):
a bar chart of the number of contributing projects per priority (alt text generated from the same
numbers, each bar labelled with its number, one colour that is never the only carrier of meaning)
and, next to it, the data table: one row per project, one column per priority, a cell that says
"Contributes" in words (an empty cell: no contribution, as the caption says), and a totals row.

Where the numbers come from. The counts are tallies of the content registry (which projects name
which priority in `contributes`), like the finding numbers generated from its order. They cannot
be in results/values.json: compute_values runs before the registry is read, and the registry is
checked against values.json, so the analysis stage does not read it (reading it there would also
re-run the whole analysis on every edit of a registry text). So :func:`contribution_values` counts
them here, into a value store of their own (evalkit.values.store.ValueStore: the same kinds,
display forms and provenance as values.json; ids from evalkit.values.ids,
``contributions.priority.<priority>.projects`` and ``contributions.projects``), and the chart and
the table take every number from that store through ``lookup``, as every other fragment takes its
numbers from values.json: no number is typed, and none reaches the document except as the display
form of a computed value. The report metadata carries them beside values.json's
(:func:`merge_counted`), so prose cites them the same way:
``{{< meta values.contributions.priority.<priority>.projects >}}``.
"""

from __future__ import annotations

from pathlib import Path

from evalkit.content.registry import Registry
from evalkit.core.i18n import translator
from evalkit.documents.charts import bar_chart, figure_ref
from evalkit.documents.fragments import md_attr, md_table, md_text
from evalkit.values import ids
from evalkit.values.store import ValueStore, lookup

SCOPE = ids.CONTRIBUTIONS  # the first part of the ids of the counts


def _name(item: dict, lang: str) -> str:
    return " ".join(item["name"][lang].split())


def contribution_values(reg: Registry, languages: list[str]) -> dict:
    """The counts as a values document ({"values": {id: entry}}): per priority the projects that
    contribute to it, and the number of projects."""
    store = ValueStore("registry", list(languages))
    projects = reg.data.get("projects", [])
    source = {"file": reg.source}
    store.add(ids.contribution(), len(projects), "count",
              {**source, "computation": "projects of the registry"})
    for pr in reg.data.get("priorities", []):
        n = sum(1 for p in projects if pr["id"] in (p.get("contributes") or []))
        store.add(ids.contribution(pr["id"]), n, "count",
                  {**source, "computation": f"projects whose contributes names '{pr['id']}'"})
    return {"values": store.values}


def merge_counted(tree: dict, counts: dict, lang: str, where: str) -> None:
    """Add the counts' display forms to a report's ``values`` metadata (``values.contributions.…``);
    a ConfigError when values.json already has ids under that name (an instrument called so)."""
    from evalkit.core.errors import ConfigError
    from evalkit.values.store import display_tree

    if SCOPE in tree:
        raise ConfigError(where, [f"values.json has ids under '{SCOPE}' (an instrument or ratio of that name); the "
                                  f"counts of the registry's priorities are cited as values.{SCOPE}.priority."
                                  f"<priority>.projects, so expected no other id starting with '{SCOPE}.'"])
    tree.update(display_tree(counts, lang))


def contributions_alt(reg: Registry, counts: dict, lang: str) -> str:
    """The chart's alt text, from the same numbers: what it shows, the priority with the most and the
    one with the fewest contributing projects (the first in table order on a tie)."""
    _ = translator(lang)
    priorities = reg.data["priorities"]

    def n(pr: dict) -> int:
        return counts["values"][ids.contribution(pr["id"])]["value"]

    def shown(pr: dict) -> str:
        return lookup(counts, ids.contribution(pr["id"]), lang)

    most = min(priorities, key=lambda pr: (-n(pr), priorities.index(pr)))
    fewest = min(priorities, key=lambda pr: (n(pr), priorities.index(pr)))
    return _("Bar chart of the number of projects, of {total}, that contribute to each of the {count} priorities. "
             "{most} has the most ({most_n}), {fewest} the fewest ({fewest_n}). The table that follows gives "
             "every project's contributions.", total=lookup(counts, ids.contribution(), lang),
             count=len(priorities), most=_name(most, lang), most_n=shown(most), fewest=_name(fewest, lang),
             fewest_n=shown(fewest))


def contributions_fragment(reg: Registry, lang: str, languages: list[str], figure_path: Path, doc_dir: Path) -> str:
    """The chart and the table of contributions; '' when the registry has no priorities."""
    _ = translator(lang)
    priorities = reg.data.get("priorities") or []
    if not priorities:
        return ""
    counts = contribution_values(reg, languages)

    def count(pr: dict) -> str:
        return lookup(counts, ids.contribution(pr["id"]), lang)

    names = [_name(pr, lang) for pr in priorities]
    bar_chart(figure_path, names, [counts["values"][ids.contribution(pr["id"])]["value"]
                                   for pr in priorities],
              [count(pr) for pr in priorities], _("Projects contributing"),
              max_value=max(counts["values"][ids.contribution()]["value"], 1), whole_numbers=True)
    caption = _("Projects contributing to each priority")
    rel = figure_ref(figure_path, doc_dir)
    figure = (f'![{caption}]({rel}){{#fig-contributions fig-alt="{md_attr(contributions_alt(reg, counts, lang))}"}}'
              "\n\n")
    header = [_("Project")] + [md_text(n) for n in names]
    rows = [[md_text(_name(p, lang))] + [_("Contributes") if pr["id"] in (p.get("contributes") or []) else ""
                                         for pr in priorities]
            for p in reg.data.get("projects", [])]
    total = _("Projects contributing")  # the totals row, as the chart's axis
    rows.append([f"**{total}**"] + [f"**{count(pr)}**" for pr in priorities])
    align = [":" + "-" * 30] + [":" + "-" * 10 + ":"] * len(priorities)
    table = md_table(header, rows, _("Projects and the priorities they contribute to (an empty cell: the project "
                                     "does not contribute to the priority); the last row counts the projects "
                                     "contributing to each"), "tbl-contributions", align=align)
    return figure + table
