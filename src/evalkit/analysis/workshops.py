"""Validation-workshop forms: how participants rated the priority of the draft recommendations.

Each rating variable of the codebook holds level keys of its scale (e.g. ``p1``..``p5``); they are
turned into the scale's numeric codes, so that mean, median, spread and rank can be computed.
Declared missing keys and empty cells mean "not rated" and are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit.model.evaluation import Codebook
from evalkit.values import ids
from evalkit.values.store import ValueStore

STATS = ("n", "mean", "median", "sd", "q1", "q3", "iqr", "min", "max", "rank")


def _numeric_ratings(forms: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One float column per rating variable (codebook order): the level's code, NaN when not rated."""
    out = {}
    for v in codebook.variables("rating"):
        name = v["name"]
        scale = codebook.scale(v["scale"])
        codes = {str(c["key"]): float(c["code"]) for c in scale["levels"]}
        not_rated = {"", *(str(c["key"]) for c in scale.get("missing", []))}
        col = forms[name].fillna("").astype(str) if name in forms else pd.Series("", index=forms.index)
        unknown = sorted(set(col.unique()) - set(codes) - not_rated)
        if unknown:
            raise ValueError(f"{name}: values outside the scale '{v['scale']}': {', '.join(map(repr, unknown))} "
                             f"(levels: {', '.join(codes)})")
        out[name] = col.map(codes).astype("float64")
    return pd.DataFrame(out, index=forms.index)


