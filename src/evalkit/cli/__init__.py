"""The evalkit command: codebook-export, content-split, preview, draft, values and fragments.

`evalkit codebook-export` writes a starting codebook from a raw file (as iecodebook template does;
evalkit.cli.codebook); the team then confirms roles and privacy classes and adds the other
languages' labels. `evalkit values` and `evalkit fragments` (evalkit.cli.listing) list what a
document can cite from a build.

The exported labels exist only in the language given or detected; loading the evaluation fails, naming each
label, until every configured language is filled in, and naming each line still marked `# proposed: confirm`,
so no untranslated or unconfirmed codebook slips through.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

import evalkit.cli.listing as listing
from evalkit.cli.codebook import export_codebook, mark_proposals, summary
from evalkit.core.errors import EvalkitError
from evalkit.core.io import display_path

__all__ = ["export_codebook", "main"]


HEADER = """# Starting codebook exported by `evalkit codebook-export` from {file}.
# Labels are in {lang}. To do before use: confirm every line marked `# proposed: confirm` (roles,
# privacy classes, scales) and delete the marker; check the other roles (identifier, category,
# rating, integer, number, date, text) and privacy classes (direct_identifier, free_text,
# quasi_identifier, confidential_text); then add the label of every other document language. The
# pipeline refuses the codebook while a marker is left or a label is missing in a configured language.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalkit", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("codebook-export", help="write a starting codebook (YAML) from a raw file")
    ex.add_argument("raw", help="raw file (.sav, .dta or .csv)")
    ex.add_argument("--instrument", required=True, help="instrument id")
    ex.add_argument("--format", choices=["spss", "stata", "csv"], help="default: from the file extension")
    ex.add_argument("--language", "--lang", dest="language", metavar="TAG", type=language_tag,
                    help="language of the labels in the file, e.g. es-MX (default: detected from the labels, "
                         "en-US or es-MX)")
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
    pv.add_argument("--evaluation", metavar="ID", help="the evaluation (default: evaluation: in config/config.yaml)")
    pv.add_argument("--pages", type=page_number, default=2, help="PDF pages to render from the start (default 2)")
    pv.add_argument("--page", type=page_number, action="append", metavar="N",
                    help="render PDF page N instead (repeatable, e.g. --page 1 --page 17)")
    pv.add_argument("--out", help="output folder (default: results/<evaluation>/previews/)")
    add_draft_parser(sub)
    add_new_parser(sub)
    listing.add_parsers(sub, sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.command == "new":
        return new_main(args)
    if args.command in ("values", "fragments"):
        return listing.main(args)
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
        result = export_codebook(args.raw, fmt, args.instrument, args.language, args.encoding)
    except EvalkitError as exc:
        print(f"evalkit: {exc}", file=sys.stderr)
        return 1
    body = yaml.safe_dump(result["codebook"], allow_unicode=True, sort_keys=False, width=110, default_flow_style=None)
    text = HEADER.format(file=args.raw, lang=result["language"][0]) + mark_proposals(body, result["proposals"])
    sys.stderr.write(summary(result))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def language_tag(text: str) -> str:
    """A language tag as the schemas require it (es-MX, en-US)."""
    from evalkit.core.i18n import LANGUAGE_TAG

    if not LANGUAGE_TAG.match(text):
        raise argparse.ArgumentTypeError(f"expected a language tag such as es-MX or en-US, found {text!r}")
    return text


def page_number(text: str) -> int:
    """A page number for `evalkit preview`: a whole number from 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a page number from 1, found {text!r}")
    return int(text)


def preview_main(args) -> int:
    from evalkit.checks.preview import describe, preview_release

    try:
        ctx = listing.built_context(Path(args.root), args.evaluation)
        out = Path(args.out) if args.out else ctx.layout.previews_dir()
        written = preview_release(ctx.layout.publish_dir(), out, pages=args.page or args.pages,
                                  chromium=ctx.config["accessibility"]["chromium"])
    except EvalkitError as exc:
        print(f"evalkit: {exc}", file=sys.stderr)
        return 1
    print(describe(written, out))
    return 0


# --- evalkit new ---------------------------------------------------------------------------------

def add_new_parser(sub) -> None:
    from evalkit.cli.skeleton import FAMILIES
    from evalkit.model.types import type_names

    nw = sub.add_parser("new", help="write the skeleton of a new evaluation, which builds at once",
                        description="Writes config/evaluations/<id>/, raw/<id>/ (placeholder data), "
                                    "report/<id>/content/ "
                                    "and report/<id>/<language>/report.qmd, each saying what to replace. Never "
                                    "overwrites: an id in use is refused.")
    nw.add_argument("id", help="the evaluation id (lowercase letters, digits, '-'), also its folder names")
    nw.add_argument("--type", required=True, choices=type_names(),
                    help="the kind of evaluation (workflow/schemas/evaluation_types.yaml)")
    nw.add_argument("--languages", nargs="+", type=language_tag, default=["en-US", "es-MX"], metavar="TAG",
                    help="document languages, the first the primary one (default en-US es-MX)")
    nw.add_argument("--instruments", nargs="+", metavar="FAMILY[:ID]",
                    help=f"instruments to start with ({', '.join(FAMILIES)}; default: by type)")
    nw.add_argument("--root", default=".", help="the project folder (default: the current folder)")


def new_main(args) -> int:
    from evalkit.cli.skeleton import new_evaluation

    root = Path(args.root)
    try:
        written = new_evaluation(root, args.id, args.type, args.languages, args.instruments)
    except EvalkitError as exc:
        print(f"evalkit: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {display_path(path, root)}")
    tags = ", ".join(args.languages)
    print(f"build it: ./run build --config evaluation={args.id} 'languages=[{tags}]'")
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
    dr.add_argument("--evaluation", metavar="ID", help="the evaluation (default: evaluation: in config/config.yaml)")
    for p in (take, cmp_, com, lst):
        p.add_argument("--root", default=argparse.SUPPRESS, help="the project folder (default: the current folder)")
        p.add_argument("--evaluation", metavar="ID", default=argparse.SUPPRESS,
                       help="the evaluation (default: evaluation: in config/config.yaml)")


def draft_main(args) -> int:
    from evalkit.core.layout import Layout
    from evalkit.review.drafts import take_draft, write_change_report
    from evalkit.review.snapshot import list_drafts, load_draft

    root = Path(args.root)
    try:
        if args.draft_command == "list":
            for m in list_drafts(root):
                print(f"{m['name']}\t{m.get('evaluation') or '-'}\t{m.get('date')}\t{m.get('commit') or '-'}\t"
                      f"{'final' if m.get('final') else ''}")
            return 0
        if args.draft_command in ("compare", "redline"):
            import time

            start = time.perf_counter()
            ctx = None
            if "current" in (args.old, args.new) or args.draft_command == "redline":
                ctx = listing.built_context(root, args.evaluation)
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
        ctx = listing.built_context(root, args.evaluation)
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
