"""Generated report inputs: per-language metadata (values and labels) and Markdown fragments
(chart + data table) that report sources include. Every number comes from values.json."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from babel.dates import format_date

from evalkit.core.i18n import babel_locale, translator
from evalkit.documents.charts import bar_chart, figure_ref, stacked_share_chart
from evalkit.model.evaluation import Codebook, Evaluation
from evalkit.values import ids
from evalkit.values.store import display, display_tree, is_suppressed, lookup

if TYPE_CHECKING:  # pandas only for the annotation: the fragments step imports it when it reads a table
    import pandas as pd


def md_cell(text: str) -> str:
    """Text for a cell of a Markdown pipe table."""
    return str(text).replace("|", "\\|").replace("\n", " ")


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>$@~^!#&])")  # '|' is md_cell's to escape
SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]\"'`]+$")


def md_text(text: str) -> str:
    """Text from data (a raw file, not the authored registry) as literal text in Markdown: every
    character Markdown or pandoc would read as markup is escaped, so it can never become HTML, a
    link, a citation or a raw block."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def md_link(text: str, url: str) -> str:
    """A link from data: only to an http(s) address without characters that could end the link;
    anything else is shown as text."""
    return f"[{md_text(text)}]({url})" if SAFE_URL.match(url or "") else md_text(text)


def md_attr(text: str) -> str:
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
        if ins["kind"] == "engagement_log":
            entry["places"] = fieldwork_places(values_doc, ins["id"], cb, lang)
        labels[ins["id"]] = entry
    unpublished = {i["id"] for i in evaluation.instruments if not i["publish"]}
    tree = display_tree(values_doc, lang, exclude=unpublished)
    from evalkit.documents.frontmatter import publication_meta

    return {
        "title": evaluation.data["title"][lang],
        "date": format_date(date.fromisoformat(evaluation.data["date"]), format="long", locale=babel_locale(lang)),
        "values": tree,
        "labels": labels,
        **publication_meta(evaluation, lang),
    }


def fieldwork_places(values_doc: dict, instrument_id: str, codebook: Codebook, lang: str) -> dict[str, str]:
    """The states of an engagement log's activities as a list in words, per mode and in all
    (``labels.<iid>.places.<mode>|all``), in codebook order, e.g. "Ohio, Texas and Utah". A state
    is listed when the log has at least one activity there."""
    from babel.lists import format_list

    states = codebook.variable("state")["categories"]
    out, seen = {}, set()
    for mode in codebook.variable("mode")["categories"]:
        here = [c for c in states
                if values_doc["values"].get(ids.mode_state(instrument_id, mode["key"], c["key"]),
                                            {}).get("value", 0) > 0]
        seen |= {c["key"] for c in here}
        out[mode["key"]] = format_list([c["label"][lang] for c in here], locale=babel_locale(lang)) if here else ""
    out["all"] = format_list([c["label"][lang] for c in states if c["key"] in seen], locale=babel_locale(lang)) \
        if seen else ""
    return out


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=1000)


