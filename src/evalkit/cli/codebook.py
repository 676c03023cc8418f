"""`evalkit codebook-export`: a starting codebook from a raw file (as iecodebook template does).

The labels are filed under the language the file is in: given with --language, or detected from
the variable and value labels (`detect_language`). Declared missing codes (SPSS user-missing
values, Stata extended missing values .a-.z) are kept with their labels. Each variable gets a
proposed role and privacy class, marked `# proposed: confirm` in the YAML, for the team to confirm
(loading the evaluation refuses a codebook that still carries the marker, naming each line):

- identifier: a text or whole-number column filled in every row whose name says id (id, folio,
  respondent, resp_id, ..._id, clave), with a pattern when all values share one shape; repeated
  values are reported (they are duplicates to resolve);
- rating: value labels on consecutive whole-number codes (3 to 11 levels) that either carry
  declared missing codes or use scale words (low/high, bajo/alto, agree, acuerdo, ...); variables
  with the same levels share one scale under `scales:`, with the missing codes as its `missing`;
- direct_identifier: a name, phone or e-mail column, told by its name (nombre, name, tel, phone,
  whatsapp, correo, email) or by its values (e-mail addresses, phone numbers); a name also gets
  `person_name: true`;
- free_text: a text column with long answers (any value over 40 characters with a space);
- quasi_identifier: a category about the respondent told by its name (sex, gender, age, state,
  municipality, region, stakeholder type, occupation, education, ...), which the published
  microdata then keep only under k-anonymity and l-diversity;
- a rating scale's top box (its two highest levels) and the label documents name it by, and the
  instrument's label (its id until the team writes one).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from evalkit.intake.readers import read_raw
from evalkit.model.codebooks import PROPOSED

# Words that occur in survey labels, by language; accented letters count for Spanish.
STOP_WORDS = {
    "es-MX": {"de", "la", "el", "los", "las", "del", "y", "en", "que", "no", "sí", "si", "por", "con", "para",
              "una", "uno", "su", "sus", "muy", "poco", "nada", "bajo", "alto", "sabe", "contestó", "nombre",
              "teléfono", "correo", "sexo", "hombre", "mujer", "otro", "otra", "acuerdo", "desacuerdo"},
    "en-US": {"the", "of", "and", "to", "in", "for", "with", "on", "is", "are", "yes", "no", "not", "very",
              "low", "high", "know", "answer", "name", "phone", "email", "man", "woman", "other", "agree",
              "disagree", "don't", "what", "how", "your"},
}
SCALE_WORDS = {"low", "high", "moderate", "agree", "disagree", "never", "always", "often", "sometimes",
               "satisfied", "poor", "good", "excellent", "none", "little", "much", "very", "bajo", "baja",
               "alto", "alta", "moderado", "moderada", "acuerdo", "desacuerdo", "nunca", "siempre", "veces",
               "satisfecho", "satisfecha", "malo", "mala", "bueno", "buena", "excelente", "nada", "poco", "mucho",
               "muy", "regular"}
ID_NAME = re.compile(r"^(id|folio|respondent|resp_?id|clave|.*_id|id_.*|.*folio.*)$")
PERSON_NAME = re.compile(r"(^|_)(name|full_?name|nombre|nombres|apellidos?|first_?name|last_?name|surname)($|_)")
PHONE_NAME = re.compile(r"(^|_)(phone|tel|telefono|celular|cel|movil|whatsapp|mobile)($|_)")
EMAIL_NAME = re.compile(r"(^|_)(e_?mail|correo|mail)($|_)")
QUASI_NAME = re.compile(r"(^|_)(sex|sexo|gender|genero|age|edad|age_group|grupo_edad|state|estado|entidad|municipio|"
                        r"municipality|region|actor|stakeholder|tipo_actor|occupation|ocupacion|puesto|education|"
                        r"escolaridad|ethnicity|etnia|indigena|disability|discapacidad)($|_)")
OR = {"es": "o", "en": "or"}   # joins the two top-box levels in the proposed top_box_label
EMAIL_VALUE = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)
PHONE_VALUE = re.compile(r"\+?[\d][\d\s().-]{7,}\d")


def slug(text: str, fallback: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")
    if not s or not s[0].isalpha():
        s = f"{fallback}_{s}" if s else fallback
    return s


def _code(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def detect_language(texts) -> tuple[str, dict[str, int]]:
    """The language of the labels: the tag (en-US or es-MX) whose stop-words occur more often, an
    accented letter (á é í ó ú ñ ü ¿ ¡) counting one for Spanish; English on a tie. Returns the tag
    and the count per tag."""
    counts = dict.fromkeys(STOP_WORDS, 0)
    for text in texts:
        text = str(text).lower()
        for word in re.findall(r"[\w']+", text):
            for tag, words in STOP_WORDS.items():
                counts[tag] += word in words
        counts["es-MX"] += len(re.findall(r"[áéíóúñü¿¡]", text))
    return ("es-MX" if counts["es-MX"] > counts["en-US"] else "en-US"), counts


def _id_pattern(values: pd.Series) -> str | None:
    shapes = {"^" + re.sub(r"\d+", lambda m: f"[0-9]{{{len(m.group())}}}", re.escape(v).replace("\\-", "-")) + "$"
              for v in values}
    return shapes.pop() if len(shapes) == 1 else None


def _is_rating(labels: dict, missing: set) -> bool:
    codes = [_code(c) for c in labels if c not in missing]
    if not 3 <= len(codes) <= 11 or not all(isinstance(c, int) for c in codes):
        return False
    if sorted(codes) != list(range(min(codes), min(codes) + len(codes))):
        return False
    words = {w for c, lab in labels.items() if c not in missing for w in re.findall(r"\w+", str(lab).lower())}
    return bool(missing) or bool(words & SCALE_WORDS)


def export_codebook(path: str | Path, fmt: str, instrument: str, lang: str | None = None,
                    encoding: str = "utf-8") -> dict:
    """The starting codebook of a raw file, as a dict; `proposals` (not part of the codebook) lists,
    per variable, the keys proposed for confirmation and why, and `language` how it was chosen."""
    raw = read_raw(path, fmt, encoding=encoding)
    texts = [lab for lab in raw.variable_labels.values() if lab]
    texts += [lab for labels in raw.value_labels.values() for lab in labels.values()]
    if raw.format == "csv":
        # a CSV carries no labels: its column names and its short answers ("Muy de acuerdo") say the language
        texts += [str(c).replace("_", " ") for c in raw.data.columns]
        for col in raw.data.columns:
            answers = raw.data[col].dropna().astype(str)
            texts += [a for a in answers.unique()[:50] if 0 < len(a) <= 40 and not a.replace(".", "").isdigit()]
    detected, counts = detect_language(texts)
    how = "given" if lang else f"detected: Spanish {counts['es-MX']}, English {counts['en-US']}"
    lang = lang or detected
    variables, scales, proposals = [], {}, {}
    for col in raw.data.columns:
        var, why = _variable(raw, col, lang, scales)
        variables.append(var)
        if why:
            proposals[var["name"]] = why
    ids = [v["name"] for v in variables if v["role"] == "identifier"]
    doc: dict = {"instrument": instrument, "label": {lang: instrument},
                 "id_variable": (ids or [variables[0]["name"]])[0]}
    if scales:
        doc["scales"] = {name: s for name, (s, _) in scales.items()}
    doc["variables"] = variables
    return {"codebook": doc, "proposals": proposals, "language": (lang, how)}


def _labelled(raw, col: str, lang: str, scales: dict, var: dict, why: dict) -> None:
    labels = raw.value_labels[col]
    missing = {c for c in labels if c in raw.declared_missing.get(col, set()) or isinstance(c, str)}
    missing |= set(raw.declared_missing.get(col, set()))

    def codes(items, fallback):
        keys: list[str] = []
        out = []
        for code, label in items:
            k = slug(label, fallback)
            if k == fallback:  # a label without a letter or digit
                k = f"{fallback}_{_code(code)}"
            while k in keys:
                k += "_"
            keys.append(k)
            out.append({"code": _code(code), "key": k, "label": {lang: str(label)}})
        return out

    valid = [(c, lab) for c, lab in labels.items() if c not in missing]
    # Numbers in order, then Stata's letters; a declared code without a label shows its code.
    order = sorted(missing, key=lambda c: (isinstance(c, str), c if isinstance(c, str) else float(c)))
    miss = [(c, labels.get(c, str(_code(c)))) for c in order]
    if _is_rating(labels, missing):
        levels = codes(sorted(valid, key=lambda x: _code(x[0])), "level")
        missing_codes = codes(miss, "missing")
        shape = tuple([(c["code"], c["label"][lang]) for c in group] for group in (levels, missing_codes))
        scale = next((n for n, (_, sh) in scales.items() if sh == shape), None)
        if scale is None:
            scale = f"{levels[0]['key']}_{levels[-1]['key']}"
            while scale in scales:
                scale += "_"
            top = levels[-2:]
            word = OR.get(lang.split("-")[0], "/")
            label = f"{top[0]['label'][lang]} {word} {top[1]['label'][lang][:1].lower()}{top[1]['label'][lang][1:]}"
            scales[scale] = ({"levels": levels, "missing": missing_codes, "top_box": [c["key"] for c in top],
                              "top_box_label": {lang: label}}, shape)
        var["role"], var["scale"] = "rating", scale
        why["role"] = f"rating on scale {scale} ({len(levels)} ordered levels" + (
            f", missing {', '.join(str(c['code']) for c in missing_codes)})" if missing_codes else ")")
        return
    var["role"] = "category"
    var["categories"] = codes(valid + miss, "code")
    if QUASI_NAME.search(var["name"]):
        var["privacy"] = "quasi_identifier"
        why["privacy"] = "quasi-identifier: a category about the respondent (the variable's name)"
    if miss:
        why["categories"] = ("declared missing codes " + ", ".join(str(_code(c)) for c, _ in miss)
                             + " kept as categories (the schema declares missing codes on scales only)")


def _variable(raw, col: str, lang: str, scales: dict) -> tuple[dict, dict]:
    name = slug(col, "var")
    var: dict = {"name": name}
    why: dict[str, str] = {}
    if name != col:
        var["raw_name"] = col
    s = raw.data[col]
    if raw.value_labels.get(col):
        _labelled(raw, col, lang, scales, var, why)
    else:
        text = s.dropna().astype(str)
        filled = text[text != ""]
        declared = set(raw.declared_missing.get(col, set()))
        used = sorted({v for v in s.dropna() if v in declared}, key=str)
        rest = s[~s.isin(declared)] if used else s
        given = rest.dropna()
        numeric = pd.api.types.is_numeric_dtype(rest) or bool(
            raw.format != "csv" and used and len(given) and pd.to_numeric(given, errors="coerce").notna().all())
        if numeric:
            nums = pd.to_numeric(rest.dropna())
            var["role"] = "integer" if len(nums) and (nums % 1 == 0).all() else "number"
            if used:
                why["role"] = (f"{var['role']}; its declared missing codes {', '.join(str(_code(c)) for c in used)} "
                               f"occur, and the codebook declares missing codes on rating scales only: decide how "
                               f"to treat them")
        if ID_NAME.match(name) and len(filled) == len(s) and (not numeric or var["role"] == "integer"):
            var["role"] = "identifier"
            repeated = int(filled.duplicated().sum())
            why["role"] = ("identifier (filled in every row, unique)" if not repeated else
                           f"identifier (filled in every row; {repeated} repeated value(s): declare their "
                           f"resolution before the build)")
            pattern = None if numeric else _id_pattern(filled)
            if pattern:
                var["pattern"] = pattern
        elif numeric:
            pass
        else:
            _text_role(raw, var, text, filled, lang)
            _privacy(name, filled, var, why)
    var["label"] = {lang: str(raw.variable_labels.get(col) or col)}
    return var, why


def _text_role(raw, var: dict, text: pd.Series, filled: pd.Series, lang: str) -> None:
    distinct = filled.nunique()
    short = bool(len(filled)) and filled.str.len().max() <= 40
    if raw.format == "csv" and len(filled) and filled.str.fullmatch(r"-?\d+").all():
        var["role"] = "integer"
    elif raw.format == "csv" and len(filled) and filled.str.fullmatch(r"-?\d+(\.\d+)?").all():
        var["role"] = "number"
    elif len(filled) and filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all():
        var["role"] = "date"
    elif raw.format == "csv" and short and 0 < distinct <= 12 and distinct < max(2, len(text) // 3):
        var["role"] = "category"
        var["categories"] = [{"code": v, "key": slug(v, "value"), "label": {lang: v}} for v in sorted(filled.unique())]
    else:
        var["role"] = "text"


def _privacy(name: str, filled: pd.Series, var: dict, why: dict) -> None:
    if var["role"] != "text":
        return
    if PERSON_NAME.search(name):
        var["privacy"], var["person_name"] = "direct_identifier", True
        why["privacy"] = "direct identifier: people's names (the variable's name)"
    elif EMAIL_NAME.search(name) or (len(filled) and filled.str.fullmatch(EMAIL_VALUE).mean() > 0.5):
        var["privacy"] = "direct_identifier"
        why["privacy"] = "direct identifier: e-mail addresses"
    elif PHONE_NAME.search(name) or (len(filled) and filled.str.fullmatch(PHONE_VALUE).mean() > 0.5):
        var["privacy"] = "direct_identifier"
        why["privacy"] = "direct identifier: phone numbers"
    elif len(filled) and (filled.str.contains(" ") & (filled.str.len() > 40)).any():
        var["privacy"] = "free_text"
        why["privacy"] = "free text: long answers that may name people"


def mark_proposals(text: str, proposals: dict) -> str:
    """Append `# proposed: confirm` to the proposed lines of a dumped codebook."""
    out, current = [], None
    for line in text.splitlines():
        m = re.match(r"^- name: (\S+)$", line) or re.match(r"^  - name: (\S+)$", line)
        if m:
            current = m.group(1)
        if re.match(r"^label:", line) or re.match(r"^\s+top_box(_label)?:", line):
            out.append(line + "  " + PROPOSED)   # the instrument's label (its id so far), a scale's top box
            continue
        key = re.match(r"^\s+(role|privacy|person_name|scale|pattern|categories):", line)
        if current in proposals and key and (key.group(1) in proposals[current]
                                             or (key.group(1) in ("person_name", "scale", "pattern")
                                                 and {"role", "privacy"} & set(proposals[current]))):
            line += "  " + PROPOSED
        out.append(line)
    return "\n".join(out) + "\n"


def summary(result: dict) -> str:
    lang, how = result["language"]
    lines = [f"evalkit: labels filed under {lang} ({how}; give --language TAG to change it)"]
    lines.append(f"evalkit: proposed, to confirm in the codebook (lines marked '{PROPOSED}'):")
    lines.append(f"  label: the instrument's label is its id ({result['codebook']['instrument']}); write what it is")
    for name, scale in result["codebook"].get("scales", {}).items():
        lines.append(f"  scales.{name}: top box {', '.join(scale['top_box'])} (the two highest levels), named "
                     f"'{scale['top_box_label'][lang]}'")
    for name, why in result["proposals"].items():
        lines += [f"  {name}: {w}" for w in why.values()]
    return "\n".join(lines) + "\n"
