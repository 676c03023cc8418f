"""Benchmark of the intake (raw -> clean) at the scale the pipeline promises.

Not part of the pipeline and not a test: it generates a large survey and large monitoring reports
with a fixed seed, cleans them with evalkit's own intake code, and prints how long each step took
against the time budget. Usage (from the repository root):

    .venv/bin/python tools/benchmark/intake.py                 # one run, default scale
    .venv/bin/python tools/benchmark/intake.py --runs 3 --json results/benchmarks/intake.json

Datasets (defaults; see --help to change them):

- survey: an SPSS .sav file of 100,000 respondents (plus one duplicate submission, resolved by a
  resolutions list) with an id, three categories (stakeholder, gender, state), direct identifiers
  (name, e-mail, phone), a free-text comment and 40 items rated 1-4, with the declared SPSS missing
  codes 8 and 9 and some system-missing answers;
- monitoring: 200 projects x 50 indicators x 10 semi-annual periods (100,000 rows), one CSV per
  project laid out like the real monitoring files (the project is set per file, as evaluation.yaml
  does); a quarter of the projects report cumulative values, half of the indicators are split by
  sex, some indicators are percentages (never summed over periods).

The codebooks are built in memory in the form of config/evaluations/mexico-auto-2024/codebooks/
and validated like the pipeline validates them (schema, codebook checks, data family). Timed
steps mirror evalkit.steps.intake.clean_instrument: read_raw (for monitoring: every file), clean_tables
(for monitoring: all files in one vectorised pass), the cross-file key check, the SHA-256 of every raw
file, and writing the clean CSV and the intake report. Generating the data is timed but not
counted. The exit status is 1 when a dataset, or both together, take longer than the budget.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import platform
import pstats
import resource
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout even when evalkit is not installed

from evalkit.core.config import load_schema, validate  # noqa: E402
from evalkit.core.io import atomic_write_text, sha256_file  # noqa: E402
from evalkit.families import get as get_family  # noqa: E402
from evalkit.intake.clean import clean_tables  # noqa: E402
from evalkit.intake.duplicates import key_strings  # noqa: E402
from evalkit.intake.readers import read_raw  # noqa: E402
from evalkit.model.evaluation import Codebook, _check_codebook, _check_family  # noqa: E402

SURVEY_ID = "bench_survey"
MONITORING_ID = "bench_monitoring"
RESOLUTIONS_FILE = "duplicates.yaml"
MONITORING_HEADER = [
    "Indicator code", "Indicator definition", "Unit", "Reporting period", "Value type",
    "Target", "Actual", "Actual (men)", "Actual (women)", "Disaggregations",
]
UNITS = ["People", "Staff", "Organizations", "Employers", "Businesses", "Views", "Interactions",
         "Products", "Events", "Cases", "Percent"]


def L(en: str, es: str) -> dict:
    return {"en-US": en, "es-MX": es}


# --- codebooks (in memory, in the form of the real ones) ----------------------------------------

STAKEHOLDERS = ["academia_cso", "business", "grantee", "host_government", "unions", "us_canada", "workers"]
STATES = ["cdmx", "edomex", "guanajuato", "morelos", "san_luis_potosi", "outside_mexico"]


def item_names(n: int) -> list[str]:
    return [f"item_{k:02d}" for k in range(1, n + 1)]


def survey_codebook(n_items: int) -> dict:
    def cats(keys):
        return [{"code": i + 1, "key": k, "label": L(k.replace("_", " ").capitalize(), k)} for i, k in enumerate(keys)]

    variables = [
        {"name": "resp_id", "role": "identifier", "label": L("Respondent id", "Identificador"),
         "pattern": "^R-[0-9]{6}$"},
        {"name": "full_name", "role": "text", "privacy": "direct_identifier",
         "label": L("Respondent's full name", "Nombre completo")},
        {"name": "email", "role": "text", "privacy": "direct_identifier",
         "label": L("Respondent's e-mail address", "Correo electrónico")},
        {"name": "phone", "role": "text", "privacy": "direct_identifier", "required": False,
         "label": L("Respondent's phone number", "Teléfono")},
        {"name": "stakeholder", "role": "category", "privacy": "quasi_identifier",
         "label": L("Stakeholder type", "Tipo de actor"), "categories": cats(STAKEHOLDERS)},
        {"name": "gender", "role": "category", "privacy": "quasi_identifier",
         "label": L("Gender", "Género"), "categories": cats(["man", "woman"])},
        {"name": "state", "role": "category", "privacy": "quasi_identifier",
         "label": L("State", "Entidad"), "categories": cats(STATES)},
    ]
    for k, name in enumerate(item_names(n_items), start=1):
        variables.append({"name": name, "role": "rating", "scale": "effectiveness",
                          "label": L(f"Rated item {k}", f"Reactivo {k}")})
    variables.append({"name": "comment", "role": "text", "privacy": "free_text", "required": False,
                      "label": L("Other comments (optional free text)", "Otros comentarios")})
    return {
        "instrument": SURVEY_ID,
        "label": L("Benchmark survey", "Encuesta de prueba de rendimiento"),
        "id_variable": "resp_id",
        "scales": {"effectiveness": {
            "levels": [{"code": 1, "key": "low", "label": L("Low", "Baja")},
                       {"code": 2, "key": "moderate", "label": L("Moderate", "Moderada")},
                       {"code": 3, "key": "above_moderate", "label": L("Above moderate", "Superior a moderada")},
                       {"code": 4, "key": "high", "label": L("High", "Alta")}],
            "missing": [{"code": 8, "key": "dont_know", "label": L("Don't know", "No sabe")},
                        {"code": 9, "key": "no_answer", "label": L("No answer", "Sin respuesta")}],
            "top_box": ["above_moderate", "high"],
            "top_box_label": L("Above moderate or High", "Superior a moderada o Alta"),
        }},
        "variables": variables,
    }


def project_codes(n: int) -> list[str]:
    return [f"P{k:03d}" for k in range(1, n + 1)]


def monitoring_codebook(n_projects: int) -> dict:
    def num(name, raw, en, required):
        v = {"name": name, "raw_name": raw, "role": "number", "label": L(en, en), "range": {"min": 0}}
        if not required:
            v["required"] = False
        return v

    return {
        "instrument": MONITORING_ID,
        "label": L("Benchmark monitoring reports", "Reportes de monitoreo de prueba"),
        "id_variable": "indicator",
        "key": ["project", "indicator", "period"],
        "checks": {"sums": [{"total": "actual", "parts": ["actual_men", "actual_women"]}]},
        "variables": [
            {"name": "project", "role": "category", "label": L("Project", "Proyecto"),
             "categories": [{"code": c, "key": c.lower(), "label": L(f"Project {c}", f"Proyecto {c}")}
                            for c in project_codes(n_projects)]},
            {"name": "indicator", "raw_name": "Indicator code", "role": "text",
             "label": L("Indicator code", "Clave del indicador"), "pattern": "^IND-[0-9]{2,3}$"},
            {"name": "definition", "raw_name": "Indicator definition", "role": "text",
             "label": L("Indicator definition", "Definición del indicador")},
            {"name": "unit", "raw_name": "Unit", "role": "category", "label": L("Unit of measure", "Unidad"),
             "categories": [{"code": u, "key": u.lower(), "label": L(u, u)} for u in UNITS]},
            {"name": "period", "raw_name": "Reporting period", "role": "text",
             "label": L("Reporting period", "Periodo de reporte"), "pattern": "^[0-9]{4}-H[12]$"},
            {"name": "value_type", "raw_name": "Value type", "role": "category",
             "label": L("Value type", "Tipo de valor"),
             "categories": [{"code": "Period", "key": "period", "label": L("Period", "Periodo")},
                            {"code": "Cumulative", "key": "cumulative", "label": L("Cumulative", "Acumulado")}]},
            num("target", "Target", "Target", False),
            num("actual", "Actual", "Actual value", True),
            num("actual_men", "Actual (men)", "Actual value, men", False),
            num("actual_women", "Actual (women)", "Actual value, women", False),
            {"name": "disaggregations", "raw_name": "Disaggregations", "role": "text", "required": False,
             "label": L("Disaggregations reported", "Desagregaciones reportadas")},
        ],
    }


def validate_codebooks(cb: dict, source: str, instrument: dict, resolutions: list[dict]) -> None:
    """What evalkit.model.evaluation.load_evaluation checks, for an in-memory codebook."""
    validate(cb, load_schema("codebook.schema.yaml"), source)
    _check_codebook(cb, source)
    _check_family(instrument, cb, source)
    validate({"resolutions": resolutions}, load_schema("duplicates.schema.yaml"), RESOLUTIONS_FILE)


# --- data generation ----------------------------------------------------------------------------

FIRST = ["Juan", "María", "José", "Guadalupe", "Alejandro", "Verónica", "Luis", "Ana", "Jesús", "Sofía",
         "Miguel", "Fernanda", "Carlos", "Leticia", "Jorge", "Rocío", "Ricardo", "Daniela", "Héctor", "Paola"]
LAST = ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
        "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres", "Díaz", "Ruiz", "Mendoza"]
ASCII = str.maketrans("áéíóúÁÉÍÓÚñÑ", "aeiouAEIOUnN")
COMMENTS = ["", "", "", "Muy útil la capacitación.", "Falta seguimiento en las inspecciones.",
            "The reform is known but not applied.", "Se necesita más difusión, sobre todo en el Bajío.",
            "Good coordination with the union, less with the state ministry.", "Sin comentarios adicionales."]


def generate_survey(path: Path, n: int, n_items: int, rng: np.random.Generator) -> list[dict]:
    """Write the .sav file; return the resolutions of its one duplicate (1-based data rows)."""
    ids = np.array([f"R-{k:06d}" for k in range(1, n + 1)], dtype=object)
    first = rng.integers(len(FIRST), size=n)
    last = rng.integers(len(LAST), size=n)
    names = [f"{FIRST[a]} {LAST[b]}" for a, b in zip(first, last, strict=True)]
    emails = [f"{FIRST[a].translate(ASCII).lower()}.{LAST[b].translate(ASCII).lower()}{k}@example.org"
              for k, (a, b) in enumerate(zip(first, last, strict=True), start=1)]
    phones = [f"+52 55 {k // 10000:04d} {k % 10000:04d}" for k in range(1, n + 1)]
    df = pd.DataFrame({"resp_id": ids, "full_name": names, "email": emails, "phone": phones})
    df["stakeholder"] = rng.integers(1, len(STAKEHOLDERS) + 1, size=n).astype(float)
    df["gender"] = rng.integers(1, 3, size=n).astype(float)
    df["state"] = rng.integers(1, len(STATES) + 1, size=n).astype(float)
    # 1-4 valid, 8 don't know, 9 no answer (declared SPSS missing), NaN system-missing (skipped)
    codes = np.array([1, 2, 3, 4, 8, 9, np.nan])
    probs = np.array([0.15, 0.25, 0.30, 0.20, 0.05, 0.03, 0.02])
    items = item_names(n_items)
    df = pd.concat([df, pd.DataFrame({name: rng.choice(codes, size=n, p=probs) for name in items})], axis=1)
    df["comment"] = np.array(COMMENTS, dtype=object)[rng.integers(len(COMMENTS), size=n)]

    # One respondent submitted twice: the earlier copy (one answer changed) comes right before the final one.
    at = n // 3
    copy = df.iloc[[at]].copy()
    copy[items[0]] = 4.0 if copy[items[0]].iloc[0] != 4.0 else 1.0
    df = pd.concat([df.iloc[:at], copy, df.iloc[at:]], ignore_index=True)
    key = df["resp_id"].iloc[at]
    who = {"by": "Benchmark data manager", "date": "2024-03-04"}
    resolutions = [
        {"instrument": SURVEY_ID, "key": key, "row": at + 1, "action": "drop",
         "reason": "Earlier of two submissions of the same respondent.", **who},
        {"instrument": SURVEY_ID, "key": key, "row": at + 2, "action": "keep",
         "reason": "Later, final submission.", **who},
    ]

    labels = {"resp_id": "Respondent id", "full_name": "Full name", "email": "E-mail", "phone": "Phone",
              "stakeholder": "Stakeholder type", "gender": "Gender", "state": "State",
              "comment": "Other comments"}
    labels.update({name: f"Rated item {k}" for k, name in enumerate(items, start=1)})
    scale = {1.0: "Low", 2.0: "Moderate", 3.0: "Above moderate", 4.0: "High", 8.0: "Don't know", 9.0: "No answer"}
    value_labels = {"stakeholder": {float(i + 1): k for i, k in enumerate(STAKEHOLDERS)},
                    "gender": {1.0: "Man", 2.0: "Woman"},
                    "state": {float(i + 1): k for i, k in enumerate(STATES)}}
    value_labels.update({name: scale for name in items})
    measure = {c: "nominal" for c in df.columns}
    measure.update({name: "ordinal" for name in items})
    pyreadstat.write_sav(df, str(path), file_label="evalkit intake benchmark", column_labels=labels,
                         variable_value_labels=value_labels, missing_ranges={name: [8.0, 9.0] for name in items},
                         variable_measure=measure)
    return resolutions


def period_labels(n: int, first_year: int = 2020) -> list[str]:
    return [f"{first_year + k // 2}-H{k % 2 + 1}" for k in range(n)]


def generate_monitoring(folder: Path, n_projects: int, n_indicators: int, n_periods: int,
                        rng: np.random.Generator) -> list[dict]:
    """Write one CSV per project; return the files as evaluation.yaml lists them ({file, set})."""
    folder.mkdir(parents=True, exist_ok=True)
    periods = period_labels(n_periods)
    width = max(2, len(str(n_indicators)))
    files = []
    for p, code in enumerate(project_codes(n_projects)):
        cumulative = p % 4 == 3                      # a quarter of the projects report running totals
        vtype = "Cumulative" if cumulative else "Period"
        rows = []
        for j in range(1, n_indicators + 1):
            unit = "Percent" if j % 10 == 0 else UNITS[j % (len(UNITS) - 1)]
            split = j % 2 == 1 and unit != "Percent"  # half of the indicators are split by sex
            ind = f"IND-{j:0{width}d}"
            definition = (f"Percentage of trained participants applying labor-rights knowledge (indicator {j})"
                          if unit == "Percent" else
                          f"Number of {unit.lower()} reached with project support, indicator {j} of the results "
                          "framework")
            if unit == "Percent":
                actual = np.round(rng.uniform(20, 95, size=n_periods), 1)
                men = women = None
                target = np.full(n_periods, 80)
            else:
                actual = rng.integers(0, 300, size=n_periods)
                men = rng.binomial(actual, 0.55) if split else None
                women = actual - men if split else None
                target = actual + rng.integers(-20, 40, size=n_periods).clip(-actual)
                if cumulative:
                    actual, target = actual.cumsum(), target.cumsum()
                    if split:
                        men, women = men.cumsum(), women.cumsum()
            for k, period in enumerate(periods):
                rows.append(
                    [
                        ind,
                        definition,
                        unit,
                        period,
                        vtype,
                        target[k],
                        actual[k],
                        men[k] if split else "",
                        women[k] if split else "",
                        "sex" if split else "",
                    ]
                )
        rel = f"raw/monitoring/{code.lower()}_indicators.csv"
        with open(folder.parent.parent / rel, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(MONITORING_HEADER)
            w.writerows(rows)
        files.append({"file": rel, "set": {"project": code}})
    return files


# --- timed intake (mirrors evalkit.steps.intake.clean_instrument) --------------------------------------


class Steps:
    """Accumulates seconds and rows per named step (a step may run once per raw file)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.rows: dict[str, int] = {}

    @contextmanager
    def time(self, step: str, rows: int | None = None):
        t0 = time.perf_counter()
        yield
        self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - t0
        if rows is not None:
            self.rows[step] = self.rows.get(step, 0) + rows

    def add_rows(self, step: str, rows: int) -> None:
        self.rows[step] = self.rows.get(step, 0) + rows


