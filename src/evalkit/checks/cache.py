"""Each document's check result, kept under the hash of everything its verdict depends on, so that a
check run over unchanged documents checks none of them again.

The key of a document is the SHA-256 of its bytes, of the check code (every file of evalkit.checks and
evalkit.core: :func:`code_hash`) and of whatever else the check is told or runs with (the expected
language and title, the tool versions, the privacy scan's needle set…), passed by the check as
``parts``. A result is stored as JSON under the results layout (checks/cache/<check>/<part>/<key>.json,
:meth:`evalkit.core.layout.Layout.check_cache`) and read back only when every part of its key is the
same; anything unreadable there counts as absent and is checked again. After a run, the results it
did not use are removed (:meth:`ResultCache.prune`), so the folder holds one result per document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from evalkit.core.io import atomic_write_text, sha256_file

__all__ = ["ResultCache", "code_hash", "document_key", "file_identity", "package_version"]

_PACKAGE = Path(__file__).resolve().parents[1]  # src/evalkit
_CODE = ("checks", "core")


@cache
def code_hash() -> str:
    """The hash of the check code: every file (source and data) of evalkit/checks/ and evalkit/core/."""
    h = hashlib.sha256()
    for folder in _CODE:
        for path in sorted((_PACKAGE / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def file_identity(path: str | Path | None) -> list[Any]:
    """A tool's executable or data file, as a key part: its resolved path, size and modification time
    (reinstalling or upgrading it changes the key), or None when there is none."""
    if not path:
        return [None]
    p = Path(path).resolve()
    if not p.is_file():
        return [str(p), None]
    st = p.stat()
    return [str(p), st.st_size, st.st_mtime_ns]


def package_version(package: str) -> str | None:
    """An installed package's version, as a key part (None when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def document_key(path: str | Path, *parts: Any) -> str:
    """The key of one document's result: its bytes, the check code and ``parts`` (JSON-ready)."""
    text = json.dumps([sha256_file(path), code_hash(), *parts], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResultCache:
    """Results by key, each in the file ``path_of(key)`` (None: keep nothing, check everything).
    ``hits`` and ``misses`` count the look-ups, for the job's log and the tests."""

    def __init__(self, path_of: Callable[[str], Path] | None):
        self.path_of = path_of
        self.hits = 0
        self.misses = 0
        self.used: set[Path] = set()

    def get(self, key: str | None) -> Any | None:
        if self.path_of is None or key is None:
            return None
        path = Path(self.path_of(key))
        self.used.add(path)
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            value = None
        if not isinstance(value, dict) or value.get("key") != key:
            self.misses += 1
            return None
        self.hits += 1
        return value["result"]

    def put(self, key: str | None, result: Any) -> None:
        if self.path_of is None or key is None:
            return
        path = Path(self.path_of(key))
        self.used.add(path)
        atomic_write_text(path, json.dumps({"key": key, "result": result}, sort_keys=True, ensure_ascii=False) + "\n")

    def prune(self) -> None:
        """Remove the results of the folders used that this run neither read nor wrote (documents since
        changed or gone)."""
        for folder in {p.parent for p in self.used}:
            for stale in folder.glob("*.json"):
                if stale not in self.used:
                    stale.unlink(missing_ok=True)
