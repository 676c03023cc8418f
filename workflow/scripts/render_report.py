from evalkit.core.steplog import run
from evalkit.steps.render import render_report

run(snakemake, lambda ctx: render_report(ctx, snakemake.params.lang, list(snakemake.output),
                                         snakemake.params.build_dir, snakemake.wildcards.document))
