"""The package side of a Word document that must come out the same every time: its date, its default
language, and a zip whose entries all carry one fixed timestamp (used by the redline writer)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from lxml import etree

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def parse_date(date: str | dt.date) -> dt.datetime:
    if isinstance(date, dt.datetime):
        when = date
    elif isinstance(date, dt.date):
        when = dt.datetime(date.year, date.month, date.day)
    else:
        try:
            when = dt.datetime.fromisoformat(str(date).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"redline date: expected YYYY-MM-DD or an ISO 8601 date-time, found {date!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0)


def set_language(document: Any, lang: str) -> None:
    styles = document.styles.element
    ddef = styles.find(_w("docDefaults"))
    if ddef is None:
        ddef = etree.Element(_w("docDefaults"))
        styles.insert(0, ddef)
    rdef = ddef.find(_w("rPrDefault"))
    if rdef is None:
        rdef = etree.Element(_w("rPrDefault"))
        ddef.insert(0, rdef)
    rpr = rdef.find(_w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(rdef, _w("rPr"))
    el = rpr.find(_w("lang"))
    if el is None:
        el = etree.SubElement(rpr, _w("lang"))
    el.set(_w("val"), lang)
    settings = document.settings.element
    theme_lang = settings.find(_w("themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(_w("val"), lang)


def fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the package with one fixed timestamp and fixed attributes on every entry."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename), compresslevel=6)
    return out.getvalue()
