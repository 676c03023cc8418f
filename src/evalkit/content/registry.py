"""The evaluation's content registry: its argument as data.

Evidence supports findings, findings carry leverage points tied to TOsC domains, recommendations
rest on findings and are addressed to named parties. `load_registry` reads the registry with its
language overlays (evalkit.content.overlays), validates it against workflow/schemas/content.schema.yaml
and runs the integrity checks (evalkit.content.integrity); `Registry` numbers what the documents
number (sections, findings, questions, recommendations), from the registry's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evalkit.content.integrity import References, check_registry
from evalkit.content.overlays import read_registry
from evalkit.core.config import load_schema, load_yaml, validate
from evalkit.core.errors import ConfigError
from evalkit.core.io import display_path

# Kinds an evaluation may leave out of its registry (read as empty lists): all but those its type
# needs (workflow/schemas/evaluation_types.yaml, evalkit.model.types).
OPTIONAL_KINDS = ("addressees", "criteria", "themes", "findings", "recommendations", "good_practices", "projects",
                  "outcomes", "learning_questions", "key_figures", "actor_groups", "cases", "tables",
                  "outcome_categories", "places", "lessons", "conclusions", "acronyms", "disaggregations",
                  "stories", "priorities")
# The Theory of Sustained Change of an evaluation that has none (analysis.tosc left out).
NO_TOSC: dict = {"categories": [], "domains": [], "areas": []}


@dataclass(frozen=True)
class Registry:
    source: str
    data: dict
    tosc: dict

    def by_id(self, kind: str) -> dict[str, dict]:
        return {x["id"]: x for x in self.data[kind]}

    def theme_number(self, theme_id: str) -> int:
        return [t["id"] for t in self.data["themes"]].index(theme_id) + 1

    def finding_numbers(self) -> dict[str, str]:
        """'<theme number>.<position within the theme>' for every finding, from the registry's order."""
        out, count = {}, {}
        for f in self.data["findings"]:
            t = self.theme_number(f["theme"])
            count[t] = count.get(t, 0) + 1
            out[f["id"]] = f"{t}.{count[t]}"
        return out

    def question_numbers(self) -> dict[str, str]:
        """Evaluation question id -> "criterion.question" ("1.2"), from the registry's order."""
        return {q["id"]: f"{i}.{j}" for i, c in enumerate(self.data["criteria"], start=1)
                for j, q in enumerate(c["questions"], start=1)}

    def recommendation_numbers(self) -> dict[str, int]:
        return {r["id"]: i + 1 for i, r in enumerate(self.data["recommendations"])}

    def domain_numbers(self) -> dict[str, int]:
        return {d["key"]: i + 1 for i, d in enumerate(self.tosc["domains"])}

    def leverage_points(self):
        """(finding, leverage point) pairs in registry order."""
        for f in self.data["findings"]:
            for lp in f.get("leverage_points", []):
                yield f, lp


def load_registry(path: str | Path, tosc_path: str | Path | None, languages: list[str], refs: References | None = None,
                  display_root: str | Path | None = None, type_name: str | None = None) -> Registry:
    """Read (with the overlays of `languages`), validate against workflow/schemas/content.schema.yaml,
    and check the registry; raise ConfigError listing every violation. `tosc_path` None: the
    evaluation has no Theory of Sustained Change. `type_name`: the evaluation's type, whose registry
    kinds must be there (evalkit.model.types)."""
    from evalkit.model.types import missing_content

    path = Path(path)
    name = display_path(path, display_root)
    data = read_registry(path, languages, display_root)
    validate(data, load_schema("content.schema.yaml"), name)
    problems = missing_content(type_name, data)
    for kind in OPTIONAL_KINDS:
        data.setdefault(kind, [])
    tosc = load_yaml(Path(tosc_path)) if tosc_path is not None else NO_TOSC
    problems += check_registry(data, tosc, languages, refs or References())
    if problems:
        raise ConfigError(name, problems)
    return Registry(name, data, tosc)


def content_path(ctx) -> Path | None:
    """The evaluation's content registry (`content` in its evaluation.yaml) under the project root,
    or None when the evaluation has none."""
    c = ctx.evaluation.data.get("content")
    return ctx.root / c if c else None
