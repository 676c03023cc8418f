"""`evalkit codebook-export` on Spanish-labelled Stata and SPSS files written here by pyreadstat:
labels filed under the language detected or given, extended and user-defined missing codes kept
with their labels, and roles and privacy classes proposed for the user to confirm."""

from __future__ import annotations

import shutil

import pandas as pd
import pyreadstat
import pytest
import yaml

from evalkit.cli import main
from evalkit.cli.codebook import detect_language
from evalkit.core.config import load_schema, validate
from evalkit.model.codebooks import check_codebook

LABELS = ["Folio de la persona encuestada", "Nombre completo", "Teléfono", "Confianza en el sindicato", "Sexo"]
SCALE = {1: "Nada", 2: "Poco", 3: "Algo", 4: "Mucho"}


def frame(confianza):
    return pd.DataFrame({
        "folio": ["F-01", "F-02", "F-03", "F-04"],
        "nombre": ["María López", "Juan Pérez", "Ana Ruiz", "Luis Gómez"],
        "tel": ["55 1234 5678", "55 8765 4321", "33 1111 2222", "81 3333 4444"],
        "confianza": confianza,
        "sexo": [1, 2, 2, 1],
    })


@pytest.fixture
def dta(tmp_path):
    path = tmp_path / "encuesta.dta"
    pyreadstat.write_dta(frame([1, 4, "a", "b"]), str(path), column_labels=LABELS,
                         variable_value_labels={"confianza": {**SCALE, "a": "No sabe", "b": "No contestó"},
                                                "sexo": {1: "Hombre", 2: "Mujer"}},
                         missing_user_values={"confianza": ["a", "b"]})
    return path


@pytest.fixture
def sav(tmp_path):
    path = tmp_path / "encuesta.sav"
    pyreadstat.write_sav(frame([1.0, 4.0, 8.0, 9.0]), str(path), column_labels=LABELS,
                         variable_value_labels={"confianza": {**SCALE, 8: "No sabe", 9: "No contestó"},
                                                "sexo": {1: "Hombre", 2: "Mujer"}},
                         missing_ranges={"confianza": [8, 9]})
    return path


def export(path, capsys, *extra):
    assert main(["codebook-export", str(path), "--instrument", "encuesta", *extra]) == 0
    out, err = capsys.readouterr()
    doc = yaml.safe_load(out)
    validate(doc, load_schema("codebook.schema.yaml"), str(path))
    check_codebook(doc, str(path))
    return out, err, doc


def variables_block(out: str) -> str:
    return out[out.index("variables:"):]


def test_stata_file_keeps_spanish_labels_missing_letters_and_proposes_roles(dta, capsys):
    out, err, doc = export(dta, capsys)
    assert "# Labels are in es-MX." in out
    assert doc["id_variable"] == "folio"
    assert doc["scales"] == {"nada_mucho": {
        "levels": [{"code": c, "key": k, "label": {"es-MX": v}}
                   for (c, v), k in zip(SCALE.items(), ["nada", "poco", "algo", "mucho"], strict=True)],
        "missing": [{"code": "a", "key": "no_sabe", "label": {"es-MX": "No sabe"}},
                    {"code": "b", "key": "no_contesto", "label": {"es-MX": "No contestó"}}],
        "top_box": ["algo", "mucho"], "top_box_label": {"es-MX": "Algo o mucho"},
    }}
    assert "label: {es-MX: encuesta}  # proposed: confirm\n" in out
    assert ("    top_box: [algo, mucho]  # proposed: confirm\n"
            "    top_box_label: {es-MX: Algo o mucho}  # proposed: confirm\n") in out
    assert variables_block(out) == """\
variables:
- name: folio
  role: identifier  # proposed: confirm
  pattern: ^F-[0-9]{2}$  # proposed: confirm
  label: {es-MX: Folio de la persona encuestada}
- name: nombre
  role: text
  privacy: direct_identifier  # proposed: confirm
  person_name: true  # proposed: confirm
  label: {es-MX: Nombre completo}
- name: tel
  role: text
  privacy: direct_identifier  # proposed: confirm
  label: {es-MX: Teléfono}
- name: confianza
  role: rating  # proposed: confirm
  scale: nada_mucho  # proposed: confirm
  label: {es-MX: Confianza en el sindicato}
- name: sexo
  role: category
  categories:
  - code: 1
    key: hombre
    label: {es-MX: Hombre}
  - code: 2
    key: mujer
    label: {es-MX: Mujer}
  privacy: quasi_identifier  # proposed: confirm
  label: {es-MX: Sexo}
"""
    assert err == """\
evalkit: labels filed under es-MX (detected: Spanish 17, English 2; give --language TAG to change it)
evalkit: proposed, to confirm in the codebook (lines marked '# proposed: confirm'):
  label: the instrument's label is its id (encuesta); write what it is
  scales.nada_mucho: top box algo, mucho (the two highest levels), named 'Algo o mucho'
  folio: identifier (filled in every row, unique)
  nombre: direct identifier: people's names (the variable's name)
  tel: direct identifier: phone numbers
  confianza: rating on scale nada_mucho (4 ordered levels, missing a, b)
  sexo: quasi-identifier: a category about the respondent (the variable's name)
"""


