"""Every interface string exists in every document language."""

from __future__ import annotations

import re
import string

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from evalkit.core.i18n import catalog_path, translator

from .conftest import LANGS, ROOT


def used_msgids() -> set[str]:
    found = extract_from_dir(str(ROOT / "src" / "evalkit"), method_map=[("**.py", "python")],
                             keywords={"_": None})
    return {msg for _, _, msg, _, _ in found if isinstance(msg, str)}


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_code_uses_interface_strings():
    ids = used_msgids()
    assert "Figure" in ids and "Share {top_box}" in ids and len(ids) >= 10


def test_every_string_translated_with_same_placeholders():
    ids = used_msgids()
    for lang in LANGS:
        if lang.startswith("en"):
            continue
        with open(catalog_path(lang), "rb") as fh:
            cat = read_po(fh)
        for msgid in ids:
            msg = cat.get(msgid)
            assert msg is not None and msg.string, f"{lang}: no translation for {msgid!r}"
            assert fields(msg.string) == fields(msgid), f"{lang}: placeholders differ for {msgid!r}"


def test_translator_formats_and_fails_loudly():
    _ = translator("es-MX")
    assert _("Figure") == "Figura"
    assert _("Share {top_box}", top_box="Alta") == "Porcentaje Alta"
    assert translator("en-US")("Table") == "Table"
    try:
        _("A string nobody translated")
    except KeyError as exc:
        assert "es-MX" in str(exc)
    else:
        raise AssertionError("a missing translation must not fall back to English")


def test_no_hardcoded_evaluation_names_in_code():
    """Code names nothing that belongs to one evaluation: those live in config, raw/ and report/."""
    words = ["mexico", "ilab", "automotive", "awareness", "post_interview", "stps", "cfcrl", "pis"]
    code = list((ROOT / "src").rglob("*.py")) + list((ROOT / "workflow").rglob("*.smk")) + \
        list((ROOT / "workflow").rglob("*.py")) + [ROOT / "Snakefile"]
    for path in code:
        text = path.read_text(encoding="utf-8").lower()
        for w in words:
            # docstrings may give an example id; code may not depend on one
            hits = [m.start() for m in re.finditer(r"\b" + re.escape(w.lower()) + r"\b", text)]
            for h in hits:
                line = text[text.rfind("\n", 0, h) + 1:text.find("\n", h)]
                assert "e.g." in line or "example" in line, f"{path.relative_to(ROOT)}: names {w!r}: {line.strip()}"
