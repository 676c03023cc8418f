"""`./run build`: one build of a checkout at a time, healing whatever an interrupted build left.

    python -m evalkit.build [snakemake arguments]

- One build at a time: every build holds an exclusive lock on `.snakemake/evalkit-build.lock`
  (inherited by Snakemake, so it is held while Snakemake runs). A second build waits for the first,
  saying which build it waits for; it never removes the first one's lock. Job scripts of a build
  whose Snakemake was killed on its own may outlive it: the next build waits for them to end.
- Interrupted builds heal: while this lock is held no other evalkit build runs here, so a Snakemake
  lock left in `.snakemake/locks/` is stale (the build that made it was killed) and is removed,
  and Snakemake re-runs the jobs an interruption left incomplete (`--rerun-incomplete`). A
  Snakemake started by hand in the same checkout is not touched: the build stops and names it.
- Nothing changed, nothing started: after a plain build (no arguments) that succeeded, the build
  records a fingerprint (path, size and modification time) of every file of the checkout and of
  results/ (raw files are read only from raw/<evaluation>/, inside the checkout). The next plain
  build with the same fingerprint says so and exits at once, without starting Snakemake (which
  needs over a second only to find that nothing is to be done). Any other build, any argument, an
  edited, added or removed file, or a failed build removes the record, and Snakemake decides.

Light on purpose (no pandas): it only starts Snakemake.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

LOCK = Path(".snakemake") / "evalkit-build.lock"
# The fingerprint of the last plain build that succeeded.
STAMP = Path(".snakemake") / "evalkit-up-to-date.json"
# Not part of what a build reads or makes: version control, Snakemake's own records, the installed
# environment (its lock files are in the checkout) and caches.
NOT_WATCHED = {".git", ".snakemake", ".venv", "node_modules", ".tools", "__pycache__", ".pytest_cache",
               ".ruff_cache", ".mypy_cache"}


def say(text: str) -> None:
    sys.stderr.write(f"evalkit: {text}\n")
    sys.stderr.flush()


def snakemake_processes(root: Path, exclude: set[int], jobs: bool = False) -> list[tuple[int, str]]:
    """Snakemake processes whose working directory is this checkout (Linux /proc), with their command;
    with `jobs`, the job scripts Snakemake started instead (python .snakemake/scripts/…), which
    outlive a Snakemake that was killed on its own."""
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    root = root.resolve()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) in exclude:
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in argv if a]
        is_snakemake = bool(args) and (Path(args[0]).name == "snakemake" or
                                       (len(args) > 2 and args[1] == "-m" and args[2] == "snakemake") or
                                       (len(args) > 1 and Path(args[1]).name == "snakemake"))
        is_job = any("/.snakemake/scripts/" in a or a.startswith(".snakemake/scripts/") for a in args)
        if cwd == root and (is_job if jobs else is_snakemake):
            found.append((int(entry.name), " ".join(args)))
    return found


def acquire(root: Path) -> int:
    """Take the build lock, waiting for a running build; return its file descriptor."""
    path = root / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 4096, 0).decode(errors="replace").strip() or "another build"
        say(f"another build of this checkout is running ({holder}); waiting for it to finish "
            f"(Ctrl-C stops waiting and leaves that build alone)")
        fcntl.flock(fd, fcntl.LOCK_EX)
        say("the other build has finished; starting this one")
    os.ftruncate(fd, 0)
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
    os.pwrite(fd, f"pid {os.getpid()}, started {started}: ./run build {' '.join(sys.argv[1:])}".strip().encode(), 0)
    return fd


def wait_for_orphan_jobs(root: Path) -> None:
    """Jobs of a build whose Snakemake was killed on its own still write their outputs: wait for them."""
    said = False
    while True:
        orphans = snakemake_processes(root, {os.getpid()}, jobs=True)
        if not orphans:
            return
        if not said:
            say(f"{len(orphans)} job(s) of an interrupted build are still running (pid "
                f"{', '.join(str(p) for p, _ in orphans)}); waiting for them to end")
            said = True
        time.sleep(1)


def heal(root: Path) -> None:
    """Remove a Snakemake lock that an interrupted build left (we hold the build lock, and no Snakemake
    or job of an earlier build runs here any more: the lock is stale)."""
    wait_for_orphan_jobs(root)
    locks = root / ".snakemake" / "locks"
    if not (locks.is_dir() and any(locks.iterdir())):
        return
    others = snakemake_processes(root, {os.getpid()})
    if others:
        pid, cmd = others[0]
        say(f"Snakemake is running in this checkout outside ./run build (pid {pid}: {cmd}); "
            f"wait for it to finish or stop it, then build again")
        raise SystemExit(1)
    say("an earlier build was interrupted: removing its stale lock; its incomplete outputs are rebuilt")
    for lock in locks.iterdir():  # what `snakemake --unlock` removes
        lock.unlink()


def config_files(argv: list[str]) -> list[str]:
    """The files named by --configfile (or --configfiles), which Snakemake loads before the Snakefile."""
    files, taking = [], False
    for arg in argv:
        if arg in ("--configfile", "--configfiles"):
            taking = True
        elif arg.startswith(("--configfile=", "--configfiles=")):
            files.append(arg.split("=", 1)[1])
            taking = False
        elif taking and not arg.startswith("-"):
            files.append(arg)
        else:
            taking = False
    return files


def refuse_code_in_config(root: Path, argv: list[str]) -> None:
    """Configuration is data: a config file Snakemake would evaluate as a template is refused before
    Snakemake reads it (Snakemake loads --configfile files before the Snakefile can check them)."""
    from evalkit.core.config import check_data_only
    from evalkit.core.errors import EvalkitError

    for name in ["config/config.yaml", *config_files(argv)]:
        try:
            check_data_only(root / name)
        except EvalkitError as exc:
            say(f"the run cannot start.\n{exc}")
            raise SystemExit(1) from None


def _walk(folder: Path, root: Path, out: list[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name in NOT_WATCHED:
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk(Path(entry.path), root, out)
        else:
            out.append(_stat_line(entry.path, os.path.relpath(entry.path, root)))


def _stat_line(path: str, name: str) -> str:
    try:
        st = os.stat(path)  # a symlink counts as what it points to
    except OSError:
        return f"{name}\tmissing"
    return f"{name}\t{st.st_size}\t{st.st_mtime_ns}"


def fingerprint(root: Path) -> dict[str, str]:
    """Digests of what a plain build depends on: the checkout's files outside results/ with the
    environment variables Snakemake and evalkit read, and results/."""
    checkout: list[str] = []
    results: list[str] = []
    for entry in os.scandir(root):
        if entry.name in NOT_WATCHED:
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk(Path(entry.path), root, results if entry.name == "results" else checkout)
        else:
            checkout.append(_stat_line(entry.path, entry.name))
    checkout += sorted(f"env {k}={v}" for k, v in os.environ.items() if k.startswith(("EVALKIT", "SNAKEMAKE")))
    checkout.append(f"python {sys.executable}")

    def digest(lines: list[str]) -> str:
        return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()

    return {"checkout": digest(checkout), "results": digest(results)}


def up_to_date(root: Path) -> str | None:
    """When the last plain build succeeded and nothing has changed since, the time it finished."""
    try:
        stamp = json.loads((root / STAMP).read_text())
        if fingerprint(root) == stamp["fingerprint"]:
            return str(stamp["finished"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def record_up_to_date(root: Path, before: dict[str, str]) -> None:
    """After a plain build that succeeded: record the fingerprint, unless a file of the checkout changed
    while it ran (then Snakemake must look again next time)."""
    after = fingerprint(root)
    if after["checkout"] != before["checkout"]:
        return
    finished = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
    tmp = root / STAMP.with_suffix(".tmp")
    tmp.write_text(json.dumps({"finished": finished, "fingerprint": after}))
    tmp.replace(root / STAMP)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    root = Path.cwd()
    if not argv and (finished := up_to_date(root)):
        say(f"nothing has changed since the last build ({finished}): every deliverable in results/ is up to date")
        return 0
    refuse_code_in_config(root, argv)
    snakemake = [sys.executable, "-m", "snakemake"]
    fd = acquire(root)
    (root / STAMP).unlink(missing_ok=True)
    heal(root)
    before = fingerprint(root)
    cores = ["--cores", str(len(os.sched_getaffinity(0)) or 1)] if not any(a in ("--cores", "-c", "-j", "--jobs") or
                                                            a.startswith(("--cores=", "--jobs=")) for a in argv) else []
    code = subprocess.run([*snakemake, *cores, "--rerun-incomplete", *argv], cwd=root, pass_fds=(fd,)).returncode
    if code == 0 and not argv:
        record_up_to_date(root, before)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
