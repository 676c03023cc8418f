"""`evalkit new <id> --type <type> --languages ...`: a skeleton of a new evaluation that builds at once.

It writes config/evaluations/<id>/ (evaluation.yaml, codebooks, indicator declarations), placeholder
raw data under raw/<id>/, the content registry (and a TOsC for a systems evaluation) under
report/<id>/content/, and one report source per language, report/<id>/<language>/report.qmd. Every
file says at its top what to replace; the texts are placeholders in every language asked for, and
the registry holds the parts the evaluation's type needs (workflow/schemas/evaluation_types.yaml).
It never overwrites a file: an existing evaluation id is refused."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import yaml

from evalkit.cli.skeleton_parts import engagement_log, monitoring, rating_survey, text
from evalkit.core.errors import ConfigError
from evalkit.core.i18n import subtag, unsupported_languages
from evalkit.model.types import type_names, type_spec

FAMILIES = ("engagement_log", "rating_survey", "indicator_report")
DEFAULT_INSTRUMENTS = {"systems": ["engagement_log", "rating_survey", "indicator_report"],
                       "project": ["engagement_log", "indicator_report"],
                       "portfolio_msc": ["engagement_log", "indicator_report"]}
IDS = {"engagement_log": "engagement_log", "rating_survey": "survey", "indicator_report": "monitoring"}
PROJECT = "project_a"
INSTRUMENT_ID = r"[a-z][a-z0-9_]*"   # as workflow/schemas/evaluation.schema.yaml's instruments[].id


def dump(doc) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def commented(header: str, parts: list[tuple[str, dict]]) -> str:
    """YAML with a header and a comment before each part (what to write there)."""
    out = [f"# {line}".rstrip() for line in header.strip().splitlines()]
    for comment, part in parts:
        out += ["", *(f"# {line}" for line in comment.strip().splitlines()), dump(part).rstrip()]
    return "\n".join(out) + "\n"


def csv_text(rows: list[list]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def instrument_ids(instruments: list[str]) -> list[tuple[str, str]]:
    """(family, instrument id) for each instrument asked for: 'family' or 'family:id'."""
    out, seen = [], set()
    for spec in instruments:
        family, _, iid = spec.partition(":")
        if family not in FAMILIES:
            raise ConfigError("evalkit new", [f"--instruments: '{family}' is not a family a skeleton can start with; "
                                              f"expected one of {', '.join(FAMILIES)} (as family or family:id)"])
        iid = iid or IDS[family]
        if not re.fullmatch(INSTRUMENT_ID, iid):   # it names files under raw/<id>/ and codebooks/
            raise ConfigError("evalkit new", [f"--instruments: '{iid}' is not an instrument id; expected lowercase "
                                              f"letters, digits and '_', starting with a letter (e.g. {family}:exit)"])
        if iid in seen:
            raise ConfigError("evalkit new", [f"--instruments: the id '{iid}' is given twice; give the second one "
                                              f"an id of its own, e.g. {family}:{iid}_b"])
        seen.add(iid)
        out.append((family, iid))
    return out


def registry(kind: str, langs: list[str], log: str, projects: bool, tosc: bool) -> dict:
    """The registry parts the type needs, with placeholder texts."""
    t = lambda key: text(key, langs)  # noqa: E731
    reg: dict = {}
    if projects or kind == "portfolio_msc":
        reg["projects"] = [{"id": PROJECT, "name": t("project"), "implementer": t("implementer"),
                            "summary": t("placeholder")}]
    if kind in ("systems", "project"):
        finding = {"id": "finding-one", "theme": "theme-one", "title": t("finding"), "text": t("placeholder"),
                   "evidence": {}}
        if tosc:
            finding["leverage_points"] = [{"id": "lp-one", "name": t("leverage_point"), "domains": ["domain_a"],
                                           "level": "medium", "description": t("placeholder")}]
        reg |= {"addressees": [{"id": "addressee-one", "name": t("addressee")}],
                "criteria": [{"id": "effectiveness", "name": t("criterion"),
                              "questions": [{"id": "reach", "text": t("question"), "themes": ["theme-one"]}]}],
                "themes": [{"id": "theme-one", "title": t("theme"), "summary": t("placeholder")}],
                "findings": [finding],
                "recommendations": [{"id": "recommendation-one", "title": t("recommendation"), "text": t("placeholder"),
                                     "findings": ["finding-one"], "addressees": ["addressee-one"],
                                     "priority": "evaluation_team"}]}
    if kind == "portfolio_msc":
        reg |= {"outcome_categories": [{"id": "category-one", "name": t("category")}],
                "outcomes": [{"id": "outcome-one", "category": "category-one", "what": t("outcome"),
                              "period": {"from": 2023, "to": 2024}, "projects": [PROJECT]}],
                "lessons": [{"id": "lesson-one", "text": t("lesson")}]}
    return reg


def tosc_file(langs: list[str]) -> dict:
    t = lambda key: text(key, langs)  # noqa: E731
    return {"categories": [{"key": "category_a", "name": t("tosc_category"), "description": t("placeholder")}],
            "domains": [{"key": key, "category": "category_a", "name": t(name), "description": t("placeholder")}
                        for key, name in (("domain_a", "tosc_domain"), ("domain_b", "tosc_domain_b"))],
            "areas": [{"key": "area_a", "name": t("tosc_area")}]}


def report_source(eid: str, kind: str, lang: str, instruments: list[tuple[str, str]]) -> str:
    sub = subtag(lang)
    frag = f"../../../results/{eid}/report/{sub}/fragments"
    h = lambda key: text(key, [lang])[lang]  # noqa: E731
    out = ["---", f"lang: {lang}", f"metadata-files: [../../../results/{eid}/report/{sub}/meta.yml]", "toc: true",
           "---", "", "<!-- Written by `evalkit new`: replace the placeholder prose. Numbers come from values",
           "     (the meta shortcode of values.ID; `evalkit values` lists the ids) and tables from",
           "     fragments (the include shortcode; `evalkit fragments` lists them); never type a number. -->", "",
           f"# {h('h_background')}", "", h("background"), "", f"# {h('h_data')}", ""]
    for family, iid in instruments:
        if family == "engagement_log":
            out += [f"{{{{< include {frag}/{iid}-fieldwork.md >}}}}", ""]
    for family, iid in instruments:
        if family == "rating_survey":
            out += [f"# {{{{< meta labels.{iid}.name >}}}}", "",
                    f"{{{{< include {frag}/{iid}-ratings.md >}}}}", ""]
        if family == "indicator_report":
            out += [f"# {h('h_monitoring')}", "", f"{{{{< include {frag}/{iid}-indicators.md >}}}}", ""]
    if kind == "portfolio_msc":
        out += [f"# {h('h_outcomes')}", "", f"{{{{< include {frag}/outcomes.md >}}}}", "",
                f"# {h('h_lessons')}", "", f"{{{{< include {frag}/lessons.md >}}}}", ""]
    else:
        out += [f"{{{{< include {frag}/findings.md >}}}}", "", f"# {h('h_recommendations')}", "",
                f"{{{{< include {frag}/recommendations.md >}}}}", ""]
    out += [f"{{{{< include {frag}/publication-note.md >}}}}", ""]
    return "\n".join(out)


def new_evaluation(root: str | Path, eid: str, kind: str, languages: list[str],
                   instruments: list[str] | None = None, today: str | None = None) -> list[Path]:
    """Write the skeleton of evaluation `eid`; return the files written."""
    root = Path(root)
    problems = []
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", eid):
        problems.append(f"id: '{eid}' is not an evaluation id; expected lowercase letters, digits and '-'")
    problems += unsupported_languages(languages, "--languages")
    if kind not in type_names():
        problems.append(f"--type: '{kind}' is not an evaluation type; expected one of {', '.join(type_names())}")
    if problems:
        raise ConfigError("evalkit new", problems)
    families = instrument_ids(instruments or DEFAULT_INSTRUMENTS[kind])
    for family in type_spec(kind)["families"]:
        if family not in {f for f, _ in families}:
            raise ConfigError("evalkit new", [f"--instruments: a {kind} evaluation needs an instrument of {family}"])
    log = next((iid for f, iid in families if f == "engagement_log"), None)
    if log is None:
        raise ConfigError("evalkit new", ["--instruments: a skeleton starts from an engagement_log (its documents "
                                          "say how the data were collected); add engagement_log"])
    folder, raw, report = root / "config" / "evaluations" / eid, root / "raw" / eid, root / "report" / eid
    taken = [p for p in (folder, raw, report) if p.exists()]
    if taken:
        raise ConfigError("evalkit new", [f"{p.relative_to(root)} exists already; choose another id or remove it"
                                          for p in taken])
    tosc = kind == "systems"
    files: dict[Path, str] = {}
    entries, analysis = [], {}
    surveys = 0
    for family, iid in families:
        if family == "engagement_log":
            methods = ["msc_interview", "msc_fgd"] if kind == "portfolio_msc" else ["kii", "fgd"]
            cb, rows = engagement_log(iid, methods, languages)
        elif family == "rating_survey":
            cb, rows = rating_survey(iid, surveys, languages)
            surveys += 1
        else:
            cb, decl, rows = monitoring(iid, PROJECT, languages, tosc)
            analysis["indicators"] = "indicators.yaml"
            files[folder / "indicators.yaml"] = commented(
                "The monitoring indicators the evaluation declares (workflow/schemas/indicators.schema.yaml): a\n"
                "label per indicator code of the monitoring data, whether documents cite it"
                + (", and its TOsC domains" if tosc else "") + ".", [("Replace with your projects' indicators.", decl)])
        files[folder / "codebooks" / f"{iid}.yaml"] = commented(
            f"Codebook of instrument '{iid}' ({family}), written by `evalkit new` for its placeholder data.\n"
            "Replace it with the codebook of your file: `evalkit codebook-export <raw file> --instrument\n"
            f"{iid}` writes a starting one (workflow/schemas/codebook.schema.yaml says what each key means).",
            [("", cb)])
        files[raw / f"{iid}.csv"] = csv_text(rows)
        entries.append({"id": iid, "kind": family, "format": "csv", "file": f"raw/{eid}/{iid}.csv",
                        "codebook": f"codebooks/{iid}.yaml", "publish": True})
    if tosc:
        analysis["tosc"] = f"report/{eid}/content/tosc.yaml"
        files[report / "content" / "tosc.yaml"] = commented(
            "The Theory of Sustained Change the findings' leverage points name domains of\n"
            "(workflow/schemas/indicators.schema.yaml, $defs.tosc). Replace the placeholders with your theory,\n"
            "for example ILAB's (the default evaluation's report/<evaluation>/content/tosc.yaml).",
            [("", tosc_file(languages))])
    reg = registry(kind, languages, log, any(f == "indicator_report" for f, _ in families), tosc)
    files[report / "content" / "registry.yaml"] = commented(
        f"The content registry of {eid} (workflow/schemas/content.schema.yaml): the evaluation's argument as data,\n"
        f"in every document language. A {kind} evaluation needs {', '.join(type_spec(kind)['content'])}\n"
        "(workflow/schemas/evaluation_types.yaml); every other kind is optional. Replace the placeholders;\n"
        "never type a number in a text (numbers come from values.json).", [("", reg)])
    for lang in languages:
        files[report / subtag(lang) / "report.qmd"] = report_source(eid, kind, lang, families)
    files[raw / "README.md"] = (f"# Raw data of {eid}\n\nPlaceholder rows written by `evalkit new`, so that the "
                                "skeleton builds at once. Replace each file with the data as received, keep its "
                                "name or change `file:` in evaluation.yaml, and export its codebook.\n")
    today = today or date.today().isoformat()
    evaluation = [
        ("What kind of evaluation this is; what each type needs: workflow/schemas/evaluation_types.yaml.",
         {"id": eid, "type": kind}),
        ("The title in every document language, and the publication date (YYYY-MM-DD).",
         {"title": text("title", languages), "date": today, "report": f"report/{eid}"}),
        ("original data, or a reconstruction (then a notice in every language saying what was reconstructed).",
         {"provenance": {"kind": "original"}}),
        ("Who made the evaluation and for whom, as the cover and front matter print it.",
         {"publication": {"type": text("doc_type", languages), "country": text("country", languages),
                          "evaluator": "Evaluator", "funder": text("funder", languages), "contract": "Contract",
                          "data_collection": {"start": "2024-03", "end": "2024-05"},
                          "funding": text("funding", languages)}}),
        ("The content registry (findings, recommendations, outcomes...).",
         {"content": f"report/{eid}/content/registry.yaml"}),
        *([("Settings of the analyses (workflow/schemas/evaluation.schema.yaml, analysis).", {"analysis": analysis})]
          if analysis else []),
        ("The instruments: one entry per raw file (or set of files), with its codebook. publish: true puts its\n"
         "tables in the documents (and a survey's microdata, disclosure-controlled, in the dataset).",
         {"instruments": entries}),
    ]
    files[folder / "evaluation.yaml"] = commented(
        f"{eid}: a new {kind} evaluation written by `evalkit new`. Build it with\n"
        f"  ./run build --config evaluation={eid} 'languages=[{', '.join(languages)}]'\n"
        "then replace every placeholder (README.md, \"Starting a new evaluation\").", evaluation)
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return sorted(files)
