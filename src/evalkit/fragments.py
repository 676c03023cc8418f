"""Generated report inputs: per-language metadata (values and labels) and Markdown fragments
(chart + data table) that report sources include. Every number comes from values.json."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import yaml
from babel.dates import format_date

from .charts import stacked_share_chart
from .evaluation import Codebook, Evaluation
from .i18n import babel_locale, translator
from .values import display, display_tree, is_suppressed, lookup


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _attr(text: str) -> str:
    """A value for a Markdown attribute in double quotes."""
    return text.replace("\\", "\\\\").replace('"', "\u201d")


def report_metadata(values_doc: dict, evaluation: Evaluation, lang: str) -> dict:
    """Metadata for a report in one language: ``values.<id>`` display forms and ``labels``.

    Small cells show the word for 'suppressed', so no author can cite them; instruments that are
    never published (triangulation only) are left out, so no author can cite them either."""
    labels: dict = {}
    for ins in evaluation.instruments:
        cb = evaluation.codebooks[ins["id"]]
        entry = {"name": cb.data["label"][lang], "items": {}}
        for var in cb.variables("rating"):
            entry["items"][var["name"]] = var.get("short_label", var["label"])[lang]
            if "top_box_label" in cb.scale(var["scale"]):
                entry["top_box"] = cb.scale(var["scale"])["top_box_label"][lang]
        labels[ins["id"]] = entry
    unpublished = {i["id"] for i in evaluation.instruments if not i["publish"]}
    tree = display_tree(values_doc, lang, exclude=unpublished)
    return {
        "title": evaluation.data["title"][lang],
        "date": format_date(date.fromisoformat(evaluation.data["date"]), format="long", locale=babel_locale(lang)),
        "values": tree,
        "labels": labels,
    }


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=1000)


def survey_fragment(values_doc: dict, instrument_id: str, codebook: Codebook, lang: str,
                    figure_path: Path, doc_dir: Path, min_cell: int) -> str:
    """Write the chart of an instrument's rating items and return the Markdown fragment
    (figure with generated alt text + accessible data table) for a document in `doc_dir`.

    Disclosure control: an answer level counted by fewer than `min_cell` respondents is hidden in
    the table and merged into one grey segment in the chart, with secondary suppression so that the
    item's valid answers and top-box count cannot reveal it (evalkit.disclosure.suppress_cells)."""
    _ = translator(lang)
    items = codebook.variables("rating")
    scale = codebook.scale(items[0]["scale"])
    level_keys = [c["key"] for c in scale["levels"]]
    level_names = [c["label"][lang] for c in scale["levels"]]
    top_box = scale["top_box_label"][lang]
    instrument = codebook.data["label"][lang]
    level_pct = lookup(values_doc, f"{instrument_id}.confidence_level", lang)

    def v(item: str, stat: str) -> str:
        return lookup(values_doc, f"{instrument_id}.{item}.{stat}", lang)

    def num(item: str, stat: str) -> float:
        return values_doc["values"][f"{instrument_id}.{item}.{stat}"]["value"]

    names = [var.get("short_label", var["label"])[lang] for var in items]
    shares = [[num(var["name"], f"levels.{k}.share") for k in level_keys] for var in items]
    share_labels = [[v(var["name"], f"levels.{k}.share") for k in level_keys] for var in items]
    suppressed = _("suppressed")
    hidden, hidden_labels, top_labels = [], [], []
    for i, var in enumerate(items):
        h = {j for j, k in enumerate(level_keys)
             if is_suppressed(values_doc, f"{instrument_id}.{var['name']}.levels.{k}.share")}
        hidden.append(h)
        runs = {}
        for j in sorted(h):
            if j - 1 not in h:
                run = [r for r in range(j, len(level_keys)) if all(x in h for x in range(j, r + 1))]
                runs[j] = display("share", sum(shares[i][r] for r in run), lang)
        hidden_labels.append(runs)
        top_labels.append(v(var["name"], "top_box_share"))  # 'suppressed' when a small cell
    hidden_label = _("Suppressed: fewer than {min_cell} respondents", min_cell=min_cell)

    stacked_share_chart(
        figure_path, names, level_names, shares, share_labels, top_labels,
        right_title=_("Share {top_box}", top_box=top_box),
        xlabel=_("Share of valid answers (%)"), legend_title=_("Answer"),
        hidden=hidden, hidden_label=hidden_label, hidden_share_labels=hidden_labels,
    )

    details = "; ".join(
        _("{item}: {share} of {valid} valid answers", item=n, share=top, valid=v(var["name"], "valid_n"))
        for n, var, top in zip(names, items, top_labels))
    alt = _("Horizontal stacked bar chart of the {instrument}, {count} items. Each bar splits the valid "
            "answers to one item into the levels {levels}, from left to right. Share answering {top_box}: "
            "{details}.", instrument=instrument, count=lookup(values_doc, f"{instrument_id}.rated_items", lang),
            levels=", ".join(level_names), top_box=top_box, details=details)
    if any(hidden):
        alt += " " + _("Answer levels given by fewer than {min_cell} respondents are merged into one grey, "
                       "hatched segment and their shares are not shown.", min_cell=min_cell)
    caption = _("{instrument}: distribution of valid answers by item", instrument=instrument)
    slug = instrument_id.replace("_", "-")
    rel = Path(os.path.relpath(figure_path, doc_dir)).as_posix()

    header = [_("Item")] + level_names + [_("Valid answers"), _("Non-response"),
                                          _("Share {top_box}", top_box=top_box),
                                          _("{level} confidence interval", level=level_pct)]
    # Dashes set relative column widths (pandoc pipe tables): a wide first column for item names.
    align = [":" + "-" * 22] + ["-" * 9 + ":"] * (len(header) - 2) + ["-" * 13 + ":"]
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    for i, (n, var) in enumerate(zip(names, items)):
        cells = [n] + share_labels[i] + [
            v(var["name"], "valid_n"), v(var["name"], "nonresponse_n"), top_labels[i],
            v(var["name"], "ci") if top_labels[i] != suppressed else suppressed]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    table_caption = _("{instrument}: answers by item as shares of valid answers, non-response, and share "
                      "{top_box} with its {level} confidence interval (Wilson)",
                      instrument=instrument, top_box=top_box, level=level_pct)
    if any(hidden):
        table_caption += " " + _("({suppressed}: fewer than {min_cell} respondents, or hidden so that such a cell "
                                 "cannot be worked out from the totals)", suppressed=suppressed, min_cell=min_cell)
    return (
        f'![{caption}]({rel}){{#fig-{slug}-ratings fig-alt="{_attr(alt)}"}}\n\n'
        + "\n".join(lines)
        + f"\n\n: {table_caption} {{#tbl-{slug}-ratings}}\n"
    )
