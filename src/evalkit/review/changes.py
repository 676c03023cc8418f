"""Change detection: what changed between two drafts (or a draft and the current build).

`compare_drafts(old, new)` compares two snapshots (evalkit.review.snapshot.Draft) and returns
`Changes` (evalkit.review.report writes it as HTML; `Changes.to_json()` is the machine-readable
form):

- numbers of values.json by id: value (not display) differences with the absolute and relative
  change, and the ids added or removed;
- results tables (results/tables/*.csv), cell by cell with daff (rows and columns added or
  removed, cells changed);
- findings, leverage points and recommendations of the content registry added, removed or
  reworded, with a word-level diff of their texts in every language;
- the report's text per language, split by its headings, with a word-level diff per section
  (changed paragraphs only).

Texts are diffed by evalkit.review.diff (the redline's diff too); a diff is a list of segments
[op, text] with op '=' (same), '-' (deleted) or '+' (inserted).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from evalkit.review.diff import PAIR_CUTOFF, align, plain, similarity, tokenize, word_diff, words_of
from evalkit.review.prose import PARAGRAPH_BREAK, normalize_text, paragraphs, split_sections

if TYPE_CHECKING:  # pragma: no cover
    from evalkit.review.snapshot import Draft

FORMAT_VERSION = "evalkit-changes/1"

#: Registry kinds compared, with the text fields (one string per language) of each.
REGISTRY_KINDS = {
    "findings": ("title", "text", "no_leverage_point"),
    "leverage_points": ("name", "description"),
    "recommendations": ("title", "text"),
}
#: Other fields whose changes are listed (not diffed word by word).
REGISTRY_OTHER = {
    "findings": ("theme", "evidence"),
    "leverage_points": ("finding", "domains", "level"),
    "recommendations": ("findings", "addressees", "priority"),
}


# --- word-level diff of plain text --------------------------------------------------------------

def _tokens(text: str):
    """Diff tokens of a text with its white space normalized (a re-wrapped line is no change);
    a paragraph break is the one line-break token."""
    return tokenize([(normalize_text(text), ())])


def _words(text: str) -> list[str]:
    return words_of(_tokens(text))


def word_segments(old: str, new: str) -> list[list[str]]:
    """Segments [op, text] from `old` to `new`, word by word (evalkit.review.diff.word_diff).

    White space at the edges of a change belongs to the unchanged text around it; a change of
    white space alone is no change, unless it splits or joins paragraphs."""
    out: list[list[str]] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1][1] += text
        else:
            out.append([op, text])

    ops = [(op, plain(tokens).replace("\n", PARAGRAPH_BREAK)) for op, tokens in word_diff(_tokens(old), _tokens(new))]
    k = 0
    while k < len(ops):
        op, text = ops[k]
        k += 1
        if op == "equal":
            push("=", text)
            continue
        deleted, inserted = (text, "") if op == "delete" else ("", text)
        if op == "delete" and k < len(ops) and ops[k][0] == "insert":
            inserted = ops[k][1]
            k += 1
        if not deleted.strip() and not inserted.strip():     # only white space changed
            if PARAGRAPH_BREAK in deleted:
                push("-", PARAGRAPH_BREAK)
            if PARAGRAPH_BREAK in inserted:                   # a paragraph split: keep it visible
                push("+", PARAGRAPH_BREAK)
            elif inserted:
                push("=", inserted)
            continue
        sides = [s for s in (deleted, inserted) if s]
        lead = _common(s[:len(s) - len(s.lstrip())] for s in sides)
        trail = _common(s[len(s.rstrip()):][::-1] for s in sides)[::-1]
        push("=", lead)
        push("-", deleted[len(lead):len(deleted) - len(trail)] if deleted else "")
        push("+", inserted[len(lead):len(inserted) - len(trail)] if inserted else "")
        push("=", trail)
    return out


def _common(texts) -> str:
    """The longest common prefix of some strings."""
    texts = list(texts)
    first = texts[0]
    n = 0
    while n < len(first) and all(len(t) > n and t[n] == first[n] for t in texts):
        n += 1
    return first[:n]


def similar(old: str, new: str) -> bool:
    """Whether two texts share enough words for a word-level diff to help (else: rewritten)."""
    return similarity(_words(old), _words(new)) >= PAIR_CUTOFF


# --- sections of the report text --------------------------------------------------------------

def diff_sections(old_text: str, new_text: str) -> list[dict]:
    """Changed sections: [{status: changed|added|removed, old, new (heading paths or None),
    heading (word diff of the heading, when renamed), paragraphs: [{status, segments}]}].

    Sections are matched by their heading paths; of the others, the most similar are paired
    (evalkit.review.diff.align) and the rest were added or removed."""
    out: list[dict] = []
    for op, sa, sb in align(split_sections(old_text), split_sections(new_text), _section_words,
                            lambda a, b: True, key=lambda s: s["path"]):
        if op in ("equal", "change"):
            entry = _section_change(sa, sb)
            if entry:
                out.append(entry)
        elif op == "delete":
            out.append({"status": "removed", "old": sa["path"], "new": None, "level": sa["level"],
                        "heading": None, "paragraphs": [{"status": "removed", "segments": [["-", p]]}
                                                        for p in paragraphs(sa["body"])]})
        else:
            out.append({"status": "added", "old": None, "new": sb["path"], "level": sb["level"],
                        "heading": None, "paragraphs": [{"status": "added", "segments": [["+", p]]}
                                                        for p in paragraphs(sb["body"])]})
    return out


def _section_words(section: dict) -> list[str]:
    return _words(section["title"] + PARAGRAPH_BREAK + section["body"])


def _section_change(sa: dict, sb: dict) -> dict | None:
    heading = word_segments(sa["title"], sb["title"]) if sa["title"] != sb["title"] else None
    pa, pb = paragraphs(sa["body"]), paragraphs(sb["body"])
    paras: list[dict] = []
    if pa != pb:
        for op, o, n in align(pa, pb, _words, lambda a, b: True):
            if op == "delete":
                paras.append({"status": "removed", "segments": [["-", o]]})
            elif op == "insert":
                paras.append({"status": "added", "segments": [["+", n]]})
            elif op == "change":
                paras.append({"status": "changed", "segments": word_segments(o, n)})
    if heading is None and not paras:
        return None
    return {"status": "changed", "old": sa["path"], "new": sb["path"], "level": sb["level"],
            "heading": heading, "paragraphs": paras}


# --- numbers ------------------------------------------------------------------------------------

def _num_change(kind: str, old, new):
    """(absolute, relative) change of a value; relative is None where it is not defined."""
    if kind == "interval":
        return [new[0] - old[0], new[1] - old[1]], None
    if isinstance(old, bool) or isinstance(new, bool) or not isinstance(old, (int, float)) \
            or not isinstance(new, (int, float)):
        return None, None
    absolute = new - old
    relative = absolute / abs(old) if old else None
    return absolute, relative


def diff_values(old_doc: dict, new_doc: dict, languages: list[str]) -> dict:
    ov, nv = old_doc.get("values", {}), new_doc.get("values", {})
    changed, added, removed = [], [], []
    for vid in sorted(set(ov) & set(nv)):
        o, n = ov[vid], nv[vid]
        if o.get("value") == n.get("value") and o.get("kind") == n.get("kind"):
            continue
        same_kind = o.get("kind") == n.get("kind")
        absolute, relative = _num_change(n["kind"], o["value"], n["value"]) if same_kind else (None, None)
        changed.append({"id": vid, "kind": n.get("kind"), "old_kind": o.get("kind"),
                        "old": o["value"], "new": n["value"], "absolute": absolute, "relative": relative,
                        "suppressed": bool(o.get("suppressed") or n.get("suppressed")),
                        "display": {lang: {"old": o.get("display", {}).get(lang),
                                           "new": n.get("display", {}).get(lang)} for lang in languages}})
    for vid in sorted(set(nv) - set(ov)):
        n = nv[vid]
        added.append({"id": vid, "kind": n.get("kind"), "value": n["value"], "suppressed": bool(n.get("suppressed")),
                      "display": {lang: n.get("display", {}).get(lang) for lang in languages}})
    for vid in sorted(set(ov) - set(nv)):
        o = ov[vid]
        removed.append({"id": vid, "kind": o.get("kind"), "value": o["value"], "suppressed": bool(o.get("suppressed")),
                        "display": {lang: o.get("display", {}).get(lang) for lang in languages}})
    return {"changed": changed, "added": added, "removed": removed}


# --- results tables (daff) -------------------------------------------------------------------

def diff_table(old_rows: list[list[str]], new_rows: list[list[str]]) -> dict | None:
    """daff's highlighter diff of two tables (header row first); None when they are equal.

    `rows` is the highlighter grid, one list per row; `cells` has, per cell of the grid, the
    category daff gives it (header, spec, add, remove, modify, '') with old and new values."""
    import daff

    if old_rows == new_rows:
        return None
    t1, t2 = daff.PythonTableView([list(r) for r in old_rows]), daff.PythonTableView([list(r) for r in new_rows])
    alignment = daff.Coopy.compareTables(t1, t2).align()
    flags = daff.CompareFlags()
    out = daff.PythonTableView([])
    td = daff.TableDiff(alignment, flags)
    td.hilite(out)
    if not td.hasDifference():
        return None
    view = out.getCellView()
    grid, cells = [], []
    summary = {"rows_added": 0, "rows_removed": 0, "rows_changed": 0, "cells_changed": 0,
               "columns_added": 0, "columns_removed": 0}
    for y in range(out.height):
        row, info = [], []
        for x in range(out.width):
            v = out.getCell(x, y)
            row.append(None if v is None else str(v))
            ci = daff.DiffRender.renderCell(out, view, x, y)
            info.append({"category": ci.category or "", "updated": bool(ci.updated),
                         "old": None if ci.lvalue is None else str(ci.lvalue),
                         "new": None if ci.rvalue is None else str(ci.rvalue)})
        action = row[0] or ""
        if action == "+++":
            summary["rows_added"] += 1
        elif action == "---":
            summary["rows_removed"] += 1
        elif "->" in action:
            summary["rows_changed"] += 1
            summary["cells_changed"] += sum(1 for c in info[1:] if c["updated"])
        elif action == "!":
            summary["columns_added"] += sum(1 for c in row[1:] if c == "+++")
            summary["columns_removed"] += sum(1 for c in row[1:] if c == "---")
        grid.append(row)
        cells.append(info)
    return {"rows": grid, "cells": cells, "summary": summary}


def diff_tables(old: dict[str, list[list[str]]], new: dict[str, list[list[str]]]) -> list[dict]:
    out = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            out.append({"name": name, "status": "added", "rows_count": max(len(new[name]) - 1, 0)})
        elif name not in new:
            out.append({"name": name, "status": "removed", "rows_count": max(len(old[name]) - 1, 0)})
        else:
            d = diff_table(old[name], new[name])
            if d:
                out.append(dict({"name": name, "status": "changed"}, **d))
    return out


# --- content registry -------------------------------------------------------------------------

def registry_items(registry: dict | None, kind: str) -> dict[str, dict]:
    """id -> item of a registry kind; leverage points carry their finding's id as 'finding'."""
    if not registry:
        return {}
    if kind == "leverage_points":
        return {lp["id"]: dict(lp, finding=f["id"]) for f in registry.get("findings", [])
                for lp in f.get("leverage_points", []) or []}
    return {x["id"]: x for x in registry.get(kind, []) or []}


