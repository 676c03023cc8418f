# Whether ./run's setup has anything to do, sourced by ./run (and by tests/test_setup.py in a scratch
# folder). Run from the repository root, with UV_VERSION set.
#
# What the installed environment was made from: the pins, the lock files, and the state of what they
# installed (the Debian package database, .venv, node_modules, uv). When none of it changed since the
# last setup that succeeded, and no module of src/ is newer than it, setup has nothing to do.
SETUP_STAMP=.tools/setup.stamp
setup_fingerprint() {
  {
    cat run tools/setup/debian.sh tools/setup/stamp.sh deps/debian-packages.txt deps/debian-optional.txt uv.lock pyproject.toml package-lock.json
    for f in /var/lib/dpkg/status .tools/uv/bin/uv .venv/pyvenv.cfg .venv/bin/python node_modules/axe-core/package.json; do
      stat -L -c '%n %s %Y' "$f" 2>/dev/null || echo "$f missing"
    done
  } | sha256sum | cut -d' ' -f1
}

setup_is_current() {
  [ -f "$SETUP_STAMP" ] && [ "$(cat "$SETUP_STAMP")" = "$(setup_fingerprint)" ] &&
    [ -z "$(find src -name '*.py' -newer "$SETUP_STAMP" -print -quit)" ]
}
