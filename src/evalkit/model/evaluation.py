"""An evaluation's definition: evaluation.yaml, its instruments and their codebooks, validated."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from evalkit.core.config import load_schema, load_yaml, validate
from evalkit.core.errors import ConfigError
from evalkit.core.i18n import LANGUAGE_TAG  # noqa: F401  (content imports it from here)
from evalkit.core.markup import check_texts, markup_problem

REMOVED = ("direct_identifier", "free_text")   # privacy classes removed on intake, never published


@dataclass(frozen=True)
class Codebook:
    """What the variables of one instrument's raw file mean."""

    source: str
    data: dict

    @property
    def id_variable(self) -> str:
        return self.data["id_variable"]

    def variables(self, role: str | None = None) -> list[dict]:
        return [v for v in self.data["variables"] if role is None or v["role"] == role]

    def variable(self, name: str) -> dict:
        for v in self.data["variables"]:
            if v["name"] == name:
                return v
        raise KeyError(name)

    def scale(self, name: str) -> dict:
        return self.data["scales"][name]

    def category_keys(self, name: str) -> list[str]:
        """The category keys of a variable, in codebook order."""
        return [c["key"] for c in self.variable(name).get("categories", [])]

    def category_labels(self, name: str, lang: str) -> dict[str, str]:
        """Category key -> its label in one language, in codebook order."""
        return {c["key"]: c["label"][lang] for c in self.variable(name).get("categories", [])}

    @property
    def key(self) -> list[str]:
        return self.data.get("key") or [self.id_variable]

    @property
    def generalizations(self) -> list[dict]:
        """The documented recodes into broader groups (disclosure.generalize), in order."""
        return self.data.get("disclosure", {}).get("generalize", [])

    def groups(self, variable: str) -> list[dict] | None:
        """The broader groups a variable is recoded into for disclosure control, if any."""
        return next((g["groups"] for g in self.generalizations if g["variable"] == variable), None)

    def privacy(self, cls: str) -> list[dict]:
        return [v for v in self.data["variables"] if v.get("privacy") == cls]

    def published_variables(self) -> list[dict]:
        """The variables of the published microdata: not excluded (publish: false), and neither
        direct identifiers nor free text (removed on intake)."""
        return [v for v in self.data["variables"] if v.get("publish", True) and v.get("privacy") not in REMOVED]


@dataclass(frozen=True)
class Evaluation:
    root: Path            # repository root
    folder: Path          # config/evaluations/<id>
    data: dict
    codebooks: dict[str, Codebook] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def instruments(self) -> list[dict]:
        return self.data["instruments"]

    def instrument(self, instrument_id: str) -> dict:
        for ins in self.instruments:
            if ins["id"] == instrument_id:
                return ins
        raise KeyError(instrument_id)

    def report_dir(self) -> Path:
        return self.root / self.data["report"]

    def instruments_of(self, kind: str) -> list[dict]:
        return [i for i in self.instruments if i["kind"] == kind]

    @staticmethod
    def raw_files(ins: dict) -> list[dict]:
        """The raw file(s) of an instrument as [{file, set}]."""
        if "files" in ins:
            return [{"file": f["file"], "set": f.get("set", {})} for f in ins["files"]]
        return [{"file": ins["file"], "set": {}}]

    @property
    def duplicates_file(self) -> Path | None:
        return self.folder / self.data["duplicates"] if self.data.get("duplicates") else None

    def resolutions(self) -> list[dict]:
        """The team's duplicate resolutions (empty when the evaluation has none)."""
        path = self.duplicates_file
        if path is None:
            return []
        rel = str(path.relative_to(self.root))
        doc = load_yaml(path)
        validate(doc, load_schema("duplicates.schema.yaml"), rel)
        known = {i["id"] for i in self.instruments}
        problems = [f"resolutions[{n}].instrument: '{r['instrument']}' is not an instrument of the evaluation "
                    f"(instruments: {', '.join(sorted(known))})"
                    for n, r in enumerate(doc["resolutions"]) if r["instrument"] not in known]
        if problems:
            raise ConfigError(rel, problems)
        return doc["resolutions"]


@lru_cache(maxsize=None)
def _families() -> dict:
    return load_schema("families.yaml")


def families() -> dict:
    """The data families and the clean variables each needs (workflow/schemas/families.yaml)."""
    return copy.deepcopy(_families())




