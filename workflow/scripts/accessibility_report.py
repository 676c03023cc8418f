from evalkit.steps.checks import report_accessibility
from evalkit.steps.runner import run

out = snakemake.output
run(snakemake, lambda ctx: report_accessibility(ctx, list(snakemake.input.parts), out.report, out.environment,
                                                out.conformance, out.conformance_page))
