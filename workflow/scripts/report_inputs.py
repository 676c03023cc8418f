from pathlib import Path

from evalkit.core.steplog import run
from evalkit.steps.report import build_report_inputs

run(snakemake, lambda ctx: build_report_inputs(
    ctx, snakemake.input.values, snakemake.params.lang, snakemake.output.meta,
    snakemake.output.fragments, snakemake.output.figures,
    {Path(p).stem: p for p in snakemake.input.clean}))
