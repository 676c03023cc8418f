"""Tests for the accessibility gate (evalkit.checks.accessibility).

Everything here uses real documents built on the fly (Typst PDFs, pandoc
DOCX files, hand-written HTML rendered in headless Chromium with axe-core);
nothing is mocked. One browser is shared by the HTML tests.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pypandoc
import pytest
import typst

from evalkit.checks.browser import AxeCoreNotFoundError, open_browser
from evalkit.checks.docx import check_docx
from evalkit.checks.findings import Finding
from evalkit.checks.gate import AccessibilityGateError, run_gate
from evalkit.checks.html import RULES, check_html
from evalkit.checks.pdf import check_pdf

# --------------------------------------------------------------------------
# Fixture builders
# --------------------------------------------------------------------------


def tiny_png(width: int = 4, height: int = 4) -> bytes:
    """A valid RGB PNG (solid red), built from raw bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PNG_URI = "data:image/png;base64," + base64.b64encode(tiny_png()).decode("ascii")


def html_page(
    *, lang: str | None = "en-US", title: str = "Quarterly results", img_alt: str | None = "A red square"
) -> str:
    lang_attr = f' lang="{lang}"' if lang is not None else ""
    alt_attr = f' alt="{img_alt}"' if img_alt is not None else ""
    return f"""<!DOCTYPE html>
<html{lang_attr}>
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<main>
<h1>{title}</h1>
<p>Participation rose in every region.</p>
<img src="{PNG_URI}"{alt_attr} width="40" height="40">
<table>
<caption>Participants by region</caption>
<thead><tr><th scope="col">Region</th><th scope="col">Participants</th></tr></thead>
<tbody><tr><td>North</td><td>120</td></tr><tr><td>South</td><td>95</td></tr></tbody>
</table>
</main>
</body>
</html>
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


GOOD_TYP = """#set document(title: [Informe trimestral])
#set text(lang: "es", region: "MX")
= Resultados
La participación aumentó en todas las regiones.
#figure(image("fig.png", alt: "Un cuadrado rojo", width: 2cm), caption: [Participación por región])
"""

PLAIN_TYP = """= Results
Participation rose.
#image("fig.png", width: 2cm)
"""


def typst_pdf(folder: Path, name: str, source: str, *, ua: bool) -> Path:
    (folder / "fig.png").write_bytes(tiny_png())
    typ = write(folder / f"{name}.typ", source)
    out = folder / f"{name}.pdf"
    kwargs = {"pdf_standards": ["ua-1"]} if ua else {}
    typst.compile(str(typ), output=str(out), ignore_system_fonts=True, timestamp=0, **kwargs)
    return out


def pandoc_docx(folder: Path, name: str, *, alt: str = "A red square", lang: str | None = "en-US") -> Path:
    png = folder / "fig.png"
    png.write_bytes(tiny_png())
    markdown = f"""# Results

Participation rose in every region.

![{alt}]({png.as_posix()})

| Region | Participants |
|--------|-------------:|
| North  |          120 |
| South  |           95 |
"""
    out = folder / f"{name}.docx"
    extra = ["--metadata=title:Quarterly results"]
    if lang is not None:
        extra.append(f"--metadata=lang:{lang}")
    pypandoc.convert_text(markdown, "docx", format="markdown", outputfile=str(out), extra_args=extra)
    return out


def rewrite_docx_part(src: Path, dst: Path, part: str, edit) -> Path:
    """Copy ``src`` to ``dst`` with ``edit(str) -> str`` applied to one part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)
    return dst


def checks(findings: list[Finding]) -> set[str]:
    return {f.check for f in findings}


