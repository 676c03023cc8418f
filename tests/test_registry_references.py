"""Prose names the registry, never copies it: report sources cite projects, implementers,
recommendations, findings and good practices through ``{{< meta registry.… >}}`` references and
generated fragments, so renaming an entry renames it everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from evalkit.content.overlays import read_registry

ROOT = Path(__file__).resolve().parents[1]
EVALUATIONS = ("mexico-auto-2024", "sc2-mexico-2024")
LANGS = {"en": "en-US", "es": "es-MX"}


def _flat(text: str) -> str:
    return " ".join(text.split())


def registry_names(data: dict, lang: str) -> list[str]:
    """The names and titles of a registry's entries in one language, and the long forms of its
    acronyms (at least two words long, so short forms such as MAP, which the acronyms table
    defines, are not counted)."""
    out = []
    for p in data.get("projects", []):
        out += [p["name"][lang], p["implementer"][lang], re.sub(r"\s*\([^()]*\)$", "", p["name"][lang])]
    for kind in ("recommendations", "findings", "good_practices"):
        out += [x["title"][lang] for x in data.get(kind, [])]
    out += [a["long"][lang] for a in data.get("acronyms", [])]   # {{< meta registry.acronyms.<id>.long >}}
    return sorted({_flat(n) for n in out if len(n.split()) > 1})


@pytest.mark.parametrize("evaluation", EVALUATIONS)
def test_report_sources_copy_no_registry_name(evaluation):
    content = ROOT / "report" / evaluation / "content" / "registry.yaml"
    data = read_registry(content, list(LANGS.values()))
    ev = yaml.safe_load((ROOT / "config" / "evaluations" / evaluation / "evaluation.yaml").read_text(encoding="utf-8"))
    evaluator = ev["publication"]["evaluator"]   # named through {{< meta publication.evaluator >}}
    found = []
    for sub, lang in LANGS.items():
        for qmd in sorted((ROOT / "report" / evaluation / sub).rglob("*.qmd")):
            text = _flat(qmd.read_text(encoding="utf-8"))
            found += [f"{qmd.relative_to(ROOT)}: {name!r}" for name in registry_names(data, lang) + [evaluator]
                      if name in text]
    assert not found, "typed instead of referenced:\n" + "\n".join(found)


RENAMES = {  # (overlay, old text, new text): a recommendation, a project's name and its short name
    "en-US": [
        ("title: Knowledge transfer and capacity building", "title: Practical know-how for every actor"),
        ("Engaging Workers and Civil Society to Strengthen Labor Law Enforcement", "Workers Enforce Their Rights"),
        ("short: Engaging Workers and Civil Society", "short: Workers Enforce"),
    ],
    "es-MX": [
        (
            "title: Transferencia de conocimientos y fortalecimiento de capacidades",
            "title: Saber práctico para cada actor",
        ),
        (
            "Participación de personas trabajadoras y sociedad civil para fortalecer la aplicación de la ley\n"
            "      laboral",
            "Las personas trabajadoras hacen valer sus derechos",
        ),
        ("short: Participación de personas trabajadoras y sociedad civil", "short: Hacen valer sus derechos"),
    ],
}


@pytest.mark.slow
def test_a_renamed_recommendation_and_project_are_renamed_everywhere(builds, tmp_path):
    from evalkit.render.quarto_subset import expand

    from .conftest import copy_build, snakemake

    clone = copy_build(builds[0], tmp_path / "renamed")
    content = clone / "report" / "mexico-auto-2024" / "content"
    for lang, edits in RENAMES.items():
        path = content / f"registry.{lang}.yaml"
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, (lang, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    proc = snakemake(clone, *(f"results/mexico-auto-2024/report/{sub}/meta.yml" for sub in LANGS))
    assert proc.returncode == 0, proc.stderr[-3000:]
    for sub, lang in LANGS.items():
        docs = sorted((clone / "report" / "mexico-auto-2024" / sub).rglob("*.qmd"))
        text = {d.name: _flat(expand(d).body) for d in docs}
        everything = " ".join(text.values())
        for old, new in RENAMES[lang]:
            old, new = (
                _flat(old.removeprefix("title: ").removeprefix("short: ")),
                _flat(new.removeprefix("title: ").removeprefix("short: ")),
            )
            assert old not in everything, (lang, old)
            assert new in text["report.qmd"], (lang, new)
        # the executive summary's generated list names the renamed recommendation first
        assert "1. **" + RENAMES[lang][0][1].removeprefix("title: ") + "** (" in text["report.qmd"]


def test_one_name_per_entity_across_codebooks():
    """A project named one way in the monitoring codebook and another in the engagement log (as the
    Solidarity Center's project once was in Spanish) is refused, naming both files and both names."""
    from evalkit.model.evaluation import Codebook, same_names

    def cb(source: str, es: str) -> Codebook:
        return Codebook(
            source,
            {
                "variables": [
                    {
                        "name": "project",
                        "role": "category",
                        "categories": [
                            {"code": "EWCS", "key": "ewcs", "label": {"en-US": "Engaging Workers", "es-MX": es}}
                        ],
                    }
                ]
            },
        )

    same = same_names(
        {"log": cb("log.yaml", "Participación"), "mon": cb("mon.yaml", "Participación")}, list(LANGS.values())
    )
    assert same == []
    problems = same_names(
        {"log": cb("log.yaml", "Participación"), "mon": cb("mon.yaml", "Vinculación")}, list(LANGS.values())
    )
    assert problems == [
        "mon.yaml: variable 'project', category 'ewcs', es-MX: 'Vinculación' but log.yaml names it "
        "'Participación'; expected one name wherever it is used"
    ]
    # the shipped evaluations load, so their codebooks agree
    from evalkit.model.evaluation import load_evaluation

    for evaluation in EVALUATIONS:
        load_evaluation(ROOT, evaluation, list(LANGS.values()))
