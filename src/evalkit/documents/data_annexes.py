"""Annexes generated from data, in each document language: the documents reviewed (the
document-review log), the fieldwork itinerary (the engagement log) and the validation workshops
(their schedule and the session agenda of evaluation.yaml). Every count and date in them is a
value of values.json; titles and other text from data are escaped, never markup."""

from __future__ import annotations

from datetime import time

import pandas as pd
from babel.dates import format_time

from evalkit.core.i18n import babel_locale, translator
from evalkit.documents.fragments import md_table, md_text
from evalkit.model.evaluation import Codebook
from evalkit.values import ids
from evalkit.values.store import lookup


def document_value_names(iid: str, codebook: Codebook, lang: str) -> dict[str, str]:
    """Readable names, in one language, of the values of a document-review log
    (analysis.documents.add_document_values), so that a finding may cite them as its evidence:
    the number of documents reviewed, by type and by organization (the codebook's labels), the
    types with documents and the documents without a year."""
    _ = translator(lang)
    names = {ids.value_id(iid, "documents"): _("Documents reviewed"),
             ids.value_id(iid, "types"): _("Types of the documents reviewed"),
             ids.value_id(iid, "undated"): _("Documents reviewed without a year"),
             ids.documents_by(iid, "type", "not_stated"): _("Documents reviewed, type not stated")}
    for key, label in codebook.category_labels("doc_type", lang).items():
        names[ids.documents_by(iid, "type", key)] = _("Documents reviewed, {kind}", kind=label)
    for key, label in codebook.category_labels("organization", lang).items():
        names[ids.documents_by(iid, "organization", key)] = _("Documents reviewed, {kind}", kind=label)
    return names


def documents_annex(values_doc: dict, iid: str, codebook: Codebook, table: pd.DataFrame, lang: str) -> str:
    """A sentence with the counts by type, and the documents sorted by type (``table``: the
    document-review results table, analysis.documents.document_table)."""
    _ = translator(lang)

    def v(vid: str) -> str:
        return lookup(values_doc, ids.value_id(iid, vid), lang)

    types = codebook.category_labels("doc_type", lang)
    orgs = codebook.category_labels("organization", lang)
    counts = [(label, key) for key, label in types.items()
              if values_doc["values"][ids.documents_by(iid, "type", key)]["value"]]
    parts = "; ".join(f"{label.lower() if lang == 'en-US' else label[0].lower() + label[1:]}, "
                      f"{lookup(values_doc, ids.documents_by(iid, 'type', key), lang)}" for label, key in counts)
    text = _("The evaluation team reviewed {documents} documents of {types} types ({parts}); the list gives no type "
             "for {not_stated} of them and no year for {undated}. Titles are given as written, in the language of "
             "each document.", documents=v("documents"), types=v("types"), parts=parts,
             not_stated=lookup(values_doc, ids.documents_by(iid, "type", "not_stated"), lang), undated=v("undated"))
    rows = []
    for r in table.to_dict("records"):
        rows.append([md_text(r["document_id"]), md_text(r["title"]), orgs[r["organization"]],
                     types.get(r["doc_type"], _("not stated")), md_text(r["year"]) if r["year"] else "–"])
    return text + "\n\n" + md_table(
        [_("Id"), _("Title"), _("Organization"), _("Type"), _("Year")], rows,
        _("Documents reviewed, by type"), f"tbl-annex-{iid.replace('_', '-')}",
        align=[":" + "-" * 6, ":" + "-" * 40, ":" + "-" * 20, ":" + "-" * 12, "-" * 5 + ":"])