def clean_instrument(
    root: Path, instrument: dict, cb: dict, resolutions: list[dict], out_dir: Path
) -> tuple[Steps, pd.DataFrame]:
    """evalkit.steps.intake.clean_instrument, step by step, with a timer around each step."""
    steps = Steps()
    iid = instrument["id"]
    with steps.time("validate codebook"):
        validate_codebooks(cb, f"codebooks/{iid}.yaml", instrument, resolutions)
        codebook = Codebook(f"codebooks/{iid}.yaml", cb)
    parts = instrument.get("files") or [{"file": instrument["file"], "set": {}}]
    each = f" ({len(parts)} files)" if len(parts) > 1 else ""
    raws = []
    with steps.time("read_raw" + each):
        for part in parts:
            raws.append(read_raw(root / part["file"], instrument["format"], display_name=part["file"]))
    steps.add_rows("read_raw" + each, sum(len(r.data) for r in raws))
    step = "clean_tables" + (f" ({len(parts)} files, one pass)" if each else "")
    with steps.time(step, sum(len(r.data) for r in raws)):
        cleaned = clean_tables(
            raws,
            codebook,
            set_values=[p["set"] for p in parts],
            resolutions=resolutions,
            instrument=iid,
            resolutions_file=RESOLUTIONS_FILE,
            kind=instrument["kind"],
            hook=get_family(instrument["kind"]).clean,
        )
    reports = cleaned.report["files"]
    with steps.time("sha256 of the raw file" + ("s" if each else "")):
        for part, rep in zip(parts, reports, strict=True):
            rep["sha256"] = sha256_file(root / part["file"])
    clean = cleaned.table
    if len(parts) > 1:
        with steps.time("cross-file key check"):
            keys = key_strings(clean, codebook.key)
            dup = sorted(set(keys[keys.duplicated()]))
            if dup:
                raise SystemExit(f"benchmark data error: keys in more than one file: {dup[:5]}")
        steps.add_rows("cross-file key check", len(clean))
    report = {
        "instrument": iid,
        "kind": instrument["kind"],
        "codebook": codebook.source,
        "rows": len(clean),
        "files": reports,
    }
    with steps.time("write clean CSV + intake report", len(clean)):
        atomic_write_text(out_dir / f"{iid}.csv", clean.to_csv(index=False, lineterminator="\n"))
        atomic_write_text(
            out_dir / f"{iid}.intake.json", json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )
    return steps, clean


