"""Every statement of the everyday pages is one SQLAlchemy can keep compiled: a page loaded again sends only
statements it found in its compiled cache, none compiled anew.

A construct SQLAlchemy cannot cache (a ``values()`` list is one) is compiled on every request: the start
page once spent about 1.5 ms per request compiling its "beställer ofta" statement (docs/performance.md).
"""
from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine.default import CACHE_HIT

from beh_core.db import get_database
from helpers import make_order, person, person_without_permissions

PAGES = [
    ("sarbe1", "/"), ("sarbe1", "/bestallningar/mina"), ("sarbe1", "/bestallningar/alla"),
    ("sarbe1", "/bestallningar/alla?status=vantar_pa_attest&typ=nyupplagg"),
    ("sarbe1", "/bestallningar/alla?system=esMaker"), ("sarbe1", "/bestallningar/alla?slutanvandare=eriny1"),
    ("sarbe1", "/bestallningar/alla?fran=2020-01-01&till=2030-12-31"), ("sarbe1", "/bestallningar/mina?sida=sista"),
    ("sarbe1", "/mina-identiteter"), ("johek1", "/"), ("johek1", "/attest/"),
    ("lensa1", "/"), ("lensa1", "/servicedesk/"), ("lensa1", "/servicedesk/?person=eriny1"),
    ("lensa1", "/servicedesk/?system=esMaker"), ("marho1", "/delegeringar/hantera"), ("marho1", "/att-avsluta/"),
]


def _not_kept(app, browser, path: str) -> list[str]:
    """The statements of one load of the page that SQLAlchemy compiled instead of taking from its cache."""
    compiled_anew = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if context is not None and getattr(context, "compiled", None) is not None \
                and context.cache_hit is not CACHE_HIT:
            compiled_anew.append(statement.split("\n")[0][:120])

    engine = get_database(app).engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert browser.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return compiled_anew


@pytest.mark.parametrize("user,path", PAGES)
def test_sidan_skickar_bara_färdigkompilerade_frågor(app, region, login, user, path):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    for end_user in (person_without_permissions(region, exclude=()), person(region, "eriny1")):
        make_order(region, orderer=sarbe1, end_user=end_user, attestant=johek1, forvaltning_code="NH",
                   omrade_name="Område Norr")
    browser = login(user)
    browser.get(path)  # the first load compiles what this process has not run before
    assert _not_kept(app, browser, path) == []
