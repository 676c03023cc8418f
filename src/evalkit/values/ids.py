"""Value ids built by one set of functions, so that the analysis that adds a value and the document
code that cites it spell its id the same way. Used so far by the survey values (items, breakdowns),
the desk-review figures, the indicator values, aggregates and TOsC-domain counts, the story
rankings, the counts of the registry's project contributions, the engagement log's breakdowns (by
stakeholder type, by mode and state, the itinerary), the response rate and the workshop forms' item
statistics, the workshop schedule's workshops and the document review's counts by type and
organization, for the analyses that add them and for the families' readable names and the
fragments and briefs that cite them; totals directly under an instrument (``<instrument>.<stat>``,
``<instrument>.<mode>.<stat>``) with ``value_id``. No producer or consumer pastes an id together.

A value id is dotted: the instrument, then what it is about, then the statistic. For example
(e.g.) ``<survey>.<item>.top_box_share``, ``<survey>.<item>.by_<variable>.<key>.top_box_share``,
``<monitoring>.<project>.<indicator slug>.total``, ``<monitoring>.aggregate.<id>.total``,
``<rankings>.story.<story>.mean_rank``."""

from __future__ import annotations


def value_id(instrument: str, *parts: object) -> str:
    """``<instrument>.<part>.<part>…``: any value of an instrument."""
    return ".".join([instrument, *(str(p) for p in parts)])


def item(instrument: str, name: str, *stat: object) -> str:
    """A rated item's value, e.g. ``<instrument>.<item>.top_box_share`` or ``<instrument>.<item>.levels.<key>.n``."""
    return value_id(instrument, name, *stat)


def by_group(instrument: str, name: str, variable: str, *rest: object) -> str:
    """A rated item's value within one group of a category: ``<instrument>.<item>.by_<variable>.<key>.<stat>``
    (or ``…by_<variable>.withheld_n``, the answers withheld from the breakdown)."""
    return value_id(instrument, name, f"by_{variable}", *rest)


def top_box_share(instrument: str, name: str, by: tuple[str, str] | None = None) -> str:
    """The top-box share of an item, overall or (``by=(variable, key)``) within one group."""
    return by_group(instrument, name, by[0], by[1], "top_box_share") if by else item(instrument, name, "top_box_share")


def indicator(instrument: str, project: str, indicator_slug: str, stat: str) -> str:
    """A monitoring indicator's value: ``<instrument>.<project>.<slug of its code>.<stat>``."""
    return value_id(instrument, project, indicator_slug, stat)


def aggregate(instrument: str, aggregate_id: str, stat: str) -> str:
    """An aggregate over projects' indicators: ``<instrument>.aggregate.<id>.<stat>``."""
    return value_id(instrument, "aggregate", aggregate_id, stat)


def domain(instrument: str, domain_key: str, stat: str) -> str:
    """Monitoring indicators under one TOsC outcome domain: ``<instrument>.domain.<domain>.indicators|projects``."""
    return value_id(instrument, "domain", domain_key, stat)


def story(instrument: str, story_id: str, stat: str) -> str:
    """A ranked story's value (story_rankings): ``<instrument>.story.<story>.<stat>`` (forms, first,
    first_share, mean_rank, position)."""
    return value_id(instrument, "story", story_id, stat)


def by_stakeholder(instrument: str, key: str, stat: str) -> str:
    """An engagement log's count or share for one stakeholder type:
    ``<instrument>.by_stakeholder.<key>.<stat>`` (a method key, men, women, participants, activities,
    participant_share)."""
    return value_id(instrument, "by_stakeholder", key, stat)


def mode_state(instrument: str, mode: str, state: str) -> str:
    """An engagement log's activities in one mode and state: ``<instrument>.<mode>.by_state.<state>.activities``."""
    return value_id(instrument, mode, "by_state", state, "activities")


def itinerary(instrument: str, *parts: object) -> str:
    """The fieldwork itinerary (one row per state and mode): ``<instrument>.itinerary.places``,
    ``<instrument>.itinerary.min_cell`` and ``<instrument>.itinerary.<state>.<mode>.<stat>``."""
    return value_id(instrument, "itinerary", *parts)


def documents_by(instrument: str, dimension: str, key: str) -> str:
    """A document-review log's documents of one type or organization:
    ``<instrument>.by_type.<key>`` / ``<instrument>.by_organization.<key>`` (`dimension`: type, organization)."""
    return value_id(instrument, f"by_{dimension}", key)


def workshop(instrument: str, key: str, stat: str) -> str:
    """One validation workshop of a schedule: ``<instrument>.by_workshop.<key>.participants|date``."""
    return value_id(instrument, "by_workshop", key, stat)


def response_rate(survey: str) -> str:
    """A survey's respondents over the people its engagement log counts: ``<survey>.response_rate``."""
    return value_id(survey, "response_rate")


CONTRIBUTIONS = "contributions"


def contribution(priority: str | None = None) -> str:
    """A count of the registry's project contributions (evalkit.documents.contributions):
    ``contributions.projects`` (the projects), ``contributions.priority.<priority>.projects``
    (those contributing to one priority)."""
    return value_id(CONTRIBUTIONS, "priority", priority, "projects") if priority else value_id(CONTRIBUTIONS,
                                                                                                "projects")
