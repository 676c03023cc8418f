"""The evaluation's content registry: its argument as data, and the integrity checks on it.

Evidence supports findings, findings carry leverage points tied to TOsC domains, recommendations
rest on findings and are addressed to named parties. `check_registry` lists every violation with
its location (file, kind, id, field): duplicate ids, references that do not resolve, values outside
the controlled lists, recommendations without findings or addressees, findings without leverage
points and without a reason, missing languages, and typed numbers in texts (section, finding,
figure and table numbers are generated from the order of the registry, never typed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .config import load_schema, load_yaml, validate
from .errors import ConfigError
from .io import display_path
from .evaluation import LANGUAGE_TAG, check_languages

TEAM_PRIORITY = "evaluation_team"
# Kinds an evaluation may leave out of its registry (read as empty lists).
OPTIONAL_KINDS = ("good_practices", "projects", "outcomes", "learning_questions")
DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Registry:
    source: str
    data: dict
    tosc: dict

    def by_id(self, kind: str) -> dict[str, dict]:
        return {x["id"]: x for x in self.data[kind]}

    def theme_number(self, theme_id: str) -> int:
        return [t["id"] for t in self.data["themes"]].index(theme_id) + 1

    def finding_numbers(self) -> dict[str, str]:
        """'<theme number>.<position within the theme>' for every finding, from the registry's order."""
        out, count = {}, {}
        for f in self.data["findings"]:
            t = self.theme_number(f["theme"])
            count[t] = count.get(t, 0) + 1
            out[f["id"]] = f"{t}.{count[t]}"
        return out

    def recommendation_numbers(self) -> dict[str, int]:
        return {r["id"]: i + 1 for i, r in enumerate(self.data["recommendations"])}

    def domain_numbers(self) -> dict[str, int]:
        return {d["key"]: i + 1 for i, d in enumerate(self.tosc["domains"])}

    def leverage_points(self):
        """(finding, leverage point) pairs in registry order."""
        for f in self.data["findings"]:
            for lp in f.get("leverage_points", []):
                yield f, lp


@dataclass
class References:
    """What the registry may point at outside itself (from the build)."""

    value_ids: set[str] | None = None          # results/values.json
    stakeholders: set[str] | None = None       # stakeholder category keys
    projects: set[str] | None = None           # project keys of the monitoring codebook
    segment_codes: set[str] | None = None      # codes used in the coded segments
    journal_entries: set[str] | None = None    # ids of the outcome journal
    priority_items: set[str] | None = None     # rating items of the workshop forms


def load_registry(path: str | Path, tosc_path: str | Path, languages: list[str], refs: References | None = None,
                  display_root: str | Path | None = None) -> Registry:
    """Read, validate against workflow/schemas/content.schema.yaml, and check the registry; raise
    ConfigError listing every violation."""
    path, tosc_path = Path(path), Path(tosc_path)
    name = display_path(path, display_root)
    data = load_yaml(path)
    validate(data, load_schema("content.schema.yaml"), name)
    for kind in OPTIONAL_KINDS:
        data.setdefault(kind, [])
    tosc = load_yaml(tosc_path)
    problems = check_registry(data, tosc, languages, refs or References())
    if problems:
        raise ConfigError(name, problems)
    return Registry(name, data, tosc)