def test_spss_file_keeps_user_missing_codes_with_labels(sav, capsys):
    out, err, doc = export(sav, capsys)
    assert doc["scales"]["nada_mucho"]["missing"] == [
        {"code": 8, "key": "no_sabe", "label": {"es-MX": "No sabe"}},
        {"code": 9, "key": "no_contesto", "label": {"es-MX": "No contestó"}}]
    assert [v["role"] for v in doc["variables"]] == ["identifier", "text", "text", "rating", "category"]
    assert "  confianza: rating on scale nada_mucho (4 ordered levels, missing 8, 9)\n" in err


def test_language_given_overrides_detection(dta, capsys):
    out, err, doc = export(dta, capsys, "--language", "es-ES")
    assert doc["label"] == {"es-ES": "encuesta"}
    assert doc["variables"][0]["label"] == {"es-ES": "Folio de la persona encuestada"}
    assert err.startswith("evalkit: labels filed under es-ES (given; give --language TAG to change it)\n")


def test_bad_language_tag_is_refused(dta, capsys):
    with pytest.raises(SystemExit):
        main(["codebook-export", str(dta), "--instrument", "e", "--language", "spanish"])
    assert "expected a language tag such as es-MX or en-US" in capsys.readouterr().err


def test_detect_language():
    assert detect_language(["Respondent name", "Don't know", "No answer"])[0] == "en-US"
    assert detect_language(["Nombre de la persona", "No sabe", "No contestó"])[0] == "es-MX"


def test_evaluation_refuses_a_codebook_with_unconfirmed_proposals(tmp_path):
    from evalkit.core.errors import ConfigError
    from evalkit.model.evaluation import load_evaluation

    from .conftest import ROOT

    for folder in ("config", "raw"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    cb = tmp_path / "config/evaluations/mexico-auto-2024/codebooks/worker_survey.yaml"
    text = cb.read_text(encoding="utf-8")
    assert "    role: identifier\n" in text
    cb.write_text(text.replace("    role: identifier\n", "    role: identifier  # proposed: confirm\n", 1),
                  encoding="utf-8")
    line = text[:text.index("    role: identifier\n")].count("\n") + 1
    with pytest.raises(ConfigError) as exc:
        load_evaluation(tmp_path, "mexico-auto-2024", ["en-US", "es-MX"])
    assert exc.value.problems == [f"line {line}: 'role: identifier' was proposed by evalkit codebook-export and is "
                                  f"not confirmed; check it and delete the '# proposed: confirm' marker"]


def test_missing_letters_in_a_number_column_are_reported(tmp_path, capsys):
    path = tmp_path / "edad.dta"
    pyreadstat.write_dta(pd.DataFrame({"folio": [1, 2, 3], "edad": [34, "a", 51]}), str(path),
                         column_labels=["Folio", "Edad en años"], missing_user_values={"edad": ["a"]})
    out, err, doc = export(path, capsys)
    assert [(v["name"], v["role"]) for v in doc["variables"]] == [("folio", "identifier"), ("edad", "integer")]
    assert "  role: integer  # proposed: confirm\n" in out
    assert err.endswith("  folio: identifier (filled in every row, unique)\n"
                        "  edad: integer; its declared missing codes a occur, and the codebook declares missing "
                        "codes on rating scales only: decide how to treat them\n")


def test_spss_missing_codes_in_numeric_order_and_unlabelled_ones_kept(tmp_path, capsys):
    path = tmp_path / "m.sav"
    pyreadstat.write_sav(pd.DataFrame({"id": [1.0, 2.0, 3.0], "q": [1.0, 10.0, 9.0]}), str(path),
                         variable_value_labels={"q": {1: "Low", 2: "Mid", 3: "High", 9: "No answer"}},
                         missing_ranges={"q": [9, 10]})
    out, err, doc = export(path, capsys)
    assert "# Labels are in en-US." in out
    assert doc["scales"]["low_high"]["missing"] == [{"code": 9, "key": "no_answer", "label": {"en-US": "No answer"}},
                                                    {"code": 10, "key": "missing_10", "label": {"en-US": "10"}}]
    assert "  q: rating on scale low_high (3 ordered levels, missing 9, 10)\n" in err


def test_the_exports_own_header_is_no_proposal_once_the_markers_are_deleted(dta, tmp_path, capsys):
    """The header mentions the marker; only a line the marker ends is a proposal left to confirm."""
    from evalkit.model.codebooks import unconfirmed_proposals

    out, _, _ = export(dta, capsys)
    path = tmp_path / "encuesta.yaml"
    path.write_text(out, encoding="utf-8")
    assert len(unconfirmed_proposals(path)) == out.count("  # proposed: confirm\n")
    path.write_text(out.replace("  # proposed: confirm\n", "\n"), encoding="utf-8")
    assert unconfirmed_proposals(path) == []


def test_a_spanish_csv_is_told_by_its_column_names_and_answers(tmp_path, capsys):
    path = tmp_path / "encuesta.csv"
    path.write_text("folio,sexo,opinion\nF1,Mujer,Muy de acuerdo\nF2,Hombre,No sabe\nF3,Mujer,De acuerdo\n",
                    encoding="utf-8")
    out, err, doc = export(path, capsys)
    assert "# Labels are in es-MX." in out
    assert err.startswith("evalkit: labels filed under es-MX (detected: Spanish ")
    english = tmp_path / "survey.csv"
    english.write_text("id,gender,opinion\nF1,Woman,Strongly agree\nF2,Man,Do not know\n", encoding="utf-8")
    out, _, _ = export(english, capsys)
    assert "# Labels are in en-US." in out
