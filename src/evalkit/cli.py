"""Command line: `evalkit codebook-export` writes a starting codebook from a raw file (as iecodebook
template does); the team then completes roles, privacy classes and the other languages' labels.

The exported labels exist only in the language given; loading the evaluation fails, naming each
label, until every configured language is filled in, so no untranslated codebook slips through.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import yaml

from .errors import EvalkitError
from .intake.readers import read_raw


def slug(text: str, fallback: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")
    if not s or not s[0].isalpha():
        s = f"{fallback}_{s}" if s else fallback
    return s


def _code(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def export_codebook(path: str | Path, fmt: str, instrument: str, lang: str, encoding: str = "utf-8") -> dict:
    raw = read_raw(path, fmt, encoding=encoding)
    variables = []
    for col in raw.data.columns:
        name = slug(col, "var")
        var: dict = {"name": name}
        if name != col:
            var["raw_name"] = col
        labels = raw.value_labels.get(col)
        s = raw.data[col]
        if labels:
            var["role"] = "category"
            keys: list[str] = []
            cats = []
            for code, label in labels.items():
                if code in raw.declared_missing.get(col, set()):
                    continue
                k = slug(label, f"code_{code}")
                while k in keys:
                    k += "_"
                keys.append(k)
                cats.append({"code": _code(code), "key": k, "label": {lang: str(label)}})
            var["categories"] = cats
            if raw.declared_missing.get(col):
                var["declared_missing"] = sorted(str(_code(c)) for c in raw.declared_missing[col])
        elif pd.api.types.is_numeric_dtype(s):
            nums = s.dropna()
            var["role"] = "integer" if len(nums) and (nums % 1 == 0).all() else "number"
        else:
            text = s.dropna().astype(str)
            filled = text[text != ""]
            distinct = filled.nunique()
            short = bool(len(filled)) and filled.str.len().max() <= 40
            if raw.format == "csv" and len(filled) and filled.str.fullmatch(r"-?\d+").all():
                var["role"] = "integer"
            elif raw.format == "csv" and len(filled) and filled.str.fullmatch(r"-?\d+(\.\d+)?").all():
                var["role"] = "number"
            elif raw.format == "csv" and len(filled) and filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all():
                var["role"] = "date"
            elif raw.format == "csv" and short and 0 < distinct <= 12 and distinct < max(2, len(text) // 3):
                var["role"] = "category"
                var["categories"] = [{"code": v, "key": slug(v, "value"), "label": {lang: v}}
                                     for v in sorted(text[text != ""].unique())]
            else:
                var["role"] = "text"
        var["label"] = {lang: str(raw.variable_labels.get(col) or col)}
        variables.append(var)
    return {
        "instrument": instrument,
        "label": {lang: instrument},
        "id_variable": variables[0]["name"],
        "variables": variables,
    }


HEADER = """# Starting codebook exported by `evalkit codebook-export` from {file}.
# To do before use: check each role (identifier, category, rating, integer, number, date, text);
# mark privacy (direct_identifier, free_text, quasi_identifier); move rating variables onto a scale
# under `scales:` (declared_missing lists the codes the file declares missing); and add the label of
# every other document language. The pipeline refuses the codebook until every label exists in every
# configured language.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalkit", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("codebook-export", help="write a starting codebook (YAML) from a raw file")
    ex.add_argument("raw", help="raw file (.sav, .dta or .csv)")
    ex.add_argument("--instrument", required=True, help="instrument id")
    ex.add_argument("--format", choices=["spss", "stata", "csv"], help="default: from the file extension")
    ex.add_argument("--lang", default="en-US", help="language of the labels in the file (default en-US)")
    ex.add_argument("--encoding", default="utf-8", help="CSV encoding (default utf-8)")
    ex.add_argument("--output", "-o", help="write here instead of standard output")
    args = parser.parse_args(argv)
    fmt = args.format or {".sav": "spss", ".dta": "stata", ".csv": "csv"}.get(Path(args.raw).suffix.lower())
    if fmt is None:
        parser.error("cannot tell the format from the file name; give --format")
    try:
        doc = export_codebook(args.raw, fmt, args.instrument, args.lang, args.encoding)
    except EvalkitError as exc:
        print(f"evalkit: {exc}", file=sys.stderr)
        return 1
    text = HEADER.format(file=args.raw) + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