def check_languages(obj, languages: list[str], where: str, problems: list[str]) -> None:
    """Every bilingual text (a dict keyed by language tags) must have every configured language."""
    if isinstance(obj, dict):
        keys = set(obj)
        if keys and all(isinstance(k, str) and LANGUAGE_TAG.match(k) for k in keys):
            for lang in languages:
                if lang not in obj:
                    problems.append(f"{where}: no text in {lang} (has {', '.join(sorted(keys))})")
            return
        for k, v in obj.items():
            check_languages(v, languages, f"{where}.{k}" if where else str(k), problems)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            label = v.get("name") or v.get("key") or v.get("id") if isinstance(v, dict) else None
            check_languages(v, languages, f"{where}[{label or i}]", problems)


def _check_codebook(cb: dict, source: str) -> None:
    problems: list[str] = []
    names = [v["name"] for v in cb["variables"]]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"variables: '{dup}' is declared more than once")
    if cb["id_variable"] not in names:
        problems.append(f"id_variable: '{cb['id_variable']}' is not among the variables")
    for name, scale in cb.get("scales", {}).items():
        keys = [c["key"] for c in scale["levels"]]
        codes = [c["code"] for c in scale["levels"] + scale["missing"]]
        for dup in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"scales.{name}: code {dup} is used twice")
        for k in scale.get("top_box", []):
            if k not in keys:
                problems.append(f"scales.{name}.top_box: '{k}' is not a level of the scale (levels: {', '.join(keys)})")
    by_name = {v["name"]: v for v in cb["variables"]}
    for k in cb.get("key", []):
        if k not in by_name:
            problems.append(f"key: '{k}' is not among the variables")
    for rule in cb.get("checks", {}).get("sums", []):
        for n in [rule["total"], *rule["parts"]]:
            if n not in by_name or by_name[n]["role"] not in ("integer", "number"):
                problems.append(f"checks.sums: '{n}' must be an integer or number variable")
    for g in cb.get("disclosure", {}).get("generalize", []):
        v = by_name.get(g["variable"])
        if v is None or v["role"] != "category" or v.get("privacy") != "quasi_identifier":
            problems.append(f"disclosure.generalize: '{g['variable']}' must be a category variable with "
                            f"privacy: quasi_identifier")
            continue
        if not v.get("publish", True):
            problems.append(f"disclosure.generalize: '{g['variable']}' is not published (publish: false), so there is "
                            f"nothing to recode; remove its entry")
        cats = [c["key"] for c in v.get("categories", [])]
        members = [m for grp in g["groups"] for m in grp["members"]]
        for m in members:
            if m not in cats:
                problems.append(f"disclosure.generalize[{g['variable']}]: '{m}' is not a category of the variable")
        for m in sorted({m for m in members if members.count(m) > 1}):
            problems.append(f"disclosure.generalize[{g['variable']}]: '{m}' is in more than one group")
        for c in cats:
            if c not in members:
                problems.append(f"disclosure.generalize[{g['variable']}]: category '{c}' is in no group")
    for v in cb["variables"]:
        if v.get("privacy") == "quasi_identifier" and v["role"] != "category":
            problems.append(f"variables[{v['name']}]: a quasi_identifier must be a category variable")
        if v["role"] == "category":
            codes = [c["code"] for c in v.get("categories", [])]
            for rc in v.get("recode", []):
                if rc["to"] not in codes:
                    problems.append(f"variables[{v['name']}].recode: 'to' {rc['to']!r} is not a code of the variable "
                                    f"(codes: {', '.join(map(str, codes))})")
        if v["role"] == "rating" and v.get("scale") not in cb.get("scales", {}):
            problems.append(f"variables[{v['name']}].scale: expected one of {', '.join(cb.get('scales', {})) or 'no scales declared'}, "
                            f"got {v.get('scale')!r}")
        if v["role"] == "category" and not v.get("categories"):
            problems.append(f"variables[{v['name']}]: a category variable needs 'categories'")
    if problems:
        raise ConfigError(source, problems)


EARLIEST_DATE = "1970-01-01"  # built files carry the publication date as their timestamp (SOURCE_DATE_EPOCH)


def _check_settings(data: dict) -> list[str]:
    """What the schema cannot say: settings one part of the evaluation needs from another."""
    from datetime import date

    problems = []
    try:
        published = date.fromisoformat(data["date"])
    except ValueError:
        problems.append(f"date: {data['date']!r} is not a calendar date; expected YYYY-MM-DD")
    else:
        if published.isoformat() < EARLIEST_DATE:
            problems.append(f"date: {data['date']} is before {EARLIEST_DATE}; expected the publication date "
                            f"(it is also the timestamp of every built file)")
    analysis = data.get("analysis", {})
    for ins in data["instruments"]:
        if ins["kind"] == "indicator_report":
            for key, what in (("indicators", "the file that declares its indicators (indicators.yaml)"),
                              ("tosc", "the TOsC file the declarations refer to")):
                if key not in analysis:
                    problems.append(f"analysis.{key}: missing; instrument '{ins['id']}' is monitoring data "
                                    f"(indicator_report), which needs {what}")
    kinds = {i["id"]: i["kind"] for i in data["instruments"]}
    rr = analysis.get("response_rate")
    if rr:
        for key, kind in (("survey", "rating_survey"), ("engagement_log", "engagement_log")):
            if kinds.get(rr[key]) != kind:
                problems.append(f"analysis.response_rate.{key}: '{rr[key]}' is not a {kind} instrument of the "
                                f"evaluation (instruments of that kind: "
                                f"{', '.join(i for i, k in kinds.items() if k == kind) or 'none'})")
    return problems


