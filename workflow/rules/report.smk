rule report_inputs:
    """Turn values.json into a language's report metadata, charts and table fragments."""
    input:
        values=LAYOUT.values(),
        clean=clean_tables(),
        registry=lambda w: content_files(w.lang),
        checked=lambda w: content_checked(w.lang),
        codebooks=codebooks(),
        analysis=analysis_settings(),
        catalogs=interface_catalogs(),
        code=evalkit_code("report"),
    output:
        meta=LAYOUT.report_meta("{lang}"),
        fragments=directory(LAYOUT.fragments("{lang}")),
        figures=directory(LAYOUT.figures("{lang}")),
    params:
        config=settings("languages", "formats", "privacy.min_cell"),
        evaluation=lambda w: evaluation_part("date", "type", "report", "content", "analysis", "instruments", "publication",
                                             "provenance", "workshop_agenda", "corrections", title=LANGS[w.lang]),
        lang=lambda w: LANGS[w.lang],
    log:
        LAYOUT.log("report_inputs", "{lang}"),
    benchmark:
        LAYOUT.benchmark("report_inputs", "{lang}")
    resources:
        mem_mb=1000,
    conda:
        "../../environment.yml"
    script:
        "../scripts/report_inputs.py"


rule render_report:
    """Render one document of a language (the report, a brief) to every configured format."""
    input:
        source=lambda w: report_source(w.lang, w.document),
        meta=LAYOUT.report_meta("{lang}"),
        fragments=LAYOUT.fragments("{lang}"),
        figures=LAYOUT.figures("{lang}"),
        partials=lambda w: report_partials(w.lang),
        code=evalkit_code("render"),
    output:
        LAYOUT.staged_formats("{lang}", "{document}", FORMATS),
    params:
        config=settings("renderer", "languages"),
        evaluation=evaluation_part("date", "report"),
        lang=lambda w: LANGS[w.lang],
        build_dir=lambda w: str(LAYOUT.build_dir(w.lang, w.document)),
    log:
        LAYOUT.log("render_report", "{lang}", "{document}"),
    benchmark:
        LAYOUT.benchmark("render_report", "{lang}", "{document}")
    resources:
        mem_mb=2000,
    conda:
        "../../environment.yml"
    script:
        "../scripts/render_report.py"
