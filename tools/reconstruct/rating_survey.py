"""Write a reconstructed rating survey (SPSS .sav or Stata .dta) from target counts.

A data-authoring tool, not part of the pipeline: it was run to make the files in raw/, which the
pipeline then reads as received. Usage:

    python tools/reconstruct/rating_survey.py tools/reconstruct/<spec>.yaml [...]

Each category (or each joint profile cell) and each rated item gets exactly the counts of the
spec, shuffled across respondents with a fixed seed. Optional spec sections add what a real
delivery carries: invented names, phones and e-mails (`people`), a submission time (`submitted`),
a free-text comment (`comments`) and one duplicate submission (`duplicate`). The creation time in
the file header is set to the spec's `export_timestamp`, so running it again gives the same bytes.
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pyreadstat
import yaml

# --- counts -> columns --------------------------------------------------------------------------

def _sort_key(code) -> tuple:
    return (isinstance(code, str), code)


def column_from_counts(counts: dict, n: int, rng: np.random.Generator, name: str) -> np.ndarray:
    """A shuffled column holding each code exactly `count` times (codes may be numbers or letters)."""
    values = [code for code, c in sorted(counts.items(), key=lambda kv: _sort_key(kv[0])) for _ in range(int(c))]
    if len(values) != n:
        raise SystemExit(f"{name}: counts add up to {len(values)}, expected {n}")
    arr = np.empty(n, dtype=object)
    arr[:] = values
    return rng.permutation(arr)


def categories_frame(spec: dict, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Category codes per respondent: from joint profile cells if given, else from each margin."""
    if "profile" in spec:
        cols = spec["profile"]["columns"]
        rows = [tuple(cell[:-1]) for cell in spec["profile"]["cells"] for _ in range(int(cell[-1]))]
        if len(rows) != n:
            raise SystemExit(f"profile: cells add up to {len(rows)}, expected {n}")
        order = rng.permutation(n)
        return pd.DataFrame([rows[i] for i in order], columns=cols)
    return pd.DataFrame({name: column_from_counts(cat["counts"], n, rng, name).astype(int)
                         for name, cat in spec["categories"].items()})


# --- invented identifiers -----------------------------------------------------------------------

