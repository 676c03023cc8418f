"""Rule dataset: the de-identified microdata, the bilingual codebook and the disclosure report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from evalkit.model.context import Context
from evalkit.steps.common import dataset_instruments, read_clean


def build_dataset_deliverable(ctx: Context, clean_csvs: dict[str, str | Path], out_dir: str | Path) -> None:
    """results/publish/dataset/: microdata per published survey, bilingual codebook, disclosure report."""
    from evalkit.publish.dataset import (
        build_dataset,
        codebook_rows,
        write_codebook_csv,
        write_codebook_html,
        write_dataset,
        write_disclosure_report,
    )

    out_dir = Path(out_dir)
    langs = list(ctx.config["languages"])
    k = ctx.config["privacy"]["k"]
    datasets, reports, rows = [], [], []
    for iid in dataset_instruments(ctx):
        cb = ctx.evaluation.codebooks[iid]
        data, variables, report = build_dataset(read_clean(clean_csvs[iid]), cb, iid, k, langs,
                                                ctx.config["privacy"]["l"])
        label = f"{cb.data['label'][langs[0]]} - {ctx.evaluation.data['title'][langs[0]]}"
        files = write_dataset(data, variables, cb, report, out_dir, iid, langs, label,
                              date.fromisoformat(ctx.evaluation.data["date"]))
        r = codebook_rows(variables, cb, langs, report)
        rows += [dict(x, dataset=iid) for x in r]
        datasets.append({"codebook": cb, "report": report, "variables": variables, "rows": r,
                         "files": [f.name for f in files]})
        reports.append(report)
    write_codebook_csv(rows, out_dir / "codebook.csv", langs)
    from evalkit.documents.frontmatter import provenance_notice

    notice = {lang: provenance_notice(ctx.evaluation, lang) for lang in langs}
    write_codebook_html(datasets, out_dir / "codebook.html", langs, ctx.evaluation.data["title"],
                        notice if all(notice.values()) else None)
    write_disclosure_report(reports, out_dir / "disclosure.json")
