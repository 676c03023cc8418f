"""Each document's check result is kept by the hash of all it depends on (evalkit.checks.cache): a run
over unchanged documents checks none again and writes the same report; a changed document, or a
changed part of the key (the check code, a tool's version), is checked again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evalkit.checks import cache as cache_module
from evalkit.checks import gate, privacy
from evalkit.checks.cache import ResultCache
from evalkit.checks.gate import run_gate
from evalkit.checks.privacy import Identifier, scan

from .test_accessibility_gate import GOOD_TYP, html_page, pandoc_docx, typst_pdf, write


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docs")
    return {"html": write(folder / "good.html", html_page()), "pdf": typst_pdf(folder, "good", GOOD_TYP, ua=True),
            "docx": pandoc_docx(folder, "good"),
            "html2": write(folder / "other.html", html_page(title="Annual results"))}


@pytest.fixture
def docs(originals, tmp_path) -> dict[str, Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    for p in originals.values():
        shutil.copy(p, folder / p.name)
    shutil.copy(originals["pdf"].with_name("fig.png"), folder / "fig.png")
    return {k: folder / p.name for k, p in originals.items()}


def batch(docs: dict[str, Path]) -> list[dict]:
    return [
        {"path": str(docs["html"]), "format": "html", "lang": "en-US", "title": "Quarterly results", "document": "a"},
        {"path": str(docs["html2"]), "format": "html", "lang": "en-US", "title": "Annual results", "document": "b"},
        {"path": str(docs["pdf"]), "format": "pdf", "lang": "es-MX", "title": "Informe trimestral"},
        {"path": str(docs["docx"]), "format": "docx", "lang": "en-US", "title": None, "document": "a"},
    ]


@pytest.fixture
def counted(monkeypatch) -> dict[str, list]:
    """Count what the gate checks: each browser started, each document checked (by path)."""
    seen: dict[str, list] = {"browsers": [], "documents": [], "tables": []}
    real_open, real_check, real_tables = gate.open_browser, gate._check_document, gate.tables.compare_tables

    def open_browser(*args, **kwargs):
        seen["browsers"].append(1)
        return real_open(*args, **kwargs)

    def check_document(doc, *args, **kwargs):
        seen["documents"].append(Path(doc["path"]).name)
        return real_check(doc, *args, **kwargs)

    def compare_tables(paths, *args, **kwargs):
        seen["tables"].append(sorted(Path(p).name for p in paths.values()))
        return real_tables(paths, *args, **kwargs)

    class Counted:  # a PDF checked in the gate's worker process, counted (here) when its result is taken
        def __init__(self, future, name):
            self.future, self.name = future, name

        def result(self):
            seen["documents"].append(self.name)
            return self.future.result()

    def audit_apart(stack, documents, known):
        return {i: Counted(f, Path(documents[i]["path"]).name) for i, f in real_apart(stack, documents, known).items()}

    real_apart = gate._audit_apart
    monkeypatch.setattr(gate, "_audit_apart", audit_apart)
    monkeypatch.setattr(gate, "open_browser", open_browser)
    monkeypatch.setattr(gate.tables, "compare_tables", compare_tables)
    monkeypatch.setattr(gate, "_check_document", check_document)
    return seen


def store(folder: Path) -> ResultCache:
    return ResultCache(lambda key: folder / f"{key}.json")


def test_a_second_gate_run_over_unchanged_documents_checks_none_and_writes_the_same_report(docs, tmp_path, counted):
    plain = run_gate(batch(docs), tmp_path / "plain.json")  # no cache: every document checked
    assert sorted(counted["documents"]) == ["good.docx", "good.html", "good.pdf", "other.html"]
    first = store(tmp_path / "cache")
    run_gate(batch(docs), tmp_path / "first.json", cache=first)
    # four documents and the table comparisons of documents "a" (HTML and DOCX) and "b" (HTML alone)
    assert (first.hits, first.misses) == (0, 6) and len(list((tmp_path / "cache").glob("*.json"))) == 6
    for seen in counted.values():
        seen.clear()
    second = store(tmp_path / "cache")
    again = run_gate(batch(docs), tmp_path / "second.json", cache=second)
    assert counted == {"browsers": [], "documents": [], "tables": []} and (second.hits, second.misses) == (6, 0)
    assert again == plain
    for name in ("first", "second"):
        for suffix in (".json", ".md"):
            assert (tmp_path / f"{name}{suffix}").read_bytes() == (tmp_path / f"plain{suffix}").read_bytes()


def test_changing_one_document_checks_only_that_one_again(docs, tmp_path, counted):
    run_gate(batch(docs), tmp_path / "first.json", cache=store(tmp_path / "cache"))
    for seen in counted.values():
        seen.clear()
    docs["html2"].write_text(html_page(title="Annual results", img_alt=None), encoding="utf-8")  # now fails
    with pytest.raises(gate.AccessibilityGateError) as exc:
        run_gate(batch(docs), tmp_path / "second.json", cache=store(tmp_path / "cache"))
    assert counted == {"browsers": [1], "documents": ["other.html"], "tables": [["other.html"]]}
    assert {f.file for f in exc.value.findings} == {str(docs["html2"])}
    # the result of the old version is gone, the new one kept (a failing result is kept too: it fails again)
    assert len(list((tmp_path / "cache").glob("*.json"))) == 6
    for seen in counted.values():
        seen.clear()
    pandoc_docx(docs["docx"].parent, "good", alt="A blue square")  # a format of "a": its tables compared again
    with pytest.raises(gate.AccessibilityGateError):
        run_gate(batch(docs), tmp_path / "after-docx.json", cache=store(tmp_path / "cache"))
    assert counted["documents"] == ["good.docx"] and counted["tables"] == [["good.docx", "good.html"]]
    for seen in counted.values():
        seen.clear()
    with pytest.raises(gate.AccessibilityGateError):
        run_gate(batch(docs), tmp_path / "again.json", cache=store(tmp_path / "cache"))
    assert counted == {"browsers": [], "documents": [], "tables": []}
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "after-docx.json").read_bytes()
    counted["documents"].clear()



def test_what_a_document_is_expected_to_be_is_part_of_its_key(docs, tmp_path, counted):
    run_gate(batch(docs), tmp_path / "first.json", cache=store(tmp_path / "cache"))
    counted["documents"].clear()
    changed = batch(docs)
    changed[3]["lang"] = "es-MX"  # the DOCX says en-US: now a finding, found only if it is checked again
    with pytest.raises(gate.AccessibilityGateError) as exc:
        run_gate(changed, tmp_path / "second.json", cache=store(tmp_path / "cache"))
    assert counted["documents"] == ["good.docx"]
    assert {f.check for f in exc.value.findings} == {"docx-lang"}


@pytest.mark.parametrize("change", ["code", "outloud", "axe"])
def test_a_changed_check_code_or_tool_version_checks_everything_again(docs, tmp_path, counted, monkeypatch, change):
    run_gate(batch(docs), tmp_path / "first.json", cache=store(tmp_path / "cache"))
    counted["documents"].clear(), counted["tables"].clear()
    if change == "code":
        monkeypatch.setattr(cache_module, "code_hash", lambda: "another version of evalkit.checks")
        expected, compared = ["good.html", "other.html", "good.pdf", "good.docx"], 2
    elif change == "outloud":
        monkeypatch.setattr(gate.pdfua, "VERSION", "outloud 0.0.0-other")
        expected, compared = ["good.pdf"], 2  # outloud reads the PDF tables too
    else:
        axe = tmp_path / "axe.min.js"
        axe.write_bytes(gate.find_axe_js().read_bytes() + b"\n// another build\n")
        monkeypatch.setenv("EVALKIT_AXE_JS", str(axe))
        expected, compared = ["good.html", "other.html"], 0
    again = store(tmp_path / "cache")
    run_gate(batch(docs), tmp_path / "second.json", cache=again)
    assert counted["documents"] == expected and len(counted["tables"]) == compared
    assert again.misses == len(expected) + compared


def test_a_missing_document_is_never_taken_from_the_cache(docs, tmp_path):
    run_gate(batch(docs), tmp_path / "first.json", cache=store(tmp_path / "cache"))
    docs["docx"].unlink()
    with pytest.raises(gate.AccessibilityGateError) as exc:
        run_gate(batch(docs), tmp_path / "second.json", cache=store(tmp_path / "cache"))
    assert [f.check for f in exc.value.findings] == ["file-missing"]


# --- the privacy scan -------------------------------------------------------------------------

NAME = Identifier("post_interview", "full_name", "direct_identifier", "María Fernanda López Ruiz")


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = privacy.published_text

    def published_text(path):
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(privacy, "published_text", published_text)
    return seen


def test_the_privacy_scan_reads_only_changed_files_and_finds_the_same(tmp_path, reads):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text("<p>94 people answered.</p>", encoding="utf-8")
    b.write_text("<p>Contact: maria.lopez@example.org</p>", encoding="utf-8")
    plain = scan([a, b], [NAME], any_contact=True)
    first = scan([a, b], [NAME], any_contact=True, cache=store(tmp_path / "cache"))
    assert first == plain and not plain["passed"] and reads == ["a.html", "b.html"] * 2
    reads.clear()
    assert scan([a, b], [NAME], any_contact=True, cache=store(tmp_path / "cache")) == plain and reads == []
    a.write_text("<p>Interviewed: maria fernanda LÓPEZ ruiz</p>", encoding="utf-8")
    changed = scan([a, b], [NAME], any_contact=True, cache=store(tmp_path / "cache"))
    assert reads == ["a.html"] and [h["match"] for h in changed["hits"]] == ["text", "contact"]


def test_a_changed_needle_set_reads_every_file_again(tmp_path, reads):
    a = tmp_path / "a.html"
    a.write_text("<p>Registro de +52 55 0100 0042</p>", encoding="utf-8")
    assert scan([a], [NAME], cache=store(tmp_path / "cache"))["passed"]
    reads.clear()
    phone = Identifier("post_interview", "phone", "direct_identifier", "+52 55 0100 0042")
    found = scan([a], [NAME, phone], cache=store(tmp_path / "cache"))
    assert reads == ["a.html"] and not found["passed"]
    reads.clear()
    assert not scan([a], [NAME], cache=store(tmp_path / "cache"), any_contact=True)["passed"]  # any_contact: a key part
    assert reads == ["a.html"]


def test_a_pdf_is_parsed_once_for_its_audit_and_its_table_cells(docs, tmp_path, monkeypatch):
    """The audit and the table comparison share one outloud model of the PDF (its pages parsed once),
    and the report is the one the comparison gives reading the PDF again on its own."""
    from outloud.model import Document

    both = [{"path": str(docs["html"]), "format": "html", "lang": "en-US", "title": "Quarterly results",
             "document": "a"},
            {"path": str(docs["pdf"]), "format": "pdf", "lang": "es-MX", "title": "Informe trimestral",
             "document": "a"}]
    opened: list[str] = []
    real_init = Document.__init__

    def init(self, path, *args, **kwargs):
        opened.append(Path(path).name)
        real_init(self, path, *args, **kwargs)

    monkeypatch.setattr(Document, "__init__", init)
    monkeypatch.setattr(gate, "_audit_apart", lambda *args: {})  # in this process, where the opens are counted
    with pytest.raises(gate.AccessibilityGateError) as shared:
        run_gate(both, tmp_path / "shared.json")
    assert opened == ["good.pdf"]
    monkeypatch.setattr(gate.pdfua, "CHECK_FOLLOWS", "another version")  # outloud.check, tables read again
    with pytest.raises(gate.AccessibilityGateError) as apart:
        run_gate(both, tmp_path / "apart.json")
    assert opened == ["good.pdf", "good.pdf", "good.pdf"]
    assert [str(f) for f in shared.value.findings] == [str(f) for f in apart.value.findings]
    assert (tmp_path / "shared.json").read_bytes() == (tmp_path / "apart.json").read_bytes()


def test_the_pdfs_checked_in_the_worker_process_give_the_report_checked_in_one_process(docs, tmp_path, monkeypatch,
                                                                                     counted):
    apart = run_gate(batch(docs), tmp_path / "apart.json")
    assert counted["documents"].count("good.pdf") == 1  # submitted to the worker, not checked here too
    monkeypatch.setattr(gate, "_audit_apart", lambda *args: {})
    alone = run_gate(batch(docs), tmp_path / "alone.json")
    assert apart == alone
    assert (tmp_path / "apart.json").read_bytes() == (tmp_path / "alone.json").read_bytes()
    assert (tmp_path / "apart.md").read_bytes() == (tmp_path / "alone.md").read_bytes()


def test_one_page_checked_again_only_when_it_changed(docs, tmp_path, counted):
    page = {"path": str(docs["html"]), "format": "html", "lang": "en-US", "title": "Quarterly results"}
    results = store(tmp_path / "cache")
    assert gate.check_one(page, cache=results) == []
    assert gate.check_one(page, cache=store(tmp_path / "cache")) == []
    assert counted["browsers"] == [1] and counted["documents"] == ["good.html"]  # the second: from the cache
    wrong = {**page, "title": "Annual results"}  # another expectation is another key: checked, and it fails
    found = gate.check_one(wrong, cache=store(tmp_path / "cache"))
    assert [f.check for f in found] == ["html-title"] and counted["browsers"] == [1, 1]
