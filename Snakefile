# evalkit: raw data as received -> clean tables -> values -> report inputs -> documents -> checks.
# The rules live in workflow/rules/; the logic in the evalkit package (src/evalkit/).
#
# What every rule states (workflow/rules/common.smk has the helpers):
# - its files under results/<evaluation>/ through LAYOUT (evalkit.core.layout), never a composed path;
# - params.config: the slice of the validated configuration its step reads (settings(...)), and the
#   parts of evaluation.yaml it reads (evaluation_part(...)): a change elsewhere re-runs nothing;
# - input.code: the import closure of its step module with the data files those modules load
#   (evalkit_code(...), evalkit.core.codedeps), so editing code re-runs only the rules that run it;
# - one log: and one benchmark: file per job (LAYOUT.log, LAYOUT.benchmark);
# - conda: environment.yml, the same environment for every rule (for --software-deployment-method
#   conda; ./run installs the same versions from uv.lock and ignores it).
#
# `snakemake --lint` finds nothing in this file, common.smk or the rule files.
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
        clean_tables(),
        LAYOUT.release_record(),
        LAYOUT.accessibility(),
        LAYOUT.privacy(),
    default_target: True
