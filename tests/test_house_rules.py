"""Rules of the repository itself that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOCKS = {("time", "perf_counter"), ("time", "monotonic"), ("time", "time"), ("time", "process_time"),
          ("time", "perf_counter_ns"), ("time", "monotonic_ns"), ("time", "time_ns")}


def clock_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in CLOCKS
        ):
            found.append(f"{path.name}:{node.lineno}: time.{node.attr}")
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "time"
            and any(("time", a.name) in CLOCKS for a in node.names)
        ):
            found.append(f"{path.name}:{node.lineno}: from time import …")
    return found


def test_no_test_reads_a_clock():
    """No test depends on the machine's speed: speed budgets live in tools/benchmark/."""
    found = [hit for p in sorted((ROOT / "tests").glob("*.py")) for hit in clock_calls(p)]
    assert found == []


def test_the_clock_check_finds_a_timed_assertion(tmp_path):
    sample = tmp_path / "test_sample.py"
    # a sample to parse, never run: it reads the clock twice and imports a clock function
    sample.write_text("import time\nfrom time import monotonic\nstarted = time.perf_counter()\nnow = time.time()\n")
    assert clock_calls(sample) == [
        "test_sample.py:2: from time import …",
        "test_sample.py:3: time.perf_counter",
        "test_sample.py:4: time.time",
    ]
