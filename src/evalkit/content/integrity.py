"""Integrity checks on the content registry.

`check_registry` lists every violation with its location (file, kind, id, field): duplicate ids,
references that do not resolve, values outside the controlled lists, recommendations without
findings or addressees, findings without leverage points and without a reason, quotations not
traced to a coded segment of their stakeholder type and finding, cases whose findings, evidence or
sources (coded segments, outcome journal entries) do not resolve, tables of texts after unknown
findings, stories and project contributions whose references do not resolve (evalkit.content.stories),
missing languages, and typed numbers in texts (section, finding, figure and table numbers
are generated from the order of the registry, never typed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evalkit.content.stories import check_contributions, check_stories
from evalkit.core.markup import bilingual_texts, markup_problem
from evalkit.model.evaluation import check_languages

TEAM_PRIORITY = "evaluation_team"
DIGIT = re.compile(r"\d")


@dataclass
class References:
    """What the registry may point at outside itself (from the build)."""

    value_ids: set[str] | None = None          # results/values.json
    stakeholders: set[str] | None = None       # stakeholder category keys
    projects: set[str] | None = None           # project keys of the monitoring codebook
    segment_codes: set[str] | None = None      # codes used in the coded segments
    segments: dict[str, dict] | None = None    # coded segment id -> {"stakeholder": key, "code": finding id}
    journal_entries: set[str] | None = None    # ids of the outcome journal
    priority_items: set[str] | None = None     # rating items of the workshop forms
    ranked_stories: dict[str, set[str]] | None = None  # story_rankings instrument -> the story keys it ranks


def check_registry(data: dict, tosc: dict, languages: list[str], refs: References) -> list[str]:
    """Every integrity violation of a registry, each naming where it is and what was expected."""
    problems: list[str] = []
    add = problems.append

    def ids_of(kind: str) -> list[str]:
        return [x.get("id") for x in data.get(kind, [])]

    # unique ids, per kind and for nested kinds across the registry
    for kind in ("acronyms", "addressees", "criteria", "themes", "findings", "good_practices", "recommendations",
                 "key_figures", "actor_groups", "projects", "outcomes", "learning_questions", "cases", "tables",
                 "outcome_categories", "places", "disaggregations", "stories", "priorities"):
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

    def check_statements(where: str, items: list, alone: bool = False) -> None:
        """Statements resting on findings; with `alone` (lessons) a statement may rest on none, but
        an empty list of findings is still refused (leave the key out instead)."""
        ids = [x.get("id") for x in items]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            add(f"{where}: id '{dup}' is used {ids.count(dup)} times; expected unique ids")
        for x in items:
            if alone and "findings" not in x:
                continue
            if not x.get("findings"):
                add(f"{where}[{x['id']}].findings: empty; expected at least one finding it rests on")
            refs_to(f"{where}[{x['id']}]", "findings", x.get("findings"), findings, "a finding")

    def check_quote(where: str, q: dict, finding: str, which: str = "this finding") -> None:
        """A quotation traced to its coded segment: same stakeholder type, coded with `finding`."""
        if refs.stakeholders is not None and q["stakeholder"] not in refs.stakeholders:
            add(f"{where}.stakeholder: '{q['stakeholder']}' is not a stakeholder type "
                f"(types: {', '.join(sorted(refs.stakeholders))})")
        if refs.segments is None:
            return
        seg = refs.segments.get(q.get("segment"))
        if seg is None:
            add(f"{where}.segment: '{q.get('segment')}' is not a coded segment; expected the id of the "
                f"segment the quotation comes from")
            return
        if seg["stakeholder"] != q["stakeholder"]:
            add(f"{where}.stakeholder: '{q['stakeholder']}', but segment {q['segment']} is from "
                f"'{seg['stakeholder']}'; expected the segment's stakeholder type")
        if seg["code"] != finding:
            add(f"{where}.segment: segment {q['segment']} is coded '{seg['code']}', not {which}; "
                f"expected a segment that supports the finding the quotation illustrates")

    def check_value_ids(where: str, ids) -> None:
        if refs.value_ids is not None:
            for v in ids or []:
                if v not in refs.value_ids:
                    add(f"{where}: '{v}' is not a value id of results/values.json")

    def check_evidence(where: str, ev: dict) -> None:
        refs_to(where, "evidence.outcomes", ev.get("outcomes"), outcomes, "an outcome")
        refs_to(where, "evidence.projects", ev.get("projects"), projects, "a project")
        if refs.value_ids is not None:
            for v in ev.get("values", []):
                if v not in refs.value_ids:
                    add(f"{where}.evidence.values: '{v}' is not a value id of results/values.json")

    for c in data.get("criteria", []):
        for q in c.get("questions", []):
            refs_to(f"criteria[{c['id']}].questions[{q['id']}]", "themes", q.get("themes"), themes, "a theme")
    for t in data.get("themes", []):
        for s in t.get("sections", []):
            refs_to(
                f"themes[{t['id']}].sections[{s['id']}]",
                "answers",
                s.get("answers"),
                set(qids),
                "an evaluation question",
            )
    actors = set(ids_of("actor_groups"))
    for p in data.get("projects", []):
        refs_to(f"projects[{p['id']}]", "serves", p.get("serves"), actors, "an actor group")
    toc = data.get("theory_of_change") or {}
    for d in toc.get("domains", []):
        refs_to("theory_of_change.domains", "domain", [d["domain"]], set(domains), "a TOsC domain")
        refs_to(f"theory_of_change.domains[{d['domain']}]", "actors", d.get("actors"), actors, "an actor group")
    refs_to("theory_of_change.loop", "steps", (toc.get("loop") or {}).get("steps"), set(domains), "a TOsC domain")
    for k in data.get("key_figures", []):
        for i, item in enumerate(k.get("items", [])):
            if refs.value_ids is not None and item["value"] not in refs.value_ids:
                add(
                    f"key_figures[{k['id']}].items[{i}].value: '{item['value']}' is not a value id of "
                    "results/values.json"
                )
    # leverage points are tied to TOsC domains: without a TOsC an evaluation identifies none
    leverage = data.get("identifies_leverage_points", bool(domains))
    if leverage and not domains:
        add("identifies_leverage_points: true, but the evaluation has no Theory of Sustained Change; expected "
            "analysis.tosc in evaluation.yaml (the domains leverage points name), or identifies_leverage_points: false")
    for f in data.get("findings", []):
        where = f"findings[{f['id']}]"
        refs_to(where, "theme", [f.get("theme")], themes, "a theme")
        check_evidence(where, f.get("evidence", {}))
        if not leverage:
            for field in ("leverage_points", "no_leverage_point"):
                if f.get(field):
                    add(
                        f"{where}.{field}: the registry says identifies_leverage_points: false; expected no "
                        f"{field} (or set identifies_leverage_points: true)"
                        if domains else f"{where}.{field}: the evaluation has no Theory of Sustained Change "
                        f"(analysis.tosc), so it identifies no leverage points; expected no {field}"
                    )
        elif not f.get("leverage_points") and not f.get("no_leverage_point"):
            add(f"{where}: no leverage point and no `no_leverage_point` reason; expected at least one or the reason")
        for lp in f.get("leverage_points", []):
            for d in lp.get("domains", []):
                if d not in domains:
                    add(
                        f"{where}.leverage_points[{lp['id']}].domains: '{d}' is not a TOsC domain "
                        f"(domains: {', '.join(domains)})"
                    )
        if f.get("quote"):
            check_quote(f"{where}.quote", f["quote"], f["id"])
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
            add(
                f"{where}.priority: '{prio}' is neither a rated item of the workshop forms nor '{TEAM_PRIORITY}' "
                f"(items: {', '.join(sorted(refs.priority_items))})"
            )
    prios = [r.get("priority") for r in data.get("recommendations", []) if r.get("priority") != TEAM_PRIORITY]
    for dup in sorted({p for p in prios if prios.count(p) > 1}):
        add(f"recommendations: priority item '{dup}' is given to {prios.count(dup)} recommendations; expected one")
    if refs.projects is not None:
        for p in data.get("projects", []):
            if p["id"] not in refs.projects:
                add(
                    f"projects[{p['id']}].id: not a project of the monitoring codebook "
                    f"(projects: {', '.join(sorted(refs.projects))})"
                )
    categories = set(ids_of("outcome_categories"))
    places = set(ids_of("places"))
    for o in data.get("outcomes", []):
        where = f"outcomes[{o['id']}]"
        if o.get("project") is not None:
            refs_to(where, "project", [o["project"]], projects, "a project")
        elif not o.get("projects"):
            add(f"{where}: no project; expected project (a harvested outcome) or projects (the contributing projects)")
        if o.get("project") is not None and o.get("projects"):
            add(f"{where}: both project and projects; give the contributing projects in projects only")
        refs_to(where, "projects", o.get("projects"), projects, "a project")
        if o.get("category") is not None:
            refs_to(where, "category", [o["category"]], categories, "an outcome category (outcome_categories)")
        refs_to(where, "places", [p for p in o.get("places", []) if isinstance(p, str)], places, "a place (places)")
        if o.get("when") and o.get("period"):
            add(f"{where}: both when and period; give one")
        period = o.get("period") or {}
        if "from" in period and str(period["from"]) > str(period["to"]):
            add(f"{where}.period: from {period['from']} is after to {period['to']}; expected from before to")
        check_evidence(where, o.get("evidence", {}))
        if (
            refs.journal_entries is not None
            and o.get("journal_entry")
            and o["journal_entry"] not in refs.journal_entries
        ):
            add(f"{where}.journal_entry: '{o['journal_entry']}' is not an entry of the outcome journal")
    for c in data.get("cases", []):
        where = f"cases[{c['id']}]"
        if not c.get("findings"):
            add(f"{where}.findings: empty; expected at least one finding the case supports")
        refs_to(where, "findings", c.get("findings"), findings, "a finding")
        check_evidence(where, c.get("evidence", {}))
        src = c.get("sources") or {}
        if not src.get("segments") and not src.get("journal_entries"):
            add(f"{where}.sources: none; expected coded segments or outcome journal entries the case comes from")
        if refs.segments is not None:
            for sid in src.get("segments", []):
                seg = refs.segments.get(sid)
                if seg is None:
                    add(
                        f"{where}.sources.segments: '{sid}' is not a coded segment; expected the id of a segment "
                        f"the case comes from"
                    )
                elif seg["code"] not in c.get("findings", []):
                    add(
                        f"{where}.sources.segments: segment {sid} is coded '{seg['code']}', not a finding of the "
                        f"case; expected a segment coded with one of the findings it supports"
                    )
        if refs.journal_entries is not None:
            for e in src.get("journal_entries", []):
                if e not in refs.journal_entries:
                    add(f"{where}.sources.journal_entries: '{e}' is not an entry of the outcome journal")
        when = c.get("when")
        if when:
            months = when.split("/")
            if any(not 1 <= int(m[5:7]) <= 12 for m in months):
                add(f"{where}.when: '{when}' has no such month; expected YYYY-MM or YYYY-MM/YYYY-MM")
            elif len(months) == 2 and months[0] >= months[1]:
                add(f"{where}.when: '{when}' ends before it starts; expected the earlier month first")
    for t in data.get("tables", []):
        where = f"tables[{t['id']}]"
        refs_to(where, "finding", [t.get("finding")], findings, "a finding")
        cols = [col["id"] for col in t.get("columns", [])]
        for dup in sorted({i for i in cols if cols.count(i) > 1}):
            add(f"{where}.columns: id '{dup}' is used {cols.count(dup)} times; expected unique ids")
        rows = [r["id"] for r in t.get("rows", [])]
        for dup in sorted({i for i in rows if rows.count(i) > 1}):
            add(f"{where}.rows: id '{dup}' is used {rows.count(dup)} times; expected unique ids")
        for r in t.get("rows", []):
            refs_to(f"{where}.rows[{r['id']}]", "cells", list(r.get("cells", {})), set(cols), "a column of the table")
            if refs.value_ids is not None:
                for v in r.get("values", []):
                    if v not in refs.value_ids:
                        add(f"{where}.rows[{r['id']}].values: '{v}' is not a value id of results/values.json")
    for lq in data.get("learning_questions", []):
        where = f"learning_questions[{lq['id']}]"
        refs_to(where, "themes", lq.get("themes"), themes, "a theme")
        for field in ("insights", "lessons", "donor_levers"):
            check_statements(f"{where}.{field}", lq.get(field, []), alone=field == "lessons")
        check_value_ids(f"{where}.context", lq.get("context"))
        own = {f["id"] for f in data.get("findings", []) if f.get("theme") in (lq.get("themes") or [])}
        for field in ("quotes", "spotlights"):
            ids = [x.get("id") for x in lq.get(field, [])]
            for dup in sorted({i for i in ids if ids.count(i) > 1}):
                add(f"{where}.{field}: id '{dup}' is used {ids.count(dup)} times; expected unique ids")
        for q in lq.get("quotes", []):
            qwhere = f"{where}.quotes[{q['id']}]"
            if q["finding"] not in own:
                add(
                    f"{qwhere}.finding: '{q['finding']}' is not a finding of the question's themes "
                    f"(findings: {', '.join(sorted(own)) or 'none'})"
                )
            check_quote(qwhere, q, q["finding"], f"its finding '{q['finding']}'")
        for sp in lq.get("spotlights", []):
            swhere = f"{where}.spotlights[{sp['id']}]"
            refs_to(swhere, "project", [sp.get("project")], projects, "a project")
            refs_to(swhere, "outcomes", sp.get("outcomes"), outcomes, "an outcome")
            by_id = {o["id"]: o for o in data.get("outcomes", [])}
            for oid in sp.get("outcomes") or []:
                lacks = [k for k in ("who", "when", "where", "contribution") if oid in by_id and not by_id[oid].get(k)]
                if lacks:
                    add(f"{swhere}.outcomes: '{oid}' has no {', '.join(lacks)}; a spotlight tells harvested outcomes "
                        f"(who, when, where, contribution)")
            check_value_ids(f"{swhere}.values", sp.get("values"))
    check_statements("conclusions", data.get("conclusions", []))
    check_statements("lessons", data.get("lessons", []), alone=True)
    short = {}
    for a in data.get("acronyms", []):
        for lang, text in (a.get("short") or {}).items():
            if text in short.setdefault(lang, {}):
                add(
                    f"acronyms[{a['id']}].short.{lang}: '{text}' is also the short form of {short[lang][text]}; "
                    f"expected each acronym once"
                )
            short[lang][text] = a["id"]
    if refs.segment_codes is not None:
        for code in sorted(refs.segment_codes - findings):
            add(f"findings: the coded segments use code '{code}', which is not a finding id")

    problems += check_ratings(data.get("performance_ratings"))
    problems += check_stories(data, refs.ranked_stories) + check_contributions(data)

    # every configured language; no typed numbers in texts
    lang_problems: list[str] = []
    check_languages(data, languages, "", lang_problems)
    problems += lang_problems
    for where, text in _texts(data, ""):
        unsafe = markup_problem(text)
        if unsafe:
            add(f"{where}: {unsafe}")
        m = DIGIT.search(text)
        if m:
            start = max(0, m.start() - 25)
            add(
                f"{where}: typed number in the text ('…{text[start : m.end() + 25]}…'); section, finding, figure and "
                f"table numbers are generated, and other numbers come from values.json: cite the figure in "
                f"the entry's evidence.values (or a table row's values), which documents show with it, and "
                f"write years and periods in the registry's date fields (period, when)"
            )
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
            problems.append(
                f"performance_ratings.{part}: id '{dup}' is used {ids.count(dup)} times; expected unique ids"
            )
    levels = [x["id"] for x in ratings["scale"]]
    criteria = [x["id"] for x in ratings["criteria"]]
    for o in ratings["outcomes"]:
        where = f"performance_ratings.outcomes[{o['id']}].ratings"
        given = o.get("ratings", {})
        for c in criteria:
            if c not in given:
                problems.append(
                    f"{where}: no rating for criterion '{c}'; expected one of the scale levels ({', '.join(levels)})"
                )
        for c, level in given.items():
            if c not in criteria:
                problems.append(
                    f"{where}.{c}: '{c}' is not a criterion of performance_ratings.criteria "
                    f"(criteria: {', '.join(criteria)})"
                )
            elif level not in levels:
                problems.append(
                    f"{where}.{c}: '{level}' is not a level of performance_ratings.scale (levels: {', '.join(levels)})"
                )
    return problems


def _texts(obj, where: str):
    """(location, text) of every bilingual text, list items named by their id."""
    return bilingual_texts(obj, where, labels=("id",))
