# Validate the configuration before anything runs, load the evaluation, and name what each rule reads
# and writes. Every path under results/<evaluation>/ comes from LAYOUT (evalkit.core.layout): the
# rules never compose one. Functions only here; the rule files hold rules only.
import re
import sys

from evalkit.core.errors import EvalkitError
from evalkit.core.config import load_schema, validate
from evalkit.core.i18n import subtag
from evalkit.core.layout import MICRODATA
from evalkit.model.context import Context

try:
    validate(config, load_schema("config.schema.yaml"), "config/config.yaml (with --config overrides)")
    CTX = Context.load(workflow.basedir, config=config)
    DOCUMENTS = CTX.documents()  # report/<evaluation>/<lang>/**/*.qmd, e.g. report, briefs/compliance
except EvalkitError as exc:
    sys.stderr.write(f"\nevalkit: the run cannot start.\n{exc}\n\n")
    raise SystemExit(1)

EVAL = CTX.evaluation
CONFIG = CTX.config  # validated, with the schema's defaults applied
LAYOUT = CTX.layout.relative_to(CTX.root)  # results/<evaluation id>/…, as paths relative to the repository
FORMATS = list(config["formats"])
LANGS = {subtag(tag): tag for tag in config["languages"]}  # "en" -> "en-US"
INSTRUMENTS = [ins["id"] for ins in EVAL.instruments]
SURVEYS = [ins["id"] for ins in EVAL.instruments_of("rating_survey")]
DATASETS = [ins["id"] for ins in EVAL.instruments_of("rating_survey") if ins["publish"]]
PARTS = list(LANGS) + (["dataset"] if DATASETS else [])  # the accessibility gate and the privacy scan run per part


def settings(*keys):
    """The configuration values a rule reads, as its params.config. The job sees only these, and a
    change of any of them (in config.yaml, --config or --configfile) re-runs the rule. Keys are
    top-level ("languages") or one level down ("privacy.min_cell"); the evaluation id is always there."""
    out = {"evaluation": CONFIG["evaluation"]}
    for key in keys:
        top, _, sub = key.partition(".")
        if sub:
            out.setdefault(top, {})[sub] = CONFIG[top][sub]
        else:
            out[top] = CONFIG[top]
    return out


def evaluation_part(*keys, **one_language):
    """The parts of evaluation.yaml a rule reads, as a param (so editing another part re-runs nothing);
    key=tag takes only that language's text of a bilingual key, e.g. title="es-MX"."""
    return {key: EVAL.data.get(key) for key in keys} | {key: EVAL.data[key][tag] for key, tag in one_language.items()}


wildcard_constraints:
    lang="|".join(LANGS),
    document="|".join(re.escape(d) for d in DOCUMENTS),
    part="|".join(PARTS),
    instrument="|".join(INSTRUMENTS),
    fmt="|".join(FORMATS),


def repo(path):
    """A path of the checkout (config/, raw/, report/) relative to its root, as the rules name inputs."""
    return str(path.relative_to(CTX.root))


# --- what the rules read ------------------------------------------------------------------------

def raw_files(wildcards):
    return [f["file"] for f in EVAL.raw_files(EVAL.instrument(wildcards.instrument))]


def raw_inputs():
    return sorted({f["file"] for ins in EVAL.instruments for f in EVAL.raw_files(ins)})


def duplicate_resolutions():
    return [repo(EVAL.duplicates_file)] if EVAL.duplicates_file else []


def codebook_file(wildcards):
    return repo(EVAL.folder / EVAL.instrument(wildcards.instrument)["codebook"])


def codebooks(instruments=None):
    """The codebooks of some instruments (default: all)."""
    return [repo(EVAL.folder / ins["codebook"]) for ins in EVAL.instruments
            if instruments is None or ins["id"] in instruments]


def analysis_settings():
    """Files the analyses read besides the clean tables (indicator declarations, the TOsC)."""
    declared = EVAL.data.get("analysis", {})
    files = []
    if "indicators" in declared:
        files.append(repo(EVAL.folder / declared["indicators"]))
    if "tosc" in declared:
        files.append(declared["tosc"])
    return files


def content_files(lang=None):
    """The content registry and its text overlays (all languages, or one), when the evaluation has one."""
    from evalkit.content.overlays import registry_files

    if not EVAL.data.get("content"):
        return []
    tags = [LANGS[lang]] if lang else list(LANGS.values())
    return [repo(p) for p in registry_files(CTX.root / EVAL.data["content"], tags)]


def interface_catalogs():
    return sorted(repo(p) for p in CTX.root.glob("src/evalkit/locale/*/LC_MESSAGES/evalkit.po"))


def report_source(lang, document):
    return repo(CTX.report_source(LANGS[lang], document))


def report_partials(lang):
    """A language's Quarto partials (names starting with '_'), which any of its documents may include."""
    folder = EVAL.report_dir() / subtag(LANGS[lang])
    return sorted(repo(p) for p in folder.rglob("*.qmd")
                  if any(part.startswith("_") for part in p.relative_to(folder).parts))


def report_sources(lang):
    """A language's Quarto sources: its documents and their partials."""
    return [report_source(lang, d) for d in DOCUMENTS] + report_partials(lang)


def evalkit_code(step):
    """The code a rule's step runs (evalkit.steps.<step> and everything it imports, with the data files
    those modules load): editing it re-runs the rule; editing code the rule does not run does not."""
    from evalkit.core.codedeps import closure

    return list(closure(str(CTX.root), "evalkit.steps.runner", f"evalkit.steps.{step}"))


# --- what the rules write (all of it under LAYOUT) ------------------------------------------------

def clean_tables(instruments=None):
    return [LAYOUT.clean_table(i) for i in (INSTRUMENTS if instruments is None else instruments)]


def analysis_table_files():
    from evalkit.families import analysis_tables

    return [LAYOUT.table(iid, name) for iid, names in analysis_tables(EVAL.instruments).items() for name in names]


def content_checked(lang):
    return [LAYOUT.content_check(lang)] if EVAL.data.get("content") else []


def dataset_files():
    return [LAYOUT.microdata(i, ext) for i in DATASETS for ext in MICRODATA]


def language_documents(lang):
    """A language's documents as built (staged for the checks), every format."""
    return [LAYOUT.staged(lang, d, fmt) for d in DOCUMENTS for fmt in FORMATS]


def part_documents(part):
    """Documents people read, of one part (a language, or the dataset): they pass the accessibility gate."""
    return [LAYOUT.codebook_html()] if part == "dataset" else language_documents(part)


def part_files(part):
    """Every published file of one part (the privacy scan reads them all)."""
    if part == "dataset":
        return part_documents(part) + dataset_files() + [LAYOUT.codebook_csv(), LAYOUT.disclosure()]
    return language_documents(part)


def published_documents():
    """Documents people read: they pass the accessibility gate."""
    return [f for part in PARTS for f in part_documents(part)]


def published_files():
    """Everything a release publishes: documents, microdata, codebook, disclosure report (staged)."""
    return [f for part in PARTS for f in part_files(part)]


def forget_a_release_changed_by_hand():
    """checks/release.json stands for publish/ only while publish/ holds exactly the files of its
    manifest: otherwise the record goes, and this run promotes the checked documents again."""
    from evalkit.steps.release import release_is_current

    record = CTX.root / LAYOUT.release_record()
    if record.is_file() and not release_is_current(record, CTX.root / LAYOUT.publish_dir()):
        record.unlink()


forget_a_release_changed_by_hand()
