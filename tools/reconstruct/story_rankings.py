"""Write a reconstructed story-ranking file (Most Significant Change selection) from a spec.

A data-authoring tool, not part of the pipeline: it was run once to make the ranking forms of an
evaluation whose original forms are confidential; the pipeline then reads the file as received.

Usage: python tools/reconstruct/story_rankings.py tools/reconstruct/<evaluation>.story_rankings.yaml

The sessions are the facilitated discussions of the engagement log the spec names (their id, date,
stakeholder type and number of participants): each participant fills in one form that ranks every
story of the spec from 1 (most significant) down. A form's ranking is drawn from the stories'
weights (Plackett-Luce: Gumbel noise on the log weights) with a generator seeded from the spec, so
running it again writes byte-identical files. After writing, it reads the file back, checks the
targets (forms, sessions, rows, the stories' order by mean rank) and prints a verification table;
it stops if any target is missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[2]
COLUMNS = ["Form ID", "Session", "Date", "Stakeholder type", "Story", "Rank"]


def make_rankings(spec: dict) -> pd.DataFrame:
    rng = np.random.default_rng(spec["seed"])
    log = pd.read_csv(REPO / spec["engagement_log"], dtype=str, keep_default_na=False)
    sessions = log[log["Method"] == spec["session_method"]].sort_values(["Date", "Activity ID"], kind="stable")
    codes = list(spec["stories"])
    logw = np.log(np.array([float(spec["stories"][c]["weight"]) for c in codes]))
    rows, form = [], 0
    for _, s in sessions.iterrows():
        for _ in range(int(s["Participants"])):
            form += 1
            order = np.argsort(-(logw + rng.gumbel(size=len(codes))))  # most significant first
            ranks = {codes[i]: r + 1 for r, i in enumerate(order)}
            for c in codes:  # the form lists the stories in the order they were read out
                rows.append({"Form ID": f"{spec['form_prefix']}{form:03d}", "Session": s["Activity ID"],
                             "Date": s["Date"], "Stakeholder type": s["Stakeholder type"], "Story": c,
                             "Rank": ranks[c]})
    return pd.DataFrame(rows, columns=COLUMNS)


def verify(spec: dict, path: Path) -> bool:
    df = pd.read_csv(path, dtype={"Rank": int}, keep_default_na=False)
    t = spec["targets"]
    mean = df.groupby("Story")["Rank"].mean().sort_values()
    first = df[df["Rank"] == 1].groupby("Story").size()
    gaps = np.diff(mean.to_numpy())
    full = list(range(1, len(spec["stories"]) + 1))
    complete = bool(df.groupby("Form ID")["Rank"].apply(lambda r: sorted(r) == full).all())
    rows = [("forms", t["forms"], df["Form ID"].nunique()),
            ("sessions", t["sessions"], df["Session"].nunique()),
            ("rows", t["forms"] * len(spec["stories"]), len(df)),
            ("every form ranks every story once", True, complete),
            ("stories by mean rank", t["order"], list(mean.index)),
            (f"smallest gap between mean ranks >= {t['min_gap']}", True, bool(gaps.min() >= t["min_gap"]))]
    from engagement_log import print_targets  # the generator beside this one (run as a script from here)

    ok = print_targets(rows)
    for code in mean.index:
        print(f"  {code}: mean rank {mean[code]:.2f}, ranked first on {int(first.get(code, 0))} forms")
    return ok


def main(spec_path: str) -> None:
    from engagement_log import write_checked  # the generator beside this one (run as a script from here)

    spec = yaml.safe_load(Path(spec_path).read_text(encoding="utf-8"))
    write_checked(spec, make_rankings(spec), verify)


if __name__ == "__main__":
    main(sys.argv[1])
