"""Benchmark: comparing two drafts of the default evaluation (issue: under 10 s on this machine).

Needs a finished build (`./run build`). It loads the current build as a draft twice, changes the
second one the way a revision does (numbers, table cells, a finding, a recommendation, prose), and
times the comparison, the change reports (HTML per language + JSON) and the redlines (DOCX per
language). Not a test: run it by hand and copy the figures into the README.

    .venv/bin/python tools/benchmark/drafts.py [--runs 3] [--budget 10]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from evalkit.model.context import Context  # noqa: E402
from evalkit.review.drafts import write_change_report, write_redlines  # noqa: E402
from evalkit.review.snapshot import current_build  # noqa: E402


def revised(draft):
    """A copy of the draft with the kinds of change a review round makes."""
    new = copy.deepcopy(draft)
    new.name, new.date = "revised", "2024-06-01"
    for n, (_vid, v) in enumerate(sorted(new.values["values"].items())):
        if n % 20 == 0 and v["kind"] == "count":
            v["value"] += 1
            v["display"] = {lang: f"{v['value']:,}" for lang in v["display"]}
    for rows in new.tables.values():
        for row in rows[1::7]:
            if len(row) > 1:
                row[-1] = row[-1] + "0"
    if new.registry:
        f = new.registry["findings"][0]
        for lang in f["text"]:
            f["text"][lang] = f["text"][lang].replace(".", ", as the interviews confirmed.", 1)
        new.registry["recommendations"][0]["title"] = {k: v + " (revised)" for k, v in
                                                      new.registry["recommendations"][0]["title"].items()}
    for lang, text in new.texts.items():
        new.texts[lang] = text.replace("\n\n", "\n\nA sentence added in review.\n\n", 3)
    return new


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--budget", type=float, default=10.0)
    args = ap.parse_args()
    ctx = Context.load(ROOT)
    old = current_build(ctx)
    new = revised(old)
    times = {"compare + change reports": [], "redlines": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            t = time.perf_counter()
            write_change_report(old, new, Path(tmp) / "changes")
            times["compare + change reports"].append(time.perf_counter() - t)
            t = time.perf_counter()
            write_redlines(old, new, Path(tmp) / "changes", ctx.evaluation.data["title"], "benchmark")
            times["redlines"].append(time.perf_counter() - t)
    total = 0.0
    print(f"comparing two drafts of {ctx.evaluation.id} ({len(old.values['values'])} values, {len(old.tables)} tables, "
          f"{len(old.texts)} languages), median of {args.runs} run(s):")
    for step, ts in times.items():
        m = statistics.median(ts)
        total += m
        print(f"  {step:<28} {m:6.2f} s")
    verdict = "within" if total <= args.budget else "OVER"
    print(f"  {'total':<28} {total:6.2f} s  {verdict} the {args.budget:g} s budget")
    return 0 if total <= args.budget else 1


if __name__ == "__main__":
    sys.exit(main())
