"""Desk-review context figures: one row per figure from an official or secondary source."""

from __future__ import annotations

from evalkit.families import Family
from evalkit.families.jobs import AnalysisJob, FragmentJob, NamesJob
from evalkit.values import ids


def analyze(job: AnalysisJob) -> None:
    from evalkit.analysis.secondary import add_secondary_values, secondary_table

    add_secondary_values(job.store, job.id, job.data, job.source)
    job.write_table(secondary_table(job.data), "figures")


def fragments(job: FragmentJob) -> dict[str, str]:
    from evalkit.documents.fragments import secondary_fragment

    clean = job.clean()
    if clean is None:
        return {}
    return {"sources": secondary_fragment(job.values_doc, job.id, job.codebook, clean, job.lang)}


def value_names(job: NamesJob) -> dict[str, str]:
    """A context figure is named by the label of its category; the number of sources, as such."""
    from evalkit.core.i18n import translator

    cb = job.codebook
    names = {ids.value_id(job.id, c["key"]): c["label"][job.lang] for c in cb.variable(cb.id_variable)["categories"]}
    return {ids.value_id(job.id, "sources"): translator(job.lang)("Sources of the context figures"), **names}


FAMILY = Family("secondary_figures", tables=("figures",), analyze=analyze, fragments=fragments,
                value_names=value_names)
