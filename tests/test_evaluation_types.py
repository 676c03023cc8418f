"""Evaluation types (workflow/schemas/evaluation_types.yaml): what a type needs is refused, with the
key and what to write, when the evaluation loads or its registry is checked; every other part may
be left out (no TOsC, no recommendations, method keys of the evaluation's own)."""

from __future__ import annotations

import shutil

import pytest
import yaml

from evalkit.analysis.indicator_config import load_indicator_config
from evalkit.content.integrity import References, check_registry
from evalkit.content.registry import load_registry
from evalkit.core.errors import ConfigError
from evalkit.model.evaluation import load_evaluation
from evalkit.model.types import check_type, missing_content, type_names

from .conftest import LANGS, ROOT

EVAL = "mexico-auto-2024"


def copy_config(tmp_path, change) -> str:
    """A copy of the default evaluation's config (and the raw folder it names) with evaluation.yaml changed."""
    shutil.copytree(ROOT / "config" / "evaluations" / EVAL, tmp_path / "config" / "evaluations" / EVAL)
    (tmp_path / "raw").symlink_to(ROOT / "raw")
    (tmp_path / "workflow").symlink_to(ROOT / "workflow")
    path = tmp_path / "config" / "evaluations" / EVAL / "evaluation.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path.relative_to(tmp_path))


def test_the_three_types_of_the_seeds():
    assert type_names() == ["systems", "project", "portfolio_msc"]


def test_an_unknown_type_is_refused_naming_the_types(tmp_path):
    copy_config(tmp_path, lambda d: d.update(type="impact"))
    with pytest.raises(ConfigError) as e:
        load_evaluation(tmp_path, EVAL, LANGS)
    assert "type: 'impact' is not an evaluation type; expected one of: systems (a systems evaluation" in str(e.value)
    assert "portfolio_msc (a portfolio evaluation by Most Significant Change" in str(e.value)


def test_a_systems_evaluation_needs_a_tosc_and_a_registry(tmp_path):
    def change(d):
        del d["analysis"]["tosc"]
        del d["content"]
    rel = copy_config(tmp_path, change)
    with pytest.raises(ConfigError) as e:
        load_evaluation(tmp_path, EVAL, LANGS)
    msg = str(e.value)
    assert rel in msg
    assert ("analysis.tosc: missing; a systems evaluation needs the Theory of Sustained Change (TOsC) that the "
            "findings' leverage points name domains of") in msg
    assert "content: missing; a systems evaluation needs a content registry with addressees, criteria" in msg


def test_an_msc_evaluation_needs_an_engagement_log():
    data = {"type": "portfolio_msc", "content": "x.yaml", "instruments": [{"id": "s", "kind": "rating_survey"}]}
    assert check_type(data) == [
        "instruments: no engagement_log instrument; a portfolio_msc evaluation needs one: the interviews and "
        "discussions that collected the stories (workflow/schemas/evaluation_types.yaml)"]


def test_registry_kinds_the_type_needs():
    assert missing_content("project", {"addressees": [{}], "criteria": [{}], "themes": [{}], "findings": []}) == [
        f"{kind}: missing or empty; a project evaluation (type in evaluation.yaml) needs at least one "
        "(workflow/schemas/content.schema.yaml, workflow/schemas/evaluation_types.yaml)"
        for kind in ("findings", "recommendations")]
    assert missing_content("portfolio_msc", {"projects": [{}], "outcome_categories": [{}], "outcomes": [{}]}) == []


def test_a_registry_without_findings_or_recommendations_loads_for_a_type_that_needs_none(tmp_path):
    reg = tmp_path / "registry.yaml"
    reg.write_text(yaml.safe_dump({"lessons": [{"id": "one", "text": {lang: "A lesson." for lang in LANGS}}]}),
                   encoding="utf-8")
    loaded = load_registry(reg, None, LANGS, type_name=None)
    assert loaded.data["findings"] == [] and loaded.data["recommendations"] == []
    with pytest.raises(ConfigError, match="projects: missing or empty; a portfolio_msc evaluation"):
        load_registry(reg, None, LANGS, type_name="portfolio_msc")


def test_without_a_tosc_no_leverage_points_are_asked_for_or_allowed():
    finding = {"id": "f", "theme": "t", "title": {}, "text": {}, "evidence": {}}
    data = {"themes": [{"id": "t"}], "findings": [finding]}
    assert check_registry(data, {"domains": []}, [], References()) == []
    with_tosc = check_registry(data, {"domains": [{"key": "d"}]}, [], References())
    assert with_tosc == ["findings[f]: no leverage point and no `no_leverage_point` reason; expected at least one "
                         "or the reason"]
    finding["no_leverage_point"] = {"en-US": "None."}
    assert check_registry(data, {"domains": []}, [], References()) == [
        "findings[f].no_leverage_point: the evaluation has no Theory of Sustained Change (analysis.tosc), so it "
        "identifies no leverage points; expected no no_leverage_point"]
    data["identifies_leverage_points"] = True
    assert ("identifies_leverage_points: true, but the evaluation has no Theory of Sustained Change; expected "
            "analysis.tosc in evaluation.yaml") in check_registry(data, {"domains": []}, [], References())[0]


@pytest.fixture(scope="module")
def codebook(ctx):
    return ctx.evaluation.codebooks["monitoring"]


INDICATORS = ROOT / "config" / "evaluations" / EVAL / "indicators.yaml"
TOSC = ROOT / "report" / EVAL / "content" / "tosc.yaml"


