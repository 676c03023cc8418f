"""Validation-workshop forms: one row per participant's form, priority ratings of recommendations."""

from __future__ import annotations

import logging

from evalkit.families import Family
from evalkit.families.jobs import AnalysisJob, FragmentJob, ReferencesJob

log = logging.getLogger("evalkit")


def analyze(job: AnalysisJob) -> None:
    from evalkit.analysis.workshops import add_workshop_values, order_matches, workshop_priorities

    priorities = workshop_priorities(job.data, job.codebook)
    if not order_matches(priorities):
        log.warning("evalkit: %s: the priority order of the workshop ratings differs from the codebook's "
                    "order of the items", job.id)
    add_workshop_values(job.store, job.id, priorities, job.data, job.source, job.codebook)
    job.write_table(priorities, "priorities")


def fragments(job: FragmentJob) -> dict[str, str]:
    from evalkit.documents.fragments import priorities_fragment

    return {"priorities": priorities_fragment(job.values_doc, job.id, job.codebook, job.lang,
                                              job.figures / f"{job.id}-priorities", job.doc_dir, job.item_names)}


def references(job: ReferencesJob) -> None:
    """The rated items a recommendation's priority names."""
    job.refs.priority_items = {v["name"] for v in job.codebook.variables("rating")}


FAMILY = Family("workshop_forms", tables=("priorities",), analyze=analyze, fragments=fragments, references=references)
