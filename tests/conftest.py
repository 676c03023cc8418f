from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LANGS = ["en-US", "es-MX"]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def evaluation():
    from evalkit.evaluation import load_evaluation

    return load_evaluation(ROOT, "mexico-auto-2024", LANGS)


@pytest.fixture(scope="session")
def codebook(evaluation):
    return evaluation.codebooks["post_interview"]
