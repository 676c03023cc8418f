"""Drafts on disk: named snapshots of a finished build, kept in drafts/<name>/ to compare later
drafts with.

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

`write_draft` writes a draft atomically (into a temporary folder, then renamed); taking a draft,
with its checks, is evalkit.review.drafts.take_draft. `load_draft(root, name)` reads one back;
the name `current` stands for the current build in results/ (not stored).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path

from evalkit.content.overlays import dump_registry_yaml, read_registry
from evalkit.content.registry import content_path
from evalkit.core.config import load_yaml
from evalkit.core.errors import EvalkitError
from evalkit.core.i18n import subtag
from evalkit.core.io import sha256_file
from evalkit.core.layout import DRAFTS, RESULTS, drafts_dir
from evalkit.review.prose import strip_front_matter

FORMAT_VERSION = "evalkit-draft/1"
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
CURRENT = "current"
DRAFTS_DIR = DRAFTS
RESULTS_DIR = RESULTS


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
    return strip_front_matter(path.read_text(encoding="utf-8"))


def read_csv_rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text))]


def _read_tables(folder: Path) -> dict[str, list[list[str]]]:
    if not folder.is_dir():
        return {}
    return {p.stem: read_csv_rows(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.csv"))}


def build_files(ctx) -> dict:
    """Where the current build's parts are: values, tables folder, registry (or None), text per language.

    Raises DraftError naming what is missing when the build is not finished."""
    layout = ctx.layout
    langs = list(ctx.config["languages"])
    values = layout.values()
    texts = {lang: layout.intermediate(subtag(lang), "report", ".md") for lang in langs}
    missing = [p for p in [values, *texts.values()] if not p.is_file()]
    if missing:
        raise DraftError("no finished build to take a draft of: missing "
                         + ", ".join(ctx.rel(p) for p in missing) + "; run `./run build` first")
    reg = content_path(ctx)
    if reg is not None and not reg.is_file():
        raise DraftError(f"the content registry {ctx.rel(reg)} named in evaluation.yaml does not exist")
    return {"values": values, "tables": layout.tables_dir(), "registry": reg, "texts": texts}


def current_registry(ctx, files: dict) -> dict | None:
    """The current content registry with the texts of every language (its overlays merged in)."""
    if files["registry"] is None:
        return None
    return read_registry(files["registry"], list(ctx.config["languages"]), display_root=ctx.root)


# --- writing a draft ----------------------------------------------------------------------------

def write_draft(ctx, name: str, day: str, final: bool, replace: bool, files: dict) -> Path:
    """Write the current build (`files`, from build_files) as drafts/<name>/ and return that
    folder; refused when the draft exists, unless `replace`."""
    root = Path(ctx.root)
    drafts = drafts_dir(root)
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
            (tmp / "registry.yaml").write_text(dump_registry_yaml(current_registry(ctx, files)), encoding="utf-8")
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


# --- reading drafts -----------------------------------------------------------------------------

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
                 registry=load_yaml(reg) if reg.is_file() else None, texts=texts, path=folder)


def current_build(ctx) -> Draft:
    files = build_files(ctx)
    langs = list(ctx.config["languages"])
    return Draft(name=CURRENT, date=None, commit=git_commit(Path(ctx.root)), final=False,
                 evaluation=ctx.evaluation.id, languages=langs,
                 values=json.loads(files["values"].read_text(encoding="utf-8")),
                 tables=_read_tables(files["tables"]),
                 registry=current_registry(ctx, files),
                 texts={lang: read_body(p) for lang, p in files["texts"].items()}, path=None)


def _context(root: Path):
    from evalkit.model.context import Context

    return Context.load(root)
