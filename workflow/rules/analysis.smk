rule compute_values:
    """Compute every number documents cite into values.json, with a results table per instrument."""
    input:
        clean=expand(RESULTS + "/clean/{instrument}.csv", instrument=SURVEYS),
        config="config/config.yaml",
        evaluation=evaluation_definition(),
        code=evalkit_code(),
    output:
        values=RESULTS + "/values.json",
        tables=expand(RESULTS + "/tables/{instrument}-ratings.csv", instrument=SURVEYS),
    log:
        RESULTS + "/logs/compute_values.log",
    benchmark:
        RESULTS + "/benchmarks/compute_values.tsv"
    resources:
        mem_mb=1000,
    script:
        "../scripts/compute_values.py"
