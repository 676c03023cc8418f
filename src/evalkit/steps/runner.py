"""Glue between Snakemake scripts and the pipeline's functions: logging and clear failures.

A step that hits bad input prints what is wrong (file, row, column, expected) to the console and
the rule's log, and exits non-zero; Snakemake then removes the rule's outputs, so nothing is left
half-written.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from evalkit.core.errors import EvalkitError
from evalkit.model.context import Context

log = logging.getLogger("evalkit")


def run(snakemake, step: Callable[[Context], None], name: str | None = None) -> None:
    """Run one pipeline step for a Snakemake `script:` rule, with the configuration its rule declares
    (``params.config``). Whatever the step dies of is written to the rule's log as well as the console."""
    name = name or snakemake.rule
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if snakemake.log:
        Path(snakemake.log[0]).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(snakemake.log[0], mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=handlers, force=True)
    start = time.perf_counter()
    try:
        ctx = Context.for_step(Path.cwd(), snakemake.params.config)
        step(ctx)
    except EvalkitError as exc:
        log.error("evalkit: %s failed.\n%s", name, exc)
        sys.exit(1)
    except Exception:  # a defect of evalkit, not of the input: the log keeps the whole traceback
        log.exception("evalkit: %s failed with an internal error (please report it with this log):", name)
        sys.exit(1)
    log.info("evalkit: %s done in %.1f s", name, time.perf_counter() - start)
