"""Rules accessibility_gate, privacy_scan and their reports: the checks every staged file passes."""

from __future__ import annotations

import json
from pathlib import Path

from evalkit.core.errors import EvalkitError
from evalkit.core.io import atomic_write_text
from evalkit.model.context import Context
from evalkit.steps.common import copy_file
from evalkit.steps.render import document_title


class GateFailed(EvalkitError):
    """The accessibility gate found violations."""


def scan_published(ctx: Context, files: list[str | Path], report_path: str | Path, part: str | None = None) -> dict:
    """Fail when a raw identifier value appears in any published file (evalkit.checks.privacy). With
    a part, each file's result is kept (checks/cache/privacy/<part>/) and an unchanged file not read again."""
    from evalkit.checks.privacy import run_scan

    results = _cache(ctx, "privacy", part)
    report = run_scan(ctx, files, report_path, cache=results)
    _log_cache("privacy scan", results, len(files))
    return report


def _cache(ctx: Context, check: str, part: str | None):
    from evalkit.checks.cache import ResultCache

    return ResultCache(None if part is None else lambda key: ctx.layout.check_cache(check, part, key))


def _log_cache(what: str, results, total: int) -> None:
    import logging

    if results.path_of is not None:
        logging.getLogger("evalkit").info("evalkit: %s of %d file(s): %d result(s) reused (unchanged since checked), "
                                          "%d made", what, total, results.hits, results.misses)


def gate_published(ctx: Context, files: list[str | Path], langs: dict[str, str], report_path: str | Path,
                   environment_path: str | Path | None = None, part: str | None = None) -> dict:
    """Run the accessibility gate on published files (results/publish/<lang>/<name>.<fmt>).

    On success, the versions of the tools used go to `environment_path` (if given). With a part, each
    document's result is kept (checks/cache/accessibility/<part>/) and an unchanged one not checked again.
    On failure the findings stay in results/checks/ (the .md summary and a copy of the JSON named
    *-failed.json, since Snakemake removes the outputs of a failed rule) and the build stops.
    """
    from evalkit.checks.gate import AccessibilityGateError, run_gate
    from evalkit.documents.frontmatter import provenance_notice
    from evalkit.publish.dataset import codebook_title

    primary = ctx.config["languages"][0]
    titles: dict[tuple[str, str], str] = {}  # a document's formats share its title: its source is expanded once
    documents = []
    for f in files:
        p = Path(f)
        parts = Path(ctx.rel(p)).parts
        # <...>/staged/<lang>/<document>.<fmt> (or publish/), also outside the repository (a checked copy)
        at = max((i for i, x in enumerate(parts[:-2]) if x in ("staged", "publish")), default=None)
        sub = parts[at + 1] if at is not None else p.parent.name
        if sub in langs:      # results/<evaluation>/publish/<lang>/<document>.<fmt>
            lang = langs[sub]
            document = Path(*parts[at + 2:]) if at is not None else Path(p.name)
            key = (lang, document.with_suffix("").as_posix())
            if key not in titles:
                titles[key] = document_title(ctx, *key)
            title = titles[key]
            name = f"{sub}/{document.with_suffix('').as_posix()}"
        else:                 # results/publish/dataset/codebook.html: bilingual, primary language first
            lang, title = primary, codebook_title(ctx.evaluation.data["title"], primary)
            name = f"{sub}/{p.stem}"
        documents.append({"path": ctx.rel(p), "format": p.suffix.lstrip("."), "lang": lang, "title": title,
                          "document": name, "notice": provenance_notice(ctx.evaluation, lang)})
    report_path = Path(report_path)
    failed_copy = report_path.with_name(report_path.stem + "-failed.json")
    try:
        acc = ctx.config["accessibility"]
        results = _cache(ctx, "accessibility", part)
        result = run_gate(documents, report_path, axe_tags=acc["axe_tags"], chromium=acc["chromium"], cache=results)
        _log_cache("accessibility gate", results, len(documents))
    except AccessibilityGateError as exc:
        copy_file(report_path, failed_copy)
        findings = f"{ctx.rel(report_path.with_suffix('.md'))}, {ctx.rel(failed_copy)}"
        raise GateFailed(f"{exc}\nFindings: {findings}") from None
    failed_copy.unlink(missing_ok=True)
    if environment_path is not None:
        write_environment(ctx, result.get("axe_version"), environment_path)
    return result


