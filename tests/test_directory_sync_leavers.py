"""Att avsluta: när ett engagemang upphör ser rätt beställare och verksamhetschef vad personen fortfarande har."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from beh_core.models import (
    SCOPE_AREA, AuditEvent, Delegation, Engagement, Enhet, HeldPermission, LeaverReminder, Order, OrderLine,
    OutboxMessage, PermissionEnding,
)
from beh_core.services.leavers import held_permission_ids_to_end, send_leaver_reminders
from beh_core.views.access import runtime
from helpers import forvaltning_id, person, person_without_permissions, text_of

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


def unit(db, code: str) -> Enhet:
    return db.scalar(select(Enhet).where(Enhet.code == code))


def hold(db, who, item: str, *, forvaltning: str | None = None, ordered_at: Enhet | None = None,
         valid_to: date | None = None) -> HeldPermission:
    """A held permission, optionally local to a förvaltning or granted by an order placed at a unit."""
    line_id = None
    if ordered_at is not None:
        order = Order(catalogue="lr", kind="nyupplagg", status="avslutad", orderer_id=person(db, "sarbe1").id,
                      end_user_id=who.id, attestant_id=person(db, "johek1").id,
                      forvaltning_id=ordered_at.omrade.forvaltning_id, omrade_id=ordered_at.omrade_id,
                      enhet_id=ordered_at.id, start_date=TODAY - timedelta(days=300))
        order.lines.append(OrderLine(position=0, item_key=item, item_name=item, scope="regional", values={}))
        db.add(order)
        db.flush()
        order.number, line_id = f"c{800000 + order.id}", order.lines[0].id
    held = HeldPermission(person_id=who.id, item_key=item, details={},
                          forvaltning_id=forvaltning_id(db, forvaltning) if forvaltning else None,
                          valid_from=TODAY - timedelta(days=300), valid_to=valid_to, granted_by_line_id=line_id)
    db.add(held)
    db.flush()
    return held


@pytest.fixture
def leaver(region):
    """A person who left NH-O1-E1 (marho1's unit, in sarbe1's NH Norr) yesterday and still works at RH-O1-E1."""
    db = region
    who = person_without_permissions(db)
    who.engagements = [
        Engagement(enhet=unit(db, "NH-O1-E1"), kind="anstalld", start_date=TODAY - timedelta(days=900),
                   end_date=YESTERDAY, is_primary=True),
        Engagement(enhet=unit(db, "RH-O1-E1"), kind="anstalld", start_date=TODAY - timedelta(days=100)),
    ]
    db.flush()
    ended = who.engagements[0]
    tied = {
        "local": hold(db, who, "lr.nh.navet", forvaltning="NH"),
        "ordered": hold(db, who, "lr.esmaker", ordered_at=unit(db, "NH-O1-E1")),
    }
    untied = {
        "regional": hold(db, who, "lr.corpus"),
        "ordered elsewhere": hold(db, who, "lr.elvis", ordered_at=unit(db, "RH-O1-E1")),
        "local to RH": hold(db, who, "lr.rh.journal", forvaltning="RH"),
        "already ended": hold(db, who, "lr.slvd", forvaltning="NH", valid_to=YESTERDAY),
    }
    db.commit()
    return who, ended, tied, untied


def rh_bestallare(db):
    """A beställare whose L/R delegation covers RH Område Hälsa only."""
    other = person_without_permissions(db, exclude=("sarbe1",))
    rh = unit(db, "RH-O1-E1")
    db.add(Delegation(person_id=other.id, scope=SCOPE_AREA, forvaltning_id=rh.omrade.forvaltning_id,
                      omrade_id=rh.omrade_id, is_bestallare=True, valid_from=TODAY, valid_to=TODAY + timedelta(days=30)))
    db.commit()
    return other


def test_knutna_behörigheter_är_förvaltningens_lokala_och_de_beställda_på_enheten(region, leaver):
    who, ended, tied, untied = leaver
    assert held_permission_ids_to_end(region, ended.id, TODAY) == sorted(
        [h.id for h in tied.values()], key=lambda i: region.get(HeldPermission, i).item_key)
    # The continuing engagement in RH has nothing to end.
    assert held_permission_ids_to_end(region, who.engagements[1].id, TODAY) == []


def test_den_som_lämnat_regionen_har_allt_kvar_att_avsluta(region, leaver):
    who, ended, tied, untied = leaver
    who.engagements[1].end_date = YESTERDAY
    region.commit()
    expected = {h.id for h in list(tied.values()) + list(untied.values()) if h.item_key != "lr.slvd"}
    assert set(held_permission_ids_to_end(region, ended.id, TODAY)) == expected


def test_en_pågående_avslutsbeställning_tar_bort_behörigheten_från_listan(region, leaver):
    who, ended, tied, _ = leaver
    order = Order(catalogue="lr", kind="avslut", status="vantar_pa_attest", orderer_id=person(region, "sarbe1").id,
                  end_user_id=who.id, attestant_id=person(region, "johek1").id, forvaltning_id=ended.enhet.omrade.forvaltning_id,
                  omrade_id=ended.enhet.omrade_id, enhet_id=ended.enhet_id, start_date=TODAY)
    order.lines.append(OrderLine(position=0, item_key="lr.nh.navet", item_name="Navet", scope="local", values={},
                                 held_permission_id=tied["local"].id))
    region.add(order)
    region.add(PermissionEnding(held_permission_id=tied["ordered"].id, ended_on=TODAY))
    region.commit()
    assert held_permission_ids_to_end(region, ended.id, TODAY) == []
    order.status = "makulerad"
    region.commit()
    assert held_permission_ids_to_end(region, ended.id, TODAY) == [tied["local"].id]


def test_att_avsluta_visas_för_rätt_beställare_och_verksamhetschef_och_ingen_annan(region, leaver, login):
    who, ended, tied, _ = leaver
    other = rh_bestallare(region)
    for vgr in ("sarbe1", "marho1"):  # beställare in NH Norr; verksamhetschef of NH-O1-E1
        browser = login(vgr)
        listing = text_of(browser.get("/att-avsluta/"))
        assert who.display in listing, vgr
        detail = browser.get(f"/att-avsluta/{ended.id}")
        assert detail.status_code == 200
        assert "NAVET" in text_of(detail) and "esMaker" in text_of(detail)  # the catalogue's names
        assert "Corpus" not in text_of(detail) and "ELVIS" not in text_of(detail)
    english = text_of(login("marho1").get(f"/att-avsluta/{ended.id}?lang=en"))
    assert "Permissions to terminate" in english and "Behörigheter att avsluta" not in english
    rh = login(other.vgr_id)
    assert who.display not in text_of(rh.get("/att-avsluta/"))
    assert rh.get(f"/att-avsluta/{ended.id}").status_code == 403
    for vgr in ("johek1", "eriny1", "lensa1", "kardah"):  # attestant only, expired, Service Desk, admin
        browser = login(vgr)
        assert browser.get("/att-avsluta/").status_code == 403, vgr
        assert browser.get(f"/att-avsluta/{ended.id}").status_code == 403, vgr
    assert login("sarbe1").get("/att-avsluta/999999").status_code == 404


def test_listan_räknar_de_knutna_behörigheterna_nyast_först_sida_för_sida(region, leaver, monkeypatch):
    """Att avsluta lists each ended engagement with its number of tied permissions, the latest ended first;
    the pages follow each other, and a page past the end shows the last one."""
    from beh_core import authz
    from beh_core.services import leavers

    who, ended, tied, _ = leaver
    earlier = person_without_permissions(region, exclude=(who.vgr_id,))
    earlier.engagements = [Engagement(enhet=unit(region, "NH-O1-E1"), kind="anstalld", is_primary=True,
                                      start_date=TODAY - timedelta(days=900), end_date=TODAY - timedelta(days=2))]
    region.flush()
    hold(region, earlier, "lr.corpus")  # left the region: everything is tied, a regional system too
    region.commit()
    chef = authz.load_actor(region, person(region, "marho1"))
    rows = [(r.person.vgr_id, r.count, r.enhet_name) for r in leavers.list_leavers(region, chef).rows]
    listed = [vgr for vgr, _, _ in rows]
    assert listed.index(who.vgr_id) < listed.index(earlier.vgr_id)  # ended yesterday, before two days ago
    assert next(r for r in rows if r[0] == who.vgr_id)[1:] == (2, unit(region, "NH-O1-E1").name)
    assert next(r for r in rows if r[0] == earlier.vgr_id)[1] == 1
    # The kept statement answers each day with that day: yesterday, only the earlier engagement had ended.
    as_of_yesterday = [r.person.vgr_id for r in leavers.list_leavers(region, chef, today=YESTERDAY).rows]
    assert earlier.vgr_id in as_of_yesterday and who.vgr_id not in as_of_yesterday

    monkeypatch.setattr(leavers, "PAGE_SIZE", 1)
    pages = [leavers.list_leavers(region, chef, page=n) for n in range(1, len(rows) + 1)]
    assert [p.rows[0].person.vgr_id for p in pages] == listed
    assert {(p.total, p.pages) for p in pages} == {(len(rows), len(rows))}
    past = leavers.list_leavers(region, chef, page=len(rows) + 5)
    assert (past.page, past.rows[0].person.vgr_id) == (len(rows), listed[-1])


def test_run_due_påminner_ansvariga_en_gång_per_engagemang(app, region, leaver):
    who, ended, _, _ = leaver
    other = rh_bestallare(region)
    rt = runtime(app)
    sent = send_leaver_reminders(region, rt, today=TODAY, lookback_days=30)
    assert send_leaver_reminders(region, rt, today=TODAY, lookback_days=30) == 0
    region.expire_all()
    every = list(region.scalars(select(OutboxMessage).where(OutboxMessage.template == "leavers/mail_reminder.txt")))
    mails = [m for m in every if who.display in m.subject]  # the demo region has leavers of its own
    to = {m.to_person_id for m in mails}
    assert sent == len(every) and {person(region, "sarbe1").id, person(region, "marho1").id} <= to
    assert other.id not in to and who.id not in to and person(region, "johek1").id not in to
    mail = next(m for m in mails if m.to_person_id == person(region, "sarbe1").id)
    assert who.display in mail.body and "lr.nh.navet" in mail.body and "lr.corpus" not in mail.body
    assert who.personnummer not in mail.body
    assert len(mails) == len(to)  # one mail per recipient
    assert region.scalar(select(func.count(LeaverReminder.id)).where(LeaverReminder.engagement_id == ended.id)) == 1
    assert region.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "leaver.reminded",
                                                                 AuditEvent.object_id == str(ended.id))) == 1


def test_run_due_från_kommandoraden_skickar_påminnelserna(app, region, leaver):
    result = app.test_cli_runner().invoke(args=["beh", "run-due"])
    assert result.exit_code == 0, result.output
    assert "Påminnelser om att avsluta behörigheter:" in result.output
    assert region.scalar(select(func.count(LeaverReminder.id)).where(LeaverReminder.engagement_id == leaver[1].id)) == 1


def test_beställ_avslut_från_att_avsluta_skapar_beställningen_med_de_raderna(region, leaver, login):
    who, ended, tied, untied = leaver
    orderer = login("sarbe1")
    detail = text_of(orderer.get(f"/att-avsluta/{ended.id}"))
    assert "Beställ avslut: Lokala och Regionala system" in detail
    started = orderer.post(f"/att-avsluta/{ended.id}/avslut", {"katalog": "lr"})
    assert started.headers["Location"].endswith("/lr/granska")
    review = text_of(orderer.get("/lr/granska"))
    assert "NAVET" in review and "esMaker" in review and "Corpus" not in review and "ELVIS" not in review
    assert 'name="enhet_id"' in review and f'value="{ended.enhet_id}" selected' in review  # the leaver's unit
    done = orderer.post("/lr/granska", {"omrade_id": ended.enhet.omrade_id, "enhet_id": ended.enhet_id,
                                        "attestant_id": person(region, "johek1").id, "start_date": TODAY.isoformat(),
                                        "action": "submit"})
    assert "/lr/klar/" in done.headers["Location"], text_of(orderer.get("/lr/granska"))
    region.expire_all()
    order = region.scalar(select(Order).where(Order.end_user_id == who.id, Order.kind == "avslut"))
    assert sorted(line.held_permission_id for line in order.lines) == sorted(h.id for h in tied.values())
    assert held_permission_ids_to_end(region, ended.id, TODAY) == []  # an Avslut is on its way: off the list
    assert "Det finns inga behörigheter att avsluta." in text_of(orderer.get(f"/att-avsluta/{ended.id}"))


def test_bara_den_som_får_beställa_i_katalogen_kan_starta_avslutet(region, leaver, login):
    who, ended, _, _ = leaver
    chef = login("marho1")  # verksamhetschef of the unit and beställare in NH Norr too (demo)
    other = rh_bestallare(region)
    assert login(other.vgr_id).post(f"/att-avsluta/{ended.id}/avslut", {"katalog": "lr"}).status_code == 403
    assert chef.post(f"/att-avsluta/{ended.id}/avslut", {"katalog": "okand"}).status_code == 404
