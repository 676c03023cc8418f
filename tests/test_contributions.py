"""The registry's priorities and the projects' contributions to them: the schema and the check of
`contributes`, the counts (a value store of their own), the table and the chart with its alt text
from the same numbers, in both languages."""

from __future__ import annotations

import pytest

from evalkit.content.integrity import check_registry
from evalkit.content.registry import Registry
from evalkit.core.config import load_schema, validate
from evalkit.core.errors import ConfigError

from .test_content import LANGS, REFS, TOSC, bi, registry


def contrib_registry() -> dict:
    data = registry()
    data["projects"] = [
        {"id": "map", "name": bi("MAP"), "implementer": bi("Partners"), "summary": bi("Awareness."),
         "contributes": ["freedom", "inspection"]},
        {"id": "calle", "name": bi("CALLE"), "implementer": bi("AIR"), "summary": bi("Law."),
         "contributes": ["freedom"]},
        {"id": "taller", "name": bi("TALLER"), "implementer": bi("AIR"), "summary": bi("Training.")},
    ]
    data["priorities"] = [
        {"id": "freedom", "name": {"en-US": "Freedom of association", "es-MX": "Libertad sindical"}},
        {"id": "inspection", "name": {"en-US": "Labor inspection", "es-MX": "Inspección del trabajo"}},
        {"id": "forced", "name": {"en-US": "Forced labor", "es-MX": "Trabajo forzoso"}},
    ]
    data["findings"][0]["evidence"]["projects"] = ["map"]
    return data


REFS3 = type(REFS)(**{**REFS.__dict__, "projects": {"map", "calle", "taller"}})


def test_priorities_and_contributions_pass_the_schema_and_the_checks():
    data = contrib_registry()
    validate(data, load_schema("content.schema.yaml"), "registry.yaml")
    assert check_registry(data, TOSC, LANGS, REFS3) == []


def test_a_contribution_to_an_unknown_priority_and_a_duplicate_priority_are_reported():
    data = contrib_registry()
    data["projects"][1]["contributes"] = ["freedom", "wages"]
    data["priorities"].append({"id": "forced", "name": bi("Again")})
    found = check_registry(data, TOSC, LANGS, REFS3)
    assert "projects[calle].contributes: 'wages' is not a priority (priorities) (known: forced, freedom, inspection)" \
        in found
    assert "priorities: id 'forced' is used 2 times; expected unique ids" in found


def test_the_schema_refuses_a_priority_without_a_name_and_a_contribution_that_is_no_id():
    schema = load_schema("content.schema.yaml")
    data = contrib_registry()
    data["priorities"][0].pop("name")
    with pytest.raises(ConfigError, match="name"):
        validate(data, schema, "registry.yaml")
    data = contrib_registry()
    data["projects"][0]["contributes"] = ["Freedom of association"]
    with pytest.raises(ConfigError, match="Freedom of association"):
        validate(data, schema, "registry.yaml")


def test_the_counts_are_computed_values_with_display_forms_and_provenance():
    from evalkit.documents.contributions import contribution_values

    values = contribution_values(Registry("report/e/content/registry.yaml", contrib_registry(), TOSC), LANGS)["values"]
    assert {k: v["value"] for k, v in values.items()} == {
        "contributions.projects": 3, "contributions.priority.freedom.projects": 2,
        "contributions.priority.inspection.projects": 1, "contributions.priority.forced.projects": 0}
    assert values["contributions.priority.freedom.projects"]["display"] == {"en-US": "2", "es-MX": "2"}
    assert values["contributions.priority.freedom.projects"]["source"] == {
        "file": "report/e/content/registry.yaml", "computation": "projects whose contributes names 'freedom'"}


