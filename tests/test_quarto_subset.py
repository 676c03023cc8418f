"""Report sources stay inside the Quarto subset both renderers support, and the embedded
renderer expands it the way Quarto does."""

from __future__ import annotations

import re
import shutil

import pypandoc
import pytest

from evalkit.core.errors import RenderError
from evalkit.render.embedded import LUA_FILTER
from evalkit.render.quarto_subset import check_subset, expand

from .conftest import ROOT


def sources():
    return sorted((ROOT / "report").rglob("*.qmd"))


def test_there_are_sources_in_both_languages():
    names = {p.relative_to(ROOT / "report").as_posix() for p in sources()}
    assert {"mexico-auto-2024/en/report.qmd", "mexico-auto-2024/es/report.qmd"} <= names


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_sources_use_only_the_supported_subset(path):
    assert check_subset(path.read_text(encoding="utf-8"), str(path)) == []


@pytest.mark.parametrize("snippet,what", [
    ("```{python}\nprint(1)\n```\n", "executable code cells"),
    ("::: {.callout-note}\nx\n:::\n", "callouts"),
    ("::: {.panel-tabset}\nx\n:::\n", "panels and tabsets"),
    ("{{< video https://example.org/v.mp4 >}}\n", "shortcode 'video'"),
    ("![a](b.png){layout-ncol=2}\n", "figure layouts"),
])
def test_unsupported_features_are_refused_with_line(snippet, what):
    text = "---\nlang: en-US\n---\n\nIntro.\n\n" + snippet
    [problem] = check_subset(text, "r.qmd")
    assert problem.startswith("r.qmd, line 7:") and what in problem


def test_unknown_front_matter_key():
    [problem] = check_subset("---\nlang: en-US\nexecute:\n  echo: false\n---\n", "r.qmd")
    assert "front matter key 'execute'" in problem


def test_expand_meta_include_and_errors(tmp_path):
    (tmp_path / "meta.yml").write_text("values:\n  s:\n    share: '72%'\n")
    (tmp_path / "frag.md").write_text("Included {{< meta values.s.share >}}.\n")
    doc = tmp_path / "r.qmd"
    doc.write_text("---\nlang: en-US\nmetadata-files: [meta.yml]\n---\n\n"
                   "Share {{< meta values.s.share >}}.\n\n{{< include frag.md >}}\n")
    out = expand(doc)
    assert "Share 72%." in out.body and "Included 72%." in out.body
    assert out.metadata["lang"] == "en-US"

    doc.write_text("---\nlang: en-US\nmetadata-files: [meta.yml]\n---\n\nx\n\n{{< meta values.s.shar >}}\n")
    with pytest.raises(RenderError, match=r"line 8: \{\{< meta values.s.shar >\}\} names no value"):
        expand(doc)
    doc.write_text("---\nlang: en-US\nmetadata-files: [missing.yml]\n---\n")
    with pytest.raises(RenderError, match="metadata file missing.yml does not exist"):
        expand(doc)


def to_html(md: str, **meta) -> str:
    args = ["--wrap=none", "--lua-filter", str(LUA_FILTER)] + [f"--metadata={k}:{v}" for k, v in meta.items()]
    return pypandoc.convert_text(md, "html", format="markdown", extra_args=args)


FIG_TABLE = """See @fig-a and @tbl-b.

![Cap](a.png){#fig-a fig-alt="Bars: A 10%, B 90%"}

| x | y |
|---|---|
| 1 | 2 |

: Table cap {#tbl-b}
"""


def test_crossrefs_and_alt_text_in_html():
    html = to_html(FIG_TABLE)
    assert '<a href="#fig-a">Figure\u00a01</a>' in html and '<a href="#tbl-b">Table\u00a01</a>' in html
    assert 'alt="Bars: A 10%, B 90%"' in html
    assert "Figure\u00a01: Cap" in html and "Table\u00a01: Table cap" in html


def test_crossref_prefixes_follow_the_document_language(tmp_path):
    md = "---\ncrossref:\n  fig-prefix: Figura\n  tbl-prefix: Tabla\n---\n\n" + FIG_TABLE
    html = to_html(md)
    assert "Figura\u00a01" in html and "Tabla\u00a01: Table cap" in html


def test_typst_keeps_alt_text():
    typ = pypandoc.convert_text(FIG_TABLE, "typst", format="markdown",
                                extra_args=["--lua-filter", str(LUA_FILTER)])
    assert '#image("a.png", alt: "Bars: A 10%, B 90%")' in typ


def test_broken_crossref_stops_the_render():
    with pytest.raises(RuntimeError, match="@fig-nowhere points to no figure or table"):
        to_html("See @fig-nowhere.\n")


@pytest.mark.quarto
@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not installed on this machine")
def test_quarto_renders_the_same_sources(tmp_path):
    """Where Quarto exists, it renders the report sources as they are (after the pipeline ran)."""
    from evalkit.model.context import Context
    from evalkit.steps.render import render_report

    ctx = Context.load(ROOT, config={**Context.load(ROOT).config, "renderer": "quarto"})
    if not (ROOT / "results" / "mexico-auto-2024" / "report" / "en" / "meta.yml").exists():
        pytest.skip("run ./run build first: the sources read values from results/")
    out = tmp_path / "en" / "report.html"
    render_report(ctx, "en-US", [out], tmp_path / "build")
    html = out.read_text(encoding="utf-8")
    assert 'lang="en-US"' in html and "Figure" in html


