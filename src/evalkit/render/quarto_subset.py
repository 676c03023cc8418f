"""The subset of Quarto that report sources may use, and its expansion for the embedded renderer.

Both renderers (Quarto where installed, evalkit's embedded pandoc + Typst path everywhere) must
give the same document from the same source, so sources are limited to features both support:

* front matter keys in ALLOWED_FRONT_MATTER (``metadata-files`` brings in the pipeline's values);
* shortcodes ``{{< meta key >}}``, ``{{< include file >}}`` and ``{{< pagebreak >}}``;
* pandoc Markdown: headings, lists, emphasis, links, pipe tables with ``: caption {#tbl-id}``,
  images with ``{#fig-id fig-alt="..."}``, cross-references ``@fig-id`` / ``@tbl-id``, and fenced
  divs without Quarto-only classes.

Executable code cells, callouts, tabsets, column layouts and other shortcodes are refused with the
file and line, so a source that renders here also renders in Quarto and vice versa.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from evalkit.core.config import dotted
from evalkit.core.errors import RenderError

ALLOWED_FRONT_MATTER = {"title", "subtitle", "lang", "date", "author", "metadata-files", "toc",
                        "toc-title", "number-sections", "number-depth", "abstract", "keywords"}
SHORTCODE = re.compile(r"\{\{<\s*(\w[\w-]*)\s*(.*?)\s*>\}\}")
ALLOWED_SHORTCODES = {"meta", "include", "pagebreak"}
UNSUPPORTED = [
    (re.compile(r"^\s*```+\s*\{\s*[a-zA-Z]"), "executable code cells (```{lang})"),
    (re.compile(r"^\s*:::+.*\.callout"), "callouts"),
    (re.compile(r"^\s*:::+.*\.panel-"), "panels and tabsets"),
    (re.compile(r"^\s*:::+.*\.column-"), "column layouts"),
    (re.compile(r"layout-ncol|layout-nrow|layout="), "figure layouts"),
    (re.compile(r"^\s*#\|"), "cell options (#|)"),
]
MAX_INCLUDE_DEPTH = 5


@dataclass
class Expanded:
    front_matter: dict      # the document's own front matter
    metadata: dict          # metadata-files merged under the front matter
    body: str               # Markdown with shortcodes expanded


def split_front_matter(text: str, source: str) -> tuple[dict, str, int]:
    """(front matter, body, line number where the body starts)."""
    if not text.startswith("---"):
        return {}, text, 1
    end = re.search(r"^---\s*$", text[3:], flags=re.M)
    if not end:
        raise RenderError(f"{source}: front matter starts with '---' but has no closing '---'")
    raw = text[3:3 + end.start()]
    body = text[3 + end.end():]
    try:
        fm = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{source}: front matter is not valid YAML ({exc})") from None
    return fm, body.lstrip("\n"), raw.count("\n") + 3


def check_subset(text: str, source: str) -> list[str]:
    """Every use of a feature outside the supported subset, as 'file, line N: ...'."""
    problems = []
    fm, body, first = split_front_matter(text, source)
    for key in sorted(set(fm) - ALLOWED_FRONT_MATTER):
        problems.append(f"{source}: front matter key '{key}' is not supported by both renderers "
                        f"(allowed: {', '.join(sorted(ALLOWED_FRONT_MATTER))})")
    for n, line in enumerate(body.splitlines(), start=first):
        for rx, what in UNSUPPORTED:
            if rx.search(line):
                problems.append(f"{source}, line {n}: {what} are not supported by both renderers")
        for m in SHORTCODE.finditer(line):
            if m.group(1) not in ALLOWED_SHORTCODES:
                problems.append(f"{source}, line {n}: shortcode '{m.group(1)}' is not supported "
                                f"(allowed: {', '.join(sorted(ALLOWED_SHORTCODES))})")
    return problems


CROSS_REF_ID = re.compile(r"[@#](fig|tbl|sec)-[\w-]+")
COMMENT = re.compile(r"<!--.*?-->", re.S)


def typed_numbers(text: str, source: str) -> list[str]:
    """Digits in a document's authored prose (outside shortcodes, cross-reference ids and comments):
    a number reaches a document only from values.json ({{< meta values.<id> >}}), never typed."""
    _, body, first = split_front_matter(text, source)
    body = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    found = []
    for n, line in enumerate(body.splitlines(), start=first):
        m = re.search(r"\d", CROSS_REF_ID.sub("", SHORTCODE.sub("", line)))
        if m:
            found.append(f"{source}, line {n}: typed number in '{line.strip()[:80]}'; write numbers as "
                         "{{< meta values.<id> >}} (`evalkit values` lists the ids) or take them from a fragment")
    return found


def check_authored(path: str | Path, source: str) -> None:
    """An authored document (not a generated fragment) uses only the subset and types no number."""
    text = Path(path).read_text(encoding="utf-8")
    problems = check_subset(text, source) + typed_numbers(text, source)
    if problems:
        raise RenderError("\n".join(problems))


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def expand(path: str | Path, display_root: str | Path | None = None) -> Expanded:
    """Read a .qmd, check the subset, merge its metadata-files and expand its shortcodes."""
    path = Path(path)
    root = Path(display_root) if display_root else None

    def name(p: Path) -> str:
        try:
            return str(p.resolve().relative_to(root.resolve())) if root else str(p)
        except ValueError:
            return str(p)

    check_authored(path, name(path))
    text = path.read_text(encoding="utf-8")
    fm, body, first = split_front_matter(text, name(path))
    meta: dict = {}
    files = fm.get("metadata-files", [])
    for mf in [files] if isinstance(files, str) else files:
        mpath = path.parent / mf
        if not mpath.exists():
            raise RenderError(f"{name(path)}: metadata file {mf} does not exist ({name(mpath)}); "
                              "run the pipeline so that it is built")
        meta = _merge(meta, yaml.safe_load(mpath.read_text(encoding="utf-8")) or {})
    meta = _merge(meta, {k: v for k, v in fm.items() if k != "metadata-files"})

    def expand_text(txt: str, src: Path, first_line: int, depth: int) -> str:
        out_lines = []
        for n, line in enumerate(txt.splitlines(keepends=True), start=first_line):
            def repl(m: re.Match, n: int = n) -> str:
                kind, arg = m.group(1), m.group(2).strip()
                where = f"{name(src)}, line {n}"
                if kind == "meta":
                    val = dotted(meta, arg)
                    if val is None or isinstance(val, (dict, list)):
                        near = ".".join(arg.split(".")[:-1])
                        raise RenderError(f"{where}: {{{{< meta {arg} >}}}} names no value"
                                          + (f" (is '{near}' right?)" if near else "")
                                          + "; `evalkit values` lists the value ids")
                    return str(val)
                if kind == "include":
                    inc = src.parent / arg
                    if depth >= MAX_INCLUDE_DEPTH:
                        raise RenderError(f"{where}: includes nested deeper than {MAX_INCLUDE_DEPTH}")
                    if not inc.exists():
                        raise RenderError(f"{where}: included file {arg} does not exist ({name(inc)}); "
                                          "`evalkit fragments` lists the fragments the evaluation has")
                    inc_text = inc.read_text(encoding="utf-8")
                    inc_problems = check_subset(inc_text, name(inc))
                    if inc_problems:
                        raise RenderError("\n".join(inc_problems))
                    return expand_text(inc_text, inc, 1, depth + 1)
                if kind == "pagebreak":
                    return "\n```{=openxml}\n<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n```\n\n" \
                           "```{=typst}\n#pagebreak()\n```\n"
                raise RenderError(f"{where}: unsupported shortcode {kind}")
            out_lines.append(SHORTCODE.sub(repl, line))
        return "".join(out_lines)

    return Expanded(front_matter=fm, metadata=meta, body=expand_text(body, path, first, 0))
