rule compute_values:
    """Analyse every instrument by its data family into values.json (every number documents cite) and results tables."""
    input:
        clean=clean_tables(),
        codebooks=codebooks(),
        analysis=analysis_settings(),
        code=evalkit_code("analysis"),
    output:
        values=LAYOUT.values(),
        tables=analysis_table_files(),
    params:
        config=settings("languages", "statistics", "privacy"),
        evaluation=evaluation_part("instruments", "analysis", "corrections"),
        table_dir=lambda w: str(LAYOUT.tables_dir()),
    log:
        LAYOUT.log("compute_values"),
    benchmark:
        LAYOUT.benchmark("compute_values")
    resources:
        mem_mb=2000,
    conda:
        "../../environment.yml"
    script:
        "../scripts/compute_values.py"
