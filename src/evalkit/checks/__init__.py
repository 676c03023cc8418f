"""Quality gates run on evalkit's published outputs (see :mod:`evalkit.checks.accessibility`)."""
