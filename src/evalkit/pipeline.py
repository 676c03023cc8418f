"""The pipeline's steps as plain functions: each reads its inputs and writes its outputs atomically.

Snakemake rules (workflow/rules/*.smk) call these through thin scripts; tests call them directly.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import date
from pathlib import Path

from typing import TYPE_CHECKING

from .errors import DataError, EvalkitError
from .io import atomic_write_bytes, atomic_write_text, sha256_file
from .render.quarto_subset import expand
from .context import KIND_TABLES, Context, analysis_tables  # noqa: F401  (re-exported: scripts and tests use them)
from .i18n import translator
from .values import ValueStore, load_values

if TYPE_CHECKING:
    import pandas as pd

# pandas, statsmodels and matplotlib are imported inside the steps that use them: every Snakemake
# job starts a fresh interpreter, and the steps that only render or check documents should not pay
# for the analysis libraries.

log = logging.getLogger("evalkit")


class GateFailed(EvalkitError):
    """The accessibility gate found violations."""


# --- raw -> clean ---------------------------------------------------------------------------

def clean_instrument(ctx: Context, instrument_id: str, out_csv: str | Path, out_report: str | Path) -> None:
    """Clean every raw file of an instrument with its codebook into one clean table.

    Also writes the intake report (JSON): rows read and kept per file, renames, recodes, the
    duplicate resolutions applied and the variables removed for privacy.
    """
    from .intake.clean import clean_table
    from .intake.duplicates import key_strings
    from .intake.readers import read_raw
    import pandas as pd

    ev = ctx.evaluation
    ins = ev.instrument(instrument_id)
    codebook = ev.codebooks[instrument_id]
    resolutions = ev.resolutions()
    res_file = ctx.rel(ev.duplicates_file) if ev.duplicates_file else f"{ctx.rel(ev.folder)}/duplicates.yaml " \
        f"(create it and name it under 'duplicates:' in evaluation.yaml)"
    tables, reports = [], []
    for part in ev.raw_files(ins):
        raw = read_raw(ctx.root / part["file"], ins["format"], display_name=part["file"],
                       encoding=ins.get("encoding", "utf-8"))
        cleaned = clean_table(raw, codebook, set_values=part["set"], resolutions=resolutions,
                              instrument=instrument_id, resolutions_file=res_file, kind=ins["kind"])
        cleaned.report["sha256"] = sha256_file(ctx.root / part["file"])
        tables.append(cleaned.table)
        reports.append(cleaned.report)
    clean = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    if len(tables) > 1:
        keys = key_strings(clean, codebook.key)
        dup = sorted(set(keys[keys.duplicated()]))
        if dup:
            raise DataError(", ".join(p["file"] for p in ev.raw_files(ins)),
                            [f"key '{k}' ({', '.join(codebook.key)}) appears in more than one file; expected each "
                             f"record in one file only" for k in dup[:20]])
    report = {"instrument": instrument_id, "kind": ins["kind"], "codebook": codebook.source,
              "rows": len(clean), "files": reports}
    atomic_write_text(out_csv, clean.to_csv(index=False, lineterminator="\n"))
    atomic_write_text(out_report, json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def read_clean(path: str | Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)


def breakdown_variable(spec) -> str:
    return spec if isinstance(spec, str) else spec["variable"]


# --- clean -> values ------------------------------------------------------------------------

def _source(ctx: Context, *instruments: dict) -> dict:
    files = [f for ins in instruments for f in ctx.evaluation.raw_files(ins)]
    return {"file": ", ".join(f["file"] for f in files),
            "sha256": ", ".join(sha256_file(ctx.root / f["file"]) for f in files),
            "instrument": ", ".join(ins["id"] for ins in instruments),
            "codebook": ", ".join(ctx.evaluation.codebooks[ins["id"]].source for ins in instruments)}


def _write_table(frame: pd.DataFrame, path: str | Path) -> None:
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def compute_values(ctx: Context, clean_csvs: dict[str, str | Path], out_values: str | Path,
                   table_dir: str | Path) -> None:
    """values.json with every number documents cite, and the results tables of every instrument.

    Each instrument is analysed by its data family; instruments that are never published
    (triangulation only) are analysed too, for the evaluators, and kept out of documents later."""
    from .analysis.convergence import add_convergence_values, check_activity_links, convergence
    from .analysis.fieldwork import add_fieldwork_values, add_response_rate_value, data_collection, table2_frame
    from .analysis.workshops import add_workshop_values, order_matches, workshop_priorities
    from .analysis.survey import add_breakdown_values, add_survey_values, analyze_survey, results_table

    ev = ctx.evaluation
    stats = ctx.config["statistics"]
    settings = ev.data.get("analysis", {})
    min_cell = ctx.config["privacy"]["min_cell"]
    store = ValueStore(ev.id, list(ctx.config["languages"]))
    table_dir = Path(table_dir)
    clean = {i["id"]: read_clean(clean_csvs[i["id"]]) for i in ev.instruments}
    fieldwork = {}
    for ins in ev.instruments:
        iid, kind = ins["id"], ins["kind"]
        cb = ev.codebooks[iid]
        source = _source(ctx, ins)
        data = clean[iid]
        if kind == "rating_survey":
            results = analyze_survey(data, cb, stats["confidence_level"], stats["interval_method"])
            add_survey_values(store, iid, data, results, source, cb, min_cell)
            store.add(f"{iid}.min_cell", min_cell, "count",
                      {"file": "config/config.yaml", "computation": "privacy.min_cell: smallest cell documents show"})
            by_vars = [b for b in settings.get("breakdowns", []) if breakdown_variable(b) in data.columns]
            add_breakdown_values(store, iid, data, cb, by_vars, min_cell, source)
            _write_table(results_table(iid, results), table_dir / f"{iid}-ratings.csv")
        elif kind == "engagement_log":
            fieldwork[iid] = data_collection(data, cb)
            add_fieldwork_values(store, iid, fieldwork[iid], source)
            _write_table(table2_frame(fieldwork[iid]), table_dir / f"{iid}-table2.csv")
        elif kind == "workshop_forms":
            priorities = workshop_priorities(data, cb)
            if not order_matches(priorities):
                log.warning("evalkit: %s: the priority order of the workshop ratings differs from the codebook's "
                            "order of the items", iid)
            add_workshop_values(store, iid, priorities, data, source, cb)
            _write_table(priorities, table_dir / f"{iid}-priorities.csv")
        elif kind == "coded_segments":
            min_types = settings.get("convergence_min_types", 3)
            table = convergence(data, min_types)
            add_convergence_values(store, iid, table, source, min_types)
            _write_table(table, table_dir / f"{iid}-convergence.csv")
        elif kind == "indicator_report":
            _indicator_values(ctx, ins, data, store, source, table_dir)
        elif kind == "secondary_figures":
            from .analysis.secondary import add_secondary_values, secondary_table

            add_secondary_values(store, iid, data, source)
            _write_table(secondary_table(data), table_dir / f"{iid}-figures.csv")
    # Links between families
    logs = ev.instruments_of("engagement_log")
    for ins in ev.instruments_of("coded_segments"):
        for lg in logs:
            problems = check_activity_links(clean[ins["id"]], clean[lg["id"]])
            if problems:
                raise DataError(f"{ctx.rel(clean_csvs[ins['id']])} against {ctx.rel(clean_csvs[lg['id']])}", problems[:20])
    rr = settings.get("response_rate")
    if rr:
        survey, log_id = ev.instrument(rr["survey"]), ev.instrument(rr["engagement_log"])
        add_response_rate_value(store, survey["id"], len(clean[survey["id"]]), fieldwork[log_id["id"]].totals["participants"],
                                _source(ctx, survey, log_id), log_id["id"])
    if settings.get("ratios"):
        from .analysis.secondary import add_ratio_values

        add_ratio_values(store, settings["ratios"], ctx.rel(ev.folder / "evaluation.yaml"))
    atomic_write_text(out_values, store.to_json())


def indicator_config(ctx: Context, instrument_id: str):
    """The evaluation's indicator declarations (analysis.indicators) with the TOsC they refer to."""
    from .analysis.indicators import load_indicator_config

    settings = ctx.evaluation.data.get("analysis", {})
    return load_indicator_config(ctx.evaluation.folder / settings["indicators"], ctx.root / settings["tosc"],
                                 ctx.evaluation.codebooks[instrument_id], list(ctx.config["languages"]), root=ctx.root)