def typed_numbers(path) -> list[str]:
    from evalkit.render.quarto_subset import typed_numbers as found

    return found(path.read_text(encoding="utf-8"), path.name)


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_sources_type_no_numbers(path):
    """Numbers reach documents only from values.json: authored text has no digits outside shortcodes."""
    assert typed_numbers(path) == []


def test_typed_number_is_caught_and_refused_at_render(tmp_path):
    from evalkit.render.quarto_subset import expand

    p = tmp_path / "r.qmd"
    p.write_text("---\nlang: en-US\n---\n\nAbout 72% agreed ({{< meta values.a >}}).\n\nSee @fig-x1.\n"
                 "<!-- a comment may say 2024 -->\n")
    want = ["r.qmd, line 5: typed number in 'About 72% agreed ({{< meta values.a >}}).'; write numbers as "
            "{{< meta values.<id> >}} (`evalkit values` lists the ids) or take them from a fragment"]
    assert typed_numbers(p) == want
    with pytest.raises(RenderError) as e:
        expand(p)
    assert str(e.value) == want[0].replace("r.qmd", str(p), 1)


def test_quarto_renderer_without_quarto_says_so(tmp_path, monkeypatch):
    from evalkit.render import quarto

    monkeypatch.setattr(quarto.shutil, "which", lambda name: None)
    with pytest.raises(RenderError, match="renderer 'quarto' but no 'quarto' is on PATH"):
        quarto.render_quarto(tmp_path / "report.qmd", "en-US", ["html"], tmp_path / "out", tmp_path, "2024-08-30")
    assert not (tmp_path / "out.html").exists()


def test_a_case_box_is_a_tinted_block_in_typst_and_a_classed_div_with_its_heading_in_html():
    md = "### Finding 1.1: A\n\nText.\n\n::: {.case-box}\n#### Case: A plant {#case-a}\n\nWhat happened.\n:::\n"
    typ = pypandoc.convert_text(md, "typst", format="markdown", extra_args=["--lua-filter", str(LUA_FILTER)])
    box = typ[typ.index('#block(fill: rgb("#eef3f9")'):]
    assert "Case: A plant" in box and "What happened." in box and box.index("What happened.") < box.index("\n]")
    html = to_html(md)
    # a section of its own, labelled by its heading
    assert re.search(r'<section id="case-a" class="case-box">\s*<h4>Case: A plant</h4>\s*<p>What happened.</p>',
                     html), html
    docx_like = pypandoc.convert_text(md, "markdown", format="markdown", extra_args=["--lua-filter", str(LUA_FILTER)])
    assert "#block" not in docx_like  # other formats keep the plain blocks


def test_a_story_box_is_a_tinted_block_in_typst_and_a_section_labelled_by_its_heading_in_html():
    md = "# Stories\n\n::: {.story-box}\n## Union vote {#story-a}\n\n**Who changed:** Plant workers\n:::\n"
    typ = pypandoc.convert_text(md, "typst", format="markdown", extra_args=["--lua-filter", str(LUA_FILTER)])
    box = typ[typ.index('#block(fill: rgb("#eef3f9")'):]
    assert "Union vote" in box and "Plant workers" in box and box.index("Plant workers") < box.index("\n]")
    html = to_html(md)
    assert re.search(r'<section id="story-a" class="story-box">\s*<h2>Union vote</h2>\s*<p><strong>Who changed:'
                     r'</strong> Plant workers</p>', html), html


def test_key_figures_are_a_list_of_real_text_in_html_pdf_and_word(tmp_path):
    """The methods-in-figures call-out: each figure and what it counts as list text, in every format
    (a tinted box in HTML and the PDF, a plain list in Word), never an image."""
    import docx

    md = "::: {.key-figures}\n- **19** projects reviewed\n- **7** sources of context figures\n:::\n"
    html = to_html(md)
    assert re.search(r'<div class="key-figures">\s*<ul>\s*<li><strong>19</strong> projects reviewed</li>\s*'
                     r'<li><strong>7</strong> sources of context figures</li>\s*</ul>\s*</div>', html), html
    typ = pypandoc.convert_text(md, "typst", format="markdown", extra_args=["--lua-filter", str(LUA_FILTER)])
    box = typ[typ.index('#block(fill: rgb("#eef3f9")'):]
    assert "- #strong[19] projects reviewed" in box and box.index("sources of context figures") < box.index("\n]")
    out = tmp_path / "k.docx"
    pypandoc.convert_text(md, "docx", format="markdown", outputfile=str(out),
                          extra_args=["--lua-filter", str(LUA_FILTER)])
    paras = [p for p in docx.Document(str(out)).paragraphs if p.text.strip()]
    assert [p.text for p in paras] == ["19 projects reviewed", "7 sources of context figures"]
    assert all(p._p.pPr is not None and p._p.pPr.numPr is not None for p in paras)  # a list, not loose lines
    assert not docx.Document(str(out)).inline_shapes  # no image
