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

l-diversity. k-anonymity stops a record from being singled out, not a class from giving its
members away: if every record of a class gave the same answer to an item, anyone who knows a
person is in that class knows that answer. So every class must hold at least `l` distinct valid
answers to every published rated item (distinct l-diversity, Machanavajjhala et al. 2007).

One policy for the whole release (README, "Disclosure policy"). The published microdata are the
finest release of a survey: a table or chart cell that can be counted from them is shown, because
hiding it protects no one. Only cells finer than the microdata (a breakdown by a variable the
dataset withholds or publishes only in broader groups, or a survey whose microdata are not
published) are small-cell suppressed, and their secondary suppression counts every total the
microdata give (`row_groups` of suppress_table).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pandas as pd

from evalkit.core.errors import EvalkitError
from evalkit.model.evaluation import Codebook


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


def suppress_table(table: pd.DataFrame, min_cell: int, row_groups: list[list[str]] | None = None,
                   known: pd.DataFrame | None = None) -> pd.DataFrame:
    """Boolean mask of the cells of a two-way table (with published row and column totals) to hide.

    Primary: cells below min_cell. Secondary: any published total whose cells hide exactly one
    cell hides its smallest visible cell too, repeated until stable (totals interact). Published
    totals: every row, every column and, per column, the sum of each of `row_groups` (rows whose
    sum another file publishes, e.g. the broader group the microdata give instead of the rows).
    `known`: cells another file publishes anyway (a group of one row in the microdata). They are
    never hidden, and a hidden cell that the known ones and a total give away is shown as well:
    hiding it would protect no one.
    """
    values = table.to_numpy()
    fixed = (known.to_numpy() if known is not None else (table < 0).to_numpy()).copy()
    m = (table < min_cell).to_numpy() & ~fixed
    rows, cols = range(values.shape[0]), range(values.shape[1])
    position = {key: i for i, key in enumerate(table.index)}
    lines = [[(r, c) for c in cols] for r in rows] + [[(r, c) for r in rows] for c in cols]
    lines += [[(position[key], c) for key in group] for group in row_groups or [] for c in cols]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [cell for cell in line if m[cell]]
            if len(hidden) != 1:
                continue
            free = [cell for cell in line if not m[cell] and not fixed[cell]]
            if free:
                m[min(free, key=lambda cell: (values[cell], cell))] = True
            elif len(line) > 1:
                m[hidden[0]] = False      # the others are published: it can be worked out anyway
                fixed[hidden[0]] = True
            else:
                continue
            changed = True
    return pd.DataFrame(m, index=table.index, columns=table.columns)


class DisclosureError(EvalkitError):
    """k-anonymity or l-diversity cannot be reached with the documented recodes and local suppression."""


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
    l: int = 1  # noqa: E741 (l-diversity required of the rated items; privacy.l in the config)
    diversity: int | None = None                              # fewest distinct answers of an item in a class

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
        out[g["variable"]] = out[g["variable"]].map(lambda v, m=mapping: m.get(v, v))
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


def linked_classes(df: pd.DataFrame, qis: list[str]):
    """The equivalence classes of the records that still carry a quasi-identifier (groupby)."""
    linked = ~(df[qis] == SUPPRESSED).all(axis=1)
    return df[linked].groupby(qis, dropna=False, sort=True)


def class_diversity(df: pd.DataFrame, qis: list[str], items: dict[str, set[str]]) -> list[tuple[tuple, int, str, list]]:
    """Per class and item (items: name -> valid keys): the class's quasi-identifier values, its size,
    the item and its distinct valid answers. Non-response is not an answer: a class whose answers
    are all one level, or missing, gives that level away for everyone in it who answered."""
    if not qis or df.empty:
        return []
    out = []
    for values, cls in linked_classes(df, qis):
        values = values if isinstance(values, tuple) else (values,)
        out += [(values, len(cls), item, sorted(set(cls[item]) & valid)) for item, valid in items.items()]
    return out


def l_diversity_problems(df: pd.DataFrame, qis: list[str], items: dict[str, set[str]], l: int,  # noqa: E741 (l-diversity's own name, as privacy.l in the config)
                         diversity: list | None = None) -> list[str]:
    """Classes with fewer than `l` distinct valid answers to an item (`diversity`: class_diversity's
    result, when already computed). l = 1 asks for nothing."""
    if l <= 1:
        return []
    problems = []
    for values, size, item, answers in class_diversity(df, qis, items) if diversity is None else diversity:
        if len(answers) < l:
            where = ", ".join(f"{q} '{v}'" if v != SUPPRESSED else f"{q} withheld"
                              for q, v in zip(qis, values, strict=True))
            said = (" and ".join(f"'{a}'" for a in answers)) if answers else "no valid answer"
            problems.append(
                f"class {where} ({size} records): {item} has {len(answers)} distinct "
                f"valid answer(s) ({said}), fewer than l = {l}"
            )
    return problems


def release_microdata(clean: pd.DataFrame, codebook: Codebook, instrument_id: str, k: int, l: int) -> KAnonymity:  # noqa: E741 (l-diversity's own name, as privacy.l in the config)
    """The microdata a survey publishes: its published variables, k-anonymous on the quasi-identifiers,
    and every class l-diverse on every published rated item; DisclosureError says what to change.

    The analysis computes from this table every cell it can (the same table the dataset writes), so
    documents and dataset cannot disagree or reveal what the other hides."""
    published = codebook.published_variables()
    names = [v["name"] for v in published]
    qis = [v["name"] for v in published if v.get("privacy") == "quasi_identifier"]
    where = f"published microdata of {instrument_id} ({codebook.source})"
    try:
        result = k_anonymize(clean[names].copy(), qis, k, codebook.generalizations)
    except DisclosureError as exc:
        raise DisclosureError(f"{where}: {exc}") from None
    items = {
        v["name"]: {c["key"] for c in codebook.scale(v["scale"])["levels"]} for v in published if v["role"] == "rating"
    }
    diversity = class_diversity(result.data, qis, items)
    problems = l_diversity_problems(result.data, qis, items, l, diversity)
    if problems:
        shown = "; ".join(problems[:10]) + (f"; ... and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise DisclosureError(
            f"{where}: l-diversity l={l} is not reached on {', '.join(qis)}: {shown}. Anyone who knows that a "
            f"person is in such a class would know their answer. Coarsen a quasi-identifier (broader groups under "
            f"disclosure.generalize in the codebook) or withhold it (publish: false), or lower privacy.l in "
            f"config/config.yaml and say so in the report"
        )
    result.l = l
    result.diversity = min((len(answers) for *_, answers in diversity), default=None)
    return result
