"""Drafts, change reports and the comment matrix (evalkit.review: snapshot, drafts, changes, report, comments).

Each test builds a small project in tmp_path: the repository's config/ and content registry, and a
fake finished build in results/ (values.json, one results table, the report's Markdown per
language). Two drafts are taken, with a number, a table cell, a finding, a recommendation and a
paragraph changed in between, and the change report must say exactly that.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from evalkit.cli import main
from evalkit.content.overlays import overlay_path, read_registry, split_registry
from evalkit.core.colour import contrast_ratio
from evalkit.core.errors import ConfigError, ProblemsError
from evalkit.core.i18n import catalog_path
from evalkit.review.changes import compare_drafts, word_segments
from evalkit.review.comments import check_comments, load_comments, registry_ids, render_matrix_html
from evalkit.review.drafts import take_draft, write_change_report
from evalkit.review.prose import split_sections, strip_front_matter
from evalkit.review.report import DEL_COLORS, INS_COLORS, TEXT_COLORS, dele, ins, render_html
from evalkit.review.snapshot import DraftError, load_draft
from evalkit.values.store import ValueStore

from .conftest import LANGS, ROOT

SOURCE = {"file": "raw/test.csv", "computation": "test"}

TEXT = {
    "en-US": """# About this report

This report presents the evaluation. Every number in it is computed from the data.

The team met the people who shape the labor system.

# Results

## The survey

The share rating the assistance effective was {share} of {n} respondents.

```
# not a heading: inside a fenced block
```

# Annexes {{#sec-annexes .unnumbered}}

Tables follow.
""",
    "es-MX": """# Acerca de este informe

Este informe presenta la evaluación. Cada cifra se calcula a partir de los datos.

El equipo se reunió con quienes dan forma al sistema laboral.

# Resultados

## La encuesta

El porcentaje que calificó eficaz la asistencia fue {share} de {n} personas.

# Anexos

Siguen las tablas.
""",
}

TABLE = """instrument,item,n_low,n_high,valid_n
survey,awareness,6,32,94
survey,understanding,8,28,94
survey,mechanisms,3,40,94
"""


def write_build(root: Path, share: float, n: int, extra: dict | None = None, table: str = TABLE,
                texts: dict | None = None) -> None:
    """A finished (fake) build in root/results."""
    store = ValueStore("mexico-auto-2024", LANGS)
    store.add("survey.awareness.top_box_share", share, "share", SOURCE)
    store.add("survey.respondents", n, "count", SOURCE)
    store.add("survey.awareness.interval", [share - 0.1, share + 0.1], "interval", SOURCE)
    store.add("survey.small_cell", 3 if n == 94 else 4, "count", SOURCE, suppressed=True)
    for vid, v in (extra or {}).items():
        store.add(vid, v, "count", SOURCE)
    res = root / "results" / "mexico-auto-2024"
    (res / "tables").mkdir(parents=True, exist_ok=True)
    (res / "values.json").write_text(store.to_json(), encoding="utf-8")
    (res / "tables" / "survey-ratings.csv").write_text(table, encoding="utf-8")
    for lang in LANGS:
        sub = lang.split("-")[0]
        (res / "build" / sub).mkdir(parents=True, exist_ok=True)
        body = (texts or TEXT)[lang].format(share=store.values["survey.awareness.top_box_share"]["display"][lang],
                                            n=store.values["survey.respondents"]["display"][lang])
        front = f"---\ntitle: Test\nlang: {lang}\nvalues:\n  a: 1\n---\n\n"
        (res / "build" / sub / "report.md").write_text(front + body, encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    """config/ and the content registry of the repository, plus a fake build."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "config", root / "config")
    ev = yaml.safe_load((ROOT / "config" / "evaluations" / "mexico-auto-2024" / "evaluation.yaml").read_text())
    reg = root / ev["content"]
    shutil.copytree((ROOT / ev["content"]).parent, reg.parent)   # the registry and its language overlays
    (root / "config" / "evaluations" / "mexico-auto-2024" / "comments.yaml").unlink(missing_ok=True)
    write_build(root, 0.5, 94, extra={"fieldwork.old_only": 7})
    return root


