"""Privacy scan: nothing that can identify a person reaches a published file.

Every published file is turned into the text a reader or a program can get out of it (HTML as its
visible text and text attributes, CSV as text, PDF through its text layer and metadata, DOCX
through its XML text and image descriptions, SPSS and Stata through pyreadstat including labels)
and searched, accent-, case- and space-insensitively, for:

- every raw value of every variable a codebook marks direct_identifier, free_text or
  confidential_text (coded-segment excerpts, journal narratives), read from the raw files as
  received; values holding a phone number are also searched for with their punctuation removed;
- each given and family name (three letters or more) of the people in the identifier fields the
  codebook marks person_name, as a word of its own wherever it occurs; the evaluation's
  privacy.public_names (place names such as "San Luis Potosí") are left out first;
- any e-mail address or phone number at all, unless the evaluation's privacy.allow_contacts lists it.

A hit fails the build; the report names the file, the instrument and variable (or the kind of
contact) but never repeats the value itself.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from evalkit.checks.cache import ResultCache, document_key, package_version
from evalkit.core.errors import EvalkitError
from evalkit.core.i18n import fold
from evalkit.intake.readers import read_raw
from evalkit.model.evaluation import REMOVED

SCANNED = (*REMOVED, "confidential_text")
READERS = ("pypdf", "lxml", "pyreadstat")  # what turns a published file into text (part of a cached result's key,
#                                            with poppler's pdftotext)
NAME_TOKEN = 3          # given and family names shorter than this (initials, "de") are not searched alone
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w.,])\+?\(?\d[\d ().-]{7,}\d(?![\w])")
#: pdftotext reads only what is on the page; this area (in points around the page) takes text drawn
#: off it too (a line overflowing the margin), as pypdf did
OFF_PAGE = ("-x", "-1000000", "-y", "-1000000", "-W", "2000000", "-H", "2000000")
LETTERS = re.compile(r"[^\W\d_]+")  # a run of letters: what a name token is made of
PHONE_MIN_DIGITS = 10   # a national number; shorter runs (years, counts, ranges) are not phone numbers

MIN_LENGTH = 5          # shorter values (initials, "n/a") would match ordinary words
PHONE_DIGITS = 7        # values with at least this many digits are also searched without punctuation


class PrivacyError(EvalkitError):
    """A raw identifier value was found in a published file."""


@dataclass(frozen=True)
class Identifier:
    instrument: str
    variable: str
    privacy: str
    value: str


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text)


def compact(text: str) -> str:
    """Text without the punctuation people put inside phone numbers."""
    return re.sub(r"[\s\-().+/]", "", normalize(text))


def name_tokens(identifiers: list[Identifier], person_names: set[tuple[str, str]]) -> list[Identifier]:
    """Each given and family name of the person-name identifiers, folded, as its own Identifier."""
    tokens = set()
    for i in identifiers:
        if (i.instrument, i.variable) in person_names:
            for token in re.findall(r"[^\W\d_]+", fold(i.value)):
                if len(token) >= NAME_TOKEN:
                    tokens.add(Identifier(i.instrument, i.variable, "name_token", token))
    return sorted(tokens, key=lambda i: (i.instrument, i.variable, i.value))


def person_name_variables(ctx) -> set[tuple[str, str]]:
    return {(ins["id"], v["name"]) for ins in ctx.evaluation.instruments
            for v in ctx.evaluation.codebooks[ins["id"]].variables() if v.get("person_name")}


def raw_identifiers(ctx) -> list[Identifier]:
    """Every direct-identifier, free-text and confidential-text value of every raw file of the evaluation."""
    ev = ctx.evaluation
    found: set[Identifier] = set()
    for ins in ev.instruments:
        cb = ev.codebooks[ins["id"]]
        wanted = {v.get("raw_name", v["name"]): v for v in cb.variables() if v.get("privacy") in SCANNED}
        if not wanted:
            continue
        for part in ev.raw_files(ins):
            raw = read_raw(ctx.root / part["file"], ins["format"], display_name=part["file"],
                           encoding=ins.get("encoding", "utf-8"))
            for col, var in wanted.items():
                if col not in raw.data.columns:
                    continue
                for v in raw.data[col].dropna().astype(str):
                    v = v.strip()
                    if len(v) >= MIN_LENGTH:
                        found.add(Identifier(ins["id"], var["name"], var["privacy"], v))
    return sorted(found, key=lambda i: (i.instrument, i.variable, i.value))


def published_text(path: Path) -> str:
    """The text a reader (or a program) can get out of a published file."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            xml = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        # image descriptions (alt text) and titles are text a reader gets too
        attrs = " ".join(re.findall(r'\b(?:descr|title|name)="([^"]*)"', xml))
        # Word splits text into runs; join adjacent runs of a paragraph so a name split across runs is
        # still found, but keep paragraphs (and so table cells) apart: the join never crosses the end
        # of a paragraph, which becomes a space.
        xml = re.sub(r"</w:t>\s*(?:<(?!/w:p>)[^>]+>\s*)*<w:t[^>]*>", "", xml)
        return re.sub(r"<[^>]+>", "", xml.replace("</w:p>", " </w:p>")) + "\n" + attrs
    if suffix in (".sav", ".dta"):
        import pyreadstat

        reader = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
        df, meta = reader(str(path))
        labels = [str(x) for x in (meta.column_labels or []) if x]
        labels += [str(lab) for vl in (meta.variable_value_labels or {}).values() for lab in vl.values()]
        return "\n".join([df.to_csv(index=False), *labels, meta.file_label or ""])
    if suffix in (".png", ".jpg", ".jpeg", ".gif"):
        return ""  # charts are drawn from computed values only; their text is in the alt text and tables
    if suffix in (".html", ".htm"):
        return html_text(path.read_bytes())
    import html

    return html.unescape(path.read_bytes().decode("utf-8", "replace"))


