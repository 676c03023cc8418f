"""Benchmark of the analysis (clean -> values.json and results tables) at the scale the pipeline promises.

Not part of the pipeline and not a test: it generates the same data as tools/benchmark/intake.py
(same generators, same seed), cleans it once with evalkit's intake, and then times the analysis
of the two large data families step by step, as evalkit.steps.analysis.compute_values does it. Usage
(from the repository root):

    .venv/bin/python tools/benchmark/analysis.py                 # one run, default scale
    .venv/bin/python tools/benchmark/analysis.py --runs 3 --json results/benchmarks/analysis.json

Datasets (defaults; see --help to change them):

- survey (rating_survey): 100,000 respondents x 40 items (intake.py's SPSS file). The codebook is
  intake.py's plus a disclosure.generalize block that merges the seven stakeholder types into four
  groups, as the real post-interview survey codebook does;
- monitoring (indicator_report): 200 projects x 50 indicators x 10 periods (intake.py's CSV
  files). The benchmark also writes what the indicator analysis needs: an indicators.yaml that
  declares every (project, indicator) of the data (10,000 declarations: label in two languages,
  TOsC domains, cite) with three evaluation-wide aggregates over all 200 projects (sum of IND-01,
  whose definition is the same in every project; max of IND-02; dedup of IND-03 with an overlap
  share), and a TOsC file with the 3 categories, 9 domains and 5 areas of the real one.

The intake (raw -> clean CSV) runs once, before the timed runs; it is timed but not counted
(tools/benchmark/intake.py measures it). Each timed run starts from the clean CSV files with an
empty value store and mirrors evalkit.steps.analysis.compute_values for these two families: read the
clean table, the source of the values (SHA-256 of the raw files), the analysis functions, the
results tables, and finally values.json (ValueStore.to_json and the atomic write), timed on its
own. The exit status is 1 when the analysis of both datasets plus values.json takes longer than
the budget (30 s).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import intake as ib  # noqa: E402  (also puts src/ on sys.path)

from evalkit.analysis.indicators import (  # noqa: E402
    add_indicator_values,
    indicator_table,
    load_indicator_config,
    period_table,
    rollup,
)
from evalkit.analysis.survey import add_breakdown_values, add_survey_values, analyze_survey, results_table  # noqa: E402
from evalkit.core.io import atomic_write_text, sha256_file  # noqa: E402
from evalkit.model.evaluation import Codebook, families  # noqa: E402
from evalkit.steps.common import breakdown_variable, read_clean  # noqa: E402
from evalkit.values.store import ValueStore  # noqa: E402

L = ib.L
EVALUATION_ID = "bench-evaluation"
# The settings of config/config.yaml the analysis uses
LANGUAGES = ["en-US", "es-MX"]
CONFIDENCE_LEVEL = 0.95
INTERVAL_METHOD = "wilson"
MIN_CELL = 10
# evaluation.yaml analysis.breakdowns, as config/evaluations/mexico-auto-2024/evaluation.yaml has them
BREAKDOWNS = [{"variable": "stakeholder", "grouped": True}, "gender"]
STAKEHOLDER_GROUPS = [("government", "Governments", "Gobiernos", ["host_government", "us_canada"]),
                      ("workers_unions", "Labor unions and workers", "Sindicatos y personas trabajadoras",
                       ["unions", "workers"]),
                      ("business_grantee", "Business associations and grantees", "Asociaciones empresariales y "
                       "beneficiarios", ["business", "grantee"]),
                      ("academia_cso", "Academia and CSOs", "Academia y OSC", ["academia_cso"])]


# --- configuration the analysis needs (generated into the work folder) --------------------------

def survey_codebook(n_items: int) -> dict:
    """intake.py's survey codebook with the stakeholder groups of a disclosure.generalize block."""
    cb = ib.survey_codebook(n_items)
    cb["disclosure"] = {"generalize": [{
        "variable": "stakeholder",
        "reason": L("Seven stakeholder types leave small cells; similar roles are merged into four groups.",
                    "Siete tipos de actor dejan celdas pequeñas; los de funciones parecidas se agrupan en cuatro."),
        "groups": [{"code": i, "key": k, "label": L(en, es), "members": m}
                   for i, (k, en, es, m) in enumerate(STAKEHOLDER_GROUPS, start=1)],
    }]}
    return cb


