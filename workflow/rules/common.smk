# Validate the configuration before anything runs, load the evaluation, and name the outputs.
import re
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

RESULTS = str(CTX.results.relative_to(CTX.root))  # results/<evaluation id>
EVAL = CTX.evaluation
LANGS = {subtag(tag): tag for tag in config["languages"]}  # "en" -> "en-US"
INSTRUMENTS = [ins["id"] for ins in EVAL.instruments]
try:
    DOCUMENTS = CTX.documents()  # report/<evaluation>/<lang>/**/*.qmd, e.g. report, briefs/compliance
except EvalkitError as exc:
    sys.stderr.write(f"\nevalkit: the run cannot start.\n{exc}\n\n")
    raise SystemExit(1)
SURVEYS = [ins["id"] for ins in EVAL.instruments_of("rating_survey")]
DATASETS = [ins["id"] for ins in EVAL.instruments_of("rating_survey") if ins["publish"]]
PARTS = list(LANGS) + (["dataset"] if DATASETS else [])  # the accessibility gate and the privacy scan run per part


wildcard_constraints:
    lang="|".join(LANGS),
    document="|".join(re.escape(d) for d in DOCUMENTS),
    part="|".join(PARTS),
    instrument="|".join(INSTRUMENTS),
    fmt="|".join(config["formats"]),


def raw_files(wildcards):
    return [f["file"] for f in EVAL.raw_files(EVAL.instrument(wildcards.instrument))]


def duplicate_resolutions():
    return [str(EVAL.duplicates_file.relative_to(CTX.root))] if EVAL.duplicates_file else []


def codebook_file(wildcards):
    return str(EVAL.folder.relative_to(CTX.root) / EVAL.instrument(wildcards.instrument)["codebook"])


def language_documents(lang):
    """A language's published documents, every format."""
    return expand(RESULTS + "/publish/{lang}/{document}.{fmt}", lang=lang, document=DOCUMENTS, fmt=config["formats"])


def part_documents(part):
    """Documents people read, of one part (a language, or the dataset): they pass the accessibility gate."""
    return [RESULTS + "/publish/dataset/codebook.html"] if part == "dataset" else language_documents(part)


def part_files(part):
    """Every published file of one part (the privacy scan reads them all)."""
    if part == "dataset":
        return part_documents(part) + dataset_files() + [
            RESULTS + "/publish/dataset/codebook.csv", RESULTS + "/publish/dataset/disclosure.json"]
    return language_documents(part)


def published_documents():
    """Documents people read: they pass the accessibility gate."""
    return [f for part in PARTS for f in part_documents(part)]


def dataset_files():
    return expand(RESULTS + "/publish/dataset/{instrument}.{ext}", instrument=DATASETS, ext=["sav", "dta", "csv"])


def published_files():
    """Everything published: documents, microdata, codebook, disclosure report (the privacy scan reads them all)."""
    return [f for part in PARTS for f in part_files(part)]


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


def content_files(lang=None):
    """The content registry and its text overlays (all languages, or one), when the evaluation has one."""
    from evalkit.content import registry_files

    if not EVAL.data.get("content"):
        return []
    tags = [LANGS[lang]] if lang else list(LANGS.values())
    return [str(p.relative_to(CTX.root)) for p in registry_files(CTX.root / EVAL.data["content"], tags)]


def content_checked(lang):
    return [RESULTS + f"/checks/content/{lang}.json"] if EVAL.data.get("content") else []


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
