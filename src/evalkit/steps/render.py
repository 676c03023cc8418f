"""Rule render_report: one Quarto source -> HTML, PDF/UA-1 and DOCX, with the configured renderer."""

from __future__ import annotations

from pathlib import Path

from evalkit.model.context import Context
from evalkit.render.quarto_subset import expand


def render_report(ctx: Context, lang: str, out_files: list[str | Path], build_dir: str | Path,
                  document: str = "report") -> None:
    """Render one document of one language (report/<evaluation>/<lang>/<document>.qmd) to `out_files`."""
    from evalkit.render.embedded import render_embedded
    from evalkit.render.quarto import quarto_available, render_quarto

    renderer = ctx.config["renderer"]
    if renderer == "auto":
        renderer = "quarto" if quarto_available() else "embedded"
    src = ctx.report_source(lang, document)
    out_stem = Path(out_files[0]).with_suffix("")
    formats = [Path(f).suffix.lstrip(".") for f in out_files]
    if renderer == "quarto":
        from evalkit.render.quarto_subset import check_authored

        check_authored(src, ctx.rel(src))
        render_quarto(src, lang, formats, out_stem, Path(build_dir), ctx.evaluation.data["date"])
    else:
        doc = expand(src, display_root=ctx.root)
        render_embedded(doc, lang, formats, Path(build_dir), out_stem, src.parent, ctx.root,
                        ctx.evaluation.data["date"], alternates=other_languages(ctx, lang, document))


def other_languages(ctx: Context, lang: str, document: str) -> list[tuple[str, str]]:
    """The same document in the evaluation's other languages: (tag, href relative to this one)."""
    from evalkit.core.i18n import subtag

    up = "../" * (document.count("/") + 1)
    return [(tag, f"{up}{subtag(tag)}/{document}.html") for tag in ctx.config["languages"] if tag != lang]


def document_title(ctx: Context, lang: str, document: str = "report") -> str:
    doc = expand(ctx.report_source(lang, document), display_root=ctx.root)
    return str(doc.metadata.get("title", ""))
