"""Rule release: the checked, staged files promoted whole to publish/ with their manifest."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from evalkit.core.io import atomic_write_text, sha256_file
from evalkit.model.context import Context

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


def release_is_current(record: str | Path, publish: str | Path) -> bool:
    """Whether `publish` holds exactly the release `record` (checks/release.json) notes: its manifest,
    byte for byte, and every file of the manifest with its SHA-256, and nothing else."""
    publish = Path(publish)
    try:
        want = json.loads(Path(record).read_text(encoding="utf-8"))["manifest_sha256"]
        manifest = publish / "manifest.json"
        if sha256_file(manifest) != want:
            return False
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        listed = sorted([f["path"] for f in files] + ["manifest.json"])
        present = sorted(p.relative_to(publish).as_posix() for p in publish.rglob("*") if p.is_file())
        return listed == present and all(sha256_file(publish / f["path"]) == f["sha256"] for f in files)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def release(ctx: Context, files: list[str | Path], staged: str | Path, publish: str | Path,
            record: str | Path) -> None:
    """Promote the checked, staged files to `publish` whole, with their manifest.

    The new release is assembled beside it (publish.new/) and swapped in by renaming, so that
    publish/ holds either the previous complete release or the new one, never a mix; a release
    interrupted between the two renames is put back first. `record` (checks/release.json) notes the
    manifest's SHA-256, which the workflow compares with publish/ at every start."""
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
    doc = {"evaluation": ctx.evaluation.id, "files": len(files), "publish": ctx.rel(publish),
           "manifest_sha256": sha256_file(publish / "manifest.json")}
    atomic_write_text(record, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    log.info("released %d files to %s", len(files), ctx.rel(publish))
