"""Errors that evalkit reports to the people running it.

Every error names where the problem is (file, and where it applies row/record and column or key)
and what was expected, so that someone who does not read Python can fix the input.
"""

from __future__ import annotations


class EvalkitError(Exception):
    """Base class: a problem with the inputs that stops the build."""


class ProblemsError(EvalkitError):
    """A file with one or more problems, each naming where it is and what was expected."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: {len(problems)} problem(s):"] + [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


class ConfigError(ProblemsError):
    """A configuration file does not match its schema."""


class DataError(ProblemsError):
    """A raw data file does not match what its codebook declares."""


class RenderError(EvalkitError):
    """A report source cannot be rendered (unsupported feature, unknown value id, ...)."""
