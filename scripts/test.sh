#!/usr/bin/env bash
# Quick start 2: set up BEH and run the whole test suite on SQLite and on
# PostgreSQL (127.0.0.1:5432; installed with apt and started when absent).
# Never skips a part: SoftHSM2, pcscd with the virtual card, SMTP on loopback
# and Chromium are installed and required.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- PostgreSQL on 127.0.0.1:5432 -------------------------------------------
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if ! command -v pg_ctlcluster >/dev/null; then
        echo "== Installing PostgreSQL"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
    fi
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "== Starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not running on 127.0.0.1:5432" >&2; exit 1; }
if [ -z "${BEH_TEST_PG_ADMIN_URL:-}" ]; then
    if psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1 </dev/null; then
        export BEH_TEST_PG_ADMIN_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    else
        # A fresh Debian install asks for a password over TCP: give postgres one for the tests.
        as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'beh-test'\""
        export BEH_TEST_PG_ADMIN_URL="postgresql+psycopg://postgres:beh-test@127.0.0.1:5432/postgres"
    fi
fi

# The PC/SC tests start their own pcscd with the virtual reader; only one can run per
# machine, so stop a system pcscd that apt may have started (systemd machines only).
if command -v systemctl >/dev/null && systemctl is-active --quiet pcscd.socket pcscd.service 2>/dev/null; then
    as_root systemctl stop pcscd.socket pcscd.service || true
fi

export BEH_REQUIRE_HARDWARE_SIM=1
status=0
echo "== Architecture contracts (import-linter, .importlinter)"
.venv/bin/lint-imports || status=1
echo "== Tests on SQLite"
BEH_TEST_DB=sqlite .venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=1
echo "== Tests on PostgreSQL"
BEH_TEST_DB=postgresql .venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=1
if [ "$status" -ne 0 ]; then echo "== Some tests FAILED" >&2; fi
exit "$status"
