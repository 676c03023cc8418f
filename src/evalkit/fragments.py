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
from .values import display_tree, lookup


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _attr(text: str) -> str:
    """A value for a Markdown attribute in double quotes."""
    return text.replace("\\", "\\\\").replace('"', "\u201d")


def report_metadata(values_doc: dict, evaluation: Evaluation, lang: str) -> dict:
    """Metadata for a report in one language: ``values.<id>`` display forms and ``labels``."""
    labels: dict = {}
    for ins in evaluation.instruments:
        cb = evaluation.codebooks[ins["id"]]
        entry = {"name": cb.data["label"][lang], "items": {}}
        for var in cb.variables("rating"):
            entry["items"][var["name"]] = var.get("short_label", var["label"])[lang]
            entry["top_box"] = cb.scale(var["scale"])["top_box_label"][lang]
        labels[ins["id"]] = entry
    return {
        "title": evaluation.data["title"][lang],
        "date": format_date(date.fromisoformat(evaluation.data["date"]), format="long", locale=babel_locale(lang)),
        "values": display_tree(values_doc, lang),
        "labels": labels,
    }


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=1000)


def survey_fragment(values_doc: dict, instrument_id: str, codebook: Codebook, lang: str,
                    figure_path: Path, doc_dir: Path) -> str:
    """Write the chart of an instrument's rating items and return the Markdown fragment
    (figure with generated alt text + accessible data table) for a document in `doc_dir`."""
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
    top_labels = [v(var["name"], "top_box_share") for var in items]

    stacked_share_chart(
        figure_path, names, level_names, shares, share_labels, top_labels,
        right_title=_("Share {top_box}", top_box=top_box),
        xlabel=_("Share of valid answers (%)"), legend_title=_("Answer"),
    )

    details = "; ".join(
        _("{item}: {share} of {valid} valid answers", item=n, share=v(var["name"], "top_box_share"),
          valid=v(var["name"], "valid_n"))
        for n, var in zip(names, items))
    alt = _("Horizontal stacked bar chart of the {instrument}, {count} items. Each bar splits the valid "
            "answers to one item into the levels {levels}, from left to right. Share answering {top_box}: "
            "{details}.", instrument=instrument, count=lookup(values_doc, f"{instrument_id}.rated_items", lang),
            levels=", ".join(level_names), top_box=top_box, details=details)
    caption = _("{instrument}: distribution of valid answers by item", instrument=instrument)
    slug = instrument_id.replace("_", "-")
    rel = Path(os.path.relpath(figure_path, doc_dir)).as_posix()

    header = [_("Item")] + level_names + [_("Valid answers"), _("Non-response"),
                                          _("Share {top_box}", top_box=top_box),
                                          _("{level} confidence interval", level=level_pct)]
    # Dashes set relative column widths (pandoc pipe tables): a wide first column for item names.
    align = [":" + "-" * 22] + ["-" * 9 + ":"] * (len(header) - 2) + ["-" * 13 + ":"]
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    for n, var in zip(names, items):
        cells = [n] + [v(var["name"], f"levels.{k}.share") for k in level_keys] + [
            v(var["name"], "valid_n"), v(var["name"], "nonresponse_n"), v(var["name"], "top_box_share"),
            v(var["name"], "ci")]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    table_caption = _("{instrument}: answers by item as shares of valid answers, non-response, and share "
                      "{top_box} with its {level} confidence interval (Wilson)",
                      instrument=instrument, top_box=top_box, level=level_pct)
    return (
        f'![{caption}]({rel}){{#fig-{slug}-ratings fig-alt="{_attr(alt)}"}}\n\n'
        + "\n".join(lines)
        + f"\n\n: {table_caption} {{#tbl-{slug}-ratings}}\n"
    )
