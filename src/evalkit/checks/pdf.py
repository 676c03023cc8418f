"""The gate's own PDF/UA-1 structure checks, read with pikepdf (the independent checker is
:mod:`evalkit.checks.pdfua`)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pikepdf

from evalkit.checks.findings import Finding, check_title, norm, same_lang

__all__ = ["MAX_STRUCT_DEPTH", "check_pdf"]

#: Deeper PDF structure trees are reported instead of walked further.
MAX_STRUCT_DEPTH = 256

_PDFUAID_PART = "{http://www.aiim.org/pdfua/ns/id/}part"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


def _missing_true_flag(root: Any, container: str, key: str) -> str | None:
    """None when ``root[container][key]`` is true, else what was found instead."""
    box = root.get(container)
    value = box.get(key) if isinstance(box, pikepdf.Dictionary) else None
    if _is_true(value):
        return None
    if box is None:
        return f"no {container}"
    return f"no {key}" if value is None else f"{key} {value!r}"


def _pdf_str(obj: Any) -> str | None:
    if isinstance(obj, pikepdf.String):
        return str(obj)
    return None


def _is_true(obj: Any) -> bool:
    return isinstance(obj, bool) and obj


def _role_chain(name: str, role_map: Mapping[str, str]) -> list[str]:
    """``name`` followed by what the RoleMap maps it to, transitively (cycle-safe)."""
    chain = [name]
    while chain[-1] in role_map:
        nxt = role_map[chain[-1]]
        if nxt in chain:
            break
        chain.append(nxt)
    return chain


def _struct_children(node: pikepdf.Dictionary) -> list[Any]:
    kids = node.get("/K")
    if kids is None:
        return []
    if isinstance(kids, pikepdf.Array):
        return list(kids)
    return [kids]


def _iter_struct_elements(
    tree_root: pikepdf.Dictionary,
) -> Iterator[tuple[pikepdf.Dictionary | None, str]]:
    """Yield ``(element, path)`` for every structure element, in document order.

    Indirect objects are visited once (a cyclic or shared tree cannot loop).
    When the tree is deeper than :data:`MAX_STRUCT_DEPTH` a ``(None, path)``
    marker is yielded and that branch is not descended.
    """
    seen: set[tuple[int, int]] = set()
    if tree_root.objgen != (0, 0):
        seen.add(tree_root.objgen)
    # Stack entries: (node, parent path, index in parent's /K, depth).
    stack: list[tuple[Any, str, int, int]] = []

    def push_children(node: pikepdf.Dictionary, path: str, depth: int) -> None:
        children = _struct_children(node)
        for i in range(len(children) - 1, -1, -1):
            stack.append((children[i], path, i, depth))

    push_children(tree_root, "/StructTreeRoot", 1)
    while stack:
        node, parent, index, depth = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue  # marked-content id, MCR / OBJR reference, or junk
        key = node.objgen
        if key != (0, 0):
            if key in seen:
                continue
            seen.add(key)
        path = f"{parent}/{str(node.get('/S')).lstrip('/')}[{index}]"
        if depth > MAX_STRUCT_DEPTH:
            yield None, path
            continue
        yield node, path
        push_children(node, path, depth + 1)


def _struct_location(node: pikepdf.Dictionary, path: str) -> str:
    objnum, gen = node.objgen
    return f"{path} (obj {objnum} {gen})" if objnum else path


def check_pdf(path: str | os.PathLike[str], lang: str, title: str | None = None) -> list[Finding]:
    """Check a PDF for the PDF/UA-1 essentials listed in the module docstring.

    Args:
        path: The PDF file.
        lang: Expected catalog ``/Lang`` (BCP-47, compared case-insensitively).
        title: Expected title; None only requires a non-empty one. When
            given, every title the file declares (info ``/Title``, XMP
            ``dc:title``) must equal it.

    Returns:
        The findings; empty when the PDF passes.
    """
    file = str(path)
    if not Path(path).is_file():
        raise FileNotFoundError(f"PDF document not found: {file}")
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as exc:
        return [Finding(file, "pdf-open", "file", f"expected a readable PDF, found: {exc}")]

    findings: list[Finding] = []

    def add(check: str, where: str, message: str) -> None:
        findings.append(Finding(file, check, where, message))

    with pdf:
        root = pdf.Root

        # Tagged PDF.
        found = _missing_true_flag(root, "/MarkInfo", "/Marked")
        if found:
            add("pdf-tagged", "/Root/MarkInfo", f"expected /MarkInfo << /Marked true >>, found {found}")
        tree_root = root.get("/StructTreeRoot")
        if not isinstance(tree_root, pikepdf.Dictionary):
            add("pdf-struct-tree", "/Root/StructTreeRoot", "expected a /StructTreeRoot (tag tree), found none")
            tree_root = None

        # Language.
        found_lang = _pdf_str(root.get("/Lang"))
        if not found_lang or not found_lang.strip():
            add("pdf-lang", "/Root/Lang", f"expected catalog /Lang {lang!r}, found none")
        elif not same_lang(found_lang, lang):
            add("pdf-lang", "/Root/Lang", f"expected catalog /Lang {lang!r}, found {found_lang!r}")

        # XMP metadata (title, PDF/UA identifier).
        xmp_title: str | None = None
        ua_part: str | None = None
        if "/Metadata" in root:
            try:
                meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
                xmp_title = meta.get(_DC_TITLE)
                ua_part = meta.get(_PDFUAID_PART)
            except Exception as exc:  # noqa: BLE001 - any XMP parse problem is a finding
                add("pdf-xmp", "/Root/Metadata", f"expected well-formed XMP metadata, found: {exc}")

        # Title.
        info = pdf.trailer.get("/Info")
        info_title = _pdf_str(info.get("/Title")) if isinstance(info, pikepdf.Dictionary) else None
        declared = [(w, t) for w, t in (("/Info/Title", info_title), ("XMP dc:title", xmp_title)) if norm(t)]
        if not declared:
            want = f"document title {norm(title)!r}" if title is not None else "a non-empty document title"
            add("pdf-title", "/Info/Title, XMP dc:title", f"expected {want}, found none (missing or empty)")
        elif title is not None:
            for where, found_title in declared:
                problem = check_title(file, "pdf-title", where, found_title, title, "document title")
                if problem:
                    findings.append(problem)

        # Title shown in the viewer's title bar.
        found = _missing_true_flag(root, "/ViewerPreferences", "/DisplayDocTitle")
        if found:
            add(
                "pdf-display-doc-title",
                "/Root/ViewerPreferences",
                f"expected /ViewerPreferences << /DisplayDocTitle true >>, found {found}",
            )

        # Bookmarks.
        outlines = root.get("/Outlines")
        first = outlines.get("/First") if isinstance(outlines, pikepdf.Dictionary) else None
        if not isinstance(first, pikepdf.Dictionary):
            found = "no /Outlines" if outlines is None else "an /Outlines dictionary with no entries"
            add("pdf-outlines", "/Root/Outlines", f"expected bookmarks (/Outlines with >= 1 entry), found {found}")

        # PDF/UA identification.
        if ua_part is None or str(ua_part).strip() != "1":
            found = "none" if ua_part is None else repr(ua_part)
            add("pdf-ua-id", "/Root/Metadata", f"expected XMP pdfuaid:part = 1 (PDF/UA-1), found {found}")

        # Alternative text on figures.
        if tree_root is not None:
            role_map_obj = tree_root.get("/RoleMap")
            role_map: dict[str, str] = {}
            if isinstance(role_map_obj, pikepdf.Dictionary):
                for key in role_map_obj.keys():
                    value = role_map_obj.get(key)
                    if isinstance(value, pikepdf.Name):
                        role_map[str(key)] = str(value)
            for elem, where in _iter_struct_elements(tree_root):
                if elem is None:
                    add(
                        "pdf-struct-tree",
                        where,
                        f"expected a structure tree at most {MAX_STRUCT_DEPTH} levels deep, found a deeper one "
                        "(not checked below this point)",
                    )
                    continue
                chain = _role_chain(str(elem.get("/S")), role_map)
                if "/L" in chain and re.search(r"/T[DH]\[\d+\]/", where):
                    # our sources have no lists in table cells: a list there is cell text turned into
                    # list markup (a cell starting "6. ..." read as a numbered list), split on the page
                    add("pdf-table-cell-list", _struct_location(elem, where),
                        "expected the text of a table cell, found a list (/L) inside the cell")
                    continue
                if "/Figure" not in chain:
                    continue
                alt = _pdf_str(elem.get("/Alt"))
                if not norm(alt):
                    role = " -> ".join(chain)
                    found = "no /Alt" if alt is None else "an empty /Alt"
                    add(
                        "pdf-figure-alt",
                        _struct_location(elem, where),
                        f"expected a non-empty /Alt on figure ({role}), found {found}",
                    )
    return findings