# --------------------------------------------------------------------------
# Shared fixtures
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with open_browser() as b:
        yield b


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Documents shared by several tests (built once per module)."""
    folder = tmp_path_factory.mktemp("docs")
    return {
        "html": write(folder / "good.html", html_page()),
        "html_noalt": write(folder / "noalt.html", html_page(img_alt=None)),
        "pdf": typst_pdf(folder, "good", GOOD_TYP, ua=True),
        "pdf_plain": typst_pdf(folder, "plain", PLAIN_TYP, ua=False),
        "docx": pandoc_docx(folder, "good"),
        "docx_noalt": pandoc_docx(folder, "noalt", alt=""),
        "docx_nolang": pandoc_docx(folder, "nolang", lang=None),
    }


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


def test_html_good_page_has_no_findings(browser, docs):
    assert check_html(docs["html"], "en-US", title="Quarterly results", browser=browser) == []


def test_html_lang_is_case_insensitive(browser, tmp_path):
    page = write(tmp_path / "p.html", html_page(lang="en-us"))
    assert check_html(page, "en-US", browser=browser) == []


def test_html_image_without_alt(browser, docs):
    findings = check_html(docs["html_noalt"], "en-US", browser=browser)
    assert checks(findings) == {"axe:image-alt"}
    (finding,) = findings
    assert finding.file == str(docs["html_noalt"])
    assert finding.where == "img"
    assert "alternative text" in finding.message and "alt attribute" in finding.message
    assert "\n" not in finding.message


def test_html_without_lang(browser, tmp_path):
    page = write(tmp_path / "nolang.html", html_page(lang=None))
    found = checks(check_html(page, "en-US", browser=browser))
    assert {"html-lang", "axe:html-has-lang"} <= found


def test_html_wrong_lang(browser, docs):
    findings = check_html(docs["html"], "es-MX", browser=browser)
    assert checks(findings) == {"html-lang"}
    assert "es-MX" in findings[0].message and "en-US" in findings[0].message


def test_html_title_mismatch_and_empty_title(browser, tmp_path):
    assert checks(check_html(write(tmp_path / "a.html", html_page()), "en-US", "Other", browser=browser)) == {
        "html-title"
    }
    empty = write(tmp_path / "b.html", html_page(title=" "))
    assert "html-title" in checks(check_html(empty, "en-US", browser=browser))


def test_html_without_shared_browser_even_when_one_is_open(browser, docs):
    # check_html launches its own browser; nesting inside open_browser() works.
    assert checks(check_html(docs["html_noalt"], "en-US")) == {"axe:image-alt"}


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def test_typst_ua1_pdf_passes(docs):
    assert check_pdf(docs["pdf"], "es-MX") == []
    assert check_pdf(docs["pdf"], "es-mx", title="Informe trimestral") == []


def test_typst_ua1_pdf_facts(docs):
    """Record what Typst's PDF/UA-1 output contains (what the gate relies on)."""
    with pikepdf.open(docs["pdf"]) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "es-MX"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert root.MarkInfo.Marked is True
        assert str(root.Outlines.First.Title) == "Resultados"
        meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
        assert str(pdf.docinfo.Title) == "Informe trimestral"


def test_pdf_wrong_lang_and_title(docs):
    findings = check_pdf(docs["pdf"], "en-US", title="Quarterly report")
    assert checks(findings) == {"pdf-lang", "pdf-title"}
    # The title is declared twice (info dict and XMP); both mismatch.
    assert sorted(f.where for f in findings if f.check == "pdf-title") == ["/Info/Title", "XMP dc:title"]


def test_plain_typst_pdf_without_ua_and_lang(docs):
    findings = check_pdf(docs["pdf_plain"], "en-US")
    found = checks(findings)
    # Typst defaults /Lang to "en"; it is tagged and has bookmarks, but no
    # title, no DisplayDocTitle, no PDF/UA id and an image without /Alt.
    assert found == {"pdf-lang", "pdf-ua-id", "pdf-title", "pdf-display-doc-title", "pdf-figure-alt"}
    lang = next(f for f in findings if f.check == "pdf-lang")
    assert "'en'" in lang.message and "en-US" in lang.message
    alt = next(f for f in findings if f.check == "pdf-figure-alt")
    assert alt.where.startswith("/StructTreeRoot/Document[0]/Figure[")


def test_pdf_without_headings_has_no_bookmarks(tmp_path):
    source = '#set document(title: [T])\n#set text(lang: "es", region: "MX")\nSolo texto.\n'
    pdf = typst_pdf(tmp_path, "nohead", source, ua=True)
    assert checks(check_pdf(pdf, "es-MX")) == {"pdf-outlines"}


def _figure(pdf: pikepdf.Pdf) -> tuple[pikepdf.Dictionary, pikepdf.Dictionary]:
    """The first /Figure structure element of a Typst PDF and its parent."""
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                if kid.S == "/Figure":
                    return kid, node
                stack.append(kid)
    raise AssertionError("no /Figure in the structure tree")


def test_pdf_figure_alt_through_rolemap_and_untagged(docs, tmp_path):
    out = tmp_path / "rolemap.pdf"
    with pikepdf.open(docs["pdf"]) as pdf:
        figure, _ = _figure(pdf)
        figure.S = pikepdf.Name("/Chart")
        del figure["/Alt"]
        pdf.Root.StructTreeRoot.RoleMap[pikepdf.Name("/Chart")] = pikepdf.Name("/Figure")
        del pdf.Root["/MarkInfo"]
        pdf.save(out)
    findings = check_pdf(out, "es-MX")
    assert checks(findings) == {"pdf-figure-alt", "pdf-tagged"}
    alt = next(f for f in findings if f.check == "pdf-figure-alt")
    assert "/Chart -> /Figure" in alt.message and "/Chart[" in alt.where


