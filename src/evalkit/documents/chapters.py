"""Report chapters generated from the content registry, in each document language: the findings by
thematic category (with their evidence, quotation and leverage points), the emerging good practices
and the recommendations. Finding and recommendation numbers come from the registry's order, the
same numbers the annexes use; every figure comes from values.json."""

from __future__ import annotations

import re

from evalkit.content.registry import Registry
from evalkit.core.i18n import translator
from evalkit.documents.evidence import (  # noqa: F401  (briefs and tests import them from here)
    _figures,
    _month,
    _para,
    evidence_lines,
    registry_value_names,
    value_name,
)
from evalkit.documents.fragments import md_cell, md_table, md_text
from evalkit.values import ids
from evalkit.values.store import lookup


def quote_block(quote: dict, lang: str, stakeholder_names: dict[str, str]) -> str:
    """A quotation as a block quote, attributed by stakeholder type only."""
    who = stakeholder_names.get(quote["stakeholder"], quote["stakeholder"])
    return f"> {_para(quote['text'][lang])}\n>\n> \u2014 {who}\n"


def evidence_labels(values_doc: dict, labels: dict, lang: str) -> dict[str, str]:
    """A readable name for the value ids findings cite: survey items and monitoring indicators.

    `labels` maps a value-id prefix to its name in this language (built by the caller from the
    codebooks and the indicator declarations)."""
    out = {}
    for vid in values_doc["values"]:
        best = max((p for p in labels if vid == p or vid.startswith(p + ".")), key=len, default=None)
        if best is not None:
            out[vid] = labels[best]
    return out


def case_box(reg: Registry, case: dict, values_doc: dict, lang: str, value_names: dict[str, str],
             segment_types: dict[str, str]) -> str:
    """A case as a titled call-out (a div of class `case-box`: a tinted box in HTML and PDF, plain
    blocks in Word): its heading, its text, when and where, its figures, the findings it supports
    and its sources (coded segments by stakeholder type, outcome journal entries by id)."""
    from babel.lists import format_list

    from evalkit.core.i18n import babel_locale

    _ = translator(lang)
    fnum = reg.finding_numbers()
    loc = babel_locale(lang)
    parts = [f"#### {_('Case: {title}', title=_para(case['title'][lang]))} {{#{case['id']}}}",
             _para(case["text"][lang])]
    setting = []
    if case.get("when"):
        months = case["when"].split("/")
        setting.append(_("When: {month}.", month=_month(months[0], lang)) if len(months) == 1 else
                       _("When: from {start} to {end}.", start=_month(months[0], lang), end=_month(months[1], lang)))
    if case.get("where"):
        setting.append(_("Where: {place}.", place=_para(case["where"][lang])))
    if setting:
        parts.append(" ".join(setting))
    figures = _figures(case.get("evidence", {}).get("values", []), values_doc, lang, value_names,
                       f"cases[{case['id']}]", reg.source)
    if figures:
        parts.append(_("Figures: {items}.", items="; ".join(md_text(f) for f in figures)))
    src = case.get("sources", {})
    sources = []
    types = sorted({segment_types.get(s, s) for s in src.get("segments", [])}, key=str.casefold)
    if types:
        sources.append(_("interviews and focus groups with {types}", types=format_list(types, locale=loc)))
    entries = src.get("journal_entries", [])
    if len(entries) == 1:
        sources.append(_("outcome journal entry {entry}", entry=entries[0]))
    elif entries:
        sources.append(_("outcome journal entries {entries}", entries=format_list(entries, locale=loc)))
    order = list(fnum)  # the findings in report order
    supported = [fnum[f] for f in sorted(case["findings"], key=order.index)]
    line = (_("Supports finding {numbers}.", numbers=supported[0]) if len(supported) == 1 else
            _("Supports findings {numbers}.", numbers=format_list(supported, locale=loc)))
    if sources:
        line += " " + _("Sources: {sources}.", sources="; ".join(md_text(x) for x in sources))
    parts.append(line)
    return "::: {.case-box}\n" + "\n\n".join(parts) + "\n:::\n"


