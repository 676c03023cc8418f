"""The Most Significant Change parts through the pipeline: in a copy of the repository, the second
evaluation gets a story_rankings instrument, stories and priorities in its registry; the build
makes the values, the per-story table and the stories and contributions fragments, and refuses a
registry story the instrument never ranks."""

from __future__ import annotations

import json

import pytest
import yaml

from .conftest import make_clone, snakemake

EVAL = "sc2-mexico-2024"
RESULTS = f"results/{EVAL}"

CODEBOOK = {
    "instrument": "rankings",
    "label": {"en-US": "Story ranking forms", "es-MX": "Formularios de clasificación de historias"},
    "description": {"en-US": "One row per story ranked on a form.",
                    "es-MX": "Una fila por historia clasificada en un formulario."},
    "id_variable": "form",
    "variables": [
        {"name": "form", "raw_name": "Form", "role": "identifier", "label": {"en-US": "Form", "es-MX": "Formulario"}},
        {"name": "session", "raw_name": "Session", "role": "category", "label": {"en-US": "Session", "es-MX": "Sesión"},
         "categories": [{"code": "S1", "key": "s1", "label": {"en-US": "First", "es-MX": "Primera"}},
                        {"code": "S2", "key": "s2", "label": {"en-US": "Second", "es-MX": "Segunda"}}]},
        {"name": "date", "raw_name": "Date", "role": "date", "label": {"en-US": "Date", "es-MX": "Fecha"}},
        {"name": "stakeholder", "raw_name": "Stakeholder type", "role": "category",
         "label": {"en-US": "Stakeholder type", "es-MX": "Tipo de actor"},
         "categories": [{"code": "Workers", "key": "workers",
                         "label": {"en-US": "Workers", "es-MX": "Personas trabajadoras"}}]},
        {"name": "story", "raw_name": "Story", "role": "category", "label": {"en-US": "Story", "es-MX": "Historia"},
         "categories": [{"code": "A", "key": "vote", "label": {"en-US": "The vote", "es-MX": "La votación"}},
                        {"code": "B", "key": "centre", "label": {"en-US": "The centre", "es-MX": "El centro"}}]},
        {"name": "rank", "raw_name": "Rank", "role": "integer", "label": {"en-US": "Rank", "es-MX": "Rango"}},
    ],
}
RAW = ("Form,Session,Date,Stakeholder type,Story,Rank\n"
       "F1,S1,2024-05-02,Workers,A,1\nF1,S1,2024-05-02,Workers,B,2\n"
       "F2,S2,2024-05-03,Workers,B,1\nF2,S2,2024-05-03,Workers,A,2\n"
       "F3,S2,2024-05-03,Workers,A,1\nF3,S2,2024-05-03,Workers,B,2\n")


def bi(en: str, es: str) -> dict:
    return {"en-US": en, "es-MX": es}


@pytest.mark.slow
def test_stories_and_contributions_through_the_build(tmp_path):
    clone = make_clone(tmp_path / "clone")
    ev_dir = clone / "config/evaluations" / EVAL
    (ev_dir / "codebooks/rankings.yaml").write_text(yaml.safe_dump(CODEBOOK, allow_unicode=True, sort_keys=False))
    (clone / f"raw/{EVAL}/rankings.csv").write_text(RAW, encoding="utf-8")
    doc = yaml.safe_load((ev_dir / "evaluation.yaml").read_text(encoding="utf-8"))
    doc["instruments"].append({"id": "rankings", "kind": "story_rankings", "format": "csv",
                               "file": f"raw/{EVAL}/rankings.csv", "codebook": "codebooks/rankings.yaml",
                               "publish": True})
    (ev_dir / "evaluation.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    reg_path = clone / f"report/{EVAL}/content/registry.yaml"
    reg = yaml.safe_load(reg_path.read_text(encoding="utf-8"))
    project = reg["projects"][0]["id"]
    reg["stories"] = [
        {"id": "centre", "title": bi("A centre", "Un centro"), "who": bi("Miners", "Mineros"),
         "what": bi("A centre opened.", "Abrió un centro."),
         "significance": bi("Help is close.", "La ayuda está cerca."), "projects": [project]},
        {"id": "vote", "title": bi("A free vote", "Una votación libre"), "who": bi("Plant workers", "Obreros"),
         "what": bi("They voted.", "Votaron."), "significance": bi("Their first say.", "Su primera voz."),
         "projects": [project], "period": {"since": "2023-02"}},
    ]
    reg["priorities"] = [{"id": "freedom", "name": bi("Freedom of association", "Libertad sindical")},
                         {"id": "forced", "name": bi("Forced labor", "Trabajo forzoso")}]
    reg["projects"][0]["contributes"] = ["freedom"]
    reg_path.write_text(yaml.safe_dump(reg, allow_unicode=True, sort_keys=False), encoding="utf-8")

    proc = snakemake(clone, f"{RESULTS}/report/en/meta.yml", f"{RESULTS}/report/es/meta.yml",
                     "--config", f"evaluation={EVAL}")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    values = json.loads((clone / RESULTS / "values.json").read_text())["values"]
    assert values["rankings.forms"]["value"] == 3 and values["rankings.sessions"]["value"] == 2
    assert values["rankings.story.vote.position"]["value"] == 1 and values["rankings.story.vote.first"]["value"] == 2
    assert (clone / RESULTS / "tables/rankings-stories.csv").read_text().splitlines()[0] == \
        "story,forms,first,first_share,mean_rank,position"
    es = (clone / RESULTS / "report/es/fragments/stories.md").read_text(encoding="utf-8")
    assert es.index("## Una votación libre") < es.index("## Un centro")   # ranking order, not the registry's
    assert "Clasificada en primer lugar en 2 de 3 formularios; rango promedio 1.33 (posición 1 de 2)." in es
    en = (clone / RESULTS / "report/en/fragments/contributions.md").read_text(encoding="utf-8")
    assert "| **Projects contributing** | **1** | **0** |" in en
    assert (clone / RESULTS / "report/en/figures/contributions.svg").exists()
    meta = yaml.safe_load((clone / RESULTS / "report/en/meta.yml").read_text(encoding="utf-8"))
    assert meta["values"]["contributions"]["priority"]["freedom"]["projects"] == "1"

    # a story of the registry that the instrument never ranks stops the build, naming both sides
    reg["stories"][0]["id"] = "clinic"
    reg_path.write_text(yaml.safe_dump(reg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = snakemake(clone, f"{RESULTS}/report/en/meta.yml", "--config", f"evaluation={EVAL}")
    assert proc.returncode != 0
    assert ("stories[clinic]: the story_rankings instrument 'rankings' never ranks it; expected every story of the "
            "registry among its ranked stories (ranked: centre, vote)") in proc.stdout + proc.stderr