def _check_raw_paths(root: Path, data: dict) -> list[str]:
    """An instrument's raw files are read only from inside raw/<evaluation id>/: no absolute path, no
    '..', and no symbolic link that leads out of that folder."""
    base = (root / "raw" / data["id"]).resolve()
    problems = []
    for ins in data["instruments"]:
        entries = [("file", ins["file"])] if "file" in ins else \
            [(f"files[{n}].file", f["file"]) for n, f in enumerate(ins.get("files", []))]
        for key, name in entries:
            where = f"instruments[{ins['id']}].{key}"
            expected = f"expected a file under raw/{data['id']}/, named from the repository root"
            parts = Path(name).parts
            if Path(name).is_absolute() or ".." in parts:
                problems.append(f"{where}: '{name}' is not allowed (an absolute path or '..'); {expected}")
            elif parts[:2] != ("raw", data["id"]):
                problems.append(f"{where}: '{name}' is outside raw/{data['id']}/; {expected}")
            else:
                target = (root / name).resolve()
                if target != base and base not in target.parents:
                    problems.append(f"{where}: '{name}' is a link that leads out of raw/{data['id']}/; {expected}")
    return problems


def _check_family(ins: dict, cb: dict, source: str) -> None:
    """The codebook declares the clean variables the instrument's data family needs."""
    fam = families()[ins["kind"]]
    problems: list[str] = []
    if ins["format"] not in fam["formats"]:
        raise ConfigError("evaluation.yaml", [f"instruments[{ins['id']}].format: '{ins['format']}' is not a format of "
                                              f"{ins['kind']}; expected one of {', '.join(fam['formats'])}"])
    by_name = {v["name"]: v for v in cb["variables"]}
    for name, need in fam["variables"].items():
        v = by_name.get(name)
        if v is None:
            problems.append(f"variables: a {ins['kind']} codebook needs a variable '{name}' (role {need['role']})")
            continue
        if v["role"] != need["role"]:
            problems.append(f"variables[{name}].role: expected {need['role']} for a {ins['kind']}, got {v['role']}")
        if "keys" in need:
            keys = {c["key"] for c in v.get("categories", [])}
            for k in need["keys"]:
                if k not in keys:
                    problems.append(f"variables[{name}]: a {ins['kind']} needs category key '{k}'")
    if fam.get("needs_rating") and not any(v["role"] == "rating" for v in cb["variables"]):
        problems.append(f"variables: a {ins['kind']} needs at least one rating variable")
    if ins["kind"] == "rating_survey":
        scales = {}
        for v in cb["variables"]:
            if v["role"] == "rating":
                scales.setdefault(v.get("scale"), []).append(v["name"])
        if len(scales) > 1:
            problems.append("variables: the rated items of one survey must share one scale (its chart and top-box "
                            "share compare them); found " + "; ".join(f"scale '{k}' for {', '.join(names)}"
                                                                     for k, names in scales.items())
                            + ". Put items on another scale in an instrument of their own")
    for f in ins.get("files", []):
        for name in f.get("set", {}):
            if name not in by_name:
                problems.append(f"evaluation.yaml sets '{name}' for {f['file']}, but the codebook has no such variable")
    if problems:
        raise ConfigError(source, problems)


def day_or_month(text: str):
    """A data-collection bound, 'YYYY-MM-DD' or 'YYYY-MM', as (the date, or the month's first day;
    whether a day was given). Raises ValueError when it is no real day or month."""
    from datetime import date

    parts = [int(x) for x in str(text).split("-")]
    if len(parts) not in (2, 3):
        raise ValueError(f"expected YYYY-MM-DD or YYYY-MM, found {text!r}")
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1), len(parts) > 2


