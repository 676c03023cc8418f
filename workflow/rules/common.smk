# Validate the configuration before anything runs, load the evaluation, and name the outputs.
import sys

from evalkit.errors import EvalkitError
from evalkit.pipeline import Context
from evalkit.config import load_schema, validate
from evalkit.i18n import subtag

try:
    validate(config, load_schema("config.schema.yaml"), "config/config.yaml (with --config overrides)")
    CTX = Context.load(workflow.basedir, config=config)
except EvalkitError as exc:
    sys.stderr.write(f"\nevalkit: the run cannot start.\n{exc}\n\n")
    raise SystemExit(1)

RESULTS = "results"
EVAL = CTX.evaluation
LANGS = {subtag(tag): tag for tag in config["languages"]}  # "en" -> "en-US"
INSTRUMENTS = [ins["id"] for ins in EVAL.instruments]


wildcard_constraints:
    lang="|".join(LANGS),
    instrument="|".join(INSTRUMENTS),
    fmt="|".join(config["formats"]),


def raw_file(wildcards):
    return EVAL.instrument(wildcards.instrument)["file"]


def codebook_file(wildcards):
    return str(EVAL.folder.relative_to(CTX.root) / EVAL.instrument(wildcards.instrument)["codebook"])


def published_documents():
    return expand(RESULTS + "/publish/{lang}/report.{fmt}", lang=LANGS, fmt=config["formats"])


def evaluation_definition():
    """The evaluation's definition and codebooks: labels and settings that outputs depend on."""
    folder = EVAL.folder.relative_to(CTX.root)
    return [str(folder / "evaluation.yaml")] + [str(folder / ins["codebook"]) for ins in EVAL.instruments]


def interface_catalogs():
    return sorted(str(p.relative_to(CTX.root)) for p in CTX.root.glob("src/evalkit/locale/*/LC_MESSAGES/evalkit.po"))


def evalkit_code():
    """The package's code and templates: changing them re-runs the rules that use them."""
    pkg = CTX.root / "src" / "evalkit"
    files = [p for p in pkg.rglob("*") if p.suffix in {".py", ".lua", ".typ", ".css", ".po"}]
    return sorted(str(p.relative_to(CTX.root)) for p in files if "__pycache__" not in p.parts)