def text_table(reg: Registry, table: dict, values_doc: dict, lang: str, value_names: dict[str, str]) -> str:
    """A registry table of texts as a captioned table: one column per declared column, the row's
    figures (name: value) at the end of its first cell."""
    cols = table["columns"]
    rows = []
    for r in table["rows"]:
        cells = [_para(r["cells"][c["id"]][lang]) if c["id"] in r["cells"] else "" for c in cols]
        figures = _figures(r.get("values", []), values_doc, lang, value_names, f"tables[{table['id']}].rows[{r['id']}]",
                           reg.source)
        if figures:
            cells[0] = (cells[0] + " " if cells[0] else "") + "(" + "; ".join(figures) + ")"
        rows.append(cells)
    return md_table([c["name"][lang] for c in cols], rows, _para(table["caption"][lang]), f"tbl-{table['id']}",
                    text_columns=len(cols))


def findings_chapter(reg: Registry, values_doc: dict, lang: str, value_names: dict[str, str],
                     stakeholder_names: dict[str, str], segment_types: dict[str, str] | None = None) -> str:
    """One section per thematic category: its summary, then each finding with its number, followed by
    the registry tables that belong to it and the cases whose first supported finding (in report
    order) it is.
    `segment_types`: coded segment id -> its stakeholder type's name in this language (the sources of
    the cases)."""
    _ = translator(lang)
    value_names = registry_value_names(reg, values_doc, lang) | value_names
    fnum = reg.finding_numbers()
    order = list(fnum)  # finding ids in report order
    cases_after: dict[str, list[dict]] = {}
    for c in reg.data.get("cases", []):
        cases_after.setdefault(min(c["findings"], key=order.index), []).append(c)
    domains = {d["key"]: (i, d) for i, d in enumerate(reg.tosc["domains"], start=1)}
    levels = {"low": _("low"), "medium": _("medium"), "high": _("high")}
    out = []
    qnum = reg.question_numbers()
    for t in reg.data["themes"]:
        out.append(f"## {t['title'][lang]}\n\n{_para(t['summary'][lang])}\n")
        for s in t.get("sections", []):
            answers = [qnum[q] for q in s.get("answers", [])]
            note = ("" if not answers else " " + (_("(Evaluation question {numbers}.)", numbers=answers[0])
                                                  if len(answers) == 1 else
                                                  _("(Evaluation questions {numbers}.)", numbers=", ".join(answers))))
            out.append(f"### {s['title'][lang]}\n\n{_para(s['text'][lang])}{note}\n")
        for f in [f for f in reg.data["findings"] if f["theme"] == t["id"]]:
            out.append(f"### {_('Finding {number}: {title}', number=fnum[f['id']], title=f['title'][lang])}\n\n"
                       f"{_para(f['text'][lang])}\n")
            out.extend(line + "\n" for line in evidence_lines(reg, f, values_doc, lang, value_names))
            q = f.get("quote")
            if q:
                out.append(quote_block(q, lang, stakeholder_names))
            lps = f.get("leverage_points", [])
            if lps:
                rows = [f"| {md_cell(_para(lp['name'][lang]))} | "
                        + md_cell(", ".join(f"{domains[d][0]}. {domains[d][1]['name'][lang]}" for d in lp["domains"]))
                        + f" | {levels[lp['level']]} | {md_cell(_para(lp['description'][lang]))} |" for lp in lps]
                out.append("| " + " | ".join([_("Leverage point"), _("TOsC outcome domains"), _("Level"),
                                              _("Description")]) + " |\n"
                           + "|:--------------|:--------------|:------|:-------------------------------|\n"
                           + "\n".join(rows) + "\n\n"
                           + f": {_('Leverage points of finding {number}', number=fnum[f['id']])} "
                           + f"{{#tbl-finding-{f['id']}}}\n")
            elif f.get("no_leverage_point"):
                out.append(_("No leverage point: {reason}", reason=_para(f["no_leverage_point"][lang])) + "\n")
            for table in [x for x in reg.data.get("tables", []) if x["finding"] == f["id"]]:
                out.append(text_table(reg, table, values_doc, lang, value_names))
            for c in cases_after.get(f["id"], []):
                out.append(case_box(reg, c, values_doc, lang, value_names, segment_types or {}))
    return "\n".join(out)


