"""Annexes C-F from data: the document-review log, the fieldwork itinerary, the validation workshop
schedule (checked against the forms) and agenda, and the authored Annex F; with the intake of the
two new data families refusing a bad row with its file, line, id and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from evalkit.analysis.documents import add_document_values, document_table, type_counts
from evalkit.analysis.fieldwork import itinerary
from evalkit.analysis.workshops import schedule_problems
from evalkit.core.errors import DataError
from evalkit.documents.data_annexes import documents_annex, itinerary_annex, workshops_annex
from evalkit.families import get as get_family
from evalkit.intake.clean import clean_table
from evalkit.intake.readers import read_raw
from evalkit.steps.analysis import compute_values
from evalkit.steps.common import read_clean
from evalkit.values.store import ValueStore, display, load_values

from .conftest import LANGS, ROOT

DOCS = "raw/mexico-auto-2024/context/document_review.csv"
SCHEDULE = "raw/mexico-auto-2024/workshops/workshop_schedule.csv"


@pytest.fixture(scope="module")
def values(ctx, cleaned_files, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("values")
    compute_values(ctx, cleaned_files, out / "values.json", out / "tables")
    return load_values(out / "values.json")


def clean(evaluation, iid: str, path: Path, shown: str):
    ins = evaluation.instrument(iid)
    raw = read_raw(path, "csv", display_name=shown)
    return clean_table(raw, evaluation.codebooks[iid], instrument=iid, kind=ins["kind"],
                       hook=get_family(ins["kind"]).clean)


def edited(src: str, tmp_path: Path, line: int, column: str, value: str) -> Path:
    """A copy of a raw CSV with one cell changed (line counts the header as line 1)."""
    rows = list(csv.DictReader((ROOT / src).open(encoding="utf-8")))
    rows[line - 2][column] = value
    out = tmp_path / Path(src).name
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


# --- Annex C: documents reviewed ---------------------------------------------------------------

def test_document_log_counts_by_type(values):
    v = values["values"]
    assert v["documents.documents"]["value"] == 88
    assert v["documents.by_type.project_document"]["value"] == 30
    assert v["documents.by_type.progress_report"]["value"] == 17
    assert v["documents.by_type.monitoring_evaluation"]["value"] == 14
    assert v["documents.by_type.contractual"]["value"] == 8
    assert v["documents.by_type.not_stated"]["value"] == 3
    assert v["documents.by_organization.air"]["value"] == 32
    assert v["documents.by_organization.general"]["value"] == 4
    assert sum(x["value"] for k, x in v.items() if k.startswith("documents.by_type.")) == 88


@pytest.mark.parametrize("lang", LANGS)
def test_documents_annex_lists_every_document_by_type_with_titles_as_written(evaluation, cleaned_files, values, lang):
    cb = evaluation.codebooks["documents"]
    table = document_table(read_clean(cleaned_files["documents"]), cb)
    md = documents_annex(values, "documents", cb, table, lang)
    rows = [line for line in md.splitlines() if line.startswith("| ") and not line.startswith("| Id")
            and not line.startswith("| Identificador")]
    assert len(rows) == 88
    # a Spanish title stays Spanish in both languages; the type is in the document's language
    spanish = next(r for r in rows if r.startswith("| AIR 06 |"))
    assert "Protocolo de inspección laboral con género" in spanish
    assert ("Project document" if lang == "en-US" else "Documento de proyecto") in spanish
    # sorted by type: every project document comes before the first progress report
    types = [r.split(" | ")[3] for r in rows]
    first = "Project document" if lang == "en-US" else "Documento de proyecto"
    assert types[:30] == [first] * 30
    assert ("88" in md.split("\n\n")[0]) and ("30" in md.split("\n\n")[0])
    assert "{#tbl-annex-documents}" in md


def test_document_titles_from_data_never_become_markup(evaluation):
    cb = evaluation.codebooks["documents"]
    data = pd.DataFrame([{"document_id": "GEN 01", "organization": "general", "title": "<b>x</b> *y* [z](http://a)",
                          "doc_type": "", "year": "", "project": ""}])
    store = ValueStore("t", LANGS)
    add_document_values(store, "documents", data, cb, {"file": "x.csv"})
    doc = {"values": store.values}
    md = documents_annex(doc, "documents", cb, document_table(data, cb), "en-US")
    assert r"\<b\>x\</b\> \*y\* \[z\](http://a)" in md
    assert "not stated" in md


def test_unknown_document_type_is_refused(evaluation):
    cb = evaluation.codebooks["documents"]
    with pytest.raises(ValueError, match="doc_type: keys not in the codebook: 'memo'"):
        type_counts(pd.DataFrame({"doc_type": ["memo"]}), cb)


def test_document_log_intake_names_file_line_id_and_column(evaluation, tmp_path):
    bad = edited(DOCS, tmp_path, 5, "Document type", "Memo")
    with pytest.raises(DataError) as exc:
        clean(evaluation, "documents", bad, DOCS)
    text = str(exc.value)
    assert DOCS in text
    assert (
        "line 5 (document_id 'AIR 04'), column 'Document type' (doc_type): 'Memo' is not a code in the codebook" in text
    )
    bad = edited(DOCS, tmp_path, 3, "Year", "twenty")
    with pytest.raises(
        DataError, match=r"line 3 \(document_id 'AIR 02'\), column 'Year' \(year\): 'twenty' is not a whole number"
    ):
        clean(evaluation, "documents", bad, DOCS)


# --- Annex D: fieldwork itinerary --------------------------------------------------------------


@pytest.mark.parametrize(
    "lang,first,last", [("en-US", "Nov 9, 2023", "Nov 30, 2023"), ("es-MX", "9 nov 2023", "30 nov 2023")]
)
def test_itinerary_gives_counts_and_dates_per_place_in_each_language(evaluation, values, lang, first, last):
    md = itinerary_annex(values, "engagement_log", evaluation.codebooks["engagement_log"], lang)
    city = "Mexico City" if lang == "en-US" else "Ciudad de México"
    mode = "In person" if lang == "en-US" else "Presencial"
    assert f"| {city} | {mode} | 8 | 9 | 47 | {first} | {last} |" in md
    assert "| 49 | 28 | 179 |" in md  # the total row agrees with Table 2


def test_itinerary_pools_places_under_min_cell_and_keeps_the_totals(evaluation, cleaned_files):
    log = read_clean(cleaned_files["engagement_log"])
    cb = evaluation.codebooks["engagement_log"]
    table = itinerary(log, cb, min_cell=10)
    assert (table["participants"] >= 10).all()
    assert table["participants"].sum() == 179 and table["activities"].sum() == 77
    other = table[table["state"] == "other"]
    assert list(other["mode"]) == ["remote"]
    assert "jalisco" in other.iloc[0]["pooled"].split()
    unpooled = itinerary(log, cb)
    assert len(unpooled) > len(table) and unpooled["participants"].min() < 10


def test_date_values_are_shown_with_babel():
    assert display("date", "2024-02-21", "en-US") == "Feb 21, 2024"
    assert display("date", "2024-02-21", "es-MX") == "21 feb 2024"
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        ValueStore("t", LANGS).add("x", "2024-02-30", "date", {})


# --- Annex E: validation workshops -------------------------------------------------------------


def test_schedule_totals_equal_the_forms(values):
    v = values["values"]
    assert v["workshop_schedule.workshops"]["value"] == v["workshop_forms.workshops"]["value"] == 6
    assert v["workshop_schedule.participants"]["value"] == v["workshop_forms.participants"]["value"] == 62
    assert v["workshop_schedule.in_person.participants"]["value"] == v["workshop_forms.in_person"]["value"] == 45
    assert v["workshop_schedule.remote.participants"]["value"] == v["workshop_forms.remote"]["value"] == 17
    assert v["workshop_schedule.in_person.workshops"]["value"] == 4
    assert v["workshop_schedule.first_date"]["value"] == "2024-02-20"
    assert v["workshop_schedule.last_date"]["value"] == "2024-02-21"


def test_schedule_that_disagrees_with_the_forms_stops_the_analysis(ctx, cleaned_files, tmp_path):
    sched = pd.read_csv(cleaned_files["workshop_schedule"], dtype=str, keep_default_na=False)
    sched.loc[sched["workshop"] == "w6", "participants"] = "9"
    sched.loc[sched["workshop"] == "w2", "mode"] = "remote"
    path = tmp_path / "workshop_schedule.csv"
    sched.to_csv(path, index=False)
    files = dict(cleaned_files, workshop_schedule=path)
    with pytest.raises(DataError) as exc:
        compute_values(ctx, files, tmp_path / "values.json", tmp_path / "tables")
    text = str(exc.value)
    assert f"{SCHEDULE} (schedule) against raw/mexico-auto-2024/workshops/validation_workshop_forms.csv (forms)" in text
    assert "workshop 'w6', column participants: the schedule gives 9 but the forms count 8" in text
    assert "workshop 'w2', column mode: the schedule gives 'remote' but its forms give 'in_person'" in text
    assert "workshop_schedule.participants is 63 but workshop_forms.participants is 62" in text


def test_schedule_problems_name_workshops_missing_on_either_side():
    sched = pd.DataFrame([{"workshop": "w1", "date": "2024-02-20", "mode": "in_person", "participants": "2"}])
    forms = pd.DataFrame([{"workshop": "w2", "date": "2024-02-20", "mode": "in_person"}])
    problems = schedule_problems(sched, forms)
    assert any("workshop 'w2': 1 forms but no row in the schedule" in p for p in problems)
    assert any("workshop 'w1': in the schedule but no form has it" in p for p in problems)


def test_schedule_intake_names_file_line_id_and_column(evaluation, tmp_path):
    bad = edited(SCHEDULE, tmp_path, 4, "Mode", "Hybrid")
    with pytest.raises(DataError) as exc:
        clean(evaluation, "workshop_schedule", bad, SCHEDULE)
    assert SCHEDULE in str(exc.value)
    assert "line 4 (workshop 'W3'), column 'Mode' (mode): 'Hybrid' is not a code in the codebook" in str(exc.value)
    bad = edited(SCHEDULE, tmp_path, 2, "Date", "2024-02-31")
    with pytest.raises(
        DataError, match=r"line 2 \(workshop 'W1'\), column 'Date' \(date\): '2024-02-31' is not a date"
    ):
        clean(evaluation, "workshop_schedule", bad, SCHEDULE)


@pytest.mark.parametrize(
    "lang,date,start,state",
    [("en-US", "Feb 20, 2024", "9:00 AM", "San Luis Potosí"), ("es-MX", "20 feb 2024", "9:00 a.m.", "San Luis Potosí")],
)
def test_workshops_annex_has_the_schedule_and_the_agenda(evaluation, cleaned_files, values, lang, date, start, state):
    from evalkit.analysis.workshops import schedule_table

    cb = evaluation.codebooks["workshop_schedule"]
    table = schedule_table(read_clean(cleaned_files["workshop_schedule"]), cb)
    agenda = evaluation.data["workshop_agenda"]
    md = workshops_annex(values, "workshop_schedule", cb, table, agenda, lang)
    mode = "In person" if lang == "en-US" else "Presencial"
    assert f"| 1 | {date} | {state} | {mode} | 12 |" in md
    assert "| 62 |" in md
    assert f"| {start} |" in md.replace("\u202f", " ").replace("\u00a0", " ")  # Babel's narrow spaces
    assert agenda[0]["activity"][lang] in md
    assert md.count("\n| ") == 6 + 1 + 1 + len(agenda) + 1  # header + rows + total, header + agenda rows
    assert "{#tbl-annex-workshop-schedule-agenda}" in md


def test_agenda_texts_have_no_digits(evaluation):
    for item in evaluation.data["workshop_agenda"]:
        for field in ("activity", "description", "lead", "materials"):
            for lang in LANGS:
                assert not any(c.isdigit() for c in item.get(field, {}).get(lang, "")), (field, lang)


# --- Annex F and the report sources -----------------------------------------------------------


@pytest.mark.parametrize("sub", ["en", "es"])
def test_report_sources_include_the_annexes_and_cite_their_numbers(sub):
    text = (ROOT / "report/mexico-auto-2024" / sub / "report.qmd").read_text(encoding="utf-8")
    annexes = text[text.index("{.annexes}") :]
    for fragment in ("documents-annex.md", "engagement_log-itinerary.md", "workshop_schedule-annex.md"):
        assert f"fragments/{fragment}" in annexes
    assert "@tbl-annex-questions" in annexes and "fragments/annex-questions.md" in annexes
    assert "{{< meta values.documents.documents >}}" in annexes
    assert "{{< meta values.workshop_schedule.participants >}}" in annexes
