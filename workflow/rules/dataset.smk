rule dataset:
    """Publish the de-identified survey microdata (.sav, .dta, .csv), the bilingual codebook and the disclosure report."""
    input:
        clean=expand(RESULTS + "/clean/{instrument}.csv", instrument=DATASETS),
        evaluation=evaluation_definition(),
        catalogs=interface_catalogs(),
        code=evalkit_code(),
    output:
        microdata=dataset_files(),
        codebook_html=RESULTS + "/publish/dataset/codebook.html",
        codebook_csv=RESULTS + "/publish/dataset/codebook.csv",
        disclosure=RESULTS + "/publish/dataset/disclosure.json",
    log:
        RESULTS + "/logs/dataset.log",
    benchmark:
        RESULTS + "/benchmarks/dataset.tsv"
    resources:
        mem_mb=2000,
    script:
        "../scripts/dataset.py"
