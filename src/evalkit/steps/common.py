"""Helpers that several steps share: reading clean tables, value sources, indicator declarations."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from evalkit.core.io import atomic_write_bytes, atomic_write_text, sha256_file
from evalkit.model.context import Context

if TYPE_CHECKING:
    import pandas as pd


def read_clean(path: str | Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)


def breakdown_variable(spec) -> str:
    return spec if isinstance(spec, str) else spec["variable"]


def _source(ctx: Context, *instruments: dict) -> dict:
    files = [f for ins in instruments for f in ctx.evaluation.raw_files(ins)]
    return {"file": ", ".join(f["file"] for f in files),
            "sha256": ", ".join(sha256_file(ctx.root / f["file"]) for f in files),
            "instrument": ", ".join(ins["id"] for ins in instruments),
            "codebook": ", ".join(ctx.evaluation.codebooks[ins["id"]].source for ins in instruments)}


def _write_table(frame: pd.DataFrame, path: str | Path) -> None:
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def indicator_config(ctx: Context, instrument_id: str):
    """The evaluation's indicator declarations (analysis.indicators) with the TOsC they refer to."""
    from evalkit.analysis.indicators import load_indicator_config

    settings = ctx.evaluation.data.get("analysis", {})
    return load_indicator_config(ctx.evaluation.folder / settings["indicators"], ctx.root / settings["tosc"],
                                 ctx.evaluation.codebooks[instrument_id], list(ctx.config["languages"]), root=ctx.root)


def dataset_instruments(ctx: Context) -> list[str]:
    """Instruments whose microdata are published: rating surveys marked publish."""
    return [i["id"] for i in ctx.evaluation.instruments_of("rating_survey") if i["publish"]]


def copy_file(src: str | Path, dst: str | Path) -> None:
    atomic_write_bytes(dst, Path(src).read_bytes())
    shutil.copymode(src, dst)
