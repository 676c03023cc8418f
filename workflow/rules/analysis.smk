rule compute_values:
    """Analyse every instrument by its data family into values.json (every number documents cite) and results tables."""
    input:
        clean=expand(RESULTS + "/clean/{instrument}.csv", instrument=INSTRUMENTS),
        codebooks=codebooks(),
        analysis=analysis_settings(),
        code=evalkit_code("analysis"),
    output:
        values=RESULTS + "/values.json",
        tables=analysis_table_files(),
    params:
        config=settings("languages", "statistics", "privacy"),
        evaluation=evaluation_part("instruments", "analysis", "corrections"),
        table_dir=RESULTS + "/tables",
    log:
        RESULTS + "/logs/compute_values.log",
    benchmark:
        RESULTS + "/benchmarks/compute_values.tsv"
    resources:
        mem_mb=2000,
    script:
        "../scripts/compute_values.py"
