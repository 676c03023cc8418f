"""Rule check_content: the content registry checked against the build, and the evidence review."""

from __future__ import annotations

import json
from pathlib import Path

from evalkit.content.registry import content_path
from evalkit.core.io import atomic_write_text
from evalkit.model.context import Context
from evalkit.steps.common import _write_table, read_clean
from evalkit.values.store import load_values

FAMILY_HOOKS = ("references",)  # what this step calls of the data families (evalkit.core.codedeps)


def content_references(ctx: Context, values_doc: dict, clean_csvs: dict[str, str | Path]):
    """What the registry may point at: value ids, stakeholder types, projects, codes, journal entries."""
    from evalkit.content.integrity import References
    from evalkit.families import get
    from evalkit.families.jobs import ReferencesJob

    ev = ctx.evaluation
    refs = References(value_ids=set(values_doc["values"]))
    for ins in ev.instruments:
        family = get(ins["kind"])
        if family.references is not None:
            family.references(ReferencesJob(ctx, ins, refs, clean_csvs))
    return refs


def load_content(ctx: Context, values_doc: dict, clean_csvs: dict[str, str | Path], languages: list[str] | None = None,
                 refs=None):
    """The checked registry with the texts of `languages` (default: every document language).
    `refs`: the content_references of this build, when the caller has them already."""
    from evalkit.content.registry import load_registry

    tosc = ctx.evaluation.data.get("analysis", {}).get("tosc")
    return load_registry(content_path(ctx), ctx.root / tosc if tosc else None,
                         list(languages or ctx.config["languages"]),
                         refs or content_references(ctx, values_doc, clean_csvs), display_root=ctx.root,
                         type_name=ctx.evaluation.type)


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
                                         + (" (suppressed in documents)"
                                            if values_doc["values"][v].get("suppressed") else "")
                                         for v in ev.get("values", [])),
                     "outcomes": "; ".join(ev.get("outcomes", [])), "projects": "; ".join(ev.get("projects", [])),
                     "segments": c.get("segments", "0"), "stakeholder_types": c.get("stakeholder_types", "0"),
                     "types": c.get("types", ""), "flagged": c.get("flagged", "True" if not c else "False"),
                     "leverage_points": len(f.get("leverage_points", []))})
    _write_table(pd.DataFrame(rows), out_review)
    summary = {"registry": reg.source, "passed": True,
               "counts": {k: len(reg.data.get(k, [])) for k in ("criteria", "themes", "findings", "good_practices",
                                                        "recommendations", "projects", "outcomes", "learning_questions",
                                                                "cases", "tables", "stories", "priorities")},
               "leverage_points": sum(1 for _ in reg.leverage_points()),
               "findings_flagged": [r["id"] for r in rows if str(r["flagged"]) == "True"],
               "finding_numbers": fnum}
    atomic_write_text(out_report, json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
