# Validate the configuration before anything runs, load the evaluation, and name the outputs.
import sys

from evalkit.errors import EvalkitError
from evalkit.context import Context
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
SURVEYS = [ins["id"] for ins in EVAL.instruments_of("rating_survey")]
DATASETS = [ins["id"] for ins in EVAL.instruments_of("rating_survey") if ins["publish"]]


wildcard_constraints:
    lang="|".join(LANGS),
    instrument="|".join(INSTRUMENTS),
    fmt="|".join(config["formats"]),


def raw_files(wildcards):
    return [f["file"] for f in EVAL.raw_files(EVAL.instrument(wildcards.instrument))]


def duplicate_resolutions():
    return [str(EVAL.duplicates_file.relative_to(CTX.root))] if EVAL.duplicates_file else []


def codebook_file(wildcards):
    return str(EVAL.folder.relative_to(CTX.root) / EVAL.instrument(wildcards.instrument)["codebook"])


def published_documents():
    """Documents people read: they pass the accessibility gate (the dataset codebook only when a survey is published)."""
    return expand(RESULTS + "/publish/{lang}/report.{fmt}", lang=LANGS, fmt=config["formats"]) + (
        [RESULTS + "/publish/dataset/codebook.html"] if DATASETS else [])


def dataset_files():
    return expand(RESULTS + "/publish/dataset/{instrument}.{ext}", instrument=DATASETS, ext=["sav", "dta", "csv"])


def published_files():
    """Everything published: documents, microdata, codebook, disclosure report (the privacy scan reads them all)."""
    return published_documents() + dataset_files() + (
        [RESULTS + "/publish/dataset/codebook.csv", RESULTS + "/publish/dataset/disclosure.json"] if DATASETS else [])


def analysis_table_files():
    from evalkit.context import analysis_tables

    return [f"{RESULTS}/tables/{iid}-{name}.csv" for iid, names in analysis_tables(CTX).items() for name in names]


def analysis_settings():
    """Files the analyses read besides the clean tables (indicator declarations, the TOsC)."""
    settings = EVAL.data.get("analysis", {})
    files = []
    if "indicators" in settings:
        files.append(str((EVAL.folder / settings["indicators"]).relative_to(CTX.root)))
    if "tosc" in settings:
        files.append(settings["tosc"])
    return files


def content_files():
    """The content registry (and the TOsC it refers to), when the evaluation has one."""
    return [EVAL.data["content"]] if EVAL.data.get("content") else []


def content_checked():
    return [RESULTS + "/checks/content.json"] if EVAL.data.get("content") else []


def raw_inputs():
    return sorted({f["file"] for ins in EVAL.instruments for f in EVAL.raw_files(ins)})


def evaluation_definition():
    """The evaluation's definition and codebooks: labels and settings that outputs depend on."""
    folder = EVAL.folder.relative_to(CTX.root)
    return [str(folder / "evaluation.yaml")] + [str(folder / ins["codebook"]) for ins in EVAL.instruments]


def interface_catalogs():
    return sorted(str(p.relative_to(CTX.root)) for p in CTX.root.glob("src/evalkit/locale/*/LC_MESSAGES/evalkit.po"))


def evalkit_code():
    """The package's code, templates and schemas: changing them re-runs the rules that use them."""
    pkg = CTX.root / "src" / "evalkit"
    files = [p for p in pkg.rglob("*") if p.suffix in {".py", ".lua", ".typ", ".css", ".po"}]
    files += list((CTX.root / "workflow" / "schemas").glob("*.yaml"))
    return sorted(str(p.relative_to(CTX.root)) for p in files if "__pycache__" not in p.parts)
