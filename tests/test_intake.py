"""Codebook-driven intake of every data family: renames, recodes, duplicates, reconciliation, export."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from evalkit.cli import export_codebook, main
from evalkit.core.errors import ConfigError
from evalkit.families import get as get_family
from evalkit.intake.clean import clean_table
from evalkit.intake.duplicates import find_duplicates, key_strings, resolve
from evalkit.intake.readers import read_raw
from evalkit.model.evaluation import _check_family

from .conftest import ROOT


@pytest.fixture(scope="module")
def cleaned(cleaned_files):
    tables = {iid: pd.read_csv(p, dtype=str, keep_default_na=False) for iid, p in cleaned_files.items()}
    reports = {iid: json.loads(p.with_suffix(".intake.json").read_text()) for iid, p in cleaned_files.items()}
    return tables, reports


def test_every_family_cleans_to_its_published_size(cleaned):
    tables, _ = cleaned
    sizes = {k: len(v) for k, v in tables.items()}
    assert sizes["post_interview"] == 94 and sizes["worker"] == 19
    assert sizes["engagement_log"] == 77 and sizes["workshop_forms"] == 62
    assert sizes["outcome_journal"] == 16 and 150 <= sizes["coded_segments"] <= 220


def test_engagement_log_reproduces_table_2(cleaned):
    log = cleaned[0]["engagement_log"]
    for c in ("participants", "participants_men", "participants_women"):
        log[c] = log[c].astype(int)
    assert (log["method"] == "kii").sum() == 49 and (log["method"] == "fgd").sum() == 28
    assert log["participants_men"].sum() == 109 and log["participants_women"].sum() == 70
    unions = log[log["stakeholder"] == "unions"]
    assert (len(unions), unions["participants"].sum()) == (14, 44)
    in_person = log[log["mode"] == "in_person"]
    assert (len(in_person), in_person["participants"].sum()) == (43, 116)


def test_mislabeled_category_is_recoded_and_reported(cleaned):
    report = cleaned[1]["engagement_log"]["files"][0]
    assert report["recoded"] == {"stakeholder: 'Sindicatos' -> 'Labor unions'": 1}
    assert report["renamed"]["Stakeholder type"] == "stakeholder"


def test_cumulative_reports_are_reconciled_to_periods(cleaned):
    m = cleaned[0]["monitoring"]
    assert set(m["project"]) == {"map", "ewcs", "auto_employers", "calle"}
    calle = m[(m["project"] == "calle") & (m["indicator"] == "CALLE-01")].sort_values("period")
    assert set(calle["value_type"]) == {"cumulative"}
    per = calle["actual_period"].astype(float)
    assert per.sum() == 675 and calle["actual_cumulative"].astype(float).iloc[-1] == 675
    assert calle["actual_women_period"].astype(float).sum() == 294
    assert (per >= 0).all()
    # a per-period partner: cumulative is the running sum
    sc = m[(m["project"] == "ewcs") & (m["indicator"] == "SC-01")].sort_values("period")
    assert sc["actual_cumulative"].astype(float).iloc[-1] == sc["actual"].astype(float).sum() == 2846


def test_common_indicator_sums_across_projects(cleaned):
    m = cleaned[0]["monitoring"]
    cap = m[m["indicator"] == "LR-CAP"]
    assert cap["actual_period"].astype(float).sum() == 3221
    assert m[m["indicator"] == "LR-BEH"]["actual_period"].astype(float).sum() == 199


def test_identifiers_and_free_text_removed_from_clean_tables(cleaned):
    tables, reports = cleaned
    assert set(reports["post_interview"]["files"][0]["removed_for_privacy"]) == {
        "full_name",
        "email",
        "phone",
        "comment",
    }
    assert "contact_name" not in tables["outcome_journal"].columns
    assert "full_name" not in tables["worker"].columns


def test_duplicate_resolutions_are_recorded_with_who_and_why(cleaned):
    applied = cleaned[1]["post_interview"]["files"][0]["duplicates"]
    assert [(d["row"], d["action"]) for d in applied] == [(19, "drop"), (20, "keep")]
    assert applied[0]["differing"] == ["submitted", "inspections"]
    assert applied[0]["by"] and applied[0]["reason"]


def test_duplicates_list_the_columns_on_which_copies_differ():
    df = pd.DataFrame({"id": ["a", "b", "a", "a"], "x": [1, 2, 1, 3], "y": ["p", "q", "p", "p"]})
    [d] = find_duplicates(df, key_strings(df, ["id"]))
    assert (d.key, d.rows, d.differing) == ("a", [0, 2, 3], ["x"])


def test_new_id_resolution_and_stale_entries():
    df = pd.DataFrame({"id": ["a", "a"], "x": [1, 2]})
    dups = find_duplicates(df, key_strings(df, ["id"]))
    base = {"instrument": "s", "key": "a", "by": "me", "date": "2024-01-01", "reason": "r"}
    res = [
        dict(base, row=1, action="keep"),
        dict(base, row=2, action="new_id", new_id="a2"),
        dict(base, key="zz", row=5, action="drop"),
    ]
    drop, new_ids, problems, applied = resolve(dups, res, "s", "f.csv", lambda i: f"row {i + 1}", "dup.yaml")
    assert drop == [] and new_ids == {1: "a2"} and len(applied) == 2
    assert problems == [
        "dup.yaml: the resolution for key 'zz', data row 5 matches no duplicate in f.csv; remove it or correct key/row"
    ]


def test_codebook_must_declare_what_the_family_needs():
    cb = {
        "variables": [
            {"name": "activity_id", "role": "identifier", "label": {"en-US": "x"}},
            {"name": "method", "role": "text", "label": {"en-US": "x"}},
        ]
    }
    ins = {"id": "log", "kind": "engagement_log", "format": "csv"}
    with pytest.raises(ConfigError) as exc:
        _check_family(ins, cb, "codebooks/log.yaml")
    assert "variables[method].role: expected category for an engagement_log, got text" in exc.value.problems
    assert "variables: an engagement_log codebook needs a variable 'date' (role date)" in exc.value.problems


def test_export_starting_codebook_from_spss(tmp_path):
    doc = export_codebook(ROOT / "raw/mexico-auto-2024/post_interview_survey.sav", "spss", "pis", "en-US")["codebook"]
    by = {v["name"]: v for v in doc["variables"]}
    assert by["gender"]["role"] == "category"
    assert [(c["code"], c["key"]) for c in by["gender"]["categories"]] == [(1, "man"), (2, "woman")]
    # The SPSS user-missing codes 8 and 9 stay, with their labels, as the missing codes of the scale.
    assert by["awareness"]["role"] == "rating" and by["awareness"]["scale"] == "low_high"
    scale = doc["scales"]["low_high"]
    assert [c["code"] for c in scale["levels"]] == [1, 2, 3, 4]
    assert [(c["code"], c["label"]) for c in scale["missing"]] == [(8, {"en-US": "Don't know"}),
                                                                   (9, {"en-US": "No answer"})]
    assert by["full_name"]["label"] == {"en-US": "Respondent name"}
    out = tmp_path / "cb.yaml"
    assert (
        main(
            [
                "codebook-export",
                str(ROOT / "raw/mexico-auto-2024/fieldwork/engagement_log.csv"),
                "--instrument",
                "log",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    by = {v["name"]: v for v in exported["variables"]}
    assert by["method"]["raw_name"] == "Method" and by["method"]["role"] == "category"
    assert by["participants"]["role"] == "integer" and by["date"]["role"] == "date"


def test_export_reports_unreadable_file(tmp_path, capsys):
    bad = tmp_path / "x.sav"
    bad.write_bytes(b"not spss")
    assert main(["codebook-export", str(bad), "--instrument", "x"]) == 1
    assert "cannot be read as an SPSS .sav file" in capsys.readouterr().err


def test_clean_table_rejects_an_undeclared_column(ctx, tmp_path):
    src = (ROOT / "raw/mexico-auto-2024/fieldwork/engagement_log.csv").read_text(encoding="utf-8").splitlines()
    src = [src[0] + ",Nombre"] + [line + ",Ana" for line in src[1:]]
    path = tmp_path / "log.csv"
    path.write_text("\n".join(src) + "\n", encoding="utf-8")
    raw = read_raw(path, "csv", display_name="raw/log.csv")
    with pytest.raises(Exception) as exc:
        clean_table(raw, ctx.evaluation.codebooks["engagement_log"], kind="engagement_log")
    assert "column 'Nombre' is not in the codebook" in str(exc.value)


def _monitoring_raws(ev, root, edit=None):
    """The raw monitoring files (read as clean_instrument reads them), `edit` applied to the CSV rows
    of chosen files first: {file index: function(rows)}."""
    import csv
    import io
    import tempfile
    from pathlib import Path

    ins = ev.instrument("monitoring")
    parts, raws = ev.raw_files(ins), []
    tmp = Path(tempfile.mkdtemp(prefix="evalkit-test-"))
    for k, part in enumerate(parts):
        path = root / part["file"]
        if edit and k in edit:
            rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
            edit[k](rows)
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(rows)
            path = tmp / f"{k}.csv"
            path.write_text(buf.getvalue(), encoding="utf-8")
        raws.append(read_raw(path, ins["format"], display_name=part["file"]))
    opts = dict(resolutions=ev.resolutions(), instrument="monitoring", kind=ins["kind"],
                hook=get_family(ins["kind"]).clean)
    return parts, raws, opts


def _file_by_file(ev, parts, raws, opts):
    from evalkit.core.errors import DataError

    tables, reports = [], []
    for part, raw in zip(parts, raws, strict=True):
        try:
            c = clean_table(raw, ev.codebooks["monitoring"], set_values=part["set"], **opts)
        except DataError as exc:
            return exc
        tables.append(c.table)
        reports.append(c.report)
    return pd.concat(tables, ignore_index=True), reports


def test_files_cleaned_in_one_pass_are_those_cleaned_one_by_one(ctx):
    from evalkit.intake.clean import clean_tables

    ev = ctx.evaluation
    parts, raws, opts = _monitoring_raws(ev, ctx.root)
    assert len(parts) > 1
    together = clean_tables(raws, ev.codebooks["monitoring"], set_values=[p["set"] for p in parts], **opts)
    table, reports = _file_by_file(ev, parts, raws, opts)
    assert together.table.to_csv(index=False) == table.to_csv(index=False)
    assert together.report["files"] == reports


def _set(line, column, value):
    def edit(rows):
        rows[line - 1][rows[0].index(column)] = value
    return edit


@pytest.mark.parametrize("edits", [
    {1: _set(3, "Actual", "many")},                                    # a value problem in the second file
    {1: _set(3, "Actual", "many"), 3: _set(2, "Unit", "nonsense")},    # the first file with problems raises
    {2: _set(4, "Actual", "-1"), 0: _set(2, "Reporting period", "")},  # an empty key in the first file
    {3: lambda rows: rows.append(list(rows[1]))},                      # an unresolved duplicate in the last file
    {1: lambda rows: rows[0].__setitem__(0, "Code"), 2: _set(3, "Actual", "many")},  # a header problem first
])
def test_files_cleaned_in_one_pass_report_the_problems_of_the_first_bad_file(ctx, edits):
    from evalkit.core.errors import DataError
    from evalkit.intake.clean import clean_tables

    ev = ctx.evaluation
    parts, raws, opts = _monitoring_raws(ev, ctx.root, edits)
    expected = _file_by_file(ev, parts, raws, opts)
    assert isinstance(expected, DataError)
    with pytest.raises(DataError) as exc:
        clean_tables(raws, ev.codebooks["monitoring"], set_values=[p["set"] for p in parts], **opts)
    assert (exc.value.source, exc.value.problems) == (expected.source, expected.problems)
