rule check_content:
    """Check the content registry's integrity against the build (ids, references, controlled lists, languages, no typed numbers) and write the internal evidence review."""
    input:
        registry=content_files(),
        values=RESULTS + "/values.json",
        tables=analysis_table_files(),
        clean=expand(RESULTS + "/clean/{instrument}.csv", instrument=INSTRUMENTS),
        evaluation=evaluation_definition(),
        analysis=analysis_settings(),
        code=evalkit_code(),
    output:
        report=RESULTS + "/checks/content.json",
        review=RESULTS + "/review/findings-evidence.csv",
    log:
        RESULTS + "/logs/check_content.log",
    benchmark:
        RESULTS + "/benchmarks/check_content.tsv"
    resources:
        mem_mb=1000,
    script:
        "../scripts/check_content.py"
