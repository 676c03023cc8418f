"""From a clean rating survey to the values documents cite and a language-neutral results table."""

from __future__ import annotations

import pandas as pd

from ..evaluation import Codebook
from ..values import ValueStore
from .ratings import RatingResult, rating_distribution


def analyze_survey(clean: pd.DataFrame, codebook: Codebook, confidence_level: float,
                   method: str) -> list[RatingResult]:
    """One RatingResult per rated item, in codebook order."""
    return [rating_distribution(clean[v["name"]], codebook.scale(v["scale"]), confidence_level, method)
            for v in codebook.variables("rating")]


def add_survey_values(store: ValueStore, instrument_id: str, clean: pd.DataFrame,
                      results: list[RatingResult], source: dict) -> None:
    """Value ids: ``<instrument>.respondents`` and, per item, ``<instrument>.<item>.<statistic>``."""
    store.add(f"{instrument_id}.respondents", len(clean), "count",
              {**source, "computation": "number of records in the clean survey table"})
    store.add(f"{instrument_id}.rated_items", len(results), "count",
              {**source, "computation": "number of rated items in the codebook"})
    if results:
        store.add(f"{instrument_id}.confidence_level", results[0].confidence_level, "share",
                  {"file": "config/config.yaml", "computation": "statistics.confidence_level"})
    for r in results:
        base = f"{instrument_id}.{r.item}"
        src = {**source, "variable": r.item}
        top = " + ".join(f"'{k}'" for k in r.top_box_keys)
        store.add(f"{base}.valid_n", r.valid_n, "count", {**src, "computation": "answers on the scale (non-response excluded)"})
        store.add(f"{base}.nonresponse_n", r.nonresponse_n, "count",
                  {**src, "computation": "declared missing codes and empty cells"})
        store.add(f"{base}.top_box_n", r.top_box_n, "count", {**src, "computation": f"answers {top}"})
        store.add(f"{base}.top_box_share", r.share, "share", {**src, "computation": f"answers {top} / valid answers"})
        ci_src = {**src, "computation": f"{r.method} interval, confidence {r.confidence_level:g}, "
                                        f"statsmodels proportion_confint({r.top_box_n}, {r.valid_n})"}
        store.add(f"{base}.ci_low", r.ci_low, "share", ci_src)
        store.add(f"{base}.ci_high", r.ci_high, "share", ci_src)
        store.add(f"{base}.ci", (r.ci_low, r.ci_high), "interval", ci_src)
        for key, n in r.counts.items():
            store.add(f"{base}.levels.{key}.n", n, "count", {**src, "computation": f"answers '{key}'"})
            store.add(f"{base}.levels.{key}.share", n / r.valid_n, "share",
                      {**src, "computation": f"answers '{key}' / valid answers"})
        for key, n in r.missing.items():
            store.add(f"{base}.missing.{key}.n", n, "count", {**src, "computation": f"non-response '{key}'"})


def results_table(instrument_id: str, results: list[RatingResult]) -> pd.DataFrame:
    """A language-neutral table of the item results (one row per item), for the evaluators."""
    rows = []
    for r in results:
        row = {"instrument": instrument_id, "item": r.item}
        row.update({f"n_{k}": n for k, n in r.counts.items()})
        row.update({f"n_{k}": n for k, n in r.missing.items()})
        row.update({"valid_n": r.valid_n, "nonresponse_n": r.nonresponse_n, "top_box_n": r.top_box_n,
                    "top_box_share": round(r.share, 6), "ci_low": round(r.ci_low, 6),
                    "ci_high": round(r.ci_high, 6), "confidence_level": r.confidence_level,
                    "interval_method": r.method})
        rows.append(row)
    return pd.DataFrame(rows)
