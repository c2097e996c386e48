"""Issue 8, finding 5: hostile input never gives a 500.

Every route of the route table (as test_authz_matrix enumerates it), called
by a role that passes its route rule (and logged out: the demo login before
any login), gets NUL bytes and other control characters in the path, the
query string and every form field, and ids of 2^31, 2^63 and -1 in every
field and every ``<int:...>`` in the path, with each form action the pages
offer. No answer may be a 5xx (TESTING is on, so a crash raises here).
Field and action names are read from the templates and views, so a new
form is probed without editing this test.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from beh_core.authz import PUBLIC
from beh_core.views.access import route_rule
from helpers import Browser, make_order, person, person_without_permissions, text_of

ROOT = Path(__file__).resolve().parent.parent
ROLE_FOR_RULE = {"logged_in": "sarbe1", "order": "sarbe1", "attest": "johek1", "list_orders": "sarbe1",
                 "delegate": "marho1", "fulfil": "lensa1", "admin": "kardah", "feedback": "sarbe1",
                 "mail_link": "sarbe1", "leavers": "marho1"}
BIG = [str(2**31), str(2**63), "-1"]
CONTROL = ["a\x00b", "\x00", "x\x01y", "\x1b[2J", "a\u202eb", "\x7f"]


def _names(pattern: str, paths) -> set[str]:
    found: set[str] = set()
    for path in paths:
        found |= set(re.findall(pattern, path.read_text("utf-8")))
    return found


TEMPLATES = list((ROOT / "templates").rglob("*.html"))
VIEWS = list((ROOT / "beh_core" / "views").glob("*.py"))
FIELDS = sorted((_names(r'name="([A-Za-z_][\w.]*)"', TEMPLATES)
                 | _names(r'request\.(?:form|args|values)\.get(?:list)?\("([\w.]+)"', VIEWS)
                 | _names(r'\n    (\w+) = \w*Field\(', VIEWS))  # the fields of the views' WTForms forms
                - {"csrf_token", "viewport"})
ACTIONS = sorted(_names(r'name="action" value="([\w:]+)"', TEMPLATES)) + ["ta_bort:1", ""]


@pytest.fixture
def orders(region):
    """A waiting and an attested order of sarbe1 (attestant johek1), so order pages get past 404."""
    waiting = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                         attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    attested = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                          attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr",
                          status="attesterad")
    return [waiting.number, attested.number]


def _path_variants(rule, numbers: list[str]) -> list[tuple[str, bool]]:
    """(URL, real) for the rule: real values (the field payloads are sent to these) and hostile ones."""
    template = rule.rule
    args = re.findall(r"<(?:(\w+):)?(\w+)>", template)
    if not args:
        return [(template, True)]
    variants = []
    for choice in range(len(numbers) + 4):
        url = template
        for converter, name in args:
            if converter == "catalogue":
                value = "lr"  # only the catalogues' own keys match: anything else is plain 404
            elif name == "page":
                value = ["local", "regional", "%00", "a%0ab", "x", "9" * 40][choice % 6]
            elif converter == "int":
                value = ["1", "2147483647", str(2**31), str(2**63), "0", "1"][choice % 6]
            elif name == "number":
                value = (numbers + ["c1%00", quote("c\x01") + "x", "9" * 40, "%E2%80%AE"])[choice]
            else:
                value = ["x", "y", "%00", "a%0ab", quote("\u202e"), "9" * 40][choice % 6]
            url = url.replace(f"<{converter + ':' if converter else ''}{name}>", value)
        variants.append((url, choice < len(numbers)))
    return variants


def _acceptable(endpoint: str, response) -> bool:
    """No 5xx; the one exception is the card login challenge saying SITHS is not set up here (503, JSON)."""
    if response.status_code < 500:
        return True
    return (endpoint == "siths.challenge" and response.status_code == 503
            and response.get_json().get("error") in ("siths_not_configured", "too_many_challenges"))


def _client(app, role: str | None) -> Browser:
    browser = Browser(app.test_client())
    if role:
        browser.login(role)
    else:
        browser.get("/login")  # a CSRF token for the anonymous forms
    return browser


def _send(browser: Browser, method: str, url: str, data: dict | None = None):
    if method == "GET":
        return browser.get(url)
    return browser.post(url, data or {})


def test_fientlig_inmatning_på_varje_väg_ger_aldrig_500(app, region, orders):
    problems: list[str] = []
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    assert len(rules) > 30 and len(FIELDS) > 20 and len(ACTIONS) > 10
    requests = 0
    for rule in sorted(rules, key=lambda r: r.rule):
        rule_name = route_rule(app, rule.endpoint)
        roles = [None, "sarbe1"] if rule_name == PUBLIC else [ROLE_FOR_RULE[rule_name]]
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for role in roles:
            browser = _client(app, role)
            for method in methods:
                for url, real in _path_variants(rule, orders):
                    payloads = [("query", {})]
                    for value in (CONTROL if real else []):
                        payloads.append(("query", {name: value for name in FIELDS}))
                        if method == "POST":
                            payloads.append(("form", {name: value for name in FIELDS}))
                    for value in (BIG if real else []):
                        payloads.append(("query", {name: value for name in FIELDS}))
                        if method == "POST":
                            for action in ACTIONS:
                                payloads.append(("form", {**{name: value for name in FIELDS}, "action": action}))
                    for where, values in payloads:
                        target = url + ("?" + urlencode(values) if where == "query" else "")
                        try:
                            response = _send(browser, method, target, values if where == "form" else None)
                        except Exception as exc:  # noqa: BLE001 - TESTING propagates a crash: report it
                            problems.append(f"{method} {target[:120]} ({where}) raised {type(exc).__name__}: "
                                            f"{str(exc)[:200]}")
                            continue
                        finally:
                            requests += 1
                        if not _acceptable(rule.endpoint, response):
                            problems.append(f"{method} {target[:120]} ({where}) -> {response.status_code}")
                        if rule.endpoint in ("auth.logout", "siths.card_removed", "auth.demo_login") and role:
                            browser = _client(app, role)
    assert problems == [], "\n".join(sorted({re.sub(r"\?\S*", "", p) for p in problems}))
    assert requests > 2000


@pytest.mark.parametrize("url", ["/login?next=/%00", "/bestallningar/c1%00", "/lr/%00", "/%00",
                                 "/bestallningar/alla?ordernummer=c%001", "/bestallningar/alla?status=%1b"])
def test_styrtecken_ger_400_med_ett_svenskt_meddelande(region, login, url):
    response = login("sarbe1").get(url)
    assert response.status_code == 400
    assert "tecken som inte är tillåtna" in text_of(response)


def test_nul_i_demoinloggningen_före_inloggning_ger_400(region, browser):
    browser.get("/login")
    response = browser.post("/login/demo", {"vgr_id": "sarbe1\x00"})
    assert response.status_code == 400 and "tecken som inte är tillåtna" in text_of(response)


def test_radbrytning_och_tab_i_ett_textfält_är_tillåtna(region, login):
    from helpers import forvaltning_id, start_wizard

    browser = login("sarbe1")
    start_wizard(browser, person_without_permissions(region), forvaltning_id(region, "SU"))
    response = browser.post("/lr/sida/local", {"action": "next", "free_text": "rad 1\r\n\trad 2"})
    assert response.status_code != 400


@pytest.mark.parametrize("value, expected", [("12", 12), ("-5", -5), (str(2**31 - 1), 2**31 - 1),
                                             (str(2**31), None), (str(2**63), None), ("9" * 5000, None),
                                             ("x", None), ("", None)])
def test_heltal_i_formulär_är_begränsade_till_databasens_heltal(app, value, expected):
    with app.test_request_context("/?n=" + quote(value), method="POST", data={"n": value, "m": [value, "3"]}):
        from flask import request

        assert request.args.get("n", type=int) == expected
        assert request.form.get("n", type=int) == expected
        assert request.values.get("n", type=int) == expected
        assert request.form.getlist("m", type=int) == ([expected, 3] if expected is not None else [3])
        assert request.values.getlist("m", type=int) == ([expected, 3] if expected is not None else [3])