def ascii_lower(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def add_people(df: pd.DataFrame, spec: dict, numbers: list[int], rng: np.random.Generator) -> None:
    """Names (given name + two surnames, unique), phones in the +52 55 0100 range, e-mails."""
    p = spec["people"]
    names, used = [], set()
    for g in df[p["gender_variable"]]:
        while True:
            given = p["given_names"][int(g)][rng.integers(len(p["given_names"][int(g)]))]
            s1, s2 = rng.choice(len(p["surnames"]), size=2, replace=False)
            full = f"{given} {p['surnames'][s1]} {p['surnames'][s2]}"
            if full not in used:
                used.add(full)
                names.append(full)
                break
    df[p["name"]["variable"]] = names
    if "phone" in p:
        ph = p["phone"]
        phones = [f"+52 55 0100 {ph['first'] - 1 + k:04d}" for k in numbers]
        for i in rng.choice(len(df), size=ph.get("blank", 0), replace=False):
            phones[i] = ""
        df[ph["variable"]] = phones
    if "email" in p:
        em, emails = p["email"], []
        for full, k in zip(names, numbers, strict=True):
            given, s1, s2 = full.split(" ")
            pattern = rng.integers(3)
            local = (f"{ascii_lower(given)}.{ascii_lower(s1)}" if pattern == 0 else
                     f"{ascii_lower(given)[0]}{ascii_lower(s1)}{ascii_lower(s2)[0]}" if pattern == 1 else
                     f"{ascii_lower(given)}{ascii_lower(s1)}{k % 100:02d}")
            address = f"{local}@{em['domains'][rng.integers(len(em['domains']))]}"
            while address in emails:
                address = address.replace("@", "1@", 1)
            emails.append(address)
        df[em["variable"]] = emails


def add_comments(df: pd.DataFrame, spec: dict, rng: np.random.Generator) -> None:
    c = spec["comments"]
    out = [""] * len(df)
    for entry in c["texts"]:
        who = entry.get("who")
        free = [i for i in range(len(df)) if not out[i]
                and (who is None or int(df[c["match_variable"]].iloc[i]) in who)]
        if not free:
            raise SystemExit(f"comments: no respondent left for {entry['text'][:40]!r}")
        out[free[rng.integers(len(free))]] = entry["text"]
    df[c["variable"]] = out


def submission_times(df: pd.DataFrame, spec: dict, rng: np.random.Generator) -> tuple[list, list]:
    """(activity day, submission time) per respondent."""
    s = spec["submitted"]
    day = lambda t: datetime.fromisoformat(str(t))  # noqa: E731
    last = day(s["last"])
    activity, submitted = [], []
    for st in df[s["state_variable"]]:
        remote = int(st) in s["remote_states"] or rng.random() < s["remote_share"]
        lo, hi = (day(x) for x in (s["remote"] if remote else s["in_person"]))
        act = lo + timedelta(days=int(rng.integers((hi - lo).days + 1)))
        delay = min(int(rng.exponential(s["mean_delay_days"])), s["max_delay_days"])
        sub = act + timedelta(days=delay, seconds=int(rng.integers(8 * 3600, 22 * 3600)))
        activity.append(act)
        submitted.append(min(sub, last))
    return activity, submitted


# --- writing ------------------------------------------------------------------------------------

def fix_header_time(path: str, fmt: str, when: datetime) -> None:
    """Overwrite the creation time ReadStat writes into the header with a fixed one."""
    data = bytearray(open(path, "rb").read())
    if fmt == "spss":  # record type 1: creation date 'dd Mmm yy' at byte 92, time 'hh:mm:ss' at 101
        assert data[:4] == b"$FL2"
        data[92:101] = when.strftime("%d %b %y").encode("ascii")
        data[101:109] = when.strftime("%H:%M:%S").encode("ascii")
    else:  # dta 117+: <timestamp>, one length byte, 'dd Mon yyyy hh:mm'
        at = data.index(b"<timestamp>") + len(b"<timestamp>")
        stamp = when.strftime("%d %b %Y %H:%M").encode("ascii")
        assert data[at] == len(stamp)
        data[at + 1:at + 1 + len(stamp)] = stamp
    open(path, "wb").write(bytes(data))


def main(spec_path: str) -> None:
    spec = yaml.safe_load(open(spec_path, encoding="utf-8"))
    fmt = spec.get("format", "spss")
    rng = np.random.default_rng(spec["seed"])
    n = spec["n"]
    idv = spec["id_variable"]

    cats = categories_frame(spec, n, rng)
    items = pd.DataFrame({name: column_from_counts(item["counts"], n, rng, name)
                          for name, item in spec["items"].items()})
    body = pd.concat([cats, items], axis=1)

    # invitation ids follow the activity date; rows follow the submission time
    sub_var = spec.get("submitted", {}).get("variable")
    if sub_var:
        activity, submitted = submission_times(body, spec, rng)
        body["_activity"], body["_submitted"] = activity, submitted
        body = body.sort_values(["_activity", "_submitted"], kind="stable").reset_index(drop=True)
    numbers = list(range(1, n + 1))
    body.insert(0, idv, [f"{spec['id_prefix']}{k:0{spec.get('id_digits', 4)}d}" for k in numbers])
    if "people" in spec:
        add_people(body, spec, numbers, rng)
    if "comments" in spec:
        add_comments(body, spec, rng)

    dup_note = None
    if "duplicate" in spec:
        d = spec["duplicate"]
        candidates = body.index[body[d["item"]] == d["kept_code"]]
        keep_at = int(candidates[rng.integers(len(candidates))])
        copy = body.loc[[keep_at]].copy()
        copy[d["item"]] = d["dropped_code"]
        lo, hi = d["minutes_earlier"]
        copy["_submitted"] = copy["_submitted"] - timedelta(minutes=int(rng.integers(lo, hi + 1)),
                                                            seconds=int(rng.integers(60)))
        copy["_dropped"] = True
        body["_dropped"] = False
        body = pd.concat([body, copy], ignore_index=True)
        dup_note = body.loc[keep_at, idv]
    if sub_var:
        body = body.sort_values("_submitted", kind="stable").reset_index(drop=True)
        body[sub_var] = [t.strftime("%Y-%m-%dT%H:%M:%S") for t in body["_submitted"]]

    # column order as an export would have it
    p = spec.get("people", {})
    order = [idv]
    order += [sub_var] if sub_var else []
    order += [p[k]["variable"] for k in ("name", "email", "phone") if k in p]
    order += list(cats.columns) + list(items.columns)
    order += [spec["comments"]["variable"]] if "comments" in spec else []
    df = body[order].copy()

    labels = {idv: spec.get("id_label", "Respondent id")}
    if sub_var:
        labels[sub_var] = spec["submitted"]["label"]
    for k in ("name", "email", "phone"):
        if k in p:
            labels[p[k]["variable"]] = p[k]["label"]
    if "comments" in spec:
        labels[spec["comments"]["variable"]] = spec["comments"]["label"]
    value_labels, missing = {}, {}
    for name, cat in spec["categories"].items():
        labels[name] = cat["label"]
        value_labels[name] = {int(k): v for k, v in cat["labels"].items()}
        df[name] = df[name].astype(int)
    for name, item in spec["items"].items():
        labels[name] = item["label"]
        value_labels[name] = dict(spec["scale_labels"])
        missing[name] = list(spec["missing_codes"])
    when = datetime.fromisoformat(str(spec["export_timestamp"]))

    if fmt == "spss":
        for name in spec["items"]:
            df[name] = df[name].astype(float)
            value_labels[name] = {float(k): v for k, v in value_labels[name].items()}
            missing[name] = [float(c) for c in missing[name]]
        for name in spec["categories"]:
            df[name] = df[name].astype(float)
            value_labels[name] = {float(k): v for k, v in value_labels[name].items()}
        measure = {c: "nominal" for c in df.columns}
        measure.update({name: "ordinal" for name in spec["items"]})
        pyreadstat.write_sav(df, spec["output"], file_label=spec["file_label"], column_labels=labels,
                             variable_value_labels=value_labels, missing_ranges=missing,
                             variable_measure=measure)
    elif fmt == "stata":
        # numbers stay numbers; the letters 'a'/'b' become the extended missing values .a/.b
        for name in spec["items"]:
            df[name] = [v if isinstance(v, str) else int(v) for v in df[name]]
        for name in spec["categories"]:
            df[name] = df[name].astype("int8")  # stored as integers, not doubles
        pyreadstat.write_dta(df, spec["output"], file_label=spec["file_label"], column_labels=labels,
                             variable_value_labels=value_labels, missing_user_values=missing,
                             version=spec.get("stata_version", 14))
    else:
        raise SystemExit(f"unknown format {fmt!r}")
    fix_header_time(spec["output"], fmt, when)

    print(f"wrote {spec['output']}: {len(df)} rows, {len(df.columns)} variables")
    if dup_note is not None:
        rows = [i + 1 for i in body.index[body[idv] == dup_note]]
        dropped = [i + 1 for i in body.index[(body[idv] == dup_note) & body["_dropped"]]]
        d = spec["duplicate"]
        print(f"duplicate submission: {idv} {dup_note} at data rows {rows}; drop row {dropped[0]} "
              f"(earlier copy, {d['item']} = {d['dropped_code']}); "
              f"keep the later copy ({d['item']} = {d['kept_code']})")


if __name__ == "__main__":
    for path in sys.argv[1:]:
        main(path)
