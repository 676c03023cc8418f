"""Rating distributions: full distribution, valid n, non-response, top-box share and its interval."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from statsmodels.stats.proportion import proportion_confint


@dataclass(frozen=True)
class RatingResult:
    item: str
    counts: dict[str, int]         # per level key, lowest to highest
    missing: dict[str, int]        # per declared missing key, plus 'system_missing'
    valid_n: int
    nonresponse_n: int
    top_box_keys: tuple[str, ...]
    top_box_n: int
    share: float                   # top_box_n / valid_n
    ci_low: float
    ci_high: float
    confidence_level: float
    method: str


def rating_distribution(column: pd.Series, scale: dict, confidence_level: float = 0.95,
                        method: str = "wilson") -> RatingResult:
    """Distribution of one rated item from its clean column of level keys.

    Declared missing codes ('Don't know', 'No answer') and empty cells are non-response: they are
    reported and left out of the denominator of the share.
    """
    level_keys = [c["key"] for c in scale["levels"]]
    missing_keys = [c["key"] for c in scale["missing"]]
    values = column.fillna("")
    seen = values.value_counts(sort=False)   # one pass over the column, not one per level
    counts = {k: int(seen.get(k, 0)) for k in level_keys}
    missing = {k: int(seen.get(k, 0)) for k in missing_keys}
    missing["system_missing"] = int(seen.get("", 0))
    valid_n = sum(counts.values())
    nonresponse = sum(missing.values())
    if valid_n + nonresponse != len(values):
        unknown = sorted(set(values) - set(level_keys) - set(missing_keys) - {""})
        raise ValueError(f"{column.name}: values outside the scale: {unknown}")
    top = tuple(scale["top_box"])
    top_n = sum(counts[k] for k in top)
    if valid_n == 0:
        raise ValueError(
            f"'{column.name}': no valid answers (all {len(values)} missing or empty), so its shares are undefined"
        )
    lo, hi = proportion_confint(top_n, valid_n, alpha=1 - confidence_level, method=method)
    return RatingResult(
        item=str(column.name),
        counts=counts,
        missing=missing,
        valid_n=valid_n,
        nonresponse_n=nonresponse,
        top_box_keys=top,
        top_box_n=top_n,
        share=top_n / valid_n,
        ci_low=float(lo),
        ci_high=float(hi),
        confidence_level=confidence_level,
        method=method,
    )