def pdf_text(path: Path) -> str:
    """A PDF's text layer, page by page in the order the pages draw it (poppler's ``pdftotext -raw``,
    a tenth of pypdf's time for the same words in the same order), and its document information
    (title, author…, read with pypdf). Text drawn off the page is read too (:data:`OFF_PAGE`).
    Invisible format characters (the word joiners Typst puts
    around page numbers) are left out, as pypdf's text left them out."""
    import shutil
    import subprocess

    from pypdf import PdfReader

    exe = shutil.which("pdftotext")
    if exe is None:
        raise PrivacyError("pdftotext not found: install Debian's poppler-utils (./run setup does)")
    proc = subprocess.run([exe, "-raw", "-enc", "UTF-8", *OFF_PAGE, str(path), "-"], capture_output=True)
    if proc.returncode != 0:
        raise PrivacyError(f"pdftotext could not read {path}: {proc.stderr.decode('utf-8', 'replace').strip()}")
    text = "".join(c for c in proc.stdout.decode("utf-8", "replace") if unicodedata.category(c) != "Cf")
    meta = PdfReader(str(path)).metadata or {}
    return "\n".join([text, *(str(v) for v in meta.values())])


@cache
def pdftotext_version() -> str | None:
    """poppler's version, as a part of a cached result's key."""
    import shutil
    import subprocess

    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    proc = subprocess.run([exe, "-v"], capture_output=True, text=True)
    return (proc.stderr or proc.stdout).splitlines()[0].strip() if (proc.stderr or proc.stdout) else None


