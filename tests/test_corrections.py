"""Notes on this edition: the evaluation's corrections of its source, filled from values.json in every
language, refused with the location when a text types a number or names an unknown value, and cited
by the report where the corrected figure appears."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from evalkit.content.corrections import SECTION_ID, add_correction_values, edition_notes, note_references
from evalkit.core.errors import ConfigError
from evalkit.values.store import ValueStore

LANGS = ["en-US", "es-MX"]
ROOT = Path(__file__).resolve().parents[1]


def bi(en: str, es: str) -> dict:
    return {"en-US": en, "es-MX": es}


def evaluation(**over) -> SimpleNamespace:
    c = {
        "id": "in_person_share",
        "published": {"value": 0.52, "kind": "share"},
        "source": bi("The source says {published}.", "La fuente dice {published}."),
        "data": bi(
            "The log gives {log.share}: {log.n} activities.", "El registro da {log.share}: {log.n} actividades."
        ),
        "why": bi("We print what the counts give.", "Publicamos lo que dan los conteos."),
    }
    c.update(over)
    return SimpleNamespace(data={"corrections": [c]})


def values(ev) -> dict:
    store = ValueStore("x", LANGS)
    store.add("log.share", 43 / 77, "share", {})
    store.add("log.n", 1043, "count", {})
    add_correction_values(store, ev, "evaluation.yaml")
    return {"values": store.values}


def test_notes_are_filled_from_values_in_each_language():
    ev = evaluation()
    doc = values(ev)
    assert doc["values"]["corrections.in_person_share.published"]["display"]["en-US"] == "52%"
    assert (
        edition_notes(ev, doc, "en-US", "e.yaml")
        == "1. The source says 52%. The log gives 56%: 1,043 activities. We print what the counts give.\n"
    )
    assert (
        edition_notes(ev, doc, "es-MX", "e.yaml")
        == "1. La fuente dice 52%. El registro da 56%: 1,043 actividades. Publicamos lo que dan los conteos.\n"
    )
    refs = note_references(ev, "es-MX")
    assert refs == {"in_person_share": f"(véase la [nota 1](#{SECTION_ID}))"}


@pytest.mark.parametrize(
    "field, text, expected",
    [
        (
            "data",
            bi("The log gives {log.sahre}.", "El registro da {log.share}."),
            "corrections[in_person_share].data.en-US: {log.sahre} is not a value id of results/values.json",
        ),
        (
            "why",
            bi("We counted 43 of 77.", "Contamos."),
            "corrections[in_person_share].why.en-US: typed number in the text",
        ),
    ],
)
def test_a_bad_note_is_refused_with_its_location(field, text, expected):
    ev = evaluation(**{field: text})
    with pytest.raises(ConfigError) as exc:
        edition_notes(ev, values(ev), "en-US", "config/evaluations/x/evaluation.yaml")
    assert "config/evaluations/x/evaluation.yaml" in str(exc.value) and expected in str(exc.value)


def test_published_needs_declaring():
    ev = evaluation(published=None)
    ev.data["corrections"][0].pop("published")
    with pytest.raises(ConfigError, match=r"\{published\} is not a value id .*has no `published` figure"):
        edition_notes(ev, values(ev), "en-US", "e.yaml")


def test_the_default_report_cites_every_note_in_both_languages():
    import yaml

    ev = yaml.safe_load((ROOT / "config/evaluations/mexico-auto-2024/evaluation.yaml").read_text(encoding="utf-8"))
    ids = [c["id"] for c in ev["corrections"]]
    assert ids
    for sub in ("en", "es"):
        text = (ROOT / f"report/mexico-auto-2024/{sub}/report.qmd").read_text(encoding="utf-8")
        assert "{#sec-edition-notes}" not in text and "#sec-edition-notes}" in text
        assert "fragments/edition-notes.md" in text
        for i in ids:
            assert len(re.findall(rf"\{{\{{< meta notes\.{i} >\}}\}}", text)) >= 1, (sub, i)
