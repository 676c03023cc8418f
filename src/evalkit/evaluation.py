"""An evaluation's definition: evaluation.yaml, its instruments and their codebooks, validated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import load_schema, load_yaml, validate
from .errors import ConfigError


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


# A full language tag as the schemas require it (workflow/schemas/*.schema.yaml): en-US, es-MX, fil-PH.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")


def _check_languages(obj, languages: list[str], where: str, problems: list[str]) -> None:
    """Every bilingual text (a dict keyed by language tags) must have every configured language."""
    if isinstance(obj, dict):
        keys = set(obj)
        if keys and all(isinstance(k, str) and LANGUAGE_TAG.match(k) for k in keys):
            for lang in languages:
                if lang not in obj:
                    problems.append(f"{where}: no text in {lang} (has {', '.join(sorted(keys))})")
            return
        for k, v in obj.items():
            _check_languages(v, languages, f"{where}.{k}" if where else str(k), problems)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            label = v.get("name") or v.get("key") or v.get("id") if isinstance(v, dict) else None
            _check_languages(v, languages, f"{where}[{label or i}]", problems)


def _check_codebook(cb: dict, source: str) -> None:
    problems: list[str] = []
    names = [v["name"] for v in cb["variables"]]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"variables: '{dup}' is declared more than once")
    if cb["id_variable"] not in names:
        problems.append(f"id_variable: '{cb['id_variable']}' is not among the variables")
    for name, scale in cb["scales"].items():
        keys = [c["key"] for c in scale["levels"]]
        codes = [c["code"] for c in scale["levels"] + scale["missing"]]
        for dup in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"scales.{name}: code {dup} is used twice")
        for k in scale["top_box"]:
            if k not in keys:
                problems.append(f"scales.{name}.top_box: '{k}' is not a level of the scale (levels: {', '.join(keys)})")
    for v in cb["variables"]:
        if v["role"] == "rating" and v.get("scale") not in cb["scales"]:
            problems.append(f"variables[{v['name']}].scale: expected one of {', '.join(cb['scales'])}, got {v.get('scale')!r}")
        if v["role"] == "category" and not v.get("categories"):
            problems.append(f"variables[{v['name']}]: a category variable needs 'categories'")
    if problems:
        raise ConfigError(source, problems)


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
    _check_languages(data, languages, "", problems)
    ids = [i["id"] for i in data["instruments"]]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"instruments: id '{dup}' is used more than once")
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
        _check_languages(cb, languages, "", cb_problems)
        if cb_problems:
            raise ConfigError(cb_rel, cb_problems)
        codebooks[ins["id"]] = Codebook(cb_rel, cb)
    return Evaluation(root=root, folder=folder, data=data, codebooks=codebooks)
