"""Monitoring indicators rolled up by project, by period, by TOsC domain and evaluation-wide.

Input: the clean table of an ``indicator_report`` instrument (one row per project, indicator and
reporting period) whose intake already reconciled per-period and cumulative reports into the
columns ``<c>_period`` and ``<c>_cumulative`` (evalkit.intake.families.reconcile_indicators), and
the evaluation's declarations about its indicators (indicators.yaml: labels, TOsC domains, cited
figures, evaluation-wide aggregates; workflow/schemas/indicators.schema.yaml).

How a life-of-project figure is made, per (project, indicator):

- total: flows (counts) add up their per-period values (``actual_period``), whatever the partner
  reported: a cumulative report is never added up, only its increments are (so the total equals
  the latest cumulative value). Stock units (a percentage: a level at a date, families.yaml
  ``stock_units``) are never added up: the total is the latest period's value.
- target: reported targets follow the value type. For a flow reported per period, each target is
  that period's target, so the life-of-project target is the sum of the period targets (periods
  without a target add nothing; a problem is reported when only some periods have one). For a
  flow reported cumulatively, and for any stock, a target is a to-date level, so the life-of-project
  target is the latest stated target.
- achievement = total / target (when the target is above zero).
- men and women: added up like the total (latest value for stocks), only when every period gives
  both; a sex split checks that men + women equals the total, in each period and overall, and
  every mismatch or incomplete split is listed in ``problems``.
- periods: the number of periods reported, and the first and last (periods sort as text, so
  ``YYYY-H1`` < ``YYYY-H2`` < next year).

Evaluation-wide aggregates put the life-of-project totals of indicators of several projects
together with a declared rule so that no one is counted twice: ``sum`` (only when every member has
the same definition in the data; otherwise an error names the definitions), ``max`` (the smaller
members are taken to be contained in the largest) or ``dedup`` (the sum minus a stated overlap).
"""

from __future__ import annotations

# The work is split by job; the names stay importable from here.
from evalkit.analysis.indicator_config import (  # noqa: F401
                                               NEEDED_COLUMNS,
                                               RESERVED_INDICATOR_SLUGS,
                                               RESERVED_PROJECT_KEYS,
                                               RULES,
                                               SCHEMA,
                                               SPLIT_COLUMNS,
                                               IndicatorConfig,
                                               _check_tosc,
                                               _norm,
                                               load_indicator_config,
                                               slug,
)
from evalkit.analysis.indicator_rollup import (  # noqa: F401
                                               AggregateResult,
                                               IndicatorResult,
                                               _aggregate,
                                               _check_against_data,
                                               _fmt,
                                               _num,
                                               rollup,
)
from evalkit.analysis.indicator_values import _rounded, _total_kind, add_indicator_values, indicator_table, period_table  # noqa: F401
