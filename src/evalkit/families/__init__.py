"""The data families, one module each, looked up by name in one registry (the way nbconvert looks up
its exporters): what a family's instruments add to the analysis (values and results tables), to the
documents (fragments and the readable names of their values) and to what the content registry may
point at.

    from evalkit.families import get
    get("engagement_log").tables   # -> ("table2", "itinerary")

A family is an entry of workflow/schemas/families.yaml (the variables its codebook must declare) and
a module here that defines ``FAMILY = Family(...)``: adding a data family is adding those two, and
nothing else (tests/test_families.py adds one). The modules import their stage code inside their
hooks, so the registry itself is light (the Snakefile reads the tables from it on every run).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

from evalkit.core.errors import ConfigError
from evalkit.model.instruments import FAMILIES_FILE, family_names


@dataclass(frozen=True)
class Family:
    """One data family. Every hook is optional; each receives one job object (evalkit.families.jobs).

    - ``tables``: the results tables its analysis writes, results/tables/<instrument>-<name>.csv
    - ``analyze(job)``: add the instrument's values to ``job.store`` and write its tables; what it
      returns is kept as ``job.state[<instrument>]`` for the links between families
    - ``fragments(job)``: the document fragments of a published instrument, {name: Markdown}, written
      as <instrument>-<name>.md
    - ``value_names(job)``: readable names, in the job's language, of the values documents cite
    - ``references(job)``: what the content registry may point at (fills ``job.refs``)
    - ``clean(...)``: a last intake step after the codebook checks (evalkit.intake.clean)
    """

    name: str
    tables: tuple[str, ...] = ()
    analyze: Callable[[Any], Any] | None = None
    fragments: Callable[[Any], dict[str, str]] | None = None
    value_names: Callable[[Any], dict[str, str]] | None = None
    references: Callable[[Any], None] | None = None
    clean: Callable[..., Any] | None = None
    module: str = field(default="", compare=False)


def discover(package: ModuleType) -> dict[str, Family]:
    """The families the modules of `package` define (``FAMILY``), by name."""
    found: dict[str, Family] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in ("jobs",):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        fam = getattr(module, "FAMILY", None)
        if not isinstance(fam, Family):
            continue
        if fam.name in found:
            raise ConfigError(module.__name__, [f"family '{fam.name}' is defined twice (also in "
                                                f"{found[fam.name].module})"])
        found[fam.name] = Family(**{**fam.__dict__, "module": module.__name__})
    return found


@cache
def registry() -> dict[str, Family]:
    """Every family of this package, checked against the families file: one module per entry."""
    found = discover(sys.modules[__name__])
    declared = family_names()
    problems = [f"family '{n}' has no module src/evalkit/families/{n}.py defining FAMILY" for n in declared
                if n not in found]
    problems += [f"{found[n].module} defines family '{n}', which is not an entry of {FAMILIES_FILE}" for n in found
                 if n not in declared]
    if problems:
        raise ConfigError(FAMILIES_FILE, problems)
    return {n: found[n] for n in declared}


def get(name: str) -> Family:
    """The family of that name; a ConfigError naming the families file when there is none."""
    fams = registry()
    if name not in fams:
        raise ConfigError(FAMILIES_FILE, [f"no data family '{name}'; expected one of {', '.join(fams)}"])
    return fams[name]


def analysis_tables(instruments: list[dict]) -> dict[str, list[str]]:
    """instrument -> names of the results tables its family's analysis writes."""
    return {i["id"]: list(get(i["kind"]).tables) for i in instruments}
