"""Most Significant Change stories: the registry kind and its checks, the story_rankings family
(its analysis, its references check both ways, the readable names of its values) and the stories
fragment in both languages."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pandas as pd
import pytest

from evalkit.content.integrity import References, check_registry
from evalkit.content.registry import Registry
from evalkit.core.config import load_schema, validate
from evalkit.core.errors import ConfigError, DataError
from evalkit.values.store import ValueStore

from .test_content import LANGS, REFS, TOSC, bi, registry


def story_registry() -> dict:
    data = registry()
    data["projects"].append({"id": "calle", "name": {"en-US": "CALLE", "es-MX": "CALLE (es)"},
                             "implementer": bi("AIR"), "summary": bi("Law.")})
    data["outcome_categories"] = [{"id": "voice", "name": {"en-US": "Worker voice", "es-MX": "Voz obrera"}}]
    data["places"] = [{"id": "coahuila", "name": bi("Coahuila")}]
    data["stories"] = [
        {"id": "a", "title": bi("Union vote"), "who": bi("Plant workers"), "what": bi("They voted freely."),
         "significance": bi("A first free vote."), "projects": ["map", "calle"], "category": "voice",
         "period": {"from": 2022, "to": 2024}, "places": ["coahuila", bi("Silao")],
         "ripple_effects": bi("Other plants asked for votes."), "at_risk": bi("Young women on night shifts."),
         "outcomes": ["oc-forum"]},
        {"id": "b", "title": bi("Inspectors"), "who": bi("Labor inspectors"), "what": bi("They visit plants."),
         "significance": bi("Complaints get answered."), "projects": ["calle"]},
        {"id": "c", "title": bi("Centre"), "who": bi("Migrant workers"), "what": bi("A centre opened."),
         "significance": bi("Help close to home."), "projects": ["map"], "period": {"since": "2019-03"}},
    ]
    return data


REFS_RANKED = References(**{**REFS.__dict__, "projects": {"map", "calle"},
                            "ranked_stories": {"rankings": {"a", "b", "c"}}})


# --- the registry kind ------------------------------------------------------------------------------


def test_a_sound_story_registry_has_no_problem():
    data = story_registry()
    validate(data, load_schema("content.schema.yaml"), "registry.yaml")
    assert check_registry(data, TOSC, LANGS, REFS_RANKED) == []


@pytest.mark.parametrize("field", ["id", "title", "who", "what", "significance", "projects"])
def test_the_schema_requires_every_part_of_a_story(field):
    data = story_registry()
    data["stories"][1].pop(field)
    with pytest.raises(ConfigError, match=field):
        validate(data, load_schema("content.schema.yaml"), "registry.yaml")


@pytest.mark.parametrize("edit", [
    lambda s: s.update(projects=[]),
    lambda s: s.update(period={"since": "2019-13"}),
    lambda s: s.update(places=[]),
    lambda s: s.update(id="Story One"),
    lambda s: s.update(teller=bi("Someone")),
])
def test_the_schema_refuses_a_malformed_story(edit):
    data = story_registry()
    edit(data["stories"][0])
    with pytest.raises(ConfigError):
        validate(data, load_schema("content.schema.yaml"), "registry.yaml")


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["stories"][0].update(projects=["map", "ghost"]),
     "stories[a].projects: 'ghost' is not a project (known: calle, map)"),
    (lambda d: d["stories"][0].update(outcomes=["oc-none"]),
     "stories[a].outcomes: 'oc-none' is not an outcome (known: oc-forum)"),
    (lambda d: d["stories"][0].update(category="law"),
     "stories[a].category: 'law' is not an outcome category (outcome_categories) (known: voice)"),
    (lambda d: d["stories"][0].update(places=["coahuila", "jalisco"]),
     "stories[a].places: 'jalisco' is not a place (places) (known: coahuila)"),
    (lambda d: d["stories"][0].update(period={"from": 2024, "to": 2022}),
     "stories[a].period: from 2024 is after to 2022; expected from before to"),
    (lambda d: d["stories"].append(copy.deepcopy(d["stories"][1])),
     "stories: id 'b' is used 2 times; expected unique ids"),
])
def test_a_story_with_a_broken_reference_is_reported(edit, message):
    data = story_registry()
    edit(data)
    assert message in check_registry(data, TOSC, LANGS, REFS_RANKED)


@pytest.mark.parametrize("field, text, words", [
    ("what", {"en-US": "About 300 workers voted.", "es-MX": "Votaron."},
     "stories[a].what.en-US: typed number in the text ('…About 300 workers voted.…')"),
    ("significance", bi("A <script>alert()</script> vote."), "stories[a].significance.en-US: not allowed: raw HTML"),
    ("at_risk", bi("Workers aged 18 to 25."), "stories[a].at_risk.en-US: typed number in the text"),
])
def test_story_texts_are_checked_for_typed_numbers_and_markup(field, text, words):
    data = story_registry()
    data["stories"][0][field] = text
    found = check_registry(data, TOSC, LANGS, REFS_RANKED)
    assert any(p.startswith(words) for p in found), found


def test_the_registry_stories_and_the_ranked_stories_must_be_the_same_both_ways():
    data = story_registry()
    refs = References(**{**REFS_RANKED.__dict__, "ranked_stories": {"rankings": {"a", "b", "zz"}}})
    found = check_registry(data, TOSC, LANGS, refs)
    assert ("stories[c]: the story_rankings instrument 'rankings' never ranks it; expected every story of the "
            "registry among its ranked stories (ranked: a, b, zz)") in found
    assert ("stories: the story_rankings instrument 'rankings' ranks story 'zz', which is not a story of the "
            "registry (stories: a, b, c); expected a story entry for every ranked story") in found
    assert len(found) == 2


# --- the story_rankings family ----------------------------------------------------------------------


def rankings() -> pd.DataFrame:
    """Two forms ranking three stories: every story has mean rank 2; a and c were ranked first once,
    b never; the codebook's order is c, b, a, so c comes before a."""
    rows = [("F1", "s1", "a", "1"), ("F1", "s1", "b", "2"), ("F1", "s1", "c", "3"),
            ("F2", "s2", "c", "1"), ("F2", "s2", "b", "2"), ("F2", "s2", "a", "3")]
    return pd.DataFrame([{"form": f, "session": s, "date": "2025-03-04", "stakeholder": "workers", "story": st,
                          "rank": r} for f, s, st, r in rows])


