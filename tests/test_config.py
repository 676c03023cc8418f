"""The run configuration is validated against its JSON schema with messages naming the key."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest

from evalkit.core.config import load_config, load_schema, load_yaml, validate
from evalkit.core.errors import ConfigError

from .conftest import ROOT


@pytest.fixture
def cfg():
    return load_yaml(ROOT / "config" / "config.yaml")


def problems(cfg) -> list[str]:
    with pytest.raises(ConfigError) as exc:
        validate(cfg, load_schema("config.schema.yaml"), "config/config.yaml")
    assert "config/config.yaml" in str(exc.value)
    return exc.value.problems


def test_default_config_is_valid():
    cfg = load_config(ROOT / "config" / "config.yaml")
    assert cfg["languages"] == ["en-US", "es-MX"]
    assert cfg["evaluation"] == "mexico-auto-2024"


def test_wrong_type_names_key_and_expectation(cfg):
    cfg["languages"] = "en-US"
    [msg] = problems(cfg)
    assert msg.startswith("key 'languages' must be an array")
    assert "'en-US'" in msg


def test_wrong_value_in_enum(cfg):
    cfg["renderer"] = "word"
    [msg] = problems(cfg)
    assert "key 'renderer'" in msg and "'embedded'" in msg and "'quarto'" in msg and "'word'" in msg


def test_nested_out_of_range(cfg):
    cfg["statistics"]["confidence_level"] = 95
    [msg] = problems(cfg)
    assert "statistics.confidence_level" in msg and "out of range" in msg


def test_language_tag_must_be_full(cfg):
    cfg["languages"] = ["en-US", "es"]
    [msg] = problems(cfg)
    assert "languages[1]" in msg and "BCP 47" in msg


def test_missing_key(cfg):
    del cfg["formats"]
    [msg] = problems(cfg)
    assert msg.startswith("missing key 'formats' in (top level)")
    assert "output formats" in msg


def test_unknown_key_top_level_and_nested(cfg):
    cfg["langauges"] = ["en-US"]
    cfg["statistics"]["alpha"] = 0.05
    msgs = problems(cfg)
    assert any("unknown key 'langauges' in (top level)" in m and "allowed keys:" in m for m in msgs)
    assert any("unknown key 'alpha' in statistics" in m for m in msgs)


def test_every_problem_is_listed_at_once(cfg):
    bad = copy.deepcopy(cfg)
    bad["formats"] = ["pdf", "odt"]
    bad["renderer"] = 3
    del bad["accessibility"]
    assert len(problems(bad)) == 3


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    p = tmp_path / "config.yaml"
    p.write_text("evaluation: x\nlanguages: [en-US\n")
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    assert str(p) in str(exc.value) and "line" in str(exc.value)


def test_unknown_evaluation_lists_available():
    from evalkit.model.evaluation import load_evaluation

    with pytest.raises(ConfigError) as exc:
        load_evaluation(ROOT, "nowhere", ["en-US"])
    assert "nowhere" in str(exc.value) and "mexico-auto-2024" in str(exc.value)


def test_evaluation_text_needed_in_every_language():
    from evalkit.model.evaluation import load_evaluation

    with pytest.raises(ConfigError) as exc:
        load_evaluation(ROOT, "mexico-auto-2024", ["en-US", "fr-CA"])
    assert "title: no text in fr-CA" in str(exc.value)


def test_snakemake_stops_before_running_on_bad_config():
    """The whole run refuses to start, exit non-zero, with the key named (dry run: nothing built)."""
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--dry-run", "--cores", "1", "--config", "renderer=word"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "key 'renderer' must be one of 'embedded', 'quarto', 'auto'" in out
    assert "got 'word'" in out


def test_missing_language_found_for_three_letter_tags():
    """Bilingual texts are recognised by the schemas' tag pattern, not by the length of 'en-US'."""
    from evalkit.model.evaluation import check_languages

    problems: list[str] = []
    check_languages({"title": {"en-US": "T", "fil-PH": "P"}}, ["en-US", "fil-PH", "es-MX"], "", problems)
    assert problems == ["title: no text in es-MX (has en-US, fil-PH)"]
