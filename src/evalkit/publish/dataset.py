"""The final dataset deliverable: de-identified survey microdata (.sav, .dta, .csv) with value labels,
a bilingual codebook (HTML and CSV), and the disclosure-control report.

What is published: the clean table of each published rating survey, without the variables the
codebook excludes (``publish: false``), direct identifiers and free text (already removed on
intake), and with the respondent id replaced by a new sequential id, so that no row can be linked
back to the raw file. Quasi-identifiers are made k-anonymous (evalkit.analysis.disclosure.k_anonymize).
"""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from evalkit.analysis.disclosure import SUPPRESSED, release_microdata
from evalkit.core.i18n import translator
from evalkit.core.io import atomic_write_bytes, atomic_write_text
from evalkit.model.evaluation import Codebook
from evalkit.render.htmlpage import page, stylesheet, table_region

SUPPRESSED_CODE = 99          # SPSS: user-missing code of a suppressed quasi-identifier
SUPPRESSED_STATA = "s"        # Stata: extended missing value .s
STATA_LABEL_MAX = 80


def _categories(var: dict, codebook: Codebook) -> list[dict]:
    """The codes of a variable after any documented generalization."""
    return codebook.groups(var["name"]) or var.get("categories", [])


def build_dataset(clean: pd.DataFrame, codebook: Codebook, instrument_id: str, k: int, languages: list[str],
                  l: int):  # noqa: E741 (l-diversity's own name, as privacy.l in the config)
    """The de-identified table (codes), its variables, and the disclosure report."""
    variables = codebook.published_variables()
    names = [v["name"] for v in variables]
    idv = codebook.id_variable
    result = release_microdata(clean, codebook, instrument_id, k, l)
    qis = result.quasi_identifiers
    data = result.data
    # New ids: rows sorted by their published values (not by the raw ids), numbered from 1.
    others = [n for n in names if n != idv]
    data = data.sort_values(others + [idv], kind="mergesort").reset_index(drop=True)
    width = max(4, len(str(len(data))))
    data[idv] = [f"{instrument_id.upper().replace('_', '-')}-{i:0{width}d}" for i in range(1, len(data) + 1)]
    report = {
        "instrument": instrument_id, "records": len(data), "k": k, "quasi_identifiers": qis,
        "smallest_class": result.smallest_class, "k_anonymous": result.smallest_class >= k,
        "class_sizes_before": result.class_sizes_before, "class_sizes_after": result.class_sizes_after,
        "generalized": [{"variable": g["variable"], "reason": g["reason"],
                         "groups": {grp["key"]: grp["members"] for grp in g["groups"]}}
                        for g in result.generalized],
        "suppressed": result.suppressed,
        "l": result.l, "fewest_distinct_answers": result.diversity,
        "l_diverse": result.diversity is None or result.diversity >= result.l,
        "removed": [v["name"] for v in codebook.variables() if v not in variables],
        "id_replaced": idv,
    }
    return data, variables, report


def suppressed_label(languages: list[str]) -> dict:
    return {lang: translator(lang)("Suppressed for disclosure control") for lang in languages}


def spss_missing_code(code, n: int):
    """SPSS needs numbers: a Stata letter code (.a, .b) is published as 90, 91, ..."""
    return 90 + n if isinstance(code, str) else code


