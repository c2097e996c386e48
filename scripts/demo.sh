#!/usr/bin/env bash
# Quick start 1: set up BEH and serve the portal with the fictional demo region
# on http://127.0.0.1:5000/ (SQLite in instance/, demo login, and a SoftHSM demo
# SITHS card served by the local agent so card login and signed attest work).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export BEH_DEMO=1 BEH_DEMO_LOGIN=1 BEH_FULFILLERS=lensa1 BEH_ADMINS=kardah
if [ ! -f instance/beh.sqlite ]; then
    echo "== Building the demo region (instance/beh.sqlite)"
    .venv/bin/flask --app beh_core beh demo
else
    .venv/bin/flask --app beh_core db upgrade
fi

echo "== Starting the demo KiV (a private slapd) and syncing the directory from it"
stop_kiv() { .venv/bin/python scripts/demo_ldap.py stop >/dev/null 2>&1 || true; }
if .venv/bin/python scripts/demo_ldap.py start; then
    # shellcheck disable=SC1091
    . instance/ldap-demo/ldap.env
    trap stop_kiv EXIT
else
    echo "The demo KiV could not start: the directory stays as built." >&2
fi

echo "== Starting the SITHS demo card and agent"
if scripts/demo-siths.sh start --origin http://127.0.0.1:5000; then
    # shellcheck disable=SC1091
    . instance/siths-demo/siths.env
    trap 'scripts/demo-siths.sh stop >/dev/null 2>&1 || true; stop_kiv' EXIT
else
    echo "SITHS demo could not start: attest is recorded unsigned (demo only)." >&2
    export BEH_ATTEST_SIGNING=off
fi

echo "== BEH runs on http://127.0.0.1:5000/  (Ctrl-C stops it)"
.venv/bin/flask --app beh_core run --host 127.0.0.1 --port 5000
