# Shared by scripts/demo and scripts/test (sourced, not run).
# Sets up the virtualenv, installs Debian packages when we may, compiles translations.

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_DIR/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Debian packages given as arguments that are not installed yet.
missing_packages() {
    local pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            printf '%s\n' "$pkg"
        fi
    done
}

_apt_updated=0
# Install the missing ones among the given Debian packages when we are root and have apt.
# Returns non-zero (after saying what to do) when some stay missing.
ensure_packages() {
    local missing
    command -v dpkg-query >/dev/null 2>&1 || {
        warn "not a Debian/Ubuntu system: make sure these are installed: $*"
        return 1
    }
    mapfile -t missing < <(missing_packages "$@")
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        warn "missing system packages: ${missing[*]}"
        warn "install them as root:  apt-get install ${missing[*]}"
        return 1
    fi
    say "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if [ "$_apt_updated" -eq 0 ]; then
        apt-get update -q || return 1
        _apt_updated=1
    fi
    apt-get install -y -q --no-install-recommends "${missing[@]}" || return 1
}

# Create .venv when missing and install the pinned requirements file given (base or test)
# plus the package itself. Skipped when nothing it depends on changed since the last install.
ensure_venv() {
    local requirements="$REPO_DIR/requirements/$1.txt" stamp digest
    if [ ! -x "$PY" ]; then
        say "creating virtualenv in .venv"
        if ! python3 -m venv "$VENV" 2>/dev/null; then
            rm -rf "$VENV"
            ensure_packages python3-venv || die "python3 -m venv does not work: install python3-venv"
            python3 -m venv "$VENV" || die "could not create .venv"
        fi
    fi
    stamp="$VENV/.installed-$1"
    digest="$(cat "$REPO_DIR/pyproject.toml" "$REPO_DIR"/requirements/*.txt | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        return 0
    fi
    say "installing Python packages from requirements/$1.txt"
    "$PY" -m pip install --disable-pip-version-check -q -r "$requirements" || die "pip install failed"
    "$PY" -m pip install --disable-pip-version-check -q --no-deps -e "$REPO_DIR" \
        || die "installing the copyguard package failed"
    printf '%s\n' "$digest" >"$stamp"
}

# Compile the .po files of every app into .mo files (none yet is fine).
# Runs inside copyguard/ so only the project's own catalogues are looked at.
compile_translations() {
    if ! find "$REPO_DIR/copyguard" -path '*/locale/*' -name '*.po' -print -quit | grep -q .; then
        say "no translation catalogues yet: nothing to compile"
        return 0
    fi
    if ! command -v msgfmt >/dev/null 2>&1; then
        warn "msgfmt (Debian package gettext) is missing: translations are not compiled"
        return 1
    fi
    say "compiling translations"
    (cd "$REPO_DIR/copyguard" && "$PY" "$REPO_DIR/manage.py" compilemessages -v 0)
}
