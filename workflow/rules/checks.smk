rule accessibility_gate:
    """Check the published documents of one part (a language, or the dataset): HTML lang, title and axe-core; PDF/UA-1; DOCX. Fail on any finding."""
    input:
        documents=lambda w: part_documents(w.part),
        code=evalkit_code(),
    output:
        report=RESULTS + "/checks/accessibility/{part}.json",
    params:
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
    """Merge the parts' gate reports into one, with the versions of the tools that made and checked the documents."""
    input:
        parts=expand(RESULTS + "/checks/accessibility/{part}.json", part=PARTS),
        code=evalkit_code(),
    output:
        report=RESULTS + "/checks/accessibility.json",
        environment=RESULTS + "/checks/environment.json",
    log:
        RESULTS + "/logs/accessibility_report.log",
    script:
        "../scripts/merge_checks.py"


rule privacy_scan:
    """Search one part's published files for the raw identifier values (names, phones, e-mails, free text); fail on any."""
    input:
        published=lambda w: part_files(w.part),
        raw=raw_inputs(),
        evaluation=evaluation_definition(),
        code=evalkit_code(),
    output:
        RESULTS + "/checks/privacy/{part}.json",
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
        code=evalkit_code(),
    output:
        report=RESULTS + "/checks/privacy.json",
    log:
        RESULTS + "/logs/privacy_report.log",
    script:
        "../scripts/merge_checks.py"


rule manifest:
    """List every published file with its SHA-256, once the accessibility gate and the privacy scan have passed."""
    input:
        documents=published_files(),
        gate=RESULTS + "/checks/accessibility.json",
        privacy=RESULTS + "/checks/privacy.json",
        code=evalkit_code(),
    output:
        RESULTS + "/publish/manifest.json",
    log:
        RESULTS + "/logs/manifest.log",
    script:
        "../scripts/manifest.py"
