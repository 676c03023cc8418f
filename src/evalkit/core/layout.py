"""Where everything built for one evaluation goes: the one module that names the paths under
results/<evaluation>/ (never edited by hand; nothing else composes them).

    Layout.of(root, "<evaluation>").clean_table("<instrument>")
    -> <root>/results/<evaluation>/clean/<instrument>.csv

The workflow's rules name their inputs and outputs through it (workflow/rules/common.smk makes one
with a relative root, so the paths are Snakemake patterns: pass "{lang}" and get a wildcard back),
and so do the steps and the commands that read a build (drafts, changes, previews, comments).

| path | what |
|---|---|
| clean/<instrument>.csv, clean/<instrument>.intake.json | the clean table of each instrument and what the intake did |
| values.json, tables/<instrument>-<name>.csv | every number documents cite; the results tables |
| checks/content/<lang>.json, review/<lang>/findings-evidence.csv | the registry check; the evidence review |
| report/<lang>/meta.yml, fragments/, figures/ | the report inputs of one language |
| build/<lang>/<document>.* | the renderer's intermediate files (Markdown, Typst, reference.docx) |
| staged/<lang>/<document>.<fmt>, staged/dataset/ | documents and dataset as built, before and while checked |
| checks/accessibility/<part>.json, checks/privacy/<part>.json | the gate and the privacy scan per part |
| checks/accessibility.json, privacy.json, environment.json, 508.{json,html} | the merged checks |
| checks/cache/<check>/<part>/<key>.json | one document's check result, by the hash of all it depends on |
| checks/release.json | which release publish/ holds |
| publish/ | the release (promoted whole) |
| logs/<rule>[/<wildcards>].log, benchmarks/<rule>[/<wildcards>].tsv | one log and one timing file per job |
| changes/<old>--<new>/, comments/, previews/ | made by `evalkit draft …` and `evalkit preview`, not by the build |

Light on purpose (standard library only): the Snakefile imports it on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

RESULTS = "results"          # results/<evaluation id>/ under the repository root
DRAFTS = "drafts"            # drafts/<name>/ under the repository root (evalkit draft take)
FORMATS = ("html", "pdf", "docx")
DATASET = "dataset"          # the part of a release that is not a language: staged/dataset/, publish/dataset/
MICRODATA = ("sav", "dta", "csv")


@dataclass(frozen=True)
class Layout:
    """The paths of one evaluation's build, under `base` (results/<evaluation id>, absolute or relative
    to the repository root). Every method returns a Path; arguments may be Snakemake wildcards."""

    base: Path

    @classmethod
    def of(cls, root: str | Path, evaluation_id: str) -> Layout:
        return cls(Path(root) / RESULTS / evaluation_id)

    def relative_to(self, root: str | Path) -> Layout:
        """The same layout with paths relative to `root` (as Snakemake rules name files)."""
        return Layout(self.base.relative_to(root))

    # --- intake and analysis ------------------------------------------------------------------

    def clean_dir(self) -> Path:
        return self.base / "clean"

    def clean_table(self, instrument: str) -> Path:
        return self.clean_dir() / f"{instrument}.csv"

    def intake_report(self, instrument: str) -> Path:
        return self.clean_dir() / f"{instrument}.intake.json"

    def values(self) -> Path:
        return self.base / "values.json"

    def tables_dir(self) -> Path:
        return self.base / "tables"

    def table(self, instrument: str, name: str) -> Path:
        return self.tables_dir() / f"{instrument}-{name}.csv"

    # --- content and report inputs ------------------------------------------------------------

    def content_check(self, lang: str) -> Path:
        return self.checks_dir() / "content" / f"{lang}.json"

    def evidence_review(self, lang: str) -> Path:
        return self.base / "review" / lang / "findings-evidence.csv"

    def report_inputs(self, lang: str) -> Path:
        return self.base / "report" / lang

    def report_meta(self, lang: str) -> Path:
        return self.report_inputs(lang) / "meta.yml"

    def fragments(self, lang: str) -> Path:
        return self.report_inputs(lang) / "fragments"

    def figures(self, lang: str) -> Path:
        return self.report_inputs(lang) / "figures"

    # --- rendering ----------------------------------------------------------------------------

    def build_dir(self, lang: str, document: str = "report") -> Path:
        """The folder of one document's intermediate files (build/<lang>/ or build/<lang>/briefs/ …)."""
        return (self.base / "build" / lang / document).parent

    def intermediate(self, lang: str, document: str, suffix: str) -> Path:
        """One intermediate file of a document, e.g. suffix ".md" (the Markdown pandoc reads) or ".typ"."""
        return self.base / "build" / lang / f"{document}{suffix}"

    def staged_dir(self) -> Path:
        return self.base / "staged"

    def staged(self, lang: str, document: str, fmt: str) -> Path:
        return self.staged_dir() / lang / f"{document}.{fmt}"

    def staged_formats(self, lang: str, document: str, formats: list[str] | tuple[str, ...] = FORMATS) -> list[Path]:
        return [self.staged(lang, document, fmt) for fmt in formats]

    # --- the dataset --------------------------------------------------------------------------

    def dataset_dir(self) -> Path:
        return self.staged_dir() / DATASET

    def microdata(self, instrument: str, ext: str) -> Path:
        return self.dataset_dir() / f"{instrument}.{ext}"

    def codebook_html(self) -> Path:
        return self.dataset_dir() / "codebook.html"

    def codebook_csv(self) -> Path:
        return self.dataset_dir() / "codebook.csv"

    def disclosure(self) -> Path:
        return self.dataset_dir() / "disclosure.json"

    # --- checks and the release ---------------------------------------------------------------

    def checks_dir(self) -> Path:
        return self.base / "checks"

    def accessibility_part(self, part: str) -> Path:
        return self.checks_dir() / "accessibility" / f"{part}.json"

    def accessibility(self) -> Path:
        return self.checks_dir() / "accessibility.json"

    def environment(self) -> Path:
        return self.checks_dir() / "environment.json"

    def conformance(self) -> Path:
        return self.checks_dir() / "508.json"

    def conformance_page(self) -> Path:
        return self.checks_dir() / "508.html"

    def check_cache_dir(self, check: str, part: str) -> Path:
        """checks/cache/<check>/<part>/: each document's result of one check ("accessibility",
        "privacy") on one part, named by its key (the hash of the document's bytes and of everything
        else the verdict depends on)."""
        return self.checks_dir() / "cache" / check / part

    def check_cache(self, check: str, part: str, key: str) -> Path:
        return self.check_cache_dir(check, part) / f"{key}.json"

    def privacy_part(self, part: str) -> Path:
        return self.checks_dir() / "privacy" / f"{part}.json"

    def privacy(self) -> Path:
        return self.checks_dir() / "privacy.json"

    def release_record(self) -> Path:
        return self.checks_dir() / "release.json"

    def publish_dir(self) -> Path:
        return self.base / "publish"

    def manifest(self) -> Path:
        return self.publish_dir() / "manifest.json"

    # --- one log and one timing file per job --------------------------------------------------

    def log(self, rule: str, *wildcards: str) -> Path:
        """logs/<rule>.log, or logs/<rule>/<w1>/<w2>.log for a job with wildcards."""
        return self._per_job("logs", rule, wildcards, ".log")

    def benchmark(self, rule: str, *wildcards: str) -> Path:
        """benchmarks/<rule>.tsv, or benchmarks/<rule>/<w1>/<w2>.tsv for a job with wildcards."""
        return self._per_job("benchmarks", rule, wildcards, ".tsv")

    def benchmarks_dir(self) -> Path:
        return self.base / "benchmarks"

    def _per_job(self, kind: str, rule: str, wildcards: tuple[str, ...], suffix: str) -> Path:
        if not wildcards:
            return self.base / kind / f"{rule}{suffix}"
        *folders, last = wildcards
        return self.base.joinpath(kind, rule, *folders) / f"{last}{suffix}"

    # --- made by the commands, not by the build -----------------------------------------------

    def changes(self, old: str, new: str) -> Path:
        """changes/<old>--<new>/: the change report and redlines between two drafts."""
        return self.base / "changes" / f"{old}--{new}"

    def comments_dir(self) -> Path:
        return self.base / "comments"

    def comment_matrix(self, lang: str) -> Path:
        return self.comments_dir() / f"comments-{lang}.html"

    def previews_dir(self) -> Path:
        return self.base / "previews"


def drafts_dir(root: str | Path) -> Path:
    """drafts/ under the repository root: the snapshots `evalkit draft take` makes."""
    return Path(root) / DRAFTS

