#!/usr/bin/env bash
# Quick start 1: set up BEH and serve the portal with the fictional demo region
# on http://127.0.0.1:5000/ (SQLite in instance/, demo login, SITHS demo card).
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
if [ -x scripts/demo-siths.sh ]; then
    # shellcheck disable=SC1091
    source scripts/demo-siths.sh
fi
echo "== BEH runs on http://127.0.0.1:5000/  (Ctrl-C stops it)"
exec .venv/bin/flask --app beh_core run --host 127.0.0.1 --port 5000
