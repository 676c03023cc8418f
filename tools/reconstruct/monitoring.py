"""Write reconstructed project monitoring indicator reports as CSV files (a data-authoring tool).

Not part of the pipeline: it was run once to make the files in raw/, which the pipeline then reads
as received. Usage:

    python tools/reconstruct/monitoring.py tools/reconstruct/mexico-auto-2024.monitoring.yaml

One CSV per project, one row per indicator and semi-annual reporting period, laid out like the
Annex A table of a USDOL technical progress report (TPR). Each indicator's total (and its total
for women, where it is split by sex) is met exactly; how the total spreads over periods is drawn
with a fixed seed from the project's activity profile, so running it again gives the same bytes.
An indicator that `follows` another is a subset of it in every period (and for each sex). A
project whose value type is Cumulative reports running totals (never decreasing). After writing,
the published figures listed in the spec are recomputed from the files and checked.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

HEADER = [
    "Indicator code", "Indicator definition", "Unit", "Reporting period", "Value type",
    "Target", "Actual", "Actual (men)", "Actual (women)", "Disaggregations",
]


def allocate(total: int, weights, caps=None) -> np.ndarray:
    """Integers summing to `total`, proportional to `weights` (largest remainder), each <= cap."""
    w = np.asarray(weights, dtype=float)
    n = len(w)
    caps = np.full(n, int(total), dtype=np.int64) if caps is None else np.asarray(caps, dtype=np.int64)
    w = np.where(caps > 0, w, 0.0)
    if total > caps.sum():
        raise SystemExit(f"cannot place {total} under caps summing to {caps.sum()}")
    if total == 0:
        return np.zeros(n, dtype=np.int64)
    if w.sum() <= 0:
        w = (caps > 0).astype(float)
    share = total * w / w.sum()
    out = np.minimum(np.floor(share).astype(np.int64), caps)
    rest = share - np.floor(share)
    used = np.zeros(n, dtype=bool)
    while out.sum() < total:
        # one more unit to the period with room and the largest remainder (ties: larger weight,
        # then the earlier period); once every such period has had one, start another round
        room = np.flatnonzero((out < caps) & ~used)
        if room.size == 0:
            used[:] = False
            continue
        i = min(room, key=lambda j: (-rest[j], -w[j], j))
        out[i] += 1
        used[i] = True
    return out


def nice(x: float) -> int:
    """Round a target to two significant digits."""
    if x <= 0:
        return 0
    step = 10 ** max(0, int(math.floor(math.log10(x))) - 1)
    return int(round(x / step) * step)


def build_project(key: str, proj: dict, spec: dict, rng: np.random.Generator) -> list[dict]:
    periods = proj["periods"]
    n = len(periods)
    cumulative = proj["value_type"] == "Cumulative"
    jitter = float(spec.get("jitter", 0.2))
    series: dict[str, dict[str, np.ndarray]] = {}   # code -> increments: actual, men, women, active
    rows: list[dict] = []
    by_code = {ind["code"]: ind for ind in proj["indicators"]}
    if len(by_code) != len(proj["indicators"]):
        raise SystemExit(f"{key}: duplicate indicator codes")

    def active_mask(ind: dict) -> np.ndarray:
        """Periods with results: from the indicator's `from`, and never before the one it follows."""
        start = periods.index(ind.get("from", periods[0]))
        mask = np.arange(n) >= start
        if "follows" in ind:
            mask &= active_mask(by_code[ind["follows"]])
        return mask

    def profile(ind: dict) -> np.ndarray:
        act = active_mask(ind)
        base = np.zeros(n)
        if "profile" in ind:
            base[act] = ind["profile"]
        else:
            base[act] = np.asarray(proj["profile"], dtype=float)[act]
        return base

    def make(code: str) -> dict[str, np.ndarray]:
        if code in series:
            return series[code]
        ind = by_code[code]
        act = active_mask(ind)
        noise = rng.uniform(1 - jitter, 1 + jitter, n)
        total = int(ind["total"])
        women_total = ind.get("women")
        parent = make(ind["follows"]) if "follows" in ind else None
        if parent is None:
            actual = allocate(total, profile(ind) * noise)
            if women_total is not None:
                women = allocate(int(women_total), actual * rng.uniform(1 - jitter, 1 + jitter, n), caps=actual)
            else:
                women = None
        elif women_total is not None and parent["women"] is not None:
            pm = np.where(act, parent["men"], 0)
            pw = np.where(act, parent["women"], 0)
            men = allocate(total - int(women_total), pm * noise, caps=pm)
            women = allocate(int(women_total), pw * rng.uniform(1 - jitter, 1 + jitter, n), caps=pw)
            actual = men + women
        else:
            pa = np.where(act, parent["actual"], 0)
            actual = allocate(total, pa * noise, caps=pa)
            women = allocate(int(women_total), actual * rng.uniform(1 - jitter, 1 + jitter, n),
                             caps=actual) if women_total is not None else None
        men = None if women is None else actual - women
        series[code] = {"actual": actual, "men": men, "women": women, "active": act}
        return series[code]

    for ind in proj["indicators"]:
        code = ind["code"]
        definition = spec["common"][code] if code in spec["common"] else ind["definition"]
        definition = " ".join(definition.split())
        unit = spec["units"][ind["unit"]]
        disagg = ind.get("disaggregations", "")
        if ind["unit"] == "percent":
            for period, value in ind["series"].items():
                rows.append({
                    "Indicator code": code, "Indicator definition": definition, "Unit": unit,
                    "Reporting period": period, "Value type": proj["value_type"],
                    "Target": ind.get("target", ""), "Actual": value,
                    "Actual (men)": "", "Actual (women)": "", "Disaggregations": disagg,
                })
            continue
        s = make(code)
        act = s["active"]
        # targets: life-of-project target spread like the project profile, two significant digits
        if "lop_target" in ind:
            prof = profile(ind)
            tgt = np.array([nice(ind["lop_target"] * p / prof.sum()) for p in prof])
        else:
            tgt = None
        vals = {"actual": s["actual"], "men": s["men"], "women": s["women"]}
        if cumulative:
            vals = {k: (None if v is None else np.cumsum(v)) for k, v in vals.items()}
            tgt = None if tgt is None else np.cumsum(tgt)
        for i, period in enumerate(periods):
            if not act[i]:
                continue
            rows.append({
                "Indicator code": code, "Indicator definition": definition, "Unit": unit,
                "Reporting period": period, "Value type": proj["value_type"],
                "Target": "" if tgt is None else int(tgt[i]),
                "Actual": int(vals["actual"][i]),
                "Actual (men)": "" if vals["men"] is None else int(vals["men"][i]),
                "Actual (women)": "" if vals["women"] is None else int(vals["women"][i]),
                "Disaggregations": disagg,
            })
    return rows


