"""A plain build with nothing changed since the last one that succeeded ends at once, without starting
Snakemake; any change Snakemake could act on (an edited, added or removed file of the checkout or of
results/, an environment variable it reads, an argument, a failed build) makes it start Snakemake.

The checkout here is a toy one: a Snakefile that says when Snakemake loads it and copies input.txt
and raw/data.csv to results/output.txt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evalkit.build import STAMP

pytestmark = pytest.mark.slow  # each case starts Snakemake a few times

LOADED = "SNAKEFILE LOADED"

SNAKEFILE = f'''
print("{LOADED}")

rule all:
    input: "results/output.txt"

rule copy:
    input: "input.txt", "raw/data.csv"
    output: "results/output.txt"
    shell:
        "cat {{input}} > {{output}}; "
        "if grep -q fail input.txt; then exit 1; fi; "
        "if grep -q edit input.txt; then echo x > notes.txt; fi"
'''


@pytest.fixture
def checkout(tmp_path):
    root = tmp_path / "checkout"
    root.mkdir()
    (root / "Snakefile").write_text(SNAKEFILE)
    (root / "input.txt").write_text("one\n")
    (root / "raw").mkdir()
    (root / "raw" / "data.csv").write_text("a,b\n")
    return root


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    return subprocess.run([sys.executable, "-m", "evalkit.build", *args], cwd=root, capture_output=True,
                          text=True, timeout=300, env=env)


def ran_snakemake(result: subprocess.CompletedProcess) -> bool:
    return LOADED in result.stdout + result.stderr


def later(path: Path) -> None:
    """Give a file a new modification time, as saving it unchanged in an editor does."""
    before = path.stat().st_mtime_ns
    while path.stat().st_mtime_ns == before:  # the file system's clock may be coarser than a nanosecond
        time.sleep(0.01)
        os.utime(path)


def test_nothing_changed_ends_without_snakemake(checkout):
    first = build(checkout)
    assert first.returncode == 0, first.stderr
    assert ran_snakemake(first)
    assert (checkout / "results" / "output.txt").read_text() == "one\na,b\n"
    assert set(json.loads((checkout / STAMP).read_text())["fingerprint"]) == {"checkout", "results"}
    second = build(checkout)
    assert second.returncode == 0
    assert not ran_snakemake(second)
    assert "nothing has changed since the last build" in second.stderr


@pytest.mark.parametrize("change", ["edit input", "add a file", "remove an output", "edit an output",
                                    "edit a raw file", "set an EVALKIT variable"])
def test_any_change_starts_snakemake(checkout, change, monkeypatch):
    assert build(checkout).returncode == 0
    if change == "edit input":
        (checkout / "input.txt").write_text("two\n")
    elif change == "add a file":
        (checkout / "new.qmd").write_text("# new\n")
    elif change == "remove an output":
        (checkout / "results" / "output.txt").unlink()
    elif change == "edit an output":
        later(checkout / "results" / "output.txt")
    elif change == "edit a raw file":
        later(checkout / "raw" / "data.csv")
    else:
        monkeypatch.setenv("EVALKIT_SOMETHING", "1")
    again = build(checkout)
    assert again.returncode == 0, again.stderr
    assert ran_snakemake(again), change
    if change == "edit input":
        assert (checkout / "results" / "output.txt").read_text() == "two\na,b\n"
    # and once more with nothing changed, nothing starts
    assert not ran_snakemake(build(checkout))


def test_a_build_with_arguments_starts_snakemake_and_forgets_the_record(checkout):
    assert build(checkout).returncode == 0
    assert ran_snakemake(build(checkout, "--dry-run"))
    assert not (checkout / STAMP).exists()
    assert ran_snakemake(build(checkout))


def test_a_failed_build_leaves_no_record(checkout):
    (checkout / "input.txt").write_text("fail\n")
    assert build(checkout).returncode != 0
    assert not (checkout / STAMP).exists()
    assert ran_snakemake(build(checkout))


def test_a_file_changed_while_the_build_ran_leaves_no_record(checkout):
    (checkout / "input.txt").write_text("edit\n")
    assert build(checkout).returncode == 0
    assert (checkout / "notes.txt").exists()
    assert not (checkout / STAMP).exists()
