"""Drafts: named snapshots of a finished build, kept in drafts/<name>/ to compare later drafts with.

A draft holds what reviewers see and what the numbers are: values.json, the results tables, the
content registry and the report's text in every language (the Markdown after values were
substituted, without its front matter), plus draft.json with its name, date, commit, whether it
is final, and the SHA-256 of every file::

    drafts/<name>/draft.json            {"format": "evalkit-draft/1", "name", "date", "commit", "final",
                                         "evaluation", "languages", "files": {path: sha256}}
    drafts/<name>/values.json
    drafts/<name>/tables/*.csv
    drafts/<name>/registry.yaml         (when the evaluation has a content registry)
    drafts/<name>/text/<subtag>.md

`take_draft` writes a draft atomically (into a temporary folder, then renamed); a final draft is
refused while a reviewer's comment lacks a disposition or points at an id or section that no
longer exists (evalkit.comments). `load_draft(root, name)` reads one back; the name `current`
stands for the current build in results/ (not stored).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path

from evalkit.core.errors import EvalkitError, ProblemsError
from evalkit.core.i18n import subtag
from evalkit.core.io import sha256_file

FORMAT_VERSION = "evalkit-draft/1"
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
CURRENT = "current"
DRAFTS_DIR = "drafts"
RESULTS_DIR = "results"


class DraftError(EvalkitError):
    """A draft cannot be taken, found or read."""


@dataclass
class Draft:
    name: str
    date: str | None
    commit: str | None
    final: bool
    evaluation: str
    languages: list[str]
    values: dict                                    # the values.json document
    tables: dict[str, list[list[str]]] = field(default_factory=dict)   # table name -> rows (header first)
    registry: dict | None = None                    # the content registry (parsed YAML)
    texts: dict[str, str] = field(default_factory=dict)                # language tag -> Markdown body
    path: Path | None = None                        # drafts/<name>, or None for the current build


# --- helpers ------------------------------------------------------------------------------------

def check_name(name: str) -> None:
    if name == CURRENT:
        raise DraftError(f"draft name '{CURRENT}' is reserved for the current build in {RESULTS_DIR}/")
    if not NAME.match(name or ""):
        raise DraftError(f"draft name {name!r}: expected lowercase letters, digits, '.', '_' or '-', starting "
                         f"with a letter or digit (e.g. 'v1', 'draft-2024-08')")


def check_date(text: str) -> str:
    problem = DraftError(f"draft date {text!r}: expected a date as YYYY-MM-DD (e.g. 2024-08-30)")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
        raise problem
    try:
        return _date.fromisoformat(text).isoformat()
    except ValueError:
        raise problem from None


def git_commit(root: Path) -> str | None:
    """`git rev-parse HEAD`, plus '+changes' when tracked or new files (outside drafts/ and
    results/) differ from it; None when the folder is not in a git work tree."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=60)
        if head.returncode != 0:
            return None
        status = subprocess.run(["git", "status", "--porcelain", "--", ".", f":(exclude){DRAFTS_DIR}",
                                 f":(exclude){RESULTS_DIR}"], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = head.stdout.strip()
    return commit + ("+changes" if status.returncode == 0 and status.stdout.strip() else "")


def read_body(path: Path) -> str:
    from evalkit.changes import strip_front_matter

    return strip_front_matter(path.read_text(encoding="utf-8"))


def _read_tables(folder: Path) -> dict[str, list[list[str]]]:
    from evalkit.changes import read_csv_rows

    if not folder.is_dir():
        return {}
    return {p.stem: read_csv_rows(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.csv"))}


def _load_yaml(path: Path):
    from evalkit.core.config import load_yaml

    return load_yaml(path)


def build_files(ctx) -> dict:
    """Where the current build's parts are: values, tables folder, registry (or None), text per language.

    Raises DraftError naming what is missing when the build is not finished."""
    from evalkit.steps.content import content_path

    root = Path(ctx.root)
    results = ctx.results
    langs = list(ctx.config["languages"])
    values = results / "values.json"
    texts = {lang: results / "build" / subtag(lang) / "report.md" for lang in langs}
    missing = [p for p in [values, *texts.values()] if not p.is_file()]
    if missing:
        raise DraftError("no finished build to take a draft of: missing "
                         + ", ".join(ctx.rel(p) for p in missing) + "; run `./run build` first")
    reg = content_path(ctx)
    if reg is not None and not reg.is_file():
        raise DraftError(f"the content registry {ctx.rel(reg)} named in evaluation.yaml does not exist")
    return {"values": values, "tables": results / "tables", "registry": reg, "texts": texts}


# --- taking a draft -----------------------------------------------------------------------------

def take_draft(ctx, name: str, date: str | None = None, final: bool = False, replace: bool = False) -> Path:
    """Snapshot the current build as drafts/<name>/ and return that folder.

    Refused when the build is unfinished, when the draft exists (unless `replace`), and, for a
    final draft, while any reviewer's comment lacks a disposition or points at a finding,
    recommendation, leverage point or section that no longer exists."""
    check_name(name)
    day = check_date(date) if date is not None else _date.today().isoformat()
    root = Path(ctx.root)
    files = build_files(ctx)
    values_doc = json.loads(files["values"].read_text(encoding="utf-8"))
    if values_doc.get("evaluation") not in (None, ctx.evaluation.id):
        raise DraftError(f"{ctx.rel(files['values'])} belongs to evaluation {values_doc.get('evaluation')!r}, "
                         f"not {ctx.evaluation.id!r}; rebuild first")
    if final:
        check_final(ctx, files)
    drafts = root / DRAFTS_DIR
    dest = drafts / name
    if dest.exists() and not replace:
        raise DraftError(f"{ctx.rel(dest)} exists already; choose another name or give --replace")
    drafts.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=drafts, prefix=f".{name}.", suffix=".tmp"))
    try:
        shutil.copyfile(files["values"], tmp / "values.json")
        if files["tables"].is_dir():
            (tmp / "tables").mkdir()
            for p in sorted(files["tables"].glob("*.csv")):
                shutil.copyfile(p, tmp / "tables" / p.name)
        if files["registry"] is not None:   # with every language's texts merged in
            from evalkit.content.overlays import dump_registry_yaml

            (tmp / "registry.yaml").write_text(dump_registry_yaml(_registry(ctx, files)), encoding="utf-8")
        (tmp / "text").mkdir()
        for lang, p in files["texts"].items():
            (tmp / "text" / f"{subtag(lang)}.md").write_text(read_body(p), encoding="utf-8")
        hashes = {p.relative_to(tmp).as_posix(): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
        meta = {"format": FORMAT_VERSION, "name": name, "date": day, "commit": git_commit(root),
                "final": bool(final), "evaluation": ctx.evaluation.id, "languages": list(ctx.config["languages"]),
                "files": hashes}
        (tmp / "draft.json").write_text(json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
        for p in [tmp, *tmp.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        if dest.exists():
            old = Path(tempfile.mkdtemp(dir=drafts, prefix=f".{name}.", suffix=".old"))
            os.replace(dest, old / name)
            try:
                os.replace(tmp, dest)
            except BaseException:
                os.replace(old / name, dest)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            try:
                os.rename(tmp, dest)
            except OSError:
                raise DraftError(f"{ctx.rel(dest)} appeared while the draft was written; nothing was changed") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def check_final(ctx, files: dict | None = None) -> None:
    """Raise ProblemsError listing every comment that stops a final draft."""
    from evalkit.comments import check_comments, comments_path, load_comments, registry_ids
    from evalkit.changes import section_titles

    files = files or build_files(ctx)
    path = comments_path(ctx)
    if not path.is_file():
        return
    comments = load_comments(path, display=ctx.rel(path))
    registry = _registry(ctx, files)
    titles = [t for p in files["texts"].values() for t in section_titles(read_body(p))]
    problems = check_comments(comments, registry_ids(registry), titles, final=True)
    if problems:
        raise ProblemsError(f"{ctx.rel(path)} (a final draft needs every comment resolved)", problems)


# --- reading drafts -----------------------------------------------------------------------------

def drafts_dir(root: str | Path) -> Path:
    return Path(root) / DRAFTS_DIR


def list_drafts(root: str | Path) -> list[dict]:
    """draft.json of every stored draft, oldest date first."""
    out = []
    folder = drafts_dir(root)
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            meta = p / "draft.json"
            if p.is_dir() and not p.name.startswith(".") and meta.is_file():
                out.append(json.loads(meta.read_text(encoding="utf-8")))
    return sorted(out, key=lambda m: (m.get("date") or "", m.get("name")))


def load_draft(root: str | Path, name: str, ctx=None, verify: bool = True) -> Draft:
    """A stored draft, or the current build for the name `current` (needs the evaluation's config;
    pass `ctx` to avoid loading it again). `verify` checks every file against its SHA-256."""
    root = Path(root)
    if name == CURRENT:
        return current_build(ctx if ctx is not None else _context(root))
    folder = drafts_dir(root) / name
    meta_path = folder / "draft.json"
    if not meta_path.is_file():
        known = ", ".join(m["name"] for m in list_drafts(root)) or "none"
        raise DraftError(f"no draft {name!r}: expected {DRAFTS_DIR}/{name}/draft.json (drafts: {known}; "
                         f"'{CURRENT}' is the current build)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT_VERSION:
        raise DraftError(f"{DRAFTS_DIR}/{name}/draft.json: expected format {FORMAT_VERSION!r}, "
                         f"found {meta.get('format')!r}")
    if verify:
        bad = [rel for rel, digest in meta.get("files", {}).items()
               if not (folder / rel).is_file() or sha256_file(folder / rel) != digest]
        if bad:
            raise DraftError(f"{DRAFTS_DIR}/{name}: file(s) changed or missing since the draft was taken: "
                             + ", ".join(bad))
    langs = meta["languages"]
    texts = {}
    for lang in langs:
        p = folder / "text" / f"{subtag(lang)}.md"
        texts[lang] = p.read_text(encoding="utf-8") if p.is_file() else ""
    reg = folder / "registry.yaml"
    return Draft(name=meta["name"], date=meta.get("date"), commit=meta.get("commit"), final=bool(meta.get("final")),
                 evaluation=meta.get("evaluation"), languages=langs,
                 values=json.loads((folder / "values.json").read_text(encoding="utf-8")),
                 tables=_read_tables(folder / "tables"),
                 registry=_load_yaml(reg) if reg.is_file() else None, texts=texts, path=folder)


def current_build(ctx) -> Draft:
    files = build_files(ctx)
    langs = list(ctx.config["languages"])
    return Draft(name=CURRENT, date=None, commit=git_commit(Path(ctx.root)), final=False,
                 evaluation=ctx.evaluation.id, languages=langs,
                 values=json.loads(files["values"].read_text(encoding="utf-8")),
                 tables=_read_tables(files["tables"]),
                 registry=_registry(ctx, files),
                 texts={lang: read_body(p) for lang, p in files["texts"].items()}, path=None)


def _registry(ctx, files: dict) -> dict | None:
    """The current content registry with the texts of every language (its overlays merged in)."""
    from evalkit.content.overlays import read_registry

    if files["registry"] is None:
        return None
    return read_registry(files["registry"], list(ctx.config["languages"]), display_root=ctx.root)


def _context(root: Path):
    from evalkit.model.context import Context

    return Context.load(root)


# --- comparing ----------------------------------------------------------------------------------

def default_changes_dir(results: str | Path, old: str, new: str) -> Path:
    """results/<evaluation>/changes/<old>--<new>/"""
    return Path(results) / "changes" / f"{old}--{new}"


def write_change_report(old: Draft, new: Draft, out_dir: str | Path) -> dict[str, Path]:
    """changes-<subtag>.html per language and changes.json in `out_dir`; returns what was written."""
    from evalkit.changes import compare_drafts, render_html
    from evalkit.core.io import atomic_write_text

    out_dir = Path(out_dir)
    changes = compare_drafts(old, new)
    written = {}
    for lang in changes.languages:
        p = out_dir / f"changes-{subtag(lang)}.html"
        atomic_write_text(p, render_html(changes, lang))
        written[lang] = p
    p = out_dir / "changes.json"
    atomic_write_text(p, changes.to_json())
    written["json"] = p
    return written


def write_redlines(old: Draft, new: Draft, out_dir: str | Path, title: dict, author: str) -> dict[str, Path]:
    """redline-<subtag>.docx per language: the report text of `new` against `old` as native Word
    tracked changes (evalkit.redline), dated with the later draft's date."""
    from evalkit.redline import redline_docx

    out_dir = Path(out_dir)
    written = {}
    for lang in new.languages:
        if lang not in old.texts or lang not in new.texts:
            continue
        p = out_dir / f"redline-{subtag(lang)}.docx"
        redline_docx(old.texts[lang], new.texts[lang], p, lang, title[lang], author,
                     new.date or old.date or "1970-01-01")
        written[lang] = p
    return written
