"""A corpus of malformed raw files: each stops the intake with the file, the line or row (and the
record's id), the column and what was expected, and leaves no partial output.

Every case takes a real raw file of the default evaluation, makes one small edit in tmp_path (a
wrong type, an unknown label or code, an out-of-range value, a missing or extra column, a duplicate
key, a bad date, a sex split that does not add up, a truncated or unreadable file, a wrong
encoding, ...) and runs the intake as the pipeline does: read_raw, then clean_table with the
instrument's codebook, the evaluation's duplicate resolutions, its data family and, for monitoring
files, the values the evaluation sets per file. The problems raised are pinned word for word, so a
vaguer message fails the test.

Locations: CSV "line N" counts the header as line 1; SPSS/Stata "row N" counts data rows from 1.
Rows in duplicates.yaml are data rows (line - 1 in a CSV).
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyreadstat
import pytest

from evalkit.core.errors import DataError
from evalkit.families import get as get_family
from evalkit.intake.clean import clean_table
from evalkit.intake.readers import read_raw

from .conftest import ROOT

EVAL = "raw/mexico-auto-2024"
RAW = ROOT / EVAL
CODEBOOKS = "config/evaluations/mexico-auto-2024/codebooks"

EL = "fieldwork/engagement_log.csv"
MAP = "monitoring/map_indicators.csv"
CALLE = "monitoring/calle_indicators.csv"
WF = "workshops/validation_workshop_forms.csv"
OJ = "qualitative/outcome_journal.csv"
CS = "qualitative/coded_segments.csv"
SAV = "post_interview_survey.sav"
DTA = "worker_survey.dta"

INSTRUMENT = {EL: "engagement_log", MAP: "monitoring", CALLE: "monitoring", WF: "workshop_forms",
              OJ: "outcome_journal", CS: "coded_segments", SAV: "post_interview", DTA: "worker"}


# --- the intake, as clean_instrument runs it for one file -------------------------------------

def intake(evaluation, source: str, path: Path, resolutions=None):
    """read_raw + clean_table for a variant of raw/mexico-auto-2024/<source> stored at `path`."""
    iid = INSTRUMENT[source]
    ins = evaluation.instrument(iid)
    shown = f"{EVAL}/{source}"
    [part] = [p for p in evaluation.raw_files(ins) if p["file"] == shown]
    raw = read_raw(path, ins["format"], display_name=shown, encoding=ins.get("encoding", "utf-8"))
    return clean_table(raw, evaluation.codebooks[iid], set_values=part["set"],
                       resolutions=evaluation.resolutions() if resolutions is None else resolutions,
                       instrument=iid, kind=ins["kind"], hook=get_family(ins["kind"]).clean)


# --- one small edit of a real raw file ----------------------------------------------------------

def _read_rows(src: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"), newline="")))


def _write_rows(rows: list[list[str]], out: Path) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def rows(edit: Callable[[list[list[str]]], None]):
    """Edit the CSV as a list of rows (rows[0] is the header, rows[n - 1] is line n)."""
    def make(src: Path, tmp: Path) -> Path:
        r = _read_rows(src)
        edit(r)
        return _write_rows(r, tmp / src.name)
    return make


def cells(*edits: tuple[int, str, str]):
    """Set (line, header column, value) cells of the CSV; line 1 is the header."""
    def edit(r):
        for line, column, value in edits:
            r[line - 1][r[0].index(column)] = value
    return rows(edit)


def text(edit: Callable[[str], str], encoding: str = "utf-8"):
    """Edit the file's text, then save it in `encoding`."""
    def make(src: Path, tmp: Path) -> Path:
        out = tmp / src.name
        out.write_bytes(edit(src.read_text(encoding="utf-8")).encode(encoding))
        return out
    return make


def content(data: Callable[[bytes], bytes], name: str | None = None):
    """Replace the file's bytes (e.g. truncate it, or put another file's bytes under its name)."""
    def make(src: Path, tmp: Path) -> Path:
        out = tmp / (name or src.name)
        out.write_bytes(data(src.read_bytes()))
        return out
    return make


def sav(edit: Callable):
    """Rewrite the SPSS file after edit(df, missing) -> (df, missing); missing: variable -> codes or ranges."""
    def make(src: Path, tmp: Path) -> Path:
        df, meta = pyreadstat.read_sav(str(src), user_missing=True)
        missing = {k: [r["lo"] if r["lo"] == r["hi"] else r for r in v] for k, v in meta.missing_ranges.items()}
        df, missing = edit(df.copy(), missing)
        labels = {c: meta.column_names_to_labels.get(c) for c in df.columns}
        values = {k: v for k, v in meta.variable_value_labels.items() if k in df.columns}
        out = tmp / src.name
        pyreadstat.write_sav(df, str(out), column_labels=labels, variable_value_labels=values,
                             missing_ranges={k: v for k, v in missing.items() if k in df.columns})
        return out
    return make


