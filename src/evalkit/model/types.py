"""Evaluation types: the kinds of evaluation evalkit builds (workflow/schemas/evaluation_types.yaml)
and the parts each must have. An evaluation names its type in evaluation.yaml; every part that its
type does not list is optional. `check_type` runs when the evaluation loads (the analysis settings
and data families a type needs); `missing_content` when the content registry is checked."""

from __future__ import annotations

from functools import cache

from evalkit.core.config import load_schema

TYPES_FILE = "workflow/schemas/evaluation_types.yaml"


@cache
def _types() -> dict:
    return load_schema("evaluation_types.yaml")


def type_names() -> list[str]:
    return list(_types())


def type_spec(name: str) -> dict:
    """One type's entry (content, analysis, families), empty parts filled in."""
    spec = _types()[name]
    return {"description": " ".join(str(spec.get("description", "")).split()),
            "content": list(spec.get("content") or []), "analysis": dict(spec.get("analysis") or {}),
            "families": dict(spec.get("families") or {})}


def check_type(data: dict) -> list[str]:
    """evaluation.yaml names a known type and gives what that type needs: its analysis settings,
    an instrument of each family it needs, and a content registry when it needs registry parts."""
    name = str(data.get("type"))
    if name not in _types():
        described = "; ".join(f"{t} ({type_spec(t)['description']})" for t in _types())
        return [f"type: '{name}' is not an evaluation type; expected one of: {described} ({TYPES_FILE})"]
    spec = type_spec(name)
    problems = []
    analysis = data.get("analysis") or {}
    for key, what in spec["analysis"].items():
        if key not in analysis:
            problems.append(f"analysis.{key}: missing; a {name} evaluation needs {what} ({TYPES_FILE})")
    kinds = {i["kind"] for i in data.get("instruments", [])}
    for family, why in spec["families"].items():
        if family not in kinds:
            problems.append(f"instruments: no {family} instrument; a {name} evaluation needs one: {why} "
                            f"({TYPES_FILE})")
    if spec["content"] and not data.get("content"):
        problems.append(f"content: missing; a {name} evaluation needs a content registry with "
                        f"{', '.join(spec['content'])} (workflow/schemas/content.schema.yaml)")
    return problems


def missing_content(type_name: str | None, data: dict) -> list[str]:
    """The registry kinds the evaluation's type needs that the registry leaves out or leaves empty."""
    if type_name is None or type_name not in _types():
        return []
    return [f"{kind}: missing or empty; a {type_name} evaluation (type in evaluation.yaml) needs at least one "
            f"(workflow/schemas/content.schema.yaml, {TYPES_FILE})"
            for kind in type_spec(type_name)["content"] if not data.get(kind)]
