"""The apparatus of an agency publication, from the evaluation's `publication:` block: the title
block's subtitle and author, the front matter of a report (acknowledgment, the facts of the
evaluation, the funding statement and disclaimer, then the contents) and the publication note at
the end of a brief. Every text is the configuration's, in the document's language; dates are
written in that language (Babel).
"""

from __future__ import annotations

from babel.dates import format_date, format_interval
from babel.lists import format_list

from evalkit.core.errors import EvalkitError
from evalkit.core.i18n import babel_locale, translator
from evalkit.model.evaluation import Evaluation, day_or_month

__all__ = [
    "CONTENTS_ID",
    "check_period",
    "data_collection_period",
    "front_matter",
    "provenance_notice",
    "publication_meta",
    "publication_note",
]

#: The block a report's front matter ends with: where the PDF prints its contents and its lists of
#: tables and figures (evalkit's Lua filter; HTML and Word place their contents themselves).
CONTENTS_ID = "evalkit-contents"


def data_collection_period(period: dict, lang: str) -> str:
    """'November 6, 2023 – February 29, 2024', or 'April – June 2024' when only months are known."""
    locale = babel_locale(lang)
    (start, start_day), (end, end_day) = day_or_month(period["start"]), day_or_month(period["end"])
    if start_day and end_day:
        return f"{format_date(start, format='long', locale=locale)} – {format_date(end, format='long', locale=locale)}"
    return format_interval(start, end, "yMMMM", locale=locale)


def check_period(evaluation: Evaluation, values_doc: dict | None) -> None:
    """The data-collection period the documents print must hold every activity of the evaluation's
    engagement logs (their first and last month, computed from the log): one source, no contradiction."""
    period = (evaluation.data.get("publication") or {}).get("data_collection")
    if not period or not values_doc:
        return
    for ins in evaluation.instruments_of("engagement_log"):
        first = values_doc["values"].get(f"{ins['id']}.first_month", {}).get("value")
        last = values_doc["values"].get(f"{ins['id']}.last_month", {}).get("value")
        if first and last and not (period["start"][:7] <= first and last <= period["end"][:7]):
            raise EvalkitError(
                f"{evaluation.folder / 'evaluation.yaml'}: publication.data_collection: expected a period that "
                f"holds the activities of the engagement log '{ins['id']}' ({first} to {last}), found "
                f"{period['start']} to {period['end']}"
            )


def provenance_notice(evaluation: Evaluation, lang: str) -> str | None:
    """The notice a reconstruction's documents carry on their first page (None for original data)."""
    prov = evaluation.data.get("provenance") or {}
    if prov.get("kind") != "reconstruction":
        return None
    return " ".join(prov["notice"][lang].split())


def publication_meta(evaluation: Evaluation, lang: str) -> dict:
    """The title block's `subtitle` (kind of document and country) and `author` (the evaluator), and
    the `running-header` of the pages and the cover's `prepared-for` line."""
    _ = translator(lang)
    notice = provenance_notice(evaluation, lang)
    # the notice of a reconstruction goes where every writer prints it on the first page: the
    # title block's abstract (HTML header, Word's Abstract paragraph, the PDF's cover or title block)
    meta = {"abstract": notice, "abstract-title": _("About these data")} if notice else {}
    pub = evaluation.data.get("publication")
    if not pub:
        return meta
    kind = _("{type} · {country}", type=pub["type"][lang], country=pub["country"][lang])
    # the running header of PDF and Word pages: short, so no reader takes it for prose
    # prose names the evaluator and funder through {{< meta publication.evaluator >}} / .funder
    return {
        **meta,
        "subtitle": kind,
        "author": [pub["evaluator"]],
        "running-header": kind,
        "prepared-for": _("Prepared for: {funder}", funder=pub["funder"][lang]),
        "publication": {"evaluator": pub["evaluator"], "funder": pub["funder"][lang]},
    }


def _facts(evaluation: Evaluation, lang: str) -> list[str]:
    _ = translator(lang)
    pub = evaluation.data["publication"]
    facts = [
        _("Prepared for: {funder}", funder=pub["funder"][lang]),
        _("Prepared by: {evaluator}", evaluator=pub["evaluator"]),
    ]
    if pub.get("lead_evaluators"):
        facts.append(
            _("Lead evaluators: {names}", names=format_list(pub["lead_evaluators"], locale=babel_locale(lang)))
        )
    if pub.get("data_collection"):
        facts.append(_("Data collection: {period}", period=data_collection_period(pub["data_collection"], lang)))
    if pub.get("contract"):
        facts.append(_("Contract number: {number}", number=pub["contract"]))
    return facts


def _funding(evaluation: Evaluation, lang: str) -> str:
    pub = evaluation.data["publication"]
    return " ".join(pub["funding"][lang].replace("{contract}", pub.get("contract", "")).split())


def front_matter(evaluation: Evaluation, lang: str) -> str:
    """Markdown for the front of a report: acknowledgment, the facts, the funding statement and
    disclaimer, and the block where the PDF's contents go. Empty without a `publication:` block."""
    pub = evaluation.data.get("publication")
    if not pub:
        return ""
    _ = translator(lang)
    # one page, as agencies print it: the acknowledgment, then who made the evaluation, then the
    # funding statement and disclaimer
    heading = _("Acknowledgment") if pub.get("acknowledgment") else _("About this evaluation")
    parts = [f"# {heading} {{.unnumbered}}"]
    if pub.get("acknowledgment"):
        parts.append(" ".join(pub["acknowledgment"][lang].split()))
    parts.append("\n".join(f"- {fact}" for fact in _facts(evaluation, lang)))
    parts.append(_funding(evaluation, lang))
    parts.append(f"::: {{#{CONTENTS_ID}}}\n:::")
    return "\n\n".join(parts) + "\n"


def publication_note(evaluation: Evaluation, lang: str) -> str:
    """Markdown for the end of a brief: the facts and the funding statement and disclaimer."""
    pub = evaluation.data.get("publication")
    if not pub:
        return ""
    _ = translator(lang)
    return (
        f"# {_('About this evaluation')} {{.unnumbered}}\n\n"
        + "\n".join(f"- {fact}" for fact in _facts(evaluation, lang))
        + "\n\n"
        + _funding(evaluation, lang)
        + "\n"
    )
