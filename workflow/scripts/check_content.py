from pathlib import Path

from evalkit.core.steplog import run
from evalkit.steps.content import check_content

run(snakemake, lambda ctx: check_content(ctx, snakemake.input.values, {Path(p).stem: p for p in snakemake.input.clean},
                                         snakemake.output.report, snakemake.output.review,
                                         {Path(p).stem: p for p in snakemake.input.tables},
                                         snakemake.params.lang))
