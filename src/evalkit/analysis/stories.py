"""Most Significant Change selection: the stories ranked by the participants of facilitated
validation-and-ranking discussions (a story_rankings instrument, one row per story ranked on one
participant's form), summed up per story.

Per story: the forms that ranked it, the times it was ranked first, the share of those forms that
ranked it first, its mean rank (1 = most significant) and its position in the ranking by mean rank
(lowest mean first; ties broken by more times ranked first, then by the order of the stories in the
codebook's `story` categories).
"""

from __future__ import annotations

import pandas as pd

from evalkit.values import ids
from evalkit.values.store import ValueStore

COLUMNS = ["story", "forms", "first", "first_share", "mean_rank", "position"]


def ranking_problems(data: pd.DataFrame) -> list[str]:
    """What the analysis refuses, each naming the data row, its form and the column: a rank that is
    not a whole number of at least 1, an empty form or story, a form that ranks one story twice."""
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(data.to_dict("records"), start=1):
        form, story, rank = str(row["form"]).strip(), str(row["story"]).strip(), str(row["rank"]).strip()
        at = f"data row {i} (form '{form}')"
        if not form:
            problems.append(f"data row {i}, column form: empty; expected the id of the participant's ranking form")
        if not story:
            problems.append(f"{at}, column story: empty; expected the key of the story the form ranks")
        try:
            ok = float(rank).is_integer() and float(rank) >= 1
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"{at}, column rank: '{rank}'; expected a whole number of at least 1 "
                            f"(1 = most significant)")
        if form and story:
            first = seen.setdefault((form, story), i)
            if first != i:
                problems.append(f"{at}, column story: the form ranks story '{story}' again (also data row "
                                f"{first}); expected each story at most once per form")
    return problems


def story_ranking(data: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """One row per ranked story, in ranking order: story, forms, first, first_share, mean_rank,
    position. `order`: the story keys in codebook order (the last tie-break); a ranked key not in it
    comes after them. Call ranking_problems first: this assumes whole ranks of at least 1."""
    frame = pd.DataFrame({"form": data["form"].astype(str).str.strip(), "story": data["story"].astype(str).str.strip(),
                          "rank": pd.to_numeric(data["rank"]).astype("int64")})
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "story" else "float64") for c in COLUMNS})
    per = frame.groupby("story", sort=False).agg(forms=("form", "nunique"),
                                                 first=("rank", lambda r: int((r == 1).sum())),
                                                 mean_rank=("rank", "mean")).reset_index()
    place = {k: n for n, k in enumerate(order)}
    per["_order"] = [place.get(s, len(order)) for s in per["story"]]
    per = per.sort_values(["mean_rank", "first", "_order", "story"], ascending=[True, False, True, True], kind="stable")
    per["first_share"] = per["first"] / per["forms"]
    per["position"] = range(1, len(per) + 1)
    return per[COLUMNS].reset_index(drop=True)


def add_story_values(store: ValueStore, instrument_id: str, table: pd.DataFrame, data: pd.DataFrame,
                     source: dict) -> None:
    """``<iid>.forms``, ``<iid>.sessions``, ``<iid>.stories`` and per ranked story
    ``<iid>.story.<story>.forms|first|first_share|mean_rank|position`` (evalkit.values.ids)."""
    def add(vid: str, value, kind: str, computation: str, digits: int = 0) -> None:
        store.add(vid, value, kind, {**source, "computation": computation}, digits)

    def distinct(column: str) -> int:
        col = data[column].astype(str).str.strip()
        return int(col[col != ""].nunique())

    add(ids.value_id(instrument_id, "forms"), distinct("form"), "count", "distinct ranking forms (one per participant)")
    add(ids.value_id(instrument_id, "sessions"), distinct("session"), "count", "distinct facilitated discussions")
    add(ids.value_id(instrument_id, "stories"), len(table), "count", "distinct stories ranked on at least one form")
    for row in table.to_dict("records"):
        s = row["story"]
        add(ids.story(instrument_id, s, "forms"), int(row["forms"]), "count", "forms that ranked the story")
        add(ids.story(instrument_id, s, "first"), int(row["first"]), "count", "forms that ranked the story first")
        add(ids.story(instrument_id, s, "first_share"), float(row["first_share"]), "share",
            "forms that ranked the story first / forms that ranked it")
        add(ids.story(instrument_id, s, "mean_rank"), float(row["mean_rank"]), "number",
            "mean rank of the story over the forms that ranked it (1 = most significant)", 2)
        add(ids.story(instrument_id, s, "position"), int(row["position"]), "count",
            "position in the ranking by mean rank (lowest first; ties: more times ranked first, then codebook order)")
