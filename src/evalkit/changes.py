"""Change reports: what changed between two drafts (or a draft and the current build).

`compare_drafts(old, new)` compares two snapshots (evalkit.drafts.Draft) and returns `Changes`:

- numbers of values.json by id: value (not display) differences with the absolute and relative
  change, and the ids added or removed;
- results tables (results/tables/*.csv), cell by cell with daff (rows and columns added or
  removed, cells changed);
- findings, leverage points and recommendations of the content registry added, removed or
  reworded, with a word-level diff of their texts in every language;
- the report's text per language, split by its headings, with a word-level diff per section
  (changed paragraphs only).

`render_html(changes, lang)` writes one accessible page per language (lang, title, headings,
tables with captions and header scopes). Insertions and deletions are marked with <ins>/<del>
*and* visible text markers ("[+ … +]", "[- … -]"), so the meaning never rests on colour; the
colours keep text contrast of at least 4.5:1. `Changes.to_json()` is the machine-readable form.
"""

from __future__ import annotations

from evalkit.render.htmlpage import SCROLL_CSS, table_region

import csv
import difflib
import html
import io
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date as _date
from typing import TYPE_CHECKING

from evalkit.core.i18n import babel_locale, translator
from evalkit.values.store import display as value_display, round_half_up

if TYPE_CHECKING:  # pragma: no cover
    from evalkit.drafts import Draft

FORMAT_VERSION = "evalkit-changes/1"

#: Text markers around insertions and deletions (visible, so colour is never the only cue).
INS_OPEN, INS_CLOSE = "[+\u00a0", "\u00a0+]"
DEL_OPEN, DEL_CLOSE = "[-\u00a0", "\u00a0-]"

#: (text colour, background) of insertions and deletions; tests check contrast >= 4.5:1.
INS_COLORS = ("#0b3d17", "#e3f3e6")
DEL_COLORS = ("#6b1010", "#fbe4e4")
TEXT_COLORS = ("#1a1a1a", "#ffffff")

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


# --- word-level diff --------------------------------------------------------------------------

_TOKEN = re.compile(r"\n\n|\s+|\w+|[^\w\s]", re.UNICODE)
PARAGRAPH_BREAK = "\n\n"


def normalize_text(text: str) -> str:
    """Paragraphs (split at blank lines) with runs of white space collapsed, joined by a blank line."""
    return PARAGRAPH_BREAK.join(paragraphs(text))


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def word_diff(old: str, new: str) -> list[list[str]]:
    """Segments [op, text] with op '=' (same), '-' (deleted) or '+' (inserted), word by word.

    White space is normalized first (a re-wrapped line is no change); paragraph breaks are kept."""
    a = _TOKEN.findall(normalize_text(old))
    b = _TOKEN.findall(normalize_text(new))
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[list[str]] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1][1] += text
        else:
            out.append([op, text])

    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            push("=", "".join(a[i1:i2]))
        else:
            push("-", "".join(a[i1:i2]))
            push("+", "".join(b[j1:j2]))
    return _tidy(out)


