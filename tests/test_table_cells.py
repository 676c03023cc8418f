"""Table cells stay table cells in the PDF: Typst reads the start of a cell as the start of a line,
so a cell beginning "6. Resource use" (or "- ", "= ") turned into a list, split on the page and in
the tag tree, while HTML and DOCX were intact. The embedded renderer's filter escapes the marker,
and the gate fails any PDF with a list inside a table cell."""

from __future__ import annotations

from pathlib import Path

import pypandoc
import pytest
import typst

from evalkit.checks.pdf import check_pdf
from evalkit.render.embedded import LUA_FILTER, TYPST_HEADER

TABLE = """---
title: Cells
lang: en-US
---

| Criterion | Categories |
|---|---|
| 6. Resource use | 1. Knowing the law, 4. Compliance |
| - a dash | = an equals sign |
| 10) Ten | / a slash |

: Criteria {#tbl-criteria}
"""


def pdf_of(tmp_path: Path, with_filter: bool) -> Path:
    src = tmp_path / "cells.md"
    # without the escape, '/ a slash' at a cell's start does not even compile (a term without a colon)
    src.write_text(TABLE if with_filter else TABLE.replace("| 10) Ten | / a slash |\n", ""), encoding="utf-8")
    args = ["--standalone", "--include-in-header", str(TYPST_HEADER)]
    if with_filter:
        args += ["--lua-filter", str(LUA_FILTER)]
    typ = tmp_path / f"cells-{with_filter}.typ"
    pypandoc.convert_file(str(src), "typst", format="markdown", outputfile=str(typ), extra_args=args)
    pdf = tmp_path / f"cells-{with_filter}.pdf"
    pdf.write_bytes(typst.compile(str(typ), root="/", pdf_standards=["ua-1"], ignore_system_fonts=True))
    return pdf


def cell_lists(pdf: Path) -> list[str]:
    return [f.where for f in check_pdf(pdf, "en-US") if f.check == "pdf-table-cell-list"]


def test_without_the_escape_typst_turns_cell_text_into_lists(tmp_path):
    assert len(cell_lists(pdf_of(tmp_path, with_filter=False))) >= 3  # the defect the gate now catches


def test_cells_starting_with_list_markers_stay_text(tmp_path):
    pdf = pdf_of(tmp_path, with_filter=True)
    assert cell_lists(pdf) == []
    from pypdf import PdfReader

    text = " ".join(PdfReader(str(pdf)).pages[0].extract_text().split())
    for cell in ("6. Resource use", "1. Knowing the law, 4. Compliance", "- a dash", "= an equals sign", "10) Ten",
                 "/ a slash"):
        assert cell in text


def test_cell_text_never_reaches_typst_as_code(tmp_path):
    """Only the marker's punctuation is raw Typst: the rest of the cell is escaped as usual."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    src = tmp_path / "x.md"
    src.write_text(f'| A | B |\n|---|---|\n| -#read("{secret}") | /#sys.version |\n| 6.#panic() | -$5 |\n',
                   encoding="utf-8")
    typ = pypandoc.convert_file(str(src), "typst", format="markdown", extra_args=["--lua-filter", str(LUA_FILTER)])
    assert "\\-\\#read(" in typ and "\\/\\#sys" in typ and "6\\.\\#panic" in typ and "\\-\\$5" in typ
    pdf = typst.compile(typ.encode(), root="/", ignore_system_fonts=True)
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "TOP-SECRET-CONTENT" not in text and "#read(" in text


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_built_reports_have_no_list_in_a_table_cell(builds, lang):
    a, _ = builds
    pdf = a / f"results/mexico-auto-2024/publish/{lang}/report.pdf"
    assert [f for f in check_pdf(pdf, f"{lang}-{'US' if lang == 'en' else 'MX'}")
            if f.check == "pdf-table-cell-list"] == []


# --- the same cell text in every format (evalkit.checks.tables, run by the gate) ------------------

def three_formats(tmp_path: Path, markdown: str, name: str = "cells") -> dict[str, Path]:
    """HTML, PDF (through the embedded renderer's filter and header) and DOCX of one Markdown source."""
    src = tmp_path / f"{name}.md"
    src.write_text(markdown, encoding="utf-8")
    out = {fmt: tmp_path / f"{name}.{fmt}" for fmt in ("html", "docx")}
    for fmt, path in out.items():
        pypandoc.convert_file(str(src), fmt, format="markdown", outputfile=str(path), extra_args=["--standalone"])
    typ = tmp_path / f"{name}.typ"
    pypandoc.convert_file(str(src), "typst", format="markdown", outputfile=str(typ),
                          extra_args=["--standalone", "--include-in-header", str(TYPST_HEADER),
                                      "--lua-filter", str(LUA_FILTER)])
    out["pdf"] = tmp_path / f"{name}.pdf"
    out["pdf"].write_bytes(typst.compile(str(typ), root="/", pdf_standards=["ua-1"], ignore_system_fonts=True))
    return out


def test_every_format_reads_the_same_cells(tmp_path):
    from evalkit.checks.tables import (
        compare_tables,
        docx_tables,
        html_tables,
        pdf_tables,
    )

    docs = three_formats(tmp_path, TABLE)
    want = [["Criterion", "Categories"], ["6. Resource use", "1. Knowing the law, 4. Compliance"],
            ["- a dash", "= an equals sign"], ["10) Ten", "/ a slash"]]
    assert html_tables(docs["html"]) == docx_tables(docs["docx"]) == pdf_tables(docs["pdf"]) == [want]
    assert compare_tables(docs) == []


def test_a_cell_that_differs_between_formats_fails_the_gate(tmp_path):
    from evalkit.checks.gate import AccessibilityGateError, run_gate
    from evalkit.checks.tables import compare_tables

    docs = three_formats(tmp_path, TABLE)
    # a PDF whose renderer lost the start of a cell, and a DOCX without the table
    (tmp_path / "other").mkdir()
    other = three_formats(tmp_path / "other", TABLE.replace("| 6. Resource use |", "| Resource use |"), "lost")
    empty = three_formats(tmp_path / "other", TABLE.split("\n\n|")[0] + "\n\nNo table.\n", "empty")
    docs["pdf"].write_bytes(other["pdf"].read_bytes())
    docs["docx"].write_bytes(empty["docx"].read_bytes())
    findings = compare_tables(docs)
    assert [(f.file, f.where, f.message) for f in findings] == [
        (
            str(docs["pdf"]),
            "table 1, row 2, cell 1",
            "expected the HTML's cell text '6. Resource use', found 'Resource use'",
        ),
        (str(docs["docx"]), "document", "expected 1 table(s) as in the HTML, found 0"),
    ]
    batch = [
        {"path": str(p), "format": fmt, "lang": "en-US", "title": "Cells", "document": "cells"}
        for fmt, p in docs.items()
    ]
    with pytest.raises(AccessibilityGateError, match=r"\[table-cells\] table 1, row 2, cell 1"):
        run_gate(batch, tmp_path / "gate.json")
