"""Write a reconstructed rating survey as an SPSS file from target counts (a data-authoring tool).

Not part of the pipeline: it was run once to make the file in raw/, which the pipeline then reads
as received. Usage: python tools/reconstruct/rating_survey.py tools/reconstruct/<spec>.yaml
Each category and item gets exactly the counts of the spec, shuffled across respondents with a
fixed seed, so running it again gives the same rows.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pyreadstat
import yaml


def column_from_counts(counts: dict, n: int, rng: np.random.Generator, name: str) -> np.ndarray:
    values = np.concatenate([np.full(int(c), float(code)) for code, c in sorted(counts.items())])
    if len(values) != n:
        raise SystemExit(f"{name}: counts add up to {len(values)}, expected {n}")
    return rng.permutation(values)


def main(spec_path: str) -> None:
    spec = yaml.safe_load(open(spec_path, encoding="utf-8"))
    rng = np.random.default_rng(spec["seed"])
    n = spec["n"]
    data = {spec["id_variable"]: [f"{spec['id_prefix']}{i:04d}" for i in range(1, n + 1)]}
    labels = {spec["id_variable"]: "Respondent id"}
    value_labels, measure, missing = {}, {spec["id_variable"]: "nominal"}, {}
    for name, cat in spec["categories"].items():
        data[name] = column_from_counts(cat["counts"], n, rng, name)
        labels[name] = cat["label"]
        value_labels[name] = {float(k): v for k, v in cat["labels"].items()}
        measure[name] = "nominal"
    for name, item in spec["items"].items():
        data[name] = column_from_counts(item["counts"], n, rng, name)
        labels[name] = item["label"]
        value_labels[name] = {float(k): v for k, v in spec["scale_labels"].items()}
        measure[name] = "ordinal"
        missing[name] = [float(c) for c in spec["missing_codes"]]
    df = pd.DataFrame(data)
    pyreadstat.write_sav(
        df, spec["output"], file_label=spec["file_label"], column_labels=labels,
        variable_value_labels=value_labels, missing_ranges=missing, variable_measure=measure,
    )
    print(f"wrote {spec['output']}: {n} rows, {len(df.columns)} variables")


if __name__ == "__main__":
    main(sys.argv[1])
