"""Data-collection tables from one engagement log: the stakeholder table (the report's Table 2), the
in-person/remote split, the stakeholder distribution and the survey response rate.

Every figure comes from the same clean engagement log (one row per key informant interview or focus
group), so the tables agree with each other by construction. Method, mode and stakeholder keys come
from the instrument's codebook (the method keys are the evaluation's own; the engagement-log family requires
mode keys ``in_person``/``remote``); nothing about a particular evaluation is written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from evalkit.model.evaluation import Codebook
from evalkit.values import ids
from evalkit.values.store import ValueStore

COUNTS = ("men", "women", "participants")
COLUMNS = {"participants": "participants", "men": "participants_men", "women": "participants_women"}


@dataclass(frozen=True)
class ModeSummary:
    """What was done in one mode (in person, remote)."""

    mode: str
    activities: int
    participants: int
    men: int
    women: int
    by_method: dict[str, int]                 # activities per method key, codebook order
    participants_by_method: dict[str, int]    # participants per method key, codebook order
    activity_share: float                     # activities / all activities
    participant_share: float                  # participants / all participants
    first_date: str | None                    # YYYY-MM-DD, None when the mode has no activity
    last_date: str | None
    states: tuple[str, ...]                   # distinct state keys, codebook order
    activities_by_state: dict[str, int] = field(default_factory=dict)  # every state key, codebook order


@dataclass(frozen=True)
class FieldworkResult:
    """The data-collection figures of one engagement log."""

    methods: tuple[str, ...]           # method keys, codebook order
    stakeholders: tuple[str, ...]      # stakeholder keys, codebook order
    by_stakeholder: pd.DataFrame       # index stakeholder key; columns <method>..., men, women, participants,
                                       # activities, participant_share
    totals: dict[str, int]             # activities, <method>..., men, women, participants
    modes: dict[str, ModeSummary]      # per mode key, codebook order
    first_date: str | None
    last_date: str | None


def _as_int(log: pd.DataFrame, column: str) -> pd.Series:
    """A count column of the clean log (strings) as integers; empty cells are an error."""
    values = pd.to_numeric(log[column], errors="raise")
    if values.isna().any():
        raise ValueError(f"{column}: empty cells in the engagement log; every activity needs its count")
    return values.astype("int64")


def _check_keys(log: pd.DataFrame, column: str, known: list[str]) -> None:
    """Refuse keys the codebook does not declare (they would silently fall out of the tables)."""
    unknown = sorted(set(log[column].astype(str).unique()) - set(known))
    if unknown:
        raise ValueError(f"{column}: keys not in the codebook: {', '.join(map(repr, unknown))} "
                         f"(expected one of {', '.join(known)})")


def data_collection(log: pd.DataFrame, codebook: Codebook) -> FieldworkResult:
    """Table 2, the in-person/remote split and the stakeholder distribution of one clean engagement log.

    `log` is the clean table (all cells strings, as read by ``read_clean``); `codebook` the engagement
    log's codebook, whose categories give the keys and their order.
    """
    methods = codebook.category_keys("method")
    modes = codebook.category_keys("mode")
    stakeholders = codebook.category_keys("stakeholder")
    states = codebook.category_keys("state")
    for column, known in (("method", methods), ("mode", modes), ("stakeholder", stakeholders), ("state", states)):
        _check_keys(log, column, known)

    df = pd.DataFrame({"method": log["method"].astype(str), "mode": log["mode"].astype(str),
                       "stakeholder": log["stakeholder"].astype(str), "state": log["state"].astype(str),
                       "date": log["date"].astype(str)})
    for name, column in COLUMNS.items():
        df[name] = _as_int(log, column)
    if (df["date"] == "").any():
        raise ValueError("date: empty cells in the engagement log; every activity needs its date")

    # Table 2: activities per method, participants by sex, per stakeholder type.
    per_method = pd.crosstab(df["stakeholder"], df["method"]).reindex(index=stakeholders, columns=methods,
                                                                     fill_value=0)
    sums = df.groupby("stakeholder")[list(COUNTS)].sum().reindex(stakeholders, fill_value=0)
    table = pd.concat([per_method, sums], axis=1).astype("int64")
    table["activities"] = per_method.sum(axis=1).astype("int64")
    total_participants = int(df["participants"].sum())
    table["participant_share"] = table["participants"] / total_participants if total_participants else 0.0
    table.index.name = "stakeholder"
    table.columns.name = None

    totals = {"activities": len(df), **{m: int(per_method[m].sum()) for m in methods},
              **{c: int(df[c].sum()) for c in COUNTS}}

    # In person / remote.
    n_act = len(df)
    act_by = pd.crosstab(df["mode"], df["method"]).reindex(index=modes, columns=methods, fill_value=0)
    part_by = df.pivot_table(index="mode", columns="method", values="participants", aggfunc="sum",
                             fill_value=0).reindex(index=modes, columns=methods, fill_value=0)
    mode_sums = df.groupby("mode")[list(COUNTS)].sum().reindex(modes, fill_value=0)
    dates = df.groupby("mode")["date"].agg(["min", "max"])
    state_sets = df.groupby("mode")["state"].agg(lambda s: set(s))
    act_state = pd.crosstab(df["mode"], df["state"]).reindex(index=modes, columns=states, fill_value=0)
    summaries = {}
    for m in modes:
        acts = int(act_by.loc[m].sum())
        parts = int(mode_sums.loc[m, "participants"])
        present = state_sets.get(m, set())
        summaries[m] = ModeSummary(
            mode=m, activities=acts, participants=parts,
            men=int(mode_sums.loc[m, "men"]), women=int(mode_sums.loc[m, "women"]),
            by_method={k: int(act_by.loc[m, k]) for k in methods},
            participants_by_method={k: int(part_by.loc[m, k]) for k in methods},
            activity_share=acts / n_act if n_act else 0.0,
            participant_share=parts / total_participants if total_participants else 0.0,
            first_date=str(dates.loc[m, "min"]) if m in dates.index else None,
            last_date=str(dates.loc[m, "max"]) if m in dates.index else None,
            states=tuple(s for s in states if s in present),
            activities_by_state={k: int(act_state.loc[m, k]) for k in states},
        )
    return FieldworkResult(
        methods=tuple(methods), stakeholders=tuple(stakeholders), by_stakeholder=table, totals=totals,
        modes=summaries, first_date=str(df["date"].min()) if n_act else None,
        last_date=str(df["date"].max()) if n_act else None,
    )


def table2_frame(result: FieldworkResult) -> pd.DataFrame:
    """Table 2 as a language-neutral frame: one row per stakeholder key (codebook order) and a last row
    ``total``; columns stakeholder, one per method key (kii, fgd), men, women, total (participants)."""
    t = result.by_stakeholder
    cols = [*result.methods, "men", "women"]
    frame = t[cols].copy()
    frame["total"] = t["participants"]
    frame.loc["total"] = [result.totals[c] for c in cols] + [result.totals["participants"]]
    frame = frame.astype("int64").reset_index(names="stakeholder")
    return frame[["stakeholder", *cols, "total"]]


def add_fieldwork_values(store: ValueStore, instrument_id: str, result: FieldworkResult, source: dict) -> None:
    """Value ids (method keys from the codebook, e.g. kii/fgd; mode keys e.g. in_person/remote):

    - ``<iid>.activities``, ``<iid>.<method>``, ``<iid>.participants``, ``<iid>.men``, ``<iid>.women``
    - ``<iid>.<mode>.activities|participants|men|women|<method>|<method>_participants|activity_share|
      participant_share|states``, and ``<iid>.<mode>.by_state.<state>.activities`` for every state key
    - ``<iid>.first_month``, ``<iid>.last_month``: the months of the first and last activity (kind month)
    - ``<iid>.by_stakeholder.<key>.<method>|men|women|participants|activities|participant_share``
    """
    tot = result.totals
    methods = result.methods

    def add(vid: str, value, kind: str, computation: str, digits: int = 0) -> None:
        """Add one value under the instrument id with its computation."""
        store.add(ids.value_id(instrument_id, vid), value, kind, {**source, "computation": computation}, digits)

    add("activities", tot["activities"], "count", "number of activities (rows) in the engagement log")
    for m in methods:
        add(m, tot[m], "count", f"activities with method '{m}'")
    add("participants", tot["participants"], "count", "sum of participants over all activities")
    add("men", tot["men"], "count", "sum of participants_men over all activities")
    add("women", tot["women"], "count", "sum of participants_women over all activities")

    for mode, s in result.modes.items():
        add(f"{mode}.activities", s.activities, "count", f"activities with mode '{mode}'")
        add(f"{mode}.participants", s.participants, "count", f"sum of participants of activities with mode '{mode}'")
        add(f"{mode}.men", s.men, "count", f"sum of participants_men of activities with mode '{mode}'")
        add(f"{mode}.women", s.women, "count", f"sum of participants_women of activities with mode '{mode}'")
        for m in methods:
            add(f"{mode}.{m}", s.by_method[m], "count", f"activities with mode '{mode}' and method '{m}'")
            add(f"{mode}.{m}_participants", s.participants_by_method[m], "count",
                f"sum of participants of activities with mode '{mode}' and method '{m}'")
        add(f"{mode}.activity_share", s.activity_share, "share",
            f"activities with mode '{mode}' ({s.activities}) / all activities ({tot['activities']})")
        add(f"{mode}.participant_share", s.participant_share, "share",
            f"participants of activities with mode '{mode}' ({s.participants}) / all participants "
            f"({tot['participants']})")
        add(f"{mode}.states", len(s.states), "count",
            f"distinct states of activities with mode '{mode}' ({', '.join(s.states) or 'none'})")
        for state, n in s.activities_by_state.items():
            store.add(ids.mode_state(instrument_id, mode, state), n, "count",
                      {**source, "computation": f"activities with mode '{mode}' and state '{state}'"})
    if result.first_date and result.last_date:
        add("first_month", result.first_date[:7], "month", "month of the earliest date in the engagement log")
        add("last_month", result.last_date[:7], "month", "month of the latest date in the engagement log")

    for key, row in result.by_stakeholder.iterrows():
        def by(stat: str, value, kind: str, computation: str, key: str = str(key)) -> None:
            store.add(ids.by_stakeholder(instrument_id, key, stat), value, kind, {**source, "computation": computation})

        for m in methods:
            by(m, row[m], "count", f"activities with stakeholder '{key}' and method '{m}'")
        by("activities", row["activities"], "count", f"activities with stakeholder '{key}'")
        by("men", row["men"], "count", f"sum of participants_men of activities with stakeholder '{key}'")
        by("women", row["women"], "count", f"sum of participants_women of activities with stakeholder '{key}'")
        by("participants", row["participants"], "count", f"sum of participants of activities with stakeholder '{key}'")
        by("participant_share", row["participant_share"], "share",
           f"participants of activities with stakeholder '{key}' ({int(row['participants'])}) / all "
           f"participants ({tot['participants']})")


def response_rate(respondents: int, participants: int) -> float:
    """Survey respondents / people invited (the data-collection participants), as a share (0..1)."""
    if participants <= 0:
        raise ValueError(f"response rate: participants must be positive, got {participants}")
    if respondents < 0 or respondents > participants:
        raise ValueError(f"response rate: respondents ({respondents}) must be between 0 and the participants "
                         f"invited ({participants})")
    return respondents / participants


def add_response_rate_value(store: ValueStore, survey_iid: str, respondents: int, participants: int,
                            source: dict, participants_instrument: str) -> None:
    """Value id ``<survey_iid>.response_rate``: respondents of the survey / participants of the data
    collection recorded in `participants_instrument` (the engagement log). `source` should name the
    files of both instruments."""
    store.add(ids.response_rate(survey_iid), response_rate(respondents, participants), "share",
              {**source, "computation": f"respondents of {survey_iid} ({respondents}) / participants in the "
                                        f"activities of {participants_instrument} ({participants})"})


OTHER = "other"  # the pooled row of places with fewer participants than min_cell


def itinerary(log: pd.DataFrame, codebook: Codebook, min_cell: int = 0) -> pd.DataFrame:
    """The fieldwork itinerary (Annex D): one row per state and mode with at least one activity, in
    codebook order (state, then mode); columns state, mode, one per method key (activities),
    activities, participants, first_date, last_date (YYYY-MM-DD), pooled (the states of a pooled row).

    Disclosure control: the places of a mode with fewer than `min_cell` participants are pooled into
    one last row of that mode, state ``other``, so that no row shows a handful of people at a place
    and date."""
    methods = codebook.category_keys("method")
    states = codebook.category_keys("state")
    modes = codebook.category_keys("mode")
    for column, known in (("method", methods), ("mode", modes), ("state", states)):
        _check_keys(log, column, known)
    df = pd.DataFrame({"state": log["state"].astype(str), "mode": log["mode"].astype(str),
                       "method": log["method"].astype(str), "date": log["date"].astype(str),
                       "participants": _as_int(log, "participants")})

    def row(part: pd.DataFrame, state: str, mode: str, pooled: str = "") -> dict:
        return {"state": state, "mode": mode, **{k: int((part["method"] == k).sum()) for k in methods},
                "activities": len(part), "participants": int(part["participants"].sum()),
                "first_date": str(part["date"].min()), "last_date": str(part["date"].max()), "pooled": pooled}

    rows, small = [], {m: [] for m in modes}
    for s in states:
        for m in modes:
            part = df[(df["state"] == s) & (df["mode"] == m)]
            if part.empty:
                continue
            if int(part["participants"].sum()) < min_cell:
                small[m].append(s)
            else:
                rows.append(row(part, s, m))
    for m in modes:
        if small[m]:
            part = df[(df["mode"] == m) & df["state"].isin(small[m])]
            rows.append(row(part, OTHER, m, " ".join(small[m])))
    return pd.DataFrame(rows, columns=["state", "mode", *methods, "activities", "participants", "first_date",
                                       "last_date", "pooled"])


def add_itinerary_values(store: ValueStore, instrument_id: str, table: pd.DataFrame, methods: tuple[str, ...],
                         source: dict) -> None:
    """Value ids ``<iid>.itinerary.<state>.<mode>.<method>|activities|participants`` (counts) and
    ``...first_date|last_date`` (kind date), one set per row of :func:`itinerary` (a pooled row, state
    ``other``, also ``...states``: how many it pools); and ``<iid>.itinerary.places`` (its rows)."""
    def add(parts: tuple, value, kind: str, computation: str) -> None:
        store.add(ids.itinerary(instrument_id, *parts), value, kind, {**source, "computation": computation})

    add(("places",), len(table), "count", "rows of the itinerary: (state, mode) pairs with at least one activity, "
                                          "those under min_cell participants pooled into one row per mode")
    for row in table.to_dict("records"):
        base, where = (row["state"], row["mode"]), f"state '{row['state']}' and mode '{row['mode']}'"
        if row["pooled"]:
            where = (f"mode '{row['mode']}' and the states pooled for having fewer than min_cell participants "
                     f"({row['pooled']})")
            add((*base, "states"), len(row["pooled"].split()), "count", f"states pooled: {row['pooled']}")
        for m in methods:
            add((*base, m), row[m], "count", f"activities with method '{m}', {where}")
        add((*base, "activities"), row["activities"], "count", f"activities with {where}")
        add((*base, "participants"), row["participants"], "count", f"sum of participants of activities with {where}")
        add((*base, "first_date"), row["first_date"], "date", f"earliest date of the activities with {where}")
        add((*base, "last_date"), row["last_date"], "date", f"latest date of the activities with {where}")
