"""Shared fixtures for the SITHS tests: real SoftHSM2 tokens, real pcscd with
a vsmartcard virtual reader, and the vicc virtual card.

A pytest plugin (``pytest_plugins`` in ``tests/conftest.py``), used both by
the library tests in ``tests/siths`` and by the portal tests in ``tests/``:
one SoftHSM token directory and one pcscd per test session (pcscd 1.9.9 has
one fixed socket, so the PC/SC tests, including the browser test, run
serially on these session fixtures).

If a part is missing the tests are skipped - except when ``CI=true`` or
``BEH_REQUIRE_HARDWARE_SIM=1``: then they fail, so CI cannot go green by
silently skipping the hardware simulation.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

# Make the repository root importable however pytest was started.
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

# SoftHSM2 reads SOFTHSM2_CONF once, when the PKCS#11 module is loaded; set it
# before anything imports/loads it.  A fresh token dir per session, because
# keys left from an earlier run would make key lookups ambiguous.
_SESSION_DIR = tempfile.mkdtemp(prefix="beh-siths-tests-")
os.environ["SOFTHSM2_CONF"] = os.path.join(_SESSION_DIR, "softhsm", "softhsm2.conf")

from siths_sim import ANNA, BO, EVA_EC, PIN, SO_PIN  # noqa: E402

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
VICC = "/usr/bin/vicc"
VICC_PYTHONPATH = "/usr/lib/python3/site-packages/virtualsmartcard"
PCSC_SOCKET = "/run/pcscd/pcscd.comm"
VPCD_PORT = 35999
READER_NAME = "SITHS Test Reader"



def hardware_required() -> bool:
    """True if missing simulation parts must fail the run instead of skipping."""
    return os.environ.get("CI", "").lower() == "true" or \
        os.environ.get("BEH_REQUIRE_HARDWARE_SIM") == "1"


def missing(what: str):
    """Skip, or fail when hardware simulation is required."""
    if hardware_required():
        pytest.fail(f"required test dependency missing: {what}", pytrace=False)
    pytest.skip(f"missing: {what}")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def session_dir() -> str:
    return _SESSION_DIR


@pytest.fixture(scope="session")
def demo_pki(session_dir):
    """Demo PKI with RSA tokens for Anna and Bo and an EC token for Eva."""
    if not os.path.exists(SOFTHSM_MODULE) or not shutil.which("softhsm2-util"):
        missing("softhsm2 (apt-get install softhsm2)")
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        missing("python-pkcs11")
    from siths.demo_pki import create_demo_pki, init_token, generate_key_on_token, \
        issue_person_certificate, store_certificate
    import pkcs11 as p11

    pki = create_demo_pki(os.path.join(session_dir, "pki"), [ANNA, BO],
                          os.path.join(session_dir, "softhsm"), PIN, SO_PIN)
    # Eva gets an EC P-256 card, so both signature algorithms are exercised.
    init_token(EVA_EC[0], PIN, SO_PIN)
    lib = p11.lib(SOFTHSM_MODULE)
    lib.reinitialize()
    with lib.get_token(token_label=EVA_EC[0]).open(user_pin=PIN, rw=True) as s:
        for usage, kid in (("authentication", b"\x01"), ("signing", b"\x02")):
            pub = generate_key_on_token(s, kid, usage, "ec")
            cert = issue_person_certificate(pki.person_ca, pub, *EVA_EC, usage)
            store_certificate(s, cert, kid, usage)
        store_certificate(s, pki.person_ca.cert, b"\xca", "person-ca")
    return pki


@pytest.fixture(scope="session")
def trust_anchors(demo_pki):
    from siths.pki import load_certificate_files
    return load_certificate_files([demo_pki.root_pem_path])


@pytest.fixture
def crl_revocation(demo_pki):
    from siths.revocation import RevocationConfig
    return RevocationConfig(crls=demo_pki.crl_paths)


@pytest.fixture(scope="session")
def anna_token(demo_pki):
    from siths.token import Pkcs11Token
    return Pkcs11Token(SOFTHSM_MODULE, ANNA[0])


# ---------------------------------------------------------------- PC/SC -----

def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _pcscd_running() -> bool:
    """Is any pcscd process alive?  (Reads /proc: `ps` may not be installed.)"""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as fh:
                if fh.read().strip() == "pcscd":
                    return True
        except OSError:
            continue
    return False


@pytest.fixture(scope="session")
def pcscd(session_dir):
    """A private pcscd in the foreground with the vpcd virtual reader."""
    if not shutil.which("pcscd") or not os.path.exists(VPCD_DRIVER):
        missing("pcscd / vsmartcard-vpcd")
    try:
        import smartcard  # noqa: F401
    except ImportError:
        missing("pyscard")
    if _pcscd_running():
        # pcscd 1.9.9 always uses /run/pcscd/pcscd.comm: only one per machine.
        missing("another pcscd is already running; stop it to run the PC/SC tests")
    conf = os.path.join(session_dir, "pcsc-readers")
    os.makedirs(conf, exist_ok=True)
    with open(os.path.join(conf, "vpcd"), "w") as fh:
        fh.write(f'FRIENDLYNAME "{READER_NAME}"\nDEVICENAME /dev/null:0x{VPCD_PORT:X}\n'
                 f"LIBPATH {VPCD_DRIVER}\nCHANNELID 0x{VPCD_PORT:X}\n")
    log = open(os.path.join(session_dir, "pcscd.log"), "wb")
    proc = subprocess.Popen(["pcscd", "--foreground", "--config", conf],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if os.path.exists(PCSC_SOCKET) and _port_open(VPCD_PORT):
            break
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("pcscd did not come up in 10 s")
    if proc.poll() is not None:
        pytest.fail(f"pcscd exited with {proc.returncode}")
    yield proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


class VirtualCard:
    """Starts/stops Debian's vicc: a running vicc is an inserted card."""

    def __init__(self, session_dir: str):
        self.proc = None
        self.session_dir = session_dir

    def insert(self) -> None:
        if self.proc is not None:
            return
        env = dict(os.environ, PYTHONPATH=VICC_PYTHONPATH)
        # Run vicc with this interpreter: it needs pycryptodome's Crypto module.
        self.proc = subprocess.Popen([sys.executable, VICC, "-t", "iso7816", "-P", str(VPCD_PORT)],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def remove(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


@pytest.fixture
def virtual_card(pcscd, session_dir):
    if not os.path.exists(VICC):
        missing("vsmartcard-vpicc (vicc)")
    try:
        import Crypto  # noqa: F401
    except ImportError:
        missing("pycryptodome (needed by vicc)")
    card = VirtualCard(session_dir)
    yield card
    card.remove()

