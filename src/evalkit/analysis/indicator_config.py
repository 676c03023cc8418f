"""The evaluation's declarations about its monitoring indicators (indicators.yaml: labels, TOsC
domains, cited figures, evaluation-wide aggregates), read and checked against the codebook and the
TOsC. The rules of the roll-up are in evalkit.analysis.indicators."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from evalkit.core.config import load_schema, load_yaml, validate
from evalkit.core.errors import ConfigError
from evalkit.core.io import display_path
from evalkit.core.markup import check_texts
from evalkit.model.evaluation import Codebook, check_languages

SCHEMA = "indicators.schema.yaml"
RULES = ("sum", "max", "dedup")
# Segments the value ids use beside project keys and indicator slugs (they must not collide).
RESERVED_PROJECT_KEYS = ("aggregate", "domain", "indicators", "projects")
RESERVED_INDICATOR_SLUGS = ("indicators", "disaggregated")
NEEDED_COLUMNS = ("project", "indicator", "definition", "unit", "period", "value_type", "target", "actual",
                  "actual_period", "actual_cumulative")
SPLIT_COLUMNS = ("actual_men", "actual_women", "actual_men_period", "actual_women_period",
                 "actual_men_cumulative", "actual_women_cumulative")


def slug(text: str) -> str:
    """A value-id segment: lowercase, every run of other characters than a-z0-9 as one '_'
    (``MAP-01`` -> ``map_01``, ``organization type`` -> ``organization_type``)."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


def _norm(text: str) -> str:
    """A definition compared for identity: surrounding and repeated white space do not count."""
    return " ".join(str(text).split())


# --- configuration ---------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorConfig:
    """The evaluation's declarations about its indicators, validated, and the TOsC they refer to."""

    source: str                      # indicators.yaml as named in messages
    tosc_source: str                 # tosc.yaml as named in messages
    tosc: dict                       # categories, domains (in number order), areas
    declarations: dict               # {(project, code): {label, domains, cite}} in file order
    aggregates: list                 # as in the file
    percent_units: tuple = ()
    project_order: tuple = ()        # project keys in codebook order

    @property
    def domain_keys(self) -> list[str]:
        """Domain keys in TOsC order (domain number = position + 1)."""
        return [d["key"] for d in self.tosc["domains"]]

    def domain_number(self, key: str) -> int:
        """The TOsC number (1-9) of a domain: its position in tosc.yaml."""
        return self.domain_keys.index(key) + 1


def _check_tosc(tosc: dict, languages: list[str], source: str) -> None:
    """Unique keys, every domain in a declared category, every text in every language."""
    problems: list[str] = []
    for part in ("categories", "domains", "areas"):
        keys = [x["key"] for x in tosc[part]]
        for dup in sorted({k for k in keys if keys.count(k) > 1}):
            problems.append(f"{part}: key '{dup}' is used more than once")
    cats = [c["key"] for c in tosc["categories"]]
    for d in tosc["domains"]:
        if d["category"] not in cats:
            problems.append(f"domains[{d['key']}].category: '{d['category']}' is not a category "
                            f"(categories: {', '.join(cats)})")
    check_languages(tosc, languages, "", problems)
    check_texts(tosc, problems)
    if problems:
        raise ConfigError(source, problems)


