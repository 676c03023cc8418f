"""Spanish texts of the default evaluation use one term per concept (config/.../glossary.yaml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

EVAL = "mexico-auto-2024"
GLOSSARY = ROOT / "config" / "evaluations" / EVAL / "glossary.yaml"
REPORT = ROOT / "report" / EVAL
PO = ROOT / "src" / "evalkit" / "locale" / "es" / "LC_MESSAGES" / "evalkit.po"
CODEBOOKS = ROOT / "config" / "evaluations" / EVAL / "codebooks"

# markup that is not prose: shortcodes, include paths, cross-references, attributes
QMD_MARKUP = re.compile(r"\{\{<.*?>\}\}|@(?:tbl|fig|sec|eq)-[\w-]+|\{#[^}]*\}")
YAML_KEY = re.compile(r"^\s*(?:-\s+)?[\w.-]+:(?=\s|$)")
BLOCK = {"", ">", ">-", "|", "|-", ">+", "|+"}


def load_glossary(path: Path = GLOSSARY) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["terms"]


def blank(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def qmd_lines(path: Path) -> list[tuple[int, str]]:
    return [(n, blank(line, QMD_MARKUP))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]


def registry_lines(path: Path) -> list[tuple[int, str]]:
    """Text of a registry overlay without its keys (ids such as rec-multistakeholder-... are not prose)."""
    return [(n, blank(line, YAML_KEY))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]


PO_FIELD = re.compile(r"\{\w*\}")


def po_text(quoted: str) -> str:
    """A catalogue string without its quotes and {placeholders} (field names are code, not prose)."""
    text = quoted.strip()
    text = text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text
    return blank(text, PO_FIELD)


def po_lines(path: Path) -> list[tuple[int, str]]:
    """The msgstr lines of a catalogue (msgids are English by design)."""
    out, in_str = [], False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("msgstr"):
            in_str = True
            out.append((n, po_text(line.split(" ", 1)[1] if " " in line else "")))
        elif in_str and line.startswith('"'):
            out.append((n, po_text(line)))
        else:
            in_str = False
    return out


def codebook_lines(path: Path) -> list[tuple[int, str]]:
    """The es-MX values of a codebook, flow style ({en-US: .., es-MX: ..}) or block style (es-MX: >-)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out, block_indent = [], None
    for n, line in enumerate(lines, 1):
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if line.strip() and indent > block_indent:
                out.append((n, line))
                continue
            block_indent = None
        at = line.find("es-MX:")
        if at < 0:
            continue
        rest = line[at + len("es-MX:"):].strip()
        if rest in BLOCK:
            block_indent = len(line) - len(line.lstrip(" -"))
            continue
        if rest[:1] in "\"'":
            end = rest.find(rest[0], 1)
            rest = rest[1:end if end > 0 else None]
        else:
            rest = rest.split("}", 1)[0]
        out.append((n, rest))
    return out


def find_avoided(path: Path, lines: list[tuple[int, str]], glossary: list[dict]) -> list[str]:
    """Every avoided variant in the text, as 'file:line: variant -> use term (reason)'.

    Lines are joined with spaces so that a phrase wrapped over two lines is still found."""
    text, starts = "", []
    for n, line in lines:
        starts.append((len(text), n))
        text += line + " "
    problems = []
    for term in glossary:
        for bad in term["avoid"]:
            words = r"\s+".join(re.escape(w) for w in bad["text"].split())
            allowed = [(a.start(), a.end()) for phrase in bad.get("allow", [])
                       for a in re.finditer(re.escape(phrase), text, re.IGNORECASE)]
            for m in re.finditer(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE):
                if any(s <= m.start() and m.end() <= e for s, e in allowed):
                    continue
                line_no = max(n for s, n in starts if s <= m.start())
                try:
                    shown = path.relative_to(ROOT)
                except ValueError:
                    shown = path
                problems.append(f"{shown}:{line_no}: {m.group(0)!r} -> use {term['es']!r} "
                                f"({bad['reason']})")
    return problems


def spanish_sources() -> list[tuple[Path, list[tuple[int, str]]]]:
    sources = [(REPORT / "content" / "registry.es-MX.yaml",
                registry_lines(REPORT / "content" / "registry.es-MX.yaml")),
               (PO, po_lines(PO))]
    sources += [(p, qmd_lines(p)) for p in sorted((REPORT / "es").rglob("*.qmd"))]
    sources += [(p, codebook_lines(p)) for p in sorted(CODEBOOKS.glob("*.yaml"))]
    return sources


