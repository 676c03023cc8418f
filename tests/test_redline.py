"""Redline DOCX: native Word tracked changes between two drafts of the report text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from evalkit.checks.docx import check_docx
from evalkit.review.redline_docx import redline_docx

ROOT = Path(__file__).resolve().parents[1]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
AUTHOR = "Review Team"
DATE = "2024-09-15"
W_DATE = "2024-09-15T00:00:00Z"
NBSP = "\u00a0"

OLD = """# How the evaluation collected its data

The team held 49 key informant interviews with 179 participants.

This paragraph about the pilot phase is dropped from the next draft.

## Results of the survey

@tbl-ratings gives the shares and @fig-ratings shows them.

| Item | Share |
|:---------|-----:|
| Awareness | 72% |
| Inspections | 69% |

: Share rated effective {#tbl-ratings}

![Ratings by item](figures/ratings.png){#fig-ratings fig-alt="Bar chart: Awareness 72%, Inspections 69%."}

The last paragraph stays as it is.
"""

NEW = """# How the evaluation collected its data

The team held 52 key informant interviews with 179 participants.

## Main results of the survey

@tbl-ratings gives the shares and @fig-ratings shows them.

| Item | Share |
|:---------|-----:|
| Awareness | 74% |
| Inspections | 69% |

: Share rated effective {#tbl-ratings}

![Ratings by item](figures/ratings.png){#fig-ratings fig-alt="Bar chart: Awareness 74%, Inspections 69%."}

A new paragraph explains the change in awareness.

The last paragraph stays as it is.
"""


def _build(tmp_path: Path, old: str = OLD, new: str = NEW, lang: str = "en-US", name: str = "redline.docx",
           title: str = "Report: changes between drafts"):
    out = tmp_path / name
    summary = redline_docx(old, new, out, lang, title, AUTHOR, DATE)
    return out, summary


def _document(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def _text(el: etree._Element, tag: str = "t") -> str:
    return "".join(el.xpath(f".//w:{tag}/text()", namespaces=NS))


def _paragraph_with(root: etree._Element, text: str) -> etree._Element:
    """The body paragraph whose visible-or-deleted text contains ``text``."""
    for p in root.iter(f"{{{W}}}p"):
        if text in _text(p, "t") or text in _text(p, "delText"):
            return p
    raise AssertionError(f"no paragraph contains {text!r}")


def _revs(el: etree._Element, tag: str) -> list[etree._Element]:
    """Run-level revisions (w:ins / w:del that wrap runs)."""
    return [r for r in el.iter(f"{{{W}}}{tag}") if r.find(f"{{{W}}}r") is not None]


def test_changed_word_is_deleted_and_inserted_in_place(tmp_path):
    out, _ = _build(tmp_path)
    p = _paragraph_with(_document(out), "key informant interviews")
    dels, inss = _revs(p, "del"), _revs(p, "ins")
    assert [_text(d, "delText") for d in dels] == ["49"]
    assert [_text(i) for i in inss] == ["52"]
    # Deleted text is only in w:delText; the unchanged words are plain runs.
    assert not dels[0].xpath(".//w:t", namespaces=NS)
    assert _text(p) == "The team held 52 key informant interviews with 179 participants."
    assert _text(p, "delText") == "49"
    # No paragraph-mark revision on a paragraph that is only edited.
    assert not p.xpath("./w:pPr/w:rPr/w:ins|./w:pPr/w:rPr/w:del", namespaces=NS)


def test_inserted_and_deleted_paragraphs_are_tracked_with_their_marks(tmp_path):
    out, summary = _build(tmp_path)
    root = _document(out)
    deleted = _paragraph_with(root, "pilot phase")
    assert deleted.xpath("./w:pPr/w:rPr/w:del", namespaces=NS)
    assert _text(deleted, "delText") == "This paragraph about the pilot phase is dropped from the next draft."
    assert _text(deleted) == ""
    assert all(r.getparent().tag == f"{{{W}}}del" for r in deleted.findall(f".//{{{W}}}r"))

    inserted = _paragraph_with(root, "A new paragraph")
    assert inserted.xpath("./w:pPr/w:rPr/w:ins", namespaces=NS)
    assert [_text(i) for i in _revs(inserted, "ins")] == ["A new paragraph explains the change in awareness."]
    assert not inserted.xpath(".//w:delText", namespaces=NS)

    untouched = _paragraph_with(root, "The last paragraph stays")
    assert not untouched.xpath(".//w:ins|.//w:del", namespaces=NS)
    assert summary.inserted == 1 and summary.deleted == 1


def test_changed_heading_keeps_heading_style(tmp_path):
    out, _ = _build(tmp_path)
    root = _document(out)
    heading = _paragraph_with(root, "of the survey")
    assert heading.xpath("string(./w:pPr/w:pStyle/@w:val)", namespaces=NS) == "Heading2"
    assert [_text(d, "delText") for d in _revs(heading, "del")] == ["Results"]
    assert [_text(i) for i in _revs(heading, "ins")] == ["Main results"]
    top = _paragraph_with(root, "How the evaluation collected")
    assert top.xpath("string(./w:pPr/w:pStyle/@w:val)", namespaces=NS) == "Heading1"
    title = root.find(f".//{{{W}}}p")
    assert title.xpath("string(./w:pPr/w:pStyle/@w:val)", namespaces=NS) == "Title"


def test_heading_level_change_is_a_tracked_property_change(tmp_path):
    out, summary = _build(tmp_path, "# Results\n\nText.\n", "## Results\n\nText.\n")
    p = _paragraph_with(_document(out), "Results")
    assert p.xpath("string(./w:pPr/w:pStyle/@w:val)", namespaces=NS) == "Heading2"
    change = p.find(f"./{{{W}}}pPr/{{{W}}}pPrChange")
    assert change is not None
    assert change.xpath("string(./w:pPr/w:pStyle/@w:val)", namespaces=NS) == "Heading1"
    assert change.get(f"{{{W}}}author") == AUTHOR and change.get(f"{{{W}}}date") == W_DATE
    assert not _revs(p, "ins") and not _revs(p, "del")
    assert summary.changed == 1


def test_table_is_a_real_table_with_header_row_and_tracked_cell(tmp_path):
    out, _ = _build(tmp_path)
    root = _document(out)
    tables = root.findall(f".//{{{W}}}tbl")
    assert len(tables) == 1
    rows = tables[0].findall(f"{{{W}}}tr")
    assert len(rows) == 3
    assert rows[0].find(f"{{{W}}}trPr/{{{W}}}tblHeader") is not None
    assert [_text(c) for c in rows[0].findall(f"{{{W}}}tc")] == ["Item", "Share"]
    cells = rows[1].findall(f"{{{W}}}tc")
    assert _text(cells[0]) == "Awareness" and not cells[0].xpath(".//w:ins|.//w:del", namespaces=NS)
    assert [_text(d, "delText") for d in _revs(cells[1], "del")] == ["72%"]
    assert [_text(i) for i in _revs(cells[1], "ins")] == ["74%"]
    assert not rows[2].xpath(".//w:ins|.//w:del", namespaces=NS)
    # Right-aligned number column as in the pipe table.
    assert cells[1].xpath("string(.//w:pPr/w:jc/@w:val)", namespaces=NS) == "right"
    caption = _paragraph_with(root, "Share rated effective")
    assert _text(caption) == f"Table{NBSP}1: Share rated effective"
    assert caption.xpath("string(./w:pPr/w:pStyle/@w:val)", namespaces=NS) == "Caption"


def test_inserted_and_deleted_rows_and_reshaped_tables(tmp_path):
    old = "| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\n| X | Y | Z |\n|---|---|---|\n| 1 | 2 | 3 |\n"
    new = "| A | B |\n|---|---|\n| 1 | 2 |\n| 5 | 6 |\n| 3 | 4 |\n\n| X | Y |\n|---|---|\n| 1 | 2 |\n"
    out, _ = _build(tmp_path, old, new)
    tables = _document(out).findall(f".//{{{W}}}tbl")
    assert len(tables) == 3  # the first table edited, the three-column one deleted, its successor inserted
    rows = tables[0].findall(f"{{{W}}}tr")
    assert [_text(r) or _text(r, "delText") for r in rows] == ["AB", "12", "56", "34"]
    added = rows[2]
    assert added.find(f"{{{W}}}trPr/{{{W}}}ins") is not None
    assert all(p.xpath("./w:pPr/w:rPr/w:ins", namespaces=NS) for p in added.iter(f"{{{W}}}p"))
    assert "".join(_text(i) for i in _revs(added, "ins")) == "56"
    for tbl, tag in ((tables[1], "del"), (tables[2], "ins")):
        first = tbl.find(f"{{{W}}}tr")
        assert first.find(f"{{{W}}}trPr/{{{W}}}tblHeader") is not None
        assert all(r.find(f"{{{W}}}trPr/{{{W}}}{tag}") is not None for r in tbl.findall(f"{{{W}}}tr"))
    assert _text(tables[1], "delText") == "XYZ123" and _text(tables[1]) == ""
    assert _text(tables[2]) == "XY12"


def test_images_become_caption_paragraphs_and_references_are_resolved(tmp_path):
    out, _ = _build(tmp_path)
    root = _document(out)
    assert not root.xpath("//w:drawing|//w:pict", namespaces=NS)
    with zipfile.ZipFile(out) as zf:
        assert not [n for n in zf.namelist() if n.startswith("word/media/") or n.endswith((".png", ".jpeg"))]
    cap = _paragraph_with(root, "[Image:")
    assert _text(cap) == f"[Image: Figure{NBSP}1: Ratings by item]"
    desc = _paragraph_with(root, "[Image description:")
    assert _text(desc) == "[Image description: Bar chart: Awareness 74%, Inspections 69%.]"
    assert [_text(d, "delText") for d in _revs(desc, "del")] == ["72%"]
    ref = _paragraph_with(root, "gives the shares")
    assert _text(ref) == f"Table{NBSP}1 gives the shares and Figure{NBSP}1 shows them."


def test_every_revision_has_id_author_and_date(tmp_path):
    out, summary = _build(tmp_path)
    root = _document(out)
    marks = root.xpath("//w:ins|//w:del|//w:pPrChange", namespaces=NS)
    assert marks and len(marks) == summary.revisions
    ids = [m.get(f"{{{W}}}id") for m in marks]
    assert all(ids) and len(set(ids)) == len(ids)
    assert {m.get(f"{{{W}}}author") for m in marks} == {AUTHOR}
    assert {m.get(f"{{{W}}}date") for m in marks} == {W_DATE}
    assert not root.xpath("//w:ins//w:delText|//w:del//w:t", namespaces=NS)


def test_python_docx_opens_it_and_core_properties(tmp_path):
    out, _ = _build(tmp_path)
    d = docx.Document(str(out))
    assert d.paragraphs[0].text == "Report: changes between drafts"
    assert len(d.tables) == 1
    core = d.core_properties
    assert core.title == "Report: changes between drafts"
    assert core.language == "en-US"
    assert core.author == AUTHOR
    assert core.created.date().isoformat() == DATE and core.modified == core.created


def test_accessibility_check_passes(tmp_path):
    out, _ = _build(tmp_path)
    assert check_docx(out, "en-US", "Report: changes between drafts") == []
    with zipfile.ZipFile(out) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
    assert styles.xpath("string(./w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val)", namespaces=NS) == "en-US"


def test_spanish_document_language(tmp_path):
    old = "# Resultados\n\nLa @tbl-a muestra 49 entrevistas.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n: Datos {#tbl-a}\n"
    new = old.replace("49", "52")
    out, _ = _build(tmp_path, old, new, lang="es-MX", title="Informe")
    assert check_docx(out, "es-MX", "Informe") == []
    p = _paragraph_with(_document(out), "entrevistas")
    assert _text(p) == f"La Tabla{NBSP}1 muestra 52 entrevistas."


def test_spanish_interface_strings(tmp_path):
    """Needs the redline msgids in the Spanish catalogue."""
    old = "![Gráfica](a.png){#fig-a fig-alt=\"Barras: 72%.\"}\n\nTexto.[^1]\n\n[^1]: Una nota.\n"
    out, _ = _build(tmp_path, old, old.replace("72%", "74%"), lang="es-MX", title="Informe")
    root = _document(out)
    assert _text(_paragraph_with(root, "[Imagen:")) == f"[Imagen: Figura{NBSP}1: Gráfica]"
    assert _text(_paragraph_with(root, "[Descripción de la imagen:")) == "[Descripción de la imagen: Barras: 74%.]"
    assert _text(_paragraph_with(root, "Texto.")) == "Texto. [Nota: Una nota.]"


def test_same_inputs_same_bytes(tmp_path):
    a, _ = _build(tmp_path, name="a.docx")
    b, _ = _build(tmp_path / "other", name="b.docx")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2024, 9, 15, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "2024-09-15T00:00:00Z" in core


def test_no_changes_no_revisions(tmp_path):
    out, summary = _build(tmp_path, OLD, OLD)
    assert not summary.has_changes and summary.revisions == 0
    assert not _document(out).xpath("//w:ins|//w:del|//w:pPrChange", namespaces=NS)


@pytest.mark.parametrize("bad", ["", "   "])
def test_title_and_author_required(tmp_path, bad):
    with pytest.raises(ValueError, match="title"):
        redline_docx(OLD, NEW, tmp_path / "x.docx", "en-US", bad, AUTHOR, DATE)
    with pytest.raises(ValueError, match="author"):
        redline_docx(OLD, NEW, tmp_path / "x.docx", "en-US", "T", bad, DATE)


def test_bad_date(tmp_path):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        redline_docx(OLD, NEW, tmp_path / "x.docx", "en-US", "T", AUTHOR, "15/09/2024")


def test_real_report_one_number_and_one_sentence(tmp_path):
    report = ROOT / "results" / "mexico-auto-2024" / "build" / "en" / "report.md"
    if not report.exists():
        pytest.skip("run ./run build first: the test reads results/build/en/report.md")
    text = report.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    number = "Altogether the team held 49 key informant interviews"
    sentence = ("One engagement log records every activity, and every count in\n"
                "this section comes from it, so the tables cannot disagree with one another.")
    assert body.count(number) == 1 and body.count(sentence) == 1, "the report's wording changed: update this test"
    new = body.replace(number, number.replace("49", "51")).replace(sentence, "All figures were checked twice.")

    out, summary = _build(tmp_path, body, new, title="Systems Evaluation: redline")

    assert summary.changed == 2 and summary.inserted == 0 and summary.deleted == 0
    root = _document(out)
    changed = [p for p in root.iter(f"{{{W}}}p") if p.xpath(".//w:ins|.//w:del", namespaces=NS)]
    assert len(changed) == 2
    first, second = changed
    assert [_text(d, "delText") for d in _revs(first, "del")] == [
        "One engagement log records every activity, and every count in this section comes from it, so the "
        "tables cannot disagree with one another"]
    assert [_text(i) for i in _revs(first, "ins")] == ["All figures were checked twice"]
    assert _text(first).endswith("shape and use Mexico\u2019s labor system. All figures were checked twice.")
    assert [_text(d, "delText") for d in _revs(second, "del")] == ["49"]
    assert [_text(i) for i in _revs(second, "ins")] == ["51"]
    assert len(root.findall(f".//{{{W}}}tbl")) == body.count("{#tbl-")
    assert check_docx(out, "en-US", "Systems Evaluation: redline") == []