def html_text(data: bytes) -> str:
    """The visible text of a page and its text attributes (alt, title, aria-label, links), without
    the embedded images' data, which is no text."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(data.decode("utf-8", "replace"))
    except (etree.ParserError, ValueError):
        return data.decode("utf-8", "replace")
    for el in root.iter("style"):
        el.text = ""
    parts = [root.text_content()]
    for el in root.iter():
        if not isinstance(el.tag, str):  # a comment or processing instruction: text too
            parts.append(el.text or "")
            continue
        for value in el.attrib.values():
            parts.append(data_uri_text(value) if value.startswith("data:") else value)
    return "\n".join(parts)


def data_uri_text(uri: str) -> str:
    """The text inside a data: URI (an embedded CSV or HTML), or nothing for an image."""
    import base64
    from urllib.parse import unquote

    head, _, payload = uri.partition(",")
    if head.startswith("data:image/") and "svg" not in head:
        return ""
    try:
        data = base64.b64decode(payload) if head.endswith(";base64") else unquote(payload).encode()
    except ValueError:
        return payload
    return svg_text(data) if "svg" in head else data.decode("utf-8", "replace")


#: SVG attributes that hold words (the rest hold geometry and style: numbers that are no text).
SVG_TEXT_ATTRIBUTES = {"aria-label", "aria-description", "title", "alt", "href", "{http://www.w3.org/1999/xlink}href"}


def svg_text(data: bytes) -> str:
    """The words an SVG image holds: its text, titles and descriptions, comments (matplotlib writes each
    label there), and text attributes, but not its path data and coordinates (in which runs of digits
    would read as phone numbers). An SVG that does not parse is searched whole."""
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError:
        return data.decode("utf-8", "replace")
    import html

    parts = []
    for el in root.iter():
        # comments keep matplotlib's escapes ("&amp;"): unescaped, "Smith & Jones" is found as written
        text = html.unescape(el.text or "") if not isinstance(el.tag, str) else (el.text or "")
        parts += [text, el.tail or ""]
        if isinstance(el.tag, str):
            # not "#glyph-id" references: digits between the lines of a label would split a number
            parts += [v for k, v in el.attrib.items() if k in SVG_TEXT_ATTRIBUTES and not v.startswith("#")]
    return " ".join(p.strip() for p in parts if p.strip())


def contacts(text: str, allowed: set[str]) -> list[str]:
    """The kinds of contact ('e-mail address', 'phone number') in a text that are not allowed."""
    found = []
    if any(m.group(0).casefold().strip(".") not in allowed for m in EMAIL.finditer(text)):
        found.append("e-mail address")
    for m in PHONE.finditer(text):
        if looks_like_phone(m.group(0)) and re.sub(r"\D", "", m.group(0)) not in allowed:
            found.append("phone number")
            break
    return found


def looks_like_phone(candidate: str) -> bool:
    """Digits written as a phone number: ten to thirteen digits, in one run or in groups of two or
    more with at least one group of four or more ('+52 55 0100 0042', '(55) 0100-0042'); not a row
    of counts ('49 28 109 70 179'), decimals ('4.55 5.0') or years ('2019 2020 2021')."""
    groups = re.findall(r"\d+", candidate)
    digits = "".join(groups)
    if not PHONE_MIN_DIGITS <= len(digits) <= 13:
        return False
    if len(groups) == 1:
        return True
    if "." in candidate or min(len(g) for g in groups) < 2 or max(len(g) for g in groups) < 4:
        return False
    return not all(len(g) == 4 and 1900 <= int(g) <= 2100 for g in groups)


def scan(files: list[Path], identifiers: list[Identifier], display=str, *, tokens: list[Identifier] = (),
         allow_contacts: list[str] = (), public_names: list[str] = (), any_contact: bool = False,
         cache: ResultCache | None = None) -> dict:
    """Search every file for every identifier, name token and (with any_contact) any e-mail address or
    phone number not allowed; return the report (hits without the values). With a cache
    (evalkit.checks.cache), a file whose bytes, name and needle set are unchanged is not read again."""
    hits = []
    plain = [(i, fold(i.value)) for i in identifiers]
    # Phone numbers: digits only, and the last ten digits (the national number without the country code)
    digits = []
    for i in identifiers:
        d = "".join(c for c in i.value if c.isdigit())
        if len(d) >= PHONE_DIGITS:
            digits.append((i, d))
            if len(d) > 10:
                digits.append((i, d[-10:]))
    token_rx = [(i, re.compile(r"(?<![^\W\d_])" + re.escape(i.value) + r"(?![^\W\d_])")) for i in tokens]
    public = sorted({fold(p) for p in public_names}, key=len, reverse=True)
    allowed = {fold(c).strip() for c in allow_contacts} | {re.sub(r"\D", "", c) for c in allow_contacts
                                                          if "@" not in c}
    needles = None
    if cache is not None and cache.path_of is not None:
        needles = hashlib.sha256(json.dumps(
            [[asdict(i) for i in identifiers], [asdict(i) for i in tokens], sorted(allowed), public, any_contact],
            ensure_ascii=False).encode("utf-8")).hexdigest()
    for f in files:
        name = display(f)
        key = (document_key(f, "privacy", name, needles, [package_version(p) for p in READERS], pdftotext_version())
               if needles is not None and Path(f).is_file() else None)
        found = cache.get(key) if cache is not None else None
        if found is None:
            found = _file_hits(f, name, plain, digits, token_rx, public, allowed, any_contact)
            if cache is not None:
                cache.put(key, found)
        hits += found
    if cache is not None:
        cache.prune()
    by_var: dict[str, int] = {}
    for i in identifiers:
        by_var[f"{i.instrument}.{i.variable}"] = by_var.get(f"{i.instrument}.{i.variable}", 0) + 1
    return {"files_scanned": [display(f) for f in files], "identifier_values": by_var,
            "name_tokens": len(tokens), "hits": hits, "passed": not hits}


def _file_hits(f: Path, name: str, plain, digits, token_rx, public, allowed, any_contact: bool) -> list[dict]:
    """The hits in one file (see :func:`scan`): what it found, never the values."""
    hits: list[dict] = []
    text = published_text(f)
    norm = fold(text)
    comp = compact(norm) if digits else ""
    for ident, needle in plain:
        if needle in norm:
            hits.append({"file": name, "instrument": ident.instrument, "variable": ident.variable,
                         "privacy": ident.privacy, "match": "text"})
    for ident, needle in digits:
        if needle and needle in comp and not any(h["file"] == name and h["variable"] == ident.variable
                                                 for h in hits):
            hits.append({"file": name, "instrument": ident.instrument, "variable": ident.variable,
                         "privacy": ident.privacy, "match": "digits"})
    if token_rx:
        words = norm.replace("_", " ")  # keys such as san_luis_potosi
        for phrase in public:
            words = re.sub(r"(?<![^\W\d_])" + re.escape(phrase) + r"(?![^\W\d_])", " ", words)
        # a token of letters only is found as a word of its own exactly when it is one of the text's
        # maximal runs of letters: one set look-up instead of a search of the whole text per token
        runs = set(LETTERS.findall(words))
        for ident, rx in token_rx:
            found = ident.value in runs if LETTERS.fullmatch(ident.value) else rx.search(words)
            if found and not any(h["file"] == name and h["variable"] == ident.variable and
                                            h["match"] == "name" for h in hits):
                hits.append({"file": name, "instrument": ident.instrument, "variable": ident.variable,
                             "privacy": "direct_identifier", "match": "name"})
    if any_contact:
        for kind in contacts(text, allowed):
            hits.append({"file": name, "instrument": None, "variable": None, "privacy": kind, "match": "contact"})
    return hits


def run_scan(ctx, files: list[str | Path], report_path: str | Path, cache: ResultCache | None = None) -> dict:
    from evalkit.core.io import atomic_write_text

    ids = raw_identifiers(ctx)
    settings = ctx.evaluation.data.get("privacy", {})
    result = scan([Path(f) for f in files], ids, display=ctx.rel, tokens=name_tokens(ids, person_name_variables(ctx)),
                  allow_contacts=settings.get("allow_contacts", []), public_names=settings.get("public_names", []),
                  any_contact=True, cache=cache)
    report_path = Path(report_path)
    if result["hits"]:
        failed = report_path.with_name(report_path.stem + "-failed.json")
        atomic_write_text(failed, json.dumps(result, indent=2, sort_keys=True) + "\n")
        lines = [f"  - {h['file']}: " + (f"an {h['privacy']} (not in the evaluation's privacy.allow_contacts)"
                                          if h["match"] == "contact" else
                                          f"a name of a person in {h['instrument']}.{h['variable']}"
                                          if h["match"] == "name" else
                                          f"a value of {h['instrument']}.{h['variable']} ({h['privacy']})")
                 for h in result["hits"]]
        raise PrivacyError("privacy scan: raw identifier values found in published files "
                           f"(details without the values: {ctx.rel(failed)}):\n" + "\n".join(lines))
    report_path.with_name(report_path.stem + "-failed.json").unlink(missing_ok=True)
    atomic_write_text(report_path, json.dumps(result, indent=2, sort_keys=True) + "\n")
    return result


def merge_reports(parts: list[dict], report_path: str | Path) -> dict:
    """One privacy report from the reports of separate scans (each language's documents, the dataset)."""
    from evalkit.core.io import atomic_write_text

    hits = [h for part in parts for h in part["hits"]]
    counts: dict[str, int] = {}
    for part in parts:
        counts.update(part["identifier_values"])
    result = {"files_scanned": [f for part in parts for f in part["files_scanned"]], "identifier_values": counts,
              "hits": hits, "passed": not hits}
    if hits:
        raise PrivacyError("privacy scan: raw identifier values found in published files: "
                           + ", ".join(sorted({h["file"] for h in hits})))
    atomic_write_text(report_path, json.dumps(result, indent=2, sort_keys=True) + "\n")
    return result
