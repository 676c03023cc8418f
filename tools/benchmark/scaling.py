"""How the intake or the analysis grows with the data: run intake.py or analysis.py at the given
scale (1x) and at twice that scale (2x: twice the respondents and twice the monitoring projects,
so twice the rows of both datasets), and report each time and the ratio time(2x) / time(1x).

Linear growth is a ratio of about 2; the target (issue 16) is at most 2.2. Usage (from the
repository root):

    .venv/bin/python tools/benchmark/scaling.py intake --runs 3
    .venv/bin/python tools/benchmark/scaling.py analysis --runs 3 --json /tmp/analysis-scaling.json

Each scale runs in its own process (the benchmark script itself, with --json), one after the
other; the totals compared are the medians of --runs runs, as the benchmark prints them. Options
after the benchmark name other than --runs, --json and --limit go to the benchmark unchanged
(for example --only monitoring, or a base scale such as --respondents 50000). Not a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = {"respondents": 100_000, "projects": 200}   # the defaults of intake.py / analysis.py


def totals(doc: dict) -> dict[str, float]:
    """The counted seconds of a benchmark's JSON: per dataset and in all."""
    out = {name: d["total_seconds"] for name, d in doc["datasets"].items()}
    out["total"] = doc["combined_seconds"] if doc["benchmark"] == "intake" else doc["total_seconds"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmark", choices=["intake", "analysis"])
    ap.add_argument("--runs", type=int, default=1, help="runs per scale; the medians are compared (default 1)")
    ap.add_argument("--json", type=Path, help="also write both benchmarks' figures and the ratios to this file")
    ap.add_argument("--limit", type=float, default=2.2, help="largest acceptable ratio (default %(default)s)")
    args, rest = ap.parse_known_args(argv)
    base = dict(BASE)
    for key in base:   # a base scale given on the command line is doubled too
        flag = f"--{key}"
        if flag in rest:
            i = rest.index(flag)
            base[key] = int(rest[i + 1])
            del rest[i:i + 2]
    docs = {}
    with tempfile.TemporaryDirectory(prefix="evalkit-scaling-") as tmp:
        for factor in (1, 2):
            out = Path(tmp) / f"{factor}x.json"
            cmd = [sys.executable, str(HERE / f"{args.benchmark}.py"), "--runs", str(args.runs), "--json", str(out),
                   "--budget", "1e9", *rest]
            for key, n in base.items():
                cmd += [f"--{key}", str(n * factor)]
            print(f"== {factor}x: {' '.join(cmd[1:])}", flush=True)
            subprocess.run(cmd, check=True)
            docs[factor] = json.loads(out.read_text(encoding="utf-8"))
    one, two = totals(docs[1]), totals(docs[2])
    print(f"\n{args.benchmark} scaling, median of {args.runs} run(s) per scale "
          f"({base['respondents']:,} respondents and {base['projects']} projects at 1x):")
    print(f"  {'':<12}{'1x (s)':>10}{'2x (s)':>10}{'ratio':>8}")
    ratios = {}
    for name in one:
        ratios[name] = two[name] / one[name] if one[name] else float("nan")
        print(f"  {name:<12}{one[name]:>10.2f}{two[name]:>10.2f}{ratios[name]:>8.2f}")
    ok = ratios["total"] <= args.limit
    print(f"time(2x) / time(1x) = {ratios['total']:.2f}: {'linear' if ok else 'NOT linear'} "
          f"(limit {args.limit:g})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"benchmark": args.benchmark, "runs": args.runs, "base_scale": base,
                                         "seconds_1x": one, "seconds_2x": two, "ratios": ratios,
                                         "limit": args.limit, "linear": ok, "figures": docs}, indent=2) + "\n",
                             encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
