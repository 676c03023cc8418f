"""What the `evalkit draft` commands do: take a draft, compare two drafts (the change report),
write their redlines, and write the comment matrix.

- `take_draft` snapshots the current build as drafts/<name>/ (evalkit.review.snapshot); a final
  draft is refused while a reviewer's comment lacks a disposition or points at an id or section
  that no longer exists (evalkit.review.comments).
- `write_change_report` writes changes-<subtag>.html per language and changes.json
  (evalkit.review.changes, evalkit.review.report).
- `write_redlines` writes redline-<subtag>.docx per language (evalkit.review.redline_docx).
- `write_comment_matrices` writes comments-<subtag>.html per language (evalkit.review.comments).
"""

from __future__ import annotations

import json
from datetime import date as _date
from pathlib import Path

from evalkit.content.overlays import read_registry
from evalkit.content.registry import content_path
from evalkit.core.errors import EvalkitError, ProblemsError
from evalkit.core.i18n import subtag
from evalkit.core.io import atomic_write_text
from evalkit.review.changes import compare_drafts
from evalkit.review.comments import check_comments, comments_path, load_comments, registry_ids, render_matrix_html
from evalkit.review.prose import section_titles
from evalkit.review.redline_docx import redline_docx
from evalkit.review.report import render_html
from evalkit.review.snapshot import (
    Draft,
    DraftError,
    build_files,
    check_date,
    check_name,
    current_registry,
    read_body,
    write_draft,
)


def take_draft(ctx, name: str, date: str | None = None, final: bool = False, replace: bool = False) -> Path:
    """Snapshot the current build as drafts/<name>/ and return that folder.

    Refused when the build is unfinished, when the draft exists (unless `replace`), and, for a
    final draft, while any reviewer's comment lacks a disposition or points at a finding,
    recommendation, leverage point or section that no longer exists."""
    check_name(name)
    day = check_date(date) if date is not None else _date.today().isoformat()
    files = build_files(ctx)
    values_doc = json.loads(files["values"].read_text(encoding="utf-8"))
    if values_doc.get("evaluation") not in (None, ctx.evaluation.id):
        raise DraftError(f"{ctx.rel(files['values'])} belongs to evaluation {values_doc.get('evaluation')!r}, "
                         f"not {ctx.evaluation.id!r}; rebuild first")
    if final:
        check_final(ctx, files)
    return write_draft(ctx, name, day, final, replace, files)


def check_final(ctx, files: dict | None = None) -> None:
    """Raise ProblemsError listing every comment that stops a final draft."""
    files = files or build_files(ctx)
    path = comments_path(ctx)
    if not path.is_file():
        return
    comments = load_comments(path, display=ctx.rel(path))
    registry = current_registry(ctx, files)
    titles = [t for p in files["texts"].values() for t in section_titles(read_body(p))]
    problems = check_comments(comments, registry_ids(registry), titles, final=True)
    if problems:
        raise ProblemsError(f"{ctx.rel(path)} (a final draft needs every comment resolved)", problems)


# --- comparing ----------------------------------------------------------------------------------

def same_evaluation(old: Draft, new: Draft) -> None:
    """Two drafts compare only when they are drafts of one evaluation."""
    if old.evaluation != new.evaluation:
        raise DraftError(f"draft {old.name!r} is of evaluation {old.evaluation!r} and {new.name!r} of "
                         f"{new.evaluation!r}; expected two drafts of one evaluation (`evalkit draft list` names "
                         f"each draft's evaluation)")


def write_change_report(old: Draft, new: Draft, out_dir: str | Path) -> dict[str, Path]:
    """changes-<subtag>.html per language and changes.json in `out_dir`; returns what was written."""
    same_evaluation(old, new)
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
    tracked changes, dated with the later draft's date."""
    same_evaluation(old, new)
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


# --- the comment matrix ---------------------------------------------------------------------------

def write_comment_matrices(ctx, out: str | Path | None = None,
                           lang: str | None = None) -> tuple[dict[str, Path], int]:
    """The comment matrix of config/evaluations/<id>/comments.yaml (no file: an empty matrix):
    results/<id>/comments/comments-<subtag>.html per language, or only `out` in `lang` (default:
    the first language; the `--lang` of `evalkit draft comments`). Returns (language -> file
    written, number of comments)."""
    path = comments_path(ctx)
    comments = load_comments(path, display=ctx.rel(path)) if path.is_file() else []
    reg_path = content_path(ctx)
    langs = list(ctx.config["languages"])
    registry = read_registry(reg_path, langs, ctx.root) if reg_path is not None and reg_path.is_file() else None
    if lang and lang not in langs:
        raise EvalkitError(f"--lang {lang}: expected one of the configured languages {', '.join(langs)}")
    if out:
        targets = {lang or langs[0]: Path(out)}
    else:
        targets = {lg: ctx.layout.comment_matrix(subtag(lg)) for lg in langs}
    for lg, target in targets.items():
        atomic_write_text(target, render_matrix_html(comments, lg, ctx.evaluation.data["title"][lg], registry))
    return targets, len(comments)
