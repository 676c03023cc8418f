rule check_content:
    """Check the content registry with one language's texts against the build (ids, references, controlled lists, every text in that language, no typed numbers) and write the internal evidence review in that language."""
    input:
        registry=lambda w: content_files(w.lang),
        values=RESULTS + "/values.json",
        tables=analysis_table_files(),
        clean=expand(RESULTS + "/clean/{instrument}.csv", instrument=INSTRUMENTS),
        codebooks=codebooks(),
        analysis=analysis_settings(),
        code=evalkit_code("content"),
    output:
        report=RESULTS + "/checks/content/{lang}.json",
        review=RESULTS + "/review/{lang}/findings-evidence.csv",
    params:
        config=settings(),
        evaluation=evaluation_part("instruments", "analysis", "content"),
        lang=lambda w: LANGS[w.lang],
    log:
        RESULTS + "/logs/check_content/{lang}.log",
    benchmark:
        RESULTS + "/benchmarks/check_content/{lang}.tsv"
    resources:
        mem_mb=1000,
    script:
        "../scripts/check_content.py"
