from evalkit.pipeline import write_manifest
from evalkit.workflow import run

run(snakemake, lambda ctx: write_manifest(ctx, list(snakemake.input.documents), snakemake.output[0]))
