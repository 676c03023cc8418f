"""values.json: stable ids, display forms per language (Babel), provenance."""

from __future__ import annotations

import json

import pytest

from evalkit.values import ids
from evalkit.values.store import ValueStore, display, display_tree, round_half_up


def test_display_forms_per_language():
    assert display("share", 68 / 94, "en-US") == "72%"
    assert display("share", 68 / 94, "es-MX") == "72%"
    assert display("count", 186015, "en-US") == "186,015"
    assert display("count", 186015, "es-MX") == "186,015"     # Mexico groups with commas
    assert display("count", 186015, "es-ES") == "186.015"     # Spain with points
    assert display("share", 0.088, "es-ES", digits=1) == "8,8\u00a0%"
    assert display("interval", (0.5862, 0.7771), "en-US") == "59%\u201378%"


def test_half_up_rounding_not_bankers():
    assert str(round_half_up(72.5)) == "73"
    assert display("share", 0.725, "en-US") == "73%"   # Babel alone would give 72%
    assert display("share", 0.735, "en-US") == "74%"


def test_store_json_is_sorted_and_complete():
    s = ValueStore("ev", ["en-US", "es-MX"])
    s.add("b.count", 1928, "count", {"file": "raw/x.sav"})
    s.add("a.share", 0.5, "share", {"file": "raw/x.sav"})
    doc = json.loads(s.to_json())
    assert list(doc["values"]) == ["a.share", "b.count"]
    assert doc["values"]["b.count"] == {"value": 1928, "kind": "count",
                                        "display": {"en-US": "1,928", "es-MX": "1,928"},
                                        "source": {"file": "raw/x.sav"}}
    assert display_tree(doc, "es-MX") == {"a": {"share": "50%"}, "b": {"count": "1,928"}}


def test_ids_must_form_a_tree():
    s = ValueStore("ev", ["en-US"])
    s.add("a.b", 1, "count", {})
    s.add("a.b.c", 2, "count", {})
    with pytest.raises(ValueError, match="'a.b' is also the start of 'a.b.c'"):
        s.to_json()


def test_duplicate_id_refused():
    s = ValueStore("ev", ["en-US"])
    s.add("a", 1, "count", {})
    with pytest.raises(ValueError, match="defined twice"):
        s.add("a", 2, "count", {})


def test_report_metadata_localizes_date_and_labels(evaluation):
    from evalkit.documents.fragments import report_metadata

    doc = {"values": {"post_interview.respondents": {"display": {"en-US": "94", "es-MX": "94"}}}}
    en = report_metadata(doc, evaluation, "en-US")
    es = report_metadata(doc, evaluation, "es-MX")
    assert (en["date"], es["date"]) == ("August 30, 2024", "30 de agosto de 2024")
    assert es["title"].startswith("Evaluación sistémica")
    assert es["labels"]["post_interview"]["top_box"] == "Superior a moderada o Alta"
    assert en["values"] == {"post_interview": {"respondents": "94"}}


def test_value_ids_are_spelt_by_one_set_of_functions():
    from evalkit.values import ids

    assert ids.top_box_share("post_interview", "awareness") == "post_interview.awareness.top_box_share"
    assert (ids.top_box_share("post_interview", "awareness", by=("gender", "women"))
            == "post_interview.awareness.by_gender.women.top_box_share")
    withheld = ids.by_group("post_interview", "awareness", "gender", "withheld_n")
    assert withheld == "post_interview.awareness.by_gender.withheld_n"
    assert ids.aggregate("monitoring", "trained", "total") == "monitoring.aggregate.trained.total"
    assert ids.value_id("context", "unions_reporting") == "context.unions_reporting"


def test_the_ids_the_analysis_makes_are_the_ids_the_documents_name(ctx, cleaned_files, tmp_path):
    """Every top-box share the analysis adds for the survey has a readable name under the same id (the
    names also cover breakdowns an evaluation may not configure)."""
    import json

    from evalkit.families import get
    from evalkit.families.jobs import NamesJob
    from evalkit.steps.analysis import compute_values

    out = tmp_path / "values.json"
    compute_values(ctx, cleaned_files, out, tmp_path)
    values = json.loads(out.read_text())["values"]
    ins = ctx.evaluation.instrument("post_interview")
    names = get("rating_survey").value_names(NamesJob(ctx, ins, "en-US"))
    made = [v for v in values if v.startswith("post_interview.") and v.endswith(".top_box_share")]
    assert any(".by_" in v for v in made) and len(made) > 10
    assert [v for v in made if v not in names] == []


def test_the_counts_of_a_methods_in_figures_call_out_are_made_and_named(ctx, cleaned_files, tmp_path):
    """<monitoring>.projects and <secondary>.sources: computed by the analysis, named under the same id."""
    import json

    from evalkit.families import get
    from evalkit.families.jobs import NamesJob
    from evalkit.steps.analysis import compute_values

    out = tmp_path / "values.json"
    compute_values(ctx, cleaned_files, out, tmp_path)
    values = json.loads(out.read_text())["values"]
    for kind, stat, name in [("indicator_report", "projects", "Proyectos en los datos de monitoreo"),
                             ("secondary_figures", "sources", "Fuentes de las cifras de contexto")]:
        ins = ctx.evaluation.instruments_of(kind)[0]
        vid = ids.value_id(ins["id"], stat)
        assert values[vid]["kind"] == "count" and values[vid]["value"] >= 1
        assert get(kind).value_names(NamesJob(ctx, ins, "es-MX"))[vid] == name
