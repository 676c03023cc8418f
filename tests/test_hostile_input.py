"""Hostile or careless input: markup in authored text, code in configuration, raw files outside the
evaluation's folder, formulas in published CSVs, active content in a page. Each is refused with its
place, or neutralised."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from evalkit.checks.accessibility import _html_static_findings
from evalkit.config import ConfigError, load_yaml
from evalkit.content import check_registry
from evalkit.dataset import spreadsheet_safe
from evalkit.markup import markup_problem

from .conftest import make_clone, snakemake
from .test_content import LANGS, REFS, TOSC, registry

INJECTIONS = {
    "<script>alert(document.domain)</script>": "raw HTML ('<s')",
    "[click](javascript:alert(1))": "a link with the scheme 'javascript:'",
    "[x]( JavaScript:alert(1))": "a link with the scheme 'JavaScript:'",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)": "a link with the scheme 'data:'",
    "<img src=x onerror=alert(1)>": "raw HTML ('<i')",
    "</h2><h1>Fake": "raw HTML ('</')",
    "<!-- hidden -->": "raw HTML ('<!')",
    "`<b>`{=html}": "a raw {=html} block or span",
    "[x]{onclick=\"alert(1)\"}": "attributes ('",
    "{{< include /etc/passwd >}}": "a Quarto shortcode",
    "[x]: javascript:alert(1)": "a link definition with the scheme 'javascript:'",
    "```{=typst}\n#panic()\n```": "a raw {=typst} block or span",
}


@pytest.mark.parametrize("text", sorted(INJECTIONS))
def test_markup_in_authored_text_is_refused_with_what_it_is(text):
    assert INJECTIONS[text] in (markup_problem(text) or "")


@pytest.mark.parametrize("text", ["Workers at *Silao* voted.", "See [the law](https://www.dof.gob.mx/).",
                                  "Write to [us](mailto:eval@example.org).", "Fewer than a < b",
                                  "See [Annex](#annex-a).", "Un 5 % más \\<"])
def test_text_and_the_markdown_the_documents_use_pass(text):
    assert markup_problem(text) is None


def test_a_registry_text_with_a_script_is_refused_with_its_place():
    data = registry()
    data["findings"][0]["title"]["en-US"] = "<script>alert(document.domain)</script>"
    data["recommendations"][0]["text"]["es-MX"] = "[clic](javascript:alert(1))"
    problems = check_registry(data, TOSC, LANGS, REFS)
    assert any(p.startswith("findings[knowledge-grew].title.en-US: not allowed: raw HTML") for p in problems)
    assert any(p.startswith("recommendations[rec-train].text.es-MX: not allowed: a link with the scheme "
                            "'javascript:'") for p in problems)


def test_the_gate_fails_a_page_with_active_content(tmp_path):
    page = tmp_path / "report.html"
    page.write_text('<!DOCTYPE html><html lang="en-US"><head><title>T</title></head><body>'
                    '<p onclick="x()">a</p><a href=" javascript:alert(1)">b</a><script>1</script>'
                    '<img alt="ok" src="data:image/png;base64,iVBORw0KGgo="></body></html>', encoding="utf-8")
    found = [f for f in _html_static_findings(page, "report.html", "en-US", "T") if f.check == "html-active-content"]
    messages = sorted(f.message for f in found)
    assert messages == ["expected no <script> in a published page", "expected no event handler attribute, found onclick=",
                        'expected no script URL, found href=" javascript:alert(1)"']


@pytest.mark.parametrize("text,problem", [
    ("__use_yte__: true\nevaluation: x\n", "line 1: '__use_yte__' is not allowed"),
    ("evaluation: !!python/object/apply:os.system [\"true\"]\n", "line 1: the YAML tag '!!python/object/apply:os.system'"),
    ("a: 1\nb: !custom x\n", "line 2: the YAML tag '!custom' is not allowed"),
])
def test_configuration_that_is_not_plain_data_is_refused_before_loading(tmp_path, text, problem):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_yaml(path)
    assert problem in str(exc.value)


def test_a_template_config_runs_no_code_and_stops_the_run(tmp_path):
    clone = make_clone(tmp_path / "clone")
    marker = tmp_path / "PWNED"
    config = clone / "config/config.yaml"
    config.write_text("__use_yte__: true\n" + config.read_text(encoding="utf-8")
                      + f'?__import__("os").system("touch {marker}"):\n  x: 1\n', encoding="utf-8")
    proc = snakemake(clone, "--dry-run")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "config/config.yaml: 1 problem(s)" in out and "'__use_yte__' is not allowed" in out
    assert not marker.exists()


def raw_file_edit(clone: Path, value: str) -> None:
    path = clone / "config/evaluations/mexico-auto-2024/evaluation.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["instruments"][0]["file"] = value
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("value,problem", [
    ("../../../etc/passwd", "'../../../etc/passwd' is not allowed (an absolute path or '..')"),
    ("/etc/passwd", "'/etc/passwd' is not allowed (an absolute path or '..')"),
    ("raw/sc2-mexico-2024/fieldwork/engagement_log.csv", "is outside raw/mexico-auto-2024/"),
    ("raw/mexico-auto-2024/link.sav", "'raw/mexico-auto-2024/link.sav' is a link that leads out of raw/mexico-auto-2024/"),
])
def test_raw_files_are_read_only_from_the_evaluations_raw_folder(tmp_path, value, problem):
    clone = make_clone(tmp_path / "clone")
    os.symlink("/etc/passwd", clone / "raw/mexico-auto-2024/link.sav")
    raw_file_edit(clone, value)
    proc = snakemake(clone, "--dry-run")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"instruments[post_interview].file: {problem}" in out or problem in out, out[-2000:]
    assert "expected a file under raw/mexico-auto-2024/" in out


@pytest.mark.parametrize("value,safe", [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'), ("+cmd", "'+cmd"), ("-cmd", "'-cmd"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-5", "-5"), ("+1.5", "+1.5"),
    ("plain", "plain"), (3, 3)])
def test_published_csv_cells_cannot_start_a_formula(value, safe):
    assert spreadsheet_safe(value) == safe


def test_a_formula_in_a_codebook_label_is_neutralised_in_codebook_csv(tmp_path):
    from evalkit.dataset import write_codebook_csv

    out = tmp_path / "codebook.csv"
    write_codebook_csv([{"variable": "x", "type": "category", "label_en-US": '=HYPERLINK("http://evil","click")',
                         "label_es-MX": "@x", "value": 1, "missing": ""}], out, ["en-US", "es-MX"])
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and ",'@x," in text
