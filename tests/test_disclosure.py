"""Small-cell suppression (with secondary suppression), k-anonymity and l-diversity of the release."""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit.analysis.disclosure import (
    DisclosureError,
    k_anonymize,
    l_diversity_problems,
    release_microdata,
    suppress_cells,
    suppress_table,
)

GROUPS = [[0, 1, 2, 3], [2, 3], [0, 1]]  # all levels (valid n), top box, the rest


def test_primary_cell_gets_a_secondary_in_its_group():
    # mechanisms: Low 3 is small; the row total and the bottom-box total would reveal it with
    # Moderate shown, so Moderate is hidden too
    assert suppress_cells([3, 11, 40, 39], GROUPS, 10) == {0, 1}


def test_secondary_chosen_in_the_most_specific_group():
    # Above moderate 8 is small: hiding High (its top-box partner) protects it; nothing else needed
    assert suppress_cells([12, 11, 8, 60], GROUPS, 10) == {2, 3}


def test_no_small_cell_nothing_hidden():
    assert suppress_cells([10, 30, 40, 60], GROUPS, 10) == set()


def test_zero_counts_are_small_cells():
    assert suppress_cells([0, 20, 40, 60], GROUPS, 10) == {0, 1}


def test_hidden_cell_cannot_be_recovered_from_published_totals():
    counts = [6, 17, 37, 32]
    hidden = suppress_cells(counts, GROUPS, 10)
    for g in GROUPS:
        inside = [i for i in g if i in hidden]
        assert len(inside) != 1, f"group {g} hides exactly one cell: recoverable by subtraction"


def test_two_way_table_rows_and_columns_both_protected():
    t = pd.DataFrame({"man": [12, 4, 30], "woman": [15, 20, 25]}, index=["a", "b", "c"])
    mask = suppress_table(t, 10)
    assert mask.loc["b", "man"]  # primary
    assert mask.loc["b", "woman"]  # row b would reveal it
    assert mask["man"].sum() >= 2 and mask["woman"].sum() >= 2  # columns too
    for axis in (0, 1):
        assert not (mask.sum(axis=axis) == 1).any()


def frame(n_small: int = 0) -> pd.DataFrame:
    rows = []
    for g in ("man", "woman"):
        for s in ("x", "y"):
            rows += [{"gender": g, "stakeholder": s, "state": "a"}] * 6
    rows += [{"gender": "woman", "stakeholder": "z", "state": "b"}] * n_small
    return pd.DataFrame(rows)


def test_k_anonymity_already_met_changes_nothing():
    r = k_anonymize(frame(), ["gender", "stakeholder", "state"], 5, [])
    assert r.smallest_class == 6 and r.suppressed == {} and r.data.equals(frame())


def test_documented_generalization_is_applied_first():
    gen = [{"variable": "stakeholder", "reason": {"en-US": "small"},
            "groups": [{"key": "xz", "members": ["x", "z"]}, {"key": "y", "members": ["y"]}]}]
    r = k_anonymize(frame(2), ["gender", "stakeholder"], 5, gen)
    assert set(r.data["stakeholder"]) == {"xz", "y"}
    assert r.suppressed == {} and r.smallest_class >= 5


def test_local_suppression_when_recodes_are_not_enough():
    r = k_anonymize(frame(2), ["gender", "stakeholder", "state"], 5, [])
    assert r.smallest_class >= 5
    assert sum(r.suppressed.values()) >= 2
    assert r.class_sizes_before[0] == 2


def test_fully_blanked_records_have_nothing_to_link_on():
    df = pd.DataFrame({"gender": ["man"] * 5 + ["woman"], "state": ["a"] * 5 + ["b"]})
    r = k_anonymize(df, ["gender", "state"], 5, [])
    assert (r.data.loc[5, ["gender", "state"]] == "").all()  # the one record that stood out
    assert r.suppressed == {"gender": 1, "state": 1} and r.smallest_class == 5


def test_a_k_reached_only_by_blanking_everything_or_above_the_records_fails():
    df = pd.DataFrame({"gender": ["man", "woman", "man", "woman", "man"], "state": list("abcde")})
    with pytest.raises(DisclosureError, match="reached only by blanking every quasi-identifier"):
        k_anonymize(df, ["gender", "state"], 5, [])
    with pytest.raises(DisclosureError, match="privacy.k = 6 is larger than the 5 records"):
        k_anonymize(df, ["gender", "state"], 6, [])


