"""The data families: one module per entry of workflow/schemas/families.yaml, looked up in one
registry; a new family is one module and its schema entry, and nothing else changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
import yaml

from evalkit.core.errors import ConfigError
from evalkit.families import Family, analysis_tables, discover, get, registry
from evalkit.model.instruments import family_names

from .conftest import ENV, make_clone

ROOT = Path(__file__).resolve().parents[1]


def test_every_family_of_the_schema_has_one_module_and_every_module_an_entry():
    fams = registry()
    assert list(fams) == family_names()
    for name, fam in fams.items():
        assert fam.module == f"evalkit.families.{name}"
    assert get("engagement_log").tables == ("table2", "itinerary")
    assert get("outcome_journal").analyze is None and get("outcome_journal").references is not None


def test_an_unknown_family_is_refused_naming_the_families_file():
    with pytest.raises(ConfigError) as exc:
        get("visit_log")
    assert "workflow/schemas/families.yaml" in str(exc.value)
    assert "no data family 'visit_log'; expected one of rating_survey, engagement_log" in str(exc.value)


def test_the_tables_of_an_evaluation_come_from_its_instruments_families(ctx):
    tables = analysis_tables(ctx.evaluation.instruments)
    assert tables["post_interview"] == ["ratings"]
    assert tables["monitoring"] == ["indicators", "periods"]
    assert tables["outcome_journal"] == []


def test_discovery_finds_the_family_a_module_defines_and_refuses_two_of_one_name(tmp_path, monkeypatch):
    pkg = tmp_path / "toyfams"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "visit_log.py").write_text("from evalkit.families import Family\n"
                                      "FAMILY = Family('visit_log', ('by_site',))\n")
    (pkg / "helpers.py").write_text("X = 1\n")  # a module without FAMILY is no family
    monkeypatch.syspath_prepend(str(tmp_path))
    import toyfams

    found = discover(toyfams)
    assert list(found) == ["visit_log"]
    assert found["visit_log"].tables == ("by_site",) and found["visit_log"].module == "toyfams.visit_log"
    (pkg / "visit_log_again.py").write_text("from evalkit.families import Family\nFAMILY = Family('visit_log')\n")
    with pytest.raises(ConfigError, match="family 'visit_log' is defined twice"):
        discover(types.SimpleNamespace(__path__=[str(pkg)], __name__="toyfams"))


TOY_MODULE = '''
"""A toy family: one row per site visit."""

from evalkit.families import Family


def analyze(job):
    visits = job.data["visits"].astype(int)
    job.store.add(f"{job.id}.visits", int(visits.sum()), "count", {**job.source, "computation": "sum of visits"})
    by_site = job.data.assign(visits=visits).groupby("site", as_index=False)["visits"].sum()
    job.write_table(by_site, "by_site")


FAMILY = Family("visit_log", tables=("by_site",), analyze=analyze)
'''

TOY_SCHEMA = '''
visit_log:
  description: one row per site visit
  formats: [csv]
  variables:
    site: {role: category}
    visits: {role: integer}
'''

TOY_CODEBOOK = {
    "instrument": "visit_log",
    "label": {"en-US": "Site visits", "es-MX": "Visitas a sitios"},
    "description": {"en-US": "One row per site visit.", "es-MX": "Una fila por visita a un sitio."},
    "id_variable": "visit_id",
    "variables": [
        {"name": "visit_id", "raw_name": "Visit", "role": "identifier", "label": {"en-US": "Visit", "es-MX": "Visita"}},
        {"name": "site", "raw_name": "Site", "role": "category", "label": {"en-US": "Site", "es-MX": "Sitio"},
         "categories": [{"code": "North", "key": "north", "label": {"en-US": "North", "es-MX": "Norte"}},
                        {"code": "South", "key": "south", "label": {"en-US": "South", "es-MX": "Sur"}}]},
        {"name": "visits", "raw_name": "Visits", "role": "integer", "label": {"en-US": "Visits", "es-MX": "Visitas"}},
    ],
}


@pytest.mark.slow
def test_a_new_family_is_one_module_and_its_schema_entry(tmp_path):
    """In a copy of the repository, a family no code knows (visit_log) is added as a module and an
    entry of families.yaml; an instrument of it in the second evaluation is cleaned and analysed
    into its results table and its value, with no other change to the code."""
    clone = make_clone(tmp_path / "clone")
    (clone / "src/evalkit/families/visit_log.py").write_text(textwrap.dedent(TOY_MODULE))
    with (clone / "workflow/schemas/families.yaml").open("a", encoding="utf-8") as f:
        f.write(TOY_SCHEMA)
    ev_dir = clone / "config/evaluations/sc2-mexico-2024"
    (ev_dir / "codebooks/visits.yaml").write_text(yaml.safe_dump(TOY_CODEBOOK, allow_unicode=True, sort_keys=False))
    raw = clone / "raw/sc2-mexico-2024/visits.csv"
    raw.write_text("Visit,Site,Visits\nV1,North,3\nV2,South,4\nV3,North,5\n", encoding="utf-8")
    doc = yaml.safe_load((ev_dir / "evaluation.yaml").read_text(encoding="utf-8"))
    doc["instruments"].append({"id": "visits", "kind": "visit_log", "format": "csv",
                               "file": "raw/sc2-mexico-2024/visits.csv", "codebook": "codebooks/visits.yaml",
                               "publish": False})
    (ev_dir / "evaluation.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    env = {**ENV, "PYTHONPATH": str(clone / "src")}  # the copy's code, with its new module
    results = "results/sc2-mexico-2024"
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", f"{results}/values.json",
                           f"{results}/tables/visits-by_site.csv", "--config", "evaluation=sc2-mexico-2024"],
                          cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    values = json.loads((clone / results / "values.json").read_text())["values"]
    assert values["visits.visits"]["value"] == 12
    assert (clone / results / "tables/visits-by_site.csv").read_text() == "site,visits\nnorth,8\nsouth,4\n"
    assert os.path.exists(clone / results / "clean/visits.csv")


def test_a_step_declares_the_family_hooks_it_calls():
    """What a step calls of a family (`family.<hook>(…)`) is in its FAMILY_HOOKS, so evalkit.core.codedeps
    counts that hook's imports as the step's code, and only those."""
    import ast
    import re

    hooks = {f.name for f in Family.__dataclass_fields__.values()} - {"name", "tables", "module"}
    for path in sorted((ROOT / "src/evalkit/steps").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        called = set(re.findall(r"family\.(\w+)\(", text)) & hooks
        declared: set[str] = set()
        for node in ast.parse(text).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "FAMILY_HOOKS" for t in node.targets):
                declared = {e.value for e in node.value.elts}
        assert called <= declared, f"{path.name} calls {sorted(called - declared)} without declaring them"
