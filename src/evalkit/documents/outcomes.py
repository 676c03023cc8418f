"""The outcomes of the content registry as documents show them: each outcome's period in words of
the language ('2022–2024', 'Since 2019', 'Desde 2019', '2023', 'October 2022'), its places as a
natural list ('Coahuila, Morelos, and San Luis Potosí' / 'Coahuila, Morelos y San Luis Potosí'),
and the outcomes table by category, a fragment documents include instead of typing the table.
Every text comes from the registry; text from the registry is escaped, never markup."""

from __future__ import annotations

from babel.lists import format_list

from evalkit.content.registry import Registry
from evalkit.core.i18n import babel_locale, translator
from evalkit.documents.fragments import as_of, md_table, md_text


def _para(text: str) -> str:
    return " ".join(text.split())


def _point(x) -> str:
    """A year (2019, '2019') as it is, a month ('2024-04') in words of the language (as_of, Babel)."""
    return str(x)


def period_text(period: dict | None, lang: str, when: str | None = None) -> str:
    """An outcome's period in one language: {year: 2023} -> '2023'; {from: 2022, to: 2024} ->
    '2022–2024'; {since: 2019} -> 'Since 2019' / 'Desde 2019'; months (YYYY-MM) in words. Without
    a period, the single month `when` (YYYY-MM or YYYY-MM-DD) of a harvested outcome; '' for none."""
    _ = translator(lang)
    if not period:
        return as_of(str(when)[:7], lang) if when else ""
    if "year" in period:
        return as_of(_point(period["year"]), lang)
    if "since" in period:
        return _("Since {start}", start=as_of(_point(period["since"]), lang))
    start, end = as_of(_point(period["from"]), lang), as_of(_point(period["to"]), lang)
    return start if start == end else _("{start}\u2013{end}", start=start, end=end)


def place_names(reg: Registry, places: list, lang: str) -> list[str]:
    """The names of an outcome's places: a key of the registry's `places`, or a text of its own."""
    known = {p["id"]: p["name"] for p in reg.data.get("places", [])}
    return [_para((known[p] if isinstance(p, str) else p)[lang]) for p in places or []]


def places_text(reg: Registry, o: dict, lang: str) -> str:
    """An outcome's places as a natural list of the language (Babel's format_list); a harvested
    outcome without `places` gives its single `where`."""
    names = place_names(reg, o.get("places", []), lang)
    if not names and o.get("where"):
        names = [_para(o["where"][lang])]
    return format_list(names, locale=babel_locale(lang)) if names else ""


def outcome_projects(o: dict) -> list[str]:
    """The projects an outcome comes from: its `projects`, or the single `project` of a harvested
    outcome."""
    return list(o.get("projects") or ([o["project"]] if o.get("project") else []))


def outcomes_table(reg: Registry, lang: str) -> str:
    """The outcomes by category as a captioned pipe table: a group row per category (in the order
    of the registry's `outcome_categories`; outcomes without a category last, under 'Other
    outcomes' when there are categories), then one row per outcome: outcome | period | places |
    projects. '' when the registry has no outcomes."""
    _ = translator(lang)
    outcomes = reg.data.get("outcomes", [])
    if not outcomes:
        return ""
    projects = {p["id"]: p for p in reg.data.get("projects", [])}
    categories = reg.data.get("outcome_categories", [])
    groups = [(c["name"][lang], [o for o in outcomes if o.get("category") == c["id"]]) for c in categories]
    rest = [o for o in outcomes if not o.get("category")]
    if rest:
        groups.append((_("Other outcomes") if categories else "", rest))
    dash = "\u2013"
    rows = []
    for name, items in groups:
        if not items:
            continue
        if name:
            rows.append([f"**{md_text(_para(name))}**", "", "", ""])
        for o in items:
            text = _para(o.get("title", o["what"])[lang])
            names = [_para(projects[p].get("short", projects[p]["name"])[lang]) if p in projects else p
                     for p in outcome_projects(o)]
            rows.append([md_text(text), md_text(period_text(o.get("period"), lang, o.get("when"))) or dash,
                         md_text(places_text(reg, o, lang)) or dash,
                         md_text(format_list(names, locale=babel_locale(lang))) if names else dash])
    return md_table([_("Outcome"), _("Period"), _("Places"), _("Projects")], rows,
                    _("Outcomes by category: period, places and projects"), "tbl-outcomes", first_width=40,
                    text_columns=4)