def _tidy(segs: list[list[str]]) -> list[list[str]]:
    """Move white space at the edges of changes into the unchanged text around them, and join a
    change split only by a single space ('- a' '= ' '- b' -> '- a b') so the redline reads well."""
    out: list[list[str]] = []
    for op, text in segs:
        if op != "=" and not text.strip():      # only white space changed
            if PARAGRAPH_BREAK in text:         # a paragraph split or joined: keep it visible
                out.append([op, PARAGRAPH_BREAK])
            elif op == "+":
                out.append(["=", text])
        elif op != "=":
            lead = text[:len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            core = text.strip()
            if lead:
                out.append(["=", lead])
            if core:
                out.append([op, core])
            if trail:
                out.append(["=", trail])
        else:
            out.append([op, text])
    merged: list[list[str]] = []
    for op, text in out:
        if merged and merged[-1][0] == op:
            merged[-1][1] += text
        else:
            merged.append([op, text])
    # '-a' '= ' '+b' '-c' ... : group runs of changes separated by single spaces
    i = 0
    result: list[list[str]] = []
    while i < len(merged):
        op, text = merged[i]
        if op != "=":
            dels, ins = [], []
            j = i
            while j < len(merged):
                o, t = merged[j]
                if o == "-":
                    dels.append(t)
                elif o == "+":
                    ins.append(t)
                elif t == " " and j + 1 < len(merged) and merged[j + 1][0] != "=":
                    if dels:
                        dels.append(" ")
                    if ins:
                        ins.append(" ")
                else:
                    break
                j += 1
            d = "".join(dels).strip(" ")
            n = "".join(ins).strip(" ")
            if d:
                result.append(["-", d])
            if n:
                result.append(["+", n])
            i = j
        else:
            result.append([op, text])
            i += 1
    final: list[list[str]] = []
    for op, text in result:
        if final and final[-1][0] == op:
            final[-1][1] += text
        else:
            final.append([op, text])
    return final


def similar(old: str, new: str, threshold: float = 0.5) -> bool:
    """Whether two texts share enough words for a word-level diff to help (else: rewritten)."""
    from collections import Counter

    a = Counter(w for w in _TOKEN.findall(old) if not w.isspace())
    b = Counter(w for w in _TOKEN.findall(new) if not w.isspace())
    total = sum(a.values()) + sum(b.values())
    return total == 0 or 2 * sum((a & b).values()) / total >= threshold


def has_change(segs: list[list[str]]) -> bool:
    return any(op != "=" for op, _ in segs)


# --- sections of the report text --------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ATTRS = re.compile(r"\s*\{[^{}]*\}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def strip_front_matter(text: str) -> str:
    """The Markdown body without its leading YAML block ('---' ... '---' or '...')."""
    if text.startswith("---\n") or text.startswith("---\r\n"):
        m = re.search(r"^(---|\.\.\.)\s*$", text[4:], re.MULTILINE)
        if m:
            return text[4 + m.end():].lstrip("\r\n")
    return text


def split_sections(text: str) -> list[dict]:
    """Split Markdown at its ATX headings (outside fenced code): [{level, title, path, body}].

    Text before the first heading is a section with level 0 and an empty title. `path` is the
    heading with its parents ('Parent › Child'), which tells apart two sections of the same name.
    Pandoc attributes ('{#sec-id .class}') are dropped from titles."""
    sections: list[dict] = [{"level": 0, "title": "", "path": "", "lines": []}]
    stack: list[tuple[int, str]] = []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if m:
            level, title = len(m.group(1)), _ATTRS.sub("", m.group(2)).strip()
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            sections.append({"level": level, "title": title,
                             "path": " \u203a ".join(t for _, t in stack), "lines": []})
        else:
            sections[-1]["lines"].append(line)
    out = []
    for s in sections:
        body = "\n".join(s.pop("lines")).strip("\n")
        if s["level"] == 0 and not body.strip():
            continue
        out.append(dict(s, body=body))
    return out


def section_titles(text: str) -> list[str]:
    return [s["title"] for s in split_sections(text) if s["level"] > 0]


def diff_sections(old_text: str, new_text: str) -> list[dict]:
    """Changed sections: [{status: changed|added|removed, old, new (heading paths or None),
    heading (word diff of the heading, when renamed), paragraphs: [{status, segments}]}]."""
    a, b = split_sections(old_text), split_sections(new_text)
    sm = difflib.SequenceMatcher(None, [s["path"] for s in a], [s["path"] for s in b], autojunk=False)
    out: list[dict] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        pairs = list(zip(a[i1:i2], b[j1:j2]))
        if tag == "equal" or tag == "replace":
            for sa, sb in pairs:
                entry = _section_change(sa, sb)
                if entry:
                    out.append(entry)
        if tag in ("replace", "delete"):
            for sa in a[i1 + len(pairs):i2]:
                out.append({"status": "removed", "old": sa["path"], "new": None, "level": sa["level"],
                            "heading": None, "paragraphs": [{"status": "removed", "segments": [["-", p]]}
                                                            for p in paragraphs(sa["body"])]})
        if tag in ("replace", "insert"):
            for sb in b[j1 + len(pairs):j2]:
                out.append({"status": "added", "old": None, "new": sb["path"], "level": sb["level"],
                            "heading": None, "paragraphs": [{"status": "added", "segments": [["+", p]]}
                                                            for p in paragraphs(sb["body"])]})
    return out


def _section_change(sa: dict, sb: dict) -> dict | None:
    heading = word_diff(sa["title"], sb["title"]) if sa["title"] != sb["title"] else None
    pa, pb = paragraphs(sa["body"]), paragraphs(sb["body"])
    paras: list[dict] = []
    if pa != pb:
        sm = difflib.SequenceMatcher(None, pa, pb, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            if tag == "delete":
                paras += [{"status": "removed", "segments": [["-", p]]} for p in pa[i1:i2]]
            elif tag == "insert":
                paras += [{"status": "added", "segments": [["+", p]]} for p in pb[j1:j2]]
            else:
                olds, news = pa[i1:i2], pb[j1:j2]
                pairs = list(zip(olds, news)) if len(olds) == len(news) else \
                    [(PARAGRAPH_BREAK.join(olds), PARAGRAPH_BREAK.join(news))]
                for o, n in pairs:
                    if similar(o, n):
                        paras.append({"status": "changed", "segments": word_diff(o, n)})
                    else:   # rewritten: the old text deleted, the new inserted
                        paras.append({"status": "removed", "segments": [["-", o]]})
                        paras.append({"status": "added", "segments": [["+", n]]})
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

def read_csv_rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text))]


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
                        per_lang[lang] = word_diff(ot, nt) if similar(ot, nt) else \
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


