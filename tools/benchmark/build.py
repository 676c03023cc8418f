"""Benchmark: build speed of the default evaluation (issue: clean build under 3 minutes, a run with
nothing changed under 5 s, an edit to one Spanish recommendation rebuilding only what depends on it).

Works on a throw-away copy of the repository (git ls-files), so your results/ are untouched:

    .venv/bin/python tools/benchmark/build.py [--keep DIR]

It times (1) a clean `snakemake --cores N` build, (2) the same command again with nothing changed,
(3) a rebuild after rewording one Spanish recommendation in the registry's Spanish texts
(registry.es-MX.yaml) and (4) after editing one sentence of the Spanish report source, listing the
jobs that ran. It fails when a budget is missed or when an edit in Spanish re-ran English work.
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


JOB = re.compile(r"^(?:local)?rule (\w+):\n(.*?)(?=^\S|\Z)", re.M | re.S)


def snakemake(cwd: Path) -> tuple[float, list[str]]:
    """Seconds taken and the jobs run, as 'rule[wildcards]'."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(os.cpu_count() or 1)], cwd=cwd,
                          capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"snakemake failed:\n{proc.stderr[-3000:]}")
    jobs = set()
    for rule, body in JOB.findall(proc.stdout + proc.stderr):
        if rule == "all":
            continue
        w = re.search(r"^\s+wildcards: (.*)$", body, re.M)
        jobs.add(f"{rule}[{w.group(1)}]" if w else rule)
    return took, sorted(jobs)


def english_work(jobs: list[str]) -> list[str]:
    return [j for j in jobs if re.search(r"\b(lang|part)=en\b", j)]


def reword_first_recommendation(work: Path) -> None:
    """Add a sentence to the Spanish text of the registry's first recommendation."""
    import yaml

    from evalkit.content.overlays import dump_registry_yaml

    path = work / "report" / "mexico-auto-2024" / "content" / "registry.es-MX.yaml"
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    data = yaml.safe_load(text)
    first = next(iter(data["recommendations"]))
    data["recommendations"][first]["text"] += " Conviene empezar cuanto antes."
    path.write_text(dump_registry_yaml(data, header), encoding="utf-8")


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
        reword_first_recommendation(work)
        rec, rec_jobs = snakemake(work)
        src = work / "report" / "mexico-auto-2024" / "es" / "report.qmd"
        text = src.read_text(encoding="utf-8")
        src.write_text(text + "\nEl equipo agradece a todas las personas que participaron.\n", encoding="utf-8")
        edit, edit_jobs = snakemake(work)
        print(f"clean build:                       {clean:6.1f} s  (budget 180 s)")
        print(f"nothing changed:                   {noop:6.1f} s  (budget 5 s){'; ran: ' + ', '.join(ran) if ran else ''}")
        print(f"one Spanish recommendation edited: {rec:6.1f} s  jobs run: {', '.join(rec_jobs)}")
        print(f"one Spanish report sentence:       {edit:6.1f} s  jobs run: {', '.join(edit_jobs)}")
        wrong = english_work(rec_jobs) + english_work(edit_jobs)
        if wrong:
            print(f"English work re-ran after a Spanish edit: {', '.join(wrong)}")
        return 0 if clean <= 180 and noop <= 5 and not ran and not wrong else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