def test_the_contributions_table_and_chart_in_both_languages(tmp_path):
    from evalkit.documents.contributions import contributions_fragment

    reg = Registry("r", contrib_registry(), TOSC)
    doc_dir = tmp_path / "doc"
    doc_dir.mkdir()
    en = contributions_fragment(reg, "en-US", LANGS, tmp_path / "figures" / "contributions", doc_dir)
    assert all((tmp_path / "figures" / f"contributions.{ext}").exists() for ext in ("svg", "png"))
    assert en.startswith(
        '![Projects contributing to each priority](../figures/contributions){#fig-contributions fig-alt="Bar chart '
        'of the number of projects, of 3, that contribute to each of the 3 priorities. Freedom of association has '
        'the most (2), Forced labor the fewest (0). The table that follows gives every project\'s '
        'contributions."}\n\n')
    table = en[en.index("| Project"):]
    assert table == (
        "| Project | Freedom of association | Labor inspection | Forced labor |\n"
        "|:------------------------------|:----------:|:----------:|:----------:|\n"
        "| MAP | Contributes | Contributes |  |\n"
        "| CALLE | Contributes |  |  |\n"
        "| TALLER |  |  |  |\n"
        "| **Projects contributing** | **2** | **1** | **0** |\n"
        "\n: Projects and the priorities they contribute to (an empty cell: the project does not contribute to the "
        "priority); the last row counts the projects contributing to each {#tbl-contributions}\n")
    es = contributions_fragment(reg, "es-MX", LANGS, tmp_path / "figures" / "contributions-es", doc_dir)
    assert 'fig-alt="Gráfico de barras del número de proyectos, de 3, que contribuyen a cada una de las 3 ' \
           'prioridades. Libertad sindical tiene el mayor número (2), Trabajo forzoso el menor (0).' in es
    assert "| Proyecto | Libertad sindical | Inspección del trabajo | Trabajo forzoso |\n" in es
    assert "| MAP (es) | Contribuye | Contribuye |  |\n" in es
    assert "| **Proyectos que contribuyen** | **2** | **1** | **0** |\n" in es
    assert ": Proyectos y las prioridades a las que contribuyen (una celda vacía: el proyecto no contribuye a la " \
           "prioridad)" in es
    assert contributions_fragment(Registry("r", registry() | {"priorities": []}, TOSC), "en-US", LANGS,
                                  tmp_path / "none", doc_dir) == ""


def test_the_chart_alt_text_follows_the_data():
    from evalkit.documents.contributions import contribution_values, contributions_alt

    data = contrib_registry()
    data["projects"][2]["contributes"] = ["forced", "inspection"]
    reg = Registry("r", data, TOSC)
    alt = contributions_alt(reg, contribution_values(reg, LANGS), "en-US")
    # freedom 2, inspection 2, forced 1: a tie for the most goes to the first in table order
    assert alt == ("Bar chart of the number of projects, of 3, that contribute to each of the 3 priorities. Freedom "
                   "of association has the most (2), Forced labor the fewest (1). The table that follows gives "
                   "every project's contributions.")


def test_registry_text_in_the_contributions_table_is_never_markup(tmp_path):
    from evalkit.documents.contributions import contributions_fragment

    data = contrib_registry()
    data["priorities"][0]["name"] = bi("A <script>x</script> *bold* | split")
    data["projects"][1]["name"] = bi("CALLE *bold*")
    md = contributions_fragment(Registry("r", data, TOSC), "en-US", LANGS, tmp_path / "c", tmp_path)
    table = md[md.index("| Project"):]
    assert "| A \\<script\\>x\\</script\\> \\*bold\\* \\| split |" in table
    assert "| CALLE \\*bold\\* | Contributes |" in table
    assert "<script>" not in table


def test_the_counts_are_cited_like_values_and_a_clash_with_values_json_is_refused():
    from evalkit.core.errors import ConfigError
    from evalkit.documents.contributions import contribution_values, merge_counted

    counts = contribution_values(Registry("r", contrib_registry(), TOSC), LANGS)
    tree = {"monitoring": {"projects": "4"}}
    merge_counted(tree, counts, "es-MX", "evaluation.yaml")
    assert tree["contributions"] == {"projects": "3", "priority": {"freedom": {"projects": "2"},
                                                                   "inspection": {"projects": "1"},
                                                                   "forced": {"projects": "0"}}}
    assert tree["monitoring"] == {"projects": "4"}
    with pytest.raises(ConfigError, match="values.json has ids under 'contributions'"):
        merge_counted({"contributions": {"x": "1"}}, counts, "en-US", "evaluation.yaml")
