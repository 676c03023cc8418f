rule clean_instrument:
    """Check an instrument's raw file(s) against its codebook, resolve duplicates, remove identifiers, and write its clean table."""
    input:
        raw=raw_files,
        codebook=codebook_file,
        resolutions=duplicate_resolutions(),
        code=evalkit_code("intake"),
    output:
        table=RESULTS + "/clean/{instrument}.csv",
        report=RESULTS + "/clean/{instrument}.intake.json",
    params:
        config=settings(),
        instrument=lambda w: {k: v for k, v in EVAL.instrument(w.instrument).items() if k != "publish"},
        evaluation=evaluation_part("date"),  # dates in the data must not come after it
    log:
        RESULTS + "/logs/clean_instrument/{instrument}.log",
    benchmark:
        RESULTS + "/benchmarks/clean_instrument/{instrument}.tsv"
    resources:
        mem_mb=2000,
    script:
        "../scripts/clean_instrument.py"
