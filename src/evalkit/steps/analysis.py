"""Rule compute_values: clean tables -> values.json and the results tables, by data family."""

from __future__ import annotations

from pathlib import Path

from evalkit.core.errors import DataError
from evalkit.core.io import atomic_write_text
from evalkit.model.context import Context
from evalkit.steps.common import _source, read_clean
from evalkit.values.store import ValueStore

FAMILY_HOOKS = ("analyze",)  # what this step calls of the data families (evalkit.core.codedeps)


def compute_values(ctx: Context, clean_csvs: dict[str, str | Path], out_values: str | Path,
                   table_dir: str | Path) -> None:
    """values.json with every number documents cite, and the results tables of every instrument.

    Each instrument is analysed by its data family (evalkit.families); instruments that are never published
    (triangulation only) are analysed too, for the evaluators, and kept out of documents later."""
    from evalkit.analysis.convergence import check_activity_links
    from evalkit.analysis.fieldwork import add_response_rate_value
    from evalkit.families import get
    from evalkit.families.jobs import AnalysisJob

    ev = ctx.evaluation
    settings = ev.data.get("analysis", {})
    store = ValueStore(ev.id, list(ctx.config["languages"]))
    table_dir = Path(table_dir)
    clean = {i["id"]: read_clean(clean_csvs[i["id"]]) for i in ev.instruments}
    state = {}  # what each instrument's analysis returned (the fieldwork counts of an engagement log)
    for ins in ev.instruments:
        family = get(ins["kind"])
        if family.analyze is not None:
            state[ins["id"]] = family.analyze(AnalysisJob(ctx, ins, clean[ins["id"]], store, table_dir,
                                                          _source(ctx, ins)))
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
                                state[log_id["id"]].totals["participants"],
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
