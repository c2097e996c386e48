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

from siths.reader import PcscReaderMonitor
from siths_fixtures import READER_NAME
from siths_sim import ANNA, ORIGIN, PIN, wait_for

CARD_MISSING = "Sätt i SITHS-kortet i kortläsaren."


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


def _serve(demo_pki, pins, **settings):
    cfg = AgentConfig(origin=ORIGIN, module_path=demo_pki.module_path, token_label=ANNA[0],
                      port=0, chain_files=[demo_pki.chain_pem_path], **settings)
    server = make_server(cfg, pins, reader=PcscReaderMonitor(READER_NAME))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def agent(demo_pki):
    """An in-process agent for Anna's token without the card check (token tests);
    yields (server, pin_provider)."""
    pins = StaticPinProvider(PIN)
    server = _serve(demo_pki, pins, require_card=False)
    yield server, pins
    server.shutdown()
    server.server_close()


@pytest.fixture
def card_agent(demo_pki, pcscd):
    """An agent with the default card check, watching the virtual reader."""
    server = _serve(demo_pki, StaticPinProvider(PIN))
    assert server.config.require_card  # on by default
    yield server
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
    # The answer is the signature and the chain, nothing about the PIN. (Not "no 'pin' anywhere": the
    # signature and the certificates are random base64, where "pin" in any case stands now and then.)
    assert set(body) == {"signature_b64", "algorithm", "certificate_chain_pem"}
    assert PIN not in json.dumps(body)
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


def test_sign_and_certificates_need_the_card_in_the_reader(card_agent, virtual_card):
    """SoftHSM is independent of the reader: only the agent's PC/SC check stops a
    signature after the card is pulled."""
    port = card_agent.server_address[1]
    body = {"usage": "signing", "data_b64": base64.b64encode(b"attest c100001").decode()}

    def card_present():
        return call(port, "GET", "/status")[2]["card_present"]

    assert wait_for(lambda: call(port, "GET", "/status")[2]["reader"])
    assert card_present() is False
    for method, path, payload in (("POST", "/sign", body), ("GET", "/certificates", None)):
        status, headers, answer = call(port, method, path, payload)
        assert status == 503 and answer == {"error": "card_not_present", "message_sv": CARD_MISSING}
        assert headers["Access-Control-Allow-Origin"] == ORIGIN  # the page can read the message

    virtual_card.insert()  # card in: signs
    assert wait_for(card_present, timeout=15) is True
    status, _, answer = call(port, "POST", "/sign", body)
    assert status == 200 and answer["signature_b64"], answer
    assert call(port, "GET", "/certificates")[0] == 200

    virtual_card.remove()  # vicc stopped: refused again, although SoftHSM would still sign
    assert wait_for(lambda: not card_present(), timeout=15) is True
    status, _, answer = call(port, "POST", "/sign", body)
    assert status == 503 and answer["error"] == "card_not_present" and answer["message_sv"] == CARD_MISSING
    assert call(port, "GET", "/certificates")[0] == 503


def test_card_check_fails_closed_without_a_reader(demo_pki):
    """No reader at all (or pcscd unreachable) is no card either."""
    class NoReader:
        def status(self):
            return {"reader": None, "card_present": False, "atr": None, "error": "pcsc_unavailable"}

    cfg = AgentConfig(origin=ORIGIN, module_path=demo_pki.module_path, token_label=ANNA[0], port=0)
    pins = StaticPinProvider(PIN)
    server = make_server(cfg, pins, reader=NoReader())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, _, answer = call(server.server_address[1], "POST", "/sign",
                                 {"usage": "authentication", "data_b64": "eA=="})
        assert status == 503 and answer["error"] == "card_not_present"
        assert "kortläsare" in answer["message_sv"]
    finally:
        server.shutdown()
        server.server_close()


def _start_cli(args, env, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "siths.agent", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "127.0.0.1:" not in line:
        proc.kill()
        raise AssertionError(proc.stderr.read() or line)
    return proc, int(line.split("127.0.0.1:")[1].split()[0])


def _stop_cli(proc):
    proc.terminate()
    proc.wait(10)
    proc.stdout.close()
    proc.stderr.close()


def test_require_card_environment_switch():
    from siths.agent import _env_bool

    assert _env_bool(None, True) is True and _env_bool("", True) is True
    assert _env_bool("0", True) is False and _env_bool("false", True) is False
    assert _env_bool("1", False) is True and _env_bool("on", False) is True
    with pytest.raises(SystemExit):
        _env_bool("maybe", True)


def test_agent_cli_requires_the_card_by_default(demo_pki, tmp_path):
    """The real command without --no-require-card refuses when no card is in a reader."""
    env = dict(os.environ, BEH_SITHS_ORIGIN=ORIGIN, BEH_SITHS_TOKEN_LABEL=ANNA[0],
               BEH_SITHS_PORT="0", BEH_SITHS_PIN_ENV="BEH_TEST_PIN", BEH_TEST_PIN=PIN,
               BEH_SITHS_READER="no such reader", PYTHONUNBUFFERED="1")
    env.pop("BEH_SITHS_REQUIRE_CARD", None)
    proc, port = _start_cli([], env, tmp_path)
    try:
        status, _, body = call(port, "POST", "/sign", {"usage": "signing", "data_b64": "eA=="})
        assert status == 503 and body["error"] == "card_not_present", body
    finally:
        _stop_cli(proc)


def test_agent_cli_subprocess_signs_document(demo_pki, trust_anchors, crl_revocation, tmp_path):
    """The real ``beh-siths-agent`` command with --pin-file, as a separate process."""
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n")
    os.chmod(pin_file, 0o600)
    # No card reader here: the demo switch turns the card check off.
    env = dict(os.environ, BEH_SITHS_ORIGIN=ORIGIN, BEH_SITHS_TOKEN_LABEL=ANNA[0],
               BEH_SITHS_PORT="0", PYTHONUNBUFFERED="1")
    proc, port = _start_cli(["--pin-file", str(pin_file), "--chain", demo_pki.chain_pem_path,
                             "--no-require-card"], env, tmp_path)
    try:
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
        _stop_cli(proc)
