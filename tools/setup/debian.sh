# Debian packages for evalkit, sourced by ./run (and by tests/test_setup.py, against stand-ins for
# apt-get, apt-cache and dpkg-query that simulate an archive).
#
#   setup_debian PINNED OPTIONAL
#
# PINNED lists package=version lines. A package already installed is kept at whatever version it
# has (a warning says when that is not the pin: replacing it could mean a downgrade, and Debian
# drops old builds of some packages, Chromium among them, with each security update). A package
# not installed gets its pinned version when the archive still offers it, else the archive's
# current build, with a warning. What was pinned and what is installed is recorded by the build in
# results/<id>/checks/environment.json.
#
# OPTIONAL lists "command package" lines: the package is installed only when the command is missing.

evalkit_say() { printf '\033[1mevalkit:\033[0m %s\n' "$*" >&2; }

evalkit_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

_evalkit_apt_updated=""
evalkit_apt_update() {
  if [ -z "$_evalkit_apt_updated" ]; then
    evalkit_say "updating the Debian package lists"
    evalkit_as_root apt-get update -qq || { evalkit_say "apt-get update failed"; return 1; }
    _evalkit_apt_updated=1
  fi
}

evalkit_apt_install() {  # evalkit_apt_install pkg[=version] ...
  DEBIAN_FRONTEND=noninteractive evalkit_as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The installed version of a package, or nothing (a package removed but not purged has a version
# and a status other than "install ok installed": it counts as not installed).
evalkit_installed_version() {
  local out
  out=$(dpkg-query -W -f='${Status}|${Version}' "$1" 2>/dev/null) || return 0
  case "$out" in "install ok installed|"*) printf '%s' "${out#*|}";; esac
}

# Whether the archive offers this exact version. `apt-cache show pkg=version` exits 0 even when the
# version does not exist, so this reads the version column of `apt-cache madison` instead.
evalkit_archive_has() {
  apt-cache madison "$1" 2>/dev/null | awk -F'|' -v want="$2" '{gsub(/ /, "", $2)} $2 == want {found=1} END {exit !found}'
}

setup_debian() {
  local pinned=$1 optional=$2 line pkg want have got
  if ! command -v apt-get >/dev/null; then
    evalkit_say "no apt-get: install the packages in $pinned and $optional yourself"
    return 0
  fi
  while read -r line; do
    line=${line%%#*}; line=${line// /}; [ -n "$line" ] || continue
    pkg=${line%%=*}; want=${line#*=}
    have=$(evalkit_installed_version "$pkg")
    if [ "$have" = "$want" ]; then
      continue
    elif [ -n "$have" ]; then
      evalkit_say "WARNING: $pkg $have is installed, not the pinned $want; keeping it (the version is recorded in checks/environment.json)"
      continue
    fi
    evalkit_apt_update || return 1
    if evalkit_archive_has "$pkg" "$want"; then
      evalkit_say "installing $pkg $want"
      evalkit_apt_install "$pkg=$want" || { evalkit_say "could not install $pkg $want"; return 1; }
    else
      evalkit_say "WARNING: $pkg $want (pinned) is no longer in the archive; installing its current build"
      evalkit_apt_install "$pkg" || { evalkit_say "could not install $pkg"; return 1; }
      got=$(evalkit_installed_version "$pkg")
      [ -n "$got" ] || { evalkit_say "apt-get reported success but $pkg is not installed"; return 1; }
      evalkit_say "WARNING: using $pkg $got instead of the pinned $want (recorded in checks/environment.json)"
    fi
  done < "$pinned"
  local cmd
  while read -r cmd pkg; do
    case "$cmd" in ''|\#*) continue;; esac
    command -v "$cmd" >/dev/null && continue
    evalkit_apt_update || return 1
    evalkit_say "installing $pkg (for $cmd)"
    evalkit_apt_install "$pkg" || { evalkit_say "could not install $pkg"; return 1; }
  done < "$optional"
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    evalkit_apt_update || return 1
    evalkit_say "installing python3-venv"
    evalkit_apt_install python3-venv || { evalkit_say "could not install python3-venv"; return 1; }
  fi
}