def _indicator_values(ctx: Context, ins: dict, data: pd.DataFrame, store: ValueStore, source: dict,
                      table_dir: Path) -> None:
    """Indicator roll-ups (evalkit.analysis.indicators), declared in the evaluation's indicators file."""
    from .analysis.indicators import add_indicator_values, indicator_table, period_table, rollup
    from .evaluation import families

    settings = ctx.evaluation.data.get("analysis", {})
    cb = ctx.evaluation.codebooks[ins["id"]]
    config = indicator_config(ctx, ins["id"])
    result = rollup(data, config, families()["indicator_report"].get("stock_units", []))
    if result.problems:
        raise DataError(f"{ctx.rel(ctx.evaluation.folder / settings['indicators'])} against the clean monitoring table",
                        result.problems[:20])
    codes = {str(c["code"]): c["key"] for c in cb.variable("project")["categories"]}
    project_files = {codes[str(f["set"]["project"])]: {"file": f["file"], "sha256": sha256_file(ctx.root / f["file"])}
                     for f in ctx.evaluation.raw_files(ins) if "project" in f["set"]}
    add_indicator_values(store, ins["id"], result, source, project_files=project_files)
    _write_table(indicator_table(result), table_dir / f"{ins['id']}-indicators.csv")
    _write_table(period_table(result), table_dir / f"{ins['id']}-periods.csv")


