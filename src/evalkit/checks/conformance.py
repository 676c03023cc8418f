"""The Section 508 conformance report of a build (``checks/508.{json,html}``): every checklist item
(``section508.yaml``: the HHS PDF, Word and HTML checklists, traced to WCAG) and every PDF/UA-1
Matterhorn checkpoint, answered for every checked document as pass, fail, needs a person or not
applicable, with the evidence: the rules of axe-core, of the independent PDF checker (outloud) and
of the gate's own checks that decided it, or what a person has to look at.

It is made from the accessibility gate's report alone (what each check found, each axe and outloud
rule's outcome, and what each document contains), so it says exactly what was checked. A reviewer
signing off reads this one page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import yaml

from evalkit.core.io import atomic_write_text
from evalkit.render.htmlpage import page, stylesheet, table_region

__all__ = ["LABELS", "STATUSES", "checklists", "conformance", "write_conformance"]

#: Statuses, worst first.
STATUSES = ("fail", "person", "pass", "n/a")
LABELS = {"fail": "Fail", "person": "Needs a person", "pass": "Pass", "n/a": "Not applicable"}
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word (DOCX)", "html": "HTML"}


def _matterhorn(status: str) -> str:
    """A checkpoint's outloud status as the report's: pass, fail and not applicable as they are;
    anything else (pdfua.FOR_A_PERSON, or a status outloud may add) is for a person."""
    return {"pass": "pass", "fail": "fail", "not-applicable": "n/a"}.get(status, "person")


@cache
def checklists() -> dict[str, list[dict[str, Any]]]:
    """The checklist items by format (``section508.yaml``)."""
    return yaml.safe_load((Path(__file__).with_name("section508.yaml")).read_text(encoding="utf-8"))


def _decide(item: Mapping[str, Any], doc: Mapping[str, Any]) -> tuple[str, list[str]]:
    """One item's status for one document, and the evidence for it."""
    feats = doc.get("features", {})
    outloud_ids = item.get("outloud", [])
    # a finding fails its item even where the feature count says the item does not apply
    # ("outloud" alone: the checker could not read the file or a rule crashed)
    failed = [f for f in doc["findings"]
              if f["check"] in item.get("checks", [])
              or ("*" in outloud_ids and (f["check"] == "outloud" or f["check"].startswith("outloud:")))
              or f["check"] in {f"outloud:{r}" for r in outloud_ids}
              or f["check"] in {f"axe:{r}" for r in item.get("axe", [])}]
    if failed:
        return "fail", [f"{f['check']} at {f['where']}: {f['message']}" for f in failed]
    if item.get("applies") and not feats.get(item["applies"]):
        return "n/a", [f"the document has no {item['applies']}"]
    bad = [f"{name}" for name in item.get("fails_if", []) if feats.get(name)]
    if bad:
        return "fail", [f"the document has {feats[name]} {name}" for name in bad]

    evidence: list[str] = []
    review: list[str] = []
    decided = False
    if item.get("checks"):
        evidence.append("gate: " + ", ".join(f"{c} found nothing" for c in item["checks"]))
        decided = True
    if item.get("fails_if"):
        evidence.append("gate: " + ", ".join(f"no {name}" for name in item["fails_if"]))
        decided = True
    axe = doc.get("axe", {})
    ran = [(r, axe[r]) for r in item.get("axe", []) if r in axe]
    if ran:
        evidence.append("axe-core: " + ", ".join(f"{r} {o}" for r, o in ran))
        decided = decided or any(o == "pass" for _, o in ran)
        review += [f"axe-core could not decide {r} (incomplete)" for r, o in ran if o == "incomplete"]
    rules = doc.get("outloud", {})
    if "*" in outloud_ids:
        ran_any = [r for r, o in rules.items() if o not in ("not-run", "not-applicable")]
        if ran_any:
            evidence.append(f"outloud: no error from any of the {len(ran_any)} rules that ran")
            decided = True
        else:
            review.append("outloud ran no rule on this document")
    else:
        ran = [(r, rules[r]) for r in outloud_ids if rules.get(r) not in (None, "not-run", "not-applicable")]
        if ran:
            evidence.append("outloud: " + ", ".join(f"{r} {o}" for r, o in ran))
            decided = decided or any(o in ("pass", "info") for _, o in ran)
            review += [f"outloud warns ({r})" for r, o in ran if o == "warning"]
    if item.get("person"):
        return "person", [*review, item["person"], *evidence]
    if review:
        return "person", review + evidence
    if decided:
        return "pass", evidence
    return "n/a", evidence or ["no rule applied to this document"]


