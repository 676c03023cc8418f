"""Rule release: the checked, staged files promoted whole to publish/ with their manifest."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from ..context import Context
from ..io import atomic_write_text, sha256_file

log = logging.getLogger("evalkit")


def write_manifest(ctx: Context, files: list[str | Path], out: str | Path, base: str | Path | None = None) -> None:
    """manifest.json: every file of a release with its size and SHA-256, paths relative to `base`
    (default: the manifest's folder)."""
    out = Path(out)
    base = Path(base or out.parent).resolve()
    entries = []
    for f in sorted(Path(p) for p in files):
        entries.append({"path": f.resolve().relative_to(base).as_posix(),
                        "bytes": f.stat().st_size, "sha256": sha256_file(f)})
    doc = {"evaluation": ctx.evaluation.id, "languages": ctx.config["languages"], "files": entries}
    atomic_write_text(out, json.dumps(doc, indent=2, sort_keys=True) + "\n")


def release(ctx: Context, files: list[str | Path], staged: str | Path, publish: str | Path,
            record: str | Path) -> None:
    """Promote the checked, staged files to `publish` whole, with their manifest.

    The new release is assembled beside it (publish.new/) and swapped in by renaming, so that
    publish/ holds either the previous complete release or the new one, never a mix; a release
    interrupted between the two renames is put back first. `record` (checks/release.json) notes the
    manifest's SHA-256, which the workflow compares with publish/ at every start."""
    import hashlib

    staged, publish = Path(staged).resolve(), Path(publish)
    new, old = publish.with_name(publish.name + ".new"), publish.with_name(publish.name + ".old")
    if old.exists() and not publish.exists():
        old.rename(publish)
    for leftover in (new, old):
        if leftover.exists():
            shutil.rmtree(leftover)  # fails loudly rather than promote what it could not remove
    for f in files:
        dest = new / Path(f).resolve().relative_to(staged)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, dest)
    write_manifest(ctx, [new / Path(f).resolve().relative_to(staged) for f in files], new / "manifest.json")
    if publish.exists():
        publish.rename(old)
    new.rename(publish)
    shutil.rmtree(old, ignore_errors=True)
    manifest = (publish / "manifest.json").read_bytes()
    doc = {"evaluation": ctx.evaluation.id, "files": len(files), "publish": ctx.rel(publish),
           "manifest_sha256": hashlib.sha256(manifest).hexdigest()}
    atomic_write_text(record, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    log.info("released %d files to %s", len(files), ctx.rel(publish))
