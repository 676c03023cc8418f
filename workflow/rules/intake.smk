rule clean_instrument:
    """Check an instrument's raw file(s) against its codebook, resolve duplicates, remove identifiers, and write its clean table."""
    input:
        raw=raw_files,
        codebook=codebook_file,
        resolutions=duplicate_resolutions(),
        code=evalkit_code("intake"),
    output:
        table=LAYOUT.clean_table("{instrument}"),
        report=LAYOUT.intake_report("{instrument}"),
    params:
        config=settings(),
        instrument=lambda w: {k: v for k, v in EVAL.instrument(w.instrument).items() if k != "publish"},
        evaluation=evaluation_part("date"),  # dates in the data must not come after it
    log:
        LAYOUT.log("clean_instrument", "{instrument}"),
    benchmark:
        LAYOUT.benchmark("clean_instrument", "{instrument}")
    resources:
        mem_mb=2000,
    conda:
        "../../environment.yml"
    script:
        "../scripts/clean_instrument.py"
