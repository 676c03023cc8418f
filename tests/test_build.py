"""End to end: two clean builds in two different clone paths, both languages, the gate, failures.

These run the real workflow (snakemake) in copies of the repository: about a minute in all.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pikepdf
import pyreadstat
import pytest

from evalkit.model.context import Context
from evalkit.steps.checks import GateFailed, gate_published

from .conftest import make_clone, snakemake

pytestmark = pytest.mark.slow
BRIEFS = ["introduction", "knowledge-awareness", "addressing-violations", "compliance", "system-capacity"]


def published(clone: Path) -> dict[str, bytes]:
    out = {p.relative_to(clone).as_posix(): p.read_bytes()
           for p in sorted((clone / "results" / "mexico-auto-2024" / "publish").rglob("*")) if p.is_file()}
    out["results/mexico-auto-2024/values.json"] = (clone / "results" / "mexico-auto-2024" / "values.json").read_bytes()
    return out


def test_every_deliverable_is_built(builds):
    a, _ = builds
    names = set(published(a))
    for lang in ("en", "es"):
        for fmt in ("html", "pdf", "docx"):
            assert f"results/mexico-auto-2024/publish/{lang}/report.{fmt}" in names
            for brief in BRIEFS:
                assert f"results/mexico-auto-2024/publish/{lang}/briefs/{brief}.{fmt}" in names
    assert "results/mexico-auto-2024/publish/manifest.json" in names
    for name in ("post_interview.sav", "post_interview.dta", "post_interview.csv", "codebook.html",
                 "codebook.csv", "disclosure.json"):
        assert f"results/mexico-auto-2024/publish/dataset/{name}" in names
    # the triangulation-only worker survey is cleaned but never published
    assert (a / "results/mexico-auto-2024/clean/worker.csv").exists()
    assert not any("worker" in n for n in names)


def test_dataset_labels_survive_a_round_trip_and_identifiers_are_gone(builds):
    a, _ = builds
    ds = a / "results/mexico-auto-2024/publish/dataset"
    sav, meta = pyreadstat.read_sav(str(ds / "post_interview.sav"), user_missing=True)
    dta, dmeta = pyreadstat.read_dta(str(ds / "post_interview.dta"), user_missing=True)
    assert len(sav) == len(dta) == 94
    assert not {"full_name", "phone", "email", "comment", "submitted"} & set(sav.columns)
    assert meta.variable_value_labels["awareness"][4.0] == "High"
    assert meta.variable_value_labels["gender"] == {1.0: "Man", 2.0: "Woman", 99.0: "Suppressed for disclosure control"}
    assert {"lo": 8.0, "hi": 8.0} in meta.missing_ranges["awareness"]
    assert dmeta.variable_value_labels["awareness"]["a"] == "Don't know"
    # the same answers in both files: the top-box share of the published survey is unchanged
    assert ((sav["violations"] >= 3) & (sav["violations"] <= 4)).sum() == 69
    assert set(sav["resp_id"].str[:15]) == {"POST-INTERVIEW-"}
    disclosure = json.loads((ds / "disclosure.json").read_text())["datasets"][0]
    assert disclosure["k_anonymous"] is True and disclosure["smallest_class"] >= 5
    assert disclosure["quasi_identifiers"] == ["stakeholder", "gender"] and "state" in disclosure["removed"]
    assert disclosure["l_diverse"] is True and disclosure["fewest_distinct_answers"] >= disclosure["l"] == 2
    csv_text = (ds / "codebook.csv").read_text(encoding="utf-8")
    assert "label_es-MX" in csv_text and "Suprimido por control de divulgación" in csv_text


def test_privacy_scan_passed_on_every_published_file(builds):
    a, _ = builds
    report = json.loads((a / "results/mexico-auto-2024/checks/privacy.json").read_text())
    assert report["passed"] is True and report["hits"] == []
    assert len(report["files_scanned"]) == 42  # report and five briefs, 3 formats, 2 languages (36) + 6 dataset files
    assert report["identifier_values"]["post_interview.full_name"] == 94
    manifest = json.loads((a / "results/mexico-auto-2024/publish/manifest.json").read_text())
    released = sorted(f"results/mexico-auto-2024/staged/{f['path']}" for f in manifest["files"])
    assert sorted(report["files_scanned"]) == released  # every released file was scanned, as staged
    html = (a / "results/mexico-auto-2024/publish/en/report.html").read_text(encoding="utf-8")
    # the post-interview dataset is published, so its tables show every count (README, "Disclosure policy")
    assert "suppressed" not in html


def test_same_inputs_same_bytes_in_two_clone_paths(builds):
    a, b = builds
    pa, pb = published(a), published(b)
    assert pa.keys() == pb.keys()
    different = [name for name in pa if pa[name] != pb[name]]
    assert different == []


def test_manifest_lists_checksums_of_published_files(builds):
    import hashlib

    a, _ = builds
    manifest = json.loads((a / "results/mexico-auto-2024/publish/manifest.json").read_text())
    assert len(manifest["files"]) == 42
    for entry in manifest["files"]:
        data = (a / "results/mexico-auto-2024/publish" / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)


def test_values_json_has_every_cited_number_with_provenance(builds):
    a, _ = builds
    doc = json.loads((a / "results/mexico-auto-2024/values.json").read_text())
    v = doc["values"]["post_interview.violations.top_box_share"]
    assert v["value"] == 0.75 and v["display"] == {"en-US": "75%", "es-MX": "75%"}
    assert v["source"]["file"] == "raw/mexico-auto-2024/post_interview_survey.sav"
    assert len(v["source"]["sha256"]) == 64 and "valid answers" in v["source"]["computation"]
    shares = [doc["values"][f"post_interview.{i}.top_box_share"]["display"]["en-US"] for i in
              ("awareness", "understanding", "organizing", "participation", "inspections",
               "coordination", "violations", "mechanisms")]
    assert shares == ["72%", "70%", "79%", "79%", "69%", "69%", "75%", "85%"]
    # every {{< meta values.x >}} in the built evaluation's sources names a value of values.json
    for qmd in (a / Context.load(a).evaluation.data["report"]).rglob("*.qmd"):
        for vid in re.findall(r"\{\{< meta values\.([\w.]+) >\}\}", qmd.read_text()):
            assert vid in doc["values"], f"{qmd}: {vid}"


def test_both_languages(builds):
    a, _ = builds
    en = (a / "results/mexico-auto-2024/publish/en/report.html").read_text(encoding="utf-8")
    es = (a / "results/mexico-auto-2024/publish/es/report.html").read_text(encoding="utf-8")
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="en-US"' in en
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="es-MX"' in es
    assert "Figure\u00a01" in en and "Figura\u00a01" in es and "Tabla\u00a01" in es
    assert "Respondieron 94 de las 179 personas participantes" in " ".join(es.split())  # pandoc wraps lines
    # alt text generated from the data, in the document's language
    alt_en = re.search(r'<img [^>]*alt="([^"]+)"', en).group(1)
    alt_es = re.search(r'<img [^>]*alt="([^"]+)"', es).group(1)
    # short: what the chart shows and its main message; the data are in the table that follows
    assert ("highest for Labor rights mechanisms (85%) and lowest for Coordination of enforcement bodies (69%). "
            "The table that follows gives every share.") in " ".join(alt_en.split())
    assert "más alto en Mecanismos de derechos laborales (85%)" in " ".join(alt_es.split())
    # one text alternative per image: no aria-label repeating the alt text
    assert not re.findall(r"<img [^>]*aria-label=", en) and not re.findall(r"<img [^>]*aria-label=", es)
    for lang, tag in (("en", "en-US"), ("es", "es-MX")):
        with pikepdf.open(a / f"results/mexico-auto-2024/publish/{lang}/report.pdf") as pdf:
            assert str(pdf.Root.Lang) == tag
        with zipfile.ZipFile(a / f"results/mexico-auto-2024/publish/{lang}/report.docx") as z:
            assert f'w:val="{tag}"' in z.read("word/styles.xml").decode()


def test_every_analysis_is_in_the_report_in_both_languages(builds):
    a, _ = builds
    en = " ".join((a / "results/mexico-auto-2024/publish/en/report.html").read_text(encoding="utf-8").split())
    es = " ".join((a / "results/mexico-auto-2024/publish/es/report.html").read_text(encoding="utf-8").split())
    alts_en = re.findall(r'<img [^>]*alt="([^"]+)"', en)
    alts_es = re.findall(r'<img [^>]*alt="([^"]+)"', es)
    # ratings, two aggregates, workshop priorities, three theory-of-change figures, two linkage annex figures
    assert len(alts_en) == len(alts_es) == 9
    assert any("aims at the most groups" in t for t in alts_en)
    assert any("ciclo de retroalimentación" in t for t in alts_es)
    assert any("1. Knowledge transfer and capacity building has the highest mean (4.55)" in t for t in alts_en)
    assert any("tiene el promedio más alto (4.55)" in t for t in alts_es)
    assert any("3,221 in all, by project" in t for t in alts_en) and any("3,221 en total" in t for t in alts_es)
    assert max(len(t) for t in alts_en + alts_es) < 450  # short alt text; the full data are in the tables
    for text in ("179", "4,494", "1,726", "53%", "Table 2", "Figure 4"):
        assert text in en, text
    assert "tasa de respuesta del 53%" in es and "Tabla 2" in es and "Figura 4" in es


def test_gate_report_is_written(builds):
    a, _ = builds
    report = json.loads((a / "results/mexico-auto-2024/checks/accessibility.json").read_text())
    assert (
        report["passed"] is True and len(report["checked"]) == 37
    )  # report and five briefs, 3 formats, 2 languages (36) + codebook
    assert report["rules"] == "wcag2a, wcag2aa, wcag21a, wcag21aa, best-practice"
    assert (a / "results/mexico-auto-2024/checks/accessibility.md").exists()
    env = json.loads((a / "results/mexico-auto-2024/checks/environment.json").read_text())
    assert env["chromium"].startswith("Chromium ") and env["axe_core"] == report["axe_version"]
    assert report["pdf_checker"] == "outloud 0.2.1" and env["python_packages"]["outloud"] == "0.2.1"
    assert all(len(doc["criteria"]) == 31 + 55 for doc in report["checked"] if doc["format"] == "pdf")


def test_the_508_report_answers_every_item_for_every_document(builds):
    a, _ = builds
    checks = a / "results/mexico-auto-2024/checks"
    conformance = json.loads((checks / "508.json").read_text(encoding="utf-8"))
    assert conformance["passed"] is True and conformance["summary"]["fail"] == 0
    assert len(conformance["documents"]) == 37
    by_id = {item["id"]: item for item in conformance["items"]}
    # every PDF: tagged (decided by the gate and outloud), colour left to a person
    assert len(by_id["PDF-1"]["results"]) == 12 and {r["status"] for r in by_id["PDF-1"]["results"].values()} == {
        "pass"
    }
    assert {r["status"] for r in by_id["PDF-12"]["results"].values()} == {"person"}
    # figures only in the reports: alt text decided there, not applicable in the briefs
    figures = by_id["HTML-1"]["results"]
    assert figures["en/report"]["status"] == figures["es/report"]["status"] == "pass"
    assert figures["en/briefs/compliance"]["status"] == "n/a"
    assert figures["dataset/codebook"]["status"] == "n/a"
    assert len(conformance["matterhorn"]) == 31
    page = (checks / "508.html").read_text(encoding="utf-8")
    assert '<html lang="en-US">' in page and "<h1>Section 508 conformance report</h1>" in page
    assert "No item failed." in page and "outloud 0.2.1" in page
    # the data are a reconstruction, and every document says so first (the gate checks the first page)
    codebook = (a / "results/mexico-auto-2024/publish/dataset/codebook.html").read_text(encoding="utf-8")
    assert "<strong>About these data</strong> These documents rebuild" in codebook
    assert "<strong>Acerca de estos datos</strong> Estos documentos reconstruyen" in codebook


def broken_copy(a: Path, tmp_path: Path, lang: str, fmt: str, edit) -> Path:
    target = tmp_path / "results" / "mexico-auto-2024" / "publish" / lang / f"report.{fmt}"
    target.parent.mkdir(parents=True, exist_ok=True)
    edit(a / f"results/mexico-auto-2024/publish/{lang}/report.{fmt}", target)
    return target


def test_gate_fails_on_our_documents_with_missing_alt_or_language(builds, tmp_path):
    a, _ = builds
    ctx = Context.load(a)

    def no_alt_html(src, dst):
        # pandoc gives embedded images both alt and aria-label: a missing text alternative lacks both
        html = re.sub(r' (alt|aria-label)="[^"]*"', "", src.read_text(encoding="utf-8"))
        dst.write_text(html, encoding="utf-8")

    def no_lang_html(src, dst):
        dst.write_text(re.sub(r' (xml:)?lang="[^"]*"', "", src.read_text(encoding="utf-8")), encoding="utf-8")

    def no_alt_docx(src, dst):
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item)
                if item.filename == "word/document.xml":
                    data = re.sub(rb'descr="[^"]*"', b'descr=""', data)
                zout.writestr(item, data)

    def no_lang_pdf(src, dst):
        with pikepdf.open(src) as pdf:
            del pdf.Root["/Lang"]
            pdf.save(dst)

    cases = [
        ("en", "html", no_alt_html, "axe:image-alt"),
        ("es", "html", no_lang_html, "html-lang"),
        ("en", "docx", no_alt_docx, "docx-image-alt"),
        ("es", "pdf", no_lang_pdf, "pdf-lang"),
    ]
    for lang, fmt, edit, check in cases:
        bad = broken_copy(a, tmp_path, lang, fmt, edit)
        report = tmp_path / "checks" / f"{check}.json"
        report.parent.mkdir(exist_ok=True)
        with pytest.raises(GateFailed) as exc:
            gate_published(ctx, [bad], {"en": "en-US", "es": "es-MX"}, report)
        assert f"[{check}]" in str(exc.value), str(exc.value)
        failed = json.loads(report.with_name(f"{check}-failed.json").read_text())
        assert failed["passed"] is False


def test_second_run_does_nothing(builds):
    a, _ = builds
    proc = snakemake(a)
    assert proc.returncode == 0
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_bad_raw_data_stops_the_build_and_leaves_no_output(builds, tmp_path):
    _, b = builds
    clone = make_clone(tmp_path / "bad")
    raw = clone / "raw/mexico-auto-2024/post_interview_survey.sav"
    df, meta = pyreadstat.read_sav(str(raw), user_missing=True)
    df.loc[6, "coordination"] = 6
    pyreadstat.write_sav(
        df,
        str(raw),
        column_labels=meta.column_names_to_labels,
        variable_value_labels=meta.variable_value_labels,
        missing_ranges={k: [r["lo"] for r in v] for k, v in meta.missing_ranges.items()},
    )
    proc = snakemake(clone)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "raw/mexico-auto-2024/post_interview_survey.sav: 1 problem(s)" in out
    assert re.search(
        r"row 7 \(resp_id 'PIS-\d{4}'\), column 'coordination': 6 is not a value of scale "
        r"'effectiveness' in the codebook; expected one of 1 \(low\)",
        out,
    )
    assert not (clone / "results/mexico-auto-2024/clean/post_interview.csv").exists()
    assert not (clone / "results/mexico-auto-2024/publish").exists()


def test_every_internal_link_and_cross_reference_resolves(builds):
    """Cross-references (@tbl-…, @fig-…) and links within a document point at an element that
    exists, in every published HTML document of both languages; links between documents point at
    published files."""
    a, _ = builds
    pub = a / "results/mexico-auto-2024/publish"
    pages = sorted(pub.glob("*/**/*.html"))
    assert len(pages) == 13  # report and five briefs in two languages, and the codebook
    for page in pages:
        text = page.read_text(encoding="utf-8")
        ids = set(re.findall(r'\sid="([^"]+)"', text))
        local = set(re.findall(r'href="#([^"]+)"', text))
        assert local, page
        assert local <= ids, f"{page.relative_to(pub)}: no element for {sorted(local - ids)[:5]}"
        assert "??" not in re.sub(r"<[^>]+>", "", text)
        for href in re.findall(r'href="([^":#]+\.(?:html|pdf|docx))"', text):
            assert (page.parent / href).resolve().is_file(), f"{page.relative_to(pub)}: {href}"


def test_html_pages_have_one_h1_a_main_a_skip_link_and_the_other_language(builds):
    """What a screen-reader and keyboard user needs on every page (the gate also runs axe-core's
    best-practice rules and checks reflow at 320 CSS px)."""
    a, _ = builds
    pub = a / "results/mexico-auto-2024/publish"
    pages = sorted(p for p in pub.glob("*/**/*.html") if p.parts[-2] != "dataset")
    assert len(pages) == 12
    for page in pages:
        html_text = page.read_text(encoding="utf-8")
        rel = page.relative_to(pub)
        assert html_text.count("<h1") == 1, rel
        assert html_text.count('<main id="main">') == 1 and '<a class="skip-link" href="#main">' in html_text, rel
        assert (
            re.search(r'<nav id="TOC" role="doc-toc" aria-label(ledby)?="[^"]+"', html_text) or "<nav" not in html_text
        )
        other = "es" if rel.parts[0] == "en" else "en"
        link = re.search(r'<p class="other-languages"><a href="([^"]+)" hreflang="([^"]+)"', html_text)
        assert link and link.group(2).startswith(other), rel
        assert (page.parent / link.group(1)).resolve() == (pub / other / Path(*rel.parts[1:])).resolve()
        regions = re.findall(
            r'<div class="table-scroll" role="region" tabindex="0"\s+aria-label="[^"]+">\n<table', html_text
        )
        assert len(regions) == html_text.count("<table") > 0, rel