def expect(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"benchmark: the clean table is not what it should be: {what}")


def check_survey(clean: pd.DataFrame, n: int, n_items: int) -> None:
    """The benchmark measures the success path: stop if the clean table is not what it should be."""
    expect(len(clean) == n, f"survey has {len(clean)} rows, expected {n}")
    expected = ["resp_id", "stakeholder", "gender", "state", *item_names(n_items)]
    expect(list(clean.columns) == expected, f"survey columns are {list(clean.columns)}, expected {expected}")
    expect(clean["resp_id"].is_unique, "survey ids are not unique")
    values = set(pd.unique(clean[item_names(n_items)].to_numpy().ravel()))
    expect(
        values <= {"low", "moderate", "above_moderate", "high", "dont_know", "no_answer", ""},
        f"survey ratings hold {sorted(map(str, values))}",
    )


def check_monitoring(clean: pd.DataFrame, n: int) -> None:
    expect(len(clean) == n, f"monitoring has {len(clean)} rows, expected {n}")
    for c in ("actual_period", "actual_cumulative", "actual_men_period", "actual_women_cumulative"):
        expect(c in clean.columns, f"monitoring has no column {c}")
    expect(bool((clean["actual_period"] != "").all()), "monitoring has empty actual_period values")


# --- runs, table, verdict -----------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return {
        "code": code_version(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu or platform.processor(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "pyreadstat": version("pyreadstat"),
    }


def code_version() -> str:
    """The commit measured, with '+changes' when src/ differs from it (figures belong to a version)."""
    import subprocess

    def git(*a):
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "src")
    except OSError:
        return "unknown"
    return (commit or "unknown") + ("+changes" if dirty else "")


