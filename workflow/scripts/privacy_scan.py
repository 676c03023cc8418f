from evalkit.steps.checks import scan_published
from evalkit.steps.runner import run

run(snakemake, lambda ctx: scan_published(ctx, list(snakemake.input.published), snakemake.output[0],
                                          part=snakemake.wildcards.part))