ORDER = ["c", "b", "a", "d"]


def test_the_ranking_of_the_stories_with_its_ties():
    from evalkit.analysis.stories import story_ranking

    table = story_ranking(rankings(), ORDER)
    assert table.to_dict("records") == [
        {"story": "c", "forms": 2, "first": 1, "first_share": 0.5, "mean_rank": 2.0, "position": 1},
        {"story": "a", "forms": 2, "first": 1, "first_share": 0.5, "mean_rank": 2.0, "position": 2},
        {"story": "b", "forms": 2, "first": 0, "first_share": 0.0, "mean_rank": 2.0, "position": 3},
    ]


def test_the_mean_rank_decides_before_the_times_ranked_first():
    from evalkit.analysis.stories import story_ranking

    data = rankings()
    data.loc[5, "rank"] = "2"  # F2 gives a rank 2: mean 1.5
    table = story_ranking(data, ORDER).set_index("story")
    assert table.loc["a", "mean_rank"] == 1.5 and table.loc["a", "position"] == 1
    assert list(table.index) == ["a", "c", "b"]


def analysis_job(data: pd.DataFrame, store: ValueStore, written: dict):
    return SimpleNamespace(id="rankings", data=data, store=store, source={"file": "raw/rankings.csv"},
                           codebook=SimpleNamespace(category_keys=lambda name: ORDER),
                           write_table=lambda frame, name: written.update({name: frame}))


def story_values() -> dict:
    from evalkit.families import get

    store, written = ValueStore("e", LANGS), {}
    get("story_rankings").analyze(analysis_job(rankings(), store, written))
    assert list(written) == ["stories"] and list(written["stories"]["story"]) == ["c", "a", "b"]
    return {"values": store.values}


def test_the_values_of_the_story_rankings():
    values = story_values()["values"]

    def shown(vid: str, lang: str = "en-US"):
        return values[vid]["value"], values[vid]["kind"], values[vid]["display"][lang]

    assert shown("rankings.forms") == (2, "count", "2")
    assert shown("rankings.sessions") == (2, "count", "2")
    assert shown("rankings.stories") == (3, "count", "3")
    assert shown("rankings.story.a.forms") == (2, "count", "2")
    assert shown("rankings.story.a.first") == (1, "count", "1")
    assert shown("rankings.story.a.first_share") == (0.5, "share", "50%")
    assert shown("rankings.story.a.first_share", "es-MX") == (0.5, "share", "50%")   # Babel's es-MX form
    assert shown("rankings.story.a.mean_rank") == (2.0, "number", "2.00")
    assert shown("rankings.story.a.position") == (2, "count", "2")
    assert shown("rankings.story.c.position") == (1, "count", "1")
    assert shown("rankings.story.b.first") == (0, "count", "0")


def test_a_bad_rank_and_a_story_ranked_twice_are_refused_with_their_row_and_column():
    from evalkit.families import get

    data = rankings()
    data.loc[1, "rank"] = "0"
    data.loc[2, "rank"] = "first"
    data.loc[4, "story"] = "c"  # F2 ranks c twice
    with pytest.raises(DataError) as exc:
        get("story_rankings").analyze(analysis_job(data, ValueStore("e", LANGS), {}))
    assert exc.value.source == "raw/rankings.csv (clean table of rankings)"
    assert exc.value.problems == [
        "data row 2 (form 'F1'), column rank: '0'; expected a whole number of at least 1 (1 = most significant)",
        "data row 3 (form 'F1'), column rank: 'first'; expected a whole number of at least 1 (1 = most significant)",
        "data row 5 (form 'F2'), column story: the form ranks story 'c' again (also data row 4); expected each "
        "story at most once per form",
    ]