def median_steps(runs: list[Steps]) -> tuple[list[tuple[str, float, int]], float, list[float]]:
    names = list(runs[0].seconds)
    table = [(s, statistics.median(r.seconds[s] for r in runs), runs[0].rows.get(s, 0)) for s in names]
    totals = [sum(r.seconds.values()) for r in runs]
    return table, statistics.median(totals), totals


def print_table(title: str, table, total: float, totals: list[float], budget: float, gen: float) -> None:
    print(f"\n{title}")
    print(f"  {'step':<46} {'seconds':>9} {'rows':>9} {'rows/s':>11}")
    for step, sec, rows in table:
        rate = f"{rows / sec:,.0f}" if rows and sec > 0 else ""
        print(f"  {step:<46} {sec:>9.2f} {rows if rows else '':>9} {rate:>11}")
    runs = f" (median of {len(totals)}: {', '.join(f'{t:.2f}' for t in totals)})" if len(totals) > 1 else ""
    verdict = "within" if total <= budget else "OVER"
    print(f"  {'total (counted)':<46} {total:>9.2f}   {verdict} the {budget:g} s budget{runs}")
    print(f"  {'(generation, not counted)':<46} {gen:>9.2f}")


def add_scale_arguments(ap: argparse.ArgumentParser) -> None:
    """The size and seed of the generated data (shared with analysis.py, so both measure the same data)."""
    ap.add_argument("--respondents", type=int, default=100_000, help="survey respondents (default %(default)s)")
    ap.add_argument("--items", type=int, default=40, help="rated items of the survey (default %(default)s)")
    ap.add_argument("--projects", type=int, default=200, help="monitoring projects, one CSV each (default %(default)s)")
    ap.add_argument("--indicators", type=int, default=50, help="indicators per project (default %(default)s)")
    ap.add_argument("--periods", type=int, default=10, help="semi-annual periods, from 2020-H1 (default %(default)s)")
    ap.add_argument(
        "--seed", type=int, default=20240830, help="random seed of the generated data (default %(default)s)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_scale_arguments(ap)
    ap.add_argument(
        "--runs",
        type=int,
        default=1,
        help="timed runs on the same generated data; each step's median is reported (default %(default)s)",
    )
    ap.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds allowed per dataset and for both together (default %(default)s)",
    )
    ap.add_argument(
        "--workdir", type=Path, help="keep the generated and clean files here (default: a temporary folder)"
    )
    ap.add_argument("--only", choices=["survey", "monitoring"], help="benchmark one dataset only")
    ap.add_argument(
        "--json", type=Path, help="also write the figures (every run, the medians, the machine) to this file"
    )
    ap.add_argument(
        "--profile",
        type=Path,
        help="write a cProfile file per dataset (of the last run) into this folder "
        "and print the top functions by own time",
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="evalkit-bench-") as tmp:
        root = args.workdir.resolve() if args.workdir else Path(tmp)
        (root / "raw" / "monitoring").mkdir(parents=True, exist_ok=True)
        out_dir = root / "clean"
        rng = np.random.default_rng(args.seed)
        info = machine()
        print(
            f"evalkit intake benchmark: {info['cpus']} CPU(s), {info['cpu_model']}; Python {info['python']}, "
            f"pandas {info['pandas']}, numpy {info['numpy']}, pyreadstat {info['pyreadstat']}"
        )
        print(
            f"evalkit {info['code']}; work folder: {root}{'' if args.workdir else ' (temporary)'}; "
            f"seed {args.seed}; {args.runs} run(s)"
        )

        datasets = []
        if args.only in (None, "survey"):
            t0 = time.perf_counter()
            resolutions = generate_survey(root / "raw" / "survey.sav", args.respondents, args.items, rng)
            gen = time.perf_counter() - t0
            ins = {"id": SURVEY_ID, "kind": "rating_survey", "format": "spss", "file": "raw/survey.sav"}
            title = (
                f"survey: {args.respondents:,} respondents x {args.items} items (+1 resolved duplicate), "
                f"SPSS .sav {(root / 'raw' / 'survey.sav').stat().st_size / 1e6:.1f} MB"
            )
            datasets.append(
                (
                    "survey",
                    title,
                    ins,
                    survey_codebook(args.items),
                    resolutions,
                    gen,
                    lambda c: check_survey(c, args.respondents, args.items),
                )
            )
        if args.only in (None, "monitoring"):
            t0 = time.perf_counter()
            files = generate_monitoring(root / "raw" / "monitoring", args.projects, args.indicators, args.periods, rng)
            gen = time.perf_counter() - t0
            n = args.projects * args.indicators * args.periods
            ins = {"id": MONITORING_ID, "kind": "indicator_report", "format": "csv", "files": files}
            size = sum((root / f["file"]).stat().st_size for f in files)
            title = (
                f"monitoring: {args.projects} projects x {args.indicators} indicators x {args.periods} periods "
                f"= {n:,} rows in {len(files)} CSV files, {size / 1e6:.1f} MB"
            )
            datasets.append(
                (
                    "monitoring",
                    title,
                    ins,
                    monitoring_codebook(args.projects),
                    [],
                    gen,
                    lambda c, n=n: check_monitoring(c, n),
                )
            )

        results, over = {}, False
        for name, title, ins, cb, resolutions, gen, check in datasets:
            runs = []
            for r in range(args.runs):
                profiler = cProfile.Profile() if args.profile and r == args.runs - 1 else None
                if profiler:
                    profiler.enable()
                steps, clean = clean_instrument(root, ins, cb, resolutions, out_dir)
                if profiler:
                    profiler.disable()
                    args.profile.mkdir(parents=True, exist_ok=True)
                    prof = args.profile / f"intake-{name}.prof"
                    profiler.dump_stats(prof)
                    buf = io.StringIO()
                    pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(15)
                    print(f"\n[{name}] profile of the last run ({prof}), top functions by own time:")
                    print(buf.getvalue())
                check(clean)
                del clean
                runs.append(steps)
            table, total, totals = median_steps(runs)
            print_table(title, table, total, totals, args.budget, gen)
            over |= total > args.budget
            results[name] = {
                "title": title,
                "generation_seconds": gen,
                "total_seconds": total,
                "total_seconds_per_run": totals,
                "within_budget": total <= args.budget,
                "steps": [{"step": s, "seconds": sec, "rows": rows} for s, sec, rows in table],
                "runs": [{"steps": r.seconds} for r in runs],
            }

        combined = sum(v["total_seconds"] for v in results.values())
        if len(results) > 1:
            over |= combined > args.budget
            print(
                f"\nboth datasets: {combined:.2f} s, {'within' if combined <= args.budget else 'OVER'} "
                f"the {args.budget:g} s budget"
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (RSS): {peak:,.0f} MB")
        if args.json:
            doc = {
                "benchmark": "intake",
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
                "runs": args.runs,
                "datasets": results,
                "combined_seconds": combined,
                "peak_rss_mb": round(peak),
                "within_budget": not over,
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            print(f"figures written to {args.json}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
