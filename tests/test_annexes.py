"""Annexes generated from the registry: numbers are generated, both languages, accessible heat map."""

from __future__ import annotations

from evalkit.annexes import HEAT, annexes_fragment, linkage_counts
from evalkit.charts import TEXT_COLOR, contrast_ratio
from evalkit.content import Registry

from .test_content import TOSC, registry

TOSC_NAMED = {"domains": [{"key": d["key"], "name": {"en-US": d["key"].replace("_", " "), "es-MX": d["key"]}}
                          for d in TOSC["domains"]]}


def reg() -> Registry:
    return Registry("registry.yaml", registry(), TOSC_NAMED)


def test_numbers_are_generated_from_the_order():
    r = reg()
    assert r.finding_numbers() == {"knowledge-grew": "1.1", "inspectors-trained": "2.1"}
    assert r.recommendation_numbers() == {"rec-train": 1, "rec-coordinate": 2}
    data = registry()
    data["themes"].reverse()
    assert Registry("r", data, TOSC_NAMED).finding_numbers() == {"knowledge-grew": "2.1", "inspectors-trained": "1.1"}


def test_linkage_counts_by_theme_domain_and_level():
    assert linkage_counts(reg()) == {("awareness", "human_capacity"): {"high": 1, "medium": 0, "low": 0}}


def test_annexes_in_both_languages(tmp_path):
    en = annexes_fragment(reg(), "en-US", tmp_path, tmp_path)
    es = annexes_fragment(reg(), "es-MX", tmp_path, tmp_path)
    assert "| 1 | Train | Finding 1.1: Knowledge grew | ILAB |" in en
    assert "| 2 | Coordinate (es) | Hallazgo 2.1: Inspectors (es) | Labor ministry (es) |" in es
    assert "{#tbl-annex-recommendations}" in en and "{#fig-annex-domains" in es and "{#fig-annex-linkages" in en
    assert "| 1. Awareness | 1 / 0 / 0 | – |" in en
    # short alt text: what the chart shows and its main message; the data are in the table that follows
    assert ("Recommendation 1 (Train) rests on the most findings, 1, and reaches 1 domains. The table that follows "
            "gives every link.") in en
    assert "The most, 1, are in 1. Awareness and 1. human capacity." in en
    assert "| 1 | Train | 1.1 | 1. human capacity |" in en
    assert "| Relevance | Did it fit? | 1. Awareness |" in en
    # figures are cited without an extension and written as SVG (HTML, PDF) and PNG (Word)
    assert "](annex-domains){#fig-annex-domains" in en and "](annex-linkages){#fig-annex-linkages" in en
    for name in ("annex-domains", "annex-linkages"):
        assert (tmp_path / f"{name}.svg").exists() and (tmp_path / f"{name}.png").exists()


def test_heat_map_cell_text_is_readable_on_every_fill():
    for fill in HEAT:
        assert max(contrast_ratio(TEXT_COLOR, fill), contrast_ratio("#ffffff", fill)) >= 4.5, fill
