"""What a family's hooks receive: one job object per hook, so a family takes what it needs and a new
family needs no new argument anywhere; and the helpers the hooks share (reading a clean table,
writing a results table, the source of a value)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalkit.core.io import atomic_write_text, sha256_file
from evalkit.model.context import Context

if TYPE_CHECKING:
    import pandas as pd

    from evalkit.model.evaluation import Codebook
    from evalkit.values.store import ValueStore


def read_clean(path: str | Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def breakdown_variable(spec) -> str:
    return spec if isinstance(spec, str) else spec["variable"]


def value_source(ctx: Context, *instruments: dict) -> dict:
    """The provenance of a value computed from these instruments: raw files, their SHA-256, codebooks."""
    files = [f for ins in instruments for f in ctx.evaluation.raw_files(ins)]
    return {"file": ", ".join(f["file"] for f in files),
            "sha256": ", ".join(sha256_file(ctx.root / f["file"]) for f in files),
            "instrument": ", ".join(ins["id"] for ins in instruments),
            "codebook": ", ".join(ctx.evaluation.codebooks[ins["id"]].source for ins in instruments)}


def dataset_instruments(ctx: Context) -> list[str]:
    """Instruments whose microdata are published: rating surveys marked publish."""
    return [i["id"] for i in ctx.evaluation.instruments_of("rating_survey") if i["publish"]]


@dataclass
class _InstrumentJob:
    """What every hook's job has: the run context and the instrument (its evaluation.yaml entry)."""

    ctx: Context
    ins: dict

    @property
    def id(self) -> str:
        return self.ins["id"]

    @property
    def codebook(self) -> Codebook:
        return self.ctx.evaluation.codebooks[self.id]

    @property
    def min_cell(self) -> int:
        """privacy.min_cell: the smallest cell a document shows."""
        return self.ctx.config["privacy"]["min_cell"]


@dataclass
class AnalysisJob(_InstrumentJob):
    """One instrument's analysis: its clean table into values (``store``) and results tables."""

    data: pd.DataFrame
    store: ValueStore
    table_dir: Path
    source: dict

    @property
    def settings(self) -> dict:
        """The evaluation's `analysis:` settings."""
        return self.ctx.evaluation.data.get("analysis", {})

    def write_table(self, frame: pd.DataFrame, name: str) -> None:
        """results/tables/<instrument>-<name>.csv (a name the family lists in its ``tables``)."""
        write_table(frame, self.table_dir / f"{self.id}-{name}.csv")


@dataclass
class FragmentJob(_InstrumentJob):
    """One published instrument's document fragments in one language."""

    values_doc: dict
    lang: str
    figures: Path
    doc_dir: Path
    clean_csvs: dict[str, str | Path] | None = None
    item_names: dict[str, str] = field(default_factory=dict)      # rated recommendation -> "<n>. <title>"
    project_names: dict[str, str] = field(default_factory=dict)   # project key -> the registry's name

    def clean(self) -> pd.DataFrame | None:
        """The instrument's clean table, when the step was given the clean tables."""
        return read_clean(self.clean_csvs[self.id]) if self.clean_csvs is not None else None


@dataclass
class NamesJob(_InstrumentJob):
    """Readable names of one instrument's values in one language."""

    lang: str


@dataclass
class ReferencesJob(_InstrumentJob):
    """What one instrument lets the content registry point at, added to ``refs``."""

    refs: Any  # evalkit.content.integrity.References
    clean_csvs: dict[str, str | Path]

    def clean(self) -> pd.DataFrame:
        return read_clean(self.clean_csvs[self.id])
