"""The package's layout is its data flow: stages in layers, each importing only the layers below it.

docs/architecture.md draws the layers; this test holds the code to them. It reads every module's
imports from the source (imports inside functions included, as evalkit.core.codedeps does), so a
lazy import cannot hide an upward dependency."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "evalkit"

# Lowest first. A module may import its own package and any package of a lower layer, never one of
# its own layer or above.
LAYERS = [
    ["core"],
    ["model"],
    ["values"],
    ["intake", "analysis", "content"],
    ["render", "documents"],
    ["families"],
    ["checks", "publish"],
    ["review"],
    ["steps"],
    ["cli", "build"],
    ["__main__"],
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}
MAX_LINES = 400
# Modules still over the limit, each with the size it may not grow beyond until it is split (issue 16):
# a ratchet, so the list only shrinks. Any other module over MAX_LINES fails the test.
NOT_YET_SPLIT = {
}


def modules(src: Path = SRC) -> dict[str, Path]:
    out = {}
    for path in sorted((src / "evalkit").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The evalkit modules `name` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names}
    return {m for m in found if m in known and m != "evalkit"}


def stage(name: str) -> str:
    """The stage (top-level subpackage or module) of a dotted module name: evalkit.core.io -> core."""
    return name.split(".")[1] if name.count(".") else ""


def test_every_module_belongs_to_a_layer():
    stray = sorted(m for m in modules() if m != "evalkit" and stage(m) not in RANK)
    assert not stray, f"modules outside the layers of docs/architecture.md (add a stage or move them): {stray}"


def upward_imports(src: Path = SRC) -> list[str]:
    known, bad = modules(src), []
    for name, path in known.items():
        own = stage(name)
        if own not in RANK:
            continue
        for target in sorted(imports(name, path, known)):
            other = stage(target)
            if other != own and RANK.get(other, -1) >= RANK[own]:
                bad.append(f"{name} imports {target} ({other} is not below {own})")
    return bad


def test_no_upward_or_sideways_imports():
    bad = upward_imports()
    assert not bad, "imports against the layering:\n" + "\n".join(bad)


def test_no_import_cycles():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_module_over_the_size_limit():
    big = {
        name: n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines()))
        > NOT_YET_SPLIT.get(name := str(p.relative_to(SRC)), MAX_LINES)
    }
    assert not big, (
        f"modules over {MAX_LINES} lines, or grown beyond their NOT_YET_SPLIT size (split them by job): {big}"
    )


def test_the_not_yet_split_list_only_names_modules_still_too_big():
    stale = {
        name: n
        for name, limit in NOT_YET_SPLIT.items()
        if (n := len((SRC / name).read_text(encoding="utf-8").splitlines())) <= MAX_LINES
    }
    assert not stale, f"split already; remove from NOT_YET_SPLIT: {stale}"


@pytest.mark.parametrize(
    "planted,expected",
    [
        ("from evalkit.steps.common import read_clean\n", "evalkit.core.planted imports evalkit.steps.common"),
        ("def f():\n    from evalkit.documents import charts\n", "evalkit.core.planted imports evalkit.documents"),
        ("from evalkit.analysis.survey import rating_values\n", "evalkit.core.planted imports evalkit.analysis.survey"),
    ],
)
def test_the_layering_check_catches_a_planted_upward_import(tmp_path, planted, expected):
    shutil.copytree(PACKAGE, tmp_path / "evalkit", ignore=shutil.ignore_patterns("__pycache__"))
    assert upward_imports(tmp_path) == []
    (tmp_path / "evalkit" / "core" / "planted.py").write_text(planted, encoding="utf-8")
    assert any(line.startswith(expected) for line in upward_imports(tmp_path))


def test_a_sideways_import_within_a_layer_is_refused(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "evalkit", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "evalkit" / "intake" / "planted.py").write_text("from evalkit.content import registry\n")
    assert "evalkit.intake.planted imports evalkit.content.registry (content is not below intake)" in upward_imports(
        tmp_path
    )
