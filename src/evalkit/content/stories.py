"""Integrity checks of the Most Significant Change stories and of the projects' contributions to
priorities (called by evalkit.content.integrity.check_registry, which also checks their texts for
markup and typed numbers and their ids for duplicates).

A story's projects, outcomes, category and places must be entries of the registry; with a
story_rankings instrument in the build, every story of the registry must be ranked by it and every
story it ranks must be a story of the registry. A project's `contributes` must name priorities of
the registry's `priorities`.
"""

from __future__ import annotations


def _unknown(where: str, field: str, values, known: set, what: str) -> list[str]:
    """The problem of each value that is not among `known` (the same words as the other references)."""
    return [f"{where}.{field}: '{v}' is not {what} (known: {', '.join(sorted(known)) or 'none'})"
            for v in values or [] if v not in known]


def _ids(data: dict, kind: str) -> set[str]:
    return {x.get("id") for x in data.get(kind) or []}


def check_stories(data: dict, ranked: dict[str, set[str]] | None) -> list[str]:
    """Every broken reference of a story; with `ranked` (story_rankings instrument -> the story keys
    it ranks), the stories no instrument ranks and the ranked keys the registry lacks."""
    problems: list[str] = []
    stories = data.get("stories") or []
    projects, outcomes = _ids(data, "projects"), _ids(data, "outcomes")
    categories, places = _ids(data, "outcome_categories"), _ids(data, "places")
    for s in stories:
        where = f"stories[{s['id']}]"
        problems += _unknown(where, "projects", s.get("projects"), projects, "a project")
        problems += _unknown(where, "outcomes", s.get("outcomes"), outcomes, "an outcome")
        if s.get("category") is not None:
            problems += _unknown(where, "category", [s["category"]], categories,
                                 "an outcome category (outcome_categories)")
        problems += _unknown(where, "places", [p for p in s.get("places", []) if isinstance(p, str)], places,
                             "a place (places)")
        period = s.get("period") or {}
        if "from" in period and str(period["from"]) > str(period["to"]):
            problems.append(f"{where}.period: from {period['from']} is after to {period['to']}; "
                            f"expected from before to")
    if ranked:
        mine = [s["id"] for s in stories]
        for instrument, keys in sorted(ranked.items()):
            for sid in mine:
                if sid not in keys:
                    problems.append(
                        f"stories[{sid}]: the story_rankings instrument '{instrument}' never ranks it; expected "
                        f"every story of the registry among its ranked stories "
                        f"(ranked: {', '.join(sorted(keys)) or 'none'})")
            for key in sorted(keys - set(mine)):
                problems.append(
                    f"stories: the story_rankings instrument '{instrument}' ranks story '{key}', which is not a "
                    f"story of the registry (stories: {', '.join(mine) or 'none'}); expected a story entry for "
                    f"every ranked story")
    return problems


def check_contributions(data: dict) -> list[str]:
    """Every priority a project says it contributes to is one of the registry's priorities."""
    priorities = _ids(data, "priorities")
    problems: list[str] = []
    for p in data.get("projects") or []:
        problems += _unknown(f"projects[{p['id']}]", "contributes", p.get("contributes"), priorities,
                             "a priority (priorities)")
    return problems