def _short_names(paths: Sequence[str]) -> dict[str, str]:
    """Each path without the folders all paths share and without its suffix ('en/report')."""
    if not paths:
        return {}
    common = os.path.commonpath([os.path.dirname(p) for p in paths]) if len(paths) > 1 else os.path.dirname(paths[0])
    return {p: os.path.splitext(os.path.relpath(p, common))[0] for p in paths}


def conformance(gate_report: Mapping[str, Any], environment: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The conformance report (JSON-ready) from a merged accessibility gate report."""
    docs = list(gate_report["checked"])
    short = _short_names([d["path"] for d in docs])
    names = {d["path"]: d.get("document") or short[d["path"]] for d in docs}
    items = []
    for fmt, catalogue in checklists().items():
        of_format = [d for d in docs if d["format"] == fmt]
        if not of_format:
            continue
        for item in catalogue:
            results = {}
            for doc in of_format:
                status, evidence = _decide(item, doc)
                results[names[doc["path"]]] = {"status": status, "evidence": evidence}
            items.append({"id": item["id"], "format": fmt, "requirement": item["requirement"],
                          "wcag": [str(w) for w in item.get("wcag", [])], "hhs": item.get("hhs"),
                          "person": item.get("person"), "results": results})
    matterhorn: list[dict[str, Any]] = []
    for doc in docs:
        for row in doc.get("criteria", []):
            if not row["framework"].startswith("PDF/UA"):
                continue
            if not matterhorn or all(m["id"] != row["id"] for m in matterhorn):
                matterhorn.append({"id": row["id"], "name": row["name"], "results": {}})
            entry = next(m for m in matterhorn if m["id"] == row["id"])
            entry["results"][names[doc["path"]]] = {"status": _matterhorn(row["status"]),
                                                    "evidence": [row["note"]] if row["note"] else []}
    counts = {s: 0 for s in STATUSES}
    for entry in items + matterhorn:
        for result in entry["results"].values():
            counts[result["status"]] += 1
    return {
        "passed": counts["fail"] == 0,
        "summary": counts,
        "documents": [{"name": names[d["path"]], "path": d["path"], "format": d["format"], "lang": d["lang"]}
                      for d in docs],
        "tools": {"axe_core": gate_report.get("axe_version"), "axe_rules": gate_report.get("rules"),
                  "pdf_checker": gate_report.get("pdf_checker"), **(environment or {})},
        "items": items,
        "matterhorn": matterhorn,
    }


# --- the page -------------------------------------------------------------------------------------

TITLE = "Section 508 conformance report"

# The shared page style, a wider column, tighter tables and the colour of each answer.
_CSS = stylesheet("80rem", "table{margin:.5rem 0 1.5rem}th,td{padding:.25rem .45rem}"
                  ".fail{background:#fde8e8;font-weight:bold}.person{background:#fff4d6}.pass{background:#e6f4ea}"
                  ".n-a{color:#4d4d4d}td.req{min-width:14rem}tbody th{white-space:nowrap}")


def _cell(result: Mapping[str, Any] | None) -> str:
    if result is None:
        return "<td>—</td>"
    status = result["status"]
    return f'<td class="{status.replace("/", "-")}">{LABELS[status]}</td>'


def _matrix(caption: str, rows: list[dict[str, Any]], names: list[str], with_requirement: bool) -> str:
    head = "<th scope=\"col\">Item</th>" + ("<th scope=\"col\">Requirement</th><th scope=\"col\">WCAG</th>"
                                            if with_requirement else "")
    head += "".join(f'<th scope="col">{escape(n)}</th>' for n in names)
    body = []
    for row in rows:
        label = escape(row["id"] + ("" if with_requirement else f" {row['name']}"))
        cells = f'<th scope="row">{label}</th>'
        if with_requirement:
            cells += (f"<td class=\"req\">{escape(row['requirement'])}</td>"
                      f"<td>{escape(', '.join(row['wcag']) or '—')}</td>")
        cells += "".join(_cell(row["results"].get(n)) for n in names)
        body.append(f"<tr>{cells}</tr>")
    table = (f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
             + "\n".join(body) + "\n</tbody>\n</table>\n")
    return table_region(caption, table)


def _page(report: Mapping[str, Any]) -> str:
    tools = report["tools"]
    counts = report["summary"]
    docs = report["documents"]
    by_format = {fmt: [d["name"] for d in docs if d["format"] == fmt] for fmt in FORMAT_NAMES}
    verdict = ("No item failed." if report["passed"] else f"{counts['fail']} answer(s) failed: see below.")
    parts = [f"<h1>{escape(TITLE)}</h1>\n",
             f"<p>{escape(verdict)} {len(docs)} documents checked: "
             + ", ".join(f"{len(v)} {FORMAT_NAMES[f]}" for f, v in by_format.items() if v) + ". "
             f"Answers: {counts['pass']} pass, {counts['fail']} fail, {counts['person']} need a person, "
             f"{counts['n/a']} not applicable.</p>\n",
             "<p>Checked with axe-core " + escape(str(tools.get("axe_core") or "(no HTML)"))
             + " (rules tagged " + escape(str(tools.get("axe_rules"))) + "), "
             + escape(str(tools.get("pdf_checker") or "no PDF checker (no PDF)"))
             + " for PDF/UA-1 and WCAG 2.2, and evalkit's own accessibility gate. The items follow the "
             "HHS Section 508 checklists for PDF, Word and HTML files (in our words) and the Matterhorn "
             "Protocol 1.1 for PDF/UA-1. “Needs a person” means no machine can decide the item: a "
             "reviewer checks it by eye before signing off.</p>\n"]
    person = [i for i in report["items"] if any(r["status"] == "person" for r in i["results"].values())]
    if person:
        parts.append("<h2>For a person to check</h2>\n<ul>\n")
        for item in person:
            where = [n for n, r in item["results"].items() if r["status"] == "person"]
            docs_text = (f"all {len(where)} {FORMAT_NAMES[item['format']]} documents"
                         if len(where) == len(by_format[item["format"]]) else ", ".join(where))
            what = item["person"] or next(r["evidence"][0] for r in item["results"].values() if r["status"] == "person")
            parts.append(f"<li><strong>{escape(item['id'])}</strong> {escape(item['requirement'])} "
                         f"{escape(what)} ({escape(docs_text)})</li>\n")
        parts.append("</ul>\n")
    failed = [(i, n, r) for i in report["items"] + report["matterhorn"] for n, r in i["results"].items()
              if r["status"] == "fail"]
    if failed:
        parts.append("<h2>Failures</h2>\n<ul>\n")
        parts += [f"<li><strong>{escape(i['id'])}</strong>, {escape(n)}: {escape('; '.join(r['evidence']))}</li>\n"
                  for i, n, r in failed]
        parts.append("</ul>\n")
    for fmt, name in FORMAT_NAMES.items():
        rows = [i for i in report["items"] if i["format"] == fmt]
        if rows:
            parts.append(f"<h2>{escape(name)} documents</h2>\n")
            parts.append(_matrix(f"{name} checklist: the answer for each document", rows, by_format[fmt], True))
    if report["matterhorn"]:
        parts.append("<h2>PDF/UA-1: Matterhorn Protocol checkpoints</h2>\n")
        parts.append(_matrix("Matterhorn Protocol 1.1 checkpoints: the answer for each PDF", report["matterhorn"],
                             by_format["pdf"], False))
    parts.append("<h2>Evidence</h2>\n<p>What decided each item, per document, is in "
                 "<code>508.json</code> (<code>items[].results</code>). In short:</p>\n<ul>\n")
    for item in report["items"]:
        first = next(iter(item["results"].values()))
        parts.append(f"<li><strong>{escape(item['id'])}</strong> ({escape(item['format'])}): "
                     f"{escape('; '.join(first['evidence']) or '—')}</li>\n")
    parts.append("</ul>\n")
    return page("en-US", TITLE, "".join(parts), _CSS)


def write_conformance(gate_report: Mapping[str, Any], json_path: str | Path, html_path: str | Path,
                      environment: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Write ``508.json`` and ``508.html`` (atomically, no timestamps) and return the report."""
    report = conformance(gate_report, environment)
    atomic_write_text(json_path, json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    atomic_write_text(html_path, _page(report))
    return report
