"""Command line: `evalkit codebook-export` writes a starting codebook from a raw file (as iecodebook
template does); the team then completes roles, privacy classes and the other languages' labels.

The exported labels exist only in the language given; loading the evaluation fails, naming each
label, until every configured language is filled in, so no untranslated codebook slips through.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import yaml

from evalkit.core.errors import EvalkitError
from evalkit.core.io import display_path
from evalkit.intake.readers import read_raw


def slug(text: str, fallback: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")
    if not s or not s[0].isalpha():
        s = f"{fallback}_{s}" if s else fallback
    return s


def _code(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def export_codebook(path: str | Path, fmt: str, instrument: str, lang: str, encoding: str = "utf-8") -> dict:
    raw = read_raw(path, fmt, encoding=encoding)
    variables = []
    for col in raw.data.columns:
        name = slug(col, "var")
        var: dict = {"name": name}
        if name != col:
            var["raw_name"] = col
        labels = raw.value_labels.get(col)
        s = raw.data[col]
        if labels:
            var["role"] = "category"
            keys: list[str] = []
            cats = []
            for code, label in labels.items():
                if code in raw.declared_missing.get(col, set()):
                    continue
                k = slug(label, f"code_{code}")
                while k in keys:
                    k += "_"
                keys.append(k)
                cats.append({"code": _code(code), "key": k, "label": {lang: str(label)}})
            var["categories"] = cats
            if raw.declared_missing.get(col):
                var["declared_missing"] = sorted(str(_code(c)) for c in raw.declared_missing[col])
        elif pd.api.types.is_numeric_dtype(s):
            nums = s.dropna()
            var["role"] = "integer" if len(nums) and (nums % 1 == 0).all() else "number"
        else:
            text = s.dropna().astype(str)
            filled = text[text != ""]
            distinct = filled.nunique()
            short = bool(len(filled)) and filled.str.len().max() <= 40
            if raw.format == "csv" and len(filled) and filled.str.fullmatch(r"-?\d+").all():
                var["role"] = "integer"
            elif raw.format == "csv" and len(filled) and filled.str.fullmatch(r"-?\d+(\.\d+)?").all():
                var["role"] = "number"
            elif raw.format == "csv" and len(filled) and filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all():
                var["role"] = "date"
            elif raw.format == "csv" and short and 0 < distinct <= 12 and distinct < max(2, len(text) // 3):
                var["role"] = "category"
                var["categories"] = [{"code": v, "key": slug(v, "value"), "label": {lang: v}}
                                     for v in sorted(text[text != ""].unique())]
            else:
                var["role"] = "text"
        var["label"] = {lang: str(raw.variable_labels.get(col) or col)}
        variables.append(var)
    return {
        "instrument": instrument,
        "label": {lang: instrument},
        "id_variable": variables[0]["name"],
        "variables": variables,
    }


HEADER = """# Starting codebook exported by `evalkit codebook-export` from {file}.
# To do before use: check each role (identifier, category, rating, integer, number, date, text);
# mark privacy (direct_identifier, free_text, quasi_identifier); move rating variables onto a scale
# under `scales:` (declared_missing lists the codes the file declares missing); and add the label of
# every other document language. The pipeline refuses the codebook until every label exists in every
# configured language.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalkit", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("codebook-export", help="write a starting codebook (YAML) from a raw file")
    ex.add_argument("raw", help="raw file (.sav, .dta or .csv)")
    ex.add_argument("--instrument", required=True, help="instrument id")
    ex.add_argument("--format", choices=["spss", "stata", "csv"], help="default: from the file extension")
    ex.add_argument("--lang", default="en-US", help="language of the labels in the file (default en-US)")
    ex.add_argument("--encoding", default="utf-8", help="CSV encoding (default utf-8)")
    ex.add_argument("--output", "-o", help="write here instead of standard output")
    sp = sub.add_parser("content-split", help="move a registry's inline texts into one overlay file per language",
                        description="Writes registry.<tag>.yaml beside the registry for each language and leaves the "
                                    "structure (ids, links, ratings) in the registry: translators then edit their own "
                                    "file, and an edit in one language rebuilds only that language's documents.")
    sp.add_argument("registry", help="the content registry (YAML)")
    sp.add_argument("--languages", nargs="+", default=["en-US", "es-MX"], help="language tags (default en-US es-MX)")
    pv = sub.add_parser("preview", help="pictures (PNG) of the published documents, to look at what is published",
                        description="Renders the first pages of every published PDF (poppler's pdftoppm) and a "
                                    "screenshot of every published HTML page at 1280 and 320 CSS px (Chromium) into "
                                    "results/<evaluation>/previews/. Build first.")
    pv.add_argument("--root", default=".", help="the project folder (default: the current folder)")
    pv.add_argument("--pages", type=page_number, default=2, help="PDF pages to render from the start (default 2)")
    pv.add_argument("--page", type=page_number, action="append", metavar="N",
                    help="render PDF page N instead (repeatable, e.g. --page 1 --page 17)")
    pv.add_argument("--out", help="output folder (default: results/<evaluation>/previews/)")
    add_draft_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "draft":
        return draft_main(args)
    if args.command == "preview":
        return preview_main(args)
    if args.command == "content-split":
        from evalkit.content.overlays import split_registry
        try:
            for written in split_registry(args.registry, args.languages):
                print(f"wrote {written}")
        except EvalkitError as exc:
            print(f"evalkit: {exc}", file=sys.stderr)
            return 1
        return 0
    fmt = args.format or {".sav": "spss", ".dta": "stata", ".csv": "csv"}.get(Path(args.raw).suffix.lower())
    if fmt is None:
        parser.error("cannot tell the format from the file name; give --format")
    try:
        doc = export_codebook(args.raw, fmt, args.instrument, args.lang, args.encoding)
    except EvalkitError as exc:
        print(f"evalkit: {exc}", file=sys.stderr)
        return 1
    text = HEADER.format(file=args.raw) + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def page_number(text: str) -> int:
    """A page number for `evalkit preview`: a whole number from 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a page number from 1, found {text!r}")
    return int(text)


def preview_main(args) -> int:
    from evalkit.checks.preview import describe, preview_release
    from evalkit.model.context import Context

    try:
        ctx = Context.load(Path(args.root))
        out = Path(args.out) if args.out else ctx.layout.previews_dir()
        written = preview_release(ctx.layout.publish_dir(), out, pages=args.page or args.pages,
                                  chromium=ctx.config["accessibility"]["chromium"])
    except EvalkitError as exc:
        print(f"evalkit: {exc}", file=sys.stderr)
        return 1
    print(describe(written, out))
    return 0


# --- evalkit draft -------------------------------------------------------------------------------

def add_draft_parser(sub) -> None:
    """`evalkit draft take|compare|redline|comments|list` (evalkit.review.drafts)."""
    dr = sub.add_parser("draft", help="take drafts (snapshots of a build), compare them, render the comment matrix",
                        description="Drafts are named snapshots of a finished build, kept in drafts/<name>/.")
    dsub = dr.add_subparsers(dest="draft_command", required=True)
    take = dsub.add_parser("take", help="snapshot the current build (results/) as drafts/<name>/")
    take.add_argument("name", help="draft name: lowercase letters, digits, '.', '_', '-' (e.g. v1)")
    take.add_argument("--date", help="the draft's date, YYYY-MM-DD (default: today)")
    take.add_argument("--final", action="store_true",
                      help="mark it final: refused while any reviewer's comment lacks a disposition or points at "
                           "an id or section that no longer exists")
    take.add_argument("--replace", action="store_true", help="replace a stored draft of the same name")
    cmp_ = dsub.add_parser("compare", help="write the change report between two drafts (HTML per language + JSON)")
    cmp_.add_argument("old", help="earlier draft name")
    cmp_.add_argument("new", help="later draft name, or 'current' for the current build")
    cmp_.add_argument("--out", help="output folder (default: results/changes/<old>--<new>/)")
    com = dsub.add_parser("comments", help="write the comment matrix (HTML) from config/evaluations/<id>/comments.yaml")
    com.add_argument("--out", help="write this one file (in --lang) instead of "
                                   "results/comments/comments-<lang>.html for every language")
    com.add_argument("--lang", help="language of --out (default: the first configured language)")
    red = dsub.add_parser("redline", help="write the report between two drafts as DOCX with Word tracked changes, "
                                          "per language")
    red.add_argument("old", help="earlier draft name")
    red.add_argument("new", help="later draft name, or 'current' for the current build")
    red.add_argument("--out", help="output folder (default: results/changes/<old>--<new>/)")
    red.add_argument("--author", default="evalkit", help="author of the tracked changes (default: evalkit)")
    lst = dsub.add_parser("list", help="list the stored drafts")
    dr.add_argument("--root", default=".", help="the project folder (default: the current folder)")
    for p in (take, cmp_, com, lst):
        p.add_argument("--root", default=argparse.SUPPRESS, help="the project folder (default: the current folder)")


def draft_main(args) -> int:
    from evalkit.core.layout import Layout
    from evalkit.review.drafts import take_draft, write_change_report
    from evalkit.review.snapshot import list_drafts, load_draft

    root = Path(args.root)
    try:
        if args.draft_command == "list":
            for m in list_drafts(root):
                print(f"{m['name']}\t{m.get('date')}\t{m.get('commit') or '-'}\t{'final' if m.get('final') else ''}")
            return 0
        if args.draft_command in ("compare", "redline"):
            import time

            start = time.perf_counter()
            ctx = None
            if "current" in (args.old, args.new) or args.draft_command == "redline":
                from evalkit.model.context import Context

                ctx = Context.load(root)
            old = load_draft(root, args.old, ctx=ctx)
            new = load_draft(root, args.new, ctx=ctx)
            out = Path(args.out) if args.out else Layout.of(root, new.evaluation).changes(args.old, args.new)
            if args.draft_command == "redline":
                from evalkit.review.drafts import write_redlines

                written = write_redlines(old, new, out, ctx.evaluation.data["title"], args.author)
            else:
                written = write_change_report(old, new, out)
            for p in written.values():
                print(f"evalkit: wrote {display_path(p, root)}")
            print(f"evalkit: compared {args.old} with {args.new} in {time.perf_counter() - start:.1f} s")
            return 0
        from evalkit.model.context import Context

        ctx = Context.load(root)
        if args.draft_command == "take":
            path = take_draft(ctx, args.name, date=args.date, final=args.final, replace=args.replace)
            print(f"evalkit: draft {args.name} written to {ctx.rel(path)}")
            return 0
        if args.draft_command == "comments":
            return _comments_main(ctx, args)
    except EvalkitError as exc:
        print(f"evalkit: {exc}", file=sys.stderr)
        return 1
    return 2


def _comments_main(ctx, args) -> int:
    from evalkit.review.drafts import write_comment_matrices

    written, count = write_comment_matrices(ctx, args.out, args.lang)
    for out in written.values():
        print(f"evalkit: wrote {ctx.rel(out)} ({count} comments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