# --- content registry -------------------------------------------------------------------------

def content_path(ctx: Context) -> Path | None:
    c = ctx.evaluation.data.get("content")
    return ctx.root / c if c else None


def content_references(ctx: Context, values_doc: dict, clean_csvs: dict[str, str | Path]):
    """What the registry may point at: value ids, stakeholder types, projects, codes, journal entries."""
    from .content import References

    ev = ctx.evaluation
    refs = References(value_ids=set(values_doc["values"]))
    for ins in ev.instruments:
        cb = ev.codebooks[ins["id"]]
        names = {v["name"] for v in cb.variables()}
        if ins["kind"] == "engagement_log" and "stakeholder" in names:
            refs.stakeholders = {c["key"] for c in cb.variable("stakeholder")["categories"]}
        elif ins["kind"] == "indicator_report":
            refs.projects = {c["key"] for c in cb.variable("project")["categories"]}
        elif ins["kind"] == "coded_segments":
            refs.segment_codes = set(read_clean(clean_csvs[ins["id"]])["code"])
        elif ins["kind"] == "outcome_journal":
            refs.journal_entries = set(read_clean(clean_csvs[ins["id"]])[cb.id_variable])
        elif ins["kind"] == "workshop_forms":
            refs.priority_items = {v["name"] for v in cb.variables("rating")}
    return refs


def load_content(ctx: Context, values_doc: dict, clean_csvs: dict[str, str | Path], languages: list[str] | None = None):
    """The checked registry with the texts of `languages` (default: every document language)."""
    from .content import load_registry

    tosc = ctx.root / ctx.evaluation.data["analysis"]["tosc"]
    return load_registry(content_path(ctx), tosc, list(languages or ctx.config["languages"]),
                         content_references(ctx, values_doc, clean_csvs), display_root=ctx.root)


