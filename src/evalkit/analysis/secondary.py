"""Context figures from secondary sources (the desk-review sheet), and shares computed from two values.

A figure enters values.json as published: counts as counts, percentages as shares (4.2 percent is
0.042, shown with the decimals the source gave), millions as numbers. Documents cite them like any
other value, and a generated table lists each with its source and the date it refers to.
"""

from __future__ import annotations

import pandas as pd

from evalkit.core.errors import DataError
from evalkit.values import ids
from evalkit.values.store import ValueStore


def decimals(text: str) -> int:
    """Decimals written in a number as received ('4.2' -> 1, '30529' -> 0)."""
    text = str(text).strip()
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def add_secondary_values(store: ValueStore, instrument_id: str, data: pd.DataFrame, source: dict) -> None:
    """``<iid>.<figure>`` per row: kind count, share (unit percent) or number (millions); and
    ``<iid>.sources``, the number of distinct sources (as written, spacing and case aside)."""
    named = {" ".join(str(s).split()).casefold() for s in data["source"]} - {""}
    store.add(ids.value_id(instrument_id, "sources"), len(named), "count",
              dict(source, computation="distinct sources of the figures (as written, spacing and case aside)"))
    for row in data.to_dict("records"):
        vid = ids.value_id(instrument_id, row["figure"])
        digits = decimals(row["value"])
        value = float(row["value"])
        where = dict(source, computation=f"as published: {row['source']}, {row['as_of']}")
        if row["unit"] == "percent":
            store.add(vid, value / 100, "share", where, digits=digits)
        elif row["unit"] == "count" and value.is_integer():
            store.add(vid, int(value), "count", where)
        else:
            store.add(vid, value, "number", where, digits=digits)


def secondary_table(data: pd.DataFrame) -> pd.DataFrame:
    return data[["figure", "value", "unit", "as_of", "source", "url"]].sort_values("figure", kind="stable")


def add_ratio_values(store: ValueStore, ratios: list[dict], where: str) -> None:
    """Shares numerator / denominator of values already in the store (evaluation.yaml analysis.ratios)."""
    problems = []
    for r in ratios:
        missing = [f"analysis.ratios[{r['id']}].{part}: '{r[part]}' is not a value id"
                   for part in ("numerator", "denominator") if r[part] not in store.values]
        if missing:
            problems += missing
            continue
        den = float(store.values[r["denominator"]]["value"])
        if den == 0:
            problems.append(f"analysis.ratios[{r['id']}].denominator: '{r['denominator']}' is zero")
            continue
        num = float(store.values[r["numerator"]]["value"])
        store.add(r["id"], num / den, "share",
                  {"file": where, "computation": f"{r['numerator']} / {r['denominator']}"}, digits=r.get("digits", 0))
    if problems:
        raise DataError(where, problems)
