"""Small-cell suppression (with secondary suppression) and k-anonymity."""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit.disclosure import DisclosureError, k_anonymize, suppress_cells, suppress_table

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