TOSC_CATEGORIES = {"available_capital": ["linkages_networks", "human_capacity", "replacement_resources"],
                   "leverage_points": ["motivation_mental_models", "demand_for_services", "access_to_services",
                                       "delivery_of_services"],
                   "causal_mechanisms": ["utilization_of_services", "behaviors_practices"]}
TOSC_AREAS = ["freedom_of_association", "no_forced_labor", "no_child_labor", "no_discrimination",
              "safe_healthy_workplace"]


def _words(key: str) -> str:
    return key.replace("_", " ").capitalize()


def tosc_doc() -> dict:
    """A TOsC file in the form of report/mexico-auto-2024/content/tosc.yaml (3 categories, 9 domains, 5 areas)."""
    return {
        "categories": [{"key": c, "name": L(_words(c), f"{_words(c)} (es)"),
                        "description": L(f"What {_words(c).lower()} means.", f"Qué significa {_words(c).lower()}.")}
                       for c in TOSC_CATEGORIES],
        "domains": [{"key": d, "category": c, "name": L(_words(d), f"{_words(d)} (es)"),
                     "description": L(f"Change in {_words(d).lower()}.", f"Cambio en {_words(d).lower()}.")}
                    for c, ds in TOSC_CATEGORIES.items() for d in ds],
        "areas": [{"key": a, "name": L(_words(a), f"{_words(a)} (es)")} for a in TOSC_AREAS],
    }


def indicator_code(j: int, n_indicators: int) -> str:
    """The code generate_monitoring writes for indicator j."""
    return f"IND-{j:0{max(2, len(str(n_indicators)))}d}"


def indicators_doc(n_projects: int, n_indicators: int) -> dict:
    """indicators.yaml declaring every (project, indicator) of the generated data, with three
    aggregates over all projects: sum (IND-01, the same definition everywhere), max, dedup."""
    domains = [d for ds in TOSC_CATEGORIES.values() for d in ds]
    projects = [c.lower() for c in ib.project_codes(n_projects)]
    indicators = {}
    for p in projects:
        decl = {}
        for j in range(1, n_indicators + 1):
            doms = [domains[j % len(domains)]] + ([domains[(j + 3) % len(domains)]] if j % 3 == 0 else [])
            decl[indicator_code(j, n_indicators)] = {
                "label": L(f"Indicator {j} of project {p.upper()}", f"Indicador {j} del proyecto {p.upper()}"),
                "domains": doms, "cite": j <= 5}
        indicators[p] = decl

    def members(j):
        return [{"project": p, "code": indicator_code(j, n_indicators)} for p in projects]

    aggregates = [
        {"id": "ind_01_all", "rule": "sum", "members": members(1),
         "label": L("Indicator 1, all projects", "Indicador 1, todos los proyectos"),
         "statement": L("Same definition in every project; no one is in two projects.",
                        "La misma definición en todos los proyectos; nadie está en dos proyectos.")},
        {"id": "ind_02_largest", "rule": "max", "members": members(2),
         "label": L("Indicator 2, largest project", "Indicador 2, proyecto mayor")},
        {"id": "ind_03_dedup", "rule": "dedup", "members": members(3), "overlap": {"share": 0.1},
         "label": L("Indicator 3, all projects without double counting", "Indicador 3, sin doble conteo"),
         "statement": L("Attendance lists matched: a tenth of the people took part in two projects.",
                        "Listas de asistencia cotejadas: una décima parte participó en dos proyectos.")},
    ]
    return {"percent_units": ["percent"], "indicators": indicators, "aggregates": aggregates}


def write_yaml(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(doc, Dumper=dumper, allow_unicode=True, sort_keys=False, width=120),
                    encoding="utf-8")