def _text(item: dict, fld: str, lang: str) -> str:
    v = item.get(fld)
    if isinstance(v, dict):
        return str(v.get(lang) or "")
    return "" if v is None else str(v)


def diff_registry(old: dict | None, new: dict | None, languages: list[str]) -> dict:
    out = {}
    for kind, fields in REGISTRY_KINDS.items():
        a, b = registry_items(old, kind), registry_items(new, kind)
        entry = {"added": [], "removed": [], "reworded": []}
        for iid in [i for i in b if i not in a]:
            entry["added"].append({"id": iid, "finding": b[iid].get("finding"),
                                   "texts": {f: {lang: _text(b[iid], f, lang) for lang in languages}
                                             for f in fields if b[iid].get(f) is not None}})
        for iid in [i for i in a if i not in b]:
            entry["removed"].append({"id": iid, "finding": a[iid].get("finding"),
                                     "texts": {f: {lang: _text(a[iid], f, lang) for lang in languages}
                                               for f in fields if a[iid].get(f) is not None}})
        for iid in [i for i in b if i in a]:
            texts, other = {}, {}
            for f in fields:
                per_lang = {}
                for lang in languages:
                    ot, nt = _text(a[iid], f, lang), _text(b[iid], f, lang)
                    if normalize_text(ot) != normalize_text(nt):
                        per_lang[lang] = word_segments(ot, nt) if similar(ot, nt) else \
                            [[op, t] for op, t in (["-", normalize_text(ot)], ["+", normalize_text(nt)]) if t]
                if per_lang:
                    texts[f] = per_lang
            for f in REGISTRY_OTHER[kind]:
                if a[iid].get(f) != b[iid].get(f):
                    other[f] = {"old": a[iid].get(f), "new": b[iid].get(f)}
            if texts or other:
                entry["reworded"].append({"id": iid, "finding": b[iid].get("finding"), "texts": texts,
                                          "other": other,
                                          "title": {lang: _text(b[iid], fields[0], lang) for lang in languages}})
        out[kind] = entry
    return out


