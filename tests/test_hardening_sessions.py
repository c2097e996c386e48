"""Issue 8, finding 8: logout, card removal and an administrator end every copy of a session.

Every login (demo, card, mutual TLS) has a server-side record; the cookie
only names it and every request asks whether it is still open. (Card removal
with a copied cookie: test_siths_login's
test_ended_card_session_is_refused_even_with_the_old_cookie.)
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from beh_core.models import AuditEvent, LoginSession, Order
from helpers import (Browser, choose_systems, first_unit, forvaltning_id, person, person_without_permissions, review,
                     start_wizard, text_of)


def copy_of(app, browser: Browser) -> Browser:
    """Another browser with a copy of this browser's session cookie (and its last CSRF token)."""
    thief = Browser(app.test_client())
    thief.client.set_cookie("session", browser.client.get_cookie("session").value)
    thief.token = browser.token
    return thief


def logged_in(browser: Browser) -> bool:
    return browser.get("/").status_code == 200


def orders(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count(Order.id)))


def test_en_kaka_kopierad_före_utloggning_fungerar_inte_efter_och_kan_inte_beställa(app, region, login):
    owner = login("sarbe1")
    end_user = person_without_permissions(region)
    start_wizard(owner, end_user, forvaltning_id(region, "SU"))
    choose_systems(owner, "local", {})
    choose_systems(owner, "regional", {"lr.elvis": {}})
    owner.get("/lr/granska")  # the order is ready to send; its CSRF token is on the page
    thief = copy_of(app, owner)
    assert logged_in(thief)  # the copy works as long as the session is open

    owner.get("/")
    assert owner.post("/logout").status_code == 302

    omrade, enhet = first_unit(region, "SU", "Område Medicin")
    before = orders(region)
    # The copy's first request after the logout: Skicka beställning, with the page's valid CSRF token.
    response = review(thief, omrade_id=omrade, enhet_id=enhet, attestant_id=person(region, "johek1").id,
                      start_date=date.today().isoformat())
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert orders(region) == before
    assert not logged_in(thief)
    row = region.scalar(select(LoginSession).where(LoginSession.person_id == person(region, "sarbe1").id))
    assert row.ended_at is not None and row.end_reason == "logout" and row.method == "demo"


def test_utloggning_i_en_webbläsare_avslutar_inte_de_andra(app, region, login):
    first, second = login("sarbe1"), login("sarbe1")
    first.get("/")
    first.post("/logout")
    assert not logged_in(first) and logged_in(second)


def test_administratören_avslutar_alla_sessioner_för_en_person(app, region, login, db):
    at_work, at_home = login("johek1"), login("johek1")
    copy = copy_of(app, at_work)
    bystander = login("sarbe1")
    admin = login("kardah")
    page = admin.get("/admin/sessioner")
    assert page.status_code == 200 and "Avsluta alla sessioner" in text_of(page)
    assert "Avsluta alla sessioner" in text_of(admin.get("/"))  # the administrator's start page links to it
    response = admin.post("/admin/sessioner", {"vgr_id": "JOHEK1"})
    assert response.status_code == 302
    assert "2 sessioner för johek1 är avslutade" in text_of(admin.get(response.headers["Location"]))
    assert not logged_in(at_work) and not logged_in(at_home) and not logged_in(copy)
    assert logged_in(bystander) and logged_in(admin)
    db.expire_all()
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "sessions.ended_all")).all()
    assert event.object_id == "johek1" and event.details["sessions"] == 2
    assert event.actor_id == person(db, "kardah").id
    # The person simply logs in again.
    assert logged_in(login("johek1"))


def test_avsluta_alla_sessioner_med_okänt_vgr_id_ger_meddelande_vid_fältet(region, login):
    response = login("kardah").post("/admin/sessioner", {"vgr_id": "finnsej9"})
    assert response.status_code == 400 and "Ingen person med detta VGR-ID finns i KiV." in text_of(response)


def test_bara_administratören_kan_avsluta_andras_sessioner(region, login):
    assert login("lensa1").post("/admin/sessioner", {"vgr_id": "johek1"}).status_code == 403


def test_kommandot_avslutar_alla_sessioner(app, region, login, db):
    browser = login("perwi1")
    result = app.test_cli_runner().invoke(args=["beh", "sessions", "end-all", "perwi1"])
    assert result.exit_code == 0, result.output
    assert "Avslutade sessioner för perwi1: 1" in result.output
    assert not logged_in(browser)
    unknown = app.test_cli_runner().invoke(args=["beh", "sessions", "end-all", "finnsej9"])
    assert unknown.exit_code != 0 and "Ingen person med detta VGR-ID" in unknown.output


def test_en_kaka_utan_sessionspost_godtas_inte(app, region, login):
    """A cookie signed with the right key but naming no session record (an old or forged one) is refused."""
    browser = login("sarbe1")
    with browser.client.session_transaction() as session:
        session["sid"] = "finns-inte"
    assert not logged_in(browser)