def _meta(d: "Draft") -> dict:
    return {"name": d.name, "date": d.date, "commit": d.commit, "final": d.final, "evaluation": d.evaluation}


def compare_drafts(old: "Draft", new: "Draft") -> Changes:
    """Everything that changed from `old` to `new`, in the languages both drafts have."""
    languages = [lang for lang in new.languages if lang in old.languages]
    ch = Changes(_meta(old), _meta(new), languages)
    ch.values = diff_values(old.values, new.values, languages)
    ch.tables = diff_tables(old.tables, new.tables)
    ch.registry = diff_registry(old.registry, new.registry, languages)
    ch.prose = {lang: diff_sections(old.texts.get(lang, ""), new.texts.get(lang, "")) for lang in languages}
    return ch


# --- HTML ---------------------------------------------------------------------------------------

e = html.escape

CSS = (
    "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;"
    f"color:{TEXT_COLORS[0]};background:{TEXT_COLORS[1]};line-height:1.5}}"
    "table{border-collapse:collapse;margin:1rem 0}"
    "th,td{border:1px solid #595959;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    "thead th{background:#f0f0f0}caption{font-weight:bold;text-align:left;padding:.3rem 0}"
    "td.num{text-align:right;white-space:nowrap}"
    f"ins{{color:{INS_COLORS[0]};background:{INS_COLORS[1]};text-decoration:underline}}"
    f"del{{color:{DEL_COLORS[0]};background:{DEL_COLORS[1]};text-decoration:line-through}}"
    ".mark{font-weight:bold;text-decoration:none}"
    ".status{font-style:italic}"
    "a{color:#0645ad}code{font-size:.95em}"
    "blockquote{margin:.5rem 0 1rem;padding-left:1rem;border-left:4px solid #595959}"

    + SCROLL_CSS
)


def ins(text: str) -> str:
    return f'<ins><span class="mark">{INS_OPEN}</span>{e(text)}<span class="mark">{INS_CLOSE}</span></ins>'


def dele(text: str) -> str:
    return f'<del><span class="mark">{DEL_OPEN}</span>{e(text)}<span class="mark">{DEL_CLOSE}</span></del>'


def render_segments(segs: list[list[str]]) -> str:
    parts = []
    for op, text in segs:
        if op == "=":
            parts.append(e(text).replace(PARAGRAPH_BREAK, "<br><br>"))
        elif op == "+":
            parts.append(ins(text.replace(PARAGRAPH_BREAK, " \u00b6 ").strip()))
        else:
            parts.append(dele(text.replace(PARAGRAPH_BREAK, " \u00b6 ").strip()))
    return "".join(parts)


def _html_template(template: str, **fields: str) -> str:
    """A translated sentence, escaped, with HTML fragments put into its placeholders."""
    return e(template).format(**fields)


def _date_text(iso: str | None, lang: str) -> str:
    from babel.dates import format_date

    if not iso:
        return ""
    try:
        return format_date(_date.fromisoformat(iso), format="long", locale=babel_locale(lang))
    except ValueError:
        return iso


def draft_label(meta: dict, lang: str) -> str:
    _ = translator(lang)
    if meta.get("date") is None and meta["name"] == "current":
        return _("the current build")
    return _("draft {name} of {date}", name=meta["name"], date=_date_text(meta.get("date"), lang))


def page_title(changes: Changes, lang: str) -> str:
    _ = translator(lang)
    return _("Changes from {old} to {new}", old=draft_label(changes.old, lang), new=draft_label(changes.new, lang))


def _signed(text: str, negative: bool, zero: bool = False) -> str:
    return text if zero else ("\u2212" if negative else "+") + text


def format_absolute(kind: str, absolute, lang: str) -> str:
    from babel.numbers import format_decimal

    _ = translator(lang)
    loc = babel_locale(lang)
    if absolute is None:
        return "\u2014"
    if kind == "interval":
        lo, hi = (format_absolute("share", x, lang) for x in absolute)
        return _("lower bound {low}, upper bound {high}", low=lo, high=hi)
    if kind == "share":
        pts = format_decimal(round_half_up(abs(absolute) * 100, 1), format="#,##0.0", locale=loc,
                             decimal_quantization=False)
        return _("{points} percentage points", points=_signed(pts, absolute < 0, absolute == 0))
    if kind == "count":
        return _signed(format_decimal(abs(int(absolute)), locale=loc), absolute < 0, absolute == 0)
    return _signed(format_decimal(round_half_up(abs(absolute), 3), format="#,##0.###", locale=loc), absolute < 0,
                   absolute == 0)


def format_relative(relative, lang: str) -> str:
    _ = translator(lang)
    if relative is None:
        return _("not defined")
    return _signed(value_display("share", abs(relative), lang, 1), relative < 0, relative == 0)


def _shown(display: str | None, suppressed: bool, lang: str) -> str:
    return translator(lang)("suppressed") if suppressed else (display or "\u2014")


def _table(caption: str, headers: list[str], rows: list[list[str]], num_cols: set[int] = frozenset()) -> str:
    """Rows of HTML cells; the first cell of every row is its header (th scope=row)."""
    out = [f"<table>\n<caption>{e(caption)}</caption>\n<thead><tr>"]
    out += [f'<th scope="col">{e(h)}</th>' for h in headers]
    out.append("</tr></thead>\n<tbody>\n")
    for row in rows:
        cells = [f'<th scope="row">{row[0]}</th>']
        cells += [f'<td class="num">{c}</td>' if i + 1 in num_cols else f"<td>{c}</td>" for i, c in enumerate(row[1:])]
        out.append("<tr>" + "".join(cells) + "</tr>\n")
    out.append("</tbody>\n</table>\n")
    return table_region(caption, "".join(out))


def _render_values(ch: Changes, lang: str) -> str:
    _ = translator(lang)
    v = ch.values
    parts = [f'<section aria-labelledby="numbers">\n<h2 id="numbers">{e(_("Numbers"))}</h2>\n']
    if not (v["changed"] or v["added"] or v["removed"]):
        parts.append(f"<p>{e(_('No number changed.'))}</p>\n</section>\n")
        return "".join(parts)
    if v["changed"]:
        rows = []
        for c in v["changed"]:
            d = c["display"].get(lang, {})
            sup = c["suppressed"]
            rows.append([f"<code>{e(c['id'])}</code>",
                         e(_shown(d.get("old"), sup, lang)), e(_shown(d.get("new"), sup, lang)),
                         e(_("suppressed") if sup else format_absolute(c["kind"], c["absolute"], lang)),
                         e(_("suppressed") if sup else format_relative(c["relative"], lang))])
        parts.append(_table(_("Numbers that changed: {count}", count=len(rows)),
                            [_("Value id"), _("Before"), _("After"), _("Absolute change"), _("Relative change")],
                            rows, {1, 2, 3, 4}))
    else:
        parts.append(f"<p>{e(_('No number changed.'))}</p>\n")
    for key, caption, mark in (("added", _("Numbers added: {count}", count=len(v["added"])), ins),
                               ("removed", _("Numbers removed: {count}", count=len(v["removed"])), dele)):
        if v[key]:
            rows = [[f"<code>{e(x['id'])}</code>", mark(_shown(x["display"].get(lang), x["suppressed"], lang))]
                    for x in v[key]]
            parts.append(_table(caption, [_("Value id"), _("Value")], rows, {1}))
    parts.append("</section>\n")
    return "".join(parts)


def _daff_action(action: str | None, lang: str) -> str:
    _ = translator(lang)
    a = action or ""
    if a == "+++":
        return ins(_("row added"))
    if a == "---":
        return dele(_("row removed"))
    if "->" in a:
        return e(_("changed"))
    if a == "...":
        return e(_("rows left out (unchanged)"))
    if a == "!":
        return e(_("columns"))
    if a == ":":
        return e(_("moved"))
    return e(_("unchanged"))


def _daff_cell(value: str | None, info: dict, action: str, lang: str) -> str:
    if info["updated"]:
        return f"{dele(info['old'] or '')} \u2192 {ins(info['new'] or '')}"
    if value is None or value == "":
        return ""
    if action == "!":
        _ = translator(lang)
        if value == "+++":
            return ins(_("column added"))
        if value == "---":
            return dele(_("column removed"))
        if value == ":":
            return e(_("moved"))
        return e(value)
    if action == "...":
        return "\u2026"
    if info["category"] == "add":
        return ins(value)
    if info["category"] == "remove":
        return dele(value)
    return e(value)


def _render_tables(ch: Changes, lang: str) -> str:
    _ = translator(lang)
    parts = [f'<section aria-labelledby="tables">\n<h2 id="tables">{e(_("Results tables"))}</h2>\n']
    if not ch.tables:
        parts.append(f"<p>{e(_('No results table changed.'))}</p>\n")
    for t in ch.tables:
        name = f"{t['name']}.csv"
        parts.append(f"<h3><code>{e(name)}</code></h3>\n")
        if t["status"] == "added":
            parts.append(f"<p>{ins(_('table added (rows: {rows})', rows=t['rows_count']))}</p>\n")
            continue
        if t["status"] == "removed":
            parts.append(f"<p>{dele(_('table removed (rows: {rows})', rows=t['rows_count']))}</p>\n")
            continue
        s = t["summary"]
        parts.append("<p>" + e(_("Rows added: {added}; rows removed: {removed}; cells changed: {cells} in {rows} rows; "
                                 "columns added: {cols_added}; columns removed: {cols_removed}.",
                                 added=s["rows_added"], removed=s["rows_removed"], cells=s["cells_changed"],
                                 rows=s["rows_changed"], cols_added=s["columns_added"],
                                 cols_removed=s["columns_removed"])) + "</p>\n")
        grid, cells = t["rows"], t["cells"]
        head_idx = next((i for i, r in enumerate(grid) if r[0] == "@@"), None)
        headers = [_("Change")] + [_("columns left out") if c == "..." else (c or "")
                                   for c in (grid[head_idx][1:] if head_idx is not None else [])]
        rows = []
        for y, row in enumerate(grid):
            if y == head_idx:
                continue
            action = row[0] or ""
            rows.append([_daff_action(action, lang)] + [_daff_cell(v, cells[y][x + 1], action, lang)
                                                         for x, v in enumerate(row[1:])])
        parts.append(_table(_("Changes in {table} (daff highlighter diff)", table=name), headers, rows))
    parts.append("</section>\n")
    return "".join(parts)


def _kind_titles(lang: str) -> dict[str, tuple[str, str]]:
    _ = translator(lang)
    return {"findings": (_("Findings"), _("No finding added, removed or reworded.")),
            "leverage_points": (_("Leverage points"), _("No leverage point added, removed or reworded.")),
            "recommendations": (_("Recommendations"), _("No recommendation added, removed or reworded."))}


def _field_labels(lang: str) -> dict[str, str]:
    _ = translator(lang)
    return {"title": _("Title"), "text": _("Text"), "name": _("Name"), "description": _("Description"),
            "no_leverage_point": _("Why there is no leverage point")}


def _other_value(v) -> str:
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return "\u2014" if v is None else str(v)


def _render_registry(ch: Changes, lang: str) -> str:
    _ = translator(lang)
    labels = _field_labels(lang)
    parts = []
    for kind, (heading, nothing) in _kind_titles(lang).items():
        entry = ch.registry.get(kind, {"added": [], "removed": [], "reworded": []})
        anchor = kind.replace("_", "-")
        parts.append(f'<section aria-labelledby="{anchor}">\n<h2 id="{anchor}">{e(heading)}</h2>\n')
        if not (entry["added"] or entry["removed"] or entry["reworded"]):
            parts.append(f"<p>{e(nothing)}</p>\n</section>\n")
            continue
        for status, sub, mark in (("added", _("Added"), ins), ("removed", _("Removed"), dele),
                                  ("reworded", _("Reworded or otherwise changed"), None)):
            items = entry[status]
            if not items:
                continue
            parts.append(f"<h3>{e(sub)}: {len(items)}</h3>\n")
            for it in items:
                first = next(iter(REGISTRY_KINDS[kind]))
                title = it.get("title", {}).get(lang) if status == "reworded" else \
                    it["texts"].get(first, {}).get(lang)
                head = f"<code>{e(it['id'])}</code>" + (f": {e(title)}" if title else "")
                if it.get("finding"):
                    head += " " + _html_template(_("(finding {finding})"), finding=f"<code>{e(it['finding'])}</code>")
                parts.append(f"<h4>{head}</h4>\n")
                if mark is not None:
                    for f, per_lang in it["texts"].items():
                        text = per_lang.get(lang, "")
                        if text:
                            parts.append(f"<p><strong>{e(labels.get(f, f))}:</strong> {mark(text)}</p>\n")
                    continue
                for f, per_lang in it["texts"].items():
                    if lang in per_lang:
                        parts.append(f"<p><strong>{e(labels.get(f, f))}:</strong> "
                                     f"{render_segments(per_lang[lang])}</p>\n")
                if it["other"]:
                    lis = "".join(f"<li><code>{e(f)}</code>: {dele(_other_value(v['old']))} \u2192 "
                                  f"{ins(_other_value(v['new']))}</li>" for f, v in it["other"].items())
                    parts.append(f"<p>{e(_('Other fields changed:'))}</p>\n<ul>{lis}</ul>\n")
        parts.append("</section>\n")
    return "".join(parts)


def _render_prose(ch: Changes, lang: str) -> str:
    _ = translator(lang)
    parts = [f'<section aria-labelledby="text">\n<h2 id="text">{e(_("Text of the report by section"))}</h2>\n']
    sections = ch.prose.get(lang, [])
    if not sections:
        parts.append(f"<p>{e(_('No change in the text.'))}</p>\n")
    for s in sections:
        path = s["new"] if s["new"] is not None else s["old"]
        if not path:
            path = _("Before the first heading")
        parts.append(f"<h3>{e(path)}</h3>\n")
        if s["status"] == "added":
            parts.append(f'<p class="status">{ins(_("section added"))}</p>\n')
        elif s["status"] == "removed":
            parts.append(f'<p class="status">{dele(_("section removed"))}</p>\n')
        if s.get("heading"):
            parts.append(f'<p class="status">{e(_("Heading changed:"))} {render_segments(s["heading"])}</p>\n')
        for p in s["paragraphs"]:
            parts.append(f"<p>{render_segments(p['segments'])}</p>\n")
    parts.append("</section>\n")
    return "".join(parts)


def render_html(changes: Changes, lang: str) -> str:
    """The change report in one language, as a complete accessible HTML page."""
    _ = translator(lang)
    title = page_title(changes, lang)
    meta_rows = []
    for label, m in ((_("Before"), changes.old), (_("After"), changes.new)):
        meta_rows.append([e(label), e(m["name"]), e(_date_text(m.get("date"), lang) or "\u2014"),
                          f"<code>{e(m.get('commit') or '')}</code>" if m.get("commit") else "\u2014",
                          e(_("yes") if m.get("final") else _("no"))])
    legend = _html_template(_("Insertions are shown as {inserted} and deletions as {deleted}. The brackets mark "
                              "them in the text, so nothing depends on colour."),
                            inserted=ins(_("inserted text")), deleted=dele(_("deleted text")))
    internal = _("Results tables are the internal tables of results/tables/, before the small-cell suppression of "
                 "the documents; share this report only with the evaluation team.")
    counts = changes.counts()
    reg = changes.registry
    nav = [("numbers", _("Numbers"), _("changed: {changed}, added: {added}, removed: {removed}",
                                       changed=counts["values_changed"], added=counts["values_added"],
                                       removed=counts["values_removed"])),
           ("tables", _("Results tables"), _("changed: {count}", count=counts["tables_changed"]))]
    for kind, (heading, _nothing) in _kind_titles(lang).items():
        r = reg.get(kind, {"added": [], "removed": [], "reworded": []})
        nav.append((kind.replace("_", "-"), heading,
                    _("added: {added}, removed: {removed}, reworded: {reworded}", added=len(r["added"]),
                      removed=len(r["removed"]), reworded=len(r["reworded"]))))
    nav.append(("text", _("Text of the report by section"),
                _("sections changed: {count}", count=len(changes.prose.get(lang, [])))))
    nav_html = "".join(f'<li><a href="#{a}">{e(h)}</a>: {e(c)}</li>' for a, h, c in nav)
    parts = [
        f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{e(title)}</title>\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{e(title)}</h1>\n",
        _table(_("Drafts compared"), [_("Compared as"), _("Draft"), _("Date"), _("Commit"), _("Final")], meta_rows),
        f"<p>{legend}</p>\n",
        f"<p>{e(internal)}</p>\n",
        f'<nav aria-label="{e(_("Contents"))}">\n<ul>{nav_html}</ul>\n</nav>\n',
        _render_values(changes, lang),
        _render_tables(changes, lang),
        _render_registry(changes, lang),
        _render_prose(changes, lang),
        "</main>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def lum(c: str) -> float:
        rgb = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