def test_the_references_hook_gives_the_ranked_stories():
    from evalkit.families import get

    refs = References()
    job = SimpleNamespace(id="rankings", refs=refs, clean=rankings)
    get("story_rankings").references(job)
    assert refs.ranked_stories == {"rankings": {"a", "b", "c"}}


def test_the_readable_names_of_the_story_values():
    from evalkit.families import get

    cb = SimpleNamespace(variable=lambda name: {"categories": [{"key": "a", "label": {"en-US": "Union vote",
                                                                                      "es-MX": "Voto sindical"}}]})
    names = get("story_rankings").value_names(SimpleNamespace(id="rankings", codebook=cb, lang="es-MX"))
    assert names["rankings.story.a.mean_rank"] == "Voto sindical (rango promedio)"
    assert names["rankings.story.a.first"] == "Voto sindical (veces clasificada en primer lugar)"
    assert set(names) == {f"rankings.story.a.{s}" for s in ("forms", "first", "first_share", "mean_rank",
                                                            "position")} | {"rankings.forms", "rankings.sessions",
                                                                            "rankings.stories"}
    assert names["rankings.sessions"] == "Discusiones facilitadas de clasificación"


# --- the stories fragment ---------------------------------------------------------------------------


def test_the_stories_in_ranking_order_with_their_selection_sentence():
    from evalkit.documents.stories import stories_fragment

    reg = Registry("r", story_registry(), TOSC)
    values = story_values()
    en = stories_fragment(reg, values, "en-US", "rankings")
    assert en.startswith("The selection of the stories (rank 1 is the most significant): stories ranked: 3; "
                         "ranking forms: 2; facilitated discussions: 2. The stories follow in the order of their "
                         "mean rank.\n\n")
    assert en.index("## Centre {#story-c}") < en.index("## Union vote {#story-a}") < en.index("## Inspectors")
    block = en[en.index("::: {.story-box}\n## Union vote"):]
    block = block[:block.index("\n:::\n") + 5]
    assert block == (
        "::: {.story-box}\n## Union vote {#story-a}\n\n"
        "**Kind of change:** Worker voice\n\n"
        "**Who changed:** Plant workers\n\n"
        "**What changed:** They voted freely.\n\n"
        "**When:** 2022\u20132024. **Where:** Coahuila and Silao.\n\n"
        "**Why it is significant:** A first free vote.\n\n"
        "**Ripple effects:** Other plants asked for votes.\n\n"
        "**Those most at risk it reached:** Young women on night shifts.\n\n"
        "**Related outcomes:** Workers (Silao, May 2023).\n\n"
        "**Contributing projects:** MAP and CALLE.\n\n"
        "Ranked first on 1 of 2 forms; mean rank 2.00 (position 2 of 3).\n:::\n")
    es = stories_fragment(reg, values, "es-MX", "rankings")
    assert es.startswith("La selección de las historias (el rango 1 es el más significativo): historias "
                         "clasificadas: 3; formularios de clasificación: 2; discusiones facilitadas: 2.")
    assert "**Quién cambió:** Plant workers (es)\n\n" in es
    assert "**Cuándo:** 2022\u20132024. **Ubicación:** Coahuila (es) y Silao (es).\n\n" in es
    assert "**Proyectos que contribuyeron:** MAP (es) y CALLE (es).\n\n" in es
    assert "**Por qué es significativo:** A first free vote. (es)\n\n" in es
    assert "**Cuándo:** Desde marzo de 2019." in es
    assert "Clasificada en primer lugar en 1 de 2 formularios; rango promedio 2.00 (posición 2 de 3).\n:::\n" in es
    assert "**Proyecto que contribuyó:** CALLE (es)." in es


def test_without_rankings_the_stories_keep_the_registry_order_and_no_selection_sentence():
    from evalkit.documents.stories import stories_fragment

    md = stories_fragment(Registry("r", story_registry(), TOSC), {"values": {}}, "en-US")
    assert md.index("## Union vote") < md.index("## Inspectors") < md.index("## Centre")
    assert "Ranked first" not in md and "The selection" not in md
    assert stories_fragment(Registry("r", registry() | {"stories": []}, TOSC), {"values": {}}, "en-US") == ""


def test_registry_text_in_a_story_is_never_markup():
    from evalkit.documents.stories import stories_fragment

    data = story_registry()
    data["stories"][1]["title"] = bi("A <script>alert(1)</script> title")
    data["stories"][1]["what"] = bi("A *bold* [link](https://x.org) claim")
    md = stories_fragment(Registry("r", data, TOSC), {"values": {}}, "en-US")
    assert "## A \\<script\\>alert(1)\\</script\\> title {#story-b}" in md
    assert "**What changed:** A \\*bold\\* \\[link\\](https://x.org) claim\n" in md
    assert "<script>" not in md and "*bold*" not in md
