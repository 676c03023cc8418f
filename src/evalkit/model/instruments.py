"""An evaluation's instruments and their data families: the entries of workflow/schemas/families.yaml
(what each family's clean table must hold) and the checks of evaluation.yaml and the codebooks that
follow from them. What a family does with its data is its module's (evalkit.families); this is only
what the families file declares, so that an evaluation is checked before any rule runs."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from evalkit.core.config import dotted, load_schema
from evalkit.core.errors import ConfigError
from evalkit.model.codebooks import Codebook

FAMILIES_FILE = "workflow/schemas/families.yaml"


@dataclass(frozen=True)
class FamilySpec:
    """One data family's entry of the families file: the formats it is read from, the clean variables
    (with roles) its codebook must declare, and any setting particular to the family (``get``)."""

    name: str
    data: dict

    @property
    def description(self) -> str:
        return " ".join(str(self.data.get("description", "")).split())

    @property
    def label(self) -> str:
        """What an instrument of the family is, in a message ('monitoring data'); default its name."""
        return self.data.get("label", self.name)

    @property
    def formats(self) -> list[str]:
        return list(self.data.get("formats", []))

    @property
    def variables(self) -> dict[str, dict]:
        return dict(self.data.get("variables") or {})

    @property
    def key(self) -> list[str] | None:
        """The variables that identify a record, when the family fixes them (else the codebook's)."""
        return self.data.get("key")

    def get(self, key: str, default=None):
        return copy.deepcopy(self.data.get(key, default))


@cache
def _families() -> dict:
    return load_schema("families.yaml")


def families() -> dict:
    """The data families and the clean variables each needs (workflow/schemas/families.yaml), as data."""
    return copy.deepcopy(_families())


def family_names() -> list[str]:
    """The data families, in the order of the families file."""
    return list(_families())


def family_spec(name: str) -> FamilySpec:
    """One family's entry of the families file; a ConfigError naming the file when there is none."""
    if name not in _families():
        raise ConfigError(FAMILIES_FILE, [f"no data family '{name}'; expected one of {', '.join(_families())}"])
    return FamilySpec(name, _families()[name])


def check_kinds(data: dict) -> list[str]:
    """Every instrument names a data family of the families file."""
    return [f"instruments[{ins['id']}].kind: '{ins['kind']}' is not a data family; expected one of "
            f"{', '.join(_families())} (the families of {FAMILIES_FILE})"
            for ins in data["instruments"] if ins["kind"] not in _families()]


def check_family_settings(data: dict) -> list[str]:
    """The settings of evaluation.yaml that an instrument's family needs (``needs_analysis``: keys
    of `analysis`, and what each gives) and the settings that must name an instrument of a given family
    (``named_by``: dotted keys, e.g. analysis.response_rate.survey)."""
    problems = []
    analysis = data.get("analysis", {})
    for ins in data["instruments"]:
        spec = family_spec(ins["kind"])
        for key, what in (spec.get("needs_analysis") or {}).items():
            if key not in analysis:
                problems.append(f"analysis.{key}: missing; instrument '{ins['id']}' is {spec.label} "
                                f"({spec.name}), which needs {what}")
    kinds = {i["id"]: i["kind"] for i in data["instruments"]}
    for name in family_names():
        for path in family_spec(name).get("named_by") or []:
            named = dotted(data, path)
            if named is not None and kinds.get(named) != name:
                problems.append(f"{path}: '{named}' is not a {name} instrument of the evaluation (instruments of that "
                                f"kind: {', '.join(i for i, k in kinds.items() if k == name) or 'none'})")
    return problems


def check_raw_paths(root: Path, data: dict) -> list[str]:
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


def check_family(ins: dict, cb: dict, source: str) -> None:
    """The codebook declares the clean variables the instrument's data family needs."""
    fam = family_spec(ins["kind"])
    problems: list[str] = []
    if ins["format"] not in fam.formats:
        raise ConfigError("evaluation.yaml", [f"instruments[{ins['id']}].format: '{ins['format']}' is not a format of "
                                              f"{ins['kind']}; expected one of {', '.join(fam.formats)}"])
    by_name = {v["name"]: v for v in cb["variables"]}
    a = "an" if ins["kind"][:1] in "aeiou" else "a"   # "an engagement_log", "a rating_survey"
    for name, need in fam.variables.items():
        v = by_name.get(name)
        if v is None:
            problems.append(f"variables: {a} {ins['kind']} codebook needs a variable '{name}' (role {need['role']})")
            continue
        if v["role"] != need["role"]:
            problems.append(f"variables[{name}].role: expected {need['role']} for {a} {ins['kind']}, got {v['role']}")
        keys = [c["key"] for c in v.get("categories", [])]
        for k in need.get("keys", []):
            if k not in keys:
                problems.append(f"variables[{name}]: {a} {ins['kind']} needs category key '{k}'")
        if "allowed_keys" in need:
            for k in keys:
                if k not in need["allowed_keys"]:
                    problems.append(f"variables[{name}].categories: key '{k}' is not a key {a} {ins['kind']} knows; "
                                    f"expected one of {', '.join(need['allowed_keys'])}")
    if fam.get("needs_rating") and not any(v["role"] == "rating" for v in cb["variables"]):
        problems.append(f"variables: {a} {ins['kind']} needs at least one rating variable")
    if fam.get("needs_top_box"):
        for scale in sorted({v.get("scale") for v in cb["variables"] if v["role"] == "rating"} - {None}):
            for key in ("top_box", "top_box_label"):
                if key not in cb.get("scales", {}).get(scale, {}):
                    problems.append(f"scales.{scale}.{key}: missing; a {fam.label} needs it: "
                                    f"{fam.get('needs_top_box')}")
    if fam.get("one_scale"):
        scales: dict[str | None, list[str]] = {}
        for v in cb["variables"]:
            if v["role"] == "rating":
                scales.setdefault(v.get("scale"), []).append(v["name"])
        if len(scales) > 1:
            problems.append(
                f"variables: the rated items of one {fam.label} must share one scale ({fam.get('one_scale')}); "
                "found "
                + "; ".join(f"scale '{k}' for {', '.join(names)}" for k, names in scales.items())
                + ". Put items on another scale in an instrument of their own"
            )
    for f in ins.get("files", []):
        for name in f.get("set", {}):
            if name not in by_name:
                problems.append(f"evaluation.yaml sets '{name}' for {f['file']}, but the codebook has no such variable")
    if problems:
        raise ConfigError(source, problems)


def entity_variables() -> set[str]:
    """The variables whose categories name things of the world (`entity: true` in families.yaml: a
    project, a stakeholder type, a state). A unit or an answer may be worded for its instrument."""
    return {
        name
        for fam in _families().values()
        for name, spec in (fam.get("variables") or {}).items()
        if spec.get("entity")
    }


def same_names(codebooks: dict[str, Codebook], languages: list[str]) -> list[str]:
    """One name per thing: a category of an entity variable that several codebooks share has the
    same label in each of them, in every language."""
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    problems = []
    entities = entity_variables()
    for cb in codebooks.values():
        for var in [v for v in cb.variables("category") if v["name"] in entities]:
            for c in var.get("categories", []):
                for lang in languages:
                    label = c.get("label", {}).get(lang)
                    first = seen.setdefault((var["name"], c["key"], lang), (label, cb.source))
                    if label is not None and first[0] is not None and label != first[0]:
                        problems.append(
                            f"{cb.source}: variable '{var['name']}', category '{c['key']}', {lang}: "
                            f"'{label}' but {first[1]} names it '{first[0]}'; expected one name "
                            f"wherever it is used"
                        )
    return problems