def itinerary_annex(values_doc: dict, iid: str, codebook: Codebook, lang: str) -> str:
    """The data collection by state and mode: activities by method, participants, first and last date."""
    _ = translator(lang)

    def v(vid: str) -> str:
        return lookup(values_doc, ids.value_id(iid, vid), lang)

    methods = codebook.variable("method")["categories"]
    modes = codebook.category_labels("mode", lang)
    rows = []
    states = codebook.category_labels("state", lang) | {"other": _("Other places")}
    for s_key, s_label in states.items():
        for m_key, m_label in modes.items():
            def row(stat: str, s_key: str = s_key, m_key: str = m_key) -> str:
                return lookup(values_doc, ids.itinerary(iid, s_key, m_key, stat), lang)

            if ids.itinerary(iid, s_key, m_key, "activities") not in values_doc["values"]:
                continue
            rows.append([s_label, m_label] + [row(m["key"]) for m in methods]
                        + [row("participants"), row("first_date"), row("last_date")])
    rows.append([_("Total"), ""] + [v(m["key"]) for m in methods] + [v("participants"), "", ""])
    text = _("From {first} to {last} the evaluation team held {activities} data-collection activities with "
             "{participants} participants. Remote activities are listed under the state where their participants "
             "are based; to protect them, the places where fewer than {min_cell} people took part in a mode are "
             "pooled as other places.",
             first=v("first_month"), last=v("last_month"), activities=v("activities"),
             participants=v("participants"), min_cell=lookup(values_doc, ids.itinerary(iid, "min_cell"), lang))
    header = [_("State"), _("Mode")] + [c["label"][lang] for c in methods] + [_("Participants"), _("First date"),
                                                                             _("Last date")]
    align = [":" + "-" * 16, ":" + "-" * 10] + ["-" * 9 + ":"] * (len(methods) + 1) + [":" + "-" * 12] * 2
    return text + "\n\n" + md_table(header, rows, _("Fieldwork itinerary: activities and participants by state "
                                                    "and mode, with the first and last date of each"),
                                    f"tbl-annex-{iid.replace('_', '-')}-itinerary", align=align)


def _clock(hhmm: str, lang: str) -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    return format_time(time(h, m), format="short", locale=babel_locale(lang))


def workshops_annex(values_doc: dict, iid: str, codebook: Codebook, table: pd.DataFrame, agenda: list[dict],
                    lang: str) -> str:
    """The validation workshops: a sentence with the counts, the schedule (``table``: the results
    table, analysis.workshops.schedule_table) and the agenda of a session."""
    _ = translator(lang)

    def v(vid: str) -> str:
        return lookup(values_doc, ids.value_id(iid, vid), lang)

    states = codebook.category_labels("state", lang)
    modes = codebook.category_labels("mode", lang)
    text = _("The evaluation team held {workshops} validation workshops on {days} days, from {first} to {last}: "
             "{in_person} in person, with {in_person_participants} participants, and {remote} remote, with "
             "{remote_participants}; {participants} people took part in all. Each remote workshop is listed "
             "under the state the team hosted it from.",
             workshops=v("workshops"), days=v("days"), first=v("first_date"), last=v("last_date"),
             in_person=v("in_person.workshops"), in_person_participants=v("in_person.participants"),
             remote=v("remote.workshops"), remote_participants=v("remote.participants"), participants=v("participants"))
    def w(key: str, stat: str) -> str:
        return lookup(values_doc, ids.workshop(iid, key, stat), lang)

    rows = [[str(n), w(r["workshop"], "date"), states[r["state"]], modes[r["mode"]], w(r["workshop"], "participants")]
            for n, r in enumerate(table.to_dict("records"), start=1)]
    rows.append([_("Total"), "", "", "", v("participants")])
    slug = iid.replace("_", "-")
    out = text + "\n\n" + md_table([_("No."), _("Date"), _("State"), _("Mode"), _("Participants")], rows,
                                   _("Validation workshops: date, state, mode and participants"),
                                   f"tbl-annex-{slug}", align=[":" + "-" * 4, ":" + "-" * 12, ":" + "-" * 16,
                                                               ":" + "-" * 10, "-" * 9 + ":"])
    if agenda:
        rows = [[_clock(a["start"], lang), _clock(a["end"], lang), md_text(a["activity"][lang]),
                 md_text(a["description"][lang]), md_text(a["lead"][lang]),
                 md_text(a["materials"][lang]) if a.get("materials") else "–"] for a in agenda]
        out += "\n" + _("Every workshop followed the same agenda:") + "\n\n" + md_table(
            [_("Start"), _("End"), _("Activity"), _("Description"), _("Led by"), _("Materials")], rows,
            _("Agenda of a validation workshop session"), f"tbl-annex-{slug}-agenda",
            align=[":" + "-" * 8, ":" + "-" * 8, ":" + "-" * 14, ":" + "-" * 40, ":" + "-" * 14, ":" + "-" * 14])
    return out
