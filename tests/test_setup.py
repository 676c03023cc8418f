"""The Debian install logic of ./run (tools/setup/debian.sh), run against stand-ins for apt-get,
apt-cache and dpkg-query that simulate an archive: a new machine whose pinned Chromium is gone from
the archive, one with another Chromium already installed, one where the pin is still offered."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = "156.0.8078.79-1~deb12u1"
NEWER = "156.0.8078.114-1~deb12u1"

# The stand-ins keep their state in $FAKE_APT: archive (lines "package version"), installed
# (lines "package version"), calls (every command line they were given).
APT_CACHE = r"""#!/usr/bin/env bash
echo "apt-cache $*" >> "$FAKE_APT/calls"
case "$1" in
  madison)
    while read -r p v; do
      [ "$p" = "$2" ] && echo " $p | $v | http://archive.example bookworm/main amd64 Packages"
    done < "$FAKE_APT/archive"
    exit 0;;
  show) exit 0;;  # like the real one: exit 0 even for pkg=version that does not exist
esac
"""

APT_GET = r"""#!/usr/bin/env bash
echo "apt-get $*" >> "$FAKE_APT/calls"
[ "$1" = update ] && exit 0
for arg in "$@"; do
  case "$arg" in -*|install) continue;; esac
  pkg=${arg%%=*}; want=""; [ "$pkg" != "$arg" ] && want=${arg#*=}
  found=""
  while read -r p v; do
    [ "$p" = "$pkg" ] || continue
    if [ -z "$want" ] || [ "$v" = "$want" ]; then found=$v; break; fi
  done < "$FAKE_APT/archive"
  if [ -z "$found" ]; then
    if [ -n "$want" ]; then echo "E: Version '$want' for '$pkg' was not found" >&2
    else echo "E: Unable to locate package $pkg" >&2; fi
    exit 100
  fi
  grep -v "^$pkg " "$FAKE_APT/installed" > "$FAKE_APT/installed.new" || true
  echo "$pkg $found" >> "$FAKE_APT/installed.new"
  mv "$FAKE_APT/installed.new" "$FAKE_APT/installed"
done
"""

DPKG_QUERY = r"""#!/usr/bin/env bash
pkg=${!#}
while read -r p v; do
  if [ "$p" = "$pkg" ]; then printf 'install ok installed|%s' "$v"; exit 0; fi
done < "$FAKE_APT/installed"
echo "dpkg-query: no packages found matching $pkg" >&2
exit 1
"""


def machine(tmp_path: Path, archive: dict[str, list[str]], installed: dict[str, str]) -> dict:
    state = tmp_path / "apt"
    bin_dir = tmp_path / "bin"
    state.mkdir()
    bin_dir.mkdir()
    (state / "archive").write_text("".join(f"{p} {v}\n" for p, vs in archive.items() for v in vs))
    (state / "installed").write_text("".join(f"{p} {v}\n" for p, v in installed.items()))
    (state / "calls").write_text("")
    for name, text in {
        "apt-cache": APT_CACHE,
        "apt-get": APT_GET,
        "dpkg-query": DPKG_QUERY,
        "sudo": '#!/usr/bin/env bash\nexec "$@"\n',
    }.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    pinned = tmp_path / "debian-packages.txt"
    pinned.write_text(f"# comment\nchromium={PIN}\n")
    optional = tmp_path / "debian-optional.txt"
    optional.write_text("# command package\nsome-missing-command-xyz node-stand-in\n")
    return {"state": state, "bin": bin_dir, "pinned": pinned, "optional": optional}


def setup_debian(m: dict) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{m['bin']}:{os.environ['PATH']}", "FAKE_APT": str(m["state"])}
    script = f'. "{ROOT}/tools/setup/debian.sh"; setup_debian "{m["pinned"]}" "{m["optional"]}"'
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60)


def installed(m: dict) -> dict[str, str]:
    return dict(line.split() for line in (m["state"] / "installed").read_text().splitlines())


def test_pin_gone_from_the_archive_installs_the_current_build_with_a_warning(tmp_path):
    m = machine(tmp_path, {"chromium": [NEWER], "node-stand-in": ["1"]}, {})
    proc = setup_debian(m)
    assert proc.returncode == 0, proc.stderr
    assert installed(m) == {"chromium": NEWER, "node-stand-in": "1"}
    assert f"chromium {PIN} (pinned) is no longer in the archive" in proc.stderr
    assert f"using chromium {NEWER} instead of the pinned {PIN}" in proc.stderr
    calls = (m["state"] / "calls").read_text()
    assert f"chromium={PIN}" not in calls  # never asked apt-get for the missing version


def test_pin_still_in_the_archive_is_installed_exactly(tmp_path):
    m = machine(tmp_path, {"chromium": [NEWER, PIN], "node-stand-in": ["1"]}, {})
    proc = setup_debian(m)
    assert proc.returncode == 0, proc.stderr
    assert installed(m)["chromium"] == PIN
    assert "WARNING" not in proc.stderr


@pytest.mark.parametrize("other", [NEWER, "120.0.6099.224-1~deb12u1"])
def test_another_installed_chromium_is_kept_not_replaced(tmp_path, other):
    m = machine(tmp_path, {"chromium": [NEWER], "node-stand-in": ["1"]}, {"chromium": other})
    proc = setup_debian(m)
    assert proc.returncode == 0, proc.stderr
    assert installed(m)["chromium"] == other
    assert f"chromium {other} is installed, not the pinned {PIN}; keeping it" in proc.stderr
    assert "install" not in "".join(
        line for line in (m["state"] / "calls").read_text().splitlines() if "chromium" in line
    )


def test_pinned_version_installed_does_nothing(tmp_path):
    m = machine(tmp_path, {"chromium": [PIN]}, {"chromium": PIN})
    m["optional"].write_text("bash bash\n")  # present command: nothing to install
    proc = setup_debian(m)
    assert proc.returncode == 0, proc.stderr
    assert (m["state"] / "calls").read_text() == ""  # not even apt-get update
    assert proc.stderr == ""


def test_package_in_no_archive_fails_with_its_name(tmp_path):
    m = machine(tmp_path, {"node-stand-in": ["1"]}, {})
    proc = setup_debian(m)
    assert proc.returncode != 0
    assert "could not install chromium" in proc.stderr
    assert "Unable to locate package chromium" in proc.stderr


def test_the_real_archive_check_reads_versions_not_exit_codes():
    """`apt-cache show pkg=version` exits 0 for a version that does not exist: the check must not use it."""
    text = (ROOT / "tools/setup/debian.sh").read_text()
    assert "apt-cache madison" in text
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "apt-cache show" not in code
    run = (ROOT / "run").read_text()
    assert ". tools/setup/debian.sh" in run and "setup_debian deps/debian-packages.txt deps/debian-optional.txt" in run


def stamp_checkout(tmp_path: Path) -> Path:
    """A scratch folder with the files setup's record is made from (tools/setup/stamp.sh)."""
    root = tmp_path / "checkout"
    for name in [
        "run",
        "tools/setup/debian.sh",
        "tools/setup/stamp.sh",
        "deps/debian-packages.txt",
        "deps/debian-optional.txt",
        "uv.lock",
        "pyproject.toml",
        "package-lock.json",
    ]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes((ROOT / name).read_bytes())
    for name in [".venv/pyvenv.cfg", ".venv/bin/python", "src/evalkit/a.py"]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n")
    return root


def setup_current(root: Path, before: str = "") -> bool:
    script = "; ".join([". tools/setup/stamp.sh", *([before] if before else []), "setup_is_current"])
    return subprocess.run(["bash", "-c", script], cwd=root).returncode == 0


def test_setup_is_skipped_only_while_nothing_it_installed_from_changed(tmp_path):
    root = stamp_checkout(tmp_path)
    assert not setup_current(root)  # no record: a fresh machine sets up
    record = "mkdir -p .tools; setup_fingerprint > .tools/setup.stamp"
    assert setup_current(root, record)
    assert setup_current(root)
    lock = (root / "uv.lock").read_bytes()
    (root / "uv.lock").write_bytes(lock + b"\n# changed\n")
    assert not setup_current(root)
    (root / "uv.lock").write_bytes(lock)
    assert setup_current(root)
    (root / ".venv" / "pyvenv.cfg").unlink()  # the environment was removed
    assert not setup_current(root)
    (root / ".venv" / "pyvenv.cfg").write_text("x\n")
    assert setup_current(root, record)
    stamp = root / ".tools" / "setup.stamp"
    os.utime(stamp, (1_000_000_000, 1_000_000_000))  # a module of src/ is newer than the record
    assert not setup_current(root)
