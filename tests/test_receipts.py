"""Receipts: ``flask --app beh_core beh receipt export ORDERNUMMER`` writes a
self-contained receipt that ``beh-siths verify RECEIPT --trust CA.pem`` checks
offline; any changed byte makes it fail."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import text_of
from siths_portal import card_login, signed_attest, siths_config
from siths_sim import BO


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki)


@pytest.fixture
def signed_order(browser, start_agent, attest_order):
    """attest_order approved and signed by johek1 with his card."""
    agent = start_agent(BO[0])
    card_login(browser, agent)
    assert signed_attest(browser, agent, attest_order.number).status_code == 302
    return attest_order


def verify(path, trust, *extra) -> subprocess.CompletedProcess:
    """Run the real ``beh-siths verify`` command line in a separate process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEH_")}
    return subprocess.run([sys.executable, "-m", "siths.cli", "verify", str(path), "--trust", trust,
                           *extra], capture_output=True, text=True, env=env, timeout=60)


def export(app, number, *args):
    return app.test_cli_runner().invoke(args=["beh", "receipt", "export", number, *args])


def test_exported_receipt_verifies_offline(app, signed_order, demo_pki, tmp_path):
    path = tmp_path / "kvitto.json"
    result = export(app, signed_order.number, "-o", str(path))
    assert result.exit_code == 0, result.output
    checked = verify(path, demo_pki.root_pem_path, "--json")
    assert checked.returncode == 0, checked.stderr
    answer = json.loads(checked.stdout)
    assert answer["valid"] and answer["hsa_id"] == BO[0] and answer["name"] == "Bo Berg"
    assert answer["document"]["ordernummer"] == signed_order.number
    assert answer["document"]["beslut"] == "godkänd"
    human = verify(path, demo_pki.root_pem_path)
    assert human.returncode == 0 and "Signeringskvittot är giltigt" in human.stdout
    # The revocation state can be re-checked with the CRLs, too.
    assert verify(path, demo_pki.root_pem_path, "--crl", demo_pki.crl_paths[0],
                  "--crl", demo_pki.crl_paths[1]).returncode == 0


def test_one_changed_byte_anywhere_fails(app, signed_order, demo_pki, tmp_path):
    path = tmp_path / "kvitto.json"
    assert export(app, signed_order.number, "-o", str(path)).exit_code == 0
    original = path.read_bytes()
    positions = sorted({0, len(original) // 7, len(original) // 3, len(original) // 2,
                        2 * len(original) // 3, len(original) - 2, len(original) - 1,
                        original.index(b"document_b64") + 40, original.index(b"signature_b64") + 40,
                        original.index(b"signed_at") + 14})
    for pos in positions:
        changed = bytearray(original)
        changed[pos] = changed[pos] ^ 0x01
        tampered = tmp_path / f"kvitto-{pos}.json"
        tampered.write_bytes(bytes(changed))
        result = verify(tampered, demo_pki.root_pem_path)
        assert result.returncode == 1, (pos, result.stdout)
        assert "OGILTIGT KVITTO" in result.stderr
    # An added byte (trailing newline) fails as well.
    (tmp_path / "newline.json").write_bytes(original + b"\n")
    assert verify(tmp_path / "newline.json", demo_pki.root_pem_path).returncode == 1


def test_receipt_does_not_verify_against_another_root(app, signed_order, tmp_path):
    from siths.demo_pki import make_ca

    other = make_ca("Some Other Root CA")
    root = tmp_path / "other-root.pem"
    root.write_bytes(other.pem)
    path = tmp_path / "kvitto.json"
    assert export(app, signed_order.number, "-o", str(path)).exit_code == 0
    assert verify(path, str(root)).returncode == 1


def test_export_to_stdout_gives_the_same_bytes_as_the_download(app, signed_order, browser, tmp_path):
    path = tmp_path / "kvitto.json"
    assert export(app, signed_order.number, "-o", str(path)).exit_code == 0
    stdout = export(app, signed_order.number)
    assert stdout.exit_code == 0
    assert stdout.stdout_bytes == path.read_bytes()
    download = browser.get(f"/attest/{signed_order.number}/kvitto")
    assert download.status_code == 200 and download.data == path.read_bytes()
    assert "attachment" in download.headers["Content-Disposition"]


def test_export_of_an_unsigned_order_fails_clearly(app, attest_order, login):
    result = export(app, attest_order.number)
    assert result.exit_code != 0 and "har ingen signerad attest" in result.output
    result = export(app, "c1")
    assert result.exit_code != 0 and "finns inte" in result.output
    assert login("sarbe1").get(f"/attest/{attest_order.number}/kvitto").status_code == 404


def test_receipt_download_needs_a_right_to_see_the_order(signed_order, login):
    assert login("eriny1").get(f"/attest/{signed_order.number}/kvitto").status_code == 403
    assert text_of(login("sarbe1").get(f"/attest/{signed_order.number}/kvitto")).startswith('{"algorithm"')
