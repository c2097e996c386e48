"""The browser suite: real Chromium (selenium + the system chromedriver) against the live portal.

Runs on SQLite only: what it checks (markup, accessibility, layout, flows through the pages)
does not depend on the database, and the HTTP and service tests already run on both
databases. On PostgreSQL (BEH_TEST_DB=postgresql) these tests are skipped, so CI runs
them once.
"""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from beh_core import audit
from beh_core.demo import build_demo_region
from beh_core.models import Order
from browser_support import Session
from helpers import person, person_without_permissions

ON_POSTGRESQL = os.environ.get("BEH_TEST_DB", "sqlite") == "postgresql"


def pytest_collection_modifyitems(config, items):
    """Skip this folder on PostgreSQL (see the module docstring)."""
    here = os.path.dirname(__file__)
    for item in items:
        if ON_POSTGRESQL and str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.skip(reason="the browser suite runs on SQLite only"))


@pytest.fixture
def demo(app, db):
    """The demo region with orders in every state the pages show, for every demo role.

    On top of the generated orders: a Flexlab order of sarbe1 whose credentials wait on
    Återkoppling, one waiting for komplettering, and one whose Historik holds a refused
    signature (to prove that no page shows a raw audit code).
    """
    from test_fulfil_support import approve, place

    build_demo_region(db, persons=80, orders=60, seed=11, rt=app.extensions["beh_runtime"])
    end_user = person_without_permissions(db)
    with_credentials = place(app, db, end_user)                      # Flexlab, fulfilled by its plugin
    approve(app, db, with_credentials)
    komplettering = place(app, db, end_user, items=(("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None),))
    approve(app, db, komplettering)
    from test_fulfil_support import actor, runtime_of
    from beh_core.services import fulfilment

    with app.app_context():
        fulfilment.request_komplettering(db, runtime_of(app), actor(app, db, "lensa1"), komplettering,
                                         "Ange vilken avdelning.")
    admin_account = place(app, db, end_user, items=(("lr.su.admin_konto", {"dator": "PC-4711"}, None),),
                          start=date.today() + timedelta(days=3))
    audit.record(db, person(db, "johek1"), "attest.signature_refused", "order", admin_account.number,
                 reason="pin_incorrect", decision="approve")
    db.commit()
    approve(app, db, admin_account)
    return db


@pytest.fixture
def web(shared_chromium, portal):
    """A Session on the shared Chromium for this test's portal (cookies of earlier tests gone)."""
    shared_chromium.delete_all_cookies()
    session = Session(shared_chromium, portal)
    yield session


def latest_order(db, **where) -> Order:
    """The newest order matching the column values."""
    db.expire_all()
    stmt = select(Order).order_by(Order.id.desc())
    for column, value in where.items():
        stmt = stmt.where(getattr(Order, column) == value)
    return db.scalar(stmt)
