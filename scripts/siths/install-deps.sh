#!/bin/sh
# Install what the siths package and its tests need, on Debian 12.
# Idempotent.  Run as root (apt); the Python packages go into the venv given
# as $1 (default: .venv in the current directory).
#
#   sudo scripts/siths/install-deps.sh /path/to/.venv
set -eu

VENV="${1:-.venv}"
# chromium + chromium-driver: the portal browser test (tests/test_card_removal.py).
APT_PACKAGES="softhsm2 pcscd libpcsclite-dev vsmartcard-vpcd vsmartcard-vpicc chromium chromium-driver"
PIP_PACKAGES="pyscard python-pkcs11 cryptography asn1crypto pycryptodome selenium"

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps.sh: run as root (apt-get)" >&2
    exit 1
fi

missing=""
for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $missing
fi

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
# pyscard has no Linux wheel: it builds against libpcsclite-dev (winscard.h);
# pip brings its own swig in the build environment, so keep build isolation.
# pycryptodome is only needed so Debian's vicc can run under the venv python.
# shellcheck disable=SC2086
"$VENV/bin/pip" install --quiet $PIP_PACKAGES

# The agent/test code needs these files to exist:
for f in /usr/lib/softhsm/libsofthsm2.so /usr/lib/pcsc/drivers/serial/libifdvpcd.so \
         /usr/bin/vicc /usr/sbin/pcscd /usr/bin/softhsm2-util /usr/bin/chromium /usr/bin/chromedriver; do
    [ -e "$f" ] || { echo "install-deps.sh: missing $f" >&2; exit 1; }
done
"$VENV/bin/python" -c "import smartcard, pkcs11, cryptography, asn1crypto, Crypto, selenium"
echo "siths dependencies OK"