def _coded(data: pd.DataFrame, variables: list[dict], codebook: Codebook, fmt: str, languages: list[str]):
    """The table with numeric codes, and value labels / missing declarations for SPSS or Stata."""
    out = pd.DataFrame(index=data.index)
    value_labels, missing, stata_missing = {}, {}, {}
    for var in variables:
        name = var["name"]
        col = data[name]
        if var["role"] in ("category", "rating"):
            if var["role"] == "category":
                codes = _categories(var, codebook)
                miss = []
            else:
                scale = codebook.scale(var["scale"])
                codes, miss = scale["levels"], scale["missing"]
            to_code = {c["key"]: c["code"] for c in codes}
            labels = {c["code"]: c["label"] for c in codes}
            miss_codes = {}
            for n, m in enumerate(miss):
                if fmt == "spss":
                    code = spss_missing_code(m["code"], n)
                else:  # Stata: missing codes become extended missing values .a, .b, ...
                    code = m["code"] if isinstance(m["code"], str) else chr(ord("a") + n)
                miss_codes[m["key"]] = code
                labels[code] = m["label"]
            if var.get("privacy") == "quasi_identifier":
                sup = SUPPRESSED_CODE if fmt == "spss" else SUPPRESSED_STATA
                miss_codes[SUPPRESSED] = sup
                labels[sup] = suppressed_label(languages)
            mapping = {**to_code, **miss_codes}
            values = col.map(lambda k, m=mapping: m.get(k, np.nan) if k != "" or SUPPRESSED in m else np.nan)
            if fmt == "stata" and any(isinstance(c, str) for c in miss_codes.values()):
                values = values.astype(object)
                stata_missing[name] = sorted(c for c in miss_codes.values() if isinstance(c, str))
            else:
                values = values.astype(float)
            out[name] = values
            value_labels[name] = labels
            if fmt == "spss":
                nums = sorted(c for c in miss_codes.values() if not isinstance(c, str))
                if nums:
                    missing[name] = nums
        elif var["role"] in ("integer", "number"):
            out[name] = pd.to_numeric(col.where(col != ""), errors="coerce")
        else:
            out[name] = col.astype(str)
    return out, value_labels, missing, stata_missing


def _labels_in(labels: dict, lang: str) -> dict:
    return {code: text[lang] for code, text in labels.items()}


def write_dataset(data: pd.DataFrame, variables: list[dict], codebook: Codebook, report: dict, out_dir: Path,
                  instrument_id: str, languages: list[str], file_label: str, when: date) -> list[Path]:
    """Write <instrument>.sav/.dta/.csv (labels in the first language) and the disclosure report."""
    lang = languages[0]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    var_labels = {v["name"]: v["label"][lang] for v in variables}
    # SPSS
    sav, vl, missing, _ = _coded(data, variables, codebook, "spss", languages)
    tmp = out_dir / f".{instrument_id}.sav.tmp"
    pyreadstat.write_sav(sav, str(tmp), file_label=file_label, column_labels=var_labels,
                         variable_value_labels={k: _labels_in(v, lang) for k, v in vl.items()},
                         missing_ranges={k: v for k, v in missing.items()},
                         variable_measure={v["name"]: "ordinal" if v["role"] == "rating" else
                                           ("nominal" if v["role"] in ("category", "identifier", "text") else "scale")
                                           for v in variables})
    _publish_tmp(tmp, out_dir / f"{instrument_id}.sav", written, "spss", when)
    # Stata (variable labels at most 80 characters: the short label when the full one is longer)
    dta, vl, _, stata_missing = _coded(data, variables, codebook, "stata", languages)
    short = {v["name"]: (v["label"][lang] if len(v["label"][lang]) <= STATA_LABEL_MAX
                         else v.get("short_label", v["label"])[lang][:STATA_LABEL_MAX]) for v in variables}
    tmp = out_dir / f".{instrument_id}.dta.tmp"
    pyreadstat.write_dta(dta, str(tmp), file_label=file_label[:80], column_labels=short,
                         variable_value_labels={k: _labels_in(v, lang) for k, v in vl.items()},
                         missing_user_values=stata_missing or None)
    _publish_tmp(tmp, out_dir / f"{instrument_id}.dta", written, "stata", when)
    # CSV: the same codes as the SPSS file; the codebook gives their labels
    buf = io.StringIO()
    text_columns = [c for c in sav.columns if not pd.api.types.is_numeric_dtype(sav[c])]
    safe = sav.assign(**{c: sav[c].map(spreadsheet_safe) for c in text_columns}) if text_columns else sav
    safe.to_csv(buf, index=False, lineterminator="\n",
                float_format=lambda x: f"{x:.0f}" if float(x).is_integer() else repr(x))
    atomic_write_text(out_dir / f"{instrument_id}.csv", buf.getvalue())
    written.append(out_dir / f"{instrument_id}.csv")
    return written


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fix_header_time(data: bytes, fmt: str, when: date) -> bytes:
    """ReadStat stamps the current time into the file header; use the evaluation's date instead,
    so the same inputs give the same bytes."""
    buf = bytearray(data)
    if fmt == "spss":   # record type 1: creation date 'dd Mmm yy' at byte 92, time 'hh:mm:ss' at 101
        buf[92:101] = f"{when.day:02d} {MONTHS[when.month - 1]} {when.year % 100:02d}".encode("ascii")
        buf[101:109] = b"00:00:00"
    else:               # dta 117+: <timestamp>, one length byte, 'dd Mon yyyy hh:mm'
        at = buf.index(b"<timestamp>") + len(b"<timestamp>")
        stamp = f"{when.day:02d} {MONTHS[when.month - 1]} {when.year:04d} 00:00".encode("ascii")
        if buf[at] != len(stamp):
            raise ValueError("unexpected Stata header layout: cannot set the timestamp")
        buf[at + 1:at + 1 + len(stamp)] = stamp
    return bytes(buf)


