rule dataset:
    """Stage the de-identified survey microdata (.sav, .dta, .csv), the bilingual codebook and the disclosure report."""
    input:
        clean=clean_tables(DATASETS),
        codebooks=codebooks(DATASETS),
        catalogs=interface_catalogs(),
        code=evalkit_code("dataset"),
    output:
        microdata=dataset_files(),
        codebook_html=LAYOUT.codebook_html(),
        codebook_csv=LAYOUT.codebook_csv(),
        disclosure=LAYOUT.disclosure(),
    params:
        config=settings("languages", "privacy.k", "privacy.l"),
        evaluation=evaluation_part("title", "date", "instruments", "provenance"),
    log:
        LAYOUT.log("dataset"),
    benchmark:
        LAYOUT.benchmark("dataset")
    resources:
        mem_mb=2000,
    conda:
        "../../environment.yml"
    script:
        "../scripts/dataset.py"
