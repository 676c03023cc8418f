"""Workshop schedules: one row per validation workshop (date, mode, participants)."""

from __future__ import annotations

from evalkit.families import Family
from evalkit.families.jobs import AnalysisJob, FragmentJob


def analyze(job: AnalysisJob) -> None:
    from evalkit.analysis.workshops import add_schedule_values, schedule_table

    add_schedule_values(job.store, job.id, job.data, job.codebook, job.source)
    job.write_table(schedule_table(job.data, job.codebook), "schedule")


def fragments(job: FragmentJob) -> dict[str, str]:
    from evalkit.analysis.workshops import schedule_table
    from evalkit.documents.data_annexes import workshops_annex

    clean = job.clean()
    if clean is None:
        return {}
    return {"annex": workshops_annex(job.values_doc, job.id, job.codebook, schedule_table(clean, job.codebook),
                                     job.ctx.evaluation.data.get("workshop_agenda", []), job.lang)}


FAMILY = Family("workshop_schedule", tables=("schedule",), analyze=analyze, fragments=fragments)
