# evalkit: raw data as received -> clean tables -> values -> report inputs -> documents -> checks.
# The rules live in workflow/rules/; the logic in the evalkit package (src/evalkit/).

configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/intake.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/dataset.smk"
include: "workflow/rules/content.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/checks.smk"


rule all:
    input:
        expand(RESULTS + "/clean/{instrument}.csv", instrument=INSTRUMENTS),
        RESULTS + "/checks/release.json",
        RESULTS + "/checks/accessibility.json",
        RESULTS + "/checks/privacy.json",
    default_target: True
