rule clean_survey:
    """Check a raw survey against its codebook and write its clean table."""
    input:
        raw=raw_file,
        codebook=codebook_file,
        code=evalkit_code(),
    output:
        RESULTS + "/clean/{instrument}.csv",
    log:
        RESULTS + "/logs/clean_survey/{instrument}.log",
    benchmark:
        RESULTS + "/benchmarks/clean_survey/{instrument}.tsv"
    resources:
        mem_mb=1000,
    script:
        "../scripts/clean_survey.py"