def test_indicator_declarations_without_a_tosc_name_no_domains(tmp_path, codebook):
    doc = yaml.safe_load(INDICATORS.read_text(encoding="utf-8"))
    with pytest.raises(ConfigError, match=r"indicators.map.MAP-01.domains: the evaluation has no Theory of "
                                          r"Sustained Change \(analysis.tosc in evaluation.yaml\)"):
        load_indicator_config(INDICATORS, None, codebook, LANGS)
    for codes in doc["indicators"].values():
        for dec in codes.values():
            del dec["domains"]
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    config = load_indicator_config(path, None, codebook, LANGS)
    assert config.domain_keys == [] and len(config.declarations) > 10
    with pytest.raises(ConfigError, match=r"indicators.map.MAP-01: no domains; expected the TOsC outcome domain"):
        load_indicator_config(path, TOSC, codebook, LANGS)


def test_method_keys_are_the_evaluations_own_and_units_are_those_the_code_knows():
    from evalkit.model.instruments import check_family

    cb = yaml.safe_load((ROOT / "config/evaluations/sc2-mexico-2024/codebooks/engagement_log.yaml").read_text())
    method = next(v for v in cb["variables"] if v["name"] == "method")
    method["categories"] = [{"code": "MSC", "key": "msc_interview", "label": {"en-US": "MSC interviews"}}]
    check_family({"id": "log", "kind": "engagement_log", "format": "csv"}, cb, "log.yaml")
    sheet = {"variables": [{"name": "figure", "role": "category", "categories": []},
                           {"name": "value", "role": "number"}, {"name": "as_of", "role": "text"},
                           {"name": "source", "role": "text"},
                           {"name": "unit", "role": "category", "categories": [{"key": "percent"}, {"key": "acres"}]}]}
    with pytest.raises(ConfigError) as e:
        check_family({"id": "desk", "kind": "secondary_figures", "format": "csv"}, sheet, "desk.yaml")
    assert e.value.problems == ["variables[unit].categories: key 'acres' is not a key a secondary_figures knows; "
                                "expected one of count, percent, millions, usd_millions, hours"]


def test_a_survey_scale_names_its_top_box():
    from evalkit.model.instruments import check_family

    cb = yaml.safe_load((ROOT / "config/evaluations/mexico-auto-2024/codebooks/worker_survey.yaml").read_text())
    scale = next(iter(cb["scales"]))
    del cb["scales"][scale]["top_box_label"]
    with pytest.raises(ConfigError) as e:
        check_family({"id": "worker", "kind": "rating_survey", "format": "stata"}, cb, "worker.yaml")
    assert e.value.problems == [f"scales.{scale}.top_box_label: missing; a survey needs it: its chart, tables and "
                                "prose report the share in the top box, named by top_box_label"]


def test_a_title_with_markdown_is_refused_when_the_evaluation_loads(tmp_path):
    copy_config(tmp_path, lambda d: d["title"].update({"es-MX": "Evaluación final del programa *Senderos*"}))
    with pytest.raises(ConfigError) as e:
        load_evaluation(tmp_path, EVAL, LANGS)
    assert e.value.problems == ["title.es-MX: a title is plain text (the page title and the PDF and Word metadata "
                                "print it as written); expected no Markdown (*)"]


def test_a_language_evalkit_cannot_write_its_own_words_in_is_refused_before_the_run(tmp_path):
    from evalkit.model.context import Context

    with pytest.raises(ConfigError) as e:
        Context.load(ROOT, {"evaluation": EVAL, "languages": ["fr-FR", "en-US"], "formats": ["html"]})
    assert e.value.problems == [
        "languages: fr-FR has no interface catalogue (evalkit writes its own words in en, es); expected one of "
        "those, or add src/evalkit/locale/fr/LC_MESSAGES/evalkit.po (the translation of every message of the "
        "Spanish catalogue)"]
    from evalkit.cli.skeleton import new_evaluation

    with pytest.raises(ConfigError, match="--languages: fr-FR has no interface catalogue"):
        new_evaluation(tmp_path, "french", "project", ["fr-FR"])
    assert not (tmp_path / "config").exists()


def test_two_codebooks_with_problems_are_reported_together(tmp_path):
    copy_config(tmp_path, lambda d: None)
    folder = tmp_path / "config/evaluations" / EVAL / "codebooks"
    broken = []
    for name in ("engagement_log.yaml", "worker_survey.yaml"):
        doc = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        del doc["label"]["es-MX"]
        (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        broken.append(f"config/evaluations/{EVAL}/codebooks/{name}: label: no text in es-MX (has en-US)")
    with pytest.raises(ConfigError) as e:
        load_evaluation(tmp_path, EVAL, LANGS)
    assert e.value.source == f"config/evaluations/{EVAL}/codebooks (2 codebooks)"
    assert sorted(e.value.problems) == sorted(broken)


def test_evalkit_new_refuses_an_instrument_id_that_is_no_file_name(tmp_path):
    from evalkit.cli.skeleton import new_evaluation

    with pytest.raises(ConfigError, match=r"--instruments: '\.\./\.\./x' is not an instrument id"):
        new_evaluation(tmp_path, "demo", "project", ["en-US"], ["engagement_log", "rating_survey:../../x"])
    assert not any(tmp_path.rglob("*"))   # nothing written, inside or outside the project
    written = new_evaluation(tmp_path, "demo", "project", ["en-US"], ["engagement_log", "rating_survey:exit"],
                             today="2024-11-30")
    assert tmp_path / "raw" / "demo" / "exit.csv" in written
