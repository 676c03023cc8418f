"""`evalkit values` and `evalkit fragments` list what a document can cite from a build: exact output
on a tiny build written here, the errors when nothing is built, and the Spanish messages."""

from __future__ import annotations

import json
import shutil

import pytest

from evalkit.cli import main

from .conftest import ROOT

EVAL = "mexico-auto-2024"


@pytest.fixture
def project(tmp_path):
    for folder in ("config", "report"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def build_values(project):
    out = project / "results" / EVAL / "values.json"
    out.parent.mkdir(parents=True)
    values = {
        "survey.awareness.top_box_share": {"value": 0.625, "kind": "share", "source": {},
                                           "display": {"en-US": "63%", "es-MX": "63 %"}},
        "engagement_log.kii": {"value": 1234, "kind": "count", "source": {},
                               "display": {"en-US": "1,234", "es-MX": "1234"}},
        "survey.small.count": {"value": 3, "kind": "count", "source": {}, "suppressed": True,
                               "display": {"en-US": "3", "es-MX": "3"}},
    }
    out.write_text(json.dumps({"format": "evalkit-values/1", "evaluation": EVAL,
                               "languages": ["en-US", "es-MX"], "values": values}), encoding="utf-8")


def build_fragments(project):
    for lang in ("en", "es"):
        folder = project / "results" / EVAL / "report" / lang / "fragments"
        folder.mkdir(parents=True)
        (folder / "briefs").mkdir()
        for name in ("findings.md", "acronyms.md", "briefs/compliance.md", ".snakemake_timestamp"):
            (folder / name).write_text("x\n", encoding="utf-8")


def run(capsys, *argv):
    code = main([*argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_values_lists_ids_display_forms_and_shortcodes(project, capsys):
    build_values(project)
    code, out, err = run(capsys, "values", "--root", str(project))
    assert (code, err) == (0, "")
    assert out == (
        "3 values of mexico-auto-2024 (results/mexico-auto-2024/values.json); cite one in a .qmd as "
        "{{< meta values.<id> >}}\n"
        "id\ten-US\tes-MX\tshortcode\n"
        "engagement_log.kii\t1,234\t1234\t{{< meta values.engagement_log.kii >}}\n"
        "survey.awareness.top_box_share\t63%\t63 %\t{{< meta values.survey.awareness.top_box_share >}}\n"
        "survey.small.count\tsuppressed\tsuprimido\t{{< meta values.survey.small.count >}}\n"
    )


def test_values_in_spanish(project, capsys):
    build_values(project)
    code, out, _ = run(capsys, "values", "--root", str(project), "--lang", "es", "--evaluation", EVAL)
    assert code == 0
    assert out.splitlines()[:3] == [
        "3 valores de mexico-auto-2024 (results/mexico-auto-2024/values.json); cite uno en un .qmd como "
        "{{< meta values.<id> >}}",
        "id\tes-MX\tcódigo corto",
        "engagement_log.kii\t1234\t{{< meta values.engagement_log.kii >}}",
    ]


def test_values_not_built_says_how_to_build(project, capsys):
    code, out, err = run(capsys, "values", "--root", str(project))
    assert (code, out) == (1, "")
    assert err == ("evalkit: results/mexico-auto-2024/values.json is not built yet; build it with: "
                   "./run build --config evaluation=mexico-auto-2024\n")
    code, out, err = run(capsys, "values", "--root", str(project), "--lang", "es-MX")
    assert err == ("evalkit: results/mexico-auto-2024/values.json aún no está construido; constrúyalo con: "
                   "./run build --config evaluation=mexico-auto-2024\n")


def test_unknown_evaluation_and_language(project, capsys):
    code, _, err = run(capsys, "values", "--root", str(project), "--evaluation", "nope")
    assert code == 1
    assert err == ("evalkit: no evaluation nope (config/evaluations/nope/evaluation.yaml); known: "
                   "ilab-usmca-2025, mexico-auto-2024, sc2-mexico-2024\n")
    code, _, err = run(capsys, "fragments", "--root", str(project), "--lang", "fr")
    assert code == 1
    assert err == "evalkit: language fr is not configured; expected one of en-US, es-MX, en, es\n"


def test_fragments_lists_include_lines_per_language(project, capsys):
    build_fragments(project)
    code, out, err = run(capsys, "fragments", "--root", str(project))
    assert (code, err) == (0, "")
    inc = "{{< include ../../../results/mexico-auto-2024/report/%s/fragments/%s >}}"
    head = ("{lang}: 3 fragments for the documents in report/mexico-auto-2024/{sub}/ (paste the include line into a "
            ".qmd; in a subfolder such as briefs/, add one ../ per level)\n")
    assert out == "\n".join(
        head.format(lang=lang, sub=sub)
        + f"acronyms.md\t{inc % (sub, 'acronyms.md')}\n"
        + f"briefs/compliance.md\t{inc % (sub, 'briefs/compliance.md')}\n"
        + f"findings.md\t{inc % (sub, 'findings.md')}\n"
        for lang, sub in (("en-US", "en"), ("es-MX", "es"))
    )
    code, out, _ = run(capsys, "fragments", "--root", str(project), "--lang", "es")
    assert out.splitlines()[0] == ("es-MX: 3 fragmentos para los documentos de report/mexico-auto-2024/es/ "
                                   "(pegue la línea include en un .qmd; en una subcarpeta como briefs/, agregue un "
                                   "../ por nivel)")


def test_fragments_not_built(project, capsys):
    code, out, err = run(capsys, "fragments", "--root", str(project), "--lang", "en")
    assert (code, out) == (1, "")
    assert err == ("evalkit: results/mexico-auto-2024/report/en/fragments is not built yet; build it with: "
                   "./run build --config evaluation=mexico-auto-2024\n")


def test_help(capsys):
    for command in ("values", "fragments"):
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        assert exc.value.code == 0
        assert "--evaluation ID" in capsys.readouterr().out


def test_help_in_spanish(capsys):
    with pytest.raises(SystemExit):
        main(["fragments", "--lang", "es", "--help"])
    out = capsys.readouterr().out
    assert "Lee results/<evaluation>/report/<lang>/fragments/" in " ".join(out.split())
    assert "la evaluación (por omisión: evaluation: en config/config.yaml)" in " ".join(out.split())


def test_values_prefix(project, capsys):
    build_values(project)
    code, out, _ = run(capsys, "values", "survey.", "--root", str(project), "--lang", "en")
    assert code == 0
    assert out.splitlines()[2:] == [
        "survey.awareness.top_box_share\t63%\t{{< meta values.survey.awareness.top_box_share >}}",
        "survey.small.count\tsuppressed\t{{< meta values.survey.small.count >}}",
    ]
    assert out.startswith("2 values of mexico-auto-2024")
    code, out, err = run(capsys, "values", "nothing", "--root", str(project))
    assert (code, out) == (1, "")
    assert err == "evalkit: no value id starts with nothing in results/mexico-auto-2024/values.json\n"


def test_values_of_a_build_in_other_languages_than_the_config_lists_those(project, capsys):
    """A build made with --config languages=[es-MX] is listed in Spanish alone, without touching config.yaml."""
    build_values(project)
    path = project / "results" / EVAL / "values.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["languages"] = ["es-MX"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run(capsys, "values", "--root", str(project), "--evaluation", EVAL)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1] == "id\tes-MX\tcódigo corto"   # messages in the first language of the build
    assert "engagement_log.kii\t1234\t{{< meta values.engagement_log.kii >}}" in lines


def test_draft_and_preview_take_the_evaluation_and_its_built_languages(project):
    """`evalkit draft … --evaluation` and `evalkit preview --evaluation` load the evaluation named,
    in the languages it was built in."""
    from evalkit.cli.listing import built_context

    assert built_context(project).evaluation.id == EVAL
    out = project / "results" / "sc2-mexico-2024" / "values.json"
    out.parent.mkdir(parents=True)
    out.write_text(json.dumps({"format": "evalkit-values/1", "evaluation": "sc2-mexico-2024",
                               "languages": ["es-MX"], "values": {}}), encoding="utf-8")
    ctx = built_context(project, "sc2-mexico-2024")
    assert (ctx.evaluation.id, ctx.config["languages"]) == ("sc2-mexico-2024", ["es-MX"])


def test_draft_take_of_an_evaluation_not_built_says_so(project, capsys):
    code = main(["draft", "take", "v1", "--root", str(project), "--evaluation", "sc2-mexico-2024"])
    assert code == 1
    assert "results/sc2-mexico-2024/values.json" in capsys.readouterr().err
