"""Write the reconstructed fieldwork files of an evaluation from a spec (a data-authoring tool).

Not part of the pipeline: it was run once to make four CSV files in raw/, which the pipeline then
reads as received:

- the engagement log (one row per key informant interview or focus group),
- the validation-workshop forms (priority ratings of the recommendations),
- the outcome journal (outcome harvesting entries),
- the coded qualitative segments (excerpts coded with finding ids).

Usage: python tools/reconstruct/fieldwork.py tools/reconstruct/<evaluation>.fieldwork.yaml

Every random choice draws from a generator seeded from the spec, so running it again writes
byte-identical files. After writing, it reads the files back with pandas, checks every target of
the spec and prints a verification table; it stops with an error if any target is missed.
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from engagement_log import date_in_person, spread_sexes  # same folder: tools/reconstruct/

REPO = Path(__file__).resolve().parents[2]
STAKEHOLDER_ORDER = ["academia_cso", "business", "grantee", "host_government", "unions", "us_canada", "workers"]


def rng_for(spec: dict, stream: int) -> np.random.Generator:
    """One independent random stream per file, so that editing one file's spec leaves the others."""
    return np.random.default_rng([spec["seed"], stream])


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def write_csv(df: pd.DataFrame, rel_path: str) -> Path:
    path = REPO / rel_path
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Engagement log


def remote_candidates(spec: dict) -> list[dt.date]:
    lo, hi = (day(d) for d in spec["remote_window"])
    blocked: set[dt.date] = set()
    for item in spec["remote_blackout"]:
        if isinstance(item, list):
            a, b = day(item[0]), day(item[1])
            blocked.update(a + dt.timedelta(days=i) for i in range((b - a).days + 1))
        else:
            blocked.add(day(item))
    out, d = [], lo + dt.timedelta(days=1)
    while d < hi:
        if d.weekday() < 5 and d not in blocked:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def make_engagement_log(spec: dict, labels: dict, rng: np.random.Generator) -> pd.DataFrame:
    es = spec["engagement_log"]
    acts = []
    for group in es["plan"]:
        n = len(group["sizes"])
        if len(group["states"]) != n or len(group["projects"]) != n:
            raise SystemExit(f"plan group {group['stakeholder']} {group['method']} {group['mode']}: lengths differ")
        for size, state, project in zip(group["sizes"], group["states"], group["projects"], strict=True):
            acts.append({"stakeholder": group["stakeholder"], "method": group["method"], "mode": group["mode"],
                         "size": int(size), "state": state, "project": project})

    spread_sexes(acts, es["targets"], rng)   # Table 2's men and women per stakeholder type
    date_in_person(acts, es["itinerary"], rng)
    missing = [a for a in acts if a["mode"] == "in_person" and "date" not in a]
    if missing:
        raise SystemExit(f"in-person activities in states without itinerary: {sorted({a['state'] for a in missing})}")

    # Remote dates: the first and last day of the window, the rest drawn from working days.
    remote = [a for a in acts if a["mode"] == "remote"]
    cands = remote_candidates(es)
    drawn = sorted(rng.choice(len(cands), size=len(remote) - 2, replace=False))
    dates = [day(es["remote_window"][0])] + [cands[i] for i in drawn] + [day(es["remote_window"][1])]
    for idx, d in zip(rng.permutation(len(remote)), dates, strict=True):
        remote[idx]["date"] = d

    # The deliberately mislabeled row.
    mis = es["mislabel"]
    cands_mis = [a for a in acts if a["stakeholder"] == mis["stakeholder"] and a["mode"] == mis["mode"]
                 and a["method"] == mis["method"]]
    chosen = cands_mis[int(rng.integers(len(cands_mis)))]
    for a in acts:
        a["typed"] = mis["typed_as"] if a is chosen else labels["stakeholder"][a["stakeholder"]]
        a["mislabeled"] = a is chosen

    # Activity ids in chronological order within each method.
    acts.sort(key=lambda a: (a["date"], a["mode"] != "in_person", STAKEHOLDER_ORDER.index(a["stakeholder"]),
                             a["state"], -a["size"]))
    counters = {"KII": 0, "FGD": 0}
    for a in acts:
        counters[a["method"]] += 1
        a["id"] = f"{a['method']}-{counters[a['method']]:03d}"

    rows = [{
        "Activity ID": a["id"], "Method": a["method"], "Date": a["date"].isoformat(),
        "Mode": labels["mode"][a["mode"]], "State": labels["state"][a["state"]],
        "Stakeholder type": a["typed"], "Participants": a["size"], "Men": a["men"], "Women": a["women"],
        "Project": labels["project"][a["project"]] if a["project"] else "",
    } for a in acts]
    df = pd.DataFrame(rows)
    df.attrs["acts"] = acts
    return df


