"""Benchmark: build speed of the default evaluation (issue: clean build under 3 minutes, a run with
nothing changed under 5 s, an edit to one Spanish text rebuilding only what depends on it).

Works on a throw-away copy of the repository (git ls-files), so your results/ are untouched:

    .venv/bin/python tools/benchmark/build.py [--keep DIR]

It times (1) a clean `snakemake --cores N` build, (2) the same command again with nothing changed,
and (3) a rebuild after editing one sentence of the Spanish report source, listing the rules that ran.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def copy_repo(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for f in filter(None, files):
        src = ROOT / f
        if src.is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)
    for link in ("node_modules", ".venv"):
        if (ROOT / link).exists():
            os.symlink(ROOT / link, dest / link)


def snakemake(cwd: Path) -> tuple[float, list[str]]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(os.cpu_count() or 1)], cwd=cwd,
                          capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"snakemake failed:\n{proc.stderr[-3000:]}")
    rules = sorted(set(re.findall(r"^localrule (\w+):", proc.stdout + proc.stderr, re.M)) - {"all"})
    return took, rules


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", help="build in this folder and keep it (default: a temporary folder)")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="evalkit-build-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        copy_repo(work)
        clean, _ = snakemake(work)
        noop, ran = snakemake(work)
        src = work / "report" / "mexico-auto-2024" / "es" / "report.qmd"
        text = src.read_text(encoding="utf-8")
        src.write_text(text.replace("Respondieron", "Contestaron", 1), encoding="utf-8")
        edit, edit_rules = snakemake(work)
        print(f"clean build:                  {clean:6.1f} s  (budget 180 s)")
        print(f"nothing changed:              {noop:6.1f} s  (budget 5 s){'; ran: ' + ', '.join(ran) if ran else ''}")
        print(f"one Spanish sentence edited:  {edit:6.1f} s  rules run: {', '.join(edit_rules)}")
        return 0 if clean <= 180 and noop <= 5 else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
