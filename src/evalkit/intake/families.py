"""Checks and derived columns that belong to one data family rather than to any codebook."""

from __future__ import annotations

import numpy as np
import pandas as pd


def reconcile_indicators(clean: pd.DataFrame, family: dict, where, problems) -> pd.DataFrame:
    """Per-period and cumulative values side by side, whichever a partner reported.

    A partner may report each period's value ('period') or the life-of-project total to date
    ('cumulative'). For every reconciled column c (actual, actual_men, actual_women) the clean table
    gets c_period and c_cumulative. Counts: cumulative = running sum of periods; period = difference
    of consecutive cumulative values, which must never decrease. Levels (stock units such as a
    percentage) are the same in both columns. One indicator must use one value type throughout.
    """
    out = clean.copy()
    stock = set(family.get("stock_units", []))
    cols = [c for c in family.get("reconcile", []) if c in clean.columns]
    for c in cols:
        out[c + "_period"] = pd.Series("", index=clean.index, dtype=object)
        out[c + "_cumulative"] = pd.Series("", index=clean.index, dtype=object)
    order = clean.assign(_pos=np.arange(len(clean))).sort_values(["project", "indicator", "period", "_pos"])
    for (_, indicator), g in order.groupby(["project", "indicator"], sort=False):
        types = set(g["value_type"])
        if len(types) > 1:
            problems.add(f"{where(int(g['_pos'].iloc[0]))}, column 'value_type': indicator '{indicator}' is reported "
                         f"both per period and cumulatively; expected one value type per indicator")
            continue
        vtype = types.pop()
        is_stock = g["unit"].iloc[0] in stock
        for c in cols:
            vals = pd.to_numeric(g[c].where(g[c] != ""), errors="coerce")
            if vals.isna().all():
                continue
            if is_stock:
                per, cum = vals, vals
            elif vtype == "period":
                per, cum = vals, vals.fillna(0).cumsum().where(vals.notna())
            else:
                cum = vals
                prev = vals.ffill().shift(1).fillna(0)
                per = vals - prev
                for pos, p, value, before in zip(g["_pos"], g["period"], vals, prev):
                    if pd.notna(value) and value < before:
                        problems.add(f"{where(int(pos))}, column '{c}': cumulative value {value:g} for {p} is below "
                                     f"the previous period's {before:g}; expected a cumulative series never to decrease")
            idx = g.index
            out.loc[idx, c + "_period"] = per.map(_num).to_numpy()
            out.loc[idx, c + "_cumulative"] = cum.map(_num).to_numpy()
    return out


def _num(v):
    if pd.isna(v):
        return ""
    return int(v) if float(v).is_integer() else float(v)


HOOKS = {"indicator_report": reconcile_indicators}
