from pathlib import Path

from evalkit.pipeline import compute_values
from evalkit.workflow import run


def step(ctx):
    clean = {Path(p).stem: p for p in snakemake.input.clean}
    tables = {Path(p).stem.removesuffix("-ratings"): p for p in snakemake.output.tables}
    compute_values(ctx, clean, snakemake.output.values, tables)


run(snakemake, step)
