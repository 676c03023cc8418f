from evalkit.steps.checks import gate_published
from evalkit.steps.runner import run

run(snakemake, lambda ctx: gate_published(ctx, list(snakemake.input.documents), snakemake.params.langs,
                                          snakemake.output.report, part=snakemake.wildcards.part))