def test_pdf_struct_tree_cycle_terminates(docs, tmp_path):
    out = tmp_path / "cycle.pdf"
    with pikepdf.open(docs["pdf"]) as pdf:
        figure, parent = _figure(pdf)
        # Make the figure list its own parent (and itself) as children.
        figure.K = pikepdf.Array([parent, figure, 0])
        pdf.save(out)
    assert check_pdf(out, "es-MX") == []


def test_pdf_unreadable(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    assert checks(check_pdf(bad, "en-US")) == {"pdf-open"}


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------


def test_pandoc_docx_passes(docs):
    assert check_docx(docs["docx"], "en-US") == []
    assert check_docx(docs["docx"], "en-us", title="Quarterly results") == []


def test_pandoc_docx_facts(docs):
    """Record what pandoc's DOCX contains (what the gate relies on)."""
    with zipfile.ZipFile(docs["docx"]) as z:
        document = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
    assert re.search(r'<wp:docPr descr="A red square"', document)
    assert '<w:tblHeader w:val="on" />' in document
    assert re.search(r'<w:rPrDefault>\s*<w:rPr>.*?<w:lang [^>]*w:val="en-US"', styles, re.S)


def test_docx_image_with_empty_alt(docs):
    findings = check_docx(docs["docx_noalt"], "en-US")
    assert checks(findings) == {"docx-image-alt"}
    assert findings[0].where.startswith("word/document.xml wp:docPr[1]")
    assert "empty descr" in findings[0].message


def test_docx_without_lang(docs, tmp_path):
    # Without lang metadata pandoc keeps its reference.docx default (en-US),
    # so it fails for any other language...
    findings = check_docx(docs["docx_nolang"], "es-MX")
    assert checks(findings) == {"docx-lang"}
    assert any("'en-US'" in f.message for f in findings)
    # pandoc's styles.xml says en-US even without a language, but it writes dc:language only
    # when the document declares one: a DOCX without a language fails for English too.
    findings = check_docx(docs["docx_nolang"], "en-US")
    assert [(f.check, f.where) for f in findings] == [("docx-lang", "docProps/core.xml dc:language")]
    # ...and with no w:lang at all it fails for every language.
    stripped = rewrite_docx_part(
        docs["docx_nolang"], tmp_path / "stripped.docx", "word/styles.xml", lambda x: re.sub(r"<w:lang [^>]*/>", "", x)
    )
    findings = check_docx(stripped, "en-US")
    assert checks(findings) == {"docx-lang"}
    assert all("found none" in f.message for f in findings)


def test_docx_core_language_must_agree(docs, tmp_path):
    wrong = rewrite_docx_part(
        docs["docx"],
        tmp_path / "core.docx",
        "docProps/core.xml",
        lambda x: x.replace("<dc:language>en-US<", "<dc:language>fr-FR<"),
    )
    findings = check_docx(wrong, "en-US")
    assert [(f.check, f.where) for f in findings] == [("docx-lang", "docProps/core.xml dc:language")]


def test_docx_table_without_header_row(docs, tmp_path):
    no_header = rewrite_docx_part(
        docs["docx"], tmp_path / "nohdr.docx", "word/document.xml", lambda x: re.sub(r"<w:tblHeader[^>]*/>", "", x)
    )
    findings = check_docx(no_header, "en-US")
    assert checks(findings) == {"docx-table-header"}
    assert findings[0].where == "word/document.xml w:tbl[1] first w:tr"
    off = rewrite_docx_part(
        docs["docx"],
        tmp_path / "off.docx",
        "word/document.xml",
        lambda x: x.replace('<w:tblHeader w:val="on" />', '<w:tblHeader w:val="false" />'),
    )
    assert checks(check_docx(off, "en-US")) == {"docx-table-header"}


def test_docx_title(docs, tmp_path):
    assert checks(check_docx(docs["docx"], "en-US", title="Another title")) == {"docx-title"}
    untitled = rewrite_docx_part(
        docs["docx"],
        tmp_path / "untitled.docx",
        "docProps/core.xml",
        lambda x: re.sub(r"<dc:title>[^<]*<", "<dc:title><", x),
    )
    assert checks(check_docx(untitled, "en-US")) == {"docx-title"}


# --------------------------------------------------------------------------
# run_gate
# --------------------------------------------------------------------------


def good_batch(docs: dict[str, Path]) -> list[dict]:
    return [
        {"path": str(docs["html"]), "format": "html", "lang": "en-US", "title": "Quarterly results"},
        {"path": str(docs["pdf"]), "format": "pdf", "lang": "es-MX", "title": "Informe trimestral"},
        {"path": str(docs["docx"]), "format": "docx", "lang": "en-US", "title": None},
    ]


def test_run_gate_passes_and_is_deterministic(docs, tmp_path):
    report_path = tmp_path / "out" / "a11y.json"
    report = run_gate(good_batch(docs), report_path)
    assert report["passed"] is True
    assert report["rules"] == RULES == "wcag2a, wcag2aa, wcag21a, wcag21aa"
    assert report["axe_version"] == "4.14.1"
    assert [c["path"] for c in report["checked"]] == [d["path"] for d in good_batch(docs)]
    assert all(c["findings"] == [] for c in report["checked"])

    first = report_path.read_bytes()
    assert json.loads(first) == report
    assert first == json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False).encode() + b"\n"
    md = report_path.with_suffix(".md").read_text(encoding="utf-8")
    assert "PASSED" in md and str(docs["pdf"]) in md

    run_gate(good_batch(docs), report_path)
    assert report_path.read_bytes() == first
    # Atomic writes leave no temporary files behind.
    assert sorted(p.name for p in report_path.parent.iterdir()) == ["a11y.json", "a11y.md"]


