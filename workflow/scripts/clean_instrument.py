from evalkit.core.steplog import run
from evalkit.steps.intake import clean_instrument

run(snakemake, lambda ctx: clean_instrument(ctx, snakemake.wildcards.instrument, snakemake.output.table,
                                            snakemake.output.report))
