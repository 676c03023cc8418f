"""End to end: the second example evaluation (sc2-mexico-2024, an evaluation brief) built by the
same code from its own config, raw data and content, in a copy of the repository."""

from __future__ import annotations

import json
import re
import zipfile

import pikepdf
import pytest

from .conftest import page_text as text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sc2(sc2_build):
    return sc2_build


def test_documents_in_every_format_and_language_and_no_dataset(sc2):
    pub = sc2 / "results/sc2-mexico-2024/publish"
    for lang in ("en", "es"):
        for fmt in ("html", "pdf", "docx"):
            assert (pub / lang / f"report.{fmt}").stat().st_size > 0
    assert not (pub / "dataset").exists()  # no survey: no microdata and no codebook
    manifest = json.loads((pub / "manifest.json").read_text())
    assert manifest["evaluation"] == "sc2-mexico-2024" and len(manifest["files"]) == 6
    gate = json.loads((sc2 / "results/sc2-mexico-2024/checks/accessibility.json").read_text())
    assert gate["passed"] is True and len(gate["checked"]) == 6
    privacy = json.loads((sc2 / "results/sc2-mexico-2024/checks/privacy.json").read_text())
    assert privacy["passed"] is True and len(privacy["files_scanned"]) == 6
    content = json.loads((sc2 / "results/sc2-mexico-2024/checks/content/en.json").read_text())
    assert content["passed"] is True and content["counts"]["findings"] == 17
    assert content["counts"]["recommendations"] == 10 and content["leverage_points"] == 0
    for lang, tag in (("en", "en-US"), ("es", "es-MX")):
        with pikepdf.open(pub / lang / "report.pdf") as pdf:
            assert str(pdf.Root.Lang) == tag
        with zipfile.ZipFile(pub / lang / "report.docx") as z:
            assert f'w:val="{tag}"' in z.read("word/styles.xml").decode()


def test_ratings_table_in_both_languages(sc2):
    en = text(sc2 / "results/sc2-mexico-2024/publish/en/report.html")
    es = text(sc2 / "results/sc2-mexico-2024/publish/es/report.html")
    assert re.search(r"LTO 3: A sustained, data-driven dialogue [^|]*? implemented Low Low Low", en)
    assert re.search(r"LTO 2: [^|]*? High Above moderate Low", en)
    assert re.search(r"Outcome 1: [^|]*? Above moderate Above moderate Moderate", en)
    assert re.search(r"Outcome 1A: [^|]*? Above moderate Above moderate High", en)
    assert "Outcome Achievement Sustainability Equity" in en
    assert re.search(r"RLP 3: Un diálogo sostenido [^|]*? Baja Baja Baja", es)
    assert re.search(r"RLP 2: [^|]*? Alta Superior a moderada Baja", es)
    assert "Resultado Logro Sostenibilidad Equidad" in es
    docx = zipfile.ZipFile(sc2 / "results/sc2-mexico-2024/publish/es/report.docx").read("word/document.xml").decode()
    assert "Superior a moderada" in docx and "<w:tblHeader" in docx


def test_data_collection_from_the_engagement_log(sc2):
    values = json.loads((sc2 / "results/sc2-mexico-2024/values.json").read_text())["values"]
    got = {k: values[f"engagement_log.{k}"]["value"] for k in ("kii", "fgd", "participants", "men", "women")}
    assert got == {"kii": 41, "fgd": 17, "participants": 86, "men": 42, "women": 44}
    en = text(sc2 / "results/sc2-mexico-2024/publish/en/report.html")
    es = text(sc2 / "results/sc2-mexico-2024/publish/es/report.html")
    assert ("Between April 2024 and June 2024, the team held 41 key informant interviews and 17 focus group "
            "discussions with 86 people (42 men and 44 women)") in en
    assert "in person in San Luis Potosí, Querétaro, and Mexico City" in en
    assert (
        "Entre abril de 2024 y junio de 2024, el equipo realizó 41 entrevistas a informantes clave y 17 grupos focales"
        in es
    )
    assert "en San Luis Potosí, Querétaro y Ciudad de México" in es
    assert "Workers 4 9 13 15 28 33%" in en and "Total 41 17 42 44 86" in en
    assert "Personas trabajadoras 4 9 13 15 28 33%" in es


def test_figures_come_from_the_monitoring_data(sc2):
    values = json.loads((sc2 / "results/sc2-mexico-2024/values.json").read_text())["values"]
    for qmd in (sc2 / "report/sc2-mexico-2024").rglob("*.qmd"):  # every cited id exists
        for vid in re.findall(r"\{\{< meta values\.([\w.]+) >\}\}", qmd.read_text()):
            assert vid in values, f"{qmd}: {vid}"
    assert values["monitoring.sc2.sc2_01.total"]["value"] == 327
    assert values["monitoring.sc2.sc2_02.total"]["value"] == 158
    assert values["monitoring.sc2.sc2_04.total"]["value"] == 1 and values["monitoring.sc2.sc2_04.target"]["value"] == 3
    en = text(sc2 / "results/sc2-mexico-2024/publish/en/report.html")
    es = text(sc2 / "results/sc2-mexico-2024/publish/es/report.html")
    assert "Evidence: Workers educated on their labor rights: 327; Leaders of worker organizations educated: 158." in en
    assert "reached 327 workers and 158 leaders of worker organizations" in en
    assert "30,412 workers into independent and democratic unions" in en
    assert "only 1 of the 3 planned Labor Centers" in en
    assert "formó en sus derechos a 327 personas trabajadoras y a 158 liderazgos" in es


def test_findings_grouped_by_criterion_and_recommendations_by_addressee(sc2):
    en = text(sc2 / "results/sc2-mexico-2024/publish/en/report.html")
    es = text(sc2 / "results/sc2-mexico-2024/publish/es/report.html")
    body = en[en.index("The findings follow the evaluation criteria") :]  # after the table of contents
    order = [
        body.index(h)
        for h in (
            "Finding 1.1: The strategy targets",
            "Effectiveness The project is on course",
            "Finding 2.5: Few Labor Centers",
            "Coherence and alignment The project",
            "Equity and inclusion The project reaches",
            "Sustainability Knowledge",
            "Impact Research",
            "Finding 6.2: Legal assistance",
        )
    ]
    assert order == sorted(order)
    assert "Leverage point" not in en and "apalancamiento" not in es
    recs = en[en.index("The recommendations are grouped") :]
    heads = [
        recs.index(h)
        for h in (
            "Solidarity Center and implementing partners Recommendation 1: Strengthen",
            "Recommendation 8: Enhance the communication strategy",
            "Bureau of International Labor Affairs (USDOL-ILAB) Recommendation 9: Plan",
            "Mexican government (federal level) Recommendation 10: Promote existing",
        )
    ]
    assert heads == sorted(heads)
    assert "validation workshops" not in en
    assert "Gobierno de México (nivel federal) Recomendación 10: Promover los marcos existentes" in es
    assert "Hallazgo 2.5: Pocos centros laborales funcionan" in es
