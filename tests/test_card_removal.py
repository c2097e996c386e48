"""Removing the card ends the portal session within a few seconds.

Everything real: Chromium (headless, via selenium + chromedriver, the ``chromium``
and ``portal`` fixtures of tests/browser_fixtures.py that the whole browser suite
shares) runs the portal page and siths.js; the portal is served over HTTP on loopback; the
local agent (``siths.agent``) runs on loopback with SoftHSM2 as the card's
PKCS#11 module and pcscd + the vsmartcard virtual reader for the card state;
stopping ``vicc`` removes the virtual card.  On the way the attestant also
signs an attest in the signing window, in the browser (the agent checks that
the card is in the reader).  A lost agent ends the session as well.  Missing parts skip the test, or
fail it when ``CI=true``.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from beh_core.models import AuditEvent
from beh_core.models.signing import AttestSignature, SithsSession
from siths_fixtures import READER_NAME
from siths_portal import agent_call, siths_config
from siths_sim import BO, wait_for

REMOVAL_DEADLINE = 5.0  # seconds from pulling the card to a dead portal session


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki, SITHS_CARD_POLL_MS=250)


def browser_card_login(app, portal, chromium, start_agent, virtual_card):
    """Card in, agent (with its card check) on loopback, Logga in Med TjänsteId+ in
    Chromium; returns the agent."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from siths.reader import PcscReaderMonitor

    agent = start_agent(BO[0], origin=portal, reader=PcscReaderMonitor(READER_NAME))
    assert agent.config.require_card
    app.config["SITHS_AGENT_URL"] = f"http://127.0.0.1:{agent.server_address[1]}"
    virtual_card.insert()
    assert wait_for(lambda: agent_call(agent, "GET", "/status", origin=portal)[1]["card_present"],
                    timeout=15), "the virtual card did not appear in the reader"

    # Logga in Med TjänsteId+ in the browser: siths.js, agent, portal.
    chromium.get(f"{portal}/login")
    button = WebDriverWait(chromium, 10).until(ec.visibility_of_element_located((By.ID, "siths-login-button")))
    assert "Kontrollera att kortet sitter i" in chromium.page_source
    button.click()
    WebDriverWait(chromium, 15).until(lambda d: "Inloggad: Johan Ekström (johek1)" in d.page_source)
    assert "data-beh-watch" in chromium.page_source  # the page follows the card
    return agent


def test_removing_the_card_ends_the_portal_session(app, region, card_holders, attest_order, db, portal,
                                                   chromium, start_agent, virtual_card):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser_card_login(app, portal, chromium, start_agent, virtual_card)
    old_cookie = chromium.get_cookie("session")["value"]

    # Godkänn opens the signing window ("Ett nytt fönster visas"); "Signera beställning" there:
    # siths.js and the agent sign; Stäng fönster closes it and the page behind moves on.
    chromium.get(f"{portal}/attest/{attest_order.number}")
    main = chromium.current_window_handle
    chromium.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    WebDriverWait(chromium, 10).until(lambda d: len(d.window_handles) == 2)
    chromium.switch_to.window(next(h for h in chromium.window_handles if h != main))
    sign = WebDriverWait(chromium, 10).until(ec.visibility_of_element_located((By.ID, "siths-sign-button")))
    assert f"Signering av beställning {attest_order.number}" in chromium.page_source
    sign.click()
    WebDriverWait(chromium, 15).until(lambda d: "Nu är signeringen klar" in d.page_source)
    close = chromium.find_element(By.ID, "siths-close")  # Stäng fönster
    assert close.is_displayed()
    db.expire_all()
    assert db.scalar(select(AttestSignature.signer_hsa_id)) == BO[0]
    close.click()
    WebDriverWait(chromium, 10).until(lambda d: len(d.window_handles) == 1)
    chromium.switch_to.window(main)
    WebDriverWait(chromium, 10).until(lambda d: d.current_url.rstrip("/").endswith("/attest"))

    # Pull the card: the session must be gone within a few seconds.
    virtual_card.remove()
    removed_at = time.monotonic()
    WebDriverWait(chromium, REMOVAL_DEADLINE + 5).until(
        lambda d: "/login" in d.current_url and "SITHS-kortet togs ur" in d.page_source)
    elapsed = time.monotonic() - removed_at
    assert elapsed < REMOVAL_DEADLINE, f"logged out only after {elapsed:.1f} s"
    assert "Inloggad:" not in chromium.page_source

    # The server refuses the old session cookie too (not only the page that left).
    client = app.test_client()
    client.set_cookie("session", old_cookie)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.expire_all()
    row = db.scalar(select(SithsSession))
    assert row.ended_at is not None and row.end_reason == "card_removed"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "logout"))
    assert event.details == {"reason": "card_removed"} and event.object_id == "johek1"


def test_losing_the_agent_ends_the_portal_session(app, region, card_holders, db, portal, chromium,
                                                  start_agent, virtual_card):
    """The agent (or the reader behind it) stops answering: after a few failed polls
    (SITHS_CARD_MAX_FAILED_POLLS, default 3) the page ends the session like a pulled card."""
    from selenium.webdriver.support.ui import WebDriverWait

    agent = browser_card_login(app, portal, chromium, start_agent, virtual_card)
    old_cookie = chromium.get_cookie("session")["value"]
    time.sleep(1.0)  # several good polls: the card is in, nothing happens
    assert "Inloggad: Johan Ekström (johek1)" in chromium.page_source

    agent.shutdown()  # the agent is gone (the card is still in the reader)
    agent.server_close()
    stopped_at = time.monotonic()
    WebDriverWait(chromium, REMOVAL_DEADLINE + 5).until(
        lambda d: "/login" in d.current_url and "BEH:s kortagent slutade svara" in d.page_source)
    elapsed = time.monotonic() - stopped_at
    assert elapsed < REMOVAL_DEADLINE, f"logged out only after {elapsed:.1f} s"
    assert "Inloggad:" not in chromium.page_source

    client = app.test_client()
    client.set_cookie("session", old_cookie)
    assert client.get("/").status_code == 302
    db.expire_all()
    assert db.scalar(select(SithsSession.end_reason)) == "agent_unreachable"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "logout"))
    assert event.details == {"reason": "agent_unreachable"} and event.object_id == "johek1"