# --- timed analysis (mirrors evalkit.steps.analysis.compute_values) ---------------------------------------

def source_of(root: Path, instrument: dict, codebook: Codebook) -> dict:
    """evalkit.steps.analysis._source for one instrument."""
    files = instrument.get("files") or [{"file": instrument["file"], "set": {}}]
    return {"file": ", ".join(f["file"] for f in files),
            "sha256": ", ".join(sha256_file(root / f["file"]) for f in files),
            "instrument": instrument["id"], "codebook": codebook.source}


def write_table(frame, path: Path) -> None:
    """evalkit.steps.analysis._write_table."""
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def analyze_survey_steps(root: Path, ins: dict, cb: Codebook, clean_csv: Path, store: ValueStore,
                         table_dir: Path) -> tuple[ib.Steps, dict]:
    """compute_values, kind rating_survey."""
    steps, iid = ib.Steps(), ins["id"]
    with steps.time("read clean CSV"):
        data = read_clean(clean_csv)
    steps.add_rows("read clean CSV", len(data))
    with steps.time("source (sha256 of the raw file)"):
        source = source_of(root, ins, cb)
    before = len(store.values)
    with steps.time("analyze_survey", len(data)):
        results = analyze_survey(data, cb, CONFIDENCE_LEVEL, INTERVAL_METHOD)
    with steps.time("add_survey_values (min_cell 10)"):
        add_survey_values(store, iid, data, results, source, cb, MIN_CELL)
        store.add(f"{iid}.min_cell", MIN_CELL, "count",
                  {"file": "config/config.yaml", "computation": "privacy.min_cell: smallest cell documents show"})
    survey_values = len(store.values) - before
    with steps.time("add_breakdown_values (2 variables)", len(data)):
        by_vars = [b for b in BREAKDOWNS if breakdown_variable(b) in data.columns]
        add_breakdown_values(store, iid, data, cb, by_vars, MIN_CELL, source)
    breakdown_values = len(store.values) - before - survey_values
    with steps.time("results_table + write CSV"):
        table = results_table(iid, results)
        write_table(table, table_dir / f"{iid}-ratings.csv")
    return steps, {"rows": len(data), "results": len(results), "table_rows": len(table),
                   "survey_values": survey_values, "breakdown_values": breakdown_values,
                   "values": len(store.values) - before}


def analyze_monitoring_steps(root: Path, ins: dict, cb: Codebook, clean_csv: Path, store: ValueStore,
                             table_dir: Path, indicators_file: Path, tosc_file: Path) -> tuple[ib.Steps, dict]:
    """compute_values, kind indicator_report (evalkit.steps.analysis._indicator_values)."""
    steps, iid = ib.Steps(), ins["id"]
    with steps.time("read clean CSV"):
        data = read_clean(clean_csv)
    steps.add_rows("read clean CSV", len(data))
    with steps.time(f"source (sha256 of the {len(ins['files'])} raw files)"):
        source = source_of(root, ins, cb)
    with steps.time("load_indicator_config (indicators.yaml + TOsC)"):
        config = load_indicator_config(indicators_file, tosc_file, cb, LANGUAGES, root=root)
    steps.add_rows("load_indicator_config (indicators.yaml + TOsC)", len(config.declarations))
    with steps.time("rollup", len(data)):
        result = rollup(data, config, families()["indicator_report"].get("stock_units", []))
    if result.problems:
        raise SystemExit(f"benchmark data error: the roll-up found problems: {result.problems[:5]}")
    before = len(store.values)
    with steps.time("add_indicator_values", len(result.indicators)):
        codes = {str(c["code"]): c["key"] for c in cb.variable("project")["categories"]}
        project_files = {codes[str(f["set"]["project"])]: {"file": f["file"], "sha256": sha256_file(root / f["file"])}
                         for f in ins["files"] if "project" in f["set"]}
        add_indicator_values(store, iid, result, source, project_files=project_files)
    with steps.time("indicator_table + write CSV", len(result.indicators)):
        write_table(indicator_table(result), table_dir / f"{iid}-indicators.csv")
    with steps.time("period_table + write CSV", len(result.periods)):
        write_table(period_table(result), table_dir / f"{iid}-periods.csv")
    agg = {a.id: a for a in result.aggregates}
    return steps, {"rows": len(data), "declarations": len(config.declarations),
                   "indicators": len(result.indicators), "periods": len(result.periods),
                   "projects": len(result.projects), "aggregates": agg, "values": len(store.values) - before}


