rule dataset:
    """Stage the de-identified survey microdata (.sav, .dta, .csv), the bilingual codebook and the disclosure report."""
    input:
        clean=expand(RESULTS + "/clean/{instrument}.csv", instrument=DATASETS),
        codebooks=codebooks(DATASETS),
        catalogs=interface_catalogs(),
        code=evalkit_code("dataset"),
    output:
        microdata=dataset_files(),
        codebook_html=STAGED + "/dataset/codebook.html",
        codebook_csv=STAGED + "/dataset/codebook.csv",
        disclosure=STAGED + "/dataset/disclosure.json",
    params:
        config=settings("languages", "privacy.k", "privacy.l"),
        evaluation=evaluation_part("title", "date", "instruments", "provenance"),
    log:
        RESULTS + "/logs/dataset.log",
    benchmark:
        RESULTS + "/benchmarks/dataset.tsv"
    resources:
        mem_mb=2000,
    script:
        "../scripts/dataset.py"
