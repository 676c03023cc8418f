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


rule manifest:
    """List every published file with its SHA-256, once the accessibility gate has passed."""
    input:
        documents=published_documents(),
        gate=RESULTS + "/checks/accessibility.json",
        code=evalkit_code(),
    output:
        RESULTS + "/publish/manifest.json",
    log:
        RESULTS + "/logs/manifest.log",
    script:
        "../scripts/manifest.py"