def dta(edit: Callable):
    """Rewrite the Stata file after edit(df, missing) -> (df, missing); missing: variable -> letters."""
    def make(src: Path, tmp: Path) -> Path:
        df, meta = pyreadstat.read_dta(str(src), user_missing=True)
        missing = {k: list(v) for k, v in meta.missing_user_values.items()}
        df, missing = edit(df.copy(), missing)
        out = tmp / src.name
        pyreadstat.write_dta(df, str(out), column_labels=meta.column_names_to_labels,
                             variable_value_labels=meta.variable_value_labels, missing_user_values=missing,
                             version=14)
        return out
    return make


def unchanged(src: Path, tmp: Path) -> Path:
    return src


def _set(column, row, value):
    """An SPSS/Stata edit setting data row `row` (1-based) of `column`."""
    def edit(df, missing):
        df.loc[row - 1, column] = value
        return df, missing
    return edit


def _truncate_last_line(t: str) -> str:
    """The file as if the transfer stopped in the middle of its last line, before its last fields."""
    body = t.rstrip("\n")
    last = body.rsplit("\n", 1)[1]
    return body[: len(body) - len(last) + last.index(",", last.index(",") + 1)]


# --- what is expected -------------------------------------------------------------------------

class Has:
    """A problem containing all these parts (for problems that quote long codebook lists)."""

    def __init__(self, *parts: str):
        self.parts = parts

    def __repr__(self) -> str:
        return f"Has{self.parts!r}"

    def matches(self, problem: str) -> bool:
        return all(p in problem for p in self.parts)


def _matches(want, problem: str) -> bool:
    return want.matches(problem) if isinstance(want, Has) else problem == want


@dataclass
class Case:
    id: str
    source: str                        # a raw file of the default evaluation, under raw/mexico-auto-2024/
    make: Callable[[Path, Path], Path]  # (real file, tmp_path) -> the malformed variant
    expect: list                       # problems (exact text, or Has(...)) that must all be raised
    count: int | None = 1              # exact number of problems listed (None: not checked)
    resolutions: list | None = None    # None: the evaluation's own duplicates.yaml


def resolution(instrument, key, row, action, **extra):
    return {"instrument": instrument, "key": key, "row": row, "action": action, "by": "Test",
            "date": "2024-03-01", "reason": "test", **extra}


STAKEHOLDERS = ("Academia, CSOs, media outlets and other organizations (academia_cso), Business associations "
                "(business), Grantee and implementing partners (grantee), Host-country government (host_government), "
                "Labor unions (unions), U.S. and Canadian governments (us_canada), Workers / worker groups (workers)")
PRIORITY = "expected one of 1 (p1), 2 (p2), 3 (p3), 4 (p4), 5 (p5)"
EFFECTIVENESS = ("expected one of 1 (low), 2 (moderate), 3 (above_moderate), 4 (high), 8 (dont_know), "
                 "9 (no_answer)")
LEVEL = "expected one of 1 (low), 2 (moderate), 3 (above_moderate), 4 (high), a (dont_know), b (no_answer)"
NOT_DATE = "is not a date; expected YYYY-MM-DD (a real calendar date)"
FGD1 = "line 3 (activity_id 'FGD-001')"        # engagement log: FGD-001, 4 participants (0 men, 4 women)
MAP2 = "line 2 (indicator 'LR-CAP')"           # MAP: LR-CAP 2021-H1, actual 62 (33 men, 29 women)
NOT_UTF8 = ("is not valid utf-8 text; expected utf-8 (was the file saved in another encoding, such as "
            "Windows-1252? Re-save it as utf-8, or declare `encoding:` for the instrument)")
DECLARE = ("declare it there (with privacy: direct_identifier or free_text if it can identify people) so that "
           "it is checked or removed")


