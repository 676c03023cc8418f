"""Helpers that several steps share (the data families' helpers, evalkit.families.jobs, and copying a file)."""

from __future__ import annotations

import shutil
from pathlib import Path

from evalkit.analysis.indicator_config import indicator_config  # noqa: F401  (the steps import it from here)
from evalkit.core.io import atomic_write_bytes
from evalkit.families.jobs import (  # noqa: F401  (the steps import them from here)
    breakdown_variable,
    dataset_instruments,
    read_clean,
    value_source,
    write_table,
)

_source = value_source
_write_table = write_table


def copy_file(src: str | Path, dst: str | Path) -> None:
    atomic_write_bytes(dst, Path(src).read_bytes())
    shutil.copymode(src, dst)