def test_glossary_is_well_formed():
    glossary = load_glossary()
    assert len(glossary) >= 15
    concepts = [t["concept"] for t in glossary]
    assert len(set(concepts)) == len(concepts)
    for term in glossary:
        assert term["en"].strip() and term["es"].strip(), term
        assert term["avoid"], f"{term['concept']}: no variant to avoid"
        for bad in term["avoid"]:
            assert bad["text"].strip() and bad["reason"].strip(), (term["concept"], bad)
            assert bad["text"].casefold() not in term["es"].casefold(), (term["concept"], bad)


def test_sources_are_read():
    """The readers see the Spanish prose, not just an empty list (guards against a silent scan)."""
    sources = dict(spanish_sources())
    assert len(sources) >= 10
    po = " ".join(t for _, t in sources[PO])
    assert "prioridad promedio" in po and "Mean priority" not in po
    survey = " ".join(t for _, t in sources[CODEBOOKS / "post_interview_survey.yaml"])
    assert "Tipo de actor" in survey and "Stakeholder type" not in survey
    qmd = " ".join(t for _, t in sources[REPORT / "es" / "report.qmd"])
    assert "grupos focales" in qmd and "tbl-engagement-log-stakeholders" not in qmd


def test_spanish_texts_use_glossary_terms():
    glossary = load_glossary()
    problems = [p for path, lines in spanish_sources() for p in find_avoided(path, lines, glossary)]
    assert not problems, "avoided Spanish terms (see glossary.yaml):\n" + "\n".join(problems)


@pytest.mark.parametrize("kind", ["qmd", "registry", "po", "codebook"])
def test_planted_defect_is_reported_with_file_and_line(tmp_path, kind):
    glossary = load_glossary()
    samples = {
        "qmd": ("x.qmd", "Primera línea con {{< meta values.a >}}.\n"
                         "Los talleres dieron la prioridad\nmedia de cada una.\n", qmd_lines, 2),
        "registry": ("r.yaml", "findings:\n  f-one:\n    text: >-\n      Las organizaciones\n"
                               "      beneficiarias del proyecto.\n", registry_lines, 4),
        "po": ("m.po", 'msgid "Focus group"\nmsgstr ""\n"Un grupo de "\n"enfoque"\n', po_lines, 3),
        "codebook": ("c.yaml", "fields:\n  - name: a\n    label: {en-US: Stakeholder type, "
                               "es-MX: Tipo de stakeholder}\n", codebook_lines, 3),
    }
    name, text, reader, line = samples[kind]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    problems = find_avoided(path, reader(path), glossary)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:{line}: ")


def test_markup_and_english_are_not_scanned(tmp_path):
    glossary = load_glossary()
    qmd = tmp_path / "ok.qmd"
    qmd.write_text("La @tbl-post-interview-by-stakeholder muestra {{< include stakeholders.md >}}.\n",
                   encoding="utf-8")
    po = tmp_path / "ok.po"
    po.write_text('msgid "Findings by stakeholder"\nmsgstr "Hallazgos por tipo de actor"\n',
                  encoding="utf-8")
    book = tmp_path / "ok.yaml"
    book.write_text("label: {en-US: Stakeholder list, es-MX: Lista de actores}\n", encoding="utf-8")
    assert find_avoided(qmd, qmd_lines(qmd), glossary) == []
    assert find_avoided(po, po_lines(po), glossary) == []
    assert find_avoided(book, codebook_lines(book), glossary) == []


def test_allowed_phrase_is_not_reported_but_the_variant_elsewhere_is(tmp_path):
    glossary = load_glossary()
    book = tmp_path / "scale.yaml"
    book.write_text("levels:\n"
                    "  - {code: 3, key: p3, label: {en-US: 3 - Medium priority, es-MX: 3 - Prioridad media}}\n"
                    "label: {en-US: Mean priority, es-MX: Prioridad media de la recomendación}\n",
                    encoding="utf-8")
    problems = find_avoided(book, codebook_lines(book), glossary)
    assert [p.split(": ", 1)[0] for p in problems] == [f"{book}:3"]
