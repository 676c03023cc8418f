"""Annexes generated from the registry: numbers are generated, both languages, accessible heat map."""

from __future__ import annotations

from evalkit.content.registry import Registry
from evalkit.core.colour import contrast_ratio
from evalkit.documents.annexes import HEAT, annexes_fragment, linkage_counts
from evalkit.documents.charts import TEXT_COLOR

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


def default_registry() -> Registry:
    from pathlib import Path

    from evalkit.content.registry import load_registry

    content = Path(__file__).resolve().parents[1] / "report" / "mexico-auto-2024" / "content"
    return load_registry(content / "registry.yaml", content / "tosc.yaml", ["en-US", "es-MX"])


def test_heat_map_alt_text_counts_the_leverage_points_it_names(tmp_path):
    """The alt text's count is the number of leverage points of that category that reach that domain,
    counted here from the registry (not domain tags summed over a row, which once gave 12)."""
    import re

    r = default_registry()
    themes = {t["title"]["en-US"]: t["id"] for t in r.data["themes"]}
    domains = {d["name"]["en-US"]: d["key"] for d in r.tosc["domains"]}
    en = annexes_fragment(r, "en-US", tmp_path, tmp_path)
    m = re.search(r"The most, (\d+), are in \d+\. (.+?) and \d+\. (.+?)\. The table", en)
    assert m, en[:400]
    theme, domain = themes[m.group(2)], domains[m.group(3)]
    points = [lp["id"] for f, lp in r.leverage_points() if f["theme"] == theme and domain in lp["domains"]]
    assert int(m.group(1)) == len(points) == len(set(points)) > 0
    for t in themes.values():  # and it is the largest such count
        for d in domains.values():
            assert sum(1 for f, lp in r.leverage_points() if f["theme"] == t and d in lp["domains"]) <= len(points)


def test_no_note_describes_a_source_document():
    """Registry texts speak for the evaluation: a note such as "No leverage point: The report presents
    ..." describes the source document instead."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "report"
    source = re.compile(r"\b(the|this) (published )?report\b|\b(el|este) informe\b", re.IGNORECASE)
    found = [f"{p.relative_to(root)}:{n}: {line.strip()}"
             for p in sorted(root.glob("*/content/registry*.yaml"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if not line.lstrip().startswith("#") and source.search(line)]
    assert not found, "\n".join(found)


def test_theory_of_change_annex_is_drawn_from_the_registry(tmp_path):
    """Actors by domain and by project as dot matrices with tables, and the feedback loop with its
    steps as a numbered list; alt texts count what they name, in both languages."""
    import re

    r = default_registry()
    toc = r.data["theory_of_change"]
    for lang in ("en-US", "es-MX"):
        md = annexes_fragment(r, lang, tmp_path, tmp_path)
        assert md.index("{#fig-annex-toc-actors") < md.index("{#tbl-annex-recommendations}")
        for name in ("toc-actors", "toc-projects", "toc-loop"):
            assert (tmp_path / f"{name}.svg").exists() and (tmp_path / f"{name}.png").exists()
        steps = [next(d for d in r.tosc["domains"] if d["key"] == s)["name"][lang] for s in toc["loop"]["steps"]]
        for i, s in enumerate(steps, start=1):
            assert f"{i}. {s}" in md
    en = annexes_fragment(r, "en-US", tmp_path, tmp_path)
    m = re.search(r"(\d+)\. ([^.]+) aims at the most groups, (\d+)\.", en)
    widest = max(len(d["actors"]) for d in toc["domains"])
    assert int(m.group(3)) == widest
    m = re.search(r"the (\d+) sampled projects .*?\. (.+?) are served by the most projects, (\d+)\.", en)
    served = [p for p in r.data["projects"] if p.get("serves")]
    assert int(m.group(1)) == len(served)
    group = next(g["id"] for g in r.data["actor_groups"] if g["name"]["en-US"] == m.group(2))
    assert int(m.group(3)) == sum(group in p["serves"] for p in served)
    assert "| 3. Replacement resources | – |" in en   # a domain naming no actor says so
