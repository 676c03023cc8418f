"""The change report: `Changes` (evalkit.review.changes) as one accessible HTML page per language
(lang, title, headings, tables with captions and header scopes), in the page shell of
evalkit.render.htmlpage.

Insertions and deletions are marked with <ins>/<del> *and* visible text markers ("[+ … +]",
"[- … -]"), so the meaning never rests on colour; the colours keep text contrast of at least 4.5:1.
"""

from __future__ import annotations

import html
import json
from datetime import date as _date

from evalkit.core.i18n import babel_locale, translator
from evalkit.render.htmlpage import BACKGROUND, TEXT_COLOR, page, stylesheet, table_region
from evalkit.review.changes import REGISTRY_KINDS, Changes
from evalkit.review.prose import PARAGRAPH_BREAK
from evalkit.values.store import display as value_display
from evalkit.values.store import round_half_up

#: Text markers around insertions and deletions (visible, so colour is never the only cue).
INS_OPEN, INS_CLOSE = "[+\u00a0", "\u00a0+]"
DEL_OPEN, DEL_CLOSE = "[-\u00a0", "\u00a0-]"

#: (text colour, background) of insertions, deletions and the page; tests check contrast >= 4.5:1.
INS_COLORS = ("#0b3d17", "#e3f3e6")
DEL_COLORS = ("#6b1010", "#fbe4e4")
TEXT_COLORS = (TEXT_COLOR, BACKGROUND)

e = html.escape

CSS = stylesheet("72rem", (
    "td.num{text-align:right;white-space:nowrap}"
    f"ins{{color:{INS_COLORS[0]};background:{INS_COLORS[1]};text-decoration:underline}}"
    f"del{{color:{DEL_COLORS[0]};background:{DEL_COLORS[1]};text-decoration:line-through}}"
    ".mark{font-weight:bold;text-decoration:none}"
    ".status{font-style:italic}"
    "code{font-size:.95em}"))


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
        f"<h1>{e(title)}</h1>\n",
        _table(_("Drafts compared"), [_("Compared as"), _("Draft"), _("Date"), _("Commit"), _("Final")], meta_rows),
        f"<p>{legend}</p>\n",
        f"<p>{e(internal)}</p>\n",
        f'<nav aria-label="{e(_("Contents"))}">\n<ul>{nav_html}</ul>\n</nav>\n',
        _render_values(changes, lang),
        _render_tables(changes, lang),
        _render_registry(changes, lang),
        _render_prose(changes, lang),
    ]
    return page(lang, title, "".join(parts), CSS)
