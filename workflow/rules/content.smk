rule check_content:
    """Check the content registry with one language's texts against the build (ids, references, controlled lists, every text in that language, no typed numbers) and write the internal evidence review in that language."""
    input:
        registry=lambda w: content_files(w.lang),
        values=LAYOUT.values(),
        tables=analysis_table_files(),
        clean=clean_tables(),
        codebooks=codebooks(),
        analysis=analysis_settings(),
        code=evalkit_code("content"),
    output:
        report=LAYOUT.content_check("{lang}"),
        review=LAYOUT.evidence_review("{lang}"),
    params:
        config=settings(),
        evaluation=evaluation_part("type", "instruments", "analysis", "content"),
        lang=lambda w: LANGS[w.lang],
    log:
        LAYOUT.log("check_content", "{lang}"),
    benchmark:
        LAYOUT.benchmark("check_content", "{lang}")
    resources:
        mem_mb=1000,
    conda:
        "../../environment.yml"
    script:
        "../scripts/check_content.py"