# --- the comparison -----------------------------------------------------------------------------

@dataclass
class Changes:
    old: dict
    new: dict
    languages: list[str]
    values: dict = field(default_factory=dict)
    tables: list = field(default_factory=list)
    registry: dict = field(default_factory=dict)
    prose: dict = field(default_factory=dict)

    def counts(self) -> dict:
        return {
            "values_changed": len(self.values["changed"]), "values_added": len(self.values["added"]),
            "values_removed": len(self.values["removed"]),
            "tables_changed": len(self.tables),
            **{f"{k}_{s}": len(v[s]) for k, v in self.registry.items() for s in ("added", "removed", "reworded")},
            **{f"sections_changed_{lang}": len(v) for lang, v in self.prose.items()},
        }

    def to_json(self) -> str:
        doc = {"format": FORMAT_VERSION, **asdict(self), "counts": self.counts()}
        return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _meta(d: Draft) -> dict:
    return {"name": d.name, "date": d.date, "commit": d.commit, "final": d.final, "evaluation": d.evaluation}


def compare_drafts(old: Draft, new: Draft) -> Changes:
    """Everything that changed from `old` to `new`, in the languages both drafts have."""
    languages = [lang for lang in new.languages if lang in old.languages]
    ch = Changes(_meta(old), _meta(new), languages)
    ch.values = diff_values(old.values, new.values, languages)
    ch.tables = diff_tables(old.tables, new.tables)
    ch.registry = diff_registry(old.registry, new.registry, languages)
    ch.prose = {lang: diff_sections(old.texts.get(lang, ""), new.texts.get(lang, "")) for lang in languages}
    return ch

