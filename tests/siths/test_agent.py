"""The local agent over real HTTP on loopback, with SoftHSM2 and pcscd + vicc."""
from __future__ import annotations

import base64
import http.client
import json
import os
import subprocess
import sys
import threading

import pytest

from siths.agent import AgentConfig, make_server
from siths.challenge import InMemoryChallengeStore, challenge_bytes, new_challenge, \
    verify_signed_challenge
from siths.pins import StaticPinProvider
from siths.receipt import verify_signed_document

from siths_sim import ANNA, ORIGIN, PIN, wait_for


def call(port, method, path, body=None, origin=ORIGIN, host=None):
    """One HTTP request to the agent; returns (status, headers, json-or-None)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {"Host": host or f"127.0.0.1:{port}"}
    if origin is not None:
        headers["Origin"] = origin
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), (json.loads(raw) if raw else None)


@pytest.fixture
def agent(demo_pki):
    """An in-process agent for Anna's token; yields (server, pin_provider)."""
    pins = StaticPinProvider(PIN)
    cfg = AgentConfig(origin=ORIGIN, module_path=demo_pki.module_path, token_label=ANNA[0],
                      port=0, chain_files=[demo_pki.chain_pem_path])
    server = make_server(cfg, pins)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, pins
    server.shutdown()
    server.server_close()


def test_binds_loopback_only(agent):
    server, _ = agent
    assert server.server_address[0] == "127.0.0.1"


def test_origin_check(agent):
    server, _ = agent
    port = server.server_address[1]
    for origin in ("https://evil.example", None, "null", ORIGIN + ".evil.example"):
        status, headers, body = call(port, "GET", "/status", origin=origin)
        assert status == 403 and body["error"] == "forbidden_origin"
        assert "Access-Control-Allow-Origin" not in headers
    status, _, _ = call(port, "POST", "/sign", {"usage": "signing", "data_b64": "eA=="},
                        origin="https://evil.example")
    assert status == 403
    # DNS rebinding: right Origin but a foreign Host name is refused as well.
    assert call(port, "GET", "/status", host="evil.example:80")[0] == 403
    status, headers, _ = call(port, "OPTIONS", "/sign")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == ORIGIN
    status, headers, _ = call(port, "GET", "/certificates")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == ORIGIN


def test_certificates_listed_and_classified(agent):
    port = agent[0].server_address[1]
    status, _, body = call(port, "GET", "/certificates")
    assert status == 200
    by_usage = {c["usage"]: c for c in body["certificates"]}
    assert set(by_usage) == {"authentication", "signing"}
    assert by_usage["signing"]["hsa_id"] == ANNA[0]


def test_login_end_to_end_over_http(agent, trust_anchors, crl_revocation):
    port = agent[0].server_address[1]
    store = InMemoryChallengeStore()
    challenge = new_challenge(store)
    status, _, body = call(port, "POST", "/sign", {
        "usage": "authentication",
        "data_b64": base64.b64encode(challenge_bytes(challenge)).decode()})
    assert status == 200, body
    assert "pin" not in json.dumps(body).lower()
    ident = verify_signed_challenge(challenge, base64.b64decode(body["signature_b64"]),
                                    body["certificate_chain_pem"], trust_anchors,
                                    revocation=crl_revocation, store=store)
    assert ident.hsa_id == ANNA[0]


def test_sign_wrong_pin_and_bad_requests(agent):
    server, pins = agent
    port = server.server_address[1]
    pins.pin = "999999"
    status, _, body = call(port, "POST", "/sign", {"usage": "signing", "data_b64": "eA=="})
    assert status == 401 and body["error"] == "pin_incorrect"
    assert body["message_sv"].startswith("Fel PIN-kod")
    pins.pin = None  # the user cancelled the prompt
    assert call(port, "POST", "/sign", {"usage": "signing", "data_b64": "eA=="})[2]["error"] \
        == "cancelled"
    pins.pin = PIN
    for bad in ({"usage": "decrypt", "data_b64": "eA=="}, {"usage": "signing", "data_b64": "!!"},
                {"usage": "signing"}, {"usage": "signing", "data_b64": ""}):
        assert call(port, "POST", "/sign", bad)[0] == 400


def test_status_follows_virtual_card(agent, virtual_card):
    port = agent[0].server_address[1]

    def status():
        return call(port, "GET", "/status")[2]

    first = wait_for(lambda: status()["reader"])
    assert first and "SITHS Test Reader" in first
    assert status()["card_present"] is False
    virtual_card.insert()
    assert wait_for(lambda: status()["card_present"], timeout=15) is True
    assert status()["atr"]
    virtual_card.remove()
    assert wait_for(lambda: not status()["card_present"], timeout=15) is True


def test_agent_cli_subprocess_signs_document(demo_pki, trust_anchors, crl_revocation, tmp_path):
    """The real ``beh-siths-agent`` command with --pin-file, as a separate process."""
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n")
    os.chmod(pin_file, 0o600)
    env = dict(os.environ, BEH_SITHS_ORIGIN=ORIGIN, BEH_SITHS_TOKEN_LABEL=ANNA[0],
               BEH_SITHS_PORT="0", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "siths.agent", "--pin-file", str(pin_file),
                             "--chain", demo_pki.chain_pem_path], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "127.0.0.1:" in line, proc.stderr.read() if proc.poll() is not None else line
        port = int(line.split("127.0.0.1:")[1].split()[0])
        doc = json.dumps({"ordernummer": "c4164362", "beslut": "attesterad"},
                         separators=(",", ":"), sort_keys=True).encode()
        status, _, body = call(port, "POST", "/sign", {
            "usage": "signing", "data_b64": base64.b64encode(doc).decode()})
        assert status == 200, body
        ident = verify_signed_document(doc, base64.b64decode(body["signature_b64"]),
                                       body["certificate_chain_pem"], trust_anchors,
                                       revocation=crl_revocation, expected_hsa_id=ANNA[0])
        assert ident.name == "Anna Andersson"
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