def load_indicator_config(path: str | Path, tosc_path: str | Path | None, codebook: Codebook, languages: list[str],
                          root: str | Path | None = None) -> IndicatorConfig:
    """Read and validate indicators.yaml and the TOsC file it refers to.

    Checks: both files against workflow/schemas/indicators.schema.yaml (the TOsC file against its
    ``$defs.tosc``); every text in every configured language; project keys are category keys of the
    codebook's ``project`` variable and codes match the pattern of its ``indicator`` variable; every
    domain key is a domain of the TOsC file; indicator slugs are unique within a project; aggregate
    ids are unique and their members (and a dedup overlap indicator) are declared indicators. That
    every declared indicator is in the data, and the reverse, is checked by ``rollup``. ``root``
    (optional) makes the file names in messages relative to the repository.
    """
    path = Path(path)
    source = display_path(path, root)
    schema = load_schema(SCHEMA)
    if tosc_path is None:
        tosc_source, tosc = "", {"categories": [], "domains": [], "areas": []}
    else:
        tosc_source = display_path(Path(tosc_path), root)
        tosc = load_yaml(Path(tosc_path))
        validate(tosc, {**schema["$defs"]["tosc"], "$defs": schema["$defs"]}, tosc_source)
        _check_tosc(tosc, languages, tosc_source)
    doc = load_yaml(path)
    validate(doc, schema, source)

    problems: list[str] = []
    check_languages(doc, languages, "", problems)
    check_texts(doc, problems)
    domains = [d["key"] for d in tosc["domains"]]
    try:
        project_var = codebook.variable("project")
        projects = [c["key"] for c in project_var.get("categories", [])]
    except KeyError:
        projects = []
    try:
        pattern = codebook.variable("indicator").get("pattern")
    except KeyError:
        pattern = None
    declarations: dict = {}
    for project, codes in doc["indicators"].items():
        if project not in projects:
            problems.append(f"indicators.{project}: not a project of the codebook {codebook.source} "
                            f"(project keys: {', '.join(projects) or 'none'})")
        if project in RESERVED_PROJECT_KEYS:
            problems.append(f"indicators.{project}: a project key may not be one of "
                            f"{', '.join(RESERVED_PROJECT_KEYS)} (they name other values)")
        slugs: dict[str, str] = {}
        for code, dec in codes.items():
            where = f"indicators.{project}.{code}"
            if pattern and not re.search(pattern, code):
                problems.append(f"{where}: the code does not match the codebook's indicator pattern {pattern}")
            s = slug(code)
            if not s or s in RESERVED_INDICATOR_SLUGS:
                problems.append(f"{where}: the code gives the value-id segment {s!r}, which is empty or reserved "
                                f"({', '.join(RESERVED_INDICATOR_SLUGS)})")
            elif s in slugs:
                problems.append(f"{where}: gives the same value-id segment '{s}' as {slugs[s]}")
            slugs.setdefault(s, code)
            if tosc_path is None and "domains" in dec:
                problems.append(f"{where}.domains: the evaluation has no Theory of Sustained Change "
                                f"(analysis.tosc in evaluation.yaml); expected no domains, or that setting")
            elif tosc_path is not None and "domains" not in dec:
                problems.append(f"{where}: no domains; expected the TOsC outcome domain key(s) of {tosc_source} "
                                f"the indicator speaks to (domains: {', '.join(domains)})")
            for d in dec.get("domains", []) if tosc_path is not None else []:
                if d not in domains:
                    problems.append(f"{where}.domains: '{d}' is not a domain of {tosc_source} "
                                    f"(domains: {', '.join(domains)})")
            declarations[(project, code)] = dec

    aggregates = doc.get("aggregates", [])
    ids = [a["id"] for a in aggregates]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"aggregates: id '{dup}' is used more than once")
    for a in aggregates:
        members = [(m["project"], m["code"]) for m in a["members"]]
        for m in sorted({m for m in members if members.count(m) > 1}):
            problems.append(f"aggregates[{a['id']}].members: {m[0]} {m[1]} is listed more than once")
        ov = a.get("overlap")
        extra = ([(ov["indicator"]["project"], ov["indicator"]["code"])]
                 if isinstance(ov, dict) and "indicator" in ov else [])
        for m in members + extra:
            if m not in declarations:
                problems.append(f"aggregates[{a['id']}]: {m[0]} {m[1]} is not declared under indicators")
    if problems:
        raise ConfigError(source, problems)
    order = tuple(p for p in projects if p in doc["indicators"])
    return IndicatorConfig(source=source, tosc_source=tosc_source, tosc=tosc, declarations=declarations,
                           aggregates=aggregates, percent_units=tuple(doc.get("percent_units", [])),
                           project_order=order)


def indicator_config(ctx, instrument_id: str) -> IndicatorConfig:
    """The indicator declarations of an evaluation (its `analysis.indicators` file) with the TOsC they
    refer to (`analysis.tosc`), for one monitoring instrument (`ctx`: evalkit.model.context.Context)."""
    settings = ctx.evaluation.data.get("analysis", {})
    tosc = ctx.root / settings["tosc"] if settings.get("tosc") else None
    return load_indicator_config(ctx.evaluation.folder / settings["indicators"], tosc,
                                 ctx.evaluation.codebooks[instrument_id], list(ctx.config["languages"]), root=ctx.root)