def check_registry(data: dict, tosc: dict, languages: list[str], refs: References) -> list[str]:
    """Every integrity violation of a registry, each naming where it is and what was expected."""
    problems: list[str] = []
    add = problems.append

    def ids_of(kind: str) -> list[str]:
        return [x.get("id") for x in data.get(kind, [])]

    # unique ids, per kind and for nested kinds across the registry
    for kind in ("addressees", "criteria", "themes", "findings", "good_practices", "recommendations",
                 "projects", "outcomes", "learning_questions"):
        seen = ids_of(kind)
        for dup in sorted({i for i in seen if seen.count(i) > 1}):
            add(f"{kind}: id '{dup}' is used {seen.count(dup)} times; expected unique ids")
    questions = [(c["id"], q["id"]) for c in data.get("criteria", []) for q in c.get("questions", [])]
    qids = [q for _, q in questions]
    for dup in sorted({q for q in qids if qids.count(q) > 1}):
        add(f"criteria: question id '{dup}' is used {qids.count(dup)} times; expected unique ids")
    lps = [(f["id"], lp["id"]) for f in data.get("findings", []) for lp in f.get("leverage_points", [])]
    lpids = [lp for _, lp in lps]
    for dup in sorted({i for i in lpids if lpids.count(i) > 1}):
        owners = ", ".join(f for f, lp in lps if lp == dup)
        add(f"findings: leverage point id '{dup}' is used {lpids.count(dup)} times (in {owners}); expected unique ids")

    themes = set(ids_of("themes"))
    findings = set(ids_of("findings"))
    addressees = set(ids_of("addressees"))
    projects = set(ids_of("projects"))
    outcomes = set(ids_of("outcomes"))
    lqs = set(ids_of("learning_questions"))
    domains = [d["key"] for d in tosc.get("domains", [])]

    def refs_to(where: str, field: str, values, known: set, what: str) -> None:
        for v in values or []:
            if v not in known:
                add(f"{where}.{field}: '{v}' is not {what} (known: {', '.join(sorted(known)) or 'none'})")

    for c in data.get("criteria", []):
        for q in c.get("questions", []):
            refs_to(f"criteria[{c['id']}].questions[{q['id']}]", "themes", q.get("themes"), themes, "a theme")
    for f in data.get("findings", []):
        where = f"findings[{f['id']}]"
        refs_to(where, "theme", [f.get("theme")], themes, "a theme")
        ev = f.get("evidence", {})
        refs_to(where, "evidence.outcomes", ev.get("outcomes"), outcomes, "an outcome")
        refs_to(where, "evidence.projects", ev.get("projects"), projects, "a project")
        if refs.value_ids is not None:
            for v in ev.get("values", []):
                if v not in refs.value_ids:
                    add(f"{where}.evidence.values: '{v}' is not a value id of results/values.json")
        if data.get("identifies_leverage_points", True) is False:
            for field in ("leverage_points", "no_leverage_point"):
                if f.get(field):
                    add(f"{where}.{field}: the registry says identifies_leverage_points: false; expected no "
                        f"{field} (or set identifies_leverage_points: true)")
        elif not f.get("leverage_points") and not f.get("no_leverage_point"):
            add(f"{where}: no leverage point and no `no_leverage_point` reason; expected at least one or the reason")
        for lp in f.get("leverage_points", []):
            for d in lp.get("domains", []):
                if d not in domains:
                    add(f"{where}.leverage_points[{lp['id']}].domains: '{d}' is not a TOsC domain "
                        f"(domains: {', '.join(domains)})")
        q = f.get("quote")
        if q and refs.stakeholders is not None and q["stakeholder"] not in refs.stakeholders:
            add(f"{where}.quote.stakeholder: '{q['stakeholder']}' is not a stakeholder type "
                f"(types: {', '.join(sorted(refs.stakeholders))})")
    for g in data.get("good_practices", []):
        where = f"good_practices[{g['id']}]"
        if not g.get("findings"):
            add(f"{where}.findings: empty; expected at least one finding")
        refs_to(where, "findings", g.get("findings"), findings, "a finding")
        refs_to(where, "projects", g.get("projects"), projects, "a project")
        refs_to(where, "learning_questions", g.get("learning_questions"), lqs, "a learning question")
    for r in data.get("recommendations", []):
        where = f"recommendations[{r['id']}]"
        if not r.get("findings"):
            add(f"{where}.findings: empty; expected at least one supporting finding")
        if not r.get("addressees"):
            add(f"{where}.addressees: empty; expected at least one addressee")
        refs_to(where, "findings", r.get("findings"), findings, "a finding")
        refs_to(where, "addressees", r.get("addressees"), addressees, "an addressee of the controlled list")
        prio = r.get("priority")
        allowed = (refs.priority_items or set()) | {TEAM_PRIORITY}
        if refs.priority_items is not None and prio not in allowed:
            add(f"{where}.priority: '{prio}' is neither a rated item of the workshop forms nor '{TEAM_PRIORITY}' "
                f"(items: {', '.join(sorted(refs.priority_items))})")
    prios = [r.get("priority") for r in data.get("recommendations", []) if r.get("priority") != TEAM_PRIORITY]
    for dup in sorted({p for p in prios if prios.count(p) > 1}):
        add(f"recommendations: priority item '{dup}' is given to {prios.count(dup)} recommendations; expected one")
    if refs.projects is not None:
        for p in data.get("projects", []):
            if p["id"] not in refs.projects:
                add(f"projects[{p['id']}].id: not a project of the monitoring codebook "
                    f"(projects: {', '.join(sorted(refs.projects))})")
    for o in data.get("outcomes", []):
        where = f"outcomes[{o['id']}]"
        refs_to(where, "project", [o.get("project")], projects, "a project")
        if refs.journal_entries is not None and o.get("journal_entry") and o["journal_entry"] not in refs.journal_entries:
            add(f"{where}.journal_entry: '{o['journal_entry']}' is not an entry of the outcome journal")
    for lq in data.get("learning_questions", []):
        refs_to(f"learning_questions[{lq['id']}]", "themes", lq.get("themes"), themes, "a theme")
    if refs.segment_codes is not None:
        for code in sorted(refs.segment_codes - findings):
            add(f"findings: the coded segments use code '{code}', which is not a finding id")

    problems += check_ratings(data.get("performance_ratings"))

    # every configured language; no typed numbers in texts
    lang_problems: list[str] = []
    check_languages(data, languages, "", lang_problems)
    problems += lang_problems
    for where, text in _texts(data, ""):
        m = DIGIT.search(text)
        if m:
            start = max(0, m.start() - 25)
            add(f"{where}: typed number in the text ('…{text[start:m.end() + 25]}…'); section, finding, figure and "
                f"table numbers are generated, and other numbers come from values.json")
    return problems


