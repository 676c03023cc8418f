"""Write a reconstructed engagement log (one row per interview or focus group) from a spec.

A data-authoring tool, not part of the pipeline: it was run once to make the engagement log of an
evaluation whose original log is confidential; the pipeline then reads the file as received.

Usage: python tools/reconstruct/engagement_log.py tools/reconstruct/<evaluation>.engagement_log.yaml

The spec gives the plan (per stakeholder type, method and mode: the size of each activity, its state
and project), each stakeholder type's men and women, the in-person itinerary (days per state), the
window of remote activities, and optionally one row whose stakeholder type is typed differently (a
recode in the codebook maps it back). Every random choice draws from a generator seeded from the
spec, so running it again writes byte-identical files. After writing, it reads the file back,
checks every target of the spec and prints a verification table; it stops if any target is missed.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[2]
COLUMNS = ["Activity ID", "Method", "Date", "Mode", "State", "Stakeholder type", "Participants", "Men", "Women",
           "Project"]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(str(text))


def working_days(first: dt.date, last: dt.date, blocked: set[dt.date]) -> list[dt.date]:
    out, d = [], first
    while d <= last:
        if d.weekday() < 5 and d not in blocked:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def spread_sexes(acts: list[dict], totals: dict, rng: np.random.Generator) -> None:
    """Give each activity its men and women: each stakeholder type's totals, shuffled over its participants."""
    for key, target in totals.items():
        mine = [a for a in acts if a["stakeholder"] == key]
        pool = rng.permutation(np.array(["m"] * target["men"] + ["w"] * target["women"]))
        if sum(a["size"] for a in mine) != len(pool):
            raise SystemExit(f"{key}: activity sizes add up to {sum(a['size'] for a in mine)}, "
                             f"the men and women totals to {len(pool)}")
        pos = 0
        for a in mine:
            part = pool[pos:pos + a["size"]]
            a["men"], a["women"] = int((part == "m").sum()), int((part == "w").sum())
            pos += a["size"]


def date_in_person(acts: list[dict], itinerary: dict, rng: np.random.Generator) -> None:
    """Date each in-person activity on an itinerary day of its state, every day used at least once."""
    for state, days in itinerary.items():
        here = [a for a in acts if a["mode"] == "in_person" and a["state"] == state]
        if len(here) < len(days):
            raise SystemExit(f"{state}: {len(here)} in-person activities for {len(days)} days")
        for i, idx in enumerate(rng.permutation(len(here))):
            here[idx]["date"] = day(days[i % len(days)])


def make_log(spec: dict) -> tuple[pd.DataFrame, list[dict]]:
    rng = np.random.default_rng(spec["seed"])
    labels = spec["labels"]
    acts: list[dict] = []
    acts_groups: list[dict] = []
    for g in spec["plan"]:
        # sizes: one per activity, or `count` activities of one `size`
        sizes = g["sizes"] if "sizes" in g else [g["size"]] * g["count"]
        n = len(sizes)
        if isinstance(g["states"], dict):  # state -> number of activities
            states = [s for s, k in g["states"].items() for _ in range(int(k))]
        else:
            states = g["states"] if isinstance(g["states"], list) else [g["states"]] * n
        if len(states) != n:
            raise SystemExit(f"plan {g['stakeholder']} {g['method']} {g['mode']}: {n} sizes, {len(states)} states")
        for size, state in zip(sizes, states, strict=True):
            acts.append({"stakeholder": g["stakeholder"], "method": g["method"], "mode": g["mode"],
                         "size": int(size), "state": state, "project": g.get("project", ""),
                         "group": len(acts_groups)})
        acts_groups.append(g)

    spread_sexes(acts, spec["sex"], rng)
    if missing := sorted({a["stakeholder"] for a in acts} - set(spec["sex"])):
        raise SystemExit(f"no men/women totals for {missing}")

    # A plan group with its own `days` (e.g. validation sessions after the interviews) is dated on
    # those days, one activity per day in a drawn order; the others follow the itinerary and window.
    for gi, g in enumerate(acts_groups):
        if "days" in g:
            mine = [a for a in acts if a["group"] == gi]
            if len(g["days"]) != len(mine):
                raise SystemExit(f"plan {g['stakeholder']} {g['method']}: {len(mine)} activities, "
                                 f"{len(g['days'])} days")
            for a, idx in zip(mine, rng.permutation(len(mine)), strict=True):
                a["date"] = day(g["days"][idx])
    own = {gi for gi, g in enumerate(acts_groups) if "days" in g}
    date_in_person([a for a in acts if a["group"] not in own], spec["itinerary"], rng)
    if missing := sorted({a["state"] for a in acts if a["mode"] == "in_person" and "date" not in a}):
        raise SystemExit(f"in-person activities in states without itinerary: {missing}")

    # Remote: the first and last day of the window, the rest drawn from its other working days.
    remote = [a for a in acts if a["mode"] == "remote" and a["group"] not in own]
    first, last = (day(d) for d in spec["remote_window"])
    blocked = {day(d) for d in spec.get("remote_blackout", [])}
    cands = working_days(first + dt.timedelta(days=1), last - dt.timedelta(days=1), blocked)
    drawn = sorted(rng.choice(len(cands), size=len(remote) - 2, replace=False))
    for idx, d in zip(rng.permutation(len(remote)), [first] + [cands[i] for i in drawn] + [last], strict=True):
        remote[idx]["date"] = d

    # The row typed with another label.
    mis = spec.get("mislabel")
    chosen = None
    if mis:
        pool = [a for a in acts if all(a[k] == mis[k] for k in ("stakeholder", "method", "mode"))]
        chosen = pool[int(rng.integers(len(pool)))]
    for a in acts:
        a["typed"] = mis["typed_as"] if a is chosen else labels["stakeholder"][a["stakeholder"]]

    # Activity ids in chronological order within each method.
    order = list(labels["stakeholder"])
    acts.sort(key=lambda a: (a["date"], a["mode"] != "in_person", order.index(a["stakeholder"]), a["state"],
                             -a["size"]))
    counters: dict[str, int] = {}
    for a in acts:
        counters[a["method"]] = counters.get(a["method"], 0) + 1
        a["id"] = f"{a['method']}-{counters[a['method']]:03d}"
    rows = [{"Activity ID": a["id"], "Method": a["method"], "Date": a["date"].isoformat(),
             "Mode": labels["mode"][a["mode"]], "State": labels["state"][a["state"]],
             "Stakeholder type": a["typed"], "Participants": a["size"], "Men": a["men"], "Women": a["women"],
             "Project": labels["project"][a["project"]] if a["project"] else ""} for a in acts]
    df = pd.DataFrame(rows, columns=COLUMNS)
    if not labels.get("project"):  # a log that does not tie activities to projects has no Project column
        df = df.drop(columns="Project")
    return df, acts