CASES = [
    # --- wrong type, out of range ------------------------------------------------------------
    Case(
        "csv-integer-is-text",
        EL,
        cells((3, "Participants", "four")),
        [f"{FGD1}, column 'Participants' (participants): 'four' is not a whole number"],
    ),
    Case(
        "csv-integer-has-fraction",
        EL,
        cells((3, "Participants", "4.5")),
        [f"{FGD1}, column 'Participants' (participants): '4.5' is not a whole number"],
    ),
    Case(
        "csv-integer-below-min-0",
        EL,
        cells((3, "Men", "-1"), (3, "Women", "5")),
        [f"{FGD1}, column 'Men' (participants_men): '-1' is below the allowed minimum 0"],
    ),
    Case(
        "csv-integer-below-min-1",
        EL,
        cells((3, "Participants", "0"), (3, "Women", "0")),
        [f"{FGD1}, column 'Participants' (participants): '0' is below the allowed minimum 1"],
    ),
    Case(
        "csv-number-is-text",
        MAP,
        cells((2, "Target", "n/a")),
        [f"{MAP2}, column 'Target' (target): 'n/a' is not a number"],
    ),
    Case(
        "csv-number-below-min-0",
        MAP,
        cells((2, "Target", "-52")),
        [f"{MAP2}, column 'Target' (target): '-52' is below the allowed minimum 0"],
    ),
    # --- unknown labels and codes ------------------------------------------------------------
    Case(
        "csv-unknown-category-label",
        EL,
        cells((3, "Mode", "Online")),
        [
            f"{FGD1}, column 'Mode' (mode): 'Online' is not a code in the codebook; expected one of "
            f"In person (in_person), Remote (remote)"
        ],
    ),
    Case(
        "csv-unknown-stakeholder-label",
        OJ,
        cells((2, "Who changed", "Workers")),
        [
            f"line 2 (entry_id 'OJ-01'), column 'Who changed' (who_changed): 'Workers' is not a code in the codebook; "
            f"expected one of {STAKEHOLDERS}"
        ],
    ),
    Case(
        "csv-unknown-workshop-code",
        WF,
        cells((2, "Workshop", "W7")),
        [
            Has(
                "line 2 (form_id 'VW-001'), column 'Workshop' (workshop): 'W7' is not a code in the codebook; "
                "expected one of "
                "W1 (w1), W2 (w2), W3 (w3), W4 (w4), W5 (w5), W6 (w6)"
            )
        ],
    ),
    Case(
        "csv-rating-out-of-scale",
        WF,
        cells((2, "Recommendation 3", "7")),
        [
            "line 2 (form_id 'VW-001'), column 'Recommendation 3' (rec_3): '7' is not a value of scale 'priority' "
            "in the codebook; "
            f"{PRIORITY}"
        ],
    ),
    Case(
        "csv-rating-zero",
        WF,
        cells((3, "Recommendation 9", "0")),
        [
            "line 3 (form_id 'VW-002'), column 'Recommendation 9' (rec_9): '0' is not a value of scale 'priority' "
            "in the codebook; "
            f"{PRIORITY}"
        ],
    ),
    Case(
        "spss-unknown-category-code",
        SAV,
        sav(_set("gender", 10, 3.0)),
        [
            "row 10 (resp_id 'PIS-0011'), column 'gender': 3 is not a code in the codebook; "
            "expected one of 1 (man), 2 (woman)"
        ],
    ),
    Case(
        "spss-rating-out-of-scale",
        SAV,
        sav(_set("awareness", 5, 5.0)),
        [
            f"row 5 (resp_id 'PIS-0005'), column 'awareness': 5 is not a value of scale 'effectiveness' in the "
            f"codebook; {EFFECTIVENESS}"
        ],
    ),
    Case(
        "stata-unknown-category-code",
        DTA,
        dta(_set("state", 4, 9)),
        [
            "row 4 (id 'WS-004'), column 'state': 9 is not a code in the codebook; expected one of 1 (aguascalientes), "
            "2 (coahuila), 3 (edomex), 4 (guanajuato), 5 (puebla), 6 (san_luis_potosi)"
        ],
    ),
    Case(
        "stata-rating-out-of-scale",
        DTA,
        dta(_set("cba_knowledge", 1, 5)),
        [f"row 1 (id 'WS-001'), column 'cba_knowledge': 5 is not a value of scale 'level' in the codebook; {LEVEL}"],
    ),
    # --- empty cells and keys ----------------------------------------------------------------
    Case(
        "csv-empty-required-category",
        EL,
        cells((3, "Method", "")),
        [f"{FGD1}, column 'Method' (method): empty; expected one of KII (kii), FGD (fgd)"],
    ),
    Case(
        "csv-empty-required-integer",
        EL,
        cells((3, "Participants", "")),
        [f"{FGD1}, column 'Participants' (participants): empty; expected a whole number"],
    ),
    Case(
        "csv-empty-key",
        EL,
        cells((3, "Activity ID", "")),
        ["line 3, column 'Activity ID' (activity_id): empty key; expected a value identifying the record"],
    ),
    Case(
        "csv-empty-part-of-composite-key",
        MAP,
        cells((2, "Indicator code", "")),
        [
            "line 2, column 'project', 'Indicator code' (indicator), 'Reporting period' (period): empty key; "
            "expected a value identifying the record"
        ],
    ),
    Case(
        "spss-empty-key",
        SAV,
        sav(_set("resp_id", 3, "")),
        ["row 3, column 'resp_id': empty key; expected a value identifying the record"],
    ),
    Case(
        "stata-system-missing-category",
        DTA,
        dta(_set("gender", 2, float("nan"))),
        ["row 2 (id 'WS-002'), column 'gender': empty; expected one of 1 (man), 2 (woman)"],
    ),
    # --- patterns ----------------------------------------------------------------------------
    Case(
        "csv-period-pattern",
        MAP,
        cells((2, "Reporting period", "2021-H3")),
        [
            f"{MAP2}, column 'Reporting period' (period): '2021-H3' does not have the expected form (pattern "
            f"^[0-9]{{4}}-H[12]$)"
        ],
    ),
    Case(
        "csv-id-pattern",
        EL,
        cells((3, "Activity ID", "FGD-1")),
        [
            "line 3 (activity_id 'FGD-1'), column 'Activity ID' (activity_id): 'FGD-1' does not have the expected form "
            "(pattern ^(KII|FGD)-[0-9]{3}$)"
        ],
    ),
    Case(
        "csv-code-pattern",
        CS,
        cells((2, "Code", "Underserved groups")),
        [
            "line 2 (segment_id 'SEG-0001'), column 'Code' (code): 'Underserved groups' does not have the expected "
            "form "
            "(pattern ^[a-z]+(-[a-z]+)*$)"
        ],
    ),
    Case(
        "spss-timestamp-pattern",
        SAV,
        sav(_set("submitted", 1, "09/11/2023 10:36")),
        [
            "row 1 (resp_id 'PIS-0001'), column 'submitted': '09/11/2023 10:36' does not have the expected form "
            "(pattern ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$)"
        ],
    ),
    # --- dates -------------------------------------------------------------------------------
    Case(
        "csv-date-not-in-calendar",
        EL,
        cells((3, "Date", "2023-02-30")),
        [f"{FGD1}, column 'Date' (date): '2023-02-30' {NOT_DATE}"],
    ),
    Case(
        "csv-date-day-first",
        EL,
        cells((3, "Date", "14/11/2023")),
        [f"{FGD1}, column 'Date' (date): '14/11/2023' {NOT_DATE}"],
    ),
    Case(
        "csv-date-as-text",
        EL,
        cells((3, "Date", "9 de noviembre")),
        [f"{FGD1}, column 'Date' (date): '9 de noviembre' {NOT_DATE}"],
    ),
    Case(
        "csv-date-with-time",
        OJ,
        cells((3, "Submitted", "2023-11-09 14:02")),
        [f"line 3 (entry_id 'OJ-02'), column 'Submitted' (submitted): '2023-11-09 14:02' {NOT_DATE}"],
    ),
    Case(
        "csv-date-empty",
        OJ,
        cells((4, "Outcome date", "")),
        ["line 4 (entry_id 'OJ-03'), column 'Outcome date' (date): empty; expected a date YYYY-MM-DD"],
    ),
    # --- sex splits ----------------------------------------------------------------------------
    # The parts' sum and the total are pinned loosely: see test_sum_problem_shows_plain_numbers.
    Case(
        "csv-participants-not-men-plus-women",
        EL,
        cells((3, "Men", "1")),
        [
            Has(
                f"{FGD1}, column 'Participants' (participants): ",
                "but 'Men' (participants_men) + 'Women' (participants_women) = ",
                "; expected the total to equal the sum of its parts",
            )
        ],
    ),
    Case(
        "csv-participants-one-part-only",
        EL,
        cells((3, "Women", "")),
        [
            f"{FGD1}, columns 'Men' (participants_men), 'Women' (participants_women): only some are filled; "
            "expected all of them or none",
            f"{FGD1}, column 'Women' (participants_women): empty; expected a whole number",
        ],
        count=2,
    ),
    Case(
        "csv-actual-not-men-plus-women",
        MAP,
        cells((2, "Actual", "63")),
        [
            Has(
                f"{MAP2}, column 'Actual' (actual): ",
                "but 'Actual (men)' (actual_men) + 'Actual (women)' (actual_women) = 62; expected the total to "
                "equal the "
                "sum of its parts",
            )
        ],
    ),
    Case(
        "csv-actual-one-part-only",
        MAP,
        cells((2, "Actual (women)", "")),
        [
            f"{MAP2}, columns 'Actual (men)' (actual_men), 'Actual (women)' (actual_women): only some are filled; "
            "expected all of them or none"
        ],
    ),
    # --- monitoring series -------------------------------------------------------------------
    # CALLE reports cumulatively: 2020-H2 37 (21 men, 16 women); 2021-H1 becomes 30 (21 men, 9 women).
    Case(
        "csv-cumulative-series-decreases",
        CALLE,
        cells((4, "Actual", "30"), (4, "Actual (men)", "21"), (4, "Actual (women)", "9")),
        [
            "line 4 (indicator 'LR-CAP'), column 'Actual' (actual): cumulative value 30 for 2021-H1 is below the "
            "previous "
            "period's 37; expected a cumulative series never to decrease",
            "line 4 (indicator 'LR-CAP'), column 'Actual (women)' (actual_women): cumulative value 9 for 2021-H1 "
            "is below the previous "
            "period's 16; expected a cumulative series never to decrease",
        ],
        count=2,
    ),
    Case(
        "csv-indicator-mixes-period-and-cumulative",
        CALLE,
        cells((3, "Value type", "Period")),
        [
            "line 2 (indicator 'LR-CAP'), column 'Value type' (value_type): indicator 'LR-CAP' is reported both "
            "per period and "
            "cumulatively; expected one value type per indicator"
        ],
    ),
    # count=None: a second, contradictory problem follows (see test_column_set_by_evaluation_is_reported_once).
    Case(
        "csv-project-in-file-and-set-by-evaluation",
        MAP,
        rows(lambda r: [x.append("MAP" if i else "project") for i, x in enumerate(r)]),
        [
            "column 'project' is in the file, but the evaluation also sets 'project' for this file; expected one or "
            "the other"
        ],
        count=None,
    ),
    # --- columns -------------------------------------------------------------------------------
    Case(
        "csv-missing-column",
        EL,
        rows(lambda r: [x.pop(3) for x in r]),
        [f"column 'Mode' is missing (the codebook {CODEBOOKS}/engagement_log.yaml declares it as 'mode')"],
    ),
    Case(
        "csv-missing-identifier-column",
        OJ,
        rows(lambda r: [x.pop() for x in r]),
        [
            f"column 'Contact e-mail' is missing (the codebook {CODEBOOKS}/outcome_journal.yaml declares it as "
            f"'contact_email')"
        ],
    ),
    Case(
        "csv-extra-undeclared-column",
        EL,
        rows(lambda r: [x.insert(1, "Nombre" if i == 0 else f"Persona {i}") for i, x in enumerate(r)]),
        [f"column 'Nombre' is not in the codebook {CODEBOOKS}/engagement_log.yaml; {DECLARE}"],
    ),
    Case(
        "csv-duplicate-header-column",
        EL,
        cells((1, "Women", "Men")),
        ["line 1: column 'Men' appears more than once in the header"],
    ),
    Case(
        "spss-missing-column",
        SAV,
        sav(lambda df, m: (df.drop(columns=["state"]), m)),
        [f"column 'state' is missing (the codebook {CODEBOOKS}/post_interview_survey.yaml declares it)"],
    ),
    Case(
        "spss-extra-undeclared-column",
        SAV,
        sav(lambda df, m: (df.assign(Nombre="Persona"), m)),
        [f"column 'Nombre' is not in the codebook {CODEBOOKS}/post_interview_survey.yaml; {DECLARE}"],
    ),
    Case(
        "stata-missing-column",
        DTA,
        dta(lambda df, m: (df.drop(columns=["sector"]), m)),
        [f"column 'sector' is missing (the codebook {CODEBOOKS}/worker_survey.yaml declares it)"],
    ),
    # --- duplicates ------------------------------------------------------------------------------
    Case(
        "csv-duplicate-key-unresolved",
        EL,
        cells((4, "Activity ID", "FGD-001")),
        [
            Has(
                "key 'FGD-001' appears 2 times (line 3 (activity_id 'FGD-001'), line 4 (activity_id 'FGD-001')); "
                "the copies differ in: method, ",
                "Unresolved: data row(s) 2, 3. Add an entry per copy to "
                "duplicates.yaml (instrument: engagement_log, key: 'FGD-001', row: <data row>, action: "
                "keep | drop | new_id, by, date, reason)",
            )
        ],
    ),
    Case(
        "csv-duplicate-composite-key",
        MAP,
        cells((3, "Reporting period", "2021-H1")),
        [
            Has(
                "key 'MAP | LR-CAP | 2021-H1' appears 2 times (line 2 (indicator 'LR-CAP'), line 3 (indicator "
                "'LR-CAP')); the copies differ in: target, actual, actual_men, actual_women.",
                "Unresolved: data row(s) 1, 2.",
            )
        ],
    ),
    Case(
        "csv-real-duplicate-without-resolutions",
        WF,
        unchanged,
        [
            Has(
                "key 'VW-059' appears 2 times (line 60 (form_id 'VW-059'), line 64 (form_id 'VW-059')); the copies "
                "differ in: ",
                "Unresolved: data row(s) 59, 63.",
            )
        ],
        resolutions=[],
    ),
    Case(
        "spss-real-duplicate-without-resolutions",
        SAV,
        unchanged,
        [
            "key 'PIS-0015' appears 2 times (row 19 (resp_id 'PIS-0015'), row 20 (resp_id 'PIS-0015')); the copies "
            "differ in: submitted, inspections. Unresolved: data row(s) 19, 20. Add an entry per copy to "
            "duplicates.yaml (instrument: post_interview, key: 'PIS-0015', row: <data row>, action: "
            "keep | drop | new_id, by, date, reason)"
        ],
        resolutions=[],
    ),
    # The team's file resolves PIS-0015 at data rows 19 and 20; a re-export without the earlier copy
    # leaves both entries pointing at nothing.
    Case(
        "spss-stale-resolutions",
        SAV,
        sav(lambda df, m: (df.drop(index=18).reset_index(drop=True), m)),
        [
            f"duplicates.yaml: the resolution for key 'PIS-0015', data row {n} matches no duplicate in {EVAL}/{SAV}; "
            f"remove it or correct key/row"
            for n in (19, 20)
        ],
        count=2,
    ),
    Case(
        "csv-stale-resolution",
        EL,
        unchanged,
        [
            f"duplicates.yaml: the resolution for key 'KII-001', data row 1 matches no duplicate in {EVAL}/{EL}; "
            f"remove it or correct key/row"
        ],
        resolutions=[resolution("engagement_log", "KII-001", 1, "drop")],
    ),
    Case(
        "csv-resolution-at-wrong-row",
        WF,
        unchanged,
        [
            Has("key 'VW-059' appears 2 times", "Unresolved: data row(s) 63."),
            f"duplicates.yaml: key 'VW-059' has no copy at data row 62 in {EVAL}/{WF}",
        ],
        count=2,
        resolutions=[
            resolution("workshop_forms", "VW-059", 59, "drop"),
            resolution("workshop_forms", "VW-059", 62, "keep"),
        ],
    ),
    Case(
        "csv-both-copies-kept",
        WF,
        unchanged,
        ["key 'VW-059': 2 copies are marked 'keep' in duplicates.yaml (data rows 59, 63); expected at most one"],
        resolutions=[
            resolution("workshop_forms", "VW-059", 59, "keep"),
            resolution("workshop_forms", "VW-059", 63, "keep"),
        ],
    ),
    # --- SPSS and Stata metadata -------------------------------------------------------------------
    Case(
        "spss-wrong-declared-missing-codes",
        SAV,
        sav(lambda df, m: (df, {**m, "awareness": [7.0, 9.0]})),
        ["column 'awareness': declared SPSS missing codes are 7, 9; the codebook expects 8, 9"],
    ),
    Case(
        "spss-missing-range",
        SAV,
        sav(lambda df, m: (df, {**m, "coordination": [{"lo": 8.0, "hi": 9.0}]})),
        ["column 'coordination': missing range 8-9; evalkit expects discrete missing codes"],
    ),
    Case(
        "stata-extended-missing-not-in-codebook",
        DTA,
        dta(lambda df, m: (_set("vote_confidence", 3, "c")(df, m)[0], {**m, "vote_confidence": ["a", "b", "c"]})),
        [
            f"row 3 (id 'WS-003'), column 'vote_confidence': 'c' is not a value of scale 'level' in the codebook; "
            f"{LEVEL}",
            "column 'vote_confidence': Stata extended missing values used are 'a', 'b', 'c'; the codebook expects "
            "'a', 'b'",
        ],
        count=2,
    ),
    # --- unreadable, truncated, empty, wrong encoding ----------------------------------------------
    Case(
        "spss-truncated",
        SAV,
        content(lambda b: b[: len(b) // 2]),
        [
            "cannot be read as an SPSS .sav file (File did not contain the expected number of rows); the file may be "
            "truncated or of another format"
        ],
    ),
    Case(
        "spss-header-only",
        SAV,
        content(lambda b: b[:300]),
        [Has("cannot be read as an SPSS .sav file (", "); the file may be truncated or of another format")],
    ),
    Case(
        "spss-file-is-a-csv",
        SAV,
        content(lambda b: (RAW / EL).read_bytes()),
        [
            "cannot be read as an SPSS .sav file (Invalid file, or file has unsupported features); the file may be "
            "truncated or of another format"
        ],
    ),
    Case(
        "stata-truncated",
        DTA,
        content(lambda b: b[: len(b) // 2]),
        [
            "cannot be read as a Stata .dta file (Invalid file, or file has unsupported features); the file may be "
            "truncated or of another format"
        ],
    ),
    Case(
        "stata-file-is-an-spss-file",
        DTA,
        content(lambda b: (RAW / SAV).read_bytes()),
        [Has("cannot be read as a Stata .dta file (", "); the file may be truncated or of another format")],
    ),
    Case(
        "csv-last-line-cut-mid-row",
        EL,
        text(_truncate_last_line),
        [
            "line 78: 2 field(s); expected 10 as in the header (is the file truncated, or does a text contain an "
            "unquoted comma?)"
        ],
    ),
    Case(
        "csv-cut-inside-quoted-text",
        OJ,
        text(lambda t: t[: len(t) // 2]),
        [
            "line 9: 8 field(s); expected 11 as in the header (is the file truncated, or does a text contain an "
            "unquoted comma?)"
        ],
    ),
    Case(
        "csv-unquoted-comma-in-text",
        CS,
        text(
            lambda t: t.replace(
                "Nobody is looking at workers with disabilities",
                "Nobody, really, is looking at workers with disabilities",
            )
        ),
        [
            "line 2: 7 field(s); expected 5 as in the header (is the file truncated, or does a text contain an "
            "unquoted comma?)"
        ],
    ),
    Case("csv-empty-file", EL, content(lambda b: b""), ["the file is empty; expected a header line and data lines"]),
    Case(
        "csv-only-blank-lines",
        EL,
        content(lambda b: b"\n \n\n"),
        ["the file is empty; expected a header line and data lines"],
    ),
    Case(
        "csv-utf16-without-bom",
        EL,
        text(lambda t: t.replace("í", "i").replace("é", "e").replace("ó", "o"), encoding="utf-16-le"),
        [
            "the file contains NUL bytes; expected a text (CSV) file — is it a spreadsheet (.xlsx), an SPSS/Stata "
            "file or another binary file? Export it as CSV"
        ],
    ),
    # Line 24: KII-010 in Querétaro; cp1252 writes é as the single byte 0xe9.
    Case("csv-saved-as-windows-1252", EL, text(lambda t: t, encoding="cp1252"), [f"line 24: byte 0xe9 {NOT_UTF8}"]),
    # Line 2: OJ-01, whose text has "votó"; cp1252 writes ó as the single byte 0xf3.
    Case(
        "csv-spanish-text-saved-as-windows-1252",
        OJ,
        text(lambda t: t, encoding="cp1252"),
        [f"line 2: byte 0xf3 {NOT_UTF8}"],
    ),
    # --- many problems ---------------------------------------------------------------------------
    Case(
        "spss-many-problems-summarized",
        SAV,
        sav(lambda df, m: (df.assign(awareness=7.0), m)),
        [
            Has("row 1 (resp_id 'PIS-0001'), column 'awareness': 7 is not a value of scale 'effectiveness'"),
            "... and 74 more problem(s)",
        ],
        count=21,
    ),
    Case(
        "csv-many-problems-summarized",
        WF,
        rows(lambda r: [x.__setitem__(1, "W0") for x in r[1:]]),
        [
            Has("line 2 (form_id 'VW-001'), column 'Workshop' (workshop): 'W0' is not a code in the codebook"),
            Has("line 21 (form_id 'VW-020'), column 'Workshop' (workshop): 'W0'"),
            "... and 42 more problem(s)",
        ],
        count=21,
    ),
]


def test_corpus_is_large_and_named_uniquely():
    ids = [c.id for c in CASES]
    assert len(ids) >= 30 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_file_stops_the_intake(case, evaluation, tmp_path):
    path = case.make(RAW / case.source, tmp_path)
    with pytest.raises(DataError) as exc:
        intake(evaluation, case.source, path, case.resolutions)
    err, shown = exc.value, f"{EVAL}/{case.source}"
    assert err.source == shown
    assert str(err).startswith(f"{shown}: {len(err.problems)} problem(s):\n  - ")
    listed = "\n".join(f"  {p}" for p in err.problems)
    for want in case.expect:
        assert any(_matches(want, p) for p in err.problems), f"expected {want!r} among:\n{listed}"
    if case.count is not None:
        assert len(err.problems) == case.count, listed


@pytest.mark.parametrize(
    "source, make",
    [
        (EL, rows(lambda r: None)),
        (MAP, rows(lambda r: None)),
        (SAV, sav(lambda df, m: (df, m))),
        (DTA, dta(lambda df, m: (df, m))),
    ],
    ids=["csv", "csv-monitoring", "spss", "stata"],
)
def test_unedited_variants_are_clean(source, make, evaluation, tmp_path):
    """The writers of the variants change nothing by themselves: every problem above comes from the edit."""
    path = make(RAW / source, tmp_path)
    assert path.parent == tmp_path
    cleaned = intake(evaluation, source, path)
    assert cleaned.report["rows_kept"] == intake(evaluation, source, RAW / source).report["rows_kept"] > 0


# --- known gaps: what the issue asks, not yet what the intake does (strict: a fix makes them fail) --


def _problems(evaluation, source, make, tmp_path, resolutions=None) -> list[str]:
    with pytest.raises(DataError) as exc:
        intake(evaluation, source, make(RAW / source, tmp_path), resolutions)
    assert exc.value.source == f"{EVAL}/{source}"
    return exc.value.problems


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("value", ["inf", "99999999999999999999999"], ids=["inf", "too-large"])
def test_non_finite_or_huge_integer_is_a_data_error(value, evaluation, tmp_path):
    problems = _problems(evaluation, EL, cells((3, "Participants", value)), tmp_path)
    assert f"{FGD1}, column 'Participants' (participants): '{value}' is not a whole number" in problems


def test_infinite_number_is_rejected(evaluation, tmp_path):
    problems = _problems(evaluation, MAP, cells((2, "Target", "inf")), tmp_path)
    assert f"{MAP2}, column 'Target' (target): 'inf' is not a number" in problems


def test_sum_problem_shows_plain_numbers(evaluation, tmp_path):
    problems = _problems(evaluation, EL, cells((3, "Men", "1")), tmp_path)
    assert problems == [
        f"{FGD1}, column 'Participants' (participants): 4 but 'Men' (participants_men) + 'Women' "
        "(participants_women) = 5; "
        f"expected the total to equal the sum of its parts"
    ]


@pytest.mark.parametrize("other", [SAV, DTA], ids=["spss-file", "stata-file"])
def test_binary_file_given_as_csv_is_called_binary(other, evaluation, tmp_path):
    problems = _problems(evaluation, EL, content(lambda b: (RAW / other).read_bytes()), tmp_path)
    assert problems == [
        "the file contains NUL bytes; expected a text (CSV) file — is it a spreadsheet (.xlsx), an SPSS/Stata file "
        "or another binary file? Export it as CSV"
    ]


def test_line_numbers_count_line_breaks_inside_quoted_text(evaluation, tmp_path):
    def edit(r):
        r[1][7] = r[1][7][:50] + "\n" + r[1][7][50:]  # OJ-01's 'What changed' on two lines
        r[4][r[0].index("Outcome date")] = "2023-02-30"  # OJ-04, now on line 6 of the file

    problems = _problems(evaluation, OJ, rows(edit), tmp_path)
    assert problems == [f"line 6 (entry_id 'OJ-04'), column 'Outcome date' (date): '2023-02-30' {NOT_DATE}"]


def test_reader_says_how_many_more_ragged_lines(evaluation, tmp_path):
    def stray_comma(t):  # at the end of each of the 77 data lines
        header, body = t.split("\n", 1)
        return header + "\n" + body.replace("\n", ",\n")

    problems = _problems(evaluation, EL, text(stray_comma), tmp_path)
    assert problems[0] == (
        "line 2: 11 field(s); expected 10 as in the header (is the file truncated, or does a text "
        "contain an unquoted comma?)"
    )
    assert len(problems) == 21 and problems[-1] == "... and 57 more line(s) with the wrong number of fields"


def test_csv_with_header_only_is_a_data_error(evaluation, tmp_path):
    problems = _problems(evaluation, EL, text(lambda t: t.split("\n", 1)[0] + "\n"), tmp_path)
    assert problems == ["no data lines after the header; expected one line per record (is the file truncated?)"]


def test_column_set_by_evaluation_is_reported_once(evaluation, tmp_path):
    problems = _problems(
        evaluation, MAP, rows(lambda r: [x.append("MAP" if i else "project") for i, x in enumerate(r)]), tmp_path
    )
    assert problems == [
        "column 'project' is in the file, but the evaluation also sets 'project' for this file; "
        "expected one or the other"
    ]


def test_spss_category_stored_as_text_names_the_type(evaluation, tmp_path):
    def edit(df, m):
        return df.assign(gender=df["gender"].map(lambda v: str(int(v)))), m

    problems = _problems(evaluation, SAV, sav(edit), tmp_path)
    assert problems == [
        "column 'gender': holds text; expected the numeric codes of the codebook (is the variable "
        "stored as a string in the SPSS file?)"
    ]


# --- end to end: clean_instrument writes both outputs or none --------------------------------------


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    """A copy of the repository's config/ and raw/ (the schemas are found next to the package), loaded once."""
    from evalkit.model.context import Context

    root = tmp_path_factory.mktemp("project")
    for folder in ("config", "raw"):
        shutil.copytree(ROOT / folder, root / folder)
    return root, Context.load(root)


@pytest.fixture
def project(copied, tmp_path):
    """The copied project, restored after each test; outputs go to this test's own folder."""
    root, ctx = copied
    yield root, ctx, tmp_path / "results" / "clean"
    for folder in ("config", "raw"):
        shutil.copytree(ROOT / folder, root / folder, dirs_exist_ok=True)


def _replace_raw(root: Path, source: str, make) -> None:
    """Put the malformed variant of a raw file in place of the file, in the copied project."""
    target = root / EVAL / source
    work = root / "work"
    work.mkdir(exist_ok=True)
    shutil.move(make(target, work), target)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_good_file_writes_clean_table_and_intake_report(project):
    from evalkit.steps.intake import clean_instrument

    root, ctx, out = project
    table, report = out / "engagement_log.csv", out / "engagement_log.intake.json"
    clean_instrument(ctx, "engagement_log", table, report)
    assert _files(out) == ["engagement_log.csv", "engagement_log.intake.json"]
    assert table.read_text(encoding="utf-8").startswith("activity_id,method,date,mode,state,stakeholder,participants,")
    assert f'"file": "{EVAL}/{EL}"' in report.read_text(encoding="utf-8")
    assert '"rows": 77' in report.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "instrument, source, make, message",
    [
        (
            "engagement_log",
            EL,
            cells((3, "Date", "2023-02-30")),
            f"{FGD1}, column 'Date' (date): '2023-02-30' {NOT_DATE}",
        ),
        # the last of the four monitoring files is bad: the three good ones before it must not be written either
        (
            "monitoring",
            CALLE,
            cells((3, "Value type", "Period")),
            "line 2 (indicator 'LR-CAP'), column 'Value type' (value_type): indicator 'LR-CAP' is reported both "
            "per period and "
            "cumulatively; expected one value type per indicator",
        ),
        (
            "post_interview",
            SAV,
            content(lambda b: b[: len(b) // 2]),
            "cannot be read as an SPSS .sav file (File did not contain the expected number of rows); the file may be "
            "truncated or of another format",
        ),
    ],
    ids=["csv-bad-date", "fourth-monitoring-file", "truncated-spss"],
)
def test_bad_file_leaves_no_output(instrument, source, make, message, project):
    from evalkit.steps.intake import clean_instrument

    root, ctx, out = project
    _replace_raw(root, source, make)
    with pytest.raises(DataError) as exc:
        clean_instrument(ctx, instrument, out / f"{instrument}.csv", out / f"{instrument}.intake.json")
    assert str(exc.value) == f"{EVAL}/{source}: 1 problem(s):\n  - {message}"
    assert _files(out) == []  # neither output, nor a temporary file


def test_unresolved_duplicate_names_the_evaluations_resolutions_file(project):
    from evalkit.steps.intake import clean_instrument

    root, ctx, out = project
    (root / "config/evaluations/mexico-auto-2024/duplicates.yaml").write_text("resolutions: []\n")
    with pytest.raises(DataError) as exc:
        clean_instrument(ctx, "post_interview", out / "post_interview.csv", out / "post_interview.intake.json")
    [problem] = exc.value.problems
    assert problem.endswith(
        "Add an entry per copy to config/evaluations/mexico-auto-2024/duplicates.yaml "
        "(instrument: post_interview, key: 'PIS-0015', row: <data row>, action: "
        "keep | drop | new_id, by, date, reason)"
    )
    assert _files(out) == []


def test_failed_rerun_keeps_the_previous_outputs_whole(project):
    from evalkit.steps.intake import clean_instrument

    root, ctx, out = project
    table, report = out / "workshop_forms.csv", out / "workshop_forms.intake.json"
    clean_instrument(ctx, "workshop_forms", table, report)
    before = table.read_bytes(), report.read_bytes()
    _replace_raw(root, WF, cells((2, "Recommendation 3", "7")))
    with pytest.raises(DataError):
        clean_instrument(ctx, "workshop_forms", table, report)
    assert (table.read_bytes(), report.read_bytes()) == before
    assert _files(out) == ["workshop_forms.csv", "workshop_forms.intake.json"]
