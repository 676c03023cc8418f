"""The embedded renderer: pandoc (pypandoc-binary) for HTML and DOCX, pandoc's Typst writer plus
the Typst compiler for tagged PDF/UA-1. No Quarto needed.

Outputs are deterministic: timestamps come from the evaluation's date (SOURCE_DATE_EPOCH for
pandoc, ``timestamp`` for Typst), resources are embedded, fonts are Typst's bundled ones (system
fonts are ignored), and intermediate files use paths relative to themselves.

Beside the intermediates, <name>.render.json records each renderer call (pandoc's arguments, the
Typst compile settings) with paths relative to the build folder, so tools/benchmark/build.py can run
pandoc and Typst alone on the same files and compare.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pypandoc
import typst
import yaml

from evalkit.core.errors import RenderError
from evalkit.core.i18n import translator
from evalkit.core.io import atomic_write_bytes, atomic_write_text
from evalkit.render.docx import finish_docx, reference_docx
from evalkit.render.quarto_subset import Expanded

HERE = Path(__file__).parent
LUA_FILTER = HERE / "quarto-subset.lua"
HTML_CSS = HERE / "report.css"
HTML_TEMPLATE = HERE / "page.html5"
TYPST_HEADER = HERE / "header.typ"
TYPST_TEMPLATE = HERE / "page.typst"


def epoch_of(iso_date: str) -> int:
    d = date.fromisoformat(iso_date)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def intermediate_markdown(doc: Expanded, lang: str, resource_prefix: str) -> str:
    """Pandoc Markdown with a front matter pandoc understands (values already expanded)."""
    _ = translator(lang)
    fm = {k: v for k, v in doc.metadata.items() if k != "metadata-files"}
    if fm.get("lang") != lang:
        raise RenderError(f"the source's front matter says lang: {fm.get('lang')!r}; "
                          f"the pipeline builds it as {lang!r}")
    fm["crossref"] = {"fig-prefix": _("Figure"), "tbl-prefix": _("Table"), "annex-prefix": _("Annex {letter}"),
                      "lot-title": _("List of tables"), "lof-title": _("List of figures")}
    fm["evalkit-resource-prefix"] = resource_prefix
    if "toc-title" not in fm and fm.get("toc"):
        fm["toc-title"] = _("Contents")
    return "---\n" + yaml.safe_dump(fm, allow_unicode=True, sort_keys=True, width=1000) + "---\n\n" + doc.body


def _pandoc_data(name: str) -> bytes:
    """One of pandoc's default data files (e.g. its reference.docx), as the pinned pandoc has it."""
    proc = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", name], capture_output=True,
                          check=False)
    if proc.returncode != 0:
        raise RenderError(f"pandoc --print-default-data-file {name} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def _pandoc(args: list[str], cwd: Path, epoch: int, calls: list[dict] | None = None) -> None:
    if calls is not None:
        calls.append({"tool": "pandoc", "args": list(args)})
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    proc = subprocess.run([pypandoc.get_pandoc_path(), *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RenderError(f"pandoc {' '.join(args)} failed in {cwd}:\n{proc.stderr.strip()}")


def language_links(alternates: list[tuple[str, str]]) -> str:
    """Links to the same document in other languages: (language tag, relative href) each, the link
    text in that language ('Leer este documento en español')."""
    from html import escape

    from babel import Locale

    links = []
    for tag, href in alternates:
        name = Locale.parse(tag.replace("-", "_")).language_name
        text = translator(tag)("Read this document in {language}", language=name)
        links.append(f'<a href="{escape(href)}" hreflang="{escape(tag)}" lang="{escape(tag)}">{escape(text)}</a>')
    return " · ".join(links)


_DUPLICATE_LABEL = re.compile(r'<img role="img" aria-label="([^"]*)"((?:\s[^>]*?)?\salt="\1")')


def single_text_alternative(html: str) -> str:
    """Pandoc's --embed-resources gives each embedded image role="img" and an aria-label repeating its
    alt text; the alt text alone names an image, so the copy goes (a screen reader reads one, and a
    reviewer checks one)."""
    return _DUPLICATE_LABEL.sub(r"<img\2", html)


def typst_string_text(text: str) -> str:
    """``text`` for the inside of a Typst string literal ("..."): backslashes and quotes escaped,
    control characters and line breaks as spaces, so no text can end the string and run as code."""
    text = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text)
    return text.replace("\\", "\\\\").replace('"', '\\"')


def figures(extension: str) -> list[str]:
    """Charts are cited without an extension (evalkit.documents.charts.figure_ref): vector SVG for HTML and the
    PDF, a 300 dpi PNG for Word. Quarto gets the same from `default-image-extension` (report/_quarto.yml)."""
    return [f"--default-image-extension={extension}"]


def render_embedded(doc: Expanded, lang: str, formats: list[str], build_dir: Path, out_stem: Path,
                    source_dir: Path, project_root: Path, iso_date: str,
                    alternates: list[tuple[str, str]] = ()) -> list[Path]:
    """Render one document in one language to every format; returns the written files.

    build_dir: where intermediates go (<name>.md, <name>.typ, named after out_stem, so that documents
    sharing a folder can render at the same time); out_stem: e.g. results/publish/en/report
    (suffixes are added); source_dir: folder of the .qmd (relative image paths start there).
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    epoch = epoch_of(iso_date)
    prefix = os.path.relpath(source_dir.resolve(), build_dir.resolve())
    name = out_stem.name
    md = build_dir / f"{name}.md"
    md.write_text(intermediate_markdown(doc, lang, Path(prefix).as_posix()), encoding="utf-8")
    toc = ["--toc"] if doc.front_matter.get("toc") else []
    numbered = ["--number-sections"] if doc.front_matter.get("number-sections") else []
    common = [md.name, "--from", "markdown", "--lua-filter", str(LUA_FILTER), *numbered]

    def one(fmt: str) -> tuple[Path, list[dict]]:
        """Render ``fmt``: its target and the calls it made, in order."""
        calls: list[dict] = []
        target = out_stem.with_suffix(f".{fmt}")
        tmp = build_dir / f"{name}.tmp.{fmt}"
        if fmt == "html":
            # one h1 (the title): chapters become h2 in HTML; the contents keep their three levels
            page = ["--template", os.path.relpath(HTML_TEMPLATE, build_dir), "--shift-heading-level-by=1",
                    "--toc-depth=4", "--variable", f"skip-label={translator(lang)('Skip to main content')}",
                    "--variable", f"toc-label={translator(lang)('Contents')}"]
            if alternates:
                page += ["--variable", f"language-links={language_links(list(alternates))}"]
            _pandoc([*common, *toc, "--to", "html5", "--standalone", "--embed-resources", *page, *figures("svg"),
                     "--css", os.path.relpath(HTML_CSS, build_dir), "--output", tmp.name], build_dir, epoch, calls)
        elif fmt == "docx":
            day = date.fromisoformat(iso_date)
            reference = reference_docx(_pandoc_data("reference.docx"), build_dir / f"{name}.reference.docx",
                                       bool(numbered),
                                       stamp=(day.year, day.month, day.day, 0, 0, 0))
            _pandoc([*common, *toc, "--to", "docx", "--reference-doc", reference.name, *figures("png"),
                     "--output", tmp.name], build_dir, epoch, calls)
            # a report's pages carry the kind of document as running header; a brief's only page numbers
            running = str(doc.metadata.get("running-header") or "") if numbered else ""
            finish_docx(tmp, running, translator(lang)("Page"))
        elif fmt == "pdf":
            header = os.path.relpath(TYPST_HEADER, build_dir)
            # the contents come from the Lua filter (after the front matter), not from --toc
            # a numbered document (a report) opens with a cover page; a brief with a title block
            cover = ["--variable", "cover-page=true"] if numbered else []
            authors = doc.metadata.get("author") or []
            authors = [authors] if isinstance(authors, str) else [str(a) for a in authors]
            if authors:
                cover += ["--variable", f"pdf-author={typst_string_text(', '.join(authors))}"]
            _pandoc([*common, *cover, "--to", "typst", "--standalone",
                     "--template", os.path.relpath(TYPST_TEMPLATE, build_dir),
                     "--include-in-header", header, *figures("svg"),
                     "--output", f"{name}.typ"], build_dir, epoch, calls)
            calls.append({"tool": "typst", "input": f"{name}.typ", "output": tmp.name, "pdf_standards": ["ua-1"],
                          "root": os.path.relpath(project_root.resolve(), build_dir.resolve()),
                          "ignore_system_fonts": True, "timestamp": epoch})
            try:
                pdf = typst.compile(str(build_dir / f"{name}.typ"), root=str(project_root.resolve()),
                                    pdf_standards=["ua-1"], ignore_system_fonts=True, timestamp=epoch)
            except Exception as exc:  # typst raises TypstError with the diagnostics
                raise RenderError(f"Typst could not make a PDF/UA-1 from {build_dir / f'{name}.typ'}: {exc}") from None
            tmp.write_bytes(pdf)
        else:
            raise RenderError(f"unknown format {fmt!r}")
        data = tmp.read_bytes()
        if fmt == "html":
            data = single_text_alternative(data.decode("utf-8")).encode("utf-8")
        atomic_write_bytes(target, data)
        tmp.unlink()
        return target, calls

    # the formats are independent (pandoc and Typst run as their own processes): made side by side,
    # recorded in the order of `formats`; the first format that failed is the error
    with ThreadPoolExecutor(max_workers=len(formats) or 1) as pool:
        made = [pool.submit(one, fmt) for fmt in formats]
    written, calls = [], []
    for future in made:
        target, fmt_calls = future.result()
        written.append(target)
        calls += fmt_calls
    record = {"document": name, "epoch": epoch, "calls": calls}
    atomic_write_text(build_dir / f"{name}.render.json", json.dumps(record, indent=2, sort_keys=True) + "\n")
    return written
