"""Checks and derived columns that belong to one data family rather than to any codebook."""

from __future__ import annotations

import numpy as np
import pandas as pd


def reconcile_indicators(clean: pd.DataFrame, family: dict, where, problems, labels: dict,
                         files: np.ndarray | None = None) -> pd.DataFrame:
    """Per-period and cumulative values side by side, whichever a partner reported.

    A partner may report each period's value ('period') or the life-of-project total to date
    ('cumulative'). For every reconciled column c (actual, actual_men, actual_women) the clean table
    gets c_period and c_cumulative. Counts: cumulative = running sum of periods; period = difference
    of consecutive cumulative values, which must never decrease. Levels (stock units such as a
    percentage) are the same in both columns. One indicator must use one value type throughout.
    Computed with grouped transforms over the whole table (100,000 rows in about a second).
    `files`: the file of each row when several files are reconciled as one table; series never run
    across files. Problems are added with `problems.at(row, message)`.
    """
    out = clean.copy()
    stock = set(family.get("stock_units", []))
    cols = [c for c in family.get("reconcile", []) if c in clean.columns]
    by = ["project", "indicator", "period", "_pos"]
    order = clean.assign(_pos=np.arange(len(clean)))
    if files is not None:
        order, by = order.assign(_file=files), ["_file", *by]
    order = order.sort_values(by)
    keys = [order[k] for k in by[:-2]]
    groups = order.groupby(keys, sort=False)
    mixed = (groups["value_type"].transform("nunique") > 1).to_numpy()
    is_stock = groups["unit"].transform("first").isin(stock).to_numpy()
    cumulative = (order["value_type"] == "cumulative").to_numpy()
    first = (groups.cumcount() == 0).to_numpy()
    gid = np.cumsum(first) - 1                    # group number of each sorted row
    pos, period = order["_pos"].to_numpy(), order["period"].to_numpy()
    back = np.empty(len(order), dtype=np.int64)
    back[pos] = np.arange(len(order))             # clean row i is at sorted rank back[i]
    found = []                                    # (group, column, rank, message)
    for r in np.flatnonzero(mixed & first):
        found.append((gid[r], -1, r, f"{where(int(pos[r]))}, column {labels['value_type']}: indicator "
                                     f"'{order['indicator'].iloc[r]}' is reported both per period and cumulatively; "
                                     f"expected one value type per indicator"))
    for ci, c in enumerate(cols):
        vals = pd.to_numeric(order[c].where(order[c] != ""), errors="coerce").astype(float)
        v = vals.to_numpy()
        running = vals.fillna(0).groupby(keys, sort=False).cumsum().to_numpy(copy=True)
        running[np.isnan(v)] = np.nan
        prev = vals.groupby(keys, sort=False).ffill().groupby(keys, sort=False).shift(1).fillna(0).to_numpy()
        per = np.where(is_stock | ~cumulative, v, v - prev)
        cum = np.where(is_stock | cumulative, v, running)
        per[mixed] = np.nan
        cum[mixed] = np.nan
        with np.errstate(invalid="ignore"):
            bad = ~is_stock & cumulative & ~mixed & ~np.isnan(v) & (v < prev)
        for r in np.flatnonzero(bad):
            found.append((gid[r], ci, r, f"{where(int(pos[r]))}, column {labels[c]}: cumulative value {v[r]:g} for "
                                         f"{period[r]} is below the previous period's {prev[r]:g}; expected a "
                                         f"cumulative series never to decrease"))
        out[c + "_period"] = _values(per)[back]
        out[c + "_cumulative"] = _values(cum)[back]
    for *_, row, msg in sorted(found, key=lambda t: t[:3]):
        problems.at(int(pos[row]), msg)
    return out


def _values(v: np.ndarray) -> np.ndarray:
    """Clean-table cells: '' where missing, whole numbers as int, others as float."""
    out = np.full(len(v), "", dtype=object)
    ok = ~np.isnan(v)
    whole = ok & (np.mod(np.where(ok, v, 0), 1) == 0)
    out[whole] = [int(x) for x in v[whole]]
    out[ok & ~whole] = [float(x) for x in v[ok & ~whole]]
    return out

