"""Configurations the schemas accept never end in a traceback: small variations of the example
evaluations either build and pass their gates, or are refused (before any rule runs where the
configuration alone shows the problem) with the file, the key and what is expected; a rule that
dies on its data says why in its log."""

from __future__ import annotations

import copy
from pathlib import Path

import pyreadstat
import pytest
import yaml

from .conftest import make_clone, published_bytes, snakemake

pytestmark = pytest.mark.slow

EVAL = "config/evaluations/mexico-auto-2024/evaluation.yaml"
SURVEY_CODEBOOK = "config/evaluations/mexico-auto-2024/codebooks/post_interview_survey.yaml"


def yaml_edit(clone: Path, rel: str, change) -> None:
    path = clone / rel
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def no_indicator_declarations(doc):
    del doc["analysis"]["indicators"]


def two_scales(doc):
    first = next(v for v in doc["variables"] if v["role"] == "rating")
    doc["scales"]["other"] = copy.deepcopy(doc["scales"][first["scale"]])
    first["scale"] = "other"


def date_in_year_one(doc):
    doc["date"] = "0001-01-01"


def response_rate_of_a_log(doc):
    doc["analysis"]["response_rate"]["survey"] = "engagement_log"


REFUSED = {
    "monitoring without indicator declarations": (EVAL, no_indicator_declarations, [
        f"{EVAL}: 1 problem(s)",
        "analysis.indicators: missing; instrument 'monitoring' is monitoring data (indicator_report), which needs "
        "the file that declares its indicators"]),
    "a survey whose items use two scales": (SURVEY_CODEBOOK, two_scales, [
        SURVEY_CODEBOOK, "the rated items of one survey must share one scale", "scale 'other' for "]),
    "a publication date in year 1": (EVAL, date_in_year_one, [
        EVAL, "date: 0001-01-01 is before 1970-01-01; expected the publication date"]),
    "a response rate of something that is not a survey": (EVAL, response_rate_of_a_log, [
        EVAL, "analysis.response_rate.survey: 'engagement_log' is not a rating_survey instrument of the evaluation "
              "(instruments of that kind: post_interview, worker)"]),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_before_any_rule_runs_with_file_key_and_expectation(tmp_path, case):
    rel, change, expected = REFUSED[case]
    clone = make_clone(tmp_path / "clone")
    yaml_edit(clone, rel, change)
    proc = snakemake(clone, "--dry-run")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "evalkit: the run cannot start." in out
    for text in expected:
        assert text in out, out[-2000:]
    assert "Traceback" not in out
    assert not (clone / "results").exists()


def test_an_item_nobody_answered_stops_the_analysis_with_a_message_in_its_log(tmp_path):
    clone = make_clone(tmp_path / "clone")
    raw = clone / "raw/mexico-auto-2024/post_interview_survey.sav"
    df, meta = pyreadstat.read_sav(str(raw), user_missing=True)
    df["coordination"] = 9.0  # every answer "no answer" (a declared missing code)
    pyreadstat.write_sav(df, str(raw), column_labels=meta.column_names_to_labels,
                         variable_value_labels=meta.variable_value_labels,
                         missing_ranges={k: [r["lo"] for r in v] for k, v in meta.missing_ranges.items()})
    proc = snakemake(clone, "results/mexico-auto-2024/values.json")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    message = "column 'coordination': no valid answers (all 94 missing or empty), so its shares are undefined"
    assert message in out and "Traceback" not in out
    log = (clone / "results/mexico-auto-2024/logs/compute_values.log").read_text(encoding="utf-8")
    assert "raw/mexico-auto-2024/post_interview_survey.sav" in log and message in log
    assert not (clone / "results/mexico-auto-2024/values.json").exists()


@pytest.mark.parametrize("languages", [["en-US"], ["es-MX", "en-US"]], ids=["one language", "Spanish first"])
def test_the_second_evaluation_builds_in_other_language_settings(tmp_path, languages):
    clone = make_clone(tmp_path / "clone")
    proc = snakemake(clone, "--config", "evaluation=sc2-mexico-2024", f"languages={languages}".replace("'", '"'))
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    files = published_bytes(clone, "sc2-mexico-2024")
    subtags = sorted({p.split("/")[0] for p in files if "/" in p})
    assert subtags == sorted(tag.split("-")[0] for tag in languages)
    for tag in languages:
        assert f"{tag.split('-')[0]}/report.pdf" in files


def without(*path):
    def change(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return change


OPTIONAL_ANALYSIS = {
    "no breakdowns": (("analysis", "breakdowns"), "post_interview.awareness.by_gender."),
    "no ratios": (("analysis", "ratios"), "context.cbas_legitimized_share"),
    "no response rate": (("analysis", "response_rate"), "post_interview.response_rate"),
    "no convergence threshold (default 3)": (("analysis", "convergence_min_types"), None),
}


@pytest.mark.parametrize("case", sorted(OPTIONAL_ANALYSIS))
def test_optional_analysis_settings_can_be_left_out(tmp_path, case):
    import json

    path, gone = OPTIONAL_ANALYSIS[case]
    clone = make_clone(tmp_path / "clone")
    yaml_edit(clone, EVAL, without(*path))
    proc = snakemake(clone, "results/mexico-auto-2024/values.json")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    ids = json.loads((clone / "results/mexico-auto-2024/values.json").read_text())["values"]
    assert "post_interview.awareness.top_box_share" in ids
    if gone:
        assert not any(i.startswith(gone) for i in ids)
