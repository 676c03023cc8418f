"""The value labels a .sav or .dta file carries, compared with the codebook's labels. Used by clean.py."""

from __future__ import annotations

from evalkit.core.i18n import fold
from evalkit.intake.checks import column_label
from evalkit.intake.readers import RawTable
from evalkit.model.evaluation import Codebook


def _fold(text) -> str:
    """A label or key for comparing: accents, case and '_' do not count ('ciudad_de_mexico')."""
    return fold(str(text).replace("_", " ")).strip()


def _code_key(code):
    """A value code as one comparable form: 1, 1.0 and '1.0' are code 1; 'a' (Stata .a) stays 'a'."""
    if isinstance(code, str):
        try:
            code = float(code)
        except ValueError:
            return code
    return int(code) if isinstance(code, float) and code.is_integer() else code


LABEL_MATCH = 0.8  # similarity (difflib ratio, folded text) at which a label reads as a given code's


def value_label_problems(raw: RawTable, codebook: Codebook) -> list[str]:
    """A .sav or .dta file carries its own value labels: each code's label must name the same
    category (or scale level, or missing code) as the codebook's label of that code, in any of its
    languages. A label that reads as another code's (reversed or shifted labels: 1 = High ... 4 = Low)
    or as none stops the intake, with both label lists. Codes the codebook recodes are left out."""
    from difflib import SequenceMatcher

    problems = []
    for var in codebook.variables():
        col = var.get("raw_name", var["name"])
        labels = raw.value_labels.get(col)
        if not labels or var["role"] not in ("category", "rating"):
            continue
        if var["role"] == "rating":
            scale = codebook.scale(var["scale"])
            entries = scale["levels"] + scale.get("missing", [])
        else:
            entries = var.get("categories", [])
        recoded = {_code_key(r["from"]) for r in var.get("recode", [])}
        names = {_code_key(e["code"]): [_fold(t) for t in e.get("label", {}).values()] + [_fold(e["key"])]
                 for e in entries}
        if not names:
            continue

        def score(label: str, code, names=names) -> float:
            return max(SequenceMatcher(None, label, n).ratio() for n in names[code])

        used = {_code_key(v) for v in raw.data[col].dropna().unique()} if col in raw.data.columns else set()
        wrong = []
        for code, label in labels.items():
            code = _code_key(code)
            if code in recoded:
                continue
            text = _fold(label)
            if code not in names:
                if code in used:  # a labelled code the data never use is no contradiction
                    wrong.append(f"{code} = '{label}' is not a code of the codebook")
                continue
            best = max(names, key=lambda c: score(text, c))
            # only a clear contradiction: the label is (nearly) another code's, and plainly not its own
            if best != code and score(text, best) >= LABEL_MATCH and score(text, best) - score(text, code) >= 0.2:
                wrong.append(f"{code} = '{label}' reads as the codebook's code {best}")
        if wrong:
            raw_list = ", ".join(f"{_code_key(c)} = '{label}'" for c, label in labels.items())
            book = ", ".join(f"{c} = '{(e.get('label') or {}).get(next(iter(e.get('label') or {'': ''})), e['key'])}'"
                             for c, e in ((_code_key(e["code"]), e) for e in entries))
            problems.append(f"column {column_label(var)}: the file's value labels do not match the codebook "
                            f"({'; '.join(wrong)}); the file has {raw_list}; the codebook has {book}. Fix the "
                            f"codebook, or declare a recode, before any share is computed")
    return problems
