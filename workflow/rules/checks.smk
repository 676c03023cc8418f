rule accessibility_gate:
    """Check the staged documents of one part (a language, or the dataset): HTML lang, title and axe-core; PDF/UA-1; DOCX. Fail on any finding."""
    input:
        documents=lambda w: part_documents(w.part),
        sources=lambda w: report_sources(w.part) if w.part in LANGS else [],
        code=evalkit_code("checks"),
    output:
        report=LAYOUT.accessibility_part("{part}"),
    params:
        config=settings("languages", "accessibility"),
        evaluation=lambda w: evaluation_part("title", "provenance") if w.part == "dataset" else evaluation_part("provenance"),
        langs=LANGS,
    log:
        LAYOUT.log("accessibility_gate", "{part}"),
    benchmark:
        LAYOUT.benchmark("accessibility_gate", "{part}")
    resources:
        mem_mb=3000,
    conda:
        "../../environment.yml"
    script:
        "../scripts/accessibility_gate.py"


rule accessibility_report:
    """Merge the parts' gate reports into one, with the versions of the tools that made and checked the
    documents, and answer the Section 508 checklists from it (508.html passes the gate itself)."""
    input:
        parts=[LAYOUT.accessibility_part(part) for part in PARTS],
        pins="deps/debian-packages.txt",
        code=evalkit_code("checks"),
    output:
        report=LAYOUT.accessibility(),
        environment=LAYOUT.environment(),
        conformance=LAYOUT.conformance(),
        conformance_page=LAYOUT.conformance_page(),
    params:
        config=settings("accessibility"),
    log:
        LAYOUT.log("accessibility_report"),
    benchmark:
        LAYOUT.benchmark("accessibility_report")
    conda:
        "../../environment.yml"
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
        LAYOUT.privacy_part("{part}"),
    params:
        config=settings(),
        evaluation=evaluation_part("instruments", "privacy"),
    log:
        LAYOUT.log("privacy_scan", "{part}"),
    benchmark:
        LAYOUT.benchmark("privacy_scan", "{part}")
    resources:
        mem_mb=2000,
    conda:
        "../../environment.yml"
    script:
        "../scripts/privacy_scan.py"


rule privacy_report:
    """Merge the parts' privacy reports into one."""
    input:
        parts=[LAYOUT.privacy_part(part) for part in PARTS],
        code=evalkit_code("checks"),
    output:
        report=LAYOUT.privacy(),
    params:
        config=settings(),
    log:
        LAYOUT.log("privacy_report"),
    benchmark:
        LAYOUT.benchmark("privacy_report")
    conda:
        "../../environment.yml"
    script:
        "../scripts/merge_checks.py"


rule release:
    """Once the accessibility gate and the privacy scan have passed, promote the staged files with their
    manifest (size and SHA-256 of each) to publish/, whole: publish/ is swapped in one step, so it only
    ever holds a complete release that passed every check, or nothing."""
    input:
        documents=published_files(),
        gate=LAYOUT.accessibility(),
        privacy=LAYOUT.privacy(),
        code=evalkit_code("release"),
    output:
        record=LAYOUT.release_record(),
    params:
        config=settings("languages"),
    log:
        LAYOUT.log("release"),
    benchmark:
        LAYOUT.benchmark("release")
    conda:
        "../../environment.yml"
    script:
        "../scripts/release.py"
