"""Fixtures and helpers for the portal's SITHS tests (a pytest plugin, see
``tests/conftest.py``): a portal configured with the demo PKI of
``siths_fixtures``, demo identities holding the SoftHSM "cards", the real
agent in-process on loopback, card login and a complete signed attest.

Card holders: johek1 has Bo's RSA card, perwi1 Eva's EC card; Anna's
HSA-ID is not in the directory.
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import threading

import pytest
from sqlalchemy import update

from helpers import make_config, make_order, person, text_of
from siths_sim import ANNA, BO, EVA_EC, PIN

AGENT_ORIGIN = "http://localhost"  # the test client's origin; the agent only answers it
DOC_RE = re.compile(r'data-document="([^"]+)"')


def siths_config(database_url, tmp_path, pki, **extra) -> dict:
    """Test settings with SITHS on: demo root as trust anchor, its CRLs, signing required."""
    settings = dict(ATTEST_SIGNING="required", SITHS_TRUST_ANCHORS=[pki.root_pem_path],
                    SITHS_CRL_FILES=list(pki.crl_paths))
    settings.update(extra)
    return make_config(database_url, tmp_path, **settings)


@pytest.fixture
def card_holders(region):
    """Give johek1 Bo's card and perwi1 Eva's card (their HSA-IDs in the directory)."""
    from beh_core.models import Person

    wanted = {"johek1": BO[0], "perwi1": EVA_EC[0]}
    region.execute(update(Person).where(Person.hsa_id.in_(list(wanted.values()) + [ANNA[0]]))
                   .values(hsa_id=None))
    for vgr_id, hsa_id in wanted.items():
        region.execute(update(Person).where(Person.vgr_id == vgr_id).values(hsa_id=hsa_id))
    region.commit()
    return wanted


@pytest.fixture
def start_agent(demo_pki):
    """start_agent(token_label, pin=PIN, origin=AGENT_ORIGIN, reader=None) -> a running agent.

    With a ``reader`` (pcscd + vicc) the agent checks that the card is in it,
    as the real agent does; without one the card check is off (the tests that
    only need the token's signatures run without pcscd).
    """
    from siths.agent import AgentConfig, make_server
    from siths.pins import StaticPinProvider

    servers = []

    def _start(token_label: str, pin: str = PIN, origin: str = AGENT_ORIGIN, reader=None):
        cfg = AgentConfig(origin=origin, module_path=demo_pki.module_path, token_label=token_label,
                          port=0, chain_files=[demo_pki.chain_pem_path],
                          require_card=reader is not None)
        server = make_server(cfg, StaticPinProvider(pin), reader=reader)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.shutdown()
        server.server_close()


def agent_call(server, method: str, path: str, body: dict | None = None,
               origin: str = AGENT_ORIGIN) -> tuple[int, dict]:
    """One HTTP request to the agent on loopback, like the page's fetch()."""
    port = server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Host": f"127.0.0.1:{port}", "Origin": origin}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    return resp.status, (json.loads(raw) if raw else {})


def agent_sign(server, usage: str, data_b64: str) -> dict:
    """Ask the agent to sign; assert it worked; return its answer."""
    status, body = agent_call(server, "POST", "/sign", {"usage": usage, "data_b64": data_b64})
    assert status == 200, body
    return body


def get_challenge(browser) -> dict:
    """POST /siths/utmaning like siths.js (CSRF token in a header)."""
    browser.get("/login")  # the login page, with this session's CSRF token
    response = browser.client.post("/siths/utmaning", headers={"X-CSRFToken": browser.token})
    assert response.status_code == 200, text_of(response)
    return response.get_json()


def post_login(browser, challenge: str, signature_b64: str, chain_pem: str, **extra):
    """POST the signed challenge like the login form does."""
    browser.get("/login")
    return browser.post("/siths/login", {"challenge": challenge, "signature_b64": signature_b64,
                                         "certificate_chain_pem": chain_pem, **extra})


def card_login(browser, agent):
    """The whole card login over HTTP: challenge, agent signs, portal verifies."""
    got = get_challenge(browser)
    signed = agent_sign(agent, "authentication", got["data_b64"])
    response = post_login(browser, got["challenge"], signed["signature_b64"],
                          signed["certificate_chain_pem"])
    return response, got, signed


def logged_in_as(browser) -> str | None:
    """The 'Inloggad: …' text of the start page, or None when not logged in."""
    response = browser.client.get("/")
    if response.status_code != 200:
        return None
    match = re.search(r"Inloggad:\s*([^<(]+\([^)]+\))", text_of(response))
    return match.group(1).strip() if match else None


@pytest.fixture
def attest_order(region, card_holders):
    """A two-line order waiting for johek1's attest (in SU / Område Medicin)."""
    from beh_core.models import OrderLine

    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person(region, "eriny1"),
                       attestant=person(region, "johek1"), forvaltning_code="SU",
                       omrade_name="Område Medicin", item=("lr.slvd", "Slutenvårdsdos (SLVD)"))
    order.lines[0].values = {"roll": "VGR;SLVD_Farmaceut"}
    order.lines.append(OrderLine(position=1, item_key="lr.su.flexlab", item_name="Flexlab",
                                 scope="local", values={}))
    region.commit()
    return order


def open_signing(browser, number: str, action: str = "approve", comment: str = ""):
    """Godkänn/Avslå on the attest page; returns (signing page URL, its HTML, document b64)."""
    browser.get(f"/attest/{number}")
    response = browser.post(f"/attest/{number}", {"action": action, "comment": comment})
    assert response.status_code == 302, text_of(response)
    url = response.headers["Location"]
    assert "/signering/" in url
    page = text_of(browser.get(url))
    return url, page, DOC_RE.search(page).group(1)


def signed_attest(browser, agent, number: str, action: str = "approve", comment: str = ""):
    """Open the signing window, sign with the agent, submit; returns the POST response."""
    url, _, doc_b64 = open_signing(browser, number, action, comment)
    signed = agent_sign(agent, "signing", doc_b64)
    return browser.post(url, {"signature_b64": signed["signature_b64"],
                              "certificate_chain_pem": signed["certificate_chain_pem"]})


def backdate(db, model, column: str, key_column: str, key, seconds: int) -> None:
    """Move a timestamp into the past (stale challenges, expired signing windows)."""
    table = model.__table__
    when = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=seconds)
    db.execute(update(table).where(table.c[key_column] == key).values({column: when}))
    db.commit()

