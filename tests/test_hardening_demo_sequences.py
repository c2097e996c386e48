"""Issue 8, finding 3: the demo region takes orders at once, and the KiV import works after it.

`beh demo` inserts persons and orders with explicit ids in bulk; on
PostgreSQL it now moves the id sequences past them, so the first order from
the wizard no longer collides with demo order 1 (`UniqueViolation pk_orders`),
and `beh directory import` no longer collides with demo person 1 (`pk_persons`).
Both commands run as an operator runs them (the Flask CLI), the orders are
placed over HTTP through the wizard.
"""
from __future__ import annotations

import json
import logging
import re
from datetime import date

from sqlalchemy import func, select

from beh_core.identifiers import make_personnummer
from beh_core.models import Engagement, Enhet, HeldPermission, Order, OrderLine, Person
from helpers import Browser, choose_systems, first_unit, forvaltning_id, person, review, start_wizard, text_of

ORDERS = 100


def run_cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args), catch_exceptions=True)
    return result


def test_hundra_beställningar_direkt_efter_beh_demo_utan_ett_enda_fel(app, db):
    made = run_cli(app, "beh", "demo", "--persons", "300", "--orders", "400")
    assert made.exit_code == 0, made.output
    assert db.scalar(select(func.count(Order.id))) == 400
    orderer = Browser(app.test_client())
    orderer.login("sarbe1")
    su = forvaltning_id(db, "SU")
    omrade, enhet = first_unit(db, "SU", "Område Medicin")
    attestant = person(db, "johek1")
    today = date.today()
    active = select(Engagement.person_id).where(Engagement.start_date <= today,
                                                (Engagement.end_date.is_(None)) | (Engagement.end_date >= today))
    # ELVIS is ordered below: not for someone who holds it or has it on order already (that is refused).
    has_elvis = select(HeldPermission.person_id).where(HeldPermission.item_key == "lr.elvis").union(
        select(Order.end_user_id).join(OrderLine, OrderLine.order_id == Order.id).where(
            OrderLine.item_key == "lr.elvis", Order.status.not_in(("avslutad", "avslagen", "makulerad"))))
    end_users = list(db.scalars(select(Person).where(Person.id > 8, Person.id.in_(active), Person.id.not_in(has_elvis))
                                .order_by(Person.id).limit(ORDERS)))
    assert len(end_users) == ORDERS
    errors = []
    for end_user in end_users:
        start_wizard(orderer, end_user, su)
        choose_systems(orderer, "local", {})
        choose_systems(orderer, "regional", {"lr.elvis": {}})
        done = review(orderer, omrade_id=omrade, enhet_id=enhet, attestant_id=attestant.id,
                      start_date=date.today().isoformat())
        if done.status_code != 302 or "/lr/klar/" not in done.headers.get("Location", ""):
            errors.append((end_user.vgr_id, done.status_code, text_of(done)[:200]))
    assert errors == []
    db.expire_all()
    assert db.scalar(select(func.count(Order.id))) == 400 + ORDERS
    numbers = set(db.scalars(select(Order.number)))
    assert len(numbers) == 400 + ORDERS


def kiv_file(tmp_path, db, pnr: str):
    unit = db.scalar(select(Enhet).order_by(Enhet.id))
    data = {"forvaltningar": [], "persons": [
        {"vgr_id": "nypers1", "hsa_id": "SE2321000131-P900000000001", "personnummer": pnr,
         "first_name": "Ny", "last_name": "Person", "email": "nypers1@example.org",
         "engagements": [{"enhet": unit.code, "kind": "anstalld", "start": "2024-01-01", "primary": True}],
         "permissions": [{"item": "lr.corpus", "details": {}, "from": "2024-02-01", "to": None}]},
        {"vgr_id": "eriny1", "first_name": "Erik", "last_name": "Nyström",
         "engagements": [{"enhet": unit.code, "kind": "anstalld", "start": "2020-01-01", "primary": True}],
         # eriny1 holds lr.corpus since the demo: imported again, it is updated, not duplicated
         "permissions": [{"item": "lr.corpus", "details": {}, "from": "2020-01-01", "to": None}]},
    ]}
    path = tmp_path / "kiv.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_katalogimport_efter_beh_demo_fungerar_och_två_gånger_i_rad(app, db, tmp_path, caplog):
    assert run_cli(app, "beh", "demo", "--persons", "60", "--orders", "10").exit_code == 0
    pnr = make_personnummer(date(1977, 3, 14), 412)
    path = kiv_file(tmp_path, db, pnr)
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):  # the same file twice changes nothing more
            result = run_cli(app, "beh", "directory", "import", str(path))
            assert result.exit_code == 0, result.output
            assert "Importerat" in result.output
    db.expire_all()
    new = db.scalar(select(Person).where(Person.vgr_id == "nypers1"))
    assert new is not None and new.personnummer == pnr
    from beh_core.models import HeldPermission

    eriny1 = person(db, "eriny1")
    corpus = db.scalars(select(HeldPermission).where(HeldPermission.person_id == eriny1.id,
                                                     HeldPermission.item_key == "lr.corpus",
                                                     HeldPermission.ended_at.is_(None))).all()
    assert len(corpus) == 1
    assert pnr not in caplog.text and pnr not in result.output


def test_ett_misslyckat_katalogimport_visar_aldrig_personnumret(app, db, tmp_path):
    """A database error during the import (a personnummer that another person already has: the
    database's own message names the value) is reported masked: the personnummer is not in the output."""
    assert run_cli(app, "beh", "demo", "--persons", "40", "--orders", "0").exit_code == 0
    pnr = db.scalar(select(Person.personnummer).where(Person.personnummer.is_not(None), Person.id > 8)
                    .order_by(Person.id))
    unit = db.scalar(select(Enhet).order_by(Enhet.id))
    path = tmp_path / "kiv.json"
    path.write_text(json.dumps({"forvaltningar": [], "persons": [
        {"vgr_id": "krock1", "personnummer": pnr, "first_name": "Krock", "last_name": "Test",
         "engagements": [{"enhet": unit.code, "kind": "anstalld", "start": "2024-01-01"}]}]}), "utf-8")
    result = run_cli(app, "beh", "directory", "import", str(path))
    assert result.exit_code != 0
    assert "Importen misslyckades" in result.output
    everything = result.output + repr(result.exception)
    assert pnr not in everything and not re.search(pnr[:8] + r"-?" + pnr[8:], everything)
