"""Hostile or careless input: markup in authored text, code in configuration, raw files outside the
evaluation's folder, formulas in published CSVs, active content in a page. Each is refused with its
place, or neutralised."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import yaml

from evalkit.checks.html import _html_static_findings
from evalkit.content.integrity import check_registry
from evalkit.core.config import ConfigError, load_yaml
from evalkit.core.markup import markup_problem
from evalkit.publish.dataset import spreadsheet_safe

from .conftest import ROOT, make_clone, snakemake
from .test_content import LANGS, REFS, TOSC, registry

INJECTIONS = {
    "<script>alert(document.domain)</script>": "raw HTML ('<s')",
    "[click](javascript:alert(1))": "a link with the scheme 'javascript:'",
    "[x]( JavaScript:alert(1))": "a link with the scheme 'JavaScript:'",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)": "an image ('![')",
    "![x](../../raw/mexico-auto-2024/post_interview_survey.sav)": "an image ('![')",
    "[x](java&#115;cript:alert(1))": "a link with the scheme 'javascript:'",
    "[r]: &#106;avascript:alert(1)": "a link definition with the scheme 'javascript:'",
    "`c`{onclick=alert(1)}": "attributes ('",
    "# Heading {onclick=alert(1)}": "attributes ('",
    "::: {.x}\nhidden\n:::": "a fenced div",
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
                                  "See [Annex](#annex-a).", "Un 5 % más \\<", "<https://www.dol.gov/>",
                                  "[Nota]: Importante: leer antes.", "a &lt;b&gt; c", "Costó {más} de lo previsto"])
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
    assert messages == [
        "expected no <script> in a published page",
        "expected no event handler attribute, found onclick=",
        'expected no script URL, found href=" javascript:alert(1)"',
    ]


@pytest.mark.parametrize(
    "text,problem",
    [
        ("__use_yte__: true\nevaluation: x\n", "line 1: '__use_yte__' is not allowed"),
        (
            'evaluation: !!python/object/apply:os.system ["true"]\n',
            "line 1: the YAML tag '!!python/object/apply:os.system'",
        ),
        ("a: 1\nb: !custom x\n", "line 2: the YAML tag '!custom' is not allowed"),
        # spelt with escapes: the quick text test (no '!', no backslash, no literal marker) must not skip these
        ('a: "\\x5f_use_yte__"\n', "line 1: '__use_yte__' is not allowed"),
        ('a: "\\u005F\\u005Fuse_yte__"\n', "line 1: '__use_yte__' is not allowed"),
        ("a:\n  - b: c\n  - d: !e f\n", "line 3: the YAML tag '!e' is not allowed"),
    ],
)
def test_configuration_that_is_not_plain_data_is_refused_before_loading(tmp_path, text, problem):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_yaml(path)
    assert problem in str(exc.value)


@pytest.mark.parametrize("text", ["a: b\n", "a: '__use'\nb: _yte__\n", "a: >\n  __use\n  _yte__\n", "a: [1, 2]\n"])
def test_plain_data_passes_the_quick_and_the_token_check_alike(text):
    from evalkit.core.config import data_only_problems

    tokens = [t for t in yaml.scan(text, Loader=yaml.SafeLoader)
              if isinstance(t, yaml.TagToken) or (isinstance(t, yaml.ScalarToken) and t.value.strip() == "__use_yte__")]
    assert data_only_problems(text) == [] and tokens == []


def test_a_template_config_runs_no_code_and_stops_the_run(tmp_path):
    clone = make_clone(tmp_path / "clone")
    marker = tmp_path / "PWNED"
    config = clone / "config/config.yaml"
    config.write_text(
        "__use_yte__: true\n"
        + config.read_text(encoding="utf-8")
        + f'?__import__("os").system("touch {marker}"):\n  x: 1\n',
        encoding="utf-8",
    )
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


@pytest.mark.parametrize(
    "value,problem",
    [
        ("../../../etc/passwd", "'../../../etc/passwd' is not allowed (an absolute path or '..')"),
        ("/etc/passwd", "'/etc/passwd' is not allowed (an absolute path or '..')"),
        ("raw/sc2-mexico-2024/fieldwork/engagement_log.csv", "is outside raw/mexico-auto-2024/"),
        (
            "raw/mexico-auto-2024/link.sav",
            "'raw/mexico-auto-2024/link.sav' is a link that leads out of raw/mexico-auto-2024/",
        ),
    ],
)
def test_raw_files_are_read_only_from_the_evaluations_raw_folder(tmp_path, value, problem):
    clone = make_clone(tmp_path / "clone")
    os.symlink("/etc/passwd", clone / "raw/mexico-auto-2024/link.sav")
    raw_file_edit(clone, value)
    proc = snakemake(clone, "--dry-run")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"instruments[post_interview].file: {problem}" in out or problem in out, out[-2000:]
    assert "expected a file under raw/mexico-auto-2024/" in out


@pytest.mark.parametrize(
    "value,safe",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-5", "-5"),
        ("+1.5", "+1.5"),
        ("plain", "plain"),
        (3, 3),
    ],
)
def test_published_csv_cells_cannot_start_a_formula(value, safe):
    assert spreadsheet_safe(value) == safe


def test_a_formula_in_a_codebook_label_is_neutralised_in_codebook_csv(tmp_path):
    from evalkit.publish.dataset import write_codebook_csv

    out = tmp_path / "codebook.csv"
    write_codebook_csv(
        [
            {
                "variable": "x",
                "type": "category",
                "label_en-US": '=HYPERLINK("http://evil","click")',
                "label_es-MX": "@x",
                "value": 1,
                "missing": "",
            }
        ],
        out,
        ["en-US", "es-MX"],
    )
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and ",'@x," in text


@pytest.mark.parametrize(
    "k,message",
    [
        (95, "privacy.k = 95 is larger than the 94 records: no release of them can be 95-anonymous"),
        (94, "is reached only by blanking every quasi-identifier of every record"),
    ],
)
def test_an_unreachable_k_fails_the_dataset_instead_of_publishing_a_weaker_one(ctx, cleaned_files, k, message):
    from evalkit.analysis.disclosure import DisclosureError
    from evalkit.publish.dataset import build_dataset
    from evalkit.steps.common import read_clean

    cb = ctx.evaluation.codebooks["post_interview"]
    with pytest.raises(DisclosureError) as exc:
        build_dataset(read_clean(cleaned_files["post_interview"]), cb, "post_interview", k, ["en-US", "es-MX"], 2)
    assert "published microdata of post_interview (config/evaluations/mexico-auto-2024/codebooks/" in str(exc.value)
    assert message in str(exc.value)


@pytest.mark.parametrize(
    "l_diversity,message",
    [
        (3, "l-diversity l=3 is not reached on stakeholder, gender: class stakeholder "),
        (5, "has 4 distinct valid answer(s) ('above_moderate' and 'high' and 'low' and 'moderate'), fewer than l = 5"),
    ],
)
def test_an_unreachable_l_fails_the_dataset_and_the_analysis_with_what_to_change(
    ctx, cleaned_files, tmp_path, l_diversity, message
):
    from evalkit.analysis.disclosure import DisclosureError
    from evalkit.publish.dataset import build_dataset
    from evalkit.steps.analysis import compute_values
    from evalkit.steps.common import read_clean

    cb = ctx.evaluation.codebooks["post_interview"]
    with pytest.raises(DisclosureError) as exc:
        build_dataset(
            read_clean(cleaned_files["post_interview"]), cb, "post_interview", 5, ["en-US", "es-MX"], l_diversity
        )
    assert str(exc.value).startswith(
        "published microdata of post_interview (config/evaluations/mexico-auto-2024/"
        "codebooks/post_interview_survey.yaml): "
    )
    assert message in str(exc.value) and "or lower privacy.l in config/config.yaml" in str(exc.value)
    # the tables are counted from the same release: the analysis stops with the same words, before any document
    strict = dataclasses.replace(ctx, config={**ctx.config, "privacy": {**ctx.config["privacy"], "l": l_diversity}})
    with pytest.raises(DisclosureError, match="l-diversity l=") as exc:
        compute_values(strict, cleaned_files, tmp_path / "values.json", tmp_path / "tables")
    assert not (tmp_path / "values.json").exists()


@pytest.mark.parametrize(
    "privacy,problem",
    [
        ({"l": 0}, "privacy.l"),
        ({"k": 1}, "privacy.k"),
        ({"l": "2"}, "privacy.l"),
        ({"min_cell": 0}, "privacy.min_cell"),
    ],
)
def test_disclosure_settings_out_of_range_are_refused(tmp_path, privacy, problem):
    from evalkit.core.config import load_schema, validate

    config = load_yaml(ROOT / "config/config.yaml")
    config["privacy"].update(privacy)
    with pytest.raises(ConfigError) as exc:
        validate(config, load_schema("config.schema.yaml"), "config/config.yaml")
    assert f"key '{problem}' " in str(exc.value)


def test_a_recode_of_a_variable_the_dataset_withholds_is_refused_when_the_evaluation_loads(tmp_path):
    from evalkit.model.evaluation import _check_codebook

    cb = load_yaml(ROOT / "config/evaluations/mexico-auto-2024/codebooks/post_interview_survey.yaml")
    state = next(v for v in cb["variables"] if v["name"] == "state")
    assert state["publish"] is False
    cb["disclosure"]["generalize"].append(
        {
            "variable": "state",
            "reason": {"en-US": "x", "es-MX": "x"},
            "groups": [
                {
                    "code": 1,
                    "key": "all",
                    "label": {"en-US": "All", "es-MX": "Todas"},
                    "members": [c["key"] for c in state["categories"]],
                }
            ],
        }
    )
    with pytest.raises(ConfigError) as exc:
        _check_codebook(cb, "codebooks/post_interview_survey.yaml")
    assert (
        "disclosure.generalize: 'state' is not published (publish: false), so there is nothing to recode; "
        "remove its entry"
    ) in str(exc.value)


# --- raw metadata against the codebook, and plausible dates ----------------------------------


def test_reversed_value_labels_in_a_sav_stop_the_intake_with_both_lists(ctx, tmp_path):
    import pyreadstat

    from evalkit.core.errors import DataError
    from evalkit.intake.clean import clean_table
    from evalkit.intake.readers import read_raw

    src = ctx.root / "raw/mexico-auto-2024/post_interview_survey.sav"
    df, meta = pyreadstat.read_sav(str(src), user_missing=True)
    labels = dict(meta.variable_value_labels)
    labels["awareness"] = {
        1.0: "High",
        2.0: "Above moderate",
        3.0: "Moderate",
        4.0: "Low",
        8.0: "Don't know",
        9.0: "No answer",
    }
    bad = tmp_path / "post_interview_survey.sav"
    pyreadstat.write_sav(
        df,
        str(bad),
        column_labels=meta.column_names_to_labels,
        variable_value_labels=labels,
        missing_ranges={k: [r["lo"] for r in v] for k, v in meta.missing_ranges.items()},
    )
    raw = read_raw(bad, "spss", display_name="raw/mexico-auto-2024/post_interview_survey.sav")
    with pytest.raises(DataError) as exc:
        clean_table(
            raw,
            ctx.evaluation.codebooks["post_interview"],
            resolutions=ctx.evaluation.resolutions(),
            instrument="post_interview",
            kind="rating_survey",
        )
    text = str(exc.value)
    assert "raw/mexico-auto-2024/post_interview_survey.sav" in text
    assert (
        "column 'awareness': the file's value labels do not match the codebook (1 = 'High' reads as the "
        "codebook's code 4;" in text
    )
    assert "the file has 1 = 'High', 2 = 'Above moderate'" in text and "the codebook has 1 = 'Low'" in text


def test_a_date_after_the_publication_date_stops_the_intake(ctx, tmp_path):
    from evalkit.core.errors import DataError
    from evalkit.intake.clean import clean_table
    from evalkit.intake.readers import read_raw

    src = ctx.root / "raw/mexico-auto-2024/fieldwork/engagement_log.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    date_col = header.index("Date")
    row = lines[3].split(",")
    row[date_col] = "2099-12-01"
    lines[3] = ",".join(row)
    bad = tmp_path / "engagement_log.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_raw(bad, "csv", display_name="raw/mexico-auto-2024/fieldwork/engagement_log.csv")
    with pytest.raises(DataError) as exc:
        clean_table(
            raw,
            ctx.evaluation.codebooks["engagement_log"],
            kind="engagement_log",
            dates=("1970-01-01", ctx.evaluation.data["date"]),
        )
    assert "row 4 (activity_id '" in str(exc.value) or "line 4" in str(exc.value)
    assert (
        "'2099-12-01' is outside the plausible dates of the evaluation; expected a date from 1970-01-01 to "
        "2024-08-30" in str(exc.value)
    )
