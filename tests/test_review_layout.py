"""The review stage (src/evalkit/review/): no import cycle among its modules, no import of a higher
layer (steps, cli, build), and no workflow rule runs any of it."""

from __future__ import annotations

import ast
from pathlib import Path

from evalkit.core.codedeps import closure

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
REVIEW = SRC / "evalkit" / "review"
HIGHER = ("evalkit.steps", "evalkit.cli", "evalkit.build")


def imported(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (functions and TYPE_CHECKING blocks too)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            out.add(node.module or "")
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def review_modules() -> dict[str, Path]:
    return {f"evalkit.review.{p.stem}": p for p in sorted(REVIEW.glob("*.py")) if p.stem != "__init__"}


def test_review_imports_no_higher_layer():
    bad = {m: sorted(i for i in imported(p) if i.startswith(HIGHER)) for m, p in review_modules().items()}
    assert not {m: i for m, i in bad.items() if i}


def test_review_modules_form_no_cycle():
    modules = review_modules()
    graph = {m: {i for i in imported(p) if i in modules and i != m} for m, p in modules.items()}
    done: set[str] = set()

    def visit(m: str, path: tuple[str, ...]) -> None:
        assert m not in path, "import cycle: " + " -> ".join(path[path.index(m):] + (m,))
        if m in done:
            return
        for n in sorted(graph[m]):
            visit(n, path + (m,))
        done.add(m)

    for m in modules:
        visit(m, ())
    assert len(modules) >= 8     # the stage is split by job, not one module


def test_no_rule_runs_review_code():
    steps = [p.stem for p in (SRC / "evalkit" / "steps").glob("*.py") if p.stem != "__init__"]
    assert steps
    for step in steps:
        files = closure(str(ROOT), "evalkit.steps.runner", f"evalkit.steps.{step}")
        assert not [f for f in files if f.startswith("src/evalkit/review/")], step
