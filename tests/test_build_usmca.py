"""End to end: the third example evaluation (ilab-usmca-2025, NORC's brief of a portfolio evaluation
by Most Significant Change) built by the same code from its own config, raw data and content, in a
copy of the repository."""

from __future__ import annotations

import json
import re
import zipfile

import pikepdf
import pyreadstat
import pytest

from .conftest import page_text as text

pytestmark = pytest.mark.slow

EVAL = "ilab-usmca-2025"




@pytest.fixture(scope="module")
def usmca(usmca_build):
    return usmca_build


@pytest.fixture(scope="module")
def docs(usmca):
    pub = usmca / "results" / EVAL / "publish"
    return {lang: text(pub / lang / "report.html") for lang in ("en", "es")}


def test_documents_in_every_format_and_language_and_the_checks_pass(usmca):
    pub = usmca / "results" / EVAL / "publish"
    for lang in ("en", "es"):
        for fmt in ("html", "pdf", "docx"):
            assert (pub / lang / f"report.{fmt}").stat().st_size > 0
    manifest = json.loads((pub / "manifest.json").read_text())
    assert manifest["evaluation"] == EVAL
    gate = json.loads((usmca / "results" / EVAL / "checks/accessibility.json").read_text())
    assert gate["passed"] is True
    privacy = json.loads((usmca / "results" / EVAL / "checks/privacy.json").read_text())
    assert privacy["passed"] is True
    content = json.loads((usmca / "results" / EVAL / "checks/content/en.json").read_text())
    assert content["passed"] is True and content["counts"]["outcomes"] == 21 and content["counts"]["projects"] == 19
    assert content["counts"]["findings"] == 0 and content["counts"]["recommendations"] == 0
    assert content["counts"]["stories"] == 5 and content["counts"]["priorities"] == 7
    for lang, tag in (("en", "en-US"), ("es", "es-MX")):
        with pikepdf.open(pub / lang / "report.pdf") as pdf:
            assert str(pdf.Root.Lang) == tag
        with zipfile.ZipFile(pub / lang / "report.docx") as z:
            assert f'w:val="{tag}"' in z.read("word/styles.xml").decode()


def test_reconstruction_notice_on_the_first_page(usmca, docs):
    from evalkit.checks.notice import first_page_text

    pub = usmca / "results" / EVAL / "publish"
    assert docs["en"].index("About these data This brief rebuilds NORC") < docs["en"].index("Background")
    assert "are a reconstruction" in docs["en"] and "no es un hallazgo de la evaluación" in docs["es"]
    for lang, words in (("en", "a reconstruction that agrees with every figure"),
                        ("es", "una reconstrucción que coincide con todas las cifras")):
        for fmt in ("pdf", "docx"):
            assert words in " ".join(first_page_text(pub / lang / f"report.{fmt}", fmt).split()), (lang, fmt)


def test_outcomes_table_with_category_period_and_states(docs):
    en, es = docs["en"], docs["es"]
    assert "Outcome Period Places Projects Worker advocacy of labor rights Children and adolescents" in en
    assert re.search(r"stopped working or worked fewer hours\. 2022–2024 Veracruz and Oaxaca Fields of Hope", en)
    assert re.search(r"Labor courts cut the time [^|]*? Since 2020 State of Mexico TECLAB", en)
    assert re.search(r"set up a corporate social responsibility unit [^|]*? 2024 central Veracruz", en)
    assert "Since 2022 San Quintín Valley, Baja California Sustentar and OBSERVAR" in en
    for category in ("Labor practices of the private sector", "Stronger labor conciliation and justice systems",
                     "Equality between women and men at work", "Labor inspection and coordination"):
        assert category in en
    assert "Resultado Periodo Lugares Proyectos Defensa de los derechos laborales" in es
    assert re.search(r"trabajaron menos horas\. 2022–2024 Veracruz y Oaxaca Campos de Esperanza", es)
    assert "Desde 2020 Estado de México TECLAB" in es
    assert "Desde 2022 Valle de San Quintín, Baja California Sustentar y OBSERVAR" in es
    # the official figures behind the outcomes come from the desk review
    assert "wage increases of 7.1% to 30%" in en and "600,000 digital labor documents" in en
    assert "conciliated 81% of its cases" in en and "88% of its cases in 45 days or less" in en
    assert "52% of their jurisdictional cases in 7 months or less" in en


