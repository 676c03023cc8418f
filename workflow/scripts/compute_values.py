from pathlib import Path

from evalkit.core.steplog import run
from evalkit.steps.analysis import compute_values


def step(ctx):
    clean = {Path(p).stem: p for p in snakemake.input.clean}
    compute_values(ctx, clean, snakemake.output.values, snakemake.params.table_dir)


run(snakemake, step)