def check_content(ctx: Context, values_path: str | Path, clean_csvs: dict[str, str | Path], out_report: str | Path,
                  out_review: str | Path, tables: dict[str, str | Path], lang: str | None = None) -> None:
    """Check the registry's integrity with the texts of `lang` (every text present in that language;
    default: all languages at once) -- the build stops listing every violation -- and write the internal
    review table in that language: per finding its evidence (values, outcomes, coded segments) and
    convergence flag. `tables`: the results tables by file stem (e.g. ``coded_segments-convergence``)."""
    import pandas as pd

    values_doc = load_values(values_path)
    reg = load_content(ctx, values_doc, clean_csvs, [lang] if lang else None)
    primary = lang or ctx.config["languages"][0]
    fnum = reg.finding_numbers()
    conv = {}
    for ins in ctx.evaluation.instruments_of("coded_segments"):
        conv = {r["code"]: r for r in read_clean(tables[f"{ins['id']}-convergence"]).to_dict("records")}
    rows = []
    for f in reg.data["findings"]:
        c = conv.get(f["id"], {})
        ev = f.get("evidence", {})
        rows.append({"finding": fnum[f["id"]], "id": f["id"], "title": f["title"][primary],
                     "values": "; ".join(f"{v} = {values_doc['values'][v]['display'][primary]}"
                                         + (" (suppressed in documents)" if values_doc["values"][v].get("suppressed") else "")
                                         for v in ev.get("values", [])),
                     "outcomes": "; ".join(ev.get("outcomes", [])), "projects": "; ".join(ev.get("projects", [])),
                     "segments": c.get("segments", "0"), "stakeholder_types": c.get("stakeholder_types", "0"),
                     "types": c.get("types", ""), "flagged": c.get("flagged", "True" if not c else "False"),
                     "leverage_points": len(f.get("leverage_points", []))})
    _write_table(pd.DataFrame(rows), out_review)
    summary = {"registry": reg.source, "passed": True,
               "counts": {k: len(reg.data.get(k, [])) for k in ("criteria", "themes", "findings", "good_practices",
                                                        "recommendations", "projects", "outcomes", "learning_questions")},
               "leverage_points": sum(1 for _ in reg.leverage_points()),
               "findings_flagged": [r["id"] for r in rows if str(r["flagged"]) == "True"],
               "finding_numbers": fnum}
    atomic_write_text(out_report, json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


# --- clean -> dataset deliverable ------------------------------------------------------------

def dataset_instruments(ctx: Context) -> list[str]:
    """Instruments whose microdata are published: rating surveys marked publish."""
    return [i["id"] for i in ctx.evaluation.instruments_of("rating_survey") if i["publish"]]


def build_dataset_deliverable(ctx: Context, clean_csvs: dict[str, str | Path], out_dir: str | Path) -> None:
    """results/publish/dataset/: microdata per published survey, bilingual codebook, disclosure report."""
    from .dataset import (build_dataset, codebook_rows, write_codebook_csv, write_codebook_html,
                          write_dataset, write_disclosure_report)

    out_dir = Path(out_dir)
    langs = list(ctx.config["languages"])
    k = ctx.config["privacy"]["k"]
    datasets, reports, rows = [], [], []
    for iid in dataset_instruments(ctx):
        cb = ctx.evaluation.codebooks[iid]
        data, variables, report = build_dataset(read_clean(clean_csvs[iid]), cb, iid, k, langs)
        label = f"{cb.data['label'][langs[0]]} - {ctx.evaluation.data['title'][langs[0]]}"
        files = write_dataset(data, variables, cb, report, out_dir, iid, langs, label,
                              date.fromisoformat(ctx.evaluation.data["date"]))
        r = codebook_rows(variables, cb, langs, report)
        rows += [dict(x, dataset=iid) for x in r]
        datasets.append({"codebook": cb, "report": report, "variables": variables, "rows": r,
                         "files": [f.name for f in files]})
        reports.append(report)
    write_codebook_csv(rows, out_dir / "codebook.csv", langs)
    write_codebook_html(datasets, out_dir / "codebook.html", langs, ctx.evaluation.data["title"])
    write_disclosure_report(reports, out_dir / "disclosure.json")


# --- values -> report inputs ----------------------------------------------------------------

def build_report_inputs(ctx: Context, values_path: str | Path, lang: str, out_meta: str | Path,
                        fragment_dir: str | Path, figure_dir: str | Path,
                        clean_csvs: dict[str, str | Path] | None = None) -> None:
    from .fragments import (breakdown_fragment, dump_yaml, fieldwork_fragment, priorities_fragment, report_metadata,
                            survey_fragment)

    values_doc = load_values(values_path)
    doc_dir = ctx.report_source(lang).parent
    Path(fragment_dir).mkdir(parents=True, exist_ok=True)
    Path(figure_dir).mkdir(parents=True, exist_ok=True)
    min_cell = ctx.config["privacy"]["min_cell"]
    figures = Path(figure_dir)
    for ins in ctx.evaluation.instruments:
        if not ins["publish"]:
            continue
        iid, kind = ins["id"], ins["kind"]
        cb = ctx.evaluation.codebooks[iid]
        fragments: dict[str, str] = {}
        if kind == "rating_survey":
            fragments["ratings"] = survey_fragment(values_doc, iid, cb, lang, figures / f"{iid}-ratings.png",
                                                   doc_dir, min_cell)
            for spec in ctx.evaluation.data.get("analysis", {}).get("breakdowns", []):
                by = breakdown_variable(spec)
                if any(v["name"] == by for v in cb.variables()):
                    fragments[f"by-{by}"] = breakdown_fragment(values_doc, iid, cb, lang, spec, min_cell)
        elif kind == "engagement_log":
            fragments["fieldwork"] = fieldwork_fragment(values_doc, iid, cb, lang)
        elif kind == "workshop_forms":
            fragments["priorities"] = priorities_fragment(values_doc, iid, cb, lang,
                                                          figures / f"{iid}-priorities.png", doc_dir)
        elif kind == "indicator_report":
            fragments["indicators"] = indicators_fragment(values_doc, iid, ctx, lang, figures, doc_dir)
        elif kind == "secondary_figures" and clean_csvs is not None:
            from .fragments import secondary_fragment

            fragments["sources"] = secondary_fragment(values_doc, iid, cb, read_clean(clean_csvs[iid]), lang)
        for name, md in fragments.items():
            atomic_write_text(Path(fragment_dir) / f"{iid}-{name}.md", md)
    if content_path(ctx) is not None and clean_csvs is not None:
        from .annexes import annexes_fragment
        from .chapters import (acronyms_fragment, conclusions_chapter, evaluation_questions_fragment,
                               findings_chapter, good_practices_chapter, lessons_chapter, performance_ratings_fragment,
                               recommendations_by_addressee, recommendations_chapter)

        reg = load_content(ctx, values_doc, clean_csvs, [lang])
        names = value_names(ctx, lang)
        stakeholders = {}
        for ins in ctx.evaluation.instruments_of("engagement_log"):
            stakeholders = {c["key"]: c["label"][lang] for c in ctx.evaluation.codebooks[ins["id"]].variable("stakeholder")["categories"]}
        workshop = next((i["id"] for i in ctx.evaluation.instruments_of("workshop_forms")), None)
        fragments_out = {
            "findings.md": findings_chapter(reg, values_doc, lang, names, stakeholders),
            "good-practices.md": good_practices_chapter(reg, lang),
            "recommendations.md": recommendations_chapter(reg, values_doc, lang, workshop),
            "recommendations-by-addressee.md": recommendations_by_addressee(reg, values_doc, lang, workshop),
            "annexes.md": annexes_fragment(reg, lang, figures, doc_dir),
            "acronyms.md": acronyms_fragment(reg, lang),
            "evaluation-questions.md": evaluation_questions_fragment(reg, lang),
            "conclusions.md": conclusions_chapter(reg, lang),
            "lessons.md": lessons_chapter(reg, lang),
        }
        if reg.data.get("performance_ratings"):
            fragments_out["performance-ratings.md"] = performance_ratings_fragment(reg, lang)
        for name, md in fragments_out.items():
            atomic_write_text(Path(fragment_dir) / name, md)
        # the learning briefs (documents in report/<evaluation>/<lang>/briefs/; no images)
        from .briefs import brief_fragments, cited_indicators

        monitoring = next((i["id"] for i in ctx.evaluation.instruments_of("indicator_report")), None)
        cited = (cited_indicators(indicator_config(ctx, monitoring), monitoring)
                 if monitoring and "indicators" in ctx.evaluation.data.get("analysis", {}) else {})
        for name, md in brief_fragments(reg, values_doc, lang, names, stakeholders, list(ctx.config["formats"]),
                                        monitoring, cited).items():
            atomic_write_text(Path(fragment_dir) / "briefs" / f"{name}.md", md)
    atomic_write_text(out_meta, dump_yaml(report_metadata(values_doc, ctx.evaluation, lang)))


# --- report inputs -> documents -------------------------------------------------------------

def render_report(ctx: Context, lang: str, out_files: list[str | Path], build_dir: str | Path,
                  document: str = "report") -> None:
    """Render one document of one language (report/<evaluation>/<lang>/<document>.qmd) to `out_files`."""
    from .render.embedded import render_embedded
    from .render.quarto import quarto_available, render_quarto

    renderer = ctx.config["renderer"]
    if renderer == "auto":
        renderer = "quarto" if quarto_available() else "embedded"
    src = ctx.report_source(lang, document)
    out_stem = Path(out_files[0]).with_suffix("")
    formats = [Path(f).suffix.lstrip(".") for f in out_files]
    if renderer == "quarto":
        render_quarto(src, lang, formats, out_stem, Path(build_dir), ctx.evaluation.data["date"])
    else:
        doc = expand(src, display_root=ctx.root)
        render_embedded(doc, lang, formats, Path(build_dir), out_stem, src.parent, ctx.root,
                        ctx.evaluation.data["date"])


def value_names(ctx: Context, lang: str) -> dict[str, str]:
    """Readable names, in one language, of the value ids findings cite as evidence: the top-box share
    of survey items (overall and by group) and monitoring indicators and aggregates."""
    names: dict[str, str] = {}
    ev = ctx.evaluation
    for ins in ev.instruments_of("rating_survey"):
        if not ins["publish"]:
            continue
        cb = ev.codebooks[ins["id"]]
        survey = cb.data["label"][lang]
        groups = {g["variable"]: {x["key"]: x["label"][lang] for x in g["groups"]} for g in cb.generalizations}
        for var in cb.variables("rating"):
            scale = cb.scale(var["scale"])
            top = scale.get("top_box_label", {}).get(lang, "")
            item = var.get("short_label", var["label"])[lang]
            names[f"{ins['id']}.{var['name']}.top_box_share"] = f"{survey}, {item} ({top})"
            for v in cb.variables("category"):
                cats = {c["key"]: c["label"][lang] for c in v["categories"]} | groups.get(v["name"], {})
                for key, label in cats.items():
                    names[f"{ins['id']}.{var['name']}.by_{v['name']}.{key}.top_box_share"] = f"{survey}, {item}, {label} ({top})"
    settings = ev.data.get("analysis", {})
    for ins in ev.instruments_of("indicator_report"):
        if "indicators" not in settings:
            continue
        from .analysis.indicators import slug

        config = indicator_config(ctx, ins["id"])
        for (project, code), decl in config.declarations.items():
            base = f"{ins['id']}.{project}.{slug(code)}"
            names[f"{base}.total"] = decl["label"][lang]
            names[f"{base}.total_millions"] = decl["label"][lang] + " (" + translator(lang)("millions") + ")"
            names[f"{base}.women"] = decl["label"][lang] + " (" + translator(lang)("women") + ")"
        for agg in config.aggregates:
            names[f"{ins['id']}.aggregate.{agg['id']}.total"] = agg["label"][lang]
    return names


def indicators_fragment(values_doc: dict, iid: str, ctx: Context, lang: str, figures: Path, doc_dir: Path) -> str:
    """The monitoring indicators the evaluation cites (evalkit.fragments.indicator_fragment)."""
    from .fragments import indicator_fragment

    return indicator_fragment(values_doc, iid, ctx.evaluation.codebooks[iid], indicator_config(ctx, iid), lang,
                              figures / f"{iid}-aggregates.png", doc_dir)


def document_title(ctx: Context, lang: str, document: str = "report") -> str:
    doc = expand(ctx.report_source(lang, document), display_root=ctx.root)
    return str(doc.metadata.get("title", ""))


# --- checks and manifest --------------------------------------------------------------------

def scan_published(ctx: Context, files: list[str | Path], report_path: str | Path) -> dict:
    """Fail when a raw identifier value appears in any published file (evalkit.checks.privacy)."""
    from .checks.privacy import run_scan

    return run_scan(ctx, files, report_path)


def gate_published(ctx: Context, files: list[str | Path], langs: dict[str, str], report_path: str | Path,
                   environment_path: str | Path | None = None) -> dict:
    """Run the accessibility gate on published files (results/publish/<lang>/<name>.<fmt>).

    On success, the versions of the tools used go to `environment_path` (if given).
    On failure the findings stay in results/checks/ (the .md summary and a copy of the JSON named
    *-failed.json, since Snakemake removes the outputs of a failed rule) and the build stops.
    """
    from .checks.accessibility import AccessibilityGateError, run_gate

    from .dataset import codebook_title

    primary = ctx.config["languages"][0]
    documents = []
    for f in files:
        p = Path(f)
        parts = Path(ctx.rel(p)).parts
        # <...>/publish/<lang>/<document>.<fmt>, also outside the repository (a checked copy)
        at = max((i for i, x in enumerate(parts[:-2]) if x == "publish"), default=None)
        sub = parts[at + 1] if at is not None else p.parent.name
        if sub in langs:      # results/<evaluation>/publish/<lang>/<document>.<fmt>
            lang = langs[sub]
            document = Path(*parts[at + 2:]) if at is not None else Path(p.name)
            title = document_title(ctx, lang, document.with_suffix("").as_posix())
        else:                 # results/publish/dataset/codebook.html: bilingual, primary language first
            lang, title = primary, codebook_title(ctx.evaluation.data["title"], primary)
        documents.append({"path": ctx.rel(p), "format": p.suffix.lstrip("."), "lang": lang, "title": title})
    report_path = Path(report_path)
    failed_copy = report_path.with_name(report_path.stem + "-failed.json")
    try:
        acc = ctx.config["accessibility"]
        result = run_gate(documents, report_path, axe_tags=acc["axe_tags"], chromium=acc["chromium"])
    except AccessibilityGateError as exc:
        copy_file(report_path, failed_copy)
        raise GateFailed(f"{exc}\nFindings: {ctx.rel(report_path.with_suffix('.md'))}, {ctx.rel(failed_copy)}") from None
    failed_copy.unlink(missing_ok=True)
    if environment_path is not None:
        write_environment(ctx, result.get("axe_version"), environment_path)
    return result


def write_environment(ctx: Context, axe_version: str | None, path: str | Path) -> None:
    atomic_write_text(path, json.dumps(tool_versions(ctx, axe_version), indent=2, sort_keys=True) + "\n")


def tool_versions(ctx: Context, axe_version: str | None) -> dict:
    """The tools that made and checked the documents (Chromium is not pinned forever: see deps/)."""
    import subprocess
    from importlib.metadata import version

    import pypandoc

    chromium = ctx.config["accessibility"]["chromium"]
    try:
        browser = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except OSError:
        browser = None
    return {"python_packages": {p: version(p) for p in ("evalkit", "snakemake", "pandas", "pyreadstat", "statsmodels",
                                                      "babel", "matplotlib", "typst", "pypandoc-binary", "playwright")},
            "pandoc": pypandoc.get_pandoc_version(), "chromium": browser, "axe_core": axe_version,
            "debian_packages": debian_packages(ctx.root / "deps" / "debian-packages.txt")}


def debian_packages(pins: Path) -> dict:
    """Each pinned Debian package with the version installed; a warning where they differ (./run keeps
    an installed build, and installs the archive's current one when the pin has left the archive)."""
    import subprocess

    out = {}
    lines = pins.read_text(encoding="utf-8").splitlines() if pins.is_file() else []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        pkg, pinned = line.split("=", 1)
        try:
            proc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True, timeout=60)
            installed = proc.stdout.strip() if proc.returncode == 0 else None
        except OSError:
            installed = None
        entry = {"pinned": pinned, "installed": installed or None}
        if installed != pinned:
            entry["warning"] = (f"{pkg} {installed} is used instead of the pinned {pinned}" if installed
                                else f"{pkg} is not installed as a Debian package (pinned {pinned})")
        out[pkg] = entry
    return out


def write_manifest(ctx: Context, files: list[str | Path], out: str | Path) -> None:
    """results/publish/manifest.json: every published file with its size and SHA-256."""
    out = Path(out)
    entries = []
    for f in sorted(Path(p) for p in files):
        entries.append({"path": f.resolve().relative_to(out.parent.resolve()).as_posix(),
                        "bytes": f.stat().st_size, "sha256": sha256_file(f)})
    doc = {"evaluation": ctx.evaluation.id, "languages": ctx.config["languages"], "files": entries}
    atomic_write_text(out, json.dumps(doc, indent=2, sort_keys=True) + "\n")


def merge_checks(kind: str, parts: list[str | Path], report_path: str | Path) -> dict:
    """One report of the accessibility gate or the privacy scan from the reports of its parts (each
    language's documents, the dataset), so that an edit in one language re-checks only that language."""
    if kind == "accessibility":
        from .checks.accessibility import merge_reports
    else:
        from .checks.privacy import merge_reports
    return merge_reports([json.loads(Path(p).read_text(encoding="utf-8")) for p in parts], report_path)


def copy_file(src: str | Path, dst: str | Path) -> None:
    atomic_write_bytes(dst, Path(src).read_bytes())
    shutil.copymode(src, dst)
