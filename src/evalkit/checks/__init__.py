"""Quality gates run on evalkit's published outputs: the accessibility gate (Section 508 / WCAG 2.1 AA)
and the privacy scan.

The gate, one module per job: :mod:`~evalkit.checks.html` (lang, title, axe-core in Chromium),
:mod:`~evalkit.checks.pdf` (PDF/UA-1 structure), :mod:`~evalkit.checks.docx`,
:mod:`~evalkit.checks.browser` (finding and opening Chromium and axe-core) and
:mod:`~evalkit.checks.gate` (running them all on a batch, the report and its checklist, merging
reports); :mod:`~evalkit.checks.privacy` is the privacy scan.

Every document that evalkit publishes (HTML, PDF, DOCX) passes through this
gate before release. Each ``check_*`` function returns a list of
:class:`~evalkit.checks.findings.Finding`;
an empty list means the document passed. :func:`~evalkit.checks.gate.run_gate`
checks a batch of documents, writes a deterministic JSON report plus a
Markdown summary next to it, and raises :class:`~evalkit.checks.gate.AccessibilityGateError` when
anything was found.

What is checked
---------------
HTML
    ``<html lang>`` equals the expected BCP-47 tag (case-insensitive), the
    ``<title>`` is non-empty (and equal to the expected title if one is
    given), and `axe-core <https://github.com/dequelabs/axe-core>`_ finds no
    violation of the ``wcag2a, wcag2aa, wcag21a, wcag21aa`` rules when the
    page is rendered in headless Chromium. axe "incomplete" results (needs
    manual review) are not treated as violations.
PDF (PDF/UA-1 essentials, read with pikepdf)
    Tagged (``/MarkInfo /Marked true`` and a ``/StructTreeRoot``), catalog
    ``/Lang``, a title in the document info or XMP ``dc:title``,
    ``/ViewerPreferences /DisplayDocTitle true``, bookmarks (``/Outlines``
    with at least one entry), the XMP PDF/UA identifier ``pdfuaid:part = 1``
    and a non-empty ``/Alt`` on every ``/Figure`` structure element (custom
    structure types are resolved through the ``/RoleMap``), and no list inside
    a table cell. Then the independent checker of :mod:`evalkit.checks.pdfua`
    (outloud, pinned): each of its errors is a finding, and what it leaves to a
    person goes into the report's checklist.
All formats of one document
    Every table cell has the same text in the HTML, the PDF's tag tree and the
    DOCX (:mod:`evalkit.checks.tables`).
DOCX (read with zipfile + lxml)
    Default run language (``w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val``
    in ``word/styles.xml``), and ``dc:language`` in ``docProps/core.xml``
    when present; a non-empty ``dc:title``; a non-empty ``descr`` (alt text)
    on every ``wp:docPr`` in the body, headers, footers, footnotes and
    endnotes; and every table in the body has its first row marked as a
    repeating header row (``w:trPr/w:tblHeader``).

External tools
--------------
* Chromium: ``$EVALKIT_CHROMIUM`` if set, else ``/usr/bin/chromium`` (or
  ``chromium`` / ``chromium-browser`` on ``PATH``), else Playwright's own
  bundled browser.
* axe-core: ``$EVALKIT_AXE_JS`` if set, else
  ``<repo root>/node_modules/axe-core/axe.min.js`` where the repository root
  is the nearest folder at or above the current working directory holding a
  ``pyproject.toml``. Install it with ``npm ci``.
"""