@pytest.fixture(scope="module")
def ctx_loader():
    from evalkit.model.context import Context

    return Context.load


def registry_path(root: Path) -> Path:
    ev = yaml.safe_load((root / "config" / "evaluations" / "mexico-auto-2024" / "evaluation.yaml").read_text())
    return root / ev["content"]


def read_reg(root: Path) -> dict:
    """The project's registry with the texts of both languages merged in."""
    return read_registry(registry_path(root), list(LANGS))


def edit_registry(root: Path) -> dict:
    """Reword the first finding and the first recommendation (English and Spanish) in the language
    overlays; return what changed."""
    path = registry_path(root)
    reg = read_reg(root)
    f, r = reg["findings"][0], reg["recommendations"][0]
    old = {"finding": dict(f["text"]), "rec": dict(r["text"])}
    words = f["text"]["en-US"].split()
    f["text"]["en-US"] = " ".join(["Clearly"] + words[1:]) + " A closing sentence was added."
    f["text"]["es-MX"] = f["text"]["es-MX"] + " Se agregó una oración final."
    rec_word = r["text"]["en-US"].split()[0]
    r["text"]["en-US"] = "Without doubt, " + r["text"]["en-US"][0].lower() + r["text"]["en-US"][1:]
    path.write_text(yaml.safe_dump(reg, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    for lang in LANGS:
        overlay_path(path, lang).unlink()
    split_registry(path, list(LANGS))     # back to structure + one overlay per language
    return {"finding": f["id"], "rec": r["id"], "first_word": words[0], "rec_word": rec_word, "old": old}


@pytest.fixture
def two_drafts(project, ctx_loader):
    ctx = ctx_loader(project)
    take_draft(ctx, "v1", date="2024-08-01")
    texts = {lang: t.replace("The team met the people", "The team interviewed the people")
             .replace("El equipo se reunió con", "El equipo entrevistó a") for lang, t in TEXT.items()}
    write_build(project, 0.55, 96, extra={"fieldwork.new_only": 5}, table=TABLE.replace("6,32,94", "6,35,94"),
                texts=texts)
    edited = edit_registry(project)
    take_draft(ctx_loader(project), "v2", date="2024-08-15")
    return project, edited


# --- snapshots --------------------------------------------------------------------------------

def test_take_draft_writes_a_complete_snapshot(project, ctx_loader):
    path = take_draft(ctx_loader(project), "v1", date="2024-08-01")
    assert path == project / "drafts" / "v1"
    meta = json.loads((path / "draft.json").read_text())
    assert meta["format"] == "evalkit-draft/1" and meta["name"] == "v1" and meta["date"] == "2024-08-01"
    assert meta["final"] is False and meta["languages"] == LANGS and meta["evaluation"] == "mexico-auto-2024"
    assert "commit" in meta   # git rev-parse HEAD (+changes), or null outside git
    assert set(meta["files"]) == {"values.json", "tables/survey-ratings.csv", "registry.yaml", "text/en.md",
                                  "text/es.md"}
    text = (path / "text" / "en.md").read_text()
    assert text.startswith("# About this report") and "values:" not in text
    assert not [p for p in (project / "drafts").iterdir() if p.name.startswith(".")]   # no temporary folder left
    d = load_draft(project, "v1")
    assert d.values["values"]["survey.respondents"]["value"] == 94
    assert d.tables["survey-ratings"][1] == ["survey", "awareness", "6", "32", "94"]
    assert d.registry["findings"] and set(d.texts) == set(LANGS)


def test_take_draft_needs_a_finished_build(project, ctx_loader):
    (project / "results" / "mexico-auto-2024" / "build" / "es" / "report.md").unlink()
    with pytest.raises(DraftError, match=r"results/mexico-auto-2024/build/es/report\.md.*run build"):
        take_draft(ctx_loader(project), "v1")
    assert not (project / "drafts" / "v1").exists()


def test_draft_names_dates_and_replace(project, ctx_loader):
    ctx = ctx_loader(project)
    for bad in ("V1", "-x", "a b", "current", ""):
        with pytest.raises(DraftError, match="draft name"):
            take_draft(ctx, bad)
    for bad in ("2024-13-01", "01/08/2024", "2024-8-1"):
        with pytest.raises(DraftError, match="YYYY-MM-DD"):
            take_draft(ctx, "v1", date=bad)
    take_draft(ctx, "v1", date="2024-08-01")
    with pytest.raises(DraftError, match="exists already.*--replace"):
        take_draft(ctx, "v1")
    write_build(project, 0.6, 94)
    take_draft(ctx, "v1", date="2024-08-02", replace=True)
    d = load_draft(project, "v1")
    assert d.date == "2024-08-02" and d.values["values"]["survey.awareness.top_box_share"]["value"] == 0.6
    assert sorted(p.name for p in (project / "drafts").iterdir()) == ["v1"]


def test_a_changed_draft_file_is_detected(project, ctx_loader):
    take_draft(ctx_loader(project), "v1")
    (project / "drafts" / "v1" / "text" / "en.md").write_text("edited by hand")
    with pytest.raises(DraftError, match="changed or missing.*text/en.md"):
        load_draft(project, "v1")
    with pytest.raises(DraftError, match="no draft 'v9'.*v1"):
        load_draft(project, "v9")


# --- comparing ----------------------------------------------------------------------------------

def test_compare_reports_exactly_what_changed(two_drafts):
    root, edited = two_drafts
    ch = compare_drafts(load_draft(root, "v1"), load_draft(root, "v2"))
    # numbers: by value, with absolute and relative change; ids added and removed
    changed = {c["id"]: c for c in ch.values["changed"]}
    assert set(changed) == {"survey.awareness.top_box_share", "survey.respondents", "survey.awareness.interval",
                            "survey.small_cell"}
    share = changed["survey.awareness.top_box_share"]
    assert (share["old"], share["new"]) == (0.5, 0.55)
    assert share["absolute"] == pytest.approx(0.05) and share["relative"] == pytest.approx(0.1)
    n = changed["survey.respondents"]
    assert (n["old"], n["new"], n["absolute"]) == (94, 96, 2) and n["relative"] == pytest.approx(2 / 94)
    assert changed["survey.awareness.interval"]["absolute"] == pytest.approx([0.05, 0.05])
    assert [v["id"] for v in ch.values["added"]] == ["fieldwork.new_only"]
    assert [v["id"] for v in ch.values["removed"]] == ["fieldwork.old_only"]
    # table cells, daff
    (t,) = ch.tables
    assert t["name"] == "survey-ratings" and t["summary"]["cells_changed"] == 1 and t["summary"]["rows_added"] == 0
    (cell,) = [c for row in t["cells"] for c in row if c["updated"] and c["category"] == "modify" and c["old"]]
    assert (cell["old"], cell["new"]) == ("32", "35")
    # registry: the finding and the recommendation reworded, word by word, in each language
    f = ch.registry["findings"]["reworded"]
    assert [x["id"] for x in f] == [edited["finding"]]
    segs = f[0]["texts"]["text"]["en-US"]
    assert segs[0] == ["-", edited["first_word"]] and segs[1] == ["+", "Clearly"]
    assert segs[-1] == ["+", "A closing sentence was added."]
    assert f[0]["texts"]["text"]["es-MX"][-1] == ["+", "Se agregó una oración final."]
    r = ch.registry["recommendations"]["reworded"]
    assert [x["id"] for x in r] == [edited["rec"]]
    assert r[0]["texts"]["text"]["en-US"][:2] == [["-", edited["rec_word"]],
                                                  ["+", "Without doubt, " + edited["rec_word"].lower()]]
    assert not ch.registry["leverage_points"]["reworded"] and not ch.registry["findings"]["added"]
    # prose, by section
    en = {s["new"]: s for s in ch.prose["en-US"]}
    assert set(en) == {"About this report", "Results \u203a The survey"}
    (p,) = en["About this report"]["paragraphs"]
    assert ["-", "met"] in p["segments"] and ["+", "interviewed"] in p["segments"]
    (p,) = en["Results \u203a The survey"]["paragraphs"]
    assert ["-", "50%"] in p["segments"] and ["+", "55%"] in p["segments"]     # a figure is one word
    assert ["-", "94"] in p["segments"] and ["+", "96"] in p["segments"]
    es = {s["new"] for s in ch.prose["es-MX"]}
    assert es == {"Acerca de este informe", "Resultados \u203a La encuesta"}


def test_change_report_html_marks_changes_in_text_not_only_colour(two_drafts):
    root, edited = two_drafts
    ch = compare_drafts(load_draft(root, "v1"), load_draft(root, "v2"))
    page = render_html(ch, "en-US")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en-US">')
    assert "<title>Changes from draft v1 of August 1, 2024 to draft v2 of August 15, 2024</title>" in page
    row = re.search(r"<tr><th scope=\"row\"><code>survey\.awareness\.top_box_share</code></th>(.*?)</tr>",
                    page).group(1)
    assert "50%" in row and "55%" in row and "+5.0 percentage points" in row and "+10.0%" in row
    row = re.search(r"<tr><th scope=\"row\"><code>survey\.respondents</code></th>(.*?)</tr>", page).group(1)
    assert ">94<" in row and ">96<" in row and ">+2<" in row and "+2.1%" in row
    # a suppressed small cell shows neither its values nor its change
    row = re.search(r"<tr><th scope=\"row\"><code>survey\.small_cell</code></th>(.*?)</tr>", page).group(1)
    assert "suppressed" in row and not re.search(r">[34]<", row)
    assert f"{dele('32')} \u2192 {ins('35')}" in page  # the daff cell
    assert f"{dele(edited['first_word'])}{ins('Clearly')}" in page  # finding, word level
    assert ins("A closing sentence was added.") in page
    assert f"{dele('met')}{ins('interviewed')}" in page  # prose paragraph
    assert "[+\u00a0" in ins("x") and "\u00a0+]" in ins("x") and "[-\u00a0" in dele("x")
    assert "<ins>" in ins("x") and "<del>" in dele("x")
    assert page.count("<table>") == page.count("<caption>") and 'scope="col"' in page
    es = render_html(ch, "es-MX")
    assert '<html lang="es-MX">' in es and "Cambios entre el borrador v1 del 1 de agosto de 2024" in es
    assert "+5.0 puntos porcentuales" in es
    assert f"{dele('se reunió con')}{ins('entrevistó a')}" in es


def test_ins_and_del_colours_keep_text_contrast():
    for fg, bg in (INS_COLORS, DEL_COLORS, TEXT_COLORS):
        assert contrast_ratio(fg, bg) >= 4.5
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)


def test_compare_with_the_current_build_and_cli(two_drafts, capsys):
    root, _ = two_drafts
    assert main(["draft", "--root", str(root), "compare", "v1", "current"]) == 0
    out = root / "results" / "mexico-auto-2024" / "changes" / "v1--current"
    assert sorted(p.name for p in out.iterdir()) == ["changes-en.html", "changes-es.html", "changes.json"]
    doc = json.loads((out / "changes.json").read_text())
    assert doc["format"] == "evalkit-changes/1" and doc["new"]["name"] == "current"
    assert doc["counts"]["values_changed"] == 4 and doc["counts"]["tables_changed"] == 1
    assert "the current build" in (out / "changes-en.html").read_text()
    assert main(["draft", "compare", "v2", "current", "--root", str(root), "--out", str(root / "cmp")]) == 0
    same = json.loads((root / "cmp" / "changes.json").read_text())
    assert all(v == 0 for v in same["counts"].values())
    assert "No number changed." in (root / "cmp" / "changes-en.html").read_text()
    assert main(["draft", "--root", str(root), "compare", "v1", "nope"]) == 1
    assert "no draft 'nope'" in capsys.readouterr().err
    assert main(["draft", "--root", str(root), "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:3] for line in lines] == [["v1", "mexico-auto-2024", "2024-08-01"],
                                                         ["v2", "mexico-auto-2024", "2024-08-15"]]
    # a draft of another evaluation does not compare with these
    meta = root / "drafts" / "v1" / "draft.json"
    doc = json.loads(meta.read_text())
    doc["evaluation"] = "sc2-mexico-2024"
    meta.write_text(json.dumps(doc))
    assert main(["draft", "--root", str(root), "compare", "v1", "v2"]) == 1
    assert ("draft 'v1' is of evaluation 'sc2-mexico-2024' and 'v2' of 'mexico-auto-2024'; expected two drafts "
            "of one evaluation") in capsys.readouterr().err


def test_cli_take_and_codebook_export_still_there(project, capsys):
    assert main(["draft", "--root", str(project), "take", "v1", "--date", "2024-08-01"]) == 0
    assert (project / "drafts" / "v1" / "draft.json").is_file()
    assert main(["draft", "--root", str(project), "take", "v1"]) == 1
    assert "exists already" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["codebook-export", "--help"])
    assert exc.value.code == 0


# --- unit pieces ------------------------------------------------------------------------------


def test_word_diff_and_sections():
    # the diff of evalkit.review.diff, as in the redline: a short unchanged word between two changes
    # joins them (the semantic clean-up of diff-match-patch); a figure is one word
    assert word_segments("The share rose in every region.", "The share fell in most regions.") == [
        ["=", "The share "],
        ["-", "rose in every region"],
        ["+", "fell in most regions"],
        ["=", "."],
    ]
    assert word_segments(
        "The share rose in every region of the country.", "The share fell in every region of the country."
    ) == [["=", "The share "], ["-", "rose"], ["+", "fell"], ["=", " in every region of the country."]]
    assert word_segments("It rose to 12.5% of 1,234 people.", "It rose to 13.1% of 1,234 people.") == [
        ["=", "It rose to "],
        ["-", "12.5%"],
        ["+", "13.1%"],
        ["=", " of 1,234 people."],
    ]
    assert word_segments("one two", "one three four") == [["=", "one "], ["-", "two"], ["+", "three four"]]
    assert word_segments("a  b\nc", "a b c") == [["=", "a b c"]]  # re-wrapping is no change
    assert word_segments("x y z", "x\n\ny z") == [["=", "x"], ["+", "\n\n"], ["=", "y z"]]  # a paragraph split shows
    assert word_segments("", "new text") == [["+", "new text"]] and word_segments("old", "") == [["-", "old"]]
    body = strip_front_matter("---\ntitle: x\n---\n\n# One {#sec-one}\n\nText.\n\n```\n# code\n```\n## Two\n\nMore.\n")
    secs = split_sections(body)
    assert [(s["level"], s["title"], s["path"]) for s in secs] == [(1, "One", "One"), (2, "Two", "One \u203a Two")]
    assert "# code" in secs[0]["body"]


# --- comment matrix -----------------------------------------------------------------------------


def write_comments(root: Path, comments: list[dict]) -> Path:
    path = root / "config" / "evaluations" / "mexico-auto-2024" / "comments.yaml"
    path.write_text(yaml.safe_dump(comments, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def comments_for(root: Path) -> list[dict]:
    reg = read_reg(root)
    f, r = reg["findings"][0], reg["recommendations"][0]
    lp = f["leverage_points"][0]
    return [
        {
            "id": "C-01",
            "organization": "Ministry of Labor (example)",
            "draft": "v1",
            "location": {"section": "Results"},
            "comment": "Say how the share was computed.",
            "disposition": "accepted",
            "response": "Added a sentence.",
        },
        {
            "id": "C-02",
            "organization": "Sindicato de ejemplo",
            "draft": "v1",
            "language": "es-MX",
            "location": {"finding": f["id"]},
            "comment": "Falta la región norte.",
        },
        {
            "id": "C-03",
            "organization": "Partner organization (example)",
            "draft": "v1",
            "location": {"recommendation": "rec-that-was-removed"},
            "comment": "Too broad.",
            "disposition": "not_accepted",
            "response": "Kept as is.",
        },
        {
            "id": "C-04",
            "organization": "Partner organization (example)",
            "draft": "v1",
            "location": {"leverage_point": lp["id"]},
            "comment": "Rate it high.",
            "disposition": "partly",
            "response": "Described better; rating kept.",
        },
        {
            "id": "C-05",
            "organization": "Ministry of Labor (example)",
            "draft": "v1",
            "location": {"section": "Acerca de este informe"},
            "comment": "Fine.",
            "disposition": "accepted",
            "response": "Thank you.",
        },
        {
            "id": "C-06",
            "organization": "Ministry of Labor (example)",
            "draft": "v1",
            "location": {"recommendation": r["id"]},
            "comment": "Name the inspectors.",
            "disposition": "accepted",
        },
    ]


def test_check_comments_names_comment_and_field(project):
    comments = comments_for(project)
    reg = read_reg(project)
    problems = check_comments(comments, registry_ids(reg), ["Results", "Acerca de este informe"])
    assert problems == [
        "comment C-02: disposition: missing; expected one of accepted, partly, not_accepted before a final draft",
        "comment C-03: location.recommendation: 'rec-that-was-removed' is not a recommendation id of the content "
        "registry; it may have been renamed or removed",
    ]
    assert (
        check_comments(comments, registry_ids(reg), ["Results", "Acerca de este informe"], final=False) == problems[1:]
    )
    dup = comments + [dict(comments[0], location={"section": "Gone"})]
    problems = check_comments(dup, registry_ids(reg), ["  results ", "Acerca de este informe"], final=False)
    assert problems == [
        "comment C-01: id: appears 2 times; expected every id once",
        "comment C-03: location.recommendation: 'rec-that-was-removed' is not a recommendation id of the content "
        "registry; it may have been renamed or removed",
        "comment C-01: location.section: no section headed 'Gone' in the report (in any language); the heading may "
        "have changed",
    ]
    path = write_comments(project, [dict(comments[0], disposition="maybe")])
    with pytest.raises(ConfigError, match=r"\[0\]\.disposition"):
        load_comments(path)


def test_final_draft_refused_until_comments_are_resolved(project, ctx_loader, capsys):
    comments = comments_for(project)
    write_comments(project, comments)
    with pytest.raises(ProblemsError) as exc:
        take_draft(ctx_loader(project), "final", final=True)
    assert "comment C-02: disposition: missing" in str(exc.value) and "comment C-03: location.recommendation" in str(
        exc.value
    )
    assert not (project / "drafts" / "final").exists()
    assert main(["draft", "--root", str(project), "take", "final", "--final"]) == 1
    err = capsys.readouterr().err
    assert "2 problem(s)" in err and "C-02" in err and "C-03" in err
    comments[1].update(disposition="partly", response="Added where the data allow.")
    comments[2]["location"] = {"recommendation": comments[5]["location"]["recommendation"]}
    write_comments(project, comments)
    path = take_draft(ctx_loader(project), "final", date="2024-09-01", final=True)
    assert json.loads((path / "draft.json").read_text())["final"] is True


def test_comment_matrix_html(project):
    comments = comments_for(project)
    reg = read_reg(project)
    page = render_matrix_html(comments, "en-US", "An evaluation", reg)
    assert '<html lang="en-US">' in page and "<title>Comment matrix: An evaluation</title>" in page
    assert "<caption>Reviewers&#x27; comments and their disposition</caption>" in page
    assert page.count('<th scope="row">') == 6 and '<td lang="es-MX">Falta la región norte.</td>' in page
    assert "No disposition yet" in page and "Partly accepted" in page and "Section: Results" in page
    assert f"<code>{reg['findings'][0]['id']}</code> ({reg['findings'][0]['title']['en-US']})" in page
    es = render_matrix_html(comments, "es-MX", "Una evaluación", reg)
    assert "Todavía sin decisión" in es and "Aceptado en parte" in es


# --- accessibility gate -------------------------------------------------------------------------


def test_change_report_and_matrix_pass_the_accessibility_gate(two_drafts, tmp_path):
    from evalkit.checks.gate import run_gate

    root, _ = two_drafts
    written = write_change_report(load_draft(root, "v1"), load_draft(root, "v2"), tmp_path / "changes")
    comments = comments_for(root)
    reg = read_reg(root)
    docs = [{"path": str(written[lang]), "format": "html", "lang": lang, "title": None} for lang in LANGS]
    for lang in LANGS:
        p = tmp_path / f"matrix-{lang}.html"
        p.write_text(render_matrix_html(comments, lang, "Evaluation", reg), encoding="utf-8")
        docs.append({"path": str(p), "format": "html", "lang": lang, "title": None})
    report = run_gate(docs, tmp_path / "gate.json")
    assert report["passed"] and len(report["checked"]) == 4


# --- speed and translations ---------------------------------------------------------------------


@pytest.mark.skipif(
    not (ROOT / "results" / "mexico-auto-2024" / "values.json").is_file()
    or not (ROOT / "results" / "mexico-auto-2024" / "build" / "en" / "report.md").is_file(),
    reason="needs a finished build of the default evaluation (./run build)",
)
def test_comparing_two_drafts_of_the_default_evaluation(project, ctx_loader):
    """Speed: tools/benchmark/drafts.py."""
    res = project / "results" / "mexico-auto-2024"
    shutil.rmtree(res)
    res.mkdir()
    shutil.copyfile(ROOT / "results" / "mexico-auto-2024" / "values.json", res / "values.json")
    shutil.copytree(ROOT / "results" / "mexico-auto-2024" / "tables", res / "tables")
    for lang in LANGS:
        sub = lang.split("-")[0]
        (res / "build" / sub).mkdir(parents=True)
        shutil.copyfile(
            ROOT / "results" / "mexico-auto-2024" / "build" / sub / "report.md", res / "build" / sub / "report.md"
        )
    take_draft(ctx_loader(project), "v1")
    doc = json.loads((res / "values.json").read_text())
    for v in list(doc["values"].values())[::7]:
        if v["kind"] == "count":
            v["value"] += 1
    (res / "values.json").write_text(json.dumps(doc))
    en = res / "build" / "en" / "report.md"
    en.write_text(en.read_text().replace("the ", "a ", 50))
    edit_registry(project)
    take_draft(ctx_loader(project), "v2")
    written = write_change_report(load_draft(project, "v1"), load_draft(project, "v2"), project / "out")
    assert json.loads(written["json"].read_text())["counts"]["values_changed"] > 10


def test_every_draft_string_is_translated():
    """Strings inside f-strings escape Babel's extractor on Python 3.11, so read them from the AST."""
    from babel.messages.pofile import read_po

    with open(catalog_path("es-MX"), "rb") as fh:
        cat = read_po(fh)
    src = ROOT / "src" / "evalkit"
    ids = set()
    for name in ("review/report.py", "review/comments.py"):
        for node in ast.walk(ast.parse((src / name).read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                ids.add(node.args[0].value)
    assert len(ids) > 50
    missing = sorted(i for i in ids if not (cat.get(i) and cat.get(i).string))
    assert not missing, missing


def test_the_default_evaluation_comment_matrix_is_ready_for_a_final_draft():
    """The shipped comments all have a disposition and point at ids and sections that exist."""
    from evalkit.model.context import Context
    from evalkit.review.drafts import check_final
    from evalkit.review.snapshot import build_files

    root = Path(__file__).resolve().parents[1]
    if not (root / "results" / "mexico-auto-2024" / "build" / "en" / "report.md").exists():
        pytest.skip("needs a build (./run build)")
    ctx = Context.load(root)
    check_final(ctx, build_files(ctx))  # raises on any problem
