"""The Quarto renderer: used when config asks for it (renderer: quarto, or auto with quarto on PATH).

The same report sources render here and in the embedded path; sources stay inside the subset in
quarto_subset.py so that both agree. Quarto reads the pipeline's values through the documents'
``metadata-files`` and its includes, exactly as written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from evalkit.core.errors import RenderError
from evalkit.core.io import atomic_write_bytes
from evalkit.render.embedded import epoch_of

QUARTO_FORMATS = {"html": "html", "docx": "docx", "pdf": "typst"}


def quarto_available() -> bool:
    return shutil.which("quarto") is not None


def render_quarto(source: Path, lang: str, formats: list[str], out_stem: Path, build_dir: Path,
                  iso_date: str) -> list[Path]:
    if not quarto_available():
        raise RenderError("config asks for renderer 'quarto' but no 'quarto' is on PATH; "
                          "install Quarto or set renderer: embedded")
    build_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch_of(iso_date))}
    written = []
    for fmt in formats:
        proc = subprocess.run(
            ["quarto", "render", source.name, "--to", QUARTO_FORMATS[fmt], "--output-dir",
             os.path.relpath(build_dir.resolve(), source.parent.resolve()), "--metadata", f"lang:{lang}"],
            cwd=source.parent, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RenderError(f"quarto render {source} --to {QUARTO_FORMATS[fmt]} failed:\n{proc.stderr.strip()}")
        produced = build_dir / f"{source.stem}.{fmt}"
        if not produced.exists():
            raise RenderError(f"quarto did not write {produced}")
        target = out_stem.with_suffix(f".{fmt}")
        atomic_write_bytes(target, produced.read_bytes())
        written.append(target)
    return written
