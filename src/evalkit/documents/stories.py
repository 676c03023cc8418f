"""The Most Significant Change stories of the content registry as documents show them (the
generated fragment stories.md): each story a titled call-out (a div of class `story-box`: a tinted
box in HTML and PDF, plain blocks in Word) with who changed, what, when and where, why it was found
significant, its ripple effects, those most at risk it reached, the outcomes of the registry it
tells, the contributing projects and, with a story_rankings instrument, one sentence on its
selection.

With a published story_rankings instrument the stories follow its ranking (the position values,
``<rankings>.story.<story>.position``); otherwise the registry's order. Every number is a display
form of values.json; text from the registry is escaped, never markup."""

from __future__ import annotations

from babel.lists import format_list

from evalkit.content.registry import Registry
from evalkit.core.i18n import babel_locale, translator
from evalkit.documents.evidence import outcome_label
from evalkit.documents.fragments import md_text
from evalkit.documents.outcomes import period_text, places_text
from evalkit.values import ids
from evalkit.values.store import lookup


def _text(text: str) -> str:
    """Registry text as literal text: spacing normalised, every Markdown character escaped."""
    return md_text(" ".join(text.split()))


def ranked_order(reg: Registry, values_doc: dict, rankings: str | None) -> list[dict]:
    """The stories in ranking order (their position values; a story without one after the ranked
    ones, in registry order), or in registry order without a rankings instrument."""
    stories = list(reg.data.get("stories") or [])
    if not rankings:
        return stories
    values = values_doc["values"]

    def position(s: dict) -> float:
        v = values.get(ids.story(rankings, s["id"], "position"))
        return float(v["value"]) if v else float("inf")

    return sorted(stories, key=position)  # stable: ties (none ranked) keep the registry's order


def selection_sentence(values_doc: dict, rankings: str, story_id: str, lang: str) -> str:
    """'Ranked first on 3 of 12 forms; mean rank 1.75 (position 1 of 4).', every number from values.json;
    '' when the story has no ranking values."""
    _ = translator(lang)
    vid = ids.story(rankings, story_id, "position")
    if vid not in values_doc["values"]:
        return ""

    def v(stat: str) -> str:
        return lookup(values_doc, ids.story(rankings, story_id, stat), lang)

    fields = {"first": v("first"), "forms": v("forms"), "mean": v("mean_rank"), "position": v("position"),
              "stories": lookup(values_doc, ids.value_id(rankings, "stories"), lang)}
    if values_doc["values"][ids.story(rankings, story_id, "forms")]["value"] == 1:
        return _("Ranked first on {first} of {forms} form; mean rank {mean} (position {position} of {stories}).",
                 **fields)
    return _("Ranked first on {first} of {forms} forms; mean rank {mean} (position {position} of {stories}).",
             **fields)


def story_block(reg: Registry, story: dict, values_doc: dict, lang: str, rankings: str | None = None,
                level: int = 2) -> str:
    """One story as a titled call-out; its heading at `level` (2: a section under a chapter)."""
    _ = translator(lang)
    projects = {p["id"]: p for p in reg.data.get("projects", [])}
    categories = {c["id"]: c for c in reg.data.get("outcome_categories", [])}

    def field(label: str, text: str) -> str:
        return f"**{label}:** {text}"

    parts = [f"{'#' * level} {_text(story['title'][lang])} {{#story-{story['id']}}}"]
    if story.get("category") in categories:
        parts.append(field(_("Kind of change"), _text(categories[story["category"]]["name"][lang])))
    parts.append(field(_("Who changed"), _text(story["who"][lang])))
    parts.append(field(_("What changed"), _text(story["what"][lang])))
    setting = []
    when = period_text(story.get("period"), lang)
    if when:
        setting.append(field(_("When"), md_text(when)) + ".")
    where = places_text(reg, story, lang)
    if where:
        setting.append(field(_("Where"), md_text(where)) + ".")
    if setting:
        parts.append(" ".join(setting))
    parts.append(field(_("Why it is significant"), _text(story["significance"][lang])))
    if story.get("ripple_effects"):
        parts.append(field(_("Ripple effects"), _text(story["ripple_effects"][lang])))
    if story.get("at_risk"):
        parts.append(field(_("Those most at risk it reached"), _text(story["at_risk"][lang])))
    outcomes = reg.by_id("outcomes") if reg.data.get("outcomes") else {}
    told = [outcome_label(reg, outcomes[o], lang) for o in story.get("outcomes") or [] if o in outcomes]
    if told:
        parts.append(field(_("Related outcomes"), "; ".join(told)) + ".")
    names = [" ".join(projects[p]["name"][lang].split()) if p in projects else p for p in story["projects"]]
    label = _("Contributing project") if len(names) == 1 else _("Contributing projects")
    parts.append(field(label, md_text(format_list(names, locale=babel_locale(lang)))) + ".")
    if rankings:
        sentence = selection_sentence(values_doc, rankings, story["id"], lang)
        if sentence:
            parts.append(sentence)
    return "::: {.story-box}\n" + "\n\n".join(parts) + "\n:::\n"


def stories_fragment(reg: Registry, values_doc: dict, lang: str, rankings: str | None = None,
                     level: int = 2) -> str:
    """Every story of the registry as a call-out, in ranking order (`rankings`: the id of a published
    story_rankings instrument), introduced by the numbers of the selection; '' without stories."""
    _ = translator(lang)
    stories = ranked_order(reg, values_doc, rankings)
    if not stories:
        return ""
    out = []
    if rankings and ids.value_id(rankings, "forms") in values_doc["values"]:
        def v(name: str) -> str:
            return lookup(values_doc, ids.value_id(rankings, name), lang)

        # counts as "label: number", so that one of them (a single discussion) reads as well as many
        out.append(_("The selection of the stories (rank 1 is the most significant): stories ranked: {stories}; "
                     "ranking forms: {forms}; facilitated discussions: {sessions}. The stories follow in the order "
                     "of their mean rank.", sessions=v("sessions"), stories=v("stories"), forms=v("forms")) + "\n")
    out += [story_block(reg, s, values_doc, lang, rankings, level) for s in stories]
    return "\n".join(out)
