"""Most Significant Change selection: one row per story ranked by one participant of a facilitated
validation-and-ranking discussion (evalkit.analysis.stories). The registry's stories must be the
ranked stories; documents show the stories in ranking order (evalkit.documents.stories)."""

from __future__ import annotations

from evalkit.core.errors import DataError
from evalkit.core.i18n import translator
from evalkit.families import Family
from evalkit.families.jobs import AnalysisJob, NamesJob, ReferencesJob
from evalkit.values import ids


def analyze(job: AnalysisJob) -> None:
    """The per-story table ``<iid>-stories`` and the values; refuses bad ranks and stories ranked twice."""
    from evalkit.analysis.stories import add_story_values, ranking_problems, story_ranking

    problems = ranking_problems(job.data)
    if problems:
        raise DataError(f"{job.source['file']} (clean table of {job.id})", problems[:20])
    table = story_ranking(job.data, job.codebook.category_keys("story"))
    add_story_values(job.store, job.id, table, job.data, job.source)
    job.write_table(table, "stories")


def references(job: ReferencesJob) -> None:
    """The stories the instrument ranks: the registry's stories must be exactly these."""
    ranked = {str(s).strip() for s in job.clean()["story"]} - {""}
    job.refs.ranked_stories = {**(job.refs.ranked_stories or {}), job.id: ranked}


def value_names(job: NamesJob) -> dict[str, str]:
    """The counts of the selection, and each story's values named by the label of its category in the
    codebook."""
    _ = translator(job.lang)
    stats = {"forms": _("forms that ranked it"), "first": _("times ranked first"),
             "first_share": _("share of its forms that ranked it first"), "mean_rank": _("mean rank"),
             "position": _("position in the ranking")}
    names = {ids.value_id(job.id, "forms"): _("Ranking forms"),
             ids.value_id(job.id, "sessions"): _("Facilitated ranking discussions"),
             ids.value_id(job.id, "stories"): _("Stories ranked")}
    for c in job.codebook.variable("story").get("categories", []):
        for stat, what in stats.items():
            names[ids.story(job.id, c["key"], stat)] = f"{c['label'][job.lang]} ({what})"
    return names


FAMILY = Family("story_rankings", tables=("stories",), analyze=analyze, references=references,
                value_names=value_names)
