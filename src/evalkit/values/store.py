"""The one store of every number a document cites: results/values.json.

Each value has a stable id (dot-separated, e.g. ``post_interview.awareness.top_box_share``), its
machine value, its kind, its display form in every document language (Babel locale formats) and
where it came from. Documents reach numbers only through this store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path

from babel import Locale
from babel.numbers import format_decimal, format_percent

from evalkit.core.i18n import babel_locale

FORMAT_VERSION = "evalkit-values/1"
KINDS = ("count", "share", "interval", "number", "month", "date")


def round_half_up(x: float, digits: int = 0) -> Decimal:
    """Round as people do on paper (0.5 goes up), not banker's rounding."""
    q = Decimal(1).scaleb(-digits)
    return Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP)


@cache
def _locale(lang: str) -> Locale:
    """The Babel locale of a language, parsed once (Babel would parse the name on every call)."""
    return Locale.parse(babel_locale(lang))


def display(kind: str, value, lang: str, digits: int = 0) -> str:
    """The display form of a value in a language."""
    loc = _locale(lang)
    if kind == "count":
        return format_decimal(int(value), locale=loc)
    if kind == "share":
        pct = round_half_up(float(value) * 100, digits) / 100
        fmt = loc.percent_formats[None].pattern  # e.g. '#,##0%' or '#,##0\u00a0%'
        if digits:
            fmt = re.sub(r"0(?=[^0#,.]*%)", "0." + "0" * digits, fmt, count=1)
        return format_percent(pct, format=fmt, locale=loc, decimal_quantization=False)
    if kind == "interval":
        lo, hi = value
        return f"{display('share', lo, lang, digits)}\u2013{display('share', hi, lang, digits)}"
    if kind == "number":  # a mean, a median: `digits` decimals, rounded half up
        q = round_half_up(float(value), digits)
        return format_decimal(q, format="#,##0" + ("." + "0" * digits if digits else ""), locale=loc,
                              decimal_quantization=False)
    if kind == "month":  # a calendar month, "YYYY-MM": "April 2024", "abril de 2024"
        from babel.dates import format_skeleton

        return format_skeleton("yMMMM", _month(value), locale=loc)
    if kind == "date":  # a calendar day, "YYYY-MM-DD": "Nov 9, 2023", "9 nov 2023"
        from babel.dates import format_skeleton

        return format_skeleton("yMMMd", _day(value), locale=loc)
    raise ValueError(f"unknown value kind {kind!r}; expected one of {KINDS}")


def _day(value) -> date:
    """'YYYY-MM-DD' as a date; anything else is an error."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            raise ValueError
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"date value {value!r}: expected YYYY-MM-DD") from None


def _month(value) -> date:
    """'YYYY-MM' (or 'YYYY-MM-DD') as the first day of that month; anything else is an error."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(-\d{2})?", str(value))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"month value {value!r}: expected YYYY-MM")
    return date(int(m.group(1)), int(m.group(2)), 1)


@dataclass
class ValueStore:
    evaluation: str
    languages: list[str]
    values: dict[str, dict] = field(default_factory=dict)
    # display forms already made: (kind, type, repr of the value, language, digits) -> text
    _shown: dict = field(default_factory=dict, repr=False, compare=False)

    def add(self, vid: str, value, kind: str, source: dict, digits: int = 0, suppressed: bool = False) -> None:
        """Record a value. `suppressed`: a small cell (disclosure control): documents show the word
        'suppressed' instead of its display form; the value stays here for the evaluators."""
        if vid in self.values:
            raise ValueError(f"value id {vid!r} is defined twice")
        if kind not in KINDS:
            raise ValueError(f"{vid}: unknown kind {kind!r}")
        if kind == "interval":
            value = [float(value[0]), float(value[1])]
        elif kind in ("share", "number"):
            value = float(value)
        elif kind == "month":
            value = _month(value).strftime("%Y-%m")
        elif kind == "date":
            value = _day(value).isoformat()
        else:
            value = int(value)
        self.values[vid] = {
            "value": value,
            "kind": kind,
            "display": {lang: self._display(kind, value, lang, digits) for lang in self.languages},
            "source": source,
        }
        if suppressed:
            self.values[vid]["suppressed"] = True

    def _display(self, kind: str, value, lang: str, digits: int) -> str:
        """display(), made once per distinct value (many figures repeat: counts, periods)."""
        key = (kind, type(value), repr(value), lang, digits)
        if (shown := self._shown.get(key)) is None:
            shown = self._shown[key] = display(kind, value, lang, digits)
        return shown

    def check_ids(self) -> None:
        """No id may be a prefix of another (``a.b`` and ``a.b.c``): documents look ids up as paths."""
        ids = sorted(self.values)
        for a, b in pairwise(ids):
            if b.startswith(a + "."):
                raise ValueError(f"value id {a!r} is also the start of {b!r}; ids must form a tree")

    def to_json(self) -> str:
        self.check_ids()
        doc = {"format": FORMAT_VERSION, "evaluation": self.evaluation,
               "languages": self.languages, "values": self.values}
        return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_values(path: str | Path) -> dict:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: not an evalkit values file (format {doc.get('format')!r})")
    return doc


def display_tree(doc: dict, lang: str, exclude: set[str] | frozenset = frozenset()) -> dict:
    """Nested {a: {b: {c: display}}} of one language, for report metadata (``values.a.b.c``).

    Suppressed values (small cells) show the word for 'suppressed'; ids under a top-level name in
    `exclude` (instruments that are never published) are left out."""
    tree: dict = {}
    for vid, v in sorted(doc["values"].items()):
        *parents, leaf = vid.split(".")
        if parents and parents[0] in exclude:
            continue
        node = tree
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = shown(v, lang)
    return tree


def shown(entry: dict, lang: str) -> str:
    """What a document shows for a value: its display form, or 'suppressed' for a small cell."""
    if entry.get("suppressed"):
        from evalkit.core.i18n import translator

        return translator(lang)("suppressed")
    return entry["display"][lang]


def lookup(doc: dict, vid: str, lang: str) -> str:
    try:
        return shown(doc["values"][vid], lang)
    except KeyError:
        raise KeyError(f"value id {vid!r} ({lang}) is not in values.json") from None


def is_suppressed(doc: dict, vid: str) -> bool:
    return bool(doc["values"][vid].get("suppressed"))
