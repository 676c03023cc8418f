"""Document reviews: one row per document the evaluation reviewed."""

from __future__ import annotations

from evalkit.families import Family
from evalkit.families.jobs import AnalysisJob, FragmentJob, NamesJob


def analyze(job: AnalysisJob) -> None:
    from evalkit.analysis.documents import add_document_values, document_table

    add_document_values(job.store, job.id, job.data, job.codebook, job.source)
    job.write_table(document_table(job.data, job.codebook), "documents")


def fragments(job: FragmentJob) -> dict[str, str]:
    from evalkit.analysis.documents import document_table
    from evalkit.documents.data_annexes import documents_annex

    clean = job.clean()
    if clean is None:
        return {}
    return {"annex": documents_annex(job.values_doc, job.id, job.codebook, document_table(clean, job.codebook),
                                     job.lang)}


def value_names(job: NamesJob) -> dict[str, str]:
    """The counts of reviewed documents, by type and by organization."""
    from evalkit.documents.data_annexes import document_value_names

    return document_value_names(job.id, job.codebook, job.lang)


FAMILY = Family("document_review", tables=("documents",), analyze=analyze, fragments=fragments,
                value_names=value_names)
