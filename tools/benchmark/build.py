"""Benchmark: build speed of the default evaluation against its renderers alone.

Works on a throw-away copy of the repository (git ls-files), so your results/ are untouched:

    .venv/bin/python tools/benchmark/build.py [--runs 3] [--cores N] [--json FILE] [--keep DIR]

Each run (median of --runs reported) times, on a fresh copy:

1. a clean build of every deliverable, as `./run build` makes it (`python -m evalkit.build`, on N
   cores: the process is pinned to N CPUs, so the build's own core count is N);
2. the bare renderers on the same intermediate files, in the same run: for every document and
   format, pandoc (HTML, DOCX, Typst) and the Typst compiler with exactly the arguments the render
   step used (results/<eval>/build/**/<document>.render.json), once one document after the other
   (sequential) and once N documents at a time (parallel, the build's core count), each document's
   calls in the pipeline's order. The ratio pipeline/bare compares (1) with each;
3. the same build again with nothing changed;
4. a rebuild after rewording one Spanish recommendation (registry.es-MX.yaml), and after editing
   one sentence of the Spanish report source, listing the jobs that ran, against the bare renderers
   of only the documents that were rendered again (sequential, and N at a time).

It then sums the build's benchmark files (results/<eval>/benchmarks/, one per job: wall and CPU
seconds) by rule, to show where the clean build's time goes. It exits 1 when a target is missed
(clean build above 2x the parallel bare renderers, an edit above 2x the bare renderers of the
documents it re-rendered, nothing-changed run of 1 s or more or running a job, an edit in Spanish
re-running English work).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVAL = "mexico-auto-2024"
sys.path.insert(0, str(ROOT / "src"))

from evalkit.core.layout import Layout  # noqa: E402


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


def build(cwd: Path, cores: int) -> tuple[float, list[str]]:
    """`./run build` without its setup: seconds taken and the jobs run, as 'rule[wildcards]'."""
    env = {**os.environ, "EVALKIT_AXE_JS": str(ROOT / "node_modules" / "axe-core" / "axe.min.js"),
           "PYTHONPATH": str(cwd / "src")}
    cpus = sorted(os.sched_getaffinity(0))[:cores]
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "evalkit.build"], cwd=cwd, env=env, capture_output=True, text=True,
                          preexec_fn=lambda: os.sched_setaffinity(0, cpus))
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"the build failed:\n{proc.stderr[-3000:]}")
    jobs = set()
    for rule, body in JOB.findall(proc.stdout + proc.stderr):
        if rule == "all":
            continue
        w = re.search(r"^\s+wildcards: (.*)$", body, re.M)
        jobs.add(f"{rule}[{w.group(1)}]" if w else rule)
    return took, sorted(jobs)


# --- the renderers alone --------------------------------------------------------------------------

def render_records(layout: Layout) -> list[Path]:
    """Every document's record of its renderer calls (evalkit.render.embedded writes one per document)."""
    records = sorted((layout.base / "build").rglob("*.render.json"))
    if not records:
        sys.exit(f"no *.render.json under {layout.base / 'build'}: was the build made with renderer: embedded?")
    return records


def _bare_output(name: str) -> str:
    return f"bare.{name}"


def render_alone(record_path: str) -> float:
    """Run one document's renderer calls as the render step did (same arguments, same folder, same
    order), writing beside the pipeline's files under other names; returns the seconds taken."""
    import pypandoc
    import typst

    record_file = Path(record_path)
    folder = record_file.parent
    record = json.loads(record_file.read_text(encoding="utf-8"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(record["epoch"])}
    pandoc = pypandoc.get_pandoc_path()
    start = time.perf_counter()
    for call in record["calls"]:
        if call["tool"] == "pandoc":
            args = list(call["args"])
            at = args.index("--output") + 1
            args[at] = _bare_output(args[at])
            subprocess.run([pandoc, *args], cwd=folder, env=env, check=True, capture_output=True)
        else:
            pdf = typst.compile(str(folder / _bare_output(call["input"])), root=str((folder / call["root"]).resolve()),
                                pdf_standards=call["pdf_standards"], ignore_system_fonts=call["ignore_system_fonts"],
                                timestamp=call["timestamp"])
            (folder / _bare_output(call["output"])).write_bytes(pdf)
    return time.perf_counter() - start


def bare_renderers(layout: Layout, workers: int, only: list[Path] | None = None) -> float:
    """Wall seconds to run every document's renderer calls (or those of `only`), `workers` documents at
    a time (processes started and typst/pypandoc imported before the clock starts)."""
    records = [str(r) for r in (render_records(layout) if only is None else only)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_warm, range(workers)))
        start = time.perf_counter()
        list(pool.map(render_alone, records))
        took = time.perf_counter() - start
    for f in (layout.base / "build").rglob("bare.*"):
        f.unlink()
    return took


