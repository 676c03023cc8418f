rule accessibility_gate:
    """Check the staged documents of one part (a language, or the dataset): HTML lang, title and axe-core; PDF/UA-1; DOCX. Fail on any finding."""
    input:
        documents=lambda w: part_documents(w.part),
        sources=lambda w: report_sources(w.part) if w.part in LANGS else [],
        code=evalkit_code("checks"),
    output:
        report=RESULTS + "/checks/accessibility/{part}.json",
    params:
        config=settings("languages", "accessibility"),
        evaluation=lambda w: evaluation_part("title", "provenance") if w.part == "dataset" else evaluation_part("provenance"),
        langs=LANGS,
    log:
        RESULTS + "/logs/accessibility_gate/{part}.log",
    benchmark:
        RESULTS + "/benchmarks/accessibility_gate/{part}.tsv"
    resources:
        mem_mb=3000,
    script:
        "../scripts/accessibility_gate.py"


rule accessibility_report:
    """Merge the parts' gate reports into one, with the versions of the tools that made and checked the
    documents, and answer the Section 508 checklists from it (508.html passes the gate itself)."""
    input:
        parts=expand(RESULTS + "/checks/accessibility/{part}.json", part=PARTS),
        pins="deps/debian-packages.txt",
        code=evalkit_code("checks"),
    output:
        report=RESULTS + "/checks/accessibility.json",
        environment=RESULTS + "/checks/environment.json",
        conformance=RESULTS + "/checks/508.json",
        conformance_page=RESULTS + "/checks/508.html",
    params:
        config=settings("accessibility"),
    log:
        RESULTS + "/logs/accessibility_report.log",
    script:
        "../scripts/accessibility_report.py"


rule privacy_scan:
    """Search one part's staged files for the raw identifier values (names, phones, e-mails, free text); fail on any."""
    input:
        published=lambda w: part_files(w.part),
        raw=raw_inputs(),
        codebooks=codebooks(),
        code=evalkit_code("checks"),
    output:
        RESULTS + "/checks/privacy/{part}.json",
    params:
        config=settings(),
        evaluation=evaluation_part("instruments", "privacy"),
    log:
        RESULTS + "/logs/privacy_scan/{part}.log",
    benchmark:
        RESULTS + "/benchmarks/privacy_scan/{part}.tsv"
    resources:
        mem_mb=2000,
    script:
        "../scripts/privacy_scan.py"


rule privacy_report:
    """Merge the parts' privacy reports into one."""
    input:
        parts=expand(RESULTS + "/checks/privacy/{part}.json", part=PARTS),
        code=evalkit_code("checks"),
    output:
        report=RESULTS + "/checks/privacy.json",
    params:
        config=settings(),
    log:
        RESULTS + "/logs/privacy_report.log",
    script:
        "../scripts/merge_checks.py"


rule release:
    """Once the accessibility gate and the privacy scan have passed, promote the staged files with their
    manifest (size and SHA-256 of each) to publish/, whole: publish/ is swapped in one step, so it only
    ever holds a complete release that passed every check, or nothing."""
    input:
        documents=published_files(),
        gate=RESULTS + "/checks/accessibility.json",
        privacy=RESULTS + "/checks/privacy.json",
        code=evalkit_code("release"),
    output:
        record=RESULTS + "/checks/release.json",
    params:
        config=settings("languages"),
        staged=STAGED,
        publish=PUBLISH,
    log:
        RESULTS + "/logs/release.log",
    script:
        "../scripts/release.py"