def write_values(store: ValueStore, path: Path) -> tuple[ib.Steps, dict]:
    steps = ib.Steps()
    with steps.time("ValueStore.to_json", len(store.values)):
        text = store.to_json()
    with steps.time("atomic write"):
        atomic_write_text(path, text)
    return steps, {"values": len(store.values), "bytes": len(text.encode("utf-8"))}


# --- checks: the figures are those of a successful analysis ------------------------------------------

expect = ib.expect


def check_survey(out: dict, store: ValueStore, n: int, n_items: int) -> None:
    expect(out["rows"] == n and out["results"] == n_items and out["table_rows"] == n_items,
           f"survey analysis: {out['rows']} rows, {out['results']} results, {out['table_rows']} table rows")
    expect(store.values[f"{ib.SURVEY_ID}.respondents"]["value"] == n, "survey: respondents value")
    per_item = (len(STAKEHOLDER_GROUPS) + 2) * 2   # (4 groups + 2 genders) x (valid_n, top_box_share)
    expect(out["breakdown_values"] == n_items * per_item,
           f"survey: {out['breakdown_values']} breakdown values, expected {n_items * per_item}")


def check_monitoring(out: dict, n_projects: int, n_indicators: int, n_periods: int) -> None:
    pairs = n_projects * n_indicators
    expect(out["rows"] == pairs * n_periods, f"monitoring: {out['rows']} clean rows")
    expect(out["declarations"] == pairs and out["indicators"] == pairs,
           f"monitoring: {out['declarations']} declarations, {out['indicators']} indicator rows, expected {pairs}")
    expect(out["periods"] == pairs * n_periods and out["projects"] == n_projects, "monitoring: period/project rows")
    s = out["aggregates"]["ind_01_all"]
    expect(len(s.members) == n_projects and abs(s.total - sum(s.member_totals)) < 1e-6, "monitoring: sum aggregate")


# --- runs, table, verdict -----------------------------------------------------------------------

def print_table(title: str, table, total: float, totals: list[float], note: str = "") -> None:
    print(f"\n{title}")
    print(f"  {'step':<50} {'seconds':>9} {'rows':>9} {'rows/s':>11}")
    for step, sec, rows in table:
        rate = f"{rows / sec:,.0f}" if rows and sec > 0 else ""
        print(f"  {step:<50} {sec:>9.2f} {rows if rows else '':>9} {rate:>11}")
    runs = f"  (median of {len(totals)}: {', '.join(f'{t:.2f}' for t in totals)})" if len(totals) > 1 else ""
    print(f"  {'subtotal':<50} {total:>9.2f}{runs}")
    if note:
        print(f"  {note}")