def workshop_priorities(forms: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per rating variable, in codebook order: item, n (rated), mean, median, sd (sample,
    ddof=1), q1, q3, iqr, min, max (on the scale's codes) and rank (1 = highest mean; ties broken by
    the higher median, then by codebook order). Items nobody rated have n = 0 and no statistics or rank.
    """
    values = _numeric_ratings(forms, codebook)
    items = list(values.columns)
    stats = pd.DataFrame({
        "item": items,
        "n": values.count().to_numpy().astype("int64"),
        "mean": values.mean().to_numpy(),
        "median": values.median().to_numpy(),
        "sd": values.std(ddof=1).to_numpy(),
        "q1": values.quantile(0.25).to_numpy() if items else [],
        "q3": values.quantile(0.75).to_numpy() if items else [],
        "min": values.min().to_numpy(),
        "max": values.max().to_numpy(),
    })
    stats["iqr"] = stats["q3"] - stats["q1"]
    order = np.arange(len(stats))
    rated = stats[stats["n"] > 0].assign(_order=order[stats["n"].to_numpy() > 0])
    ranked = rated.sort_values(["mean", "median", "_order"], ascending=[False, False, True], kind="stable")
    rank = pd.Series(np.arange(1, len(ranked) + 1), index=ranked.index)
    stats["rank"] = rank.reindex(stats.index).astype("Int64")
    return stats[["item", *STATS]]


def order_matches(priorities: pd.DataFrame) -> bool:
    """True when the ranks of the rated items follow their codebook order (1, 2, 3, ...): the
    participants' priorities agree with the published order of the recommendations."""
    ranks = priorities["rank"].dropna().astype(int).tolist()
    return ranks == list(range(1, len(ranks) + 1))


def workshop_counts(forms: pd.DataFrame, codebook: Codebook | None = None) -> dict[str, int]:
    """Participants (forms), forms per mode key and distinct workshops.

    With the codebook, every mode key of the codebook is counted (in its order, zero when absent);
    without it, the mode keys found in the forms (sorted)."""
    mode = forms["mode"].fillna("").astype(str)
    if codebook is None:
        modes = sorted(set(mode.unique()) - {""})
    else:
        modes = [c["key"] for c in codebook.variable("mode").get("categories", [])]
    unknown = sorted(set(mode.unique()) - set(modes))
    if unknown:
        raise ValueError(f"mode: keys not in the codebook: {', '.join(map(repr, unknown))} "
                         f"(expected one of {', '.join(modes)})")
    per_mode = mode.value_counts()
    workshops = forms["workshop"].astype(str)
    return {"participants": len(forms), **{m: int(per_mode.get(m, 0)) for m in modes},
            "workshops": int(workshops[workshops != ""].nunique())}


def add_workshop_values(store: ValueStore, instrument_id: str, priorities: pd.DataFrame, forms: pd.DataFrame,
                        source: dict, codebook: Codebook | None = None) -> None:
    """Value ids: ``<iid>.participants``, ``<iid>.<mode>`` (e.g. in_person, remote), ``<iid>.workshops``,
    ``<iid>.rated_items``, and per rated item ``<iid>.<item>.n|mean|sd|median|q1|q3|iqr|min|max|rank``
    (mean and sd with 2 decimals, median with 1, quartiles and IQR with 2; items nobody rated get only n).
    Pass the codebook so that every mode of the codebook gets a count, even one no form has.
    """
    def add(vid: str, value, kind: str, computation: str, digits: int = 0, **extra) -> None:
        """Add one value under the instrument id with its computation."""
        store.add(ids.value_id(instrument_id, vid), value, kind, {**source, **extra, "computation": computation},
                  digits)

    counts = workshop_counts(forms, codebook)
    add("participants", counts.pop("participants"), "count", "number of forms in the clean table (one per participant)")
    add("workshops", counts.pop("workshops"), "count", "distinct workshops of the forms")
    for mode, n in counts.items():
        add(mode, n, "count", f"forms with mode '{mode}'")
    add("rated_items", int((priorities["n"] > 0).sum()), "count", "rating variables with at least one rating")
    for row in priorities.itertuples(index=False):
        item = row.item

        def stat(name: str, value, kind: str, computation: str, digits: int = 0, item: str = item) -> None:
            """One statistic of a rated item, under the item's value id (evalkit.values.ids.item)."""
            store.add(ids.item(instrument_id, item, name), value, kind,
                      {**source, "variable": item, "computation": computation}, digits)

        on = "on the scale's codes, blank (not rated) excluded"
        stat("n", row.n, "count", "forms with a rating (blank = not rated)")
        if row.n == 0:
            continue
        stat("mean", row.mean, "number", f"mean rating {on}", 2)
        stat("median", row.median, "number", f"median rating {on}", 1)
        if row.n > 1:
            stat("sd", row.sd, "number", f"sample standard deviation (n - 1) of the ratings {on}", 2)
        stat("q1", row.q1, "number", f"first quartile (linear interpolation) {on}", 2)
        stat("q3", row.q3, "number", f"third quartile (linear interpolation) {on}", 2)
        stat("iqr", row.iqr, "number", f"third minus first quartile {on}", 2)
        stat("min", row.min, "number", f"lowest rating {on}", 0)
        stat("max", row.max, "number", f"highest rating {on}", 0)
        stat("rank", int(row.rank), "count",
             "rank of the mean rating among the rated items (1 = highest; ties: higher median, then codebook "
             "order)")


def schedule_table(schedule: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The workshops in codebook order: workshop, date, state, mode, participants (integers)."""
    order = {c["key"]: i for i, c in enumerate(codebook.variable("workshop").get("categories", []))}
    frame = schedule[["workshop", "date", "state", "mode", "participants"]].copy()
    frame["participants"] = pd.to_numeric(frame["participants"], errors="raise").astype("int64")
    frame["_order"] = frame["workshop"].map(lambda k: order.get(k, len(order)))
    return frame.sort_values(["_order", "date"], kind="stable").drop(columns="_order").reset_index(drop=True)


def schedule_problems(schedule: pd.DataFrame, forms: pd.DataFrame) -> list[str]:
    """Where the workshop schedule and the workshop forms disagree: a workshop one has and the other
    lacks, or a workshop whose participants (forms), date or mode differ. Empty when they agree."""
    problems = []
    table = schedule.set_index("workshop")
    forms = forms.assign(workshop=forms["workshop"].astype(str))
    counts = forms.groupby("workshop").size()
    for w in sorted(set(counts.index) - set(table.index)):
        problems.append(f"workshop '{w}': {int(counts[w])} forms but no row in the schedule; expected one row per "
                        f"workshop of the forms")
    for w, row in table.iterrows():
        if w not in counts.index:
            problems.append(f"workshop '{w}': in the schedule but no form has it; expected the forms of its "
                            f"{row['participants']} participants")
            continue
        n = int(counts[w])
        if int(row["participants"]) != n:
            problems.append(f"workshop '{w}', column participants: the schedule gives {row['participants']} but the "
                            f"forms count {n}; expected the same number of participants")
        mine = forms[forms["workshop"] == w]
        for col in ("date", "mode"):
            other = sorted(set(mine[col].astype(str)))
            if other != [str(row[col])]:
                problems.append(f"workshop '{w}', column {col}: the schedule gives '{row[col]}' but its forms give "
                                f"{', '.join(repr(o) for o in other)}; expected the same {col}")
    return problems


def add_schedule_values(store: ValueStore, instrument_id: str, schedule: pd.DataFrame, codebook: Codebook,
                        source: dict) -> None:
    """Value ids ``<iid>.workshops``, ``<iid>.participants``, ``<iid>.states`` (distinct states),
    ``<iid>.days`` (distinct dates), ``<iid>.first_date|last_date`` (kind date), per mode key
    ``<iid>.<mode>.workshops|participants``, and per workshop ``<iid>.by_workshop.<key>.participants``
    and ``.date``."""
    def add(vid: str, value, kind: str, computation: str) -> None:
        store.add(ids.value_id(instrument_id, vid), value, kind, {**source, "computation": computation})

    table = schedule_table(schedule, codebook)
    add("workshops", len(table), "count", "number of workshops (rows) in the schedule")
    add("participants", int(table["participants"].sum()), "count", "sum of participants over the workshops")
    add("states", int(table["state"].nunique()), "count", "distinct states of the workshops")
    add("days", int(table["date"].nunique()), "count", "distinct dates of the workshops")
    add("first_date", str(table["date"].min()), "date", "earliest workshop date")
    add("last_date", str(table["date"].max()), "date", "latest workshop date")
    for c in codebook.variable("mode").get("categories", []):
        part = table[table["mode"] == c["key"]]
        add(f"{c['key']}.workshops", len(part), "count", f"workshops with mode '{c['key']}'")
        add(f"{c['key']}.participants", int(part["participants"].sum()), "count",
            f"sum of participants of workshops with mode '{c['key']}'")
    for row in table.to_dict("records"):
        key = row["workshop"]
        store.add(ids.workshop(instrument_id, key, "participants"), row["participants"], "count",
                  {**source, "computation": f"participants of workshop '{key}'"})
        store.add(ids.workshop(instrument_id, key, "date"), row["date"], "date",
                  {**source, "computation": f"date of workshop '{key}'"})
