"""Issue 8, finding 7: security headers on every response, no caching of pages, Secure cookies.

Every route of the route table is requested (with each method it answers, by
a role its rule lets in) and every answer, whatever its status, carries the
headers. HSTS comes only over HTTPS, and X-Forwarded-Proto counts only from a
trusted proxy.
"""
from __future__ import annotations

import re

import pytest

from beh_core import create_app
from beh_core.authz import PUBLIC
from beh_core.views.access import route_rule
from beh_core.db import get_database
from helpers import Browser, make_config, make_order, person, person_without_permissions, text_of
from test_hardening_input import ROLE_FOR_RULE

@pytest.fixture
def make_app(migrated, tmp_path):
    """make_app(**settings) -> an app of its own; its database connections are closed afterwards."""
    made = []

    def _make(**extra):
        made.append(create_app(make_config(migrated, tmp_path, **extra)))
        return made[-1]

    yield _make
    for application in made:
        get_database(application).engine.dispose()


NONCE_RE = re.compile(r"script-src 'self' 'nonce-([\w-]+)'")


def assert_security_headers(response, where: str, static: bool = False) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "base-uri 'none'" in csp, where
    assert NONCE_RE.search(csp) and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0], where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    if not static:
        assert headers.get("Cache-Control") == "no-store", where
    assert "Strict-Transport-Security" not in headers, where  # plain HTTP here


def test_varje_väg_i_vägtabellen_har_säkerhetshuvudena(app, region):
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    browsers: dict = {}

    def browser_for(role):
        if role not in browsers:
            browsers[role] = Browser(app.test_client())
            if role:
                browsers[role].login(role)
            else:
                browsers[role].get("/login")
        return browsers[role]

    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            response = app.test_client().get("/static/siths.js")
            assert_security_headers(response, "static", static=True)
            response.close()
            continue
        url = rule.rule
        for name in re.findall(r"<(?:\w+:)?(\w+)>", rule.rule):
            value = {"number": order.number, "line_id": str(order.lines[0].id), "nonce": "x", "token": "x",
                     "scope": "local", "catalogue": "lr", "page": "local", "run_id": "1",
                     "engagement_id": "1"}[name]
            url = re.sub(r"<(?:\w+:)?" + name + ">", value, url)
        rule_name = route_rule(app, rule.endpoint)
        for role in ([None, "sarbe1"] if rule_name == PUBLIC else [None, ROLE_FOR_RULE[rule_name]]):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if rule.endpoint == "auth.logout":
                    continue  # checked last, it ends the session
                browser = browser_for(role)
                response = browser.get(url) if method == "GET" else browser.post(url, {})
                assert_security_headers(response, f"{method} {url} as {role} ({response.status_code})")
                checked += 1
    response = browser_for("sarbe1").post("/logout")
    assert_security_headers(response, "POST /logout")
    assert checked > 60


def test_csp_tillåter_den_lokala_kortagenten_och_sidans_egna_skript(app, region, login):
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    orderer = login("sarbe1")
    response = orderer.get("/lr/")  # Sök fram användare has an inline script (the hint follows Sök på)
    csp = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' http://127.0.0.1:8765" in csp  # SITHS_AGENT_URL
    nonce = NONCE_RE.search(csp).group(1)
    assert f'<script nonce="{nonce}">' in text_of(response)  # the inline script carries this response's nonce
    other = orderer.get("/lr/")
    assert NONCE_RE.search(other.headers["Content-Security-Policy"]).group(1) != nonce


def test_hsts_bara_över_https(app, region, browser):
    assert "Strict-Transport-Security" not in browser.get("/login").headers
    secure = app.test_client().get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_x_forwarded_proto_räknas_bara_från_en_betrodd_proxy(make_app):
    app = make_app(TRUSTED_PROXIES=["10.0.0.5"])
    client = app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    from_anyone = client.get("/login", headers=forwarded, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert "Strict-Transport-Security" not in from_anyone.headers
    from_proxy = client.get("/login", headers=forwarded, environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert from_proxy.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_x_forwarded_for_ger_klientens_adress_bara_från_en_betrodd_proxy(make_app):
    from flask import request

    app = make_app(TRUSTED_PROXIES=["10.0.0.5"])
    seen = []
    app.before_request(lambda: seen.append(request.remote_addr))
    client = app.test_client()
    client.get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    client.get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"}, environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert seen == ["203.0.113.9", "198.51.100.7"]


@pytest.mark.parametrize("demo, secure", [(True, False), (False, True)])
def test_sessionskakan_är_secure_utanför_demoläge(make_app, demo, secure):
    app = make_app(DEMO=demo, DEMO_LOGIN=demo, ATTEST_SIGNING="off" if demo else "required")
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    response = app.test_client().get("/login?lang=sv", base_url="https://localhost")  # writes the session
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure


def test_secure_kan_stängas_av_uttryckligen_för_utveckling_över_http(make_app, monkeypatch):
    monkeypatch.setenv("BEH_SESSION_COOKIE_SECURE", "false")
    app = make_app(DEMO=False, DEMO_LOGIN=False, ATTEST_SIGNING="required")
    assert app.config["SESSION_COOKIE_SECURE"] is False
