"""The learning-brief series, generated from the content registry in each document language: an
introduction that lists the learning questions and links their briefs, and one brief per learning
question with its key insights and lessons learned, spotlights on the projects behind it (with their
monitoring figures from values.json), quotations attributed by stakeholder type only, and the
emerging good practices the registry assigns to the question.

What belongs to a question follows from the registry: its findings are those of its themes; its
projects are those those findings draw on and those of its good practices; its quotations are those
of its findings; its good practices are those that name it under `learning_questions`. Finding
numbers are the report's (evalkit.content.registry.Registry.finding_numbers), so a brief points at the
evidence in the report; every figure comes from values.json."""

from __future__ import annotations

import re

from evalkit.content.registry import Registry
from evalkit.core.i18n import translator
from evalkit.documents.chapters import _para, figure_item, key_figures_box, project_items, quote_block, value_name
from evalkit.documents.fragments import as_of, md_link, md_table, md_text
from evalkit.values import ids
from evalkit.values.store import lookup

FORMAT_NAMES = {"html": "HTML", "pdf": "PDF", "docx": "DOCX"}


def link_format(formats: list[str]) -> str:
    """The format links between documents of the series point at: HTML when it is published."""
    return "html" if "html" in formats else formats[0]


def question_findings(reg: Registry, question: dict) -> list[dict]:
    """The findings of the question's themes, in registry order."""
    return [f for f in reg.data["findings"] if f["theme"] in question["themes"]]


def question_good_practices(reg: Registry, question: dict) -> list[dict]:
    return [g for g in reg.data["good_practices"] if question["id"] in g.get("learning_questions", [])]


def question_projects(reg: Registry, question: dict) -> list[dict]:
    """The registry's projects (in its order) that the question's findings or good practices draw on."""
    used = {p for f in question_findings(reg, question) for p in f.get("evidence", {}).get("projects", [])}
    used |= {p for g in question_good_practices(reg, question) for p in g.get("projects", [])}
    return [p for p in reg.data["projects"] if p["id"] in used]


def cited_indicators(config, instrument_id: str) -> dict[str, list[str]]:
    """project -> value-id bases ('<instrument>.<project>.<indicator>') of the indicators the
    evaluation cites (declared `cite: true`), in the order of the declarations."""
    from evalkit.analysis.indicators import slug

    out: dict[str, list[str]] = {}
    for (project, code), decl in config.declarations.items():
        if decl.get("cite"):
            out.setdefault(project, []).append(ids.value_id(instrument_id, project, slug(code)))
    return out


def spotlight_indicators(reg: Registry, question: dict, project: str, values_doc: dict, monitoring: str | None,
                         cited: dict[str, list[str]]) -> list[str]:
    """Value-id bases of the project's indicators a brief shows: those its question's findings cite
    as evidence, or, when they cite none of the project's, the ones the evaluation cites."""
    if monitoring is None:
        return []
    pattern = re.compile(
        rf"^{re.escape(monitoring)}\.{re.escape(project)}\.([a-z0-9_]+)\.(total|total_millions|women)$"
    )
    bases: list[str] = []
    for f in question_findings(reg, question):
        for vid in f.get("evidence", {}).get("values", []):
            m = pattern.match(vid)
            base = ids.value_id(monitoring, project, m.group(1)) if m else None
            if base and base not in bases and ids.value_id(base, "total") in values_doc["values"]:
                bases.append(base)
    return bases or [b for b in cited.get(project, []) if ids.value_id(b, "total") in values_doc["values"]]


def key_figures(
    reg: Registry,
    question: dict,
    projects: list[dict],
    values_doc: dict,
    lang: str,
    value_names: dict[str, str],
    monitoring: str | None,
    cited: dict[str, list[str]],
    most: int = 3,
) -> list[str]:
    """The brief's call-out: the headline result (the first indicator its spotlight shows) of each of its
    projects, at most ``most``, as Markdown list items ("- **2,846** workers trained ...")."""
    items = []
    for p in projects:
        bases = spotlight_indicators(reg, question, p["id"], values_doc, monitoring, cited)
        if bases and len(items) < most:
            b = bases[0]
            total = ids.value_id(b, "total")
            items.append(figure_item(lookup(values_doc, total, lang), value_names.get(total, b)))
    return items


def findings_note(finding_ids: list[str], lang: str, fnum: dict[str, str]) -> str:
    """'(Findings 1.2, 1.4 of the evaluation report.)', in the report's order of the findings."""
    _ = translator(lang)
    order = list(fnum)
    numbers = [fnum[f] for f in sorted(set(finding_ids), key=order.index)]
    if len(numbers) == 1:
        return _("(Finding {number} of the evaluation report.)", number=numbers[0])
    return _("(Findings {numbers} of the evaluation report.)", numbers=", ".join(numbers))


