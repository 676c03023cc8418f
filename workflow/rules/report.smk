import os

rule report_inputs:
    """Turn values.json into a language's report metadata, charts and table fragments."""
    input:
        values=RESULTS + "/values.json",
        clean=expand(RESULTS + "/clean/{instrument}.csv", instrument=INSTRUMENTS),
        registry=lambda w: content_files(w.lang),
        checked=lambda w: content_checked(w.lang),
        codebooks=codebooks(),
        analysis=analysis_settings(),
        catalogs=interface_catalogs(),
        code=evalkit_code("report"),
    output:
        meta=RESULTS + "/report/{lang}/meta.yml",
        fragments=directory(RESULTS + "/report/{lang}/fragments"),
        figures=directory(RESULTS + "/report/{lang}/figures"),
    params:
        config=settings("languages", "formats", "privacy.min_cell"),
        evaluation=lambda w: evaluation_part("date", "report", "content", "analysis", "instruments", "publication", "provenance",
                                             "workshop_agenda",
                                             "corrections",
                                             title=LANGS[w.lang]),
        lang=lambda w: LANGS[w.lang],
    log:
        RESULTS + "/logs/report_inputs/{lang}.log",
    benchmark:
        RESULTS + "/benchmarks/report_inputs/{lang}.tsv"
    resources:
        mem_mb=1000,
    script:
        "../scripts/report_inputs.py"


rule render_report:
    """Render one document of a language (the report, a brief) to every configured format."""
    input:
        source=lambda w: str(CTX.report_source(LANGS[w.lang], w.document).relative_to(CTX.root)),
        meta=RESULTS + "/report/{lang}/meta.yml",
        fragments=RESULTS + "/report/{lang}/fragments",
        figures=RESULTS + "/report/{lang}/figures",
        partials=lambda w: report_partials(w.lang),
        code=evalkit_code("render"),
    output:
        expand(STAGED + "/{{lang}}/{{document}}.{fmt}", fmt=config["formats"]),
    params:
        config=settings("renderer", "languages"),
        evaluation=evaluation_part("date", "report"),
        lang=lambda w: LANGS[w.lang],
        build_dir=lambda w: os.path.dirname(f"{RESULTS}/build/{w.lang}/{w.document}"),
    log:
        RESULTS + "/logs/render_report/{lang}/{document}.log",
    benchmark:
        RESULTS + "/benchmarks/render_report/{lang}/{document}.tsv"
    resources:
        mem_mb=2000,
    script:
        "../scripts/render_report.py"
