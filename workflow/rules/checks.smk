rule accessibility_gate:
    """Check every published document (HTML: lang, title, axe-core; PDF/UA-1; DOCX); fail on any finding."""
    input:
        documents=published_documents(),
        code=evalkit_code(),
    output:
        report=RESULTS + "/checks/accessibility.json",
        environment=RESULTS + "/checks/environment.json",
    params:
        langs=LANGS,
    log:
        RESULTS + "/logs/accessibility_gate.log",
    benchmark:
        RESULTS + "/benchmarks/accessibility_gate.tsv"
    resources:
        mem_mb=3000,
    script:
        "../scripts/accessibility_gate.py"


rule privacy_scan:
    """Search every published file for the raw identifier values (names, phones, e-mails, free text); fail on any."""
    input:
        published=published_files(),
        raw=raw_inputs(),
        evaluation=evaluation_definition(),
        code=evalkit_code(),
    output:
        RESULTS + "/checks/privacy.json",
    log:
        RESULTS + "/logs/privacy_scan.log",
    benchmark:
        RESULTS + "/benchmarks/privacy_scan.tsv"
    resources:
        mem_mb=2000,
    script:
        "../scripts/privacy_scan.py"


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
