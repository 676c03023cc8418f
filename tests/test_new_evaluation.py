"""`evalkit new` writes a skeleton that builds at once, and the content model is general: small
generated evaluations that combine the optional parts differently (no survey; two surveys on
different scales; no monitoring; monitoring without a theory of change; one language only; Spanish
first; each evaluation type) build and pass their gates (accessibility, privacy scan, disclosure),
or are refused with the file, the key and what to write."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from .conftest import ENV, make_clone, page_text, snakemake

pytestmark = pytest.mark.slow

CASES = {
    # name: (type, languages, instruments or None for the type's default, what the documents must show)
    "systems evaluation with survey, monitoring and TOsC, English and Spanish": (
        "systems", ["en-US", "es-MX"], None, {"en": ["Survey", "People trained", "A finding", "A recommendation"],
                                              "es": ["Encuesta", "Personas capacitadas", "Un hallazgo"]}),
    "project evaluation with no survey, monitoring without a TOsC, one language": (
        "project", ["en-US"], None, {"en": ["People trained", "Key informant interviews", "A recommendation"],
                                     "en not": ["outcome domain of the Theory of Sustained Change"]}),
    "two surveys on different scales and no monitoring, Spanish first": (
        "project", ["es-MX", "en-US"], ["engagement_log", "rating_survey", "rating_survey:survey_b"],
        {"es": ["Encuesta", "Segunda encuesta", "Totalmente de acuerdo", "Muy satisfecho"],
         "en": ["Second survey", "Strongly agree", "Very satisfied"]}),
    "portfolio Most Significant Change evaluation, Spanish only": (
        "portfolio_msc", ["es-MX"], None,
        {"es": ["Entrevistas de cambio más significativo", "Una categoría de resultados", "Escriba una lección"]}),
}


def evalkit(clone, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evalkit", *args, "--root", str(clone)], cwd=clone, env=ENV,
                          capture_output=True, text=True, timeout=120)




@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    return make_clone(tmp_path_factory.mktemp("new") / "evalkit")


@pytest.mark.parametrize("case", list(CASES))
def test_a_new_evaluation_builds_at_once_and_passes_its_gates(clone, case):
    kind, languages, instruments, shows = CASES[case]
    eid = f"new-{list(CASES).index(case)}"
    made = evalkit(clone, "new", eid, "--type", kind, "--languages", *languages,
                   *(["--instruments", *instruments] if instruments else []))
    assert made.returncode == 0, made.stderr
    assert f"wrote config/evaluations/{eid}/evaluation.yaml" in made.stdout
    assert f"build it: ./run build --config evaluation={eid} 'languages=[{', '.join(languages)}]'" in made.stdout
    proc = snakemake(clone, "--config", f"evaluation={eid}", f"languages=[{', '.join(languages)}]")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    pub = clone / "results" / eid / "publish"
    assert (pub / "manifest.json").is_file()   # written only when the gate and the privacy scan passed
    subtags = sorted(p.name for p in pub.iterdir() if p.is_dir() and p.name != "dataset")
    assert subtags == sorted(tag.split("-")[0] for tag in languages)
    surveys = instruments.count("rating_survey") + sum(i.startswith("rating_survey:") for i in instruments) \
        if instruments else int(kind == "systems")
    assert (pub / "dataset").is_dir() == bool(surveys)
    for tag in languages:
        sub = tag.split("-")[0]
        for fmt in ("html", "pdf", "docx"):
            assert (pub / sub / f"report.{fmt}").stat().st_size > 1000
        page = (pub / sub / "report.html").read_text(encoding="utf-8")
        assert f'lang="{tag}"' in page
        text = page_text(pub / sub / "report.html")
        for phrase in shows.get(sub, []):
            assert phrase in text, f"{phrase!r} not in the {tag} report of {case}"
        for phrase in shows.get(f"{sub} not", []):
            assert phrase not in text, f"{phrase!r} in the {tag} report of {case}"
        # a chart's alt text never names one item as both the highest and the lowest (a tie)
        assert not re.search(r"highest for (.+?) \(\S+\) and lowest for \1 \(", text)
        assert not re.search(r"más alto en (.+?) \(\S+\) y más bajo en \1 \(", text)
    # the skeleton's files say what to fill in
    ev = (clone / "config" / "evaluations" / eid / "evaluation.yaml").read_text(encoding="utf-8")
    assert ev.startswith(f"# {eid}: a new {kind} evaluation written by `evalkit new`")
    assert yaml.safe_load(ev)["type"] == kind


def test_an_id_in_use_is_refused_and_nothing_is_overwritten(clone):
    before = (clone / "config" / "evaluations" / "sc2-mexico-2024" / "evaluation.yaml").read_bytes()
    made = evalkit(clone, "new", "sc2-mexico-2024", "--type", "project")
    assert made.returncode == 1
    assert "config/evaluations/sc2-mexico-2024 exists already; choose another id or remove it" in made.stderr
    assert (clone / "config" / "evaluations" / "sc2-mexico-2024" / "evaluation.yaml").read_bytes() == before


def test_what_the_type_needs_is_refused_when_the_evaluation_loads(clone):
    made = evalkit(clone, "new", "needs-tosc", "--type", "systems", "--languages", "en-US")
    assert made.returncode == 0, made.stderr
    path = clone / "config" / "evaluations" / "needs-tosc" / "evaluation.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    del doc["analysis"]["tosc"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = snakemake(clone, "--config", "evaluation=needs-tosc", "languages=[en-US]", "--dry-run")
    assert proc.returncode != 0
    assert "config/evaluations/needs-tosc/evaluation.yaml: 1 problem(s)" in proc.stderr
    assert "analysis.tosc: missing; a systems evaluation needs the Theory of Sustained Change" in proc.stderr


def test_a_registry_without_what_the_type_needs_is_refused_naming_the_kind(clone):
    made = evalkit(clone, "new", "needs-recs", "--type", "project", "--languages", "en-US",
                   "--instruments", "engagement_log")
    assert made.returncode == 0, made.stderr
    path = clone / "report" / "needs-recs" / "content" / "registry.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    del doc["recommendations"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = snakemake(clone, "--config", "evaluation=needs-recs", "languages=[en-US]")
    assert proc.returncode != 0
    log = (clone / "results" / "needs-recs" / "logs" / "check_content" / "en.log").read_text(encoding="utf-8")
    assert ("recommendations: missing or empty; a project evaluation (type in evaluation.yaml) needs at least one"
            in log)
    assert not (clone / "results" / "needs-recs" / "publish" / "manifest.json").exists()