def test_a_total_the_microdata_publish_for_a_group_of_rows_is_protected_too():
    # rows a and b are one group in the published microdata: its count there is a, plus b
    t = pd.DataFrame({"top": [4, 30, 12, 40, 50], "rest": [12, 34, 20, 22, 30]}, index=["a", "b", "c", "d", "e"])
    without = suppress_table(t, 10)
    assert without.loc[["a", "c"]].all().all() and not without.loc[["b", "d", "e"]].any().any()  # b = group - a
    groups = [["a", "b"], ["c", "d", "e"]]
    mask = suppress_table(t, 10, row_groups=groups)
    assert mask.loc[["a", "b", "c", "d"]].all().all() and not mask.loc["e"].any()   # b hidden with a, d with c
    for group in groups:
        assert not (mask.loc[group].sum(axis=0) == 1).any()
    for axis in (0, 1):
        assert not (mask.sum(axis=axis) == 1).any()


def test_a_cell_another_file_publishes_is_shown_and_so_is_what_it_gives_away():
    t = pd.DataFrame({"top": [4, 30, 25], "rest": [12, 14, 20]}, index=["a", "b", "c"])
    known = pd.DataFrame(False, index=t.index, columns=t.columns)
    known.loc["a"] = True   # a group of one category in the microdata: its cells are published there
    assert not suppress_table(t, 10, row_groups=[["a"], ["b", "c"]], known=known).any().any()
    known = pd.DataFrame([[True, True], [False, True], [True, True]], index=t.index, columns=t.columns)
    # b's top is the column total minus two published cells: hiding it would protect no one
    t2 = pd.DataFrame({"top": [14, 3, 25], "rest": [12, 14, 20]}, index=["a", "b", "c"])
    assert not suppress_table(t2, 10, known=known).any().any()


def test_l_diversity_names_the_class_the_item_and_the_answer_it_gives_away():
    df = pd.DataFrame({"gender": ["man"] * 5 + ["woman"] * 5,
                       "q1": ["high", "low", "high", "high", "low"] + ["high"] * 4 + ["dont_know"],
                       "q2": ["low", "high"] * 5})
    levels = {"q1": {"low", "high"}, "q2": {"low", "high"}}
    assert l_diversity_problems(df, ["gender"], levels, 2) == [
        "class gender 'woman' (5 records): q1 has 1 distinct valid answer(s) ('high'), fewer than l = 2"]
    assert l_diversity_problems(df, ["gender"], levels, 1) == []
    assert len(l_diversity_problems(df, ["gender"], levels, 3)) == 4


def test_the_default_survey_published_with_its_state_would_give_answers_away(codebook, cleaned_files):
    """The default codebook withholds the state: published in two areas, as it used to be, two
    classes of five respondents gave one answer between them to an item."""
    import copy
    import dataclasses

    clean = pd.read_csv(cleaned_files["post_interview"], dtype=str, keep_default_na=False)
    released = release_microdata(clean, codebook, "post_interview", 5, 2)
    assert released.quasi_identifiers == ["stakeholder", "gender"]
    assert released.smallest_class == 10 and released.diversity == 2 and released.suppressed == {}
    data = copy.deepcopy(codebook.data)
    next(v for v in data["variables"] if v["name"] == "state")["publish"] = True
    data["disclosure"]["generalize"].append({"variable": "state", "reason": {}, "groups": [
        {"code": 1, "key": "central", "label": {}, "members": ["cdmx", "edomex", "morelos"]},
        {"code": 2, "key": "bajio_other", "label": {},
         "members": ["guanajuato", "san_luis_potosi", "outside_mexico"]}]})
    with_state = dataclasses.replace(codebook, data=data)
    with pytest.raises(DisclosureError) as err:
        release_microdata(clean, with_state, "post_interview", 5, 2)
    message = str(err.value)
    assert message.startswith(
        f"published microdata of post_interview ({codebook.source}): l-diversity l=2 is not "
        f"reached on stakeholder, gender, state: class stakeholder "
    )
    assert "coordination has 1 distinct valid answer(s)" in message
    assert "violations has 1 distinct valid answer(s)" in message
    assert "Coarsen a quasi-identifier" in message and "lower privacy.l in config/config.yaml" in message
    assert release_microdata(clean, with_state, "post_interview", 5, 1).smallest_class == 5
