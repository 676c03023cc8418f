from evalkit.steps.intake import clean_instrument
from evalkit.steps.runner import run

run(snakemake, lambda ctx: clean_instrument(ctx, snakemake.wildcards.instrument, snakemake.output.table,
                                            snakemake.output.report))