def _warm(_: int) -> None:
    import pypandoc  # noqa: F401
    import typst  # noqa: F401


# --- where the build's time goes ------------------------------------------------------------------

def job_times(layout: Layout) -> dict[str, dict[str, float]]:
    """Per rule: jobs, and the sums of their wall and CPU seconds (Snakemake's benchmark files)."""
    out: dict[str, dict[str, float]] = {}
    folder = layout.benchmarks_dir()
    for tsv in sorted(folder.rglob("*.tsv")):
        rel = tsv.relative_to(folder)
        rule = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        header, *rows = [line.split("\t") for line in tsv.read_text().splitlines() if line.strip()]
        row = dict(zip(header, rows[-1], strict=True))
        entry = out.setdefault(rule, {"jobs": 0, "s": 0.0, "cpu_time": 0.0})
        entry["jobs"] += 1
        entry["s"] += float(row["s"])
        entry["cpu_time"] += float(row.get("cpu_time") or 0)
    return out


# --- edits ----------------------------------------------------------------------------------------

def rendered_again(layout: Layout, jobs: list[str]) -> list[Path]:
    """The render records of the documents an edit rendered again (render_report[document=…, lang=…])."""
    out = []
    for job in jobs:
        if job.startswith("render_report["):
            w = dict(kv.split("=", 1) for kv in job[len("render_report["):-1].split(", "))
            out.append(layout.base / "build" / w["lang"] / f"{w['document']}.render.json")
    missing = [str(p) for p in out if not p.is_file()]
    if missing:
        sys.exit(f"no render record for {', '.join(missing)}")
    return out


def english_work(jobs: list[str]) -> list[str]:
    return [j for j in jobs if re.search(r"\b(lang|part)=en\b", j)]


def reword_first_recommendation(work: Path) -> None:
    """Add a sentence to the Spanish text of the registry's first recommendation."""
    import yaml

    from evalkit.content.overlays import dump_registry_yaml

    path = work / "report" / EVAL / "content" / "registry.es-MX.yaml"
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    data = yaml.safe_load(text)
    first = next(iter(data["recommendations"]))
    data["recommendations"][first]["text"] += " Conviene empezar cuanto antes."
    path.write_text(dump_registry_yaml(data, header), encoding="utf-8")