def _publish_tmp(tmp: Path, dst: Path, written: list[Path], fmt: str, when: date) -> None:
    """pyreadstat writes to a path; fix its header time and move it into place (no half-written file)."""
    data = fix_header_time(tmp.read_bytes(), fmt, when)
    tmp.unlink()
    atomic_write_bytes(dst, data)
    written.append(dst)


def codebook_rows(variables: list[dict], codebook: Codebook, languages: list[str], report: dict) -> list[dict]:
    rows = []
    for var in variables:
        base = {"variable": var["name"], "type": var["role"]}
        for lang in languages:
            base[f"label_{lang}"] = var["label"][lang]
        if var["role"] in ("category", "rating"):
            if var["role"] == "category":
                codes, miss = _categories(var, codebook), []
            else:
                scale = codebook.scale(var["scale"])
                codes, miss = scale["levels"], scale["missing"]
            entries = [(c["code"], c["label"], "") for c in codes]
            entries += [(spss_missing_code(m["code"], n), m["label"], "missing") for n, m in enumerate(miss)]
            if var.get("privacy") == "quasi_identifier":
                entries.append((SUPPRESSED_CODE, suppressed_label(languages), "missing"))
            for code, label, flag in entries:
                row = dict(base, value=code, missing=flag)
                for lang in languages:
                    row[f"value_label_{lang}"] = label.get(lang, "")
                rows.append(row)
        else:
            row = dict(base, value="", missing="")
            for lang in languages:
                row[f"value_label_{lang}"] = ""
            rows.append(row)
    return rows


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet will not run: text starting with =, +, -, @, a tab or a carriage
    return gets a leading apostrophe (OWASP, CSV injection). Numbers, including negative ones, and
    other values are left as they are."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def write_codebook_csv(rows: list[dict], path: Path, languages: list[str]) -> None:
    cols = ["variable", "type"] + [f"label_{lang}" for lang in languages] + ["value", "missing"] + \
        [f"value_label_{lang}" for lang in languages]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: spreadsheet_safe(r.get(c, "")) for c in cols})
    atomic_write_text(path, buf.getvalue())


def codebook_title(evaluation_title: dict, lang: str) -> str:
    _ = translator(lang)
    return _("Dataset codebook: {title}", title=evaluation_title[lang])


