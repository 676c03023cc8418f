"""From a clean rating survey to the values documents cite and a language-neutral results table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit.analysis.disclosure import SUPPRESSED, suppress_cells, suppress_table
from evalkit.analysis.ratings import RatingResult, rating_distribution
from evalkit.model.evaluation import Codebook
from evalkit.values import ids
from evalkit.values.store import ValueStore


def analyze_survey(clean: pd.DataFrame, codebook: Codebook, confidence_level: float,
                   method: str) -> list[RatingResult]:
    """One RatingResult per rated item, in codebook order."""
    return [rating_distribution(clean[v["name"]], codebook.scale(v["scale"]), confidence_level, method)
            for v in codebook.variables("rating")]


def hidden_levels(r: RatingResult, scale: dict, min_cell: int) -> set[str]:
    """Answer levels of an item that documents must not show: small cells, with secondary
    suppression so that the valid n and the top-box count cannot reveal them."""
    keys = list(r.counts)
    counts = [r.counts[k] for k in keys]
    top = [i for i, k in enumerate(keys) if k in r.top_box_keys]
    rest = [i for i in range(len(keys)) if i not in top]
    return {keys[i] for i in suppress_cells(counts, [list(range(len(keys))), top, rest], min_cell)}


def top_box_hidden(r: RatingResult, min_cell: int) -> bool:
    """The top-box share reveals its count (and the rest) given the valid n: both must be large enough."""
    return r.top_box_n < min_cell or r.valid_n - r.top_box_n < min_cell


def add_survey_values(store: ValueStore, instrument_id: str, clean: pd.DataFrame,
                      results: list[RatingResult], source: dict, codebook: Codebook | None = None,
                      min_cell: int = 0, released: pd.DataFrame | None = None) -> None:
    """Value ids: ``<instrument>.respondents`` and, per item, ``<instrument>.<item>.<statistic>``.

    `released`: the survey's published microdata (evalkit.analysis.disclosure.release_microdata), or None.
    An item they publish is shown in full: anyone can count its answers there, so hiding a count
    would protect no one. Otherwise small cells (fewer than `min_cell` respondents, with secondary
    suppression) are marked suppressed: documents show the word instead of the number."""
    store.add(ids.value_id(instrument_id, "respondents"), len(clean), "count",
              {**source, "computation": "number of records in the clean survey table"})
    store.add(ids.value_id(instrument_id, "rated_items"), len(results), "count",
              {**source, "computation": "number of rated items in the codebook"})
    if results:
        store.add(ids.value_id(instrument_id, "confidence_level"), results[0].confidence_level, "share",
                  {"file": "config/config.yaml", "computation": "statistics.confidence_level"})
    for r in results:
        base = ids.item(instrument_id, r.item)
        src = {**source, "variable": r.item}
        scale = codebook.scale(codebook.variable(r.item)["scale"]) if codebook else None
        in_release = released is not None and r.item in released.columns
        hidden = hidden_levels(r, scale, min_cell) if scale and not in_release else set()
        top_hidden = top_box_hidden(r, min_cell) and not in_release
        if in_release:
            src["published_microdata"] = True
        top = " + ".join(f"'{k}'" for k in r.top_box_keys)
        store.add(
            ids.value_id(base, "valid_n"),
            r.valid_n,
            "count",
            {**src, "computation": "answers on the scale (non-response excluded)"},
        )
        store.add(
            ids.value_id(base, "nonresponse_n"),
            r.nonresponse_n,
            "count",
            {**src, "computation": "declared missing codes and empty cells"},
        )
        store.add(
            ids.value_id(base, "top_box_n"), r.top_box_n, "count", {**src, "computation": f"answers {top}"},
            suppressed=top_hidden
        )
        store.add(
            ids.top_box_share(instrument_id, r.item),
            r.share,
            "share",
            {**src, "computation": f"answers {top} / valid answers"},
            suppressed=top_hidden,
        )
        ci_src = {
            **src,
            "computation": f"{r.method} interval, confidence {r.confidence_level:g}, "
            f"statsmodels proportion_confint({r.top_box_n}, {r.valid_n})",
        }
        store.add(ids.value_id(base, "ci_low"), r.ci_low, "share", ci_src, suppressed=top_hidden)
        store.add(ids.value_id(base, "ci_high"), r.ci_high, "share", ci_src, suppressed=top_hidden)
        store.add(ids.value_id(base, "ci"), (r.ci_low, r.ci_high), "interval", ci_src, suppressed=top_hidden)
        for key, n in r.counts.items():
            store.add(
                ids.value_id(base, "levels", key, "n"),
                n,
                "count",
                {**src, "computation": f"answers '{key}'"},
                suppressed=key in hidden,
            )
            store.add(
                ids.value_id(base, "levels", key, "share"),
                n / r.valid_n,
                "share",
                {**src, "computation": f"answers '{key}' / valid answers"},
                suppressed=key in hidden,
            )
        for key, n in r.missing.items():
            store.add(ids.value_id(base, "missing", key, "n"), n, "count",
                      {**src, "computation": f"non-response '{key}'"})


def results_table(instrument_id: str, results: list[RatingResult]) -> pd.DataFrame:
    """A language-neutral table of the item results (one row per item), for the evaluators."""
    rows = []
    for r in results:
        row = {"instrument": instrument_id, "item": r.item}
        row.update({f"n_{k}": n for k, n in r.counts.items()})
        row.update({f"n_{k}": n for k, n in r.missing.items()})
        row.update(
            {
                "valid_n": r.valid_n,
                "nonresponse_n": r.nonresponse_n,
                "top_box_n": r.top_box_n,
                "top_box_share": round(r.share, 6),
                "ci_low": round(r.ci_low, 6),
                "ci_high": round(r.ci_high, 6),
                "confidence_level": r.confidence_level,
                "interval_method": r.method,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def breakdown(answers: pd.Series, groups: pd.Series, scale: dict, keys: list[str]) -> pd.DataFrame:
    """Top box and the rest of an item's valid answers per category (rows in the given order).
    Counted on category codes (np.bincount); `groups` may already be categorical with `keys` as its
    categories (_as_categories), so that a breakdown variable is coded once for all items."""
    if len(set(keys)) != len(keys):   # categories must be unique: count by value instead
        valid = answers.isin({c["key"] for c in scale["levels"]})
        top = answers[valid].isin(scale["top_box"])
        g = groups[valid]
        table = pd.DataFrame({"top": top.groupby(g).sum(), "rest": (~top).groupby(g).sum()})
        return table.reindex(keys, fill_value=0).astype(int)
    levels = [c["key"] for c in scale["levels"]]
    levels = list(dict.fromkeys(levels))
    level = pd.Index(levels, dtype=object).get_indexer(answers.astype(object))   # -1: not a level
    is_top = np.isin(np.array(levels, dtype=object), list(scale["top_box"]))
    group = _as_categories(groups, keys).cat.codes.to_numpy()
    counted = (level >= 0) & (group >= 0)
    top = counted & is_top[np.where(level >= 0, level, 0)]
    return pd.DataFrame({"top": np.bincount(group[top], minlength=len(keys)),
                         "rest": np.bincount(group[counted & ~top], minlength=len(keys))},
                        index=pd.Index(keys, name=groups.name)).astype(int)


def _as_categories(groups: pd.Series, keys: list[str]) -> pd.Series:
    """`groups` as a categorical series whose categories are `keys` (any other value: no category)."""
    if isinstance(groups.dtype, pd.CategoricalDtype) and list(groups.cat.categories) == list(keys):
        return groups
    codes = pd.Index(list(keys), dtype=object).get_indexer(groups.astype(object))
    return pd.Series(pd.Categorical.from_codes(codes, categories=keys), index=groups.index, name=groups.name)


def add_breakdown_values(
    store: ValueStore,
    instrument_id: str,
    clean: pd.DataFrame,
    codebook: Codebook,
    by_vars: list[str],
    min_cell: int,
    source: dict,
    released: pd.DataFrame | None = None,
) -> None:
    """Per item and category of each breakdown variable: valid n and top-box share.

    `by_vars`: variable names, or {variable, grouped: true} to use the groups the codebook documents
    under disclosure.generalize (so that more cells reach `min_cell`).
    Value ids ``<instrument>.<item>.by_<var>.<category>.valid_n|top_box_share``.

    Where the published microdata (`released`) carry the item and the variable at the breakdown's
    level, the table is counted from them and shown in full. Finer breakdowns are counted from the
    clean table, leaving out the records whose category the dataset blanks (local suppression), so
    that the microdata's group totals are sums of its rows (``...by_<var>.withheld_n``: the valid
    answers left out either way): a category is shown only when both its top-box count and the rest
    reach `min_cell`, and secondary suppression (evalkit.analysis.disclosure.suppress_table) keeps
    hidden cells from being worked out from the item's published totals or from the broader groups
    the microdata publish."""
    if released is not None and not released.index.equals(clean.index):
        raise ValueError("the released microdata must keep the clean table's rows (release_microdata(...).data)")
    splits = []  # (name, category of every respondent, category keys, from the microdata, row groups)
    for spec in by_vars:
        by = spec if isinstance(spec, str) else spec["variable"]
        grouped = isinstance(spec, dict) and bool(spec.get("grouped"))
        published_groups = codebook.groups(by)
        in_release = released is not None and by in released.columns
        if grouped:
            mapping = {m: g["key"] for g in published_groups for m in g["members"]}
            keys = [g["key"] for g in published_groups]
        else:
            keys = [c["key"] for c in codebook.variable(by)["categories"]]
        if in_release and grouped == bool(published_groups):
            splits.append((by, _as_categories(released[by], keys) if len(set(keys)) == len(keys) else released[by],
                           keys, True, None))
        else:
            groups = clean[by].map(mapping) if grouped else clean[by]
            if in_release:  # a record whose category the dataset blanks is in no row of a finer table either
                groups = groups.where(released[by] != SUPPRESSED)
            row_groups = [g["members"] for g in published_groups] if in_release and published_groups else None
            if len(set(keys)) == len(keys):
                groups = _as_categories(groups, keys)   # coded once, for every item's breakdown
            splits.append((by, groups, keys, False, row_groups))
    # a group of one category in the microdata publishes that category's cells
    single = {
        by: {g["members"][0] for g in codebook.groups(by) if len(g["members"]) == 1}
        for by, *_, row_groups in splits
        if row_groups
    }
    for var in codebook.variables("rating"):
        item, scale = var["name"], codebook.scale(var["scale"])
        for by, groups, keys, from_release, row_groups in splits:
            exact = from_release and item in released.columns
            answers = released[item] if exact else clean[item]
            table = breakdown(answers, groups, scale, keys)
            if exact:
                hidden = pd.Series(False, index=table.index)
            elif row_groups and item in released.columns:  # the microdata publish the groups' cells
                known = pd.DataFrame(False, index=table.index, columns=table.columns)
                known.loc[[k for k in keys if k in single[by]]] = True
                hidden = suppress_table(table, min_cell, row_groups, known).any(axis=1)
            else:
                hidden = suppress_table(table, min_cell).any(axis=1)
            src = {**source, "variable": item, "by": by}
            if exact:
                src["published_microdata"] = True
            if released is not None and by in released.columns:
                valid = answers.isin({c["key"] for c in scale["levels"]})
                withheld = int((valid & (released[by] == SUPPRESSED)).sum())
                if withheld:
                    store.add(
                        ids.by_group(instrument_id, item, by, "withheld_n"),
                        withheld,
                        "count",
                        {**src, "computation": f"valid answers whose {by} the published dataset withholds"},
                    )
            for key in keys:
                n = int(table.loc[key].sum())
                base = ids.by_group(instrument_id, item, by, key)
                store.add(
                    ids.value_id(base, "valid_n"),
                    n,
                    "count",
                    {**src, "computation": f"valid answers of respondents with {by} '{key}'"},
                    suppressed=bool(hidden[key]),
                )
                store.add(
                    ids.top_box_share(instrument_id, item, by=(by, key)),
                    table.loc[key, "top"] / n if n else 0.0,
                    "share",
                    {**src, "computation": f"top box / valid answers, {by} '{key}'"},
                    suppressed=bool(hidden[key]) or n == 0,
                )
