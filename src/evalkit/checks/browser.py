"""Chromium and axe-core for the gate's HTML checks: where they are, and one headless browser to
share (:func:`open_browser`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from evalkit.core.errors import EvalkitError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from playwright.sync_api import Browser, BrowserContext, Page

__all__ = ["CHROMIUM_ARGS", "AxeCoreNotFoundError", "Tab", "find_axe_js", "find_chromium", "open_browser", "open_tab"]

#: Flags for headless Chromium running as root without network access.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class AxeCoreNotFoundError(EvalkitError, FileNotFoundError):
    """axe-core's ``axe.min.js`` could not be located."""


def find_repo_root(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the nearest folder at or above ``start`` (default: the current
    working directory) that contains ``pyproject.toml``, or None."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def find_axe_js() -> Path:
    """Locate ``axe.min.js`` (``$EVALKIT_AXE_JS``, else the repo's
    ``node_modules``); raise :class:`AxeCoreNotFoundError` if it is missing."""
    env = os.environ.get("EVALKIT_AXE_JS")
    if env:
        candidate = Path(env)
        where = f"$EVALKIT_AXE_JS={env}"
    else:
        root = find_repo_root()
        if root is None:
            raise AxeCoreNotFoundError(
                "axe-core not found: no pyproject.toml at or above "
                f"{Path.cwd()} to locate node_modules. Run `npm ci` in the "
                "repository root, or set EVALKIT_AXE_JS to axe.min.js."
            )
        candidate = root / "node_modules" / "axe-core" / "axe.min.js"
        where = str(candidate)
    if not candidate.is_file():
        raise AxeCoreNotFoundError(
            f"axe-core not found at {where}. Run `npm ci` in the repository "
            "root to install it (or set EVALKIT_AXE_JS to axe.min.js)."
        )
    return candidate


def find_chromium() -> str | None:
    """Chromium executable to drive, or None to use Playwright's own build."""
    env = os.environ.get("EVALKIT_CHROMIUM")
    if env:
        return env
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


# Playwright's sync API cannot be started twice in one thread, so a nested
# open_browser() launches its browser from the already running instance.
_ACTIVE = threading.local()


@contextlib.contextmanager
def open_browser(executable_path: str | None = None) -> Iterator[Browser]:
    """Launch headless Chromium once and yield the Playwright ``Browser``.

    Pass the yielded browser to :func:`check_html` to check many files with
    one browser::

        with open_browser() as browser:
            for page in pages:
                findings += check_html(page, "en-US", browser=browser)

    Nesting is allowed: an inner call (e.g. :func:`check_html` without a
    browser, or :func:`run_gate`, inside an outer ``open_browser`` block)
    reuses the running Playwright instance and launches its own browser.
    """
    exe = executable_path if executable_path is not None else find_chromium()
    running = getattr(_ACTIVE, "playwright", None)
    if running is not None:
        browser = running.chromium.launch(executable_path=exe, headless=True, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()
        return

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        _ACTIVE.playwright = pw
        try:
            browser = pw.chromium.launch(executable_path=exe, headless=True, args=list(CHROMIUM_ARGS))
            try:
                yield browser
            finally:
                browser.close()
        finally:
            _ACTIVE.playwright = None



class Tab:
    """One browser context and one page in which documents are checked one after the other: each is
    loaded into the page anew (a new document: nothing of the last one is left but the tab), at the
    context's own viewport. A new page per document costs Chromium a new renderer process, about
    twice the CPU of checking the documents in one."""

    def __init__(self, browser: Browser):
        self.context: BrowserContext = browser.new_context(bypass_csp=True)
        self.page: Page = self.context.new_page()
        self.viewport = self.page.viewport_size

    def ready(self) -> Page:
        """The page, back at the context's viewport, for the next document."""
        if self.viewport is not None and self.page.viewport_size != self.viewport:
            self.page.set_viewport_size(self.viewport)
        return self.page

    def close(self) -> None:
        self.context.close()


@contextlib.contextmanager
def open_tab(browser: Browser) -> Iterator[Tab]:
    """A :class:`Tab` of ``browser``, closed at the end of the block."""
    tab = Tab(browser)
    try:
        yield tab
    finally:
        tab.close()
