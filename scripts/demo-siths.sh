#!/bin/sh
# SITHS demo: SoftHSM "cards" with demo-CA certificates for the demo identities,
# the portal's SITHS settings, and the local agent in the background.
#
#   scripts/demo-siths.sh start [--as johek1] [--origin http://127.0.0.1:5000] [--agent-port 8765]
#   scripts/demo-siths.sh switch perwi1      # put another person's card in
#   scripts/demo-siths.sh status | stop
#
# Run after the demo region exists (flask --app beh_core beh demo).  Then start
# the portal with the settings it wrote:   . instance/siths-demo/siths.env
# Demo folder: $BEH_SITHS_DEMO_DIR (default instance/siths-demo).  Needs
# scripts/siths/install-deps.sh (softhsm2, python-pkcs11) once.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${BEH_PYTHON:-$ROOT/.venv/bin/python}"
cd "$ROOT"
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" exec "$PY" "$ROOT/scripts/demo_siths.py" "$@"
