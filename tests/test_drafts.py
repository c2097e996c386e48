"""The order draft lives on the server and turns into an order exactly once.

Issue findings 2 and 6: eight concurrent "Skicka beställning" of one draft made eight orders,
a replayed form made another, and a long free text overflowed the session cookie.
"""
from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from beh_core.models import Order, OrderDraft, OutboxMessage
from helpers import (Browser, choose_systems, first_unit, forvaltning_id, person, person_without_permissions, review,
                     start_wizard, text_of)

TODAY = date.today()


def to_review(region, orderer, kind="nyupplagg", **extra):
    end_user = person_without_permissions(region)
    start_wizard(orderer, end_user, forvaltning_id(region, "SU"), kind=kind)
    choose_systems(orderer, "local", {})
    assert choose_systems(orderer, "regional", {"lr.corpus": {}}).headers["Location"].endswith("/lr/granska")
    omrade, enhet = first_unit(region, "SU", "Område Medicin")
    return {"omrade_id": omrade, "enhet_id": enhet, "attestant_id": person(region, "johek1").id,
            "start_date": TODAY.isoformat(), "action": "submit", **extra}


def count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count(model.id)))


def test_åtta_samtidiga_skicka_av_samma_utkast_ger_en_beställning(app, region, login):
    orderer = login("sarbe1")
    form = to_review(region, orderer)
    form["csrf_token"] = orderer.token
    cookie = orderer.client.get_cookie("session").value
    responses, errors = [], []

    def submit():
        try:
            client = app.test_client()  # a browser tab of its own, with the same session cookie
            client.set_cookie("session", cookie)
            responses.append(client.post("/lr/granska", data=form))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(responses) == 8
    assert {r.status_code for r in responses} == {302}
    assert count(region, Order) == 1
    number = region.scalar(select(Order.number))
    # every tab lands on the one order; only one mail went to the attestant
    assert {r.headers["Location"] for r in responses} == {f"/lr/klar/{number}"}
    assert count(region, OutboxMessage) == 1


def test_ett_skickat_formulär_som_skickas_igen_senare_skapar_inget(app, region, login):
    orderer = login("sarbe1")
    form = to_review(region, orderer)
    first = review(orderer, **form)
    number = first.headers["Location"].rsplit("/", 1)[-1]
    again = orderer.post("/lr/granska", form)  # the browser's Back + resend, or a replayed request
    assert again.status_code == 302 and again.headers["Location"] == f"/lr/klar/{number}"
    page = text_of(orderer.get(again.headers["Location"]))
    assert f"Beställningen är redan skickad. Ditt ordernummer är {number}." in page
    assert count(region, Order) == 1


def test_en_lång_fritext_behåller_inloggningen_och_utkastet(app, region, login):
    orderer = login("sarbe1")
    eriny1 = person(region, "eriny1")
    start_wizard(orderer, eriny1, forvaltning_id(region, "NH"), kind="avslut")
    text = ("Avsluta behörigheten i journalsystemet för avdelning 12, " * 400)[:20000]
    page = text_of(choose_systems(orderer, "local", {}, free_on="1", free_text=text))
    assert "Fritexten får vara högst 2000 tecken." in page  # refused at the field ...
    assert text in page  # ... and every character kept
    cookie = orderer.client.get_cookie("session")
    assert len(cookie.value) < 1024  # the draft is on the server; the cookie holds a token
    assert "Inloggad:" in text_of(orderer.get("/"))
    draft = region.scalar(select(OrderDraft).order_by(OrderDraft.id.desc()))
    assert draft.data["pages"]["local"]["free_text"] == text


def test_ett_utkast_tillhör_sin_beställare(app, region, login):
    orderer = login("sarbe1")
    form = to_review(region, orderer)
    token = region.scalar(select(OrderDraft.token).order_by(OrderDraft.id.desc()))
    other = Browser(app.test_client())
    other.login("perwi1")
    with other.client.session_transaction() as session:
        session["drafts"] = {"lr": token}  # someone else's draft token, copied
    assert other.client.get("/lr/granska").status_code in (302, 403)
    assert count(region, Order) == 0
    assert review(orderer, **form).status_code == 302 and count(region, Order) == 1