def good_practices_chapter(reg: Registry, lang: str) -> str:
    _ = translator(lang)
    fnum = reg.finding_numbers()
    out = []
    for g in reg.data["good_practices"]:
        out.append(f"## {g['title'][lang]}\n\n{_para(g['text'][lang])} {_rests_on(fnum, g['findings'], _)}\n")
    return "\n".join(out)


def _recommendation(reg: Registry, r: dict, n: int, values_doc: dict, lang: str, workshop: str | None,
                    level: str = "##") -> str:
    """One recommendation: heading with its number, text, addressees, supporting findings and, where the
    evaluation held validation workshops, where its priority comes from."""
    _ = translator(lang)
    fnum = reg.finding_numbers()
    addressees = reg.by_id("addressees")
    lines = [f"{level} {_('Recommendation {number}: {title}', number=n, title=r['title'][lang])}\n",
             _para(r["text"][lang]) + "\n",
             _("Addressed to: {names}.", names=", ".join(addressees[a]["name"][lang] for a in r["addressees"])),
             _("Rests on finding {number}.", number=fnum[r["findings"][0]]) if len(r["findings"]) == 1 else
             _("Rests on findings {numbers}.", numbers=", ".join(fnum[f] for f in r["findings"]))]
    mean = ids.item(workshop, r["priority"], "mean") if workshop else None
    if mean and mean in values_doc["values"]:
        lines.append(_("Mean priority given by the validation workshops: {mean}.", mean=lookup(values_doc, mean, lang)))
    elif workshop and r["priority"] == "evaluation_team":
        lines.append(_("Added by the evaluation team after the validation workshops."))
    return lines[0] + "\n" + lines[1] + "\n" + " ".join(lines[2:]) + "\n"


def ranked_recommendations(reg: Registry, values_doc: dict, lang: str, workshop: str | None) -> str:
    """Every recommendation as one line of a numbered list, for an executive summary: its number and
    title and, where validation workshops rated it, its priority rank and mean rating."""
    _ = translator(lang)
    rated = [r for r in reg.data["recommendations"]
             if workshop and ids.item(workshop, r["priority"], "rank") in values_doc["values"]]
    lines = []
    for n, r in enumerate(reg.data["recommendations"], start=1):
        if r in rated:
            why = _("ranked {rank} of {count} by the validation workshops, mean priority {mean}",
                    rank=lookup(values_doc, ids.item(workshop, r["priority"], "rank"), lang), count=len(rated),
                    mean=lookup(values_doc, ids.item(workshop, r["priority"], "mean"), lang))
        elif workshop and r["priority"] == "evaluation_team":
            why = _("added by the evaluation team")
        else:
            why = ""
        lines.append(f"{n}. **{_para(r['title'][lang])}**" + (f" ({why})" if why else ""))
    return "\n".join(lines) + "\n"


def figure_item(shown: str, label: str) -> str:
    """One line of a list of figures: the figure (a display form from values.json) in bold, then what
    it counts."""
    return f"- **{shown}** {label}"


def key_figures_box(items: list[str]) -> str:
    """Lines of figures as a key-figures call-out: a div of class `key-figures`, a tinted box in HTML
    and PDF (evalkit's Lua filter and stylesheet), a plain list in Word."""
    return "::: {.key-figures}\n" + "\n".join(items) + "\n:::\n"


def key_figures_fragment(reg: Registry, block_id: str, values_doc: dict, lang: str) -> str:
    """A registry key-figures block as a call-out, each figure from values.json."""
    block = reg.by_id("key_figures")[block_id]
    return key_figures_box([figure_item(lookup(values_doc, i["value"], lang), _para(i["label"][lang]))
                            for i in block["items"]])