def headline(df: pd.DataFrame, indicator: str, column: str = "Actual") -> float:
    """What a reader takes from the report for one indicator: the latest value of a percentage or a
    cumulative series, otherwise the sum over periods."""
    d = df[df["Indicator code"] == indicator].sort_values("Reporting period")
    if d.empty:
        raise SystemExit(f"no rows for {indicator}")
    if (d["Unit"] == "Percent").any() or (d["Value type"] == "Cumulative").any():
        return float(d[column].iloc[-1])
    return float(d[column].sum())


def main(spec_path: str) -> None:
    spec = yaml.safe_load(open(spec_path, encoding="utf-8"))
    rng = np.random.default_rng(spec["seed"])
    out_dir = Path(spec["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = {}
    for key, proj in spec["projects"].items():
        rows = build_project(key, proj, spec, rng)
        path = out_dir / proj["file"]
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=HEADER, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        frames[key] = pd.read_csv(path, dtype={"Reporting period": str})
        n_ind = frames[key]["Indicator code"].nunique()
        print(f"wrote {path}: {len(rows)} rows, {n_ind} indicators, {len(proj['periods'])} periods")
    problems = []
    for f in spec["figures"]:
        col = {"actual": "Actual", "actual_women": "Actual (women)"}[f.get("column", "actual")]
        keys = list(frames) if f["project"] == "*" else [f["project"]]
        got = sum(headline(frames[k], f["indicator"], col) for k in keys)
        if got != f["value"]:
            problems.append(f"{f['project']} {f['indicator']} {col}: {got:g}, expected {f['value']}")
    if problems:
        raise SystemExit("figures not met:\n  " + "\n  ".join(problems))
    print(f"all {len(spec['figures'])} published figures met")


if __name__ == "__main__":
    main(sys.argv[1])
