"""Engagement logs: one row per data-collection activity (interview or focus group)."""

from __future__ import annotations

from evalkit.families import Family
from evalkit.families.jobs import AnalysisJob, FragmentJob, ReferencesJob
from evalkit.values import ids


def analyze(job: AnalysisJob):
    """The data-collection table, the itinerary; returns the fieldwork counts (the response rate uses them)."""
    from evalkit.analysis.fieldwork import (
        add_fieldwork_values,
        add_itinerary_values,
        data_collection,
        itinerary,
        table2_frame,
    )

    fieldwork = data_collection(job.data, job.codebook)
    add_fieldwork_values(job.store, job.id, fieldwork, job.source)
    job.write_table(table2_frame(fieldwork), "table2")
    places = itinerary(job.data, job.codebook, job.min_cell)
    add_itinerary_values(job.store, job.id, places, fieldwork.methods, job.source)
    job.store.add(ids.itinerary(job.id, "min_cell"), job.min_cell, "count",
                  {"file": "config/config.yaml", "computation": "privacy.min_cell: places with fewer participants "
                                                                "are pooled in the itinerary"})
    job.write_table(places, "itinerary")
    return fieldwork


def fragments(job: FragmentJob) -> dict[str, str]:
    from evalkit.documents.data_annexes import itinerary_annex
    from evalkit.documents.fieldwork import fieldwork_fragment

    return {"fieldwork": fieldwork_fragment(job.values_doc, job.id, job.codebook, job.lang),
            "itinerary": itinerary_annex(job.values_doc, job.id, job.codebook, job.lang)}


def references(job: ReferencesJob) -> None:
    """The stakeholder types quotations and cases are attributed to."""
    if any(v["name"] == "stakeholder" for v in job.codebook.variables()):
        job.refs.stakeholders = {c["key"] for c in job.codebook.variable("stakeholder")["categories"]}


FAMILY = Family("engagement_log", tables=("table2", "itinerary"), analyze=analyze, fragments=fragments,
                references=references)