def write_codebook_html(datasets: list[dict], path: Path, languages: list[str], title: dict,
                        notice: dict[str, str] | None = None) -> None:
    """One accessible page; each language in its own section marked with its lang attribute."""
    primary = languages[0]
    e = html.escape
    parts = []
    from babel import Locale

    from evalkit.core.i18n import babel_locale

    nav = " | ".join(f'<a href="#{lang}" lang="{lang}" hreflang="{lang}">'
                     f'{e(Locale.parse(babel_locale(lang)).get_display_name(babel_locale(lang)))}</a>'
                     for lang in languages)
    parts.append(f"<nav aria-label=\"{e(translator(primary)('Languages'))}\"><p>{nav}</p></nav>\n")
    for n, lang in enumerate(languages):
        _ = translator(lang)
        h = "h1" if n == 0 else "h2"
        sub = "h2" if n == 0 else "h3"
        parts.append(f'<section id="{lang}" lang="{lang}">\n<{h}>{e(codebook_title(title, lang))}</{h}>\n')
        if notice:  # a reconstruction says so first (evaluation.yaml provenance)
            parts.append(f'<p class="provenance-notice"><strong>{e(_("About these data"))}</strong> '
                         f"{e(notice[lang])}</p>\n")
        for ds in datasets:
            cb: Codebook = ds["codebook"]
            rep = ds["report"]
            parts.append(f"<{sub}>{e(cb.data['label'][lang])}</{sub}>\n")
            files = ", ".join(f"<code>{e(f)}</code>" for f in ds["files"])
            parts.append("<p>" + e(_("Files: ")) + files + ". " + e(_(
                "{records} records. Labels in the SPSS and Stata files are in {language}.",
                records=rep["records"], language=primary)) + "</p>\n")
            parts.append("<p>" + e(_("In the CSV files, a text that begins with =, +, -, @, a tab or a carriage "
                                     "return starts with an apostrophe, so that spreadsheets do not run it as a "
                                     "formula.")) + "</p>\n")
            table_caption = _("Variables and codes of {name}", name=cb.data["label"][lang])
            table = [
                f"<table>\n<caption>{e(table_caption)}</caption>\n"
                f'<thead><tr><th scope="col">{e(_("Variable"))}</th><th scope="col">{e(_("Label"))}</th>'
                f'<th scope="col">{e(_("Type"))}</th><th scope="col">{e(_("Codes"))}</th></tr></thead>\n<tbody>\n'
            ]
            for var in ds["variables"]:
                codes = [r for r in ds["rows"] if r["variable"] == var["name"] and r["value"] != ""]
                code_txt = "<br>".join(
                    e(f"{r['value']} = {r[f'value_label_{lang}']}") + (e(" " + _("(missing)")) if r["missing"] else "")
                    for r in codes
                )
                table.append(
                    f'<tr><th scope="row"><code>{e(var["name"])}</code></th><td>{e(var["label"][lang])}</td>'
                    f"<td>{e(_(var['role']))}</td><td>{code_txt}</td></tr>\n"
                )
            table.append("</tbody>\n</table>\n")
            parts.append(table_region(table_caption, "".join(table)))
            parts.append(
                f"<{'h3' if n == 0 else 'h4'}>{e(_('Disclosure control'))}</{'h3' if n == 0 else 'h4'}>\n<ul>\n"
            )
            parts.append("<li>" + e(_("Removed: {names}.", names=", ".join(rep["removed"]) or "—")) + "</li>\n")
            parts.append(
                "<li>"
                + e(_("The respondent id {name} is replaced by a new sequential id.", name=rep["id_replaced"]))
                + "</li>\n"
            )
            for g in rep["generalized"]:
                parts.append(
                    "<li>"
                    + e(
                        _(
                            "{variable} is recoded into broader groups: {reason}",
                            variable=g["variable"],
                            reason=g["reason"][lang],
                        )
                    )
                    + "</li>\n"
                )
            for var, count in rep["suppressed"].items():
                parts.append(
                    "<li>"
                    + e(
                        _(
                            "{variable}: {count} value(s) suppressed (code {code}).",
                            variable=var,
                            count=count,
                            code=SUPPRESSED_CODE,
                        )
                    )
                    + "</li>\n"
                )
            parts.append(
                "<li>"
                + e(
                    _(
                        "k-anonymity on {qis}: every combination is shared by at least {smallest} records "
                        "(required: {k}).",
                        qis=", ".join(rep["quasi_identifiers"]) or "—",
                        smallest=rep["smallest_class"],
                        k=rep["k"],
                    )
                )
                + "</li>\n"
            )
            if rep["fewest_distinct_answers"] is not None:
                parts.append(
                    "<li>"
                    + e(
                        _(
                            "l-diversity: within each combination, every rated item has at least {fewest} "
                            "different answers "
                            "(required: {l}).",
                            fewest=rep["fewest_distinct_answers"],
                            l=rep["l"],
                        )
                    )
                    + "</li>\n"
                )
            parts.append("</ul>\n")
        parts.append("</section>\n")
    atomic_write_text(path, page(primary, codebook_title(title, primary), "".join(parts), stylesheet("70rem")))


def write_disclosure_report(reports: list[dict], path: Path) -> None:
    atomic_write_text(path, json.dumps({"datasets": reports}, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
