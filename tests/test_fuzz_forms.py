"""Generated input against every form of the portal: never a 500 (hypothesis).

For every route that takes a POST (and the search forms that are GETs), as a role that passes its
route rule, hypothesis generates form data: the field names the page really has (read from the
page itself) plus stray ones, with values from plain text to NUL bytes, control characters, right-
to-left marks, 20,000-character texts, dates in every shape and ids of 2^31, 2^63 and below zero.
The wizard is fuzzed with a draft in every step. At least 2,000 generated requests per run.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beh_core.authz import PUBLIC
from beh_core.views.access import route_rule
from helpers import Browser, choose_systems, forvaltning_id, person_without_permissions, start_wizard, text_of
from test_hardening_input import ROLE_FOR_RULE, _path_variants, orders  # noqa: F401 - orders is a fixture

EXAMPLES_PER_FORM = 80
MINIMUM_REQUESTS = 2000
INPUT_RE = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
GET_FORMS = {"orders.mine", "orders.all_", "servicedesk.queue", "delegation.new", "delegation.search",
             "delegation.manage", "orders.change_attestant"}

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    st.sampled_from(["\x00", "a\x00b", "\x1b[2J", "\u202e", "\x7f", "%00", "' OR 1=1 --", "<script>x</script>",
                     "../../etc/passwd", "ÅÄÖ åäö", "  ", "19800101-1234", "SE2321000131-P000000000001"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from([str(2**31), str(2**63), "-1", "0", "1e309", "NaN", "9" * 400]),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
    st.sampled_from(["2026-02-30", "31/12", "2026-13-01", "99999-01-01"]),
    st.text(min_size=1, max_size=3).map(lambda t: t * 7000),  # ~20,000 characters
)


def _fields_on(browser: Browser, url: str) -> list[str]:
    """The names of the form fields of the page (its GET), or [] when there is no page to get."""
    page = browser.get(url)
    if page.status_code != 200 or "text/html" not in page.content_type:
        return []
    return sorted(set(INPUT_RE.findall(text_of(page))) - {"csrf_token"})


def _form_routes(app, numbers):
    """(endpoint, method, url, role) of every form: POST routes and the GET search forms."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or rule.endpoint == "auth.logout":
            continue
        methods = [m for m in ("POST",) if m in rule.methods]
        if rule.endpoint in GET_FORMS:
            methods.append("GET")
        if not methods:
            continue
        rule_name = route_rule(app, rule.endpoint)
        role = None if rule_name == PUBLIC else ROLE_FOR_RULE[rule_name]
        for url, real in _path_variants(rule, numbers):
            if real:
                found += [(rule.endpoint, method, url, role) for method in methods]
                break
    return found


def _wizard_draft(region, browser):
    """sarbe1 with a draft at Granska (so every wizard step has something to work on)."""
    start_wizard(browser, person_without_permissions(region), forvaltning_id(region, "SU"))
    choose_systems(browser, "local", {})
    choose_systems(browser, "regional", {"lr.corpus": {}})


def test_tusentals_genererade_formulär_ger_aldrig_500(app, region, orders):
    browsers = {None: Browser(app.test_client())}
    browsers[None].get("/login")
    for role in sorted(set(ROLE_FOR_RULE.values())):
        browsers[role] = Browser(app.test_client())
        browsers[role].login(role)
    _wizard_draft(region, browsers["sarbe1"])
    sent, failures = [0], []
    for endpoint, method, url, role in _form_routes(app, orders):
        browser = browsers[role]
        names = _fields_on(browser, url) or ["q", "action", "id"]
        form = st.fixed_dictionaries({}, optional={name: hostile_text for name in names + ["stray", "action"]})

        @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(data=form)
        def probe(data):
            sent[0] += 1
            response = browser.get(url, query_string=data) if method == "GET" else browser.post(url, data)
            if response.status_code >= 500 and not (endpoint == "siths.challenge" and response.status_code == 503):
                failures.append((endpoint, method, {k: v[:40] for k, v in data.items()}, response.status_code))

        probe()
        if role:  # a probe may have ended the session (e.g. a card login form): log in again
            browser.login(role)
            if role == "sarbe1":
                _wizard_draft(region, browser)
    assert failures == []
    assert sent[0] >= MINIMUM_REQUESTS, f"only {sent[0]} generated requests"