# --------------------------------------------------------------------------------------------
# Validation-workshop forms


def make_workshop_forms(spec: dict, labels: dict, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    ws = spec["workshop_forms"]
    forms = []
    for w in ws["workshops"]:
        for i in range(w["size"]):
            forms.append({"workshop": w["code"], "date": w["date"], "mode": w["mode"], "pos": i + 1})
    n = len(forms)
    for i, f in enumerate(forms):
        f["id"] = f"VW-{i + 1:03d}"

    pool = [k for k, c in ws["stakeholders"].items() for _ in range(c)]
    if len(pool) != n:
        raise SystemExit(f"workshop stakeholder mix adds up to {len(pool)}, expected {n}")
    for f, k in zip(forms, rng.permutation(np.array(pool)), strict=True):
        f["stakeholder"] = str(k)

    recs = sorted(int(k) for k in ws["ratings"])
    for r in recs:
        counts = ws["ratings"][r]
        values = [code for code, c in zip(range(1, 6), counts, strict=True) for _ in range(c)]
        if len(values) > n:
            raise SystemExit(f"recommendation {r}: {len(values)} ratings for {n} forms")
        values += [None] * (n - len(values))
        for f, v in zip(forms, rng.permutation(np.array(values, dtype=object)), strict=True):
            f[f"rec_{r}"] = v

    # Online forms carry the platform's timestamp; paper forms typed in later have none.
    for f in forms:
        if f["mode"] == "remote":
            minute = int(rng.integers(18, 41))
            f["submitted"] = f"{f['date']} 11:{minute:02d}"
        else:
            f["submitted"] = ""

    # The duplicate: the kept (later) copy holds the generated ratings; the first copy differs.
    dup = ws["duplicate"]
    target = next(f for f in forms if f["workshop"] == dup["workshop"] and f["pos"] == dup["position"])
    if target["mode"] != "remote":
        raise SystemExit("the duplicate must be a remote (online) form")
    key = f"rec_{dup['recommendation']}"
    if target[key] is None or target[key] == dup["first_copy_value"]:
        raise SystemExit(f"duplicate: kept value of {key} is {target[key]}; choose another form or value")
    first = dict(target)
    first[key] = dup["first_copy_value"]
    t0 = dt.datetime.fromisoformat(target["submitted"])
    target["submitted"] = (t0 + dt.timedelta(minutes=dup["minutes_between"])).strftime("%Y-%m-%d %H:%M")
    first["submitted"] = t0.strftime("%Y-%m-%d %H:%M")
    # The form list holds the first submission in its place; the resubmission was appended at the
    # end of the file when the second export of the online platform was merged.
    idx = forms.index(target)
    forms[idx] = first
    forms.append(target)

    def row(f: dict) -> dict:
        out = {"Form ID": f["id"], "Workshop": f["workshop"], "Date": f["date"], "Mode": labels["mode"][f["mode"]],
               "Stakeholder type": labels["stakeholder"][f["stakeholder"]]}
        for r in recs:
            out[f"Recommendation {r}"] = f[f"rec_{r}"]
        out["Submitted at"] = f["submitted"]
        return out

    df = pd.DataFrame([row(f) for f in forms])
    for r in recs:
        df[f"Recommendation {r}"] = df[f"Recommendation {r}"].astype("Int64")
    resolution = {"key": target["id"], "rows": [idx + 1, len(forms)], "drop_row": idx + 1, "keep_row": len(forms),
                  "first_submitted": first["submitted"], "second_submitted": target["submitted"],
                  "column": f"Recommendation {dup['recommendation']}",
                  "first_value": dup["first_copy_value"], "kept_value": int(target[key])}
    return df, resolution


# --------------------------------------------------------------------------------------------
# Outcome journal


def ascii_slug(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def make_outcome_journal(spec: dict, labels: dict, rng: np.random.Generator) -> pd.DataFrame:
    oj = spec["outcome_journal"]
    entries = sorted(oj["entries"], key=lambda e: e["submitted"])
    given, surnames = oj["given_names"], oj["surnames"]
    used: set[str] = set()
    rows = []
    for i, e in enumerate(entries, start=1):
        while True:
            g = given[int(rng.integers(len(given)))]
            s1, s2 = (surnames[int(j)] for j in rng.choice(len(surnames), size=2, replace=False))
            name = f"{g} {s1} {s2}"
            if name not in used:
                used.add(name)
                break
        email = f"{ascii_slug(g)}.{ascii_slug(s1)}.{ascii_slug(s2)}@example.org"
        rows.append({
            "Entry ID": f"OJ-{i:02d}", "Submitted": e["submitted"], "Project": labels["project"][e["project"]],
            "Author role": labels["stakeholder"][e["author"]], "Outcome date": e["outcome_date"],
            "State": labels["state"][e["state"]], "Who changed": labels["stakeholder"][e["who_changed"]],
            "What changed": " ".join(e["what"].split()), "How the project contributed": " ".join(e["how"].split()),
            "Contact name": name, "Contact e-mail": email,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Coded segments


def make_coded_segments(spec: dict, labels: dict, log: pd.DataFrame, finding_ids: list[str],
                        rng: np.random.Generator) -> pd.DataFrame:
    acts = [a for a in log.attrs["acts"] if not a["mislabeled"]]
    segs = spec["coded_segments"]["segments"]
    unknown = sorted(set(segs) - set(finding_ids))
    if unknown:
        raise SystemExit(f"segment codes that are not finding ids: {unknown}")
    rows, uses = [], {}
    for code in finding_ids:
        for item in segs.get(code, []):
            st, text = item[0], item[1]
            state = item[2] if len(item) > 2 else None
            pool = [a for a in acts if a["stakeholder"] == st and (state is None or a["state"] == state)]
            if not pool:
                raise SystemExit(f"{code}: no activity of {st} in {state}")
            # Spread segments over transcripts: activities already quoted less are likelier.
            weights = np.array([1.0 / (1 + uses.get(a["id"], 0)) for a in pool])
            a = pool[int(rng.choice(len(pool), p=weights / weights.sum()))]
            uses[a["id"]] = uses.get(a["id"], 0) + 1
            rows.append({"activity": a["id"], "stakeholder": st, "code": code, "text": text})
    # As exported from the QDA tool: quotations listed document by document.
    order = {"KII": 0, "FGD": 1}
    rows.sort(key=lambda r: (order[r["activity"][:3]], r["activity"]))
    # Segments coded after the first export (spec `coded_segments.added`) follow it, each with the
    # activity the analyst coded it in; the ids of the first export do not move.
    by_id = {a["id"]: a for a in acts}
    for item in spec["coded_segments"].get("added", []):
        a = by_id.get(item["activity"])
        if a is None or a["stakeholder"] != item["stakeholder"]:
            raise SystemExit(f"added segment: {item['activity']} is not an activity of {item['stakeholder']}")
        if item["code"] not in finding_ids:
            raise SystemExit(f"added segment: code '{item['code']}' is not a finding id")
        rows.append({"activity": item["activity"], "stakeholder": item["stakeholder"], "code": item["code"],
                     "text": " ".join(item["text"].split())})
    out = [{"Segment ID": f"SEG-{i:04d}", "Activity ID": r["activity"],
            "Stakeholder type": labels["stakeholder"][r["stakeholder"]], "Code": r["code"], "Excerpt": r["text"]}
           for i, r in enumerate(rows, start=1)]
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------------
# Verification: read the written files back and compare with every target


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, bool]] = []

    def check(self, what: str, target, got) -> None:
        self.rows.append((what, str(target), str(got), target == got))

    def info(self, what: str, got) -> None:
        self.rows.append((what, "(information)", str(got), True))

    def print(self) -> bool:
        w = max(len(r[0]) for r in self.rows)
        print(f"{'figure':<{w}} | target | computed | ok")
        for what, t, g, ok in self.rows:
            flag = "" if t == "(information)" else ("yes" if ok else "NO")
            print(f"{what:<{w}} | {t} | {g} | {flag}")
        return all(r[3] for r in self.rows)


def verify(spec: dict, labels: dict, finding_ids: list[str], resolution: dict) -> bool:
    t = Table()
    out = spec["outputs"]
    inv = {v: k for k, v in labels["stakeholder"].items()}
    mis = spec["engagement_log"]["mislabel"]
    inv[mis["typed_as"]] = mis["stakeholder"]

    log = pd.read_csv(REPO / out["engagement_log"], dtype={"Project": str}, keep_default_na=False)
    log["st"] = log["Stakeholder type"].map(inv)
    t.check("engagement log: rows", 77, len(log))
    t.check("engagement log: unique Activity IDs", 77, log["Activity ID"].nunique())
    t.check("engagement log: rows typed as '" + mis["typed_as"] + "'", 1,
            int((log["Stakeholder type"] == mis["typed_as"]).sum()))
    t.check(
        "engagement log: Participants = Men + Women (rows failing)",
        0,
        int((log["Participants"] != log["Men"] + log["Women"]).sum()),
    )
    for key, tg in spec["engagement_log"]["targets"].items():
        sub = log[log["st"] == key]
        got = (
            int((sub["Method"] == "KII").sum()),
            int((sub["Method"] == "FGD").sum()),
            int(sub["Men"].sum()),
            int(sub["Women"].sum()),
            int(sub["Participants"].sum()),
        )
        t.check(
            f"Table 2 {key}: KII, FGD, men, women, total",
            (tg["kii"], tg["fgd"], tg["men"], tg["women"], tg["men"] + tg["women"]),
            got,
        )
    t.check(
        "Table 2 total: KII, FGD", (49, 28), (int((log["Method"] == "KII").sum()), int((log["Method"] == "FGD").sum()))
    )
    t.check(
        "Table 2 total: men, women, participants",
        (109, 70, 179),
        (int(log["Men"].sum()), int(log["Women"].sum()), int(log["Participants"].sum())),
    )
    t.check(
        "Annex D: KII respondents, FGD participants",
        (73, 106),
        (
            int(log.loc[log["Method"] == "KII", "Participants"].sum()),
            int(log.loc[log["Method"] == "FGD", "Participants"].sum()),
        ),
    )
    ip = log[log["Mode"] == "In person"]
    ipt = spec["engagement_log"]["in_person"]
    t.check(
        "in person: FGDs, FGD participants",
        (ipt["fgd"], ipt["fgd_participants"]),
        (int((ip["Method"] == "FGD").sum()), int(ip.loc[ip["Method"] == "FGD", "Participants"].sum())),
    )
    t.check(
        "in person: KIIs, KII participants",
        (ipt["kii"], ipt["kii_participants"]),
        (int((ip["Method"] == "KII").sum()), int(ip.loc[ip["Method"] == "KII", "Participants"].sum())),
    )
    t.check("in person: activities of 77, participants of 179", (43, 116), (len(ip), int(ip["Participants"].sum())))
    t.check(
        "in person: first and last date",
        tuple(spec["engagement_log"]["in_person_window"]),
        (ip["Date"].min(), ip["Date"].max()),
    )
    t.check(
        "in person: states", ["Guanajuato", "Mexico City", "Morelos", "State of Mexico"], sorted(ip["State"].unique())
    )
    rm = log[log["Mode"] == "Remote"]
    t.check(
        "remote: first date; last date in February 2024",
        ("2023-11-10", True),
        (rm["Date"].min(), rm["Date"].max().startswith("2024-02")),
    )
    usc = log[log["st"] == "us_canada"]
    t.check(
        "remote: U.S./Canadian officials all 'Outside Mexico'", True, bool((usc["State"] == "Outside Mexico").all())
    )
    t.check("modes used", ["In person", "Remote"], sorted(log["Mode"].unique()))

    wf = pd.read_csv(REPO / out["workshop_forms"], keep_default_na=False, na_values=[""])
    t.check("workshop forms: rows in file", 63, len(wf))
    dups = wf[wf["Form ID"].duplicated(keep=False)]
    t.check(
        "workshop forms: duplicated Form ID, data rows (1-based)",
        (resolution["key"], resolution["rows"]),
        (dups["Form ID"].iloc[0] if len(dups) else None, [int(i) + 1 for i in dups.index]),
    )
    diff_cols = [
        c
        for c in wf.columns
        if c.startswith("Recommendation") and not (pd.isna(dups[c]).all() or dups[c].nunique(dropna=False) == 1)
    ]
    t.check("workshop forms: duplicate copies differ in ratings", [resolution["column"]], diff_cols)
    kept = wf.drop(index=resolution["drop_row"] - 1)
    t.check("workshop forms: kept forms (participants)", 62, len(kept))
    t.check(
        "workshop forms: in person / remote",
        (45, 17),
        (int((kept["Mode"] == "In person").sum()), int((kept["Mode"] == "Remote").sum())),
    )
    t.check("workshop forms: workshops", ["W1", "W2", "W3", "W4", "W5", "W6"], sorted(kept["Workshop"].unique()))
    t.check("workshop forms: dates", ["2024-02-20", "2024-02-21"], sorted(kept["Date"].unique()))
    recs = [c for c in kept.columns if c.startswith("Recommendation")]
    means = [float(kept[c].mean()) for c in recs]
    medians = [float(kept[c].median()) for c in recs]
    for c, m, md in zip(recs, means, medians, strict=True):
        counts = spec["workshop_forms"]["ratings"][int(c.split()[-1])]
        want = sum(code * k for code, k in zip(range(1, 6), counts, strict=True)) / sum(counts)
        t.check(f"workshop forms: {c} mean (spec counts)", f"{want:.3f}", f"{m:.3f}")
        t.info(
            f"workshop forms: {c} median / rated / blank",
            f"{md:g} / {int(kept[c].notna().sum())} / {int(kept[c].isna().sum())}",
        )
    gaps = [a - b for a, b in pairwise(means)]
    t.check(
        f"workshop forms: means strictly decrease, min gap >= {spec['workshop_forms']['min_gap']}",
        True,
        min(gaps) >= spec["workshop_forms"]["min_gap"],
    )
    t.check(
        "workshop forms: ranking by mean = published order 1..9",
        list(range(1, 10)),
        [int(recs[i].split()[-1]) for i in np.argsort([-m for m in means], kind="stable")],
    )
    t.check("workshop forms: medians non-increasing", True, all(a >= b for a, b in pairwise(medians)))
    t.check(
        "workshop forms: ratings within 1-5",
        True,
        bool(kept[recs].apply(lambda col: col.dropna().between(1, 5).all()).all()),
    )
    t.check("workshop forms: no rating of recommendation 10", False, "Recommendation 10" in wf.columns)

    oj = pd.read_csv(REPO / out["outcome_journal"], keep_default_na=False)
    t.check("outcome journal: entries", 16, len(oj))
    t.check(
        "outcome journal: submitted within window",
        True,
        bool(oj["Submitted"].between(*spec["outcome_journal"]["window"]).all()),
    )
    t.check("outcome journal: outcome date before submission", True, bool((oj["Outcome date"] < oj["Submitted"]).all()))
    t.check(
        "outcome journal: e-mails at example.org", True, bool(oj["Contact e-mail"].str.endswith("@example.org").all())
    )
    t.check(
        "outcome journal: contact names and e-mails unique",
        (16, 16),
        (oj["Contact name"].nunique(), oj["Contact e-mail"].nunique()),
    )

    cs = pd.read_csv(REPO / out["coded_segments"], keep_default_na=False)
    t.check("coded segments: 150-220 segments", True, 150 <= len(cs) <= 220)
    t.info("coded segments: total", len(cs))
    t.info(
        "coded segments: segments per finding (min-max)",
        f"{cs['Code'].value_counts().min()}-{cs['Code'].value_counts().max()}",
    )
    t.check("coded segments: every code is a finding id", True, bool(cs["Code"].isin(finding_ids).all()))
    t.check(
        "coded segments: every finding has 3-8 segments",
        True,
        bool(cs["Code"].value_counts().reindex(finding_ids).between(3, 8).all()),
    )
    merged = cs.merge(log[["Activity ID", "Stakeholder type"]], on="Activity ID", how="left", suffixes=("", "_log"))
    t.check(
        "coded segments: activity ids found in the engagement log",
        True,
        bool(merged["Stakeholder type_log"].notna().all()),
    )
    t.check(
        "coded segments: stakeholder type = its activity's",
        True,
        bool((merged["Stakeholder type"] == merged["Stakeholder type_log"]).all()),
    )
    types = cs.groupby("Code")["Stakeholder type"].nunique()
    weak = sorted(types[types < 3].index)
    t.check("coded segments: findings with < 3 stakeholder types", 2, len(weak))
    t.info("coded segments: those findings", ", ".join(weak))
    return t.print()


def main(spec_path: str) -> None:
    spec = yaml.safe_load(open(spec_path, encoding="utf-8"))
    labels = spec["labels"]
    findings = yaml.safe_load(open(REPO / spec["findings"], encoding="utf-8"))["findings"]
    finding_ids = [f["id"] for f in findings]
    if len(set(finding_ids)) != len(finding_ids):
        raise SystemExit("duplicate finding ids")

    log = make_engagement_log(spec, labels, rng_for(spec, 1))
    forms, resolution = make_workshop_forms(spec, labels, rng_for(spec, 2))
    journal = make_outcome_journal(spec, labels, rng_for(spec, 3))
    segments = make_coded_segments(spec, labels, log, finding_ids, rng_for(spec, 4))

    out = spec["outputs"]
    for name, df in [
        ("engagement_log", log),
        ("workshop_forms", forms),
        ("outcome_journal", journal),
        ("coded_segments", segments),
    ]:
        path = write_csv(df, out[name])
        print(f"wrote {path.relative_to(REPO)}: {len(df)} rows, {len(df.columns)} columns")
    print("duplicate form:", resolution)
    if not verify(spec, labels, finding_ids, resolution):
        raise SystemExit("some targets were missed")


if __name__ == "__main__":
    main(sys.argv[1])