def registry_metadata(reg: Registry, lang: str) -> dict:
    """What authored report text names by reference, in one language: ``registry.<kind>.<id>.<field>``
    (for example ``{{< meta registry.projects.map.name >}}``), so prose never copies a name or a
    title from the registry and a renamed entry is renamed everywhere."""
    fnum = reg.finding_numbers()

    def fields(item: dict, names: tuple[str, ...]) -> dict[str, str]:
        return {k: _para(item[k][lang]) for k in names if isinstance(item.get(k), dict) and lang in item[k]}

    out = {
        "projects": {p["id"]: fields(p, ("name", "short", "implementer")) for p in reg.data.get("projects", [])},
        "findings": {f["id"]: {**fields(f, ("title",)), "number": fnum[f["id"]]} for f in reg.data["findings"]},
        "recommendations": {r["id"]: {**fields(r, ("title",)), "number": str(n)}
                            for n, r in enumerate(reg.data["recommendations"], start=1)},
        "good_practices": {g["id"]: fields(g, ("title",)) for g in reg.data.get("good_practices", [])},
        "acronyms": {a["id"]: fields(a, ("short", "long")) for a in reg.data.get("acronyms", [])},
        "addressees": {a["id"]: fields(a, ("name",)) for a in reg.data.get("addressees", [])},
        "themes": {t["id"]: {**fields(t, ("title",)), "number": str(i)}
                   for i, t in enumerate(reg.data["themes"], start=1)},
    }
    out = {kind: items for kind, items in out.items() if items}
    if reg.data.get("projects"):
        from babel.lists import format_list

        from evalkit.core.i18n import babel_locale

        out["project_list"] = format_list(
            [f"{_para(p.get('short', p['name'])[lang])} ({TRAILING_ACRONYM.sub('', _para(p['implementer'][lang]))})"
             for p in reg.data["projects"]], locale=babel_locale(lang))
    return out


TRAILING_ACRONYM = re.compile(r"\s*\([^()]*\)$")  # "Partners of the Americas (POA)" -> "Partners of the Americas"


def project_items(reg: Registry, lang: str, summary: bool = False) -> str:
    """The sampled projects as a Markdown list: each project's name and implementer and, with
    `summary`, what it does (the report's scope section; the briefs' introduction lists them without)."""
    _ = translator(lang)
    return "\n".join(f"- **{_para(p['name'][lang])}**, "
                     + _("implemented by {implementer}.", implementer=_para(p["implementer"][lang]))
                     + (f" {_para(p['summary'][lang])}" if summary else "")
                     for p in reg.data.get("projects", [])) + "\n"


def projects_fragment(reg: Registry, lang: str) -> str:
    """The sampled projects as a list: each project's name, its implementer and what it does."""
    return project_items(reg, lang, summary=True)


def recommendations_chapter(reg: Registry, values_doc: dict, lang: str, workshop: str | None) -> str:
    return "\n".join(_recommendation(reg, r, n, values_doc, lang, workshop)
                     for n, r in enumerate(reg.data["recommendations"], start=1))


def recommendations_by_addressee(reg: Registry, values_doc: dict, lang: str, workshop: str | None) -> str:
    """The recommendations grouped under their first addressee (in the order of the registry's
    addressees), each keeping its number from the registry's order; a section per addressee."""
    numbers = reg.recommendation_numbers()
    out = []
    for a in reg.data["addressees"]:
        mine = [r for r in reg.data["recommendations"] if r["addressees"][0] == a["id"]]
        if mine:
            out.append(f"## {a['name'][lang]}\n")
            out += [_recommendation(reg, r, numbers[r["id"]], values_doc, lang, workshop, level="###") for r in mine]
    return "\n".join(out)


# --- front and back matter of the full report --------------------------------------------------

