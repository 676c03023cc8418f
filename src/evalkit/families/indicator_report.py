"""Project monitoring data: one row per indicator and reporting period of a project's report, rolled
up as the evaluation's indicator declarations (analysis.indicators) say."""

from __future__ import annotations

from evalkit.core.errors import DataError
from evalkit.core.i18n import translator
from evalkit.core.io import sha256_file
from evalkit.families import Family
from evalkit.families.jobs import AnalysisJob, FragmentJob, NamesJob, ReferencesJob
from evalkit.values import ids


def analyze(job: AnalysisJob) -> None:
    """Indicator roll-ups (evalkit.analysis.indicators), declared in the evaluation's indicators file."""
    from evalkit.analysis.indicator_config import indicator_config
    from evalkit.analysis.indicators import add_indicator_values, indicator_table, period_table, rollup
    from evalkit.model.instruments import family_spec

    ctx, ins = job.ctx, job.ins
    config = indicator_config(ctx, job.id)
    result = rollup(job.data, config, family_spec("indicator_report").get("stock_units", []))
    if result.problems:
        raise DataError(f"{ctx.rel(ctx.evaluation.folder / job.settings['indicators'])} against the clean "
                        f"monitoring table", result.problems[:20])
    codes = {str(c["code"]): c["key"] for c in job.codebook.variable("project")["categories"]}
    project_files = {codes[str(f["set"]["project"])]: {"file": f["file"], "sha256": sha256_file(ctx.root / f["file"])}
                     for f in ctx.evaluation.raw_files(ins) if "project" in f["set"]}
    add_indicator_values(job.store, job.id, result, job.source, project_files=project_files)
    job.write_table(indicator_table(result), "indicators")
    job.write_table(period_table(result), "periods")


def fragments(job: FragmentJob) -> dict[str, str]:
    """The monitoring indicators the evaluation cites (evalkit.documents.fragments.indicator_fragment)."""
    from evalkit.analysis.indicator_config import indicator_config
    from evalkit.documents.fragments import indicator_fragment

    return {"indicators": indicator_fragment(job.values_doc, job.id, job.codebook, indicator_config(job.ctx, job.id),
                                             job.lang, job.figures / f"{job.id}-aggregates", job.doc_dir,
                                             job.project_names)}


def value_names(job: NamesJob) -> dict[str, str]:
    """The number of projects, each declared indicator's total (in millions, of whom women, its target
    and share of it) and each aggregate (and its share of target)."""
    if "indicators" not in job.ctx.evaluation.data.get("analysis", {}):
        return {}
    from evalkit.analysis.indicator_config import indicator_config
    from evalkit.analysis.indicators import slug

    _ = translator(job.lang)
    names = {ids.value_id(job.id, "projects"): _("Projects in the monitoring data")}
    config = indicator_config(job.ctx, job.id)
    for (project, code), decl in config.declarations.items():
        base = ids.value_id(job.id, project, slug(code))
        label = decl["label"][job.lang]
        names[f"{base}.total"] = label
        names[f"{base}.total_millions"] = label + " (" + _("millions") + ")"
        names[f"{base}.women"] = label + " (" + _("women") + ")"
        names[f"{base}.target"] = label + " (" + _("target") + ")"
        names[f"{base}.achievement"] = label + " (" + _("share of target") + ")"
    for agg in config.aggregates:
        names[ids.aggregate(job.id, agg["id"], "total")] = agg["label"][job.lang]
        share = " (" + _("share of target") + ")"
        names[ids.aggregate(job.id, agg["id"], "achievement")] = agg["label"][job.lang] + share
    return names


def clean(*args, **kwargs):
    """Per-period and cumulative values side by side (evalkit.intake.families.reconcile_indicators)."""
    from evalkit.intake.families import reconcile_indicators

    return reconcile_indicators(*args, **kwargs)


def references(job: ReferencesJob) -> None:
    """The projects findings, outcomes and cases may name."""
    job.refs.projects = {c["key"] for c in job.codebook.variable("project")["categories"]}


FAMILY = Family("indicator_report", tables=("indicators", "periods"), analyze=analyze, fragments=fragments,
                value_names=value_names, references=references, clean=clean)
