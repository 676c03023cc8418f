"""The post-interview survey: read with labels and missing codes, checked, and computed."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from evalkit.analysis.ratings import rating_distribution
from evalkit.analysis.survey import analyze_survey
from evalkit.core.errors import DataError
from evalkit.intake.clean import clean_table
from evalkit.intake.readers import read_raw

from .conftest import ROOT

RAW = ROOT / "raw" / "mexico-auto-2024" / "post_interview_survey.sav"
PUBLISHED = {"awareness": 72, "understanding": 70, "organizing": 79, "participation": 79,
             "inspections": 69, "coordination": 69, "violations": 75, "mechanisms": 85}


def read_sav(path, display_name=None):
    return read_raw(path, "spss", display_name=display_name)


def clean_survey(raw, codebook, resolutions=None):
    return clean_table(raw, codebook, resolutions=resolutions, instrument="post_interview").table


@pytest.fixture(scope="module")
def raw():
    return read_sav(RAW)


@pytest.fixture(scope="module")
def clean(raw, codebook, evaluation):
    return clean_survey(raw, codebook, evaluation.resolutions())


def test_raw_file_as_the_issue_describes(raw):
    df = raw.data
    assert len(df) == 95  # 94 respondents, one of whom submitted twice
    assert {"resp_id", "stakeholder", "gender", "state", "full_name", "phone", "email", "comment"} <= set(df.columns)
    for item in PUBLISHED:
        assert raw.value_labels[item] == {1.0: "Low", 2.0: "Moderate", 3.0: "Above moderate",
                                          4.0: "High", 8.0: "Don't know", 9.0: "No answer"}
        assert raw.declared_missing[item] == {8, 9}
    # user_missing=True keeps the codes as values instead of turning them into NaN
    assert (df["inspections"] == 8).sum() == 5 and (df["inspections"] == 9).sum() == 2


def test_duplicate_submission_is_resolved_by_the_team_file(clean):
    assert len(clean) == 94 and clean["resp_id"].is_unique
    assert (clean["resp_id"] == "PIS-0015").sum() == 1


def test_identifiers_are_removed_on_intake(clean):
    assert not {"full_name", "phone", "email", "comment"} & set(clean.columns)
    assert "submitted" in clean.columns  # kept for the evaluators; publish: false keeps it out of the dataset


def test_published_shares_are_reproduced(clean, codebook):
    results = {r.item: r for r in analyze_survey(clean, codebook, 0.95, "wilson")}
    assert set(results) == set(PUBLISHED)
    for item, pct in PUBLISHED.items():
        r = results[item]
        assert math.floor(r.share * 100 + 0.5) == pct, item
        assert r.valid_n + r.nonresponse_n == 94


def test_inspections_by_hand(clean, codebook):
    """inspections: Low 9, Moderate 18, Above moderate 35, High 25, Don't know 5, No answer 2."""
    r = rating_distribution(clean["inspections"], codebook.scale("effectiveness"))
    assert r.counts == {"low": 9, "moderate": 18, "above_moderate": 35, "high": 25}
    assert r.missing == {"dont_know": 5, "no_answer": 2, "system_missing": 0}
    assert (r.valid_n, r.nonresponse_n, r.top_box_n) == (87, 7, 60)
    assert r.share == pytest.approx(60 / 87)
    # Wilson score interval worked out from its formula, z = 1.959964 for 95 %
    z, n, p = 1.959963984540054, 87, 60 / 87
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert r.ci_low == pytest.approx(centre - half, abs=1e-12)
    assert r.ci_high == pytest.approx(centre + half, abs=1e-12)
    assert (round(r.ci_low, 4), round(r.ci_high, 4)) == (0.5862, 0.7771)  # centre 0.68163, half-width 0.09547


def test_violations_75_percent_needs_nonresponse(clean, codebook):
    """75 % cannot come from 94 valid answers; the file carries 2 'Don't know'."""
    r = rating_distribution(clean["violations"], codebook.scale("effectiveness"))
    assert (r.top_box_n, r.valid_n, r.missing["dont_know"]) == (69, 92, 2)
    assert r.share == 0.75