def acronyms_fragment(reg: Registry, lang: str) -> str:
    """The acronyms table, in the alphabetical order of the short forms of this language."""
    _ = translator(lang)
    rows = sorted(([a["short"][lang], _para(a["long"][lang])] for a in reg.data.get("acronyms", [])),
                  key=lambda r: (r[0].casefold(), r[0]))
    if not rows:
        return ""
    return md_table([_("Acronym"), _("Meaning")], rows, _("Acronyms used in this report"), "tbl-acronyms",
                    first_width=12, text_columns=2)


def evaluation_questions_fragment(reg: Registry, lang: str) -> str:
    """The evaluation criteria with their questions and the thematic categories that answer them."""
    _ = translator(lang)
    themes = reg.by_id("themes")
    qnum = reg.question_numbers()
    rows = []
    for c in reg.data["criteria"]:
        for i, q in enumerate(c["questions"]):
            answered = ", ".join(f"{reg.theme_number(t)}. {themes[t]['title'][lang]}" for t in q.get("themes", []))
            rows.append([c["name"][lang] if i == 0 else "", f"{qnum[q['id']]} {_para(q['text'][lang])}", answered])
    return md_table([_("Criterion"), _("Evaluation question"), _("Answered in the thematic categories")], rows,
                    _("Evaluation criteria and questions"), "tbl-evaluation-questions", text_columns=3)


def _rests_on(fnum: dict, findings: list[str] | None, _) -> str:
    """'(Finding 1.4.)' for one finding, '(Findings 1.4, 2.1.)' for several, nothing for a statement
    that stands alone."""
    if not findings:
        return ""
    if len(findings) == 1:
        return _("(Finding {number}.)", number=fnum[findings[0]])
    return _("(Findings {numbers}.)", numbers=", ".join(fnum[f] for f in findings))


def _statement(text: str, note: str) -> str:
    return f"{text} {note}" if note else text


def conclusions_chapter(reg: Registry, lang: str) -> str:
    """The conclusions as a numbered list, each with the findings it rests on."""
    _ = translator(lang)
    fnum = reg.finding_numbers()
    return "\n".join(f"{n}. {_para(c['text'][lang])} {_rests_on(fnum, c['findings'], _)}"
                     for n, c in enumerate(reg.data.get("conclusions", []), start=1)) + "\n"


def lessons_chapter(reg: Registry, lang: str) -> str:
    """Per learning question: the question and its lessons learned; then the lessons that hang under
    no learning question (the registry's `lessons`), under their own heading when questions have
    lessons too. Each lesson with the findings it rests on, if any."""
    _ = translator(lang)
    fnum = reg.finding_numbers()

    def items(lessons: list[dict]) -> str:
        return "\n".join(f"- {_statement(_para(x['text'][lang]), _rests_on(fnum, x.get('findings'), _))}"
                         for x in lessons) + "\n"

    out = []
    for lq in reg.data.get("learning_questions", []):
        if not lq.get("lessons"):
            continue
        title = lq.get("short", lq["question"])[lang]
        out.append(f"## {title}\n\n*{_para(lq['question'][lang])}*\n\n" + items(lq["lessons"]))
    alone = reg.data.get("lessons", [])
    if alone:
        out.append((f"## {_('Other lessons learned')}\n\n" if out else "") + items(alone))
    return "\n".join(out)


def performance_ratings_fragment(reg: Registry, lang: str) -> str:
    """The performance ratings as a table: one row per outcome, one column per criterion, each cell the
    level's name in words (never a colour or a symbol alone)."""
    _ = translator(lang)
    pr = reg.data["performance_ratings"]
    levels = {x["id"]: x["name"][lang] for x in pr["scale"]}
    rows = [[f"{o['label'][lang]} {o['number']}: {_para(o['text'][lang])}"]
            + [levels[o["ratings"][c["id"]]] for c in pr["criteria"]] for o in pr["outcomes"]]
    header = [_("Outcome")] + [c["name"][lang] for c in pr["criteria"]]
    caption = _("Performance ratings of each outcome, on a scale from lowest to highest: {levels}",
                levels=", ".join(x["name"][lang] for x in pr["scale"]))
    return md_table(header, rows, caption, "tbl-performance-ratings", first_width=40, text_columns=len(header))