def one_run(work: Path, cores: int, edits: bool) -> dict:
    copy_repo(work)
    layout = Layout.of(work, EVAL)
    fig: dict = {}
    fig["clean"], _ = build(work, cores)
    fig["bare_sequential"] = bare_renderers(layout, 1)
    fig["bare_parallel"] = bare_renderers(layout, cores)
    fig["documents"] = len(render_records(layout))
    fig["jobs"] = job_times(layout)
    noops = [build(work, cores) for _ in range(3)]
    fig["noop"] = statistics.median(t for t, _ in noops)
    fig["noop_ran"] = sorted({j for _, ran in noops for j in ran})
    if edits:
        reword_first_recommendation(work)
        fig["recommendation"], fig["recommendation_jobs"] = build(work, cores)
        again = rendered_again(layout, fig["recommendation_jobs"])
        fig["recommendation_bare"] = bare_renderers(layout, cores, again)
        fig["recommendation_bare_sequential"] = bare_renderers(layout, 1, again)
        src = work / "report" / EVAL / "es" / "report.qmd"
        sentence = "\nEl equipo agradece a todas las personas que participaron.\n"
        src.write_text(src.read_text(encoding="utf-8") + sentence, encoding="utf-8")
        fig["sentence"], fig["sentence_jobs"] = build(work, cores)
        again = rendered_again(layout, fig["sentence_jobs"])
        fig["sentence_bare"] = bare_renderers(layout, cores, again)
        fig["sentence_bare_sequential"] = bare_renderers(layout, 1, again)
    return fig


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1, help="clean builds to take the median of (default 1)")
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 1, help="snakemake --cores, and the bare "
                    "renderers' parallel documents (default: every core)")
    ap.add_argument("--json", help="also write every run's figures to this file")
    ap.add_argument("--keep", help="build in this folder and keep it (default: a temporary folder)")
    args = ap.parse_args()
    runs = []
    for i in range(args.runs):
        work = Path(args.keep) / f"run{i}" if args.keep else Path(tempfile.mkdtemp(prefix="evalkit-build-bench-"))
        work.mkdir(parents=True, exist_ok=True)
        try:
            runs.append(one_run(work, args.cores, edits=i == args.runs - 1))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    med = {k: statistics.median(r[k] for r in runs) for k in ("clean", "bare_sequential", "bare_parallel", "noop")}
    last = runs[-1]
    n = f"median of {len(runs)}" if len(runs) > 1 else "one run"
    print(f"cores: {args.cores}; {last['documents']} documents x 3 formats; {n}")
    print(f"clean build:                        {med['clean']:6.1f} s")
    print(f"bare renderers, {args.cores} documents at a time: {med['bare_parallel']:6.1f} s   "
          f"ratio build/bare {med['clean'] / med['bare_parallel']:.2f} (target <= 2)")
    print(f"bare renderers, sequential:         {med['bare_sequential']:6.1f} s   "
          f"ratio build/bare {med['clean'] / med['bare_sequential']:.2f}")
    print(f"nothing changed (median of 3):      {med['noop']:6.2f} s   (target < 1 s)"
          f"{'; ran: ' + ', '.join(last['noop_ran']) if last['noop_ran'] else ''}")
    for key, what in (("recommendation", "one Spanish recommendation edited:"),
                      ("sentence", "one Spanish report sentence:      ")):
        print(f"{what}  {last[key]:6.1f} s   bare renderers of its documents {last[key + '_bare']:.1f} s "
              f"({args.cores} at a time; sequential {last[key + '_bare_sequential']:.1f} s): ratio "
              f"{last[key] / last[key + '_bare']:.2f} (target <= 2)\n    jobs run: {', '.join(last[key + '_jobs'])}")
    print("\nwhere the clean build's time goes (last run; per rule: jobs, sum of job wall s, sum of job CPU s):")
    for rule, t in sorted(last["jobs"].items(), key=lambda kv: -kv[1]["s"]):
        print(f"  {rule:22} {t['jobs']:3d} {t['s']:7.1f} {t['cpu_time']:7.1f}")
    total = {k: sum(t[k] for t in last["jobs"].values()) for k in ("s", "cpu_time")}
    print(f"  {'all jobs':22} {sum(t['jobs'] for t in last['jobs'].values()):3d} {total['s']:7.1f} "
          f"{total['cpu_time']:7.1f}")
    wrong = english_work(last["recommendation_jobs"]) + english_work(last["sentence_jobs"])
    if wrong:
        print(f"English work re-ran after a Spanish edit: {', '.join(wrong)}")
    if args.json:
        Path(args.json).write_text(json.dumps({"cores": args.cores, "median": med, "runs": runs}, indent=2) + "\n")
    edits_ok = all(last[k] <= 2 * last[k + "_bare"] for k in ("recommendation", "sentence"))
    ok = (med["clean"] <= 2 * med["bare_parallel"] and edits_ok and med["noop"] < 1 and not last["noop_ran"]
          and not wrong)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