def survey_fragment(values_doc: dict, instrument_id: str, codebook: Codebook, lang: str,
                    figure_path: Path, doc_dir: Path, min_cell: int) -> str:
    """Write the chart of an instrument's rating items and return the Markdown fragment
    (figure with generated alt text + accessible data table) for a document in `doc_dir`.

    Disclosure control: an answer level counted by fewer than `min_cell` respondents is hidden in
    the table and merged into one grey segment in the chart, with secondary suppression so that the
    item's valid answers and top-box count cannot reveal it (evalkit.analysis.disclosure.suppress_cells)."""
    _ = translator(lang)
    items = codebook.variables("rating")
    scale = codebook.scale(items[0]["scale"])
    level_keys = [c["key"] for c in scale["levels"]]
    level_names = [c["label"][lang] for c in scale["levels"]]
    top_box = scale["top_box_label"][lang]
    instrument = codebook.data["label"][lang]
    level_pct = lookup(values_doc, ids.value_id(instrument_id, "confidence_level"), lang)

    def v(item: str, stat: str) -> str:
        return lookup(values_doc, ids.item(instrument_id, item, stat), lang)

    def num(item: str, stat: str) -> float:
        return values_doc["values"][ids.item(instrument_id, item, stat)]["value"]

    names = [var.get("short_label", var["label"])[lang] for var in items]
    shares = [[num(var["name"], f"levels.{k}.share") for k in level_keys] for var in items]
    share_labels = [[v(var["name"], f"levels.{k}.share") for k in level_keys] for var in items]
    suppressed = _("suppressed")
    hidden, hidden_labels, top_labels = [], [], []
    for i, var in enumerate(items):
        h = {j for j, k in enumerate(level_keys)
             if is_suppressed(values_doc, ids.item(instrument_id, var["name"], "levels", k, "share"))}
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

    alt = _("Stacked bar chart of the answers to the {count} items of the {instrument}, from {first} to {last}.",
            count=lookup(values_doc, ids.value_id(instrument_id, "rated_items"), lang), instrument=instrument,
            first=level_names[0], last=level_names[-1])
    shown = [(num(var["name"], "top_box_share"), i) for i, var in enumerate(items)
             if not is_suppressed(values_doc, ids.top_box_share(instrument_id, var["name"]))]
    if len(shown) > 1 and len({top_labels[i] for _share, i in shown}) == 1:
        alt += " " + _("The share {top_box} is the same for every item ({share}).", top_box=top_box,
                       share=top_labels[shown[0][1]])
    elif len(shown) > 1:
        high = max(shown, key=lambda t: (t[0], -t[1]))[1]
        low = min(shown, key=lambda t: (t[0], t[1]))[1]
        alt += " " + _("The share {top_box} is highest for {high_item} ({high}) and lowest for {low_item} ({low}).",
                       top_box=top_box, high_item=names[high], high=top_labels[high], low_item=names[low],
                       low=top_labels[low])
    if any(hidden):
        alt += " " + _("Answer levels given by fewer than {min_cell} respondents are merged into one grey, "
                       "hatched segment and their shares are not shown.", min_cell=min_cell)
    alt += " " + _("The table that follows gives every share.")
    caption = _("{instrument}: distribution of valid answers by item", instrument=instrument)
    slug = instrument_id.replace("_", "-")
    rel = figure_ref(figure_path, doc_dir)

    header = [_("Item")] + level_names + [_("Valid answers"), _("Non-response"),
                                          _("Share {top_box}", top_box=top_box),
                                          _("{level} confidence interval", level=level_pct)]
    # Dashes set relative column widths (pandoc pipe tables): a wide first column for item names.
    align = [":" + "-" * 22] + ["-" * 9 + ":"] * (len(header) - 2) + ["-" * 13 + ":"]
    lines = ["| " + " | ".join(md_cell(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    for i, (n, var) in enumerate(zip(names, items, strict=True)):
        cells = [n] + share_labels[i] + [
            v(var["name"], "valid_n"), v(var["name"], "nonresponse_n"), top_labels[i],
            v(var["name"], "ci") if top_labels[i] != suppressed else suppressed]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    table_caption = _("{instrument}: answers by item as shares of valid answers, non-response, and share "
                      "{top_box} with its {level} confidence interval (Wilson)",
                      instrument=instrument, top_box=top_box, level=level_pct)
    if any(hidden):
        table_caption += " " + _("({suppressed}: fewer than {min_cell} respondents, or hidden so that such a cell "
                                 "cannot be worked out from the totals)", suppressed=suppressed, min_cell=min_cell)
    return (
        f'![{caption}]({rel}){{#fig-{slug}-ratings fig-alt="{md_attr(alt)}"}}\n\n'
        + "\n".join(lines)
        + f"\n\n: {table_caption} {{#tbl-{slug}-ratings}}\n"
    )


# --- tables and charts of the other analyses ----------------------------------------------------

def md_table(header: list[str], rows: list[list[str]], caption: str, table_id: str, first_width: int = 22,
             text_columns: int = 1, align: list[str] | None = None) -> str:
    """A pipe table with a caption and a cross-reference id; the first `text_columns` columns hold
    text (left-aligned, wide), the others numbers (right-aligned). `align`: the separator cell of
    each column instead (pandoc reads alignment from the colons, relative widths from the dashes)."""
    align = align or [":" + "-" * first_width] * text_columns + ["-" * 9 + ":"] * (len(header) - text_columns)
    lines = ["| " + " | ".join(md_cell(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + f"\n\n: {caption} {{#{table_id}}}\n"


def priorities_fragment(values_doc: dict, instrument_id: str, codebook: Codebook, lang: str,
                        figure_path: Path, doc_dir: Path, item_names: dict[str, str] | None = None) -> str:
    """Mean priority per rated item (bar chart with generated alt text) and the full statistics table.
    `item_names`: what documents call an item (the registry's "1. <recommendation title>"), instead
    of the codebook's short label, so a renamed recommendation is renamed here too."""
    _ = translator(lang)
    slug = instrument_id.replace("_", "-")
    items = codebook.variables("rating")

    def v(item: str, stat: str) -> str:
        return lookup(values_doc, ids.item(instrument_id, item, stat), lang)

    names = [(item_names or {}).get(var["name"]) or var.get("short_label", var["label"])[lang] for var in items]
    means = [values_doc["values"][ids.item(instrument_id, var["name"], "mean")]["value"] for var in items]
    levels = codebook.scale(items[0]["scale"])["levels"]
    top = max(int(c["code"]) for c in levels)
    bar_chart(figure_path, names, means, [v(var["name"], "mean") for var in items], _("Mean priority"),
              max_value=top)
    first = max(range(len(means)), key=lambda i: (means[i], -i))
    last = min(range(len(means)), key=lambda i: (means[i], i))
    alt = _("Bar chart of the mean priority that workshop participants gave each of the {count} recommendations, "
            "on a scale from {low} to {high}. {first_item} has the highest mean ({first_mean}), {last_item} the "
            "lowest ({last_mean}). The table that follows gives every rating.", count=len(items),
            low=min(int(c["code"]) for c in levels), high=top, first_item=names[first],
            first_mean=v(items[first]["name"], "mean"), last_item=names[last], last_mean=v(items[last]["name"], "mean"))
    rel = figure_ref(figure_path, doc_dir)
    caption = _("Validation workshops: mean priority of each recommendation")
    header = [_("Recommendation"), _("Ratings"), _("Mean"), _("Median"), _("Standard deviation"), _("Rank")]
    rows = [[n, v(var["name"], "n"), v(var["name"], "mean"), v(var["name"], "median"), v(var["name"], "sd"),
             v(var["name"], "rank")] for n, var in zip(names, items, strict=True)]
    return (f'![{caption}]({rel}){{#fig-{slug}-priorities fig-alt="{md_attr(alt)}"}}\n\n'
            + md_table(header, rows, _("Validation workshops: priority ratings of each recommendation (1 lowest, "
                                     "{high} highest); rank 1 is the highest mean", high=top),
                     f"tbl-{slug}-priorities", first_width=30))


def breakdown_fragment(values_doc: dict, instrument_id: str, codebook: Codebook, lang: str, spec, min_cell: int) -> str:
    """Share in the top box per item and category of a breakdown variable (small cells suppressed)."""
    _ = translator(lang)
    by = spec if isinstance(spec, str) else spec["variable"]
    if isinstance(spec, dict) and spec.get("grouped"):
        cats = codebook.groups(by)
    else:
        cats = codebook.variable(by)["categories"]
    items = codebook.variables("rating")
    top_box = codebook.scale(items[0]["scale"])["top_box_label"][lang]
    header = [_("Item")] + [c["label"][lang] for c in cats]
    rows, any_hidden, withheld = [], False, False
    for var in items:
        row = [var.get("short_label", var["label"])[lang]]
        withheld = withheld or ids.by_group(instrument_id, var["name"], by, "withheld_n") in values_doc["values"]
        for c in cats:
            share = ids.top_box_share(instrument_id, var["name"], by=(by, c["key"]))
            if is_suppressed(values_doc, share):
                row.append(_("suppressed"))
                any_hidden = True
            else:
                n = ids.by_group(instrument_id, var["name"], by, c["key"], "valid_n")
                row.append(_("{share} of {n}", share=lookup(values_doc, share, lang), n=lookup(values_doc, n, lang)))
        rows.append(row)
    label = codebook.variable(by)["label"][lang]
    caption = _("{instrument}: share {top_box} of the valid answers, by {variable}",
                instrument=codebook.data["label"][lang], top_box=top_box, variable=label.lower())
    if any_hidden:
        caption += " " + _("({suppressed}: fewer than {min_cell} respondents, or hidden so that such a cell cannot be "
                           "worked out from the totals)", suppressed=_("suppressed"), min_cell=min_cell)
    if withheld:
        caption += " " + _("(answers of respondents whose {variable} the published dataset withholds are in no column)",
                           variable=label.lower())
    return md_table(header, rows, caption, f"tbl-{instrument_id.replace('_', '-')}-by-{by.replace('_', '-')}")


def indicator_fragment(values_doc: dict, instrument_id: str, codebook: Codebook, config, lang: str,
                       figure_path: Path, doc_dir: Path, project_names: dict[str, str] | None = None) -> str:
    """The monitoring indicators the evaluation cites (declared `cite: true`), and each evaluation-wide
    aggregate with its overlap rule and a bar chart of what each project contributes."""
    from evalkit.analysis.indicators import slug

    _ = translator(lang)
    iid_slug = instrument_id.replace("_", "-")
    # a project's name as the content registry gives it, else the codebook's label
    projects = {c["key"]: c["label"][lang] for c in codebook.variable("project")["categories"]} | (project_names or {})

    def v(vid: str) -> str:
        return lookup(values_doc, vid, lang)

    def has(vid: str) -> bool:
        return vid in values_doc["values"]

    dash = "\u2014"
    header = [_("Project"), _("Indicator"), _("Result"), _("Target"), _("Share of target"), _("Of whom women")]
    rows = []
    for (project, code), decl in config.declarations.items():
        if not decl.get("cite"):
            continue
        stat = {k: ids.indicator(instrument_id, project, slug(code), k) for k in ("total", "target", "achievement",
                                                                                   "women")}
        rows.append([projects[project], decl["label"][lang], v(stat["total"])]
                    + [v(stat[k]) if has(stat[k]) else dash for k in ("target", "achievement", "women")])
    domains = [[config.domain_number(d["key"]), d["name"][lang]] for d in config.tosc["domains"]]
    domain_rows = [[f"{num}. {name}", v(ids.domain(instrument_id, key, "indicators")),
                    v(ids.domain(instrument_id, key, "projects"))]
                   for (num, name), key in zip(domains, config.domain_keys, strict=True)
                   if has(ids.domain(instrument_id, key, "indicators"))]
    out = md_table(header, rows, _("Project monitoring: results the evaluation cites, over the life of each project "
                                 "(per-period and cumulative reports reconciled)"), f"tbl-{iid_slug}-indicators",
                 first_width=18, text_columns=2)
    out += "\n" + md_table([_("TOsC outcome domain"), _("Indicators"), _("Projects")], domain_rows, _(
        "Monitoring indicators of the sampled projects by outcome domain of the Theory of Sustained Change (an "
        "indicator may serve more than one domain)"), f"tbl-{iid_slug}-domains", first_width=30) if domain_rows else ""
    for agg in config.aggregates:
        aid = agg["id"]
        names, values, labels = [], [], []
        for m in agg["members"]:
            total = ids.indicator(instrument_id, m["project"], slug(m["code"]), "total")
            names.append(projects[m["project"]])
            values.append(values_doc["values"][total]["value"])
            labels.append(v(total))
        path = figure_path.with_name(f"{instrument_id}-{aid}")
        bar_chart(path, names, values, labels, _("Number"))
        most = max(range(len(values)), key=lambda i: (values[i], -i))
        alt = _("Bar chart: {label}, {total} in all, by project. {project} contributes the most ({value}). The table "
                "that follows gives each project's result.", label=agg["label"][lang],
                total=v(ids.aggregate(instrument_id, aid, "total")), project=names[most], value=labels[most])
        rel = figure_ref(path, doc_dir)
        caption = _("{label}: {total} in all, by project", label=agg["label"][lang],
                    total=v(ids.aggregate(instrument_id, aid, "total")))
        out += (f'\n![{caption}]({rel}){{#fig-{iid_slug}-{aid.replace("_", "-")} fig-alt="{md_attr(alt)}"}}\n\n'
                + _("How no one is counted twice: {statement}", statement=" ".join(agg["statement"][lang].split()))
                + "\n\n"
                + md_table([_("Project"), _("Result")], [[n, lab] for n, lab in zip(names, labels, strict=True)]
                         + [[_("Total"), v(ids.aggregate(instrument_id, aid, "total"))]],
                         _("{label}: results by project", label=agg["label"][lang]),
                         f"tbl-{iid_slug}-{aid.replace('_', '-')}", first_width=20))
    return out


def as_of(text: str, lang: str) -> str:
    """A year ('2019') as it is, a year and month ('2024-04') in words of the language ('April 2024',
    'abril de 2024')."""
    from babel.dates import format_skeleton

    text = str(text)
    if len(text) == 7 and text[4] == "-":
        return format_skeleton("yMMMM", date(int(text[:4]), int(text[5:]), 1), locale=babel_locale(lang))
    return text


def secondary_fragment(values_doc: dict, instrument_id: str, codebook: Codebook, clean: pd.DataFrame, lang: str) -> str:
    """The context figures from secondary sources, each with its value, the date it refers to and
    its source (linked when the sheet gives an address), in the sheet's order."""
    _ = translator(lang)
    labels = {c["key"]: c["label"][lang] for c in codebook.variable("figure")["categories"]}
    rows = [[labels[r["figure"]], lookup(values_doc, ids.value_id(instrument_id, r["figure"]), lang),
             md_text(as_of(r["as_of"], lang)), md_link(r["source"], r.get("url", ""))]
            for r in clean.to_dict("records")]
    return md_table([_("Figure"), _("Value"), _("As of"), _("Source")], rows, _("Context figures and their sources"),
                    f"tbl-{instrument_id.replace('_', '-')}-sources",
                    align=[":" + "-" * 30, "-" * 9 + ":", ":" + "-" * 8, ":" + "-" * 20])
