"""Surveys: one row per respondent, categories and items rated on one scale (SPSS, Stata or CSV)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalkit.core.errors import DataError
from evalkit.families import Family
from evalkit.families.jobs import AnalysisJob, FragmentJob, NamesJob, breakdown_variable, dataset_instruments
from evalkit.values import ids

if TYPE_CHECKING:
    import pandas as pd


def analyze(job: AnalysisJob) -> None:
    from evalkit.analysis.survey import add_breakdown_values, add_survey_values, analyze_survey, results_table

    stats, cb, iid, data = job.ctx.config["statistics"], job.codebook, job.id, job.data
    try:
        results = analyze_survey(data, cb, stats["confidence_level"], stats["interval_method"])
    except ValueError as exc:  # an item no respondent answered on the scale
        raise DataError(job.source["file"], [f"column {exc}; expected at least one answer on the item's scale "
                                             f"(remove the item from {cb.source} or check the raw file)"]) from None
    released = released_microdata(job)
    add_survey_values(job.store, iid, data, results, job.source, cb, job.min_cell, released)
    job.store.add(ids.value_id(iid, "min_cell"), job.min_cell, "count",
                  {"file": "config/config.yaml", "computation": "privacy.min_cell: smallest cell documents show"})
    by_vars = [b for b in job.settings.get("breakdowns", []) if breakdown_variable(b) in data.columns]
    add_breakdown_values(job.store, iid, data, cb, by_vars, job.min_cell, job.source, released)
    job.write_table(results_table(iid, results), "ratings")


def released_microdata(job: AnalysisJob) -> pd.DataFrame | None:
    """The microdata the dataset publishes of a survey (None when it publishes none), and the values
    documents cite about their protection (``<instrument>.k``, ``<instrument>.l``)."""
    from evalkit.analysis.disclosure import release_microdata

    if job.id not in dataset_instruments(job.ctx):
        return None
    privacy = job.ctx.config["privacy"]
    released = release_microdata(job.data, job.codebook, job.id, privacy["k"], privacy["l"])
    src = {"file": "config/config.yaml"}
    job.store.add(f"{job.id}.k", privacy["k"], "count",
                  {**src, "computation": "privacy.k: fewest records sharing their quasi-identifiers in the dataset"})
    job.store.add(f"{job.id}.l", privacy["l"], "count",
                  {**src, "computation": "privacy.l: fewest different answers to an item within such a class"})
    return released.data


def fragments(job: FragmentJob) -> dict[str, str]:
    from evalkit.documents.fragments import breakdown_fragment, survey_fragment

    out = {"ratings": survey_fragment(job.values_doc, job.id, job.codebook, job.lang, job.figures / f"{job.id}-ratings",
                                      job.doc_dir, job.min_cell)}
    for spec in job.ctx.evaluation.data.get("analysis", {}).get("breakdowns", []):
        by = breakdown_variable(spec)
        if any(v["name"] == by for v in job.codebook.variables()):
            out[f"by-{by}"] = breakdown_fragment(job.values_doc, job.id, job.codebook, job.lang, spec, job.min_cell)
    return out


def value_names(job: NamesJob) -> dict[str, str]:
    """The top-box share of each rated item, overall and by group, of a published survey."""
    names: dict[str, str] = {}
    if not job.ins["publish"]:
        return names
    cb, lang = job.codebook, job.lang
    survey = cb.data["label"][lang]
    groups = {g["variable"]: {x["key"]: x["label"][lang] for x in g["groups"]} for g in cb.generalizations}
    for var in cb.variables("rating"):
        scale = cb.scale(var["scale"])
        top = scale.get("top_box_label", {}).get(lang, "")
        item = var.get("short_label", var["label"])[lang]
        names[ids.top_box_share(job.id, var["name"])] = f"{survey}, {item} ({top})"
        for v in cb.variables("category"):
            cats = {c["key"]: c["label"][lang] for c in v["categories"]} | groups.get(v["name"], {})
            for key, label in cats.items():
                share = ids.top_box_share(job.id, var["name"], by=(v["name"], key))
                names[share] = f"{survey}, {item}, {label} ({top})"
    return names


FAMILY = Family("rating_survey", tables=("ratings",), analyze=analyze, fragments=fragments, value_names=value_names)
