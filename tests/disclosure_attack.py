"""An outsider's attempt to recover the counts that documents withhold, from what a release publishes.

What the attacker knows: every value documents show (values.json entries not marked suppressed) and
everything that can be counted in the published microdata files (.csv, .sav, .dta). What the
attacker does: counts, then subtraction, repeated until nothing new follows. Every published total
is a linear equation over the cells:
- an item's answer levels sum to its valid answers; its top-box levels to its top-box count;
- a breakdown's categories sum to the item's valid answers and top-box count;
- categories merged into one group in the microdata sum to that group's count there.
An equation with exactly one unknown gives that unknown away. `recover` returns every withheld count
found this way, with its true value: a sound release returns nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyreadstat

LEVEL = re.compile(r"^(?P<inst>[^.]+)\.(?P<item>[^.]+)\.levels\.(?P<key>[^.]+)\.(?P<stat>n|share)$")
ITEM = re.compile(r"^(?P<inst>[^.]+)\.(?P<item>[^.]+)\.(?P<stat>valid_n|top_box_n|top_box_share)$")
BY = re.compile(
    r"^(?P<inst>[^.]+)\.(?P<item>[^.]+)\.by_(?P<var>[^.]+)\.(?P<cat>[^.]+)\.(?P<stat>valid_n|top_box_share)$"
)
WITHHELD = re.compile(r"^(?P<inst>[^.]+)\.(?P<item>[^.]+)\.by_(?P<var>[^.]+)\.withheld_n$")


def cells(values: dict) -> tuple[dict, set]:
    """Every count documents could show, as (truth, withheld): truth maps a cell to its value,
    withheld is the set of cells documents hide in every form they could take (a count, or a share
    of a shown denominator). Cells: ("level", inst, item, key), ("valid", inst, item), ("top", inst,
    item), ("by_valid", inst, item, var, cat), ("by_top", inst, item, var, cat), ("by_withheld",
    inst, item, var): valid answers in no category of a breakdown."""
    truth: dict = {}
    shown: dict = {}  # cell -> whether some form of it is shown
    shares = []  # (cell, share entry, denominator cell)
    for vid, v in values.items():
        if m := LEVEL.match(vid):
            cell = ("level", m["inst"], m["item"], m["key"])
            if m["stat"] == "share":
                shares.append((cell, v, ("valid", m["inst"], m["item"])))
                continue
        elif m := ITEM.match(vid):
            if m["stat"] == "top_box_share":
                shares.append((("top", m["inst"], m["item"]), v, ("valid", m["inst"], m["item"])))
                continue
            cell = ({"valid_n": "valid", "top_box_n": "top"}[m["stat"]], m["inst"], m["item"])
        elif m := BY.match(vid):
            if m["stat"] == "top_box_share":
                shares.append(
                    (
                        ("by_top", m["inst"], m["item"], m["var"], m["cat"]),
                        v,
                        ("by_valid", m["inst"], m["item"], m["var"], m["cat"]),
                    )
                )
                continue
            cell = ("by_valid", m["inst"], m["item"], m["var"], m["cat"])
        elif m := WITHHELD.match(vid):
            cell = ("by_withheld", m["inst"], m["item"], m["var"])
        else:
            continue
        truth[cell] = int(v["value"])
        shown[cell] = shown.get(cell, False) or not v.get("suppressed")
    for cell, v, denominator in shares:
        truth.setdefault(cell, round(v["value"] * truth[denominator]))
        # a shown share of a shown denominator gives the count
        shown[cell] = shown.get(cell, False) or (not v.get("suppressed") and shown[denominator])
    return truth, {c for c, s in shown.items() if not s}


def microdata_counts(path: Path, codebook: dict, instrument: str) -> dict:
    """What anyone can count in one published microdata file: per rated item its levels, valid
    answers and top box, and the same per category of every category variable the file carries."""
    if path.suffix == ".csv":
        df = pd.read_csv(path, dtype=str).apply(pd.to_numeric, errors="coerce")
    elif path.suffix == ".sav":
        df, _ = pyreadstat.read_sav(str(path))
    else:
        df, _ = pyreadstat.read_dta(str(path))
    groups = {g["variable"]: g["groups"] for g in codebook.get("disclosure", {}).get("generalize", [])}
    cats = {
        v["name"]: {c["code"]: c["key"] for c in groups.get(v["name"], v.get("categories", []))}
        for v in codebook["variables"]
        if v["role"] == "category" and v["name"] in df.columns
    }
    out = {}
    for var in codebook["variables"]:
        if var["role"] != "rating" or var["name"] not in df.columns:
            continue
        scale = codebook["scales"][var["scale"]]
        code_key = {c["code"]: c["key"] for c in scale["levels"]}
        answers = df[var["name"]].map(code_key)
        valid = answers.notna()
        top = answers.isin(scale["top_box"])
        item = var["name"]
        for key in code_key.values():
            out[("level", instrument, item, key)] = int((answers == key).sum())
        out[("valid", instrument, item)] = int(valid.sum())
        out[("top", instrument, item)] = int(top.sum())
        for name, mapping in cats.items():
            category = df[name].map(mapping)
            for key in mapping.values():
                here = category == key
                out[("by_valid", instrument, item, name, key)] = int((valid & here).sum())
                out[("by_top", instrument, item, name, key)] = int((top & here).sum())
    return out


def equations(truth: dict, codebooks: dict[str, dict]) -> list[tuple[tuple, list[tuple]]]:
    """(total, parts): published totals and the cells that add up to them."""
    eqs = []
    items = sorted({c[1:3] for c in truth if c[0] == "valid"})
    for inst, item in items:
        cb = codebooks[inst]
        var = next(v for v in cb["variables"] if v["name"] == item)
        scale = cb["scales"][var["scale"]]
        levels = [("level", inst, item, c["key"]) for c in scale["levels"]]
        top = [c for c in levels if c[3] in scale["top_box"]]
        eqs.append((("valid", inst, item), levels))
        eqs.append((("top", inst, item), top))
        by_vars = sorted({c[3] for c in truth if c[0] == "by_valid" and c[1:3] == (inst, item)})
        for by in by_vars:
            keys = sorted({c[4] for c in truth if c[0] == "by_valid" and c[1:4] == (inst, item, by)})
            withheld = ("by_withheld", inst, item, by)
            if withheld in truth:  # answers in no category: the sums are of the answers in one
                eqs.append((("valid", inst, item), [("by_valid", inst, item, by, k) for k in keys] + [withheld]))
            else:
                eqs.append((("valid", inst, item), [("by_valid", inst, item, by, k) for k in keys]))
                eqs.append((("top", inst, item), [("by_top", inst, item, by, k) for k in keys]))
            groups = {g["variable"]: g["groups"] for g in cb.get("disclosure", {}).get("generalize", [])}.get(by)
            if groups and set(keys) <= {m for g in groups for m in g["members"]}:
                # the table splits what the microdata publish only as groups
                for g in groups:
                    for stat in ("by_valid", "by_top"):
                        eqs.append(
                            (
                                (stat, inst, item, by, ("group", g["key"])),
                                [(stat, inst, item, by, m) for m in g["members"]],
                            )
                        )
    return eqs


def recover(truth: dict, withheld: set, counted: dict, codebooks: dict[str, dict]) -> dict:
    """The withheld cells an outsider works out from shown values and counted microdata."""
    known = {c: v for c, v in truth.items() if c not in withheld}
    grouped = {c[3] for c in truth if c[0] == "by_valid" and isinstance(c[4], str)}
    for c, v in counted.items():
        if c[0] in ("by_valid", "by_top") and c[3] in grouped and (c[:4] + (c[4],)) not in truth:
            c = c[:4] + (("group", c[4]),)  # a group of the microdata, which the tables split
        if c in truth and v != truth[c]:
            raise AssertionError(
                f"the published microdata count {v} for {c}, documents {truth[c]}: the release disagrees with itself"
            )
        known[c] = v
    eqs = equations(truth, codebooks)
    changed = True
    while changed:
        changed = False
        for total, parts in eqs:
            cells_ = [total, *parts]
            unknown = [c for c in cells_ if c not in known]
            if len(unknown) != 1:
                continue
            (u,) = unknown
            rest = sum(known[p] for p in parts if p != u)
            known[u] = rest if u == total else known[total] - rest
            if u in truth and known[u] != truth[u]:
                raise AssertionError(f"{u} worked out as {known[u]}, but it is {truth[u]}: the equations are wrong")
            changed = True
    return {c: known[c] for c in withheld if c in known}
