from evalkit.steps.release import release
from evalkit.steps.runner import run

# staged/ and publish/ come from the layout (evalkit.core.layout), as every path under results/ does
run(snakemake, lambda ctx: release(ctx, list(snakemake.input.documents), ctx.layout.staged_dir(),
                                   ctx.layout.publish_dir(), snakemake.output.record))
