from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LANGS = ["en-US", "es-MX"]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def evaluation():
    from evalkit.model.evaluation import load_evaluation

    return load_evaluation(ROOT, "mexico-auto-2024", LANGS)


@pytest.fixture(scope="session")
def codebook(evaluation):
    return evaluation.codebooks["post_interview"]


@pytest.fixture(scope="session")
def ctx():
    """The run context of the repository's configured (default) evaluation."""
    from evalkit.model.context import Context

    return Context.load(ROOT)


@pytest.fixture(scope="session")
def cleaned_files(ctx, tmp_path_factory) -> dict[str, Path]:
    """Every instrument of the default evaluation cleaned as the build cleans it, once per session:
    instrument id -> clean CSV (its intake report beside it, <id>.intake.json)."""
    from evalkit.steps.intake import clean_instrument

    out = tmp_path_factory.mktemp("clean")
    files = {}
    for ins in ctx.evaluation.instruments:
        files[ins["id"]] = out / f"{ins['id']}.csv"
        clean_instrument(ctx, ins["id"], files[ins["id"]], out / f"{ins['id']}.intake.json")
    return files


# --- end-to-end builds (slow tests) ---------------------------------------------------------

ENV = {**os.environ, "EVALKIT_AXE_JS": str(ROOT / "node_modules" / "axe-core" / "axe.min.js")}


def make_clone(dest: Path) -> Path:
    """A copy of the repository as git would check it out (tracked and new, not ignored, files)."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\0")
    for f in filter(None, files):
        src = ROOT / f
        if src.is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)
    return dest


def snakemake(clone: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", *args], cwd=clone,
                          env=ENV, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def builds(tmp_path_factory):
    """Two clean builds in two clone paths, once per test session (tests/test_build.py, tests/test_briefs.py)."""
    a = make_clone(tmp_path_factory.mktemp("first") / "evalkit")
    b = make_clone(tmp_path_factory.mktemp("second") / "some" / "other" / "place")
    for clone in (a, b):
        proc = snakemake(clone)
        assert proc.returncode == 0, proc.stderr[-4000:]
    return a, b


@pytest.fixture(scope="session")
def sc2_build(tmp_path_factory):
    """A clean build of the second example evaluation (sc2-mexico-2024), once per test session."""
    clone = make_clone(tmp_path_factory.mktemp("sc2") / "evalkit")
    proc = snakemake(clone, "--config", "evaluation=sc2-mexico-2024")
    assert proc.returncode == 0, proc.stderr[-4000:]
    return clone


@pytest.fixture(scope="session")
def usmca_build(tmp_path_factory):
    """A clean build of the third example evaluation (ilab-usmca-2025, a portfolio evaluation by Most
    Significant Change), once per test session."""
    clone = make_clone(tmp_path_factory.mktemp("usmca") / "evalkit")
    proc = snakemake(clone, "--config", "evaluation=ilab-usmca-2025")
    assert proc.returncode == 0, proc.stderr[-4000:]
    return clone


def published_bytes(clone: Path, evaluation: str = "mexico-auto-2024") -> dict[str, bytes]:
    """Every file under results/<evaluation>/publish/, by its path there."""
    pub = clone / "results" / evaluation / "publish"
    return {p.relative_to(pub).as_posix(): p.read_bytes() for p in sorted(pub.rglob("*")) if p.is_file()}


def copy_build(clone: Path, dest: Path) -> Path:
    """A copy of a built clone with its results and Snakemake's records, modification times kept."""
    shutil.copytree(clone, dest, symlinks=True)
    return dest


def page_text(path) -> str:
    """The visible text of an HTML document, whitespace collapsed (styles and scripts left out)."""
    import html
    import re

    t = re.sub(r"<(style|script)\b.*?</\1>", " ", Path(path).read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", t)).split())
