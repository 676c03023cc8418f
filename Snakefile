# evalkit: raw data as received -> clean tables -> values -> report inputs -> documents -> checks.
# The rules live in workflow/rules/; the logic in the evalkit package (src/evalkit/).
import sys

# Configuration is data, never code: refuse a config file that Snakemake would evaluate as a
# template (or that carries a YAML tag) before the configfile directive loads it.
from evalkit.core.config import check_data_only
from evalkit.core.errors import EvalkitError

try:
    check_data_only("config/config.yaml")
except EvalkitError as exc:
    sys.stderr.write(f"\nevalkit: the run cannot start.\n{exc}\n\n")
    raise SystemExit(1)


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
