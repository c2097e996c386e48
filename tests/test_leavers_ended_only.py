"""Att avsluta shows one engagement only once it has ended, as the list does; any other id is not found.

An outside probe opened /att-avsluta/<id> as a beställare for engagements still running (johek1's, with no end
date) and read what the colleague holds. The list shows engagements whose end date has passed
(``Engagement.end_date < today``, docs/directory-sync.md); the page of one engagement and its Beställ avslut
must accept exactly those and answer any other id as an unknown one: 404.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from beh_core import authz
from beh_core.models import Engagement, Enhet, HeldPermission
from beh_core.services import leavers
from beh_core.services.errors import NotFound
from helpers import forvaltning_id, person, person_without_permissions, text_of

TODAY = date.today()


def unit(db, code: str) -> Enhet:
    return db.scalar(select(Enhet).where(Enhet.code == code))


@pytest.fixture
def colleagues(region):
    """Four persons at NH-O1-E1 (marho1's unit, in sarbe1's NH Norr), each holding NH's local NAVET:
    one still working (no end date), one whose engagement ends later, one whose ends today, one who left
    yesterday. Only the last one is a leaver."""
    db, found = region, {}
    for name, end in (("running", None), ("ends later", TODAY + timedelta(days=10)), ("ends today", TODAY),
                      ("ended", TODAY - timedelta(days=1))):
        who = person_without_permissions(db, exclude=tuple(p.vgr_id for p, _ in found.values()))
        who.engagements = [Engagement(enhet=unit(db, "NH-O1-E1"), kind="anstalld", is_primary=True,
                                      start_date=TODAY - timedelta(days=900), end_date=end)]
        db.add(HeldPermission(person_id=who.id, item_key="lr.nh.navet", details={},
                              forvaltning_id=forvaltning_id(db, "NH"), valid_from=TODAY - timedelta(days=300)))
        db.flush()
        found[name] = (who, who.engagements[0])
    db.commit()
    return found


@pytest.mark.parametrize("vgr", ["sarbe1", "marho1"])  # beställare in NH Norr; verksamhetschef of NH-O1-E1
def test_ett_engagemang_som_inte_upphört_finns_inte_på_att_avsluta(region, colleagues, login, vgr):
    browser = login(vgr)
    for name in ("running", "ends later", "ends today"):
        who, engagement = colleagues[name]
        page = browser.get(f"/att-avsluta/{engagement.id}")
        assert page.status_code == 404, name
        assert who.display not in text_of(page) and "NAVET" not in text_of(page), name
        started = browser.post(f"/att-avsluta/{engagement.id}/avslut", {"katalog": "lr"})
        assert started.status_code == 404, name
        assert "/lr/granska" not in started.headers.get("Location", ""), name
        assert browser.get("/lr/granska").status_code != 200, name  # no Avslut draft was started
    who, ended = colleagues["ended"]
    page = browser.get(f"/att-avsluta/{ended.id}")  # the leaver opens as before
    assert page.status_code == 200 and who.display in text_of(page) and "NAVET" in text_of(page)


def test_johek1s_pågående_engagemang_ger_404_som_ett_okänt_id(region, login):
    """The probe's case: sarbe1 opened johek1's active engagement (no end date) and got 200."""
    johek1 = person(region, "johek1")
    running = [e for e in johek1.engagements if e.end_date is None]
    assert running
    browser = login("sarbe1")
    for engagement in running:
        page = browser.get(f"/att-avsluta/{engagement.id}")
        assert page.status_code == 404
        assert johek1.display not in text_of(page) and "Status i KiV" not in text_of(page)
    assert browser.get("/att-avsluta/999999").status_code == 404  # the same answer as an unknown id


def test_sidan_visar_precis_de_engagemang_som_listan_visar(region, colleagues, login):
    browser = login("marho1")
    listing = text_of(browser.get("/att-avsluta/"))
    for name, (who, engagement) in colleagues.items():
        linked = f'/att-avsluta/{engagement.id}"' in listing
        opens = browser.get(f"/att-avsluta/{engagement.id}").status_code == 200
        assert linked == opens == (name == "ended"), name


def test_regeln_och_tjänsten_räknar_med_dagen(region, colleagues):
    chef = authz.load_actor(region, person(region, "marho1"))
    _, later = colleagues["ends later"]
    _, ended = colleagues["ended"]
    assert authz.may_see_leaver(chef, ended) and not authz.may_see_leaver(chef, later)
    with pytest.raises(NotFound):
        leavers.leaver(region, chef, later.id)
    # The day after its end date the engagement has ended: then it is a leaver like any other.
    after = later.end_date + timedelta(days=1)
    assert authz.may_see_leaver(chef, later, after)
    engagement, held = leavers.leaver(region, chef, later.id, today=after)
    assert engagement.id == later.id and [h.item_key for h in held] == ["lr.nh.navet"]
    # An ended engagement outside the actor's units is still refused (403), not hidden.
    other = authz.load_actor(region, person(region, "johek1"))  # attestant only: no unit of his own
    with pytest.raises(authz.Forbidden):
        leavers.leaver(region, other, ended.id)
