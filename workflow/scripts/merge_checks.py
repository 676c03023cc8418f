from evalkit.steps.checks import merge_checks
from evalkit.steps.runner import run

run(snakemake, lambda ctx: merge_checks("privacy", list(snakemake.input.parts), snakemake.output.report))
