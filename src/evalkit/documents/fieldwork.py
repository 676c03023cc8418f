"""The engagement log's fragment: the data-collection table by stakeholder type and the one by
mode (Table 2 of a report; the places of the fieldwork in words are report metadata,
evalkit.documents.fragments.fieldwork_places). Every number is a value of
values.json, named through evalkit.values.ids as the analysis (evalkit.analysis.fieldwork) names it."""

from __future__ import annotations

from evalkit.core.i18n import translator
from evalkit.documents.fragments import md_table
from evalkit.model.evaluation import Codebook
from evalkit.values import ids
from evalkit.values.store import lookup


def fieldwork_fragment(values_doc: dict, instrument_id: str, codebook: Codebook, lang: str) -> str:
    """Table 2 (activities and participants by stakeholder type) and in person / remote, from the one log."""
    _ = translator(lang)
    slug = instrument_id.replace("_", "-")

    def v(*parts: str) -> str:
        return lookup(values_doc, ids.value_id(instrument_id, *parts), lang)

    def by(key: str, stat: str) -> str:
        return lookup(values_doc, ids.by_stakeholder(instrument_id, key, stat), lang)

    methods = codebook.variable("method")["categories"]
    header = [_("Stakeholder type")] + [c["label"][lang] for c in methods] + [_("Men"), _("Women"), _("Total"),
                                                                             _("Share of participants")]
    rows = []
    for c in codebook.variable("stakeholder")["categories"]:
        k = c["key"]
        rows.append([c["label"][lang]] + [by(k, m["key"]) for m in methods]
                    + [by(k, x) for x in ("men", "women", "participants", "participant_share")])
    rows.append([_("Total")] + [v(m["key"]) for m in methods] + [v("men"), v("women"), v("participants"), ""])
    out = md_table(header, rows, _("Data collection: activities by method and participants by sex, per stakeholder "
                                   "type"), f"tbl-{slug}-stakeholders", first_width=30)
    modes = codebook.variable("mode")["categories"]
    header = [_("Mode")] + [c["label"][lang] for c in methods] + [_("Activities"), _("Share of activities"),
                                                                  _("Participants"), _("Share of participants")]
    rows = []
    for c in modes:
        k = c["key"]
        rows.append([c["label"][lang]] + [v(k, m["key"]) for m in methods]
                    + [v(k, x) for x in ("activities", "activity_share", "participants", "participant_share")])
    out += "\n" + md_table(header, rows, _("Data collection in person and remote: activities and participants"),
                         f"tbl-{slug}-modes")
    return out
