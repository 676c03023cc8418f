"""Interface strings in every document language, from gettext catalogues.

English strings are the message ids; other languages come from src/evalkit/locale/<lang>/
LC_MESSAGES/evalkit.po, compiled in memory with Babel (no binary .mo files in the repository).
A language whose catalogue lacks a string fails loudly instead of falling back to English.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# A full language tag as the schemas require it (workflow/schemas/*.schema.yaml): en-US, es-MX, fil-PH.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")


def fold(text) -> str:
    """Text for comparing across case, accents and spacing: 'MARÍA  López' -> 'maria lopez'."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(text)).casefold())
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c)))

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
SOURCE_LANGUAGE = "en"


def subtag(lang: str) -> str:
    """'es-MX' -> 'es'."""
    return lang.split("-")[0].lower()


def babel_locale(lang: str) -> str:
    """'es-MX' -> 'es_MX' (the form Babel expects)."""
    return lang.replace("-", "_")


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / subtag(lang) / "LC_MESSAGES" / "evalkit.po"


class MissingTranslation(KeyError):
    pass


def interface_languages() -> list[str]:
    """The language subtags evalkit's own words (headings, captions, messages) exist in: the source
    language and every language with a catalogue under locale/."""
    return [SOURCE_LANGUAGE, *sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/evalkit.po"))]


def unsupported_languages(tags: list[str], key: str = "languages") -> list[str]:
    """A problem for each document language evalkit has no interface catalogue for."""
    known = interface_languages()
    return [f"{key}: {tag} has no interface catalogue (evalkit writes its own words in {', '.join(known)}); "
            f"expected one of those, or add {catalog_path(tag).relative_to(LOCALE_DIR.parents[2])} (the "
            f"translation of every message of the Spanish catalogue)" for tag in tags if subtag(tag) not in known]


class Translator:
    def __init__(self, lang: str, translations: gettext.GNUTranslations | None):
        self.lang = lang
        self._t = translations

    def __call__(self, msgid: str, **fields) -> str:
        if self._t is None:
            text = msgid
        else:
            text = self._t.gettext(msgid)
            if text == msgid and msgid not in self._t._catalog:  # type: ignore[attr-defined]
                raise MissingTranslation(f"no {self.lang} translation for {msgid!r} in {catalog_path(self.lang)}")
        return text.format(**fields) if fields else text


@cache
def translator(lang: str) -> Translator:
    if subtag(lang) == SOURCE_LANGUAGE:
        return Translator(lang, None)
    path = catalog_path(lang)
    if not path.exists():
        raise MissingTranslation(f"no interface catalogue for {lang}: expected {path}")
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=babel_locale(lang))
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translator(lang, gettext.GNUTranslations(buf))
