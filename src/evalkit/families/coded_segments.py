"""Coded qualitative segments (the export of a coding tool): one row per coded segment."""

from __future__ import annotations

from evalkit.families import Family
from evalkit.families.jobs import AnalysisJob, ReferencesJob


def analyze(job: AnalysisJob) -> None:
    from evalkit.analysis.convergence import add_convergence_values, convergence

    min_types = job.settings.get("convergence_min_types", 3)
    table = convergence(job.data, min_types)
    add_convergence_values(job.store, job.id, table, job.source, min_types)
    job.write_table(table, "convergence")


def references(job: ReferencesJob) -> None:
    """The codes findings rest on and the segments quotations and cases come from."""
    segs = job.clean()
    job.refs.segment_codes = set(segs["code"])
    job.refs.segments = {str(r[job.codebook.id_variable]): {"stakeholder": str(r.get("stakeholder", "")),
                                                            "code": str(r["code"])}
                         for r in segs.to_dict("records")}


FAMILY = Family("coded_segments", tables=("convergence",), analyze=analyze, references=references)