def _statements(items: list[dict], lang: str, fnum: dict[str, str]) -> str:
    return (
        "\n".join(
            f"{n}. {_para(s['text'][lang])}"
            + (f" {findings_note(s['findings'], lang, fnum)}" if s.get("findings") else "")
            for n, s in enumerate(items, start=1)
        )
        + "\n"
    )


def brief_fragment(
    reg: Registry,
    values_doc: dict,
    lang: str,
    question_id: str,
    value_names: dict[str, str],
    stakeholder_names: dict[str, str],
    formats: list[str],
    monitoring: str | None = None,
    cited: dict[str, list[str]] | None = None,
    sources: dict[str, dict] | None = None,
) -> str:
    """The Markdown body of the learning brief on one question (its title is the document's)."""
    _ = translator(lang)
    q = reg.by_id("learning_questions")[question_id]
    fnum = reg.finding_numbers()
    themes = reg.by_id("themes")
    findings = question_findings(reg, q)
    outcomes = reg.by_id("outcomes")
    dash = "\u2014"

    def has(vid: str) -> bool:
        return vid in values_doc["values"]

    out = [
        f"# {_('The learning question')}\n\n{_para(q['question'][lang])}\n",
        _(
            "This brief draws on the findings that the evaluation report presents under \u201c{themes}\u201d.",
            themes="\u201d, \u201c".join(themes[t]["title"][lang] for t in q["themes"]),
        )
        + "\n",
    ]
    projects = question_projects(reg, q)
    figures = key_figures(reg, q, projects, values_doc, lang, value_names, monitoring, cited or {})
    if figures:
        out.append(f"# {_('Key figures')}\n\n" + key_figures_box(figures))
    if q.get("context"):
        # context figures of the desk review, each with the date it refers to and its source
        rows = []
        for vid in q["context"]:
            src = (sources or {}).get(vid, {})
            rows.append(
                [
                    value_name(vid, value_names, lang, f"learning_questions[{q['id']}].context", reg.source),
                    lookup(values_doc, vid, lang),
                    md_text(as_of(src["as_of"], lang)) if src.get("as_of") else dash,
                    md_link(src["source"], src.get("url", "")) if src.get("source") else dash,
                ]
            )
        out.append(
            f"# {_('The context in figures')}\n\n"
            + md_table(
                [_("Figure"), _("Value"), _("As of"), _("Source")],
                rows,
                _("Context figures for this brief and their sources"),
                f"tbl-brief-context-{q['id']}",
                first_width=40,
            )
        )
    if q.get("insights"):
        if any(i.get("detail") for i in q["insights"]):
            parts = [f"# {_('Key insights')}\n"]
            for n, i in enumerate(q["insights"], start=1):
                parts.append(
                    f"## {_('Key insight {number}', number=n)}: {_para(i['text'][lang])}\n\n"
                    + (f"{_para(i['detail'][lang])} " if i.get("detail") else "")
                    + findings_note(i["findings"], lang, fnum)
                    + "\n"
                )
            out.append("\n".join(parts))
        else:
            out.append(f"# {_('Key insights')}\n\n" + _statements(q["insights"], lang, fnum))
    if q.get("lessons"):
        out.append(f"# {_('Lessons learned')}\n\n" + _statements(q["lessons"], lang, fnum))

    if projects:
        out.append(f"# {_('Project spotlights')}\n")
        for p in projects:
            pid = p["id"]
            out.append(
                f"## {p['name'][lang]}\n\n"
                + _("Implemented by {implementer}.", implementer=p["implementer"][lang])
                + " "
                + _para(p["summary"][lang])
                + "\n"
            )
            for sp in (x for x in q.get("spotlights", []) if x["project"] == pid):
                text = f"### {_para(sp['title'][lang])}\n\n{_para(sp['text'][lang])}\n"
                items = [
                    figure_item(
                        lookup(values_doc, vid, lang),
                        value_name(
                            vid, value_names, lang, f"learning_questions[{q['id']}].spotlights[{sp['id']}]", reg.source
                        ),
                    )
                    for vid in sp.get("values", [])
                ]
                for oid in sp.get("outcomes", []):
                    o = outcomes[oid]
                    items.append(
                        "- "
                        + _(
                            "Outcome ({when}, {where}): {who}. {what} {contribution}",
                            when=as_of(o["when"][:7], lang),
                            where=_para(o["where"][lang]),
                            who=_para(o["who"][lang]),
                            what=_para(o["what"][lang]),
                            contribution=_para(o["contribution"][lang]),
                        )
                    )
                out.append(text + ("\n" + "\n".join(items) + "\n" if items else ""))
            bases = spotlight_indicators(reg, q, pid, values_doc, monitoring, cited or {})
            if bases:
                rows = [
                    [value_names.get(ids.value_id(b, "total"), b), lookup(values_doc, ids.value_id(b, "total"), lang)]
                    + [lookup(values_doc, ids.value_id(b, stat), lang) if has(ids.value_id(b, stat)) else dash
                       for stat in ("target", "achievement", "women")]
                    for b in bases
                ]
                out.append(
                    md_table(
                        [_("Indicator"), _("Result"), _("Target"), _("Share of target"), _("Of whom women")],
                        rows,
                        _("{project}: monitoring results over the life of the project", project=p["name"][lang]),
                        f"tbl-spotlight-{pid.replace('_', '-')}",
                        first_width=30,
                    )
                )

    quoted = [f for f in findings if f.get("quote")]
    if quoted or q.get("quotes"):
        out.append(
            f"# {_('In the words of system actors')}\n\n"
            + _("Quotations are attributed by type of stakeholder only, never by name.")
            + "\n"
        )
        for f in quoted:
            out.append(quote_block(f["quote"], lang, stakeholder_names))
        for x in q.get("quotes", []):
            out.append(
                quote_block(x, lang, stakeholder_names) + "\n" + findings_note([x["finding"]], lang, fnum) + "\n"
            )

    if q.get("donor_levers"):
        out.append(f"# {_('What donors can do')}\n\n" + _statements(q["donor_levers"], lang, fnum))

    practices = question_good_practices(reg, q)
    if practices:
        out.append(f"# {_('Emerging good practices')}\n")
        for g in practices:
            out.append(
                f"## {g['title'][lang]}\n\n{_para(g['text'][lang])} {findings_note(g['findings'], lang, fnum)}\n"
            )

    out.append(
        f"# {_('Further reading')}\n\n"
        + _(
            "The [introduction to the series]({introduction}) lists every brief; the [evaluation report]({report}) "
            "gives the full evidence.",
            introduction=f"introduction.{link_format(formats)}",
            report=f"../report.{link_format(formats)}",
        )
        + "\n"
    )
    return "\n".join(out)


