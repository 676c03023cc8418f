"""Read a rating survey from SPSS with its labels and declared missing codes, check it against
its codebook, and produce the clean table (one row per respondent, categories as stable keys)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyreadstat

from ..errors import DataError
from ..evaluation import Codebook

MAX_LISTED = 20  # problems listed per file before "... and N more"


@dataclass
class RawSurvey:
    file: str
    data: pd.DataFrame
    meta: pyreadstat.metadata_container


def read_sav(path: str | Path, display_name: str | None = None) -> RawSurvey:
    """Read an SPSS file keeping user-defined missing codes (they stay as values, not NaN)."""
    name = display_name or str(path)
    try:
        df, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except FileNotFoundError:
        raise DataError(name, ["file not found"]) from None
    except Exception as exc:  # pyreadstat raises its own ReadstatError / PyreadstatError
        raise DataError(name, [f"cannot be read as an SPSS .sav file ({exc})"]) from None
    return RawSurvey(name, df, meta)


def _declared_missing(meta, var: str) -> tuple[set[float], list[str]]:
    """The discrete user-missing codes SPSS declares for a variable, and any problem with them."""
    codes: set[float] = set()
    problems = []
    for r in meta.missing_ranges.get(var, []):
        lo, hi = r["lo"], r["hi"]
        if lo != hi:
            problems.append(f"column '{var}': missing range {lo}-{hi}; evalkit expects discrete missing codes")
        codes.add(float(lo))
    return codes, problems


def _code(value) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if float(value) != int(value):
        return float(value)  # type: ignore[return-value]
    return int(value)


def clean_survey(raw: RawSurvey, codebook: Codebook) -> pd.DataFrame:
    """Check every variable of the codebook and return the clean table.

    Columns: the id, each category variable as its category key, each rating as the key of its
    level or missing code (e.g. 'high', 'dont_know'), empty where the cell is system-missing.
    Raises DataError listing every problem with row (respondent id), column and what was expected.
    """
    df, meta = raw.data, raw.meta
    problems: list[str] = []
    missing_cols = [v["name"] for v in codebook.variables() if v["name"] not in df.columns]
    if missing_cols:
        raise DataError(raw.file, [f"column '{c}' is missing (the codebook {codebook.source} declares it)"
                                   for c in missing_cols])
    idv = codebook.id_variable
    ids = df[idv].astype("string").str.strip()
    for i, rid in enumerate(ids):
        if pd.isna(rid) or rid == "":
            problems.append(f"row {i + 1}, column '{idv}': empty respondent id; expected a unique id")
    dups = ids[ids.duplicated(keep=False) & ids.notna() & (ids != "")]
    for rid in sorted(set(dups)):
        rows = [str(i + 1) for i in dups.index[dups == rid]]
        problems.append(f"rows {', '.join(rows)}, column '{idv}': respondent id '{rid}' appears more than once; expected unique ids")
    clean = pd.DataFrame({idv: ids})

    def where(i: int) -> str:
        rid = ids.iloc[i]
        return f"row {i + 1} (respondent '{rid}')" if isinstance(rid, str) and rid else f"row {i + 1}"

    for var in codebook.variables("category"):
        name = var["name"]
        keys = {c["code"]: c["key"] for c in var["categories"]}
        expected = ", ".join(f"{c} ({k})" for c, k in keys.items())
        out = []
        for i, v in enumerate(df[name]):
            code = _code(v)
            if code is None:
                problems.append(f"{where(i)}, column '{name}': empty; expected one of {expected}")
                out.append(None)
            elif code not in keys:
                problems.append(f"{where(i)}, column '{name}': code {v!r} is not in the codebook; expected one of {expected}")
                out.append(None)
            else:
                out.append(keys[code])
        clean[name] = out

    for var in codebook.variables("rating"):
        name = var["name"]
        scale = codebook.scale(var["scale"])
        keys = {c["code"]: c["key"] for c in scale["levels"] + scale["missing"]}
        want_missing = {float(c["code"]) for c in scale["missing"]}
        declared, range_problems = _declared_missing(meta, name)
        problems.extend(range_problems)
        if not range_problems and declared != want_missing:
            problems.append(
                f"column '{name}': declared SPSS missing codes are {sorted(int(c) for c in declared) or 'none'}; "
                f"the codebook expects {sorted(int(c) for c in want_missing)}")
        expected = ", ".join(f"{c} ({k})" for c, k in keys.items())
        out = []
        for i, v in enumerate(df[name]):
            code = _code(v)
            if code is None:
                out.append("")  # system-missing: not asked / skipped; counted as non-response
            elif code not in keys:
                problems.append(f"{where(i)}, column '{name}': value {v!r} is not a code of scale '{var['scale']}'; expected one of {expected}")
                out.append("")
            else:
                out.append(keys[code])
        clean[name] = out

    if problems:
        shown = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            shown.append(f"... and {len(problems) - MAX_LISTED} more problem(s)")
        raise DataError(raw.file, shown)
    return clean