def check_ratings(ratings: dict | None) -> list[str]:
    """The performance ratings: unique ids, and every outcome rated once on every criterion with a
    level of the scale."""
    if not ratings:
        return []
    problems: list[str] = []
    for part in ("scale", "criteria", "outcomes"):
        ids = [x["id"] for x in ratings.get(part, [])]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"performance_ratings.{part}: id '{dup}' is used {ids.count(dup)} times; expected unique ids")
    levels = [x["id"] for x in ratings["scale"]]
    criteria = [x["id"] for x in ratings["criteria"]]
    for o in ratings["outcomes"]:
        where = f"performance_ratings.outcomes[{o['id']}].ratings"
        given = o.get("ratings", {})
        for c in criteria:
            if c not in given:
                problems.append(f"{where}: no rating for criterion '{c}'; expected one of the scale levels "
                                f"({', '.join(levels)})")
        for c, level in given.items():
            if c not in criteria:
                problems.append(f"{where}.{c}: '{c}' is not a criterion of performance_ratings.criteria "
                                f"(criteria: {', '.join(criteria)})")
            elif level not in levels:
                problems.append(f"{where}.{c}: '{level}' is not a level of performance_ratings.scale "
                                f"(levels: {', '.join(levels)})")
    return problems


def _texts(obj, where: str):
    """(location, text) of every bilingual text."""
    if isinstance(obj, dict):
        if obj and all(isinstance(k, str) and LANGUAGE_TAG.match(k) for k in obj):
            for lang, text in obj.items():
                if isinstance(text, str):
                    yield f"{where}.{lang}", text
            return
        for k, v in obj.items():
            yield from _texts(v, f"{where}.{k}" if where else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            label = v.get("id", i) if isinstance(v, dict) else i
            yield from _texts(v, f"{where}[{label}]")