def test_contributions_table_and_chart_with_alt_text(usmca, docs):
    en, es = docs["en"], docs["es"]
    assert "Table 2: Projects and the priorities they contribute to" in en
    assert "Project Eliminating child labor Eliminating forced labor Labor law enforcement" in en
    assert "Projects contributing 5 4 9 7 7 5 5" in en
    assert "Proyecto Erradicación del trabajo infantil" in es
    for lang, start in (("en", "Bar chart of the number of projects, of 19, that contribute to each of the 7"),
                        ("es", "Gráfico de barras del número de proyectos, de 19, que contribuyen a cada una")):
        page = (usmca / "results" / EVAL / "publish" / lang / "report.html").read_text(encoding="utf-8")
        alts = re.findall(r'<img [^>]*alt="([^"]+)"', page)
        assert len(alts) == 1 and alts[0].startswith(start) and len(alts[0]) > 60
    with zipfile.ZipFile(usmca / "results" / EVAL / "publish/en/report.docx") as z:
        assert 'descr="Bar chart of the number of projects' in z.read("word/document.xml").decode()


def test_stories_in_ranking_order(docs):
    en, es = docs["en"], docs["es"]
    order = [en.index(t) for t in ("Children out of the cane fields and the coffee harvest Kind of change",
                                   "A union that opens its books Kind of change",
                                   "A dismissal settled at the conciliation center Kind of change",
                                   "Women coffee producers take on processing and sales Kind of change",
                                   "Women maquila workers choose their own union Kind of change")]
    assert order == sorted(order)
    assert "stories ranked: 5; ranking forms: 121; facilitated discussions: 26." in en
    assert "historias clasificadas: 5; formularios de clasificación: 121; discusiones facilitadas: 26." in es
    assert "Ranked first on 53 of 121 forms; mean rank 2.08 (position 1 of 5)." in en
    assert "Niñas y niños fuera de los cañaverales y de la cosecha de café" in es


def test_methods_in_figures_equal_the_seed(usmca, docs):
    values = json.loads((usmca / "results" / EVAL / "values.json").read_text())["values"]
    got = {k: values[k]["value"] for k in ("engagement_log.msc_interview", "engagement_log.msc_fgd",
                                           "survey.respondents", "rankings.forms", "rankings.sessions",
                                           "engagement_log.facilitated_discussion", "monitoring.projects")}
    assert got == {"engagement_log.msc_interview": 192, "engagement_log.msc_fgd": 13, "survey.respondents": 52,
                   "rankings.forms": 121, "rankings.sessions": 26, "engagement_log.facilitated_discussion": 26,
                   "monitoring.projects": 19}
    assert values["desk_review.sources"]["value"] >= 10
    en, es = docs["en"], docs["es"]
    sources = values["desk_review.sources"]["value"]
    assert ("192 MSC semi-structured interviews 13 MSC focus group discussions 52 onsite MSC survey interviews "
            f"121 validations and rankings of MSC stories 26 facilitated discussions {sources} official secondary "
            "sources 19 projects’ monitoring data") in en
    assert "192 entrevistas semiestructuradas de CMS 13 grupos focales de CMS 52 entrevistas de encuesta" in es
    assert "Total 192 13 26" in en  # the fieldwork table of the engagement log
    assert "between July 2024 and November 2024" in en
    for qmd in (usmca / "report" / EVAL).rglob("*.qmd"):  # every cited id exists
        for vid in re.findall(r"\{\{< meta values\.([\w.]+) >\}\}", qmd.read_text()):
            assert vid in values, f"{qmd}: {vid}"


def test_lessons(docs):
    en, es = docs["en"], docs["es"]
    lessons = en[en.index("Lessons learned Unfinished business"):]
    order = [lessons.index(t) for t in ("Unfinished business on the USMCA labor commitments",
                                        "More demand for labor services", "Making democratic union gains last",
                                        "Outcomes follow maturity and resources",
                                        "What workers outside unions care about")]
    assert order == sorted(order)
    assert "Que duren los avances de la democracia sindical" in es


def test_the_respondents_names_are_nowhere_in_publish(usmca):
    raw, _ = pyreadstat.read_dta(str(usmca / "raw" / EVAL / "survey" / "onsite_survey.dta"))
    names = list(raw["nombre"])
    assert len(names) == 52
    pub = usmca / "results" / EVAL / "publish"
    files = [p for p in pub.rglob("*") if p.is_file()]
    assert any(p.name == "survey.dta" for p in files)  # the de-identified microdata are published
    for p in files:
        data = p.read_bytes()
        for name in names:
            assert name.encode() not in data, f"{name} in {p.name}"
    published, _ = pyreadstat.read_dta(str(pub / "dataset" / "survey.dta"))
    assert "nombre" not in published.columns
    disclosure = json.loads((pub / "dataset" / "disclosure.json").read_text())["datasets"][0]
    assert disclosure["k_anonymous"] is True and disclosure["l_diverse"] is True and disclosure["removed"] == ["nombre"]