def profiled(enabled: bool, folder: Path | None, name: str, fn, *a, **kw):
    """Run fn, under cProfile when enabled: write folder/analysis-<name>.prof and print the top functions."""
    if not enabled:
        return fn(*a, **kw)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        return fn(*a, **kw)
    finally:
        profiler.disable()
        folder.mkdir(parents=True, exist_ok=True)
        prof = folder / f"analysis-{name}.prof"
        profiler.dump_stats(prof)
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(15)
        print(f"\n[{name}] profile of the last run ({prof}), top functions by own time:")
        print(buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ib.add_scale_arguments(ap)
    ap.add_argument("--runs", type=int, default=1,
                    help="timed runs on the same clean data; each step's median is reported (default %(default)s)")
    ap.add_argument("--budget", type=float, default=30.0,
                    help="seconds allowed for the analysis of both datasets and values.json (default %(default)s)")
    ap.add_argument("--workdir", type=Path, help="keep the generated, clean and analysis files here "
                                                 "(default: a temporary folder)")
    ap.add_argument("--only", choices=["survey", "monitoring"], help="benchmark one dataset only")
    ap.add_argument("--json", type=Path,
                    help="also write the figures (every run, the medians, the machine) to this file")
    ap.add_argument(
        "--profile",
        type=Path,
        help="write a cProfile file per dataset and for values.json (of the last "
        "run) into this folder and print the top functions by own time",
    )
    args = ap.parse_args(argv)
    if args.indicators < 3 or args.projects < 2:
        ap.error("the aggregates need at least 3 indicators and 2 projects")

    with tempfile.TemporaryDirectory(prefix="evalkit-bench-") as tmp:
        root = args.workdir.resolve() if args.workdir else Path(tmp)
        (root / "raw" / "monitoring").mkdir(parents=True, exist_ok=True)
        clean_dir, table_dir = root / "clean", root / "tables"
        table_dir.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(args.seed)
        info = ib.machine()
        print(
            f"evalkit analysis benchmark: {info['cpus']} CPU(s), {info['cpu_model']}; Python {info['python']}, "
            f"pandas {info['pandas']}, numpy {info['numpy']}"
        )
        print(
            f"evalkit {info['code']}; work folder: {root}{'' if args.workdir else ' (temporary)'}; seed {args.seed}; "
            f"{args.runs} run(s); budget {args.budget:g} s"
        )

        # Generate (same generators and order as intake.py, so the same seed gives the same data), then clean once.
        prepared = {}
        if args.only in (None, "survey"):
            t0 = time.perf_counter()
            resolutions = ib.generate_survey(root / "raw" / "survey.sav", args.respondents, args.items, rng)
            gen = time.perf_counter() - t0
            ins = {"id": ib.SURVEY_ID, "kind": "rating_survey", "format": "spss", "file": "raw/survey.sav"}
            cb_dict = survey_codebook(args.items)
            t0 = time.perf_counter()
            _, clean = ib.clean_instrument(root, ins, cb_dict, resolutions, clean_dir)
            ib.check_survey(clean, args.respondents, args.items)
            del clean
            intake = time.perf_counter() - t0
            title = f"survey: {args.respondents:,} respondents x {args.items} items (rating_survey)"
            prepared["survey"] = (title, ins, Codebook(f"codebooks/{ins['id']}.yaml", cb_dict), gen, intake)
        if args.only in (None, "monitoring"):
            t0 = time.perf_counter()
            files = ib.generate_monitoring(
                root / "raw" / "monitoring", args.projects, args.indicators, args.periods, rng
            )
            indicators_file, tosc_file = root / "config" / "indicators.yaml", root / "content" / "tosc.yaml"
            write_yaml(indicators_file, indicators_doc(args.projects, args.indicators))
            write_yaml(tosc_file, tosc_doc())
            gen = time.perf_counter() - t0
            ins = {"id": ib.MONITORING_ID, "kind": "indicator_report", "format": "csv", "files": files}
            cb_dict = ib.monitoring_codebook(args.projects)
            t0 = time.perf_counter()
            _, clean = ib.clean_instrument(root, ins, cb_dict, [], clean_dir)
            ib.check_monitoring(clean, args.projects * args.indicators * args.periods)
            del clean
            intake = time.perf_counter() - t0
            n = args.projects * args.indicators * args.periods
            title = (
                f"monitoring: {args.projects} projects x {args.indicators} indicators x {args.periods} periods "
                f"= {n:,} rows (indicator_report; indicators.yaml "
                f"{indicators_file.stat().st_size / 1e6:.1f} MB, {args.projects * args.indicators:,} declarations)"
            )
            prepared["monitoring"] = (title, ins, Codebook(f"codebooks/{ins['id']}.yaml", cb_dict), gen, intake)

        runs: dict[str, list[ib.Steps]] = {name: [] for name in [*prepared, "values"]}
        outs: dict[str, dict] = {}
        for r in range(args.runs):
            prof = bool(args.profile) and r == args.runs - 1
            store = ValueStore(EVALUATION_ID, LANGUAGES)  # compute_values: one store for every instrument
            if "survey" in prepared:
                _, ins, cb, _, _ = prepared["survey"]
                steps, out = profiled(
                    prof,
                    args.profile,
                    "survey",
                    analyze_survey_steps,
                    root,
                    ins,
                    cb,
                    clean_dir / f"{ins['id']}.csv",
                    store,
                    table_dir,
                )
                check_survey(out, store, args.respondents, args.items)
                runs["survey"].append(steps)
                outs["survey"] = out
            if "monitoring" in prepared:
                _, ins, cb, _, _ = prepared["monitoring"]
                steps, out = profiled(
                    prof,
                    args.profile,
                    "monitoring",
                    analyze_monitoring_steps,
                    root,
                    ins,
                    cb,
                    clean_dir / f"{ins['id']}.csv",
                    store,
                    table_dir,
                    root / "config" / "indicators.yaml",
                    root / "content" / "tosc.yaml",
                )
                check_monitoring(out, args.projects, args.indicators, args.periods)
                runs["monitoring"].append(steps)
                outs["monitoring"] = out
            steps, out = profiled(prof, args.profile, "values", write_values, store, root / "values.json")
            runs["values"].append(steps)
            outs["values"] = out
            del store

        results = {}
        for name, (title, _, _, gen, intake) in prepared.items():
            table, total, totals = ib.median_steps(runs[name])
            print_table(
                title,
                table,
                total,
                totals,
                f"({outs[name]['values']:,} values; not counted: generation {gen:.2f} s, intake {intake:.2f} s)",
            )
            results[name] = {
                "title": title,
                "generation_seconds": gen,
                "intake_seconds": intake,
                "total_seconds": total,
                "total_seconds_per_run": totals,
                "values": outs[name]["values"],
                "steps": [{"step": s, "seconds": sec, "rows": rows} for s, sec, rows in table],
                "runs": [{"steps": x.seconds} for x in runs[name]],
            }
        table, total, totals = ib.median_steps(runs["values"])
        title = f"values.json: {outs['values']['values']:,} values, {outs['values']['bytes'] / 1e6:.1f} MB"
        print_table(title, table, total, totals)
        results["values"] = {
            "title": title,
            "total_seconds": total,
            "total_seconds_per_run": totals,
            "values": outs["values"]["values"],
            "bytes": outs["values"]["bytes"],
            "steps": [{"step": s, "seconds": sec, "rows": rows} for s, sec, rows in table],
            "runs": [{"steps": x.seconds} for x in runs["values"]],
        }

        per_run = [sum(sum(runs[name][r].seconds.values()) for name in runs) for r in range(args.runs)]
        combined = statistics.median(per_run)
        over = combined > args.budget
        spread = f" (median of {args.runs}: {', '.join(f'{t:.2f}' for t in per_run)})" if args.runs > 1 else ""
        print(
            f"\nanalysis total ({' + '.join(runs)}): {combined:.2f} s, {'OVER' if over else 'within'} "
            f"the {args.budget:g} s budget{spread}"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (RSS): {peak:,.0f} MB")
        if args.json:
            doc = {
                "benchmark": "analysis",
                "machine": info,
                "budget_seconds": args.budget,
                "seed": args.seed,
                "scale": {
                    "respondents": args.respondents,
                    "items": args.items,
                    "projects": args.projects,
                    "indicators": args.indicators,
                    "periods": args.periods,
                },
                "settings": {
                    "languages": LANGUAGES,
                    "confidence_level": CONFIDENCE_LEVEL,
                    "interval_method": INTERVAL_METHOD,
                    "min_cell": MIN_CELL,
                    "breakdowns": BREAKDOWNS,
                },
                "runs": args.runs,
                "datasets": results,
                "total_seconds": combined,
                "total_seconds_per_run": per_run,
                "peak_rss_mb": round(peak),
                "within_budget": not over,
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            print(f"figures written to {args.json}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
