from evalkit.steps.checks import merge_checks, write_environment
from evalkit.workflow import run


def main(ctx):
    kind = "accessibility" if snakemake.rule == "accessibility_report" else "privacy"
    report = merge_checks(kind, list(snakemake.input.parts), snakemake.output.report)
    if kind == "accessibility":
        write_environment(ctx, report.get("axe_version"), snakemake.output.environment)


run(snakemake, main)
