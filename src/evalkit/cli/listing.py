"""`evalkit values` and `evalkit fragments`: what a document of a built evaluation can cite.

`values` lists every value id of results/<evaluation>/values.json with its display form in each
language (or one, with --lang) and the shortcode a .qmd uses for it; `fragments` lists, per
language, the generated fragments in results/<evaluation>/report/<lang>/fragments/ (and its
subfolders, such as briefs/) with the include line to paste into report/<evaluation>/<lang>/*.qmd.
Both read a build and never start one, in the languages it was built in: when nothing is
built they say how to build and exit with 1. Messages are in the language of --lang (the first
language of the build by default), from the interface catalogues.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from evalkit.core.config import load_config
from evalkit.core.errors import EvalkitError
from evalkit.core.i18n import subtag, translator
from evalkit.core.layout import Layout
from evalkit.values.store import load_values, shown


def built_context(root: Path, evaluation: str | None = None):
    """The run context of an evaluation as it was built: `evaluation` (default: config.yaml's) in the
    languages of its values.json when it is built (a build may set them with --config), else in
    config.yaml's."""
    from evalkit.model.context import Context

    cfg = load_config(root / "config" / "config.yaml")
    if evaluation:
        cfg["evaluation"] = evaluation
    return Context.load(root, as_built(root, cfg))


def as_built(root: Path, cfg: dict) -> dict:
    """`cfg` with the languages the evaluation it names was built in (its values.json), when it is built."""
    built = Layout.of(root, cfg["evaluation"]).values()
    if built.is_file():
        cfg["languages"] = list(load_values(built).get("languages") or cfg["languages"])
    return cfg


def help_language(argv: list[str]) -> str:
    """The language of --help: the --lang given on the command line when it is Spanish (es, es-MX),
    else English; argparse's own words (usage, options) stay English."""
    for arg, following in zip(argv, [*argv[1:], ""], strict=True):
        given = arg.removeprefix("--lang=") if arg.startswith("--lang=") else following if arg == "--lang" else ""
        if subtag(given) == "es":
            return "es-MX"
    return "en-US"


def add_parsers(sub, argv: list[str]) -> None:
    _ = translator(help_language(argv))
    for name, help_, description in (
        ("values", _("list the value ids a document can cite, with their display forms"),
         _("Reads results/<evaluation>/values.json (made by the build) and prints one line per value id: the "
           "id, then its display form in each language (or in --lang), then the shortcode to write in a .qmd.")),
        ("fragments", _("list the generated fragments a document can include, per language"),
         _("Reads results/<evaluation>/report/<lang>/fragments/ (made by the build) and prints, per language, "
           "each fragment with the include line to paste into report/<evaluation>/<lang>/*.qmd.")),
    ):
        p = sub.add_parser(name, help=help_, description=description)
        p.add_argument("--evaluation", metavar="ID",
                       help=_("the evaluation (default: evaluation: in config/config.yaml)"))
        p.add_argument("--lang", metavar="LANG",
                       help=_("only this language, as a tag or subtag (en-US or en); also the language of the "
                              "messages (default: every configured language, messages in the first)"))
        p.add_argument("--root", default=".", help=_("the project folder (default: the current folder)"))
        if name == "values":
            p.add_argument("prefix", nargs="?", default="",
                           help=_("only the ids that start with this (for example post_interview.awareness)"))


def main(args) -> int:
    root = Path(args.root)
    try:
        from evalkit.model.context import Context

        cfg = load_config(root / "config" / "config.yaml")
        if args.evaluation:
            if not (root / "config" / "evaluations" / args.evaluation / "evaluation.yaml").is_file():
                known = sorted(p.name for p in (root / "config" / "evaluations").iterdir() if p.is_dir())
                _ = translator(_language(args.lang, cfg["languages"]) if args.lang else cfg["languages"][0])
                print(_("evalkit: no evaluation {id} (config/evaluations/{id}/evaluation.yaml); known: {known}",
                        id=args.evaluation, known=", ".join(known)), file=sys.stderr)
                return 1
            cfg["evaluation"] = args.evaluation
        langs = as_built(root, cfg)["languages"]   # a build may set them with --config languages=[...]
        if args.lang:
            lang = _language(args.lang, langs)
            if lang is None:
                _ = translator(langs[0])
                print(_("evalkit: language {lang} is not configured; expected one of {langs}",
                        lang=args.lang, langs=", ".join(langs + [subtag(t) for t in langs])), file=sys.stderr)
                return 1
            langs = [lang]
        ctx = Context.load(root, cfg)
    except EvalkitError as exc:
        print(f"evalkit: {exc}", file=sys.stderr)
        return 1
    _ = translator(langs[0])
    build = _("build it with: ./run build --config evaluation={id}", id=ctx.evaluation.id)
    try:
        if args.command == "values":
            return _values(ctx, langs, _, build, args.prefix)
        return _fragments(ctx, langs, _, build)
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _language(given: str, configured: list[str]) -> str | None:
    return next((t for t in configured if given in (t, subtag(t))), None)


def _values(ctx, langs: list[str], _, build: str, prefix: str) -> int:
    path = ctx.layout.values()
    if not path.is_file():
        print(_("evalkit: {path} is not built yet; {build}", path=ctx.rel(path), build=build), file=sys.stderr)
        return 1
    doc = load_values(path)
    values = {vid: v for vid, v in doc["values"].items() if vid.startswith(prefix)}
    if not values:
        print(_("evalkit: no value id starts with {prefix} in {path}", prefix=prefix, path=ctx.rel(path)),
              file=sys.stderr)
        return 1
    print(_("{count} values of {evaluation} ({path}); cite one in a .qmd as {shortcode}",
            count=len(values), evaluation=ctx.evaluation.id, path=ctx.rel(path),
            shortcode="{{< meta values.<id> >}}"))
    print("\t".join([_("id"), *langs, _("shortcode")]))
    for vid, entry in sorted(values.items()):
        print("\t".join([vid, *(shown(entry, lang) for lang in langs), f"{{{{< meta values.{vid} >}}}}"]))
    return 0


def _fragments(ctx, langs: list[str], _, build: str) -> int:
    missing = [ctx.layout.fragments(subtag(lang)) for lang in langs
               if not ctx.layout.fragments(subtag(lang)).is_dir()]
    if missing:
        for folder in missing:
            print(_("evalkit: {path} is not built yet; {build}", path=ctx.rel(folder), build=build), file=sys.stderr)
        return 1
    for n, lang in enumerate(langs):
        folder = ctx.layout.fragments(subtag(lang))
        documents = ctx.evaluation.report_dir() / subtag(lang)
        files = sorted(p for p in folder.rglob("*")
                       if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))
        if n:
            print()
        print(_("{lang}: {count} fragments for the documents in {folder}/ (paste the include line into a .qmd; "
                "in a subfolder such as briefs/, add one ../ per level)",
                lang=lang, count=len(files), folder=ctx.rel(documents)))
        for f in files:
            rel = Path(os.path.relpath(f, documents)).as_posix()
            print(f"{f.relative_to(folder).as_posix()}\t{{{{< include {rel} >}}}}")
    return 0