def verify(spec: dict, path: Path) -> bool:
    log = pd.read_csv(path, dtype=str, keep_default_na=False)
    for c in ("Participants", "Men", "Women"):
        log[c] = log[c].astype(int)
    inv = {v: k for k, v in spec["labels"]["stakeholder"].items()}
    if spec.get("mislabel"):
        inv[spec["mislabel"]["typed_as"]] = spec["mislabel"]["stakeholder"]
    log["st"] = log["Stakeholder type"].map(inv)
    t = spec["targets"]
    # activities per method: `methods` (method code -> count), or the older `kii` and `fgd`
    methods = t.get("methods") or {"KII": t["kii"], "FGD": t["fgd"]}
    rows = [("activities", t["activities"], len(log)),
            ("unique activity ids", t["activities"], log["Activity ID"].nunique())]
    rows += [(m, k, int((log["Method"] == m).sum())) for m, k in methods.items()]
    rows += [("participants", t["participants"], int(log["Participants"].sum())),
            ("rows with Participants != Men + Women", 0, int((log["Participants"] != log["Men"] + log["Women"]).sum())),
            ("first month", t["first_month"], log["Date"].min()[:7]),
            ("last month", t["last_month"], log["Date"].max()[:7]),
            ("in-person states", sorted(spec["labels"]["state"][s] for s in t["in_person_states"]),
             sorted(log.loc[log["Mode"] == spec["labels"]["mode"]["in_person"], "State"].unique()))]
    for key, sx in spec["sex"].items():
        sub = log[log["st"] == key]
        rows.append((f"{key}: men, women", (sx["men"], sx["women"]), (int(sub["Men"].sum()), int(sub["Women"].sum()))))
    return print_targets(rows)


def print_targets(rows: list[tuple]) -> bool:
    """Print (figure, target, computed) rows as a table; True when every target is met."""
    w = max(len(r[0]) for r in rows)
    print(f"{'figure':<{w}} | target | computed | ok")
    ok = True
    for what, target, got in rows:
        ok &= target == got
        print(f"{what:<{w}} | {target} | {got} | {'yes' if target == got else 'NO'}")
    return ok


def write_checked(spec: dict, df: pd.DataFrame, verify) -> None:
    """Write a generated table to spec['output'] (CSV, UTF-8, LF) and stop when `verify` finds a
    published figure it misses (the story-ranking generator writes its file the same way)."""
    path = REPO / spec["output"]
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)}: {len(df)} rows")
    if not verify(spec, path):
        raise SystemExit("targets missed")


def main(spec_path: str) -> None:
    spec = yaml.safe_load(Path(spec_path).read_text(encoding="utf-8"))
    write_checked(spec, make_log(spec)[0], verify)


if __name__ == "__main__":
    main(sys.argv[1])
