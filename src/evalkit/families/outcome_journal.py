"""Outcome journals: one row per harvested outcome entry (never published; the registry cites them)."""

from __future__ import annotations

from evalkit.families import Family
from evalkit.families.jobs import ReferencesJob


def references(job: ReferencesJob) -> None:
    """The journal entries a harvested outcome may name."""
    job.refs.journal_entries = set(job.clean()[job.codebook.id_variable])


FAMILY = Family("outcome_journal", references=references)
