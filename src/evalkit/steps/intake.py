"""Rule clean_instrument: raw file(s) as received -> the clean table of one instrument."""

from __future__ import annotations

import json
from pathlib import Path

from evalkit.core.errors import DataError
from evalkit.core.io import atomic_write_text, sha256_file
from evalkit.model.context import Context
from evalkit.model.evaluation import EARLIEST_DATE

FAMILY_HOOKS = ("clean",)  # what this step calls of the data families (evalkit.core.codedeps)


def clean_instrument(ctx: Context, instrument_id: str, out_csv: str | Path, out_report: str | Path) -> None:
    """Clean every raw file of an instrument with its codebook into one clean table.

    Also writes the intake report (JSON): rows read and kept per file, renames, recodes, the
    duplicate resolutions applied and the variables removed for privacy.
    """
    from evalkit.families import get
    from evalkit.intake.clean import clean_tables
    from evalkit.intake.duplicates import key_strings
    from evalkit.intake.readers import read_raw

    ev = ctx.evaluation
    ins = ev.instrument(instrument_id)
    codebook = ev.codebooks[instrument_id]
    resolutions = ev.resolutions()
    res_file = ctx.rel(ev.duplicates_file) if ev.duplicates_file else f"{ctx.rel(ev.folder)}/duplicates.yaml " \
        f"(create it with a list under 'resolutions:', workflow/schemas/duplicates.schema.yaml, and name it under " \
        f"'duplicates:' in evaluation.yaml)"
    # Read every file, then clean them together in one vectorised pass (clean_tables), which raises
    # the problems of the first file that has any, as cleaning file by file would.
    parts, raws, unreadable = ev.raw_files(ins), [], None
    for part in parts:
        try:
            raws.append(read_raw(ctx.root / part["file"], ins["format"], display_name=part["file"],
                                 encoding=ins.get("encoding", "utf-8")))
        except DataError as exc:   # raised after the files before it are cleaned, and pass
            unreadable = exc
            break
    opts = dict(resolutions=resolutions, instrument=instrument_id, resolutions_file=res_file, kind=ins["kind"],
                dates=(EARLIEST_DATE, ev.data["date"]), hook=get(ins["kind"]).clean)
    if raws:
        cleaned = clean_tables(raws, codebook, set_values=[p["set"] for p in parts[:len(raws)]], **opts)
    if unreadable is not None:
        raise unreadable
    reports = cleaned.report["files"]
    for part, report in zip(parts, reports, strict=True):
        report["sha256"] = sha256_file(ctx.root / part["file"])
    clean = cleaned.table
    if len(parts) > 1:
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
