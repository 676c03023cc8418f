from evalkit.core.steplog import run
from evalkit.steps.release import release

run(snakemake, lambda ctx: release(ctx, list(snakemake.input.documents), snakemake.params.staged,
                                   snakemake.params.publish, snakemake.output.record))
