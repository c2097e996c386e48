#!/usr/bin/env bash
# Set up everything BEH needs on a Debian 12 machine: Debian packages (as root,
# or through sudo), the virtual environment .venv, the core and every plugin.
# Idempotent: safe to run again; quick when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# slapd + ldap-utils: the private LDAP server of the directory-sync tests, benchmark and demo;
# libldap2-dev + libsasl2-dev: to build python-ldap.
APT_PACKAGES="python3 python3-venv python3-dev gcc git libpcsclite-dev softhsm2 pcscd vsmartcard-vpcd vsmartcard-vpicc slapd ldap-utils libldap2-dev libsasl2-dev"
missing=""
for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# python3 may come from elsewhere (pyenv); only ask apt for what is really absent.
if command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null; then
    missing=$(echo "$missing" | tr ' ' '\n' | grep -v -E '^(python3|python3-venv|python3-dev)$' | tr '\n' ' ' || true)
fi
if [ -n "${missing// /}" ]; then
    echo "== Installing Debian packages:$missing"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # slapd asks for a domain and an admin password; BEH runs its own slapd with its own
    # configuration (beh_core/ldap_server.py), so the package is told to configure nothing
    # and no system LDAP server starts.
    echo "slapd slapd/no_configuration boolean true" | as_root debconf-set-selections
    # shellcheck disable=SC2086
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -x .venv/bin/python ]; then
    echo "== Creating .venv"
    python3 -m venv .venv
fi
echo "== Installing BEH (core, plugins, test and SITHS dependencies) into .venv"
.venv/bin/pip install -q --upgrade pip setuptools wheel
plugin_args=()
for plugin in plugins/*/; do plugin_args+=(-e "$plugin"); done
# siths/ is its own distribution (beh-siths: the card agent installs without the portal); the core needs it.
.venv/bin/pip install -q -e "./siths[agent]" -e ".[postgresql,test,siths-agent]" "${plugin_args[@]}"
as_root scripts/siths/install-deps.sh .venv >/dev/null
# axe-core for the browser suite (tests/browser), pinned in tests/browser/package-lock.json.
if ! command -v npm >/dev/null; then
    echo "== Installing Node.js and npm (for axe-core)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
fi
(cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
echo "== Setup done"