def test_run_gate_fails_and_still_writes_reports(docs, tmp_path):
    report_path = tmp_path / "a11y.json"
    batch = [
        *good_batch(docs),
        {"path": str(docs["html_noalt"]), "format": "html", "lang": "en-US", "title": None},
        {"path": str(docs["docx_noalt"]), "format": "docx", "lang": "en-US", "title": None},
        {"path": str(tmp_path / "missing.pdf"), "format": "pdf", "lang": "en-US", "title": None},
    ]
    with pytest.raises(AccessibilityGateError) as excinfo:
        run_gate(batch, report_path)
    err = excinfo.value
    text = str(err)
    lines = text.splitlines()
    assert len(lines) == 1 + len(err.findings) == 4
    assert f"{docs['html_noalt']}: [axe:image-alt]" in text
    assert f"{docs['docx_noalt']}: [docx-image-alt]" in text
    assert f"{tmp_path / 'missing.pdf'}: [file-missing]" in text
    assert err.report_path == str(report_path)

    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["passed"] is False
    by_path = {c["path"]: c for c in report["checked"]}
    assert by_path[str(docs["html"])]["findings"] == []
    assert [f["check"] for f in by_path[str(docs["html_noalt"])]["findings"]] == ["axe:image-alt"]
    assert set(report["checked"][3]["findings"][0]) == {"file", "check", "where", "message"}
    md = report_path.with_suffix(".md").read_text(encoding="utf-8")
    assert "FAILED" in md and "`axe:image-alt`" in md and "`docx-image-alt`" in md


def test_run_gate_without_html_does_not_start_chromium(docs, tmp_path, monkeypatch):
    # Point both tools at nothing: any attempt to use them would fail.
    monkeypatch.setenv("EVALKIT_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("EVALKIT_AXE_JS", str(tmp_path / "no-axe.js"))
    report = run_gate(good_batch(docs)[1:], tmp_path / "r.json")
    assert report["passed"] is True and report["axe_version"] is None


def test_run_gate_missing_axe_says_npm_ci(docs, tmp_path, monkeypatch):
    monkeypatch.setenv("EVALKIT_AXE_JS", str(tmp_path / "no-axe.js"))
    with pytest.raises(AxeCoreNotFoundError, match="npm ci"):
        run_gate(good_batch(docs), tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


def test_run_gate_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="format"):
        run_gate([{"path": "x.odt", "format": "odt", "lang": "en-US"}], tmp_path / "r.json")
    with pytest.raises(ValueError, match="lang"):
        run_gate([{"path": "x.pdf", "format": "pdf", "lang": ""}], tmp_path / "r.json")


def test_documents_checked_in_one_tab_are_checked_as_each_alone(tmp_path):
    """The gate loads its HTML documents one after the other into one page (evalkit.checks.browser.Tab):
    a document's findings and rule outcomes are those it has when checked alone (the page is back at
    its own viewport after the reflow check, and nothing of the last document is left)."""
    wide = html_page(title="Wide").replace("<p>Participation", '<p style="width: 900px">Participation')
    pages = {"wide": wide, "no-alt": html_page(title="No alt", img_alt=None), "good": html_page(title="Good")}
    docs = [{"path": str(write(tmp_path / f"{name}.html", text)), "format": "html", "lang": "en-US",
             "title": text.split("<title>")[1].split("<")[0]} for name, text in pages.items()]

    def entries(batch, name):
        try:
            return run_gate(batch, tmp_path / f"{name}.json")["checked"]
        except AccessibilityGateError:
            return json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))["checked"]

    together = entries(docs, "together")
    alone = [entry for i, doc in enumerate(docs) for entry in entries([doc], f"alone-{i}")]
    assert together == alone
    assert [len(e["findings"]) > 0 for e in together] == [True, True, False]
    assert {f["check"] for f in together[0]["findings"]} == {"html-reflow"}
