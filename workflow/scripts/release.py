from evalkit.steps.release import release
from evalkit.steps.runner import run

run(snakemake, lambda ctx: release(ctx, list(snakemake.input.documents), snakemake.params.staged,
                                   snakemake.params.publish, snakemake.output.record))