def test_empty_cells_count_as_nonresponse(codebook):
    col = pd.Series(["high", "low", "", "dont_know", "above_moderate"], name="x")
    r = rating_distribution(col, codebook.scale("effectiveness"))
    assert (r.valid_n, r.nonresponse_n, r.top_box_n) == (3, 2, 2)
    assert r.missing["system_missing"] == 1


def test_clean_table_uses_stable_keys(clean):
    assert list(clean.columns[:5]) == ["resp_id", "submitted", "stakeholder", "gender", "state"]
    assert set(clean["gender"]) == {"man", "woman"}
    assert clean["resp_id"].is_unique
    assert set(clean["inspections"]) == {"low", "moderate", "above_moderate", "high", "dont_know", "no_answer"}


# --- bad input: file, row (respondent), column and what was expected --------------------------

def write_variant(tmp_path: Path, edit) -> Path:
    df, meta = pyreadstat.read_sav(str(RAW), user_missing=True)
    df = df.drop(index=18).reset_index(drop=True)  # without the duplicate submission (data row 19)
    missing = {k: [r["lo"] for r in v] for k, v in meta.missing_ranges.items()}
    df, missing = edit(df, missing)
    out = tmp_path / "variant.sav"
    pyreadstat.write_sav(df, str(out), column_labels=meta.column_names_to_labels,
                         variable_value_labels=meta.variable_value_labels, missing_ranges=missing)
    return out


def problems_for(path: Path, codebook) -> list[str]:
    with pytest.raises(DataError) as exc:
        clean_survey(read_sav(path, display_name="raw/variant.sav"), codebook)
    assert str(exc.value).startswith("raw/variant.sav:")
    return exc.value.problems


def test_unknown_rating_code(tmp_path, codebook):
    def edit(df, m):
        df.loc[4, "awareness"] = 5
        return df, m
    [msg] = problems_for(write_variant(tmp_path, edit), codebook)
    assert msg.startswith("row 5 (resp_id 'PIS-0005'), column 'awareness': 5 is not a value of scale 'effectiveness'")
    assert "expected one of 1 (low), 2 (moderate), 3 (above_moderate), 4 (high), 8 (dont_know), 9 (no_answer)" in msg


def test_unknown_category_code(tmp_path, codebook):
    def edit(df, m):
        df.loc[9, "gender"] = 3
        return df, m
    [msg] = problems_for(write_variant(tmp_path, edit), codebook)
    assert "row 10 (resp_id 'PIS-0011'), column 'gender': 3 is not a code in the codebook" in msg
    assert "1 (man), 2 (woman)" in msg


def test_missing_column(tmp_path, codebook):
    def edit(df, m):
        m.pop("mechanisms", None)
        return df.drop(columns=["mechanisms"]), m
    [msg] = problems_for(write_variant(tmp_path, edit), codebook)
    assert msg.startswith("column 'mechanisms' is missing")


def test_duplicate_respondent_id(tmp_path, codebook):
    def edit(df, m):
        df.loc[1, "resp_id"] = "PIS-0001"
        return df, m
    [msg] = problems_for(write_variant(tmp_path, edit), codebook)
    assert msg.startswith("key 'PIS-0001' appears 2 times (row 1 (resp_id 'PIS-0001'), row 2 (resp_id 'PIS-0001')); "
                          "the copies differ in: ")
    assert "Unresolved: data row(s) 1, 2" in msg


def test_missing_codes_not_declared(tmp_path, codebook):
    def edit(df, m):
        m.pop("organizing")
        return df, m
    msgs = problems_for(write_variant(tmp_path, edit), codebook)
    assert "column 'organizing': declared SPSS missing codes are none; the codebook expects 8, 9" in msgs


def test_unreadable_file(tmp_path, codebook):
    bad = tmp_path / "broken.sav"
    bad.write_bytes(RAW.read_bytes()[:300])
    with pytest.raises(DataError) as exc:
        read_sav(bad, display_name="raw/broken.sav")
    assert "raw/broken.sav" in str(exc.value) and "cannot be read as an SPSS .sav file" in str(exc.value)
    assert "truncated" in str(exc.value)


def test_many_problems_are_listed_then_summarized(tmp_path, codebook):
    def edit(df, m):
        df["awareness"] = 7
        return df, m
    msgs = problems_for(write_variant(tmp_path, edit), codebook)
    assert len(msgs) == 21 and msgs[-1] == "... and 74 more problem(s)"
