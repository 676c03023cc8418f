"""The code a workflow rule runs: the import closure of its step module inside the evalkit package,
read from the source (imports inside functions included), plus the data files those modules load.

Each rule lists this as its `code` input, so editing a module re-runs exactly the rules whose steps
import it, directly or not; editing code no rule runs (the draft and review commands) re-runs
nothing. Light on purpose: the Snakefile calls it on every run.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

PACKAGE = "evalkit"

# Data files that modules read at run time, by the module (or package) that reads them, relative
# to the repository root. A module that loads another file must be listed here.
RESOURCES = {
    "evalkit.core.config": ["workflow/schemas/*.yaml"],
    "evalkit.core.i18n": ["src/evalkit/locale/*/LC_MESSAGES/*.po"],
    "evalkit.checks.conformance": ["src/evalkit/checks/section508.yaml"],
    "evalkit.render": ["src/evalkit/render/*.lua", "src/evalkit/render/*.typ", "src/evalkit/render/*.typst",
                       "src/evalkit/render/*.css",
                       "src/evalkit/render/*.html5"],
}


def _module_file(src: Path, module: str) -> Path | None:
    base = src.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(src: Path, module: str, path: Path) -> set[str]:
    """The evalkit modules that one module imports, anywhere in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names}  # `from . import x` names a module
    out = set()
    for name in found:
        if name == PACKAGE or name.startswith(PACKAGE + "."):
            # importing a.b.c runs a/__init__.py and a/b/__init__.py too
            parts = name.split(".")
            out |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return {m for m in out if _module_file(src, m) is not None}


@lru_cache(maxsize=None)
def closure(root: str, *modules: str) -> tuple[str, ...]:
    """Every file (relative to `root`) that running `modules` may execute or load."""
    src = Path(root) / "src"
    seen: set[str] = set()
    todo = [m for m in modules]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        path = _module_file(src, m)
        if path is None:
            raise ValueError(f"no module {m} under {src}")
        seen.add(m)
        todo += sorted(_imports(src, m, path) - seen)
    files = {str(_module_file(src, m).relative_to(root)) for m in seen}
    for owner, patterns in RESOURCES.items():
        if any(m == owner or m.startswith(owner + ".") for m in seen):
            for pattern in patterns:
                files |= {str(p.relative_to(root)) for p in Path(root).glob(pattern)}
    return tuple(sorted(files))
