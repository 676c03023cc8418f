"""Notes on this edition: the evaluation's deliberate corrections of its source (evaluation.yaml
``corrections:``), each saying what the source says, what the data give and why, in every document
language. Figures reach the notes only as placeholders: ``{published}`` (the figure the source
prints, kept in values.json as ``corrections.<id>.published``) and ``{<value id>}`` (a value the
pipeline computed). A report cites a note where the corrected figure appears with
``{{< meta notes.<id> >}}``, a link to the section ``#sec-edition-notes``."""

from __future__ import annotations

import re

from evalkit.content.integrity import DIGIT
from evalkit.core.errors import ConfigError
from evalkit.core.i18n import translator
from evalkit.model.evaluation import Evaluation
from evalkit.values.store import ValueStore, lookup

SECTION_ID = "sec-edition-notes"
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.-]+)\}")
FIELDS = ("source", "data", "why")


def corrections(evaluation: Evaluation) -> list[dict]:
    return list(evaluation.data.get("corrections") or [])


def add_correction_values(store: ValueStore, evaluation: Evaluation, source_file: str) -> None:
    """``corrections.<id>.published``: the figure the source prints, as the evaluation declares it."""
    for c in corrections(evaluation):
        p = c.get("published")
        if p:
            store.add(
                f"corrections.{c['id']}.published",
                p["value"],
                p["kind"],
                {"file": source_file, "computation": f"corrections[{c['id']}].published: the figure the source prints"},
                digits=p.get("digits", 0),
            )


def _fill(text: str, c: dict, values_doc: dict, lang: str, where: str, problems: list[str]) -> str:
    m = DIGIT.search(PLACEHOLDER.sub("", text))
    if m:
        problems.append(f"{where}: typed number in the text; write {{published}} or {{<value id>}} instead")

    def value(mv: re.Match) -> str:
        name = mv.group(1)
        vid = f"corrections.{c['id']}.published" if name == "published" else name
        if vid not in values_doc["values"]:
            problems.append(
                f"{where}: {{{name}}} is not a value id of results/values.json"
                + ("" if name != "published" else " (the correction has no `published` figure)")
            )
            return mv.group(0)
        return lookup(values_doc, vid, lang)

    return " ".join(PLACEHOLDER.sub(value, text).split())


def edition_notes(evaluation: Evaluation, values_doc: dict, lang: str, source_file: str) -> str:
    """The notes as a numbered list (Markdown); a ConfigError names every unknown placeholder."""
    problems: list[str] = []
    lines = []
    for n, c in enumerate(corrections(evaluation), start=1):
        parts = [_fill(c[f][lang], c, values_doc, lang, f"corrections[{c['id']}].{f}.{lang}", problems) for f in FIELDS]
        lines.append(f"{n}. " + " ".join(parts))
    if problems:
        raise ConfigError(source_file, problems)
    return "\n".join(lines) + "\n" if lines else ""


def note_references(evaluation: Evaluation, lang: str) -> dict[str, str]:
    """``notes.<id>``: what a report writes where a corrected figure appears, e.g. "(see note 1)",
    linked to the notes section."""
    _ = translator(lang)
    return {
        c["id"]: "(" + _("see [note {number}](#{section})", number=n, section=SECTION_ID) + ")"
        for n, c in enumerate(corrections(evaluation), start=1)
    }
