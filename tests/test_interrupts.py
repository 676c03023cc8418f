"""Interrupted builds heal themselves, and two builds of one checkout never run at once.

A build (python -m evalkit.build, what ./run build runs) is killed with SIGKILL, with every process
of it, at several moments; the next plain build finishes with no flag and no manual step and
publishes the same bytes as an uninterrupted build. The second example evaluation is used because
it builds in seconds."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ENV, make_clone, published_bytes

pytestmark = pytest.mark.slow

SC2 = ["--config", "evaluation=sc2-mexico-2024"]


def build(clone: Path, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "evalkit.build", "--cores", "2", *SC2, *args], cwd=clone, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True, **kw)


def kill_when(proc: subprocess.Popen, marker: str, delay: float, limit: int = 600) -> str:
    """Read the build's output until `marker`, wait `delay` seconds, then SIGKILL its whole process
    group. Returns what it printed. Fails if the build ends first."""
    seen = []
    for _ in range(int(limit)):  # at most `limit` one-second waits for output: a bound, not a speed assertion
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if not ready:
            continue
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            time.sleep(delay)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return "".join(seen)
    proc.kill()
    proc.wait()
    pytest.fail(f"the build ended before '{marker}':\n{''.join(seen)[-3000:]}")


# In pipeline order, so that each interrupted build still has the next step ahead of it.
KILL_POINTS = [("rule clean_instrument:", 0.0), ("rule compute_values:", 0.5), ("rule report_inputs:", 1.0),
               ("rule render_report:", 2.0), ("rule accessibility_gate:", 1.0), ("rule release:", 0.0)]


def test_builds_killed_at_any_moment_heal_and_publish_the_same_bytes(sc2_build, tmp_path):
    clone = make_clone(tmp_path / "killed")
    for marker, delay in KILL_POINTS:
        kill_when(build(clone), marker, delay)
    proc = build(clone)
    out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, out[-3000:]
    # no manual step asked for: neither Snakemake's lock advice nor its incomplete-files error
    assert "cannot be locked" not in out and "IncompleteFilesException" not in out
    assert [line for line in out.splitlines() if "--unlock" in line] == []
    assert published_bytes(clone, "sc2-mexico-2024") == published_bytes(sc2_build, "sc2-mexico-2024")
    again = build(clone)
    out, _ = again.communicate(timeout=900)
    assert again.returncode == 0 and "Nothing to be done" in out


def test_a_second_build_waits_for_the_first_and_names_it(sc2_build, tmp_path):
    clone = make_clone(tmp_path / "two")
    first = build(clone)
    # wait until the first build holds the lock (it has written who it is)
    lock = clone / ".snakemake" / "evalkit-build.lock"
    for _ in range(6000):
        if lock.is_file() and lock.read_text().startswith(f"pid {first.pid}"):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the first build never took the build lock")
    second = build(clone)
    out2, _ = second.communicate(timeout=900)
    out1, _ = first.communicate(timeout=900)
    assert first.returncode == 0, out1[-3000:]
    assert second.returncode == 0, out2[-3000:]
    assert f"another build of this checkout is running (pid {first.pid}, started" in out2
    assert [line for line in out2.splitlines() if "--unlock" in line] == []
    assert "cannot be locked" not in out2 and "LockException" not in out2
    assert "Nothing to be done" in out2  # it waited, then found the first build's work done
    assert published_bytes(clone, "sc2-mexico-2024") == published_bytes(sc2_build, "sc2-mexico-2024")


def test_a_snakemake_run_by_hand_is_named_not_unlocked(tmp_path):
    """A Snakemake started outside ./run build in the same checkout holds a lock that is not stale."""
    clone = make_clone(tmp_path / "hand")
    locks = clone / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("x")
    # a process whose command is `snakemake ...`, with this checkout as its working directory
    fake = tmp_path / "bin" / "snakemake"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    hand = subprocess.Popen([str(fake), "--cores", "1"], cwd=clone)
    try:
        proc = build(clone)
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 1
        assert f"Snakemake is running in this checkout outside ./run build (pid {hand.pid}" in out
        assert (locks / "0.input.lock").exists()
    finally:
        hand.kill()
        hand.wait()