def _check_publication(pub: dict) -> list[str]:
    """The funding statement as printed (with the contract number filled in) is safe text, and the
    data-collection period is made of real days or months, the first not after the last."""
    problems = []
    for lang, text in (pub.get("funding") or {}).items():
        if "{contract}" in text and not pub.get("contract"):
            problems.append(f"publication.funding.{lang}: names {{contract}}, but publication.contract is not given")
            continue
        problem = markup_problem(text.replace("{contract}", pub.get("contract", "")))
        if problem:
            problems.append(f"publication.funding.{lang} with the contract number filled in: {problem}")
    period = pub.get("data_collection") or {}
    bounds = {}
    for key in ("start", "end"):
        if key not in period:
            continue
        try:
            bounds[key] = day_or_month(period[key])[0]
        except ValueError:
            problems.append(f"publication.data_collection.{key}: expected a real day (YYYY-MM-DD) or month "
                            f"(YYYY-MM), found '{period[key]}'")
    first, last = str(period.get("start", "")), str(period.get("end", ""))
    if len(bounds) == 2 and (first[:7] > last[:7] or (len(first) > 7 and len(last) > 7 and bounds["start"] > bounds["end"])):
        problems.append(f"publication.data_collection: expected the start ({period['start']}) no later than the end "
                        f"({period['end']})")
    return problems


def load_evaluation(root: str | Path, evaluation_id: str, languages: list[str]) -> Evaluation:
    """Read and validate config/evaluations/<id>/evaluation.yaml and its codebooks."""
    root = Path(root)
    folder = root / "config" / "evaluations" / evaluation_id
    path = folder / "evaluation.yaml"
    rel = str(path.relative_to(root))
    if not path.exists():
        available = sorted(p.parent.name for p in (root / "config" / "evaluations").glob("*/evaluation.yaml"))
        raise ConfigError("config/config.yaml", [
            f"key 'evaluation' names '{evaluation_id}', but {rel} does not exist; "
            f"available evaluations: {', '.join(available) or 'none'}"
        ])
    data = load_yaml(path)
    validate(data, load_schema("evaluation.schema.yaml"), rel)
    problems: list[str] = []
    if data["id"] != evaluation_id:
        problems.append(f"id: expected '{evaluation_id}' (the folder name), got '{data['id']}'")
    check_languages(data, languages, "", problems)
    check_texts(data, problems)
    pub = data.get("publication") or {}
    for place, text in [("publication.evaluator", pub.get("evaluator")), ("publication.contract", pub.get("contract")),
                        *((f"publication.lead_evaluators[{i}]", n) for i, n in enumerate(pub.get("lead_evaluators", [])))]:
        problem = markup_problem(text) if text is not None else None
        if problem:
            problems.append(f"{place}: {problem}")
    problems += _check_publication(pub)
    ids = [i["id"] for i in data["instruments"]]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"instruments: id '{dup}' is used more than once")
    problems += _check_settings(data)
    problems += _check_raw_paths(root, data)
    if problems:
        raise ConfigError(rel, problems)
    codebooks = {}
    for ins in data["instruments"]:
        cb_path = folder / ins["codebook"]
        cb_rel = str(cb_path.relative_to(root))
        cb = load_yaml(cb_path)
        validate(cb, load_schema("codebook.schema.yaml"), cb_rel)
        _check_codebook(cb, cb_rel)
        cb_problems: list[str] = []
        check_languages(cb, languages, "", cb_problems)
        check_texts(cb, cb_problems)
        if cb_problems:
            raise ConfigError(cb_rel, cb_problems)
        _check_family(ins, cb, cb_rel)
        codebooks[ins["id"]] = Codebook(cb_rel, cb)
    problems = same_names(codebooks, languages)
    if problems:
        raise ConfigError(rel, problems)
    return Evaluation(root=root, folder=folder, data=data, codebooks=codebooks)


def entity_variables() -> set[str]:
    """The variables whose categories name things of the world (`entity: true` in families.yaml: a
    project, a stakeholder type, a state). A unit or an answer may be worded for its instrument."""
    return {name for fam in _families().values() for name, spec in fam.get("variables", {}).items()
            if spec.get("entity")}


def same_names(codebooks: dict[str, Codebook], languages: list[str]) -> list[str]:
    """One name per thing: a category of an entity variable that several codebooks share has the
    same label in each of them, in every language."""
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    problems = []
    for cb in codebooks.values():
        for var in [v for v in cb.variables("category") if v["name"] in entity_variables()]:
            for c in var.get("categories", []):
                for lang in languages:
                    label = c.get("label", {}).get(lang)
                    first = seen.setdefault((var["name"], c["key"], lang), (label, cb.source))
                    if label is not None and first[0] is not None and label != first[0]:
                        problems.append(f"{cb.source}: variable '{var['name']}', category '{c['key']}', {lang}: "
                                        f"'{label}' but {first[1]} names it '{first[0]}'; expected one name "
                                        f"wherever it is used")
    return problems
