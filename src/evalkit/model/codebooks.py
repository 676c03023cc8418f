"""A codebook: what the variables of one instrument's raw file mean (codebooks/<instrument>.yaml),
and the checks of a codebook that the schema cannot express."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evalkit.core.errors import ConfigError

REMOVED = ("direct_identifier", "free_text")   # privacy classes removed on intake, never published
PROPOSED = "# proposed: confirm"   # what `evalkit codebook-export` marks a guessed role or privacy class with


def unconfirmed_proposals(path: str | Path) -> list[str]:
    """The lines of a codebook that still carry the `# proposed: confirm` marker of codebook-export:
    a guess (a role, a privacy class, a scale) that nobody has confirmed yet."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []  # load_yaml names the problem
    # the marker ends the line it marks (a comment that only mentions it, such as the export's header, is no proposal)
    return [f"line {n}: '{line.split('#')[0].strip()}' was proposed by evalkit codebook-export and is not confirmed; "
            f"check it and delete the '{PROPOSED}' marker" for n, line in enumerate(lines, 1)
            if line.rstrip().endswith(PROPOSED) and line.split("#")[0].strip()]


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


def check_codebook(cb: dict, source: str) -> None:
    """What the codebook schema cannot say: unique variable names, an id variable among them, scale
    codes used once, declared keys, sums, disclosure recodes and category recodes that name real
    variables and codes. Raises a ConfigError naming the codebook and every problem."""
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
            problems.append(
                f"variables[{v['name']}].scale: expected one of "
                f"{', '.join(cb.get('scales', {})) or 'no scales declared'}, "
                f"got {v.get('scale')!r}"
            )
        if v["role"] == "category" and not v.get("categories"):
            problems.append(f"variables[{v['name']}]: a category variable needs 'categories'")
    if problems:
        raise ConfigError(source, problems)
