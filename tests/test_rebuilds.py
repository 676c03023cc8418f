"""A build is never stale and publish/ only ever holds what passed.

- Every key of config.schema.yaml, changed through --config, and a sample of edits to the
  evaluation, its codebooks, indicator declarations, content, report sources and code: a dry run
  schedules exactly the jobs whose outputs can change.
- A planted leak or a planted missing alt text fails the build and leaves publish/ as it was.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, copy_build, make_clone, published_bytes, snakemake

pytestmark = pytest.mark.slow

EVAL = "mexico-auto-2024"
CHECKS_ALL = {"accessibility_report": 1, "privacy_report": 1, "release": 1}
LANG_GATES = {"accessibility_gate": 2, "privacy_scan": 2}
ALL_GATES = {"accessibility_gate": 3, "privacy_scan": 3}
AFTER_VALUES = {"check_content": 2, "report_inputs": 2, "render_report": 12, **LANG_GATES, **CHECKS_ALL}
AFTER_RENDER = {"render_report": 12, **LANG_GATES, **CHECKS_ALL}

# What a change of each configuration key can change, in jobs per rule (the default evaluation has
# 8 instruments, 2 languages, 6 documents a language in 3 formats, and a published dataset).
CONFIG_CHANGES = {
    "evaluation": ("sc2-mexico-2024", None),  # another evaluation: its own results folder, all new
    "languages": (["en-US"], {"compute_values": 1, "check_content": 1, "report_inputs": 1, "render_report": 6,
                              "dataset": 1, "accessibility_gate": 2, "privacy_scan": 2, **CHECKS_ALL}),
    "formats": (["html", "pdf"], {"report_inputs": 2, **AFTER_RENDER}),
    "renderer": ("auto", AFTER_RENDER),
    "statistics.confidence_level": (0.9, {"compute_values": 1, **AFTER_VALUES}),
    "statistics.interval_method": ("beta", {"compute_values": 1, **AFTER_VALUES}),
    "privacy.min_cell": (11, {"compute_values": 1, **AFTER_VALUES}),
    # the tables are counted from the released microdata: k and l change values and the dataset
    "privacy.k": (6, {"compute_values": 1, **AFTER_VALUES, "dataset": 1, **ALL_GATES}),
    "privacy.l": (1, {"compute_values": 1, **AFTER_VALUES, "dataset": 1, **ALL_GATES}),
    "accessibility.axe_tags": (["wcag2a", "wcag2aa"], {"accessibility_gate": 3, "accessibility_report": 1,
                                                       "release": 1}),
    "accessibility.chromium": ("/opt/other/chromium", {"accessibility_gate": 3, "accessibility_report": 1,
                                                       "release": 1}),
}


def schema_keys(schema: dict, prefix: str = "") -> list[str]:
    """The leaf keys of the config schema (objects are walked into, arrays and scalars are leaves)."""
    keys = []
    for name, prop in schema.get("properties", {}).items():
        if prop.get("type") == "object" and "properties" in prop:
            keys += schema_keys(prop, f"{prefix}{name}.")
        else:
            keys.append(prefix + name)
    return keys


def scheduled(clone: Path, *args: str) -> dict[str, int]:
    """The jobs a dry run would run, per rule (without the target rule all)."""
    proc = snakemake(clone, "--dry-run", *args)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    if "Nothing to be done" in out:
        return {}
    table = out.split("Job stats:", 1)[1].split("total", 1)[0]
    jobs = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)\s*$", table, re.M)}
    jobs.pop("all", None)
    return jobs


def override(key: str, value, folder: Path) -> list[str]:
    """Arguments that change one key of config/config.yaml: --config for a top-level key (as the
    README shows), an extra --configfile for a nested one (Snakemake merges it into the first)."""
    top, _, sub = key.partition(".")
    if not sub:
        return ["--config", f"{top}={json.dumps(value)}"]
    extra = folder / f"{key}.yaml"
    extra.write_text(yaml.safe_dump({top: {sub: value}}), encoding="utf-8")
    return ["--configfile", "config/config.yaml", str(extra)]


def test_every_config_key_has_an_expectation():
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
    assert sorted(schema_keys(schema)) == sorted(CONFIG_CHANGES)


@pytest.mark.parametrize("key", sorted(CONFIG_CHANGES))
def test_a_config_change_reruns_exactly_what_it_can_change(builds, key, tmp_path):
    a, _ = builds
    value, expected = CONFIG_CHANGES[key]
    jobs = scheduled(a, *override(key, value, tmp_path))
    if expected is None:  # a new evaluation: every rule, every job
        assert set(jobs) >= {"clean_instrument", "compute_values", "render_report", "release"}
    else:
        assert jobs == expected


def edit(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{path}: '{old}' not found (update the test)"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


FILE_EDITS = {
    "the Spanish title in evaluation.yaml": (
        f"config/evaluations/{EVAL}/evaluation.yaml",
        'es-MX: "Evaluación sistémica',
        'es-MX: "Evaluación sistemática',
        {
            "report_inputs": 1,
            "render_report": 6,
            "dataset": 1,
            "accessibility_gate": 2,
            "privacy_scan": 2,
            **CHECKS_ALL,
        },
    ),
    "the publication date": (
        f"config/evaluations/{EVAL}/evaluation.yaml",
        "date: 2024-08-30",
        "date: 2024-08-31",
        # the intake too: no date in the data may come after the publication date
        {"clean_instrument": 10, "compute_values": 1, **AFTER_VALUES, "dataset": 1, **ALL_GATES},
    ),
    "the privacy scan's public names": (
        f"config/evaluations/{EVAL}/evaluation.yaml",
        'public_names: ["San Luis Potosí"]',
        'public_names: ["San Luis Potosí", "Ciudad de México"]',
        {"privacy_scan": 3, "privacy_report": 1, "release": 1},
    ),
    "an instrument's entry (the triangulation survey is published)": (
        f"config/evaluations/{EVAL}/evaluation.yaml",
        "publish: false   # triangulation",
        "publish: true   # triangulation",
        None,
    ),  # the worker survey joins the dataset: new outputs, everything after intake
    "a label in the engagement log's codebook": (
        f"config/evaluations/{EVAL}/codebooks/engagement_log.yaml",
        None,
        None,
        {"clean_instrument": 1, "compute_values": 1, **AFTER_VALUES, "privacy_scan": 3},
    ),
    "an indicator label": (
        f"config/evaluations/{EVAL}/indicators.yaml",
        None,
        None,
        {"compute_values": 1, **AFTER_VALUES},
    ),
    "a Spanish registry text": (
        f"report/{EVAL}/content/registry.es-MX.yaml",
        "long: Grupo focal",
        "long: Grupo de enfoque",
        {
            "check_content": 1,
            "report_inputs": 1,
            "render_report": 6,
            "accessibility_gate": 1,
            "privacy_scan": 1,
            **CHECKS_ALL,
        },
    ),
    "one Spanish document": (
        f"report/{EVAL}/es/report.qmd",
        None,
        None,
        {"render_report": 1, "accessibility_gate": 1, "privacy_scan": 1, **CHECKS_ALL},
    ),
    "review code no rule runs": ("src/evalkit/review/redline_docx.py", None, None, {}),
    "the embedded renderer": ("src/evalkit/render/embedded.py", None, None, {**AFTER_RENDER, **ALL_GATES}),
    "the intake's reader": (
        "src/evalkit/intake/readers.py",
        None,
        None,
        {"clean_instrument": 10, "compute_values": 1, **AFTER_VALUES, "dataset": 1, **ALL_GATES},
    ),
}


def test_file_edits_rerun_exactly_what_they_can_change(builds, tmp_path):
    a, _ = builds
    clone = copy_build(a, tmp_path / "edits")
    wrong = {}
    for what, (rel, old, new, expected) in FILE_EDITS.items():
        path = clone / rel
        original, stat = path.read_bytes(), path.stat()
        try:
            if old is None:
                text = original.decode("utf-8")
                if rel.endswith(".py"):
                    text += "\n# an edit\n"
                elif rel.endswith(".qmd"):
                    text = text.replace("\n\n", "\n\nUna frase nueva.\n\n", 1)
                else:  # a YAML label: the first language-keyed label in the file gets a word more
                    text = re.sub(r"(\b(?:en-US|es-MX): )(\"?)([^\n\"]+)", r"\1\2\3 (editado)", text, count=1)
                path.write_text(text, encoding="utf-8")
            else:
                edit(path, old, new)
            jobs = scheduled(clone)
            if expected is None:
                ok = jobs.get("clean_instrument", 0) == 0 and jobs.get("release") == 1 and jobs.get("dataset") == 1
            else:
                ok = jobs == expected
            if not ok:
                wrong[what] = jobs
        finally:
            path.write_bytes(original)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert wrong == {}
    assert scheduled(clone) == {}  # every edit undone: nothing to do


# --- publish/ only ever holds what passed ---------------------------------------------------


def plant(clone: Path, text: str, lang: str = "en") -> None:
    src = clone / f"report/{EVAL}/{lang}/report.qmd"
    body = src.read_text(encoding="utf-8")
    at = body.index("\n## ")
    src.write_text(body[:at] + f"\n\n{text}\n" + body[at:], encoding="utf-8")


def raw_name(clone: Path) -> str:
    from evalkit.checks.privacy import raw_identifiers
    from evalkit.model.context import Context

    ids = [i for i in raw_identifiers(Context.load(clone)) if i.variable == "full_name" and " " in i.value]
    assert ids, "the default evaluation's raw files have respondent names"
    return ids[0].value


def test_a_planted_leak_fails_the_build_and_publish_keeps_the_previous_release(builds, tmp_path):
    a, _ = builds
    clone = copy_build(a, tmp_path / "leak")
    before = published_bytes(clone)
    record = (clone / f"results/{EVAL}/checks/release.json").read_bytes()
    name = raw_name(clone)
    plant(clone, f"We thank {name} for the interview.")
    proc = snakemake(clone)
    assert proc.returncode != 0
    assert "privacy scan" in proc.stdout + proc.stderr
    assert published_bytes(clone) == before  # the previous complete release, untouched
    assert (clone / f"results/{EVAL}/checks/release.json").read_bytes() == record
    staged = (clone / f"results/{EVAL}/staged/en/report.html").read_text(encoding="utf-8")
    assert name in staged  # the failing file exists only where nobody publishes from
    assert not any(name.encode() in data for data in published_bytes(clone).values())


def test_a_planted_missing_alt_text_fails_the_gate_and_publish_keeps_the_previous_release(builds, tmp_path):
    a, _ = builds
    clone = copy_build(a, tmp_path / "alt")
    before = published_bytes(clone)
    # a raw HTML image without a text alternative: pandoc passes it through to the HTML page (its
    # address has no digit: a typed number would be refused at render, before the gate)
    plant(clone, '```{=html}\n<img src="pixel.gif">\n```')
    proc = snakemake(clone)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "image-alt" in out
    assert published_bytes(clone) == before


def test_a_first_build_that_fails_a_check_publishes_nothing(tmp_path):
    clone = make_clone(tmp_path / "first")
    plant(clone, f"We thank {raw_name(clone)} for the interview.", lang="es")
    proc = snakemake(clone)
    assert proc.returncode != 0
    assert not (clone / f"results/{EVAL}/publish").exists()
    assert not (clone / f"results/{EVAL}/checks/release.json").exists()


def test_a_publish_folder_changed_by_hand_is_released_again(builds, tmp_path):
    a, _ = builds
    clone = copy_build(a, tmp_path / "hand")
    before = published_bytes(clone)
    (clone / f"results/{EVAL}/publish/en/report.html").write_text("edited by hand", encoding="utf-8")
    assert scheduled(clone) == {"release": 1}
    assert snakemake(clone).returncode == 0
    assert published_bytes(clone) == before
