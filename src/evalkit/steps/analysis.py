"""Rule compute_values: clean tables -> values.json and the results tables, by data family."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from evalkit.core.errors import DataError
from evalkit.core.io import atomic_write_text, sha256_file
from evalkit.model.context import Context
from evalkit.steps.common import (
    _source,
    _write_table,
    breakdown_variable,
    dataset_instruments,
    indicator_config,
    read_clean,
)
from evalkit.values.store import ValueStore

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("evalkit")


def compute_values(ctx: Context, clean_csvs: dict[str, str | Path], out_values: str | Path,
                   table_dir: str | Path) -> None:
    """values.json with every number documents cite, and the results tables of every instrument.

    Each instrument is analysed by its data family; instruments that are never published
    (triangulation only) are analysed too, for the evaluators, and kept out of documents later."""
    from evalkit.analysis.convergence import (
        add_convergence_values,
        check_activity_links,
        convergence,
    )
    from evalkit.analysis.fieldwork import (
        add_fieldwork_values,
        add_itinerary_values,
        add_response_rate_value,
        data_collection,
        itinerary,
        table2_frame,
    )
    from evalkit.analysis.survey import (
        add_breakdown_values,
        add_survey_values,
        analyze_survey,
        results_table,
    )
    from evalkit.analysis.workshops import (
        add_workshop_values,
        order_matches,
        workshop_priorities,
    )

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
            try:
                results = analyze_survey(data, cb, stats["confidence_level"], stats["interval_method"])
            except ValueError as exc:  # an item no respondent answered on the scale
                raise DataError(source["file"], [f"column {exc}; expected at least one answer on the item's scale "
                                                 f"(remove the item from {cb.source} or check the raw file)"]) from None
            released = _released(ctx, ins, data, store)
            add_survey_values(store, iid, data, results, source, cb, min_cell, released)
            store.add(f"{iid}.min_cell", min_cell, "count",
                      {"file": "config/config.yaml", "computation": "privacy.min_cell: smallest cell documents show"})
            by_vars = [b for b in settings.get("breakdowns", []) if breakdown_variable(b) in data.columns]
            add_breakdown_values(store, iid, data, cb, by_vars, min_cell, source, released)
            _write_table(results_table(iid, results), table_dir / f"{iid}-ratings.csv")
        elif kind == "engagement_log":
            fieldwork[iid] = data_collection(data, cb)
            add_fieldwork_values(store, iid, fieldwork[iid], source)
            _write_table(table2_frame(fieldwork[iid]), table_dir / f"{iid}-table2.csv")
            places = itinerary(data, cb, min_cell)
            add_itinerary_values(store, iid, places, fieldwork[iid].methods, source)
            store.add(f"{iid}.itinerary.min_cell", min_cell, "count",
                      {"file": "config/config.yaml", "computation": "privacy.min_cell: places with fewer participants "
                                                                    "are pooled in the itinerary"})
            _write_table(places, table_dir / f"{iid}-itinerary.csv")
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
            from evalkit.analysis.secondary import add_secondary_values, secondary_table

            add_secondary_values(store, iid, data, source)
            _write_table(secondary_table(data), table_dir / f"{iid}-figures.csv")
        elif kind == "document_review":
            from evalkit.analysis.documents import add_document_values, document_table

            add_document_values(store, iid, data, cb, source)
            _write_table(document_table(data, cb), table_dir / f"{iid}-documents.csv")
        elif kind == "workshop_schedule":
            from evalkit.analysis.workshops import add_schedule_values, schedule_table

            add_schedule_values(store, iid, data, cb, source)
            _write_table(schedule_table(data, cb), table_dir / f"{iid}-schedule.csv")
    # Links between families
    logs = ev.instruments_of("engagement_log")
    for ins in ev.instruments_of("coded_segments"):
        for lg in logs:
            problems = check_activity_links(clean[ins["id"]], clean[lg["id"]])
            if problems:
                raise DataError(f"{ctx.rel(clean_csvs[ins['id']])} against {ctx.rel(clean_csvs[lg['id']])}",
                                problems[:20])
    for ins in ev.instruments_of("workshop_schedule"):
        for forms in ev.instruments_of("workshop_forms"):
            _check_schedule(ctx, ins, forms, clean, clean_csvs, store)
    rr = settings.get("response_rate")
    if rr:
        survey, log_id = ev.instrument(rr["survey"]), ev.instrument(rr["engagement_log"])
        add_response_rate_value(store, survey["id"], len(clean[survey["id"]]),
                                fieldwork[log_id["id"]].totals["participants"],
                                _source(ctx, survey, log_id), log_id["id"])
    if settings.get("ratios"):
        from evalkit.analysis.secondary import add_ratio_values

        add_ratio_values(store, settings["ratios"], ctx.rel(ev.folder / "evaluation.yaml"))
    from evalkit.content.corrections import add_correction_values

    add_correction_values(store, ev, ctx.rel(ev.folder / "evaluation.yaml"))
    atomic_write_text(out_values, store.to_json())


def _check_schedule(ctx: Context, schedule: dict, forms: dict, clean: dict, clean_csvs: dict,
                    store: ValueStore) -> None:
    """The workshop schedule agrees with the workshop forms: the same workshops with the same dates
    and modes, and as many participants in each (so the totals and the in-person / remote counts,
    ``<schedule>.participants`` and ``<schedule>.<mode>.participants`` against ``<forms>.participants``
    and ``<forms>.<mode>``, agree too)."""
    from evalkit.analysis.workshops import schedule_problems

    problems = schedule_problems(clean[schedule["id"]], clean[forms["id"]])
    s, f = schedule["id"], forms["id"]
    modes = [c["key"] for c in ctx.evaluation.codebooks[s].variable("mode").get("categories", [])]
    for mine, theirs in [("participants", "participants")] + [(f"{m}.participants", m) for m in modes]:
        a, b = store.values.get(f"{s}.{mine}"), store.values.get(f"{f}.{theirs}")
        if a and b and a["value"] != b["value"]:
            problems.append(f"{s}.{mine} is {a['value']} but {f}.{theirs} is {b['value']}; expected the schedule's "
                            f"total to equal the forms' count")
    if problems:
        raise DataError(f"{_source(ctx, schedule)['file']} (schedule) against {_source(ctx, forms)['file']} (forms)",
                        problems[:20])


def _released(ctx: Context, ins: dict, data: pd.DataFrame, store: ValueStore) -> pd.DataFrame | None:
    """The microdata the dataset publishes of a survey (None when it publishes none), and the values
    documents cite about their protection (``<instrument>.k``, ``<instrument>.l``)."""
    from evalkit.analysis.disclosure import release_microdata

    if ins["id"] not in dataset_instruments(ctx):
        return None
    privacy = ctx.config["privacy"]
    released = release_microdata(data, ctx.evaluation.codebooks[ins["id"]], ins["id"], privacy["k"], privacy["l"])
    src = {"file": "config/config.yaml"}
    store.add(f"{ins['id']}.k", privacy["k"], "count",
              {**src, "computation": "privacy.k: fewest records sharing their quasi-identifiers in the dataset"})
    store.add(f"{ins['id']}.l", privacy["l"], "count",
              {**src, "computation": "privacy.l: fewest different answers to an item within such a class"})
    return released.data


def _indicator_values(ctx: Context, ins: dict, data: pd.DataFrame, store: ValueStore, source: dict,
                      table_dir: Path) -> None:
    """Indicator roll-ups (evalkit.analysis.indicators), declared in the evaluation's indicators file."""
    from evalkit.analysis.indicators import (
        add_indicator_values,
        indicator_table,
        period_table,
        rollup,
    )
    from evalkit.model.evaluation import families

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
