"""The evidence a registry entry cites, as documents show it: a figure by its readable name and
value, a harvested outcome by its title (or who changed), places and period, a project by its
registry name. Every kind of evidence the integrity check accepts is shown; a figure without a
readable name stops the build naming the registry entry (never shown by its id)."""

from __future__ import annotations

import re

from evalkit.content.registry import Registry
from evalkit.core.errors import ConfigError
from evalkit.core.i18n import translator
from evalkit.documents.fragments import md_text
from evalkit.values.store import display, lookup


def _para(text: str) -> str:
    return " ".join(text.split())


def _month(text: str, lang: str) -> str:
    """'YYYY-MM' as a month in words, as values.json writes a month ("April 2024", "abril de 2024")."""
    return display("month", text, lang)


def value_name(vid: str, value_names: dict[str, str], lang: str, where: str, source: str) -> str:
    """What a cited value counts, in one language; a value without a readable name stops the build
    naming the registry entry (a figure is never shown without saying what it is, nor by its id)."""
    if vid not in value_names:
        raise ConfigError(source, [f"{where}: value id '{vid}' has no readable name in {lang}; expected a survey "
                                   f"item, an indicator, a context figure or a count of the document review"])
    return value_names[vid]


def _figures(vids: list[str], values_doc: dict, lang: str, value_names: dict[str, str], where: str,
             source: str) -> list[str]:
    """'name: display' of each value id (value_name)."""
    return [f"{value_name(v, value_names, lang, where, source)}: {lookup(values_doc, v, lang)}" for v in vids]


def outcome_label(reg: Registry, o: dict, lang: str) -> str:
    """An outcome named in a line: its title (or who changed, or what changed), and where and when
    (its places and period, or a harvested outcome's place and month)."""
    from evalkit.documents.outcomes import period_text, places_text

    name = _para((o.get("title") or o.get("who") or o["what"])[lang])
    when = o.get("when")
    setting = [x for x in (places_text(reg, o, lang),
                           period_text(o["period"], lang) if o.get("period") else
                           _month(when[:7], lang) if when else "") if x]
    return md_text(name + (" (" + ", ".join(setting) + ")" if setting else ""))


def evidence_lines(reg: Registry, f: dict, values_doc: dict, lang: str, value_names: dict[str, str]) -> list[str]:
    """Every kind of evidence a finding cites, as the integrity check accepts it: its figures by
    readable name (value_name: a figure without one stops the build naming the finding), the
    harvested outcomes it draws on and the projects whose work it draws on, by their registry names."""
    from babel.lists import format_list

    from evalkit.core.i18n import babel_locale

    _ = translator(lang)
    ev = f.get("evidence", {})
    where = f"findings[{f['id']}].evidence.values"
    lines = []
    figures = _figures(ev.get("values", []), values_doc, lang, value_names, where, reg.source)
    if figures:
        lines.append(_("Evidence: {items}.", items="; ".join(md_text(x) for x in figures)))
    outcomes = reg.by_id("outcomes") if ev.get("outcomes") else {}
    if ev.get("outcomes"):
        items = "; ".join(outcome_label(reg, outcomes[o], lang) for o in ev["outcomes"])
        lines.append(_("Harvested outcome: {items}.", items=items) if len(ev["outcomes"]) == 1 else
                     _("Harvested outcomes: {items}.", items=items))
    if ev.get("projects"):
        projects = reg.by_id("projects")
        names = [md_text(_para(projects[p]["name"][lang])) for p in ev["projects"]]
        lines.append(_("Project: {names}.", names=names[0]) if len(names) == 1 else
                     _("Projects: {names}.", names=format_list(names, locale=babel_locale(lang))))
    return lines


DISAGGREGATED = re.compile(r"^[a-z0-9_]+\.([a-z0-9_]+)\.disaggregated\.([a-z0-9_]+)$")
INDICATOR_COUNT = re.compile(r"^[a-z0-9_]+\.([a-z0-9_]+)\.indicators$")


def registry_value_names(reg: Registry, values_doc: dict, lang: str) -> dict[str, str]:
    """Readable names of the monitoring values that count a project's indicators
    (``<instrument>.<project>.indicators``) and those disaggregated by a dimension
    (``<instrument>.<project>.disaggregated.<dimension>``): the project's registry name and the
    dimension's name in the registry's `disaggregations`. A dimension the registry does not name
    gets no name (value_name then stops the build naming the entry that cites it)."""
    _ = translator(lang)
    projects = {p["id"]: _para(p.get("short", p["name"])[lang]) for p in reg.data.get("projects", [])}
    dims = {d["id"].replace("-", "_"): d["name"][lang] for d in reg.data.get("disaggregations", [])}
    out = {}
    for vid in values_doc["values"]:
        m = DISAGGREGATED.match(vid)
        if m and m.group(1) in projects and m.group(2) in dims:
            out[vid] = _("{project}: indicators disaggregated by {dimension}", project=projects[m.group(1)],
                         dimension=dims[m.group(2)])
        m = INDICATOR_COUNT.match(vid)
        if m and m.group(1) in projects:
            out[vid] = _("{project}: indicators reported", project=projects[m.group(1)])
    return out
