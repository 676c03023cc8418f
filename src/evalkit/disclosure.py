"""Statistical disclosure control: small-cell suppression in tables and charts, k-anonymity in microdata.

Small cells. A published cell counting fewer than `min_cell` respondents is hidden (primary
suppression). Because tables also publish totals (an item's valid answers, the top-box count), a
single hidden cell in a group with a published total could be recovered by subtraction; so every
group with a published total that hides exactly one cell hides the next smallest cell of the group
too (secondary suppression), repeated until no group hides exactly one cell. A group whose cells
would all be hidden while its total is small is reported so the total is hidden as well.

k-anonymity. Published microdata must not contain a combination of quasi-identifier values shared by
fewer than `k` records. The codebook documents recodes (generalizations) applied first; records
still in classes smaller than k then have quasi-identifiers blanked one variable at a time (local
suppression), the variable with the most distinct values first, until every class has at least k
records (a record with every quasi-identifier blanked has nothing left to link on). Everything done
is returned for the disclosure report.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pandas as pd

from .errors import EvalkitError


def suppress_cells(counts: list[int], groups: list[list[int]], min_cell: int) -> set[int]:
    """Indices of the cells of one row to hide.

    counts: the cells; groups: index lists whose totals are published (e.g. all levels, top box,
    bottom box). Primary: cells below min_cell. Secondary: as long as a group hides exactly one cell,
    hide its smallest visible cell too.
    """
    hidden = {i for i, n in enumerate(counts) if n < min_cell}
    ordered = sorted(groups, key=len)   # the most specific group first: least over-suppression
    changed = True
    while changed:
        changed = False
        for g in ordered:
            inside = [i for i in g if i in hidden]
            visible = [i for i in g if i not in hidden]
            if len(inside) == 1 and visible:
                hidden.add(min(visible, key=lambda i: (counts[i], i)))
                changed = True
                break
    return hidden


def suppress_table(table: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Boolean mask of the cells of a two-way table (with published row and column totals) to hide.

    Primary: cells below min_cell. Secondary: any row or column hiding exactly one cell hides its
    smallest visible cell too, repeated until stable (rows and columns interact).
    """
    mask = table < min_cell
    values = table.to_numpy()
    m = mask.to_numpy().copy()
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            lines = m if axis == 0 else m.T
            vals = values if axis == 0 else values.T
            for r in range(lines.shape[0]):
                if lines[r].sum() == 1 and (~lines[r]).any():
                    visible = [j for j in range(lines.shape[1]) if not lines[r, j]]
                    j = min(visible, key=lambda j: (vals[r, j], j))
                    lines[r, j] = True
                    changed = True
    return pd.DataFrame(m, index=table.index, columns=table.columns)


class DisclosureError(EvalkitError):
    """k-anonymity cannot be reached with the documented recodes and local suppression."""


SUPPRESSED = ""   # a blanked quasi-identifier in published microdata


@dataclass
class KAnonymity:
    data: pd.DataFrame
    k: int
    quasi_identifiers: list[str]
    generalized: list[dict] = field(default_factory=list)     # recodes applied
    suppressed: dict[str, int] = field(default_factory=dict)  # variable -> values blanked
    class_sizes_before: list[int] = field(default_factory=list)
    class_sizes_after: list[int] = field(default_factory=list)

    @property
    def smallest_class(self) -> int:
        return min(self.class_sizes_after) if self.class_sizes_after else 0


def class_sizes(df: pd.DataFrame, qis: list[str]) -> pd.Series:
    """Size of each record's equivalence class on the quasi-identifiers.

    A record whose quasi-identifiers are all blanked carries nothing to link on: it counts as
    belonging to every class, so it is never reported as a small class itself."""
    if not qis or df.empty:
        return pd.Series(len(df), index=df.index)
    sizes = df.groupby(qis, dropna=False)[qis[0]].transform("size")
    blank = (df[qis] == SUPPRESSED).all(axis=1)
    return sizes.where(~blank, sys.maxsize)


def k_anonymize(df: pd.DataFrame, qis: list[str], k: int, generalize: list[dict]) -> KAnonymity:
    """Apply documented generalizations, then local suppression, until every class has >= k records."""
    if qis and len(df) < k:
        raise DisclosureError(
            f"privacy.k = {k} is larger than the {len(df)} records: no release of them can be {k}-anonymous; "
            f"lower privacy.k in config/config.yaml (and say so in the report), or do not publish the microdata")
    out = df.copy()
    before = sorted(out.groupby(qis, dropna=False).size().tolist()) if qis else [len(out)]
    applied = []
    for g in generalize:
        mapping = {m: grp["key"] for grp in g["groups"] for m in grp["members"]}
        out[g["variable"]] = out[g["variable"]].map(lambda v: mapping.get(v, v))
        applied.append(g)
    suppressed: dict[str, int] = {}
    order = sorted(qis, key=lambda q: (-out[q].nunique(), qis.index(q)))
    for q in order:
        small = class_sizes(out, qis) < k
        if not small.any():
            break
        n = int((small & (out[q] != SUPPRESSED)).sum())
        out.loc[small, q] = SUPPRESSED
        if n:
            suppressed[q] = n
    sizes = class_sizes(out, qis)
    if (sizes < k).any():
        raise DisclosureError(
            f"k-anonymity k={k} cannot be reached on {', '.join(qis)}: after the codebook's recodes and blanking "
            f"every quasi-identifier of small classes, {int((sizes < k).sum())} record(s) remain in classes "
            f"smaller than {k}; add broader recodes under disclosure.generalize in the codebook")
    linked = ~(out[qis] == SUPPRESSED).all(axis=1) if qis else pd.Series(True, index=out.index)
    if qis and not linked.any():
        raise DisclosureError(
            f"k-anonymity k={k} on {', '.join(qis)} is reached only by blanking every quasi-identifier of every "
            f"record; add broader recodes under disclosure.generalize in the codebook, or lower privacy.k")
    after = sorted(out[linked].groupby(qis, dropna=False).size().tolist()) if qis else [len(out)]
    return KAnonymity(out, k, qis, applied, suppressed, before, after)
