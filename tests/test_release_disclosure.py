"""One disclosure policy for the whole release: no published file gives away what another withholds,
and nothing is withheld that the release gives away anyway (README, "Disclosure policy").

An outsider (tests/disclosure_attack.py) recomputes, from every published microdata file alone and
the values documents show, every count a table or chart withholds: by counting, then by subtraction
from every published total. A sound release lets them recover none.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evalkit.analysis import survey
from evalkit.analysis.disclosure import release_microdata, suppress_table
from evalkit.publish.dataset import build_dataset, write_dataset
from evalkit.values.store import ValueStore

from .disclosure_attack import cells, microdata_counts, recover

EVAL = "mexico-auto-2024"


def codebooks(root: Path) -> dict[str, dict]:
    folder = root / "config/evaluations" / EVAL
    ev = yaml.safe_load((folder / "evaluation.yaml").read_text(encoding="utf-8"))
    return {i["id"]: yaml.safe_load((folder / i["codebook"]).read_text(encoding="utf-8")) for i in ev["instruments"]}


def published_counts(publish: Path, cbs: dict[str, dict]) -> dict:
    counted = {}
    files = sorted(f for f in (publish / "dataset").iterdir() if f.suffix in (".csv", ".sav", ".dta") and f.stem in cbs)
    assert {f.name for f in files} == {"post_interview.csv", "post_interview.sav", "post_interview.dta"}
    for f in files:
        here = microdata_counts(f, cbs[f.stem], f.stem)
        assert here, f
        for cell, n in here.items():   # the three files give the same counts
            assert counted.setdefault(cell, n) == n, (f.name, cell)
    return counted


@pytest.mark.slow
def test_no_count_a_document_withholds_can_be_recovered_from_the_release(builds):
    clone, _ = builds
    results = clone / "results" / EVAL
    values = json.loads((results / "values.json").read_text(encoding="utf-8"))["values"]
    cbs = codebooks(clone)
    truth, withheld = cells(values)
    counted = published_counts(results / "publish", cbs)
    assert recover(truth, withheld, counted, cbs) == {}
    # what is withheld is what the microdata do not publish: the worker survey's small cells
    assert withheld and {c[1] for c in withheld} == {"worker"}
    # and the survey whose microdata are published shows every count it has
    shown = [c for c in truth if c[1] == "post_interview"]
    assert len(shown) > 100 and all(c in counted for c in shown)


@pytest.mark.slow
def test_the_attack_recovers_what_a_table_hides_and_the_dataset_gives(builds):
    """The check can fail: the release as it was before one policy hid the Low and Moderate answers
    of awareness while the published dataset gave both."""
    clone, _ = builds
    results = clone / "results" / EVAL
    values = json.loads((results / "values.json").read_text(encoding="utf-8"))["values"]
    cbs = codebooks(clone)
    old = copy.deepcopy(values)
    for key in ("low", "moderate"):
        for stat in ("n", "share"):
            old[f"post_interview.awareness.levels.{key}.{stat}"]["suppressed"] = True
    truth, withheld = cells(old)
    counted = published_counts(results / "publish", cbs)
    assert recover(truth, withheld, counted, cbs) == {
        ("level", "post_interview", "awareness", "low"): 6, ("level", "post_interview", "awareness", "moderate"): 20}
    # without the microdata, the secondary suppression of the tables holds
    assert recover(truth, withheld, {}, cbs) == {}


def finer_breakdown(clean: pd.DataFrame, codebook, folder: Path) -> tuple[dict, dict]:
    """The post-interview items broken down by the seven stakeholder types, which the published
    dataset gives only as four groups; and the counts of that dataset, written as the build writes it."""
    released = release_microdata(clean, codebook, "post_interview", 5, 2)
    store = ValueStore(EVAL, ["en-US"])
    results = survey.analyze_survey(clean, codebook, 0.95, "wilson")
    survey.add_survey_values(store, "post_interview", clean, results, {"file": "x"}, codebook, 10, released.data)
    survey.add_breakdown_values(store, "post_interview", clean, codebook, ["stakeholder"], 10, {"file": "x"},
                                released.data)
    data, variables, report = build_dataset(clean, codebook, "post_interview", 5, ["en-US"], 2)
    counted = {}
    for f in write_dataset(
        data, variables, codebook, report, folder, "post_interview", ["en-US"], "x", date(2024, 8, 30)
    ):
        if f.suffix in (".csv", ".sav", ".dta"):
            counted.update(microdata_counts(f, codebook.data, "post_interview"))
    return json.loads(store.to_json())["values"], counted


def test_records_the_dataset_blanks_are_in_no_row_of_a_finer_table(codebook, cleaned_files, tmp_path):
    """With local suppression in the microdata, a finer table counted over every record would give
    the blanked records' category away (the dataset's group count plus them)."""
    clean = pd.read_csv(cleaned_files["post_interview"], dtype=str, keep_default_na=False)
    women = clean.index[(clean["stakeholder"] == "academia_cso") & (clean["gender"] == "woman")][:6]
    clean.loc[women, "gender"] = "man"  # leaves a class of academia_cso women too small for k = 5
    released = release_microdata(clean, codebook, "post_interview", 5, 2)
    assert sum(released.suppressed.values()) > 0
    values, counted = finer_breakdown(clean, codebook, tmp_path)
    blanked = int((released.data["stakeholder"] == "").sum())
    assert values["post_interview.awareness.by_stakeholder.withheld_n"]["value"] == blanked > 0
    truth, withheld = cells(values)
    assert recover(truth, withheld, counted, {"post_interview": codebook.data}) == {}


def test_a_breakdown_finer_than_the_dataset_hides_its_small_cells_against_the_dataset_groups(
    codebook, cleaned_files, tmp_path, monkeypatch
):
    clean = pd.read_csv(cleaned_files["post_interview"], dtype=str, keep_default_na=False)
    values, counted = finer_breakdown(clean, codebook, tmp_path / "a")
    truth, withheld = cells(values)
    hidden_types = {c[4] for c in withheld if c[0] == "by_valid"}
    assert {"us_canada", "workers"} <= hidden_types  # small types are hidden...
    assert "academia_cso" not in hidden_types  # ...a type that is a group of its own in the dataset is not
    assert recover(truth, withheld, counted, {"post_interview": codebook.data}) == {}
    # without the dataset's group totals in the secondary suppression, the dataset gives cells away
    monkeypatch.setattr(
        survey, "suppress_table", lambda table, min_cell, row_groups=None, known=None: suppress_table(table, min_cell)
    )
    values, counted = finer_breakdown(clean, codebook, tmp_path / "b")
    truth, withheld = cells(values)
    recovered = recover(truth, withheld, counted, {"post_interview": codebook.data})
    assert ("by_valid", "post_interview", "understanding", "stakeholder", "workers") in recovered
    assert ("by_valid", "post_interview", "awareness", "stakeholder", "academia_cso") in recovered