def introduction_fragment(reg: Registry, lang: str, formats: list[str]) -> str:
    """The sampled projects and the learning questions, each linked to its brief in every format."""
    _ = translator(lang)
    out = [
        f"# {_('The sampled projects')}\n",
        project_items(reg, lang),
        f"# {_('The learning questions')}\n",
        _("Each brief answers one of these questions.") + "\n",
    ]
    items = []
    first = link_format(formats)
    for n, q in enumerate(reg.data["learning_questions"], start=1):
        short = q.get("short", q["question"])[lang]
        others = [f"[{FORMAT_NAMES.get(fmt, fmt.upper())}]({q['id']}.{fmt})" for fmt in formats if fmt != first]
        line = f"{n}. **[{_para(short)}]({q['id']}.{first})**: {_para(q['question'][lang])}"
        if others:
            line += " " + _("Also as {formats}.", formats=", ".join(others))
        items.append(line)
    out.append("\n".join(items) + "\n")
    rows = [
        [
            _para(q.get("short", q["question"])[lang]),
            str(len(q.get("insights", []))),
            str(len(q.get("lessons", []))),
            str(len(question_good_practices(reg, q))),
        ]
        for q in reg.data["learning_questions"]
    ]
    out.append(
        md_table(
            [_("Learning brief"), _("Key insights"), _("Lessons learned"), _("Emerging good practices")],
            rows,
            _("What each learning brief contains"),
            "tbl-briefs-contents",
            first_width=30,
        )
    )
    return "\n".join(out)


def brief_fragments(
    reg: Registry,
    values_doc: dict,
    lang: str,
    value_names: dict[str, str],
    stakeholder_names: dict[str, str],
    formats: list[str],
    monitoring: str | None = None,
    cited: dict[str, list[str]] | None = None,
    sources: dict[str, dict] | None = None,
) -> dict[str, str]:
    """{'introduction': ..., '<question id>': ...}: every fragment of the series in one language (none
    when the registry has no learning questions: then there is no series)."""
    if not reg.data["learning_questions"]:
        return {}
    out = {"introduction": introduction_fragment(reg, lang, formats)}
    for q in reg.data["learning_questions"]:
        out[q["id"]] = brief_fragment(
            reg, values_doc, lang, q["id"], value_names, stakeholder_names, formats, monitoring, cited, sources
        )
    return out