def write_environment(ctx: Context, axe_version: str | None, path: str | Path) -> dict:
    """Write the tools that made and checked the documents (:func:`tool_versions`) and return them."""
    versions = tool_versions(ctx, axe_version)
    atomic_write_text(path, json.dumps(versions, indent=2, sort_keys=True) + "\n")
    return versions


def tool_versions(ctx: Context, axe_version: str | None) -> dict:
    """The tools that made and checked the documents (Chromium is not pinned forever: see deps/)."""
    import subprocess
    from importlib.metadata import version

    import pypandoc

    chromium = ctx.config["accessibility"]["chromium"]
    try:
        browser = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except OSError:
        browser = None
    return {"python_packages": {p: version(p) for p in ("evalkit", "snakemake", "pandas", "pyreadstat", "statsmodels",
                                                      "babel", "matplotlib", "typst", "pypandoc-binary", "playwright",
                                                      "outloud")},
            "pandoc": pypandoc.get_pandoc_version(), "chromium": browser, "axe_core": axe_version,
            "debian_packages": debian_packages(ctx.root / "deps" / "debian-packages.txt")}


def debian_packages(pins: Path) -> dict:
    """Each pinned Debian package with the version installed; a warning where they differ (./run keeps
    an installed build, and installs the archive's current one when the pin has left the archive)."""
    import subprocess

    out = {}
    lines = pins.read_text(encoding="utf-8").splitlines() if pins.is_file() else []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        pkg, pinned = line.split("=", 1)
        try:
            proc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True,
                                  timeout=60)
            installed = proc.stdout.strip() if proc.returncode == 0 else None
        except OSError:
            installed = None
        entry = {"pinned": pinned, "installed": installed or None}
        if installed != pinned:
            entry["warning"] = (f"{pkg} {installed} is used instead of the pinned {pinned}" if installed
                                else f"{pkg} is not installed as a Debian package (pinned {pinned})")
        out[pkg] = entry
    return out


def report_accessibility(ctx: Context, parts: list[str | Path], report_path: str | Path, environment_path: str | Path,
                         conformance_json: str | Path, conformance_html: str | Path) -> dict:
    """Merge the parts' gate reports, record the tools, and write the Section 508 conformance report,
    whose page then passes the gate's HTML checks itself (it fails the rule otherwise)."""
    from evalkit.checks.conformance import write_conformance
    from evalkit.checks.gate import AccessibilityGateError, check_one

    report = merge_checks("accessibility", parts, report_path)
    versions = write_environment(ctx, report.get("axe_version"), environment_path)
    write_conformance(report, conformance_json, conformance_html,
                      {"chromium": versions["chromium"], "evalkit": versions["python_packages"]["evalkit"]})
    acc = ctx.config["accessibility"]
    page = {"path": ctx.rel(conformance_html), "format": "html", "lang": "en-US",
            "title": "Section 508 conformance report"}
    findings = check_one(page, axe_tags=acc["axe_tags"], chromium=acc["chromium"],
                         cache=_cache(ctx, "accessibility", "conformance"))  # an unchanged page: not again
    if findings:
        raise AccessibilityGateError(findings, conformance_html)
    return report


def merge_checks(kind: str, parts: list[str | Path], report_path: str | Path) -> dict:
    """One report of the accessibility gate or the privacy scan from the reports of its parts (each
    language's documents, the dataset), so that an edit in one language re-checks only that language."""
    if kind == "accessibility":
        from evalkit.checks.gate import merge_reports
    else:
        from evalkit.checks.privacy import merge_reports
    return merge_reports([json.loads(Path(p).read_text(encoding="utf-8")) for p in parts], report_path)
