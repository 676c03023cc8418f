"""The workflow's steps, one module per rule (workflow/rules/*.smk): each reads a rule's inputs, calls
the stage that does the work, and writes the rule's outputs atomically. Snakemake calls them
through the thin scripts in workflow/scripts/; tests call them directly.

pandas, statsmodels and matplotlib are imported inside the steps that use them: every Snakemake job
starts a fresh interpreter, and the steps that only render or check documents should not pay for
the analysis libraries. Each rule's code input is the import closure of its step (evalkit.core.codedeps),
so editing code that a rule does not run re-runs nothing.
"""
