"""An evaluation's definition: evaluation.yaml, its instruments and their codebooks, validated.

The codebook (evalkit.model.codebooks) and what the data families require of an instrument
(evalkit.model.instruments) have modules of their own; their names are importable from here too."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evalkit.core.config import load_schema, load_yaml, validate
from evalkit.core.errors import ConfigError
from evalkit.core.i18n import LANGUAGE_TAG  # noqa: F401  (content imports it from here)
from evalkit.core.markup import check_texts, markup_problem
from evalkit.model.codebooks import REMOVED, Codebook, check_codebook, unconfirmed_proposals  # noqa: F401  (REMOVED: imported from here)
from evalkit.model.instruments import (  # noqa: F401  (entity_variables, families: imported from here)
    check_family,
    check_family_settings,
    check_kinds,
    check_raw_paths,
    entity_variables,
    families,
    same_names,
)

# The names the checks had before evalkit.model.evaluation was split (tools and tests import them).
_check_codebook, _check_family = check_codebook, check_family


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

    @property
    def type(self) -> str:
        """The kind of evaluation (workflow/schemas/evaluation_types.yaml)."""
        return self.data["type"]

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


EARLIEST_DATE = "1970-01-01"  # built files carry the publication date as their timestamp (SOURCE_DATE_EPOCH)


def _check_settings(data: dict) -> list[str]:
    """What the schema cannot say: settings one part of the evaluation needs from another."""
    from datetime import date

    from evalkit.model.types import check_type

    problems = check_kinds(data)
    if problems:
        return problems
    problems += check_type(data)
    try:
        published = date.fromisoformat(data["date"])
    except ValueError:
        problems.append(f"date: {data['date']!r} is not a calendar date; expected YYYY-MM-DD")
    else:
        if published.isoformat() < EARLIEST_DATE:
            problems.append(f"date: {data['date']} is before {EARLIEST_DATE}; expected the publication date "
                            f"(it is also the timestamp of every built file)")
    return problems + check_family_settings(data)


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
    days = len(first) > 7 and len(last) > 7
    if len(bounds) == 2 and (first[:7] > last[:7] or (days and bounds["start"] > bounds["end"])):
        problems.append(
            f"publication.data_collection: expected the start ({period['start']}) no later than the end "
            f"({period['end']})"
        )
    return problems


def load_evaluation(root: str | Path, evaluation_id: str, languages: list[str]) -> Evaluation:
    """Read and validate config/evaluations/<id>/evaluation.yaml and its codebooks."""
    root = Path(root)
    folder = root / "config" / "evaluations" / evaluation_id
    path = folder / "evaluation.yaml"
    rel = str(path.relative_to(root))
    if not path.exists():
        available = sorted(p.parent.name for p in (root / "config" / "evaluations").glob("*/evaluation.yaml"))
        raise ConfigError(
            "config/config.yaml",
            [
                f"key 'evaluation' names '{evaluation_id}', but {rel} does not exist; "
                f"available evaluations: {', '.join(available) or 'none'}"
            ],
        )
    data = load_yaml(path)
    validate(data, load_schema("evaluation.schema.yaml"), rel)
    problems: list[str] = []
    if data["id"] != evaluation_id:
        problems.append(f"id: expected '{evaluation_id}' (the folder name), got '{data['id']}'")
    check_languages(data, languages, "", problems)
    check_texts(data, problems)
    pub = data.get("publication") or {}
    for place, text in [
        ("publication.evaluator", pub.get("evaluator")),
        ("publication.contract", pub.get("contract")),
        *((f"publication.lead_evaluators[{i}]", n) for i, n in enumerate(pub.get("lead_evaluators", []))),
    ]:
        problem = markup_problem(text) if text is not None else None
        if problem:
            problems.append(f"{place}: {problem}")
    problems += _check_publication(pub)
    for lang, title in data["title"].items():
        marks = sorted({c for c in "*`[]" if c in title})
        if marks:
            problems.append(f"title.{lang}: a title is plain text (the page title and the PDF and Word metadata "
                            f"print it as written); expected no Markdown ({' '.join(marks)})")
    ids = [i["id"] for i in data["instruments"]]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"instruments: id '{dup}' is used more than once")
    problems += _check_settings(data)
    problems += check_raw_paths(root, data)
    if problems:
        raise ConfigError(rel, problems)
    codebooks = {}
    refused: list[ConfigError] = []   # every codebook is checked before the run stops, so all are listed at once
    for ins in data["instruments"]:
        cb_path = folder / ins["codebook"]
        cb_rel = str(cb_path.relative_to(root))
        try:
            cb = load_yaml(cb_path)
            validate(cb, load_schema("codebook.schema.yaml"), cb_rel)
            check_codebook(cb, cb_rel)
            cb_problems: list[str] = unconfirmed_proposals(cb_path)
            check_languages(cb, languages, "", cb_problems)
            check_texts(cb, cb_problems)
            if cb_problems:
                raise ConfigError(cb_rel, cb_problems)
            check_family(ins, cb, cb_rel)
        except ConfigError as exc:
            refused.append(exc)
            continue
        codebooks[ins["id"]] = Codebook(cb_rel, cb)
    if len(refused) == 1:
        raise refused[0]
    if refused:
        raise ConfigError(f"{rel.rsplit('/', 1)[0]}/codebooks ({len(refused)} codebooks)",
                          [f"{e.source}: {p}" for e in refused for p in e.problems])
    problems = same_names(codebooks, languages)
    if problems:
        raise ConfigError(rel, problems)
    return Evaluation(root=root, folder=folder, data=data, codebooks=codebooks)
