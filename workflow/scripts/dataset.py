from pathlib import Path

from evalkit.core.steplog import run
from evalkit.steps.dataset import build_dataset_deliverable

run(snakemake, lambda ctx: build_dataset_deliverable(
    ctx, {Path(p).stem: p for p in snakemake.input.clean}, Path(snakemake.output.disclosure).parent))
