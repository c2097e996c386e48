"""Manual 002 over HTTP: Ny delegering, Visa/hantera delegeringar, Sök befintlig delegering."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from beh_core.models import AuditEvent, Delegation, Engagement, Enhet, Forvaltning, Omrade, Person
from beh_core.services.delegation import add_months
from helpers import person, text_of
from beh_core.models import SCOPE_AREA, SCOPE_UNIT

TODAY = date.today()


def unit(db, code: str) -> Enhet:
    """The unit with the code (NH-O1-E1 = Närhälsan Område Norr, the first unit; marho1 heads NH-O1-E1 and NH-O2-E1)."""
    return db.scalar(select(Enhet).where(Enhet.code == code))


def scope_key(db, omrade_code: str) -> str:
    """The L/R choice "förvaltning:område" of an område code (NH-O1 = Närhälsan Område Norr)."""
    omrade = db.scalar(select(Omrade).where(Omrade.code == omrade_code))
    return f"{omrade.forvaltning_id}:{omrade.id}"


def fresh_people(db, count: int = 1) -> list[Person]:
    """Persons with an active engagement and no delegation at all."""
    active = select(Engagement.person_id).where(Engagement.start_date <= TODAY, (Engagement.end_date.is_(None)) |
                                                (Engagement.end_date >= TODAY))
    return list(db.scalars(select(Person).where(Person.id.not_in(select(Delegation.person_id)), Person.id.in_(active),
                                                Person.id > 8).order_by(Person.id).limit(count)))


def delegate(browser, people, **fields):
    """Ny delegering, second page: Spara with the given fields for the chosen persons."""
    data = {"valda": [p.id for p in people], "action": "spara", "valid_from": TODAY.isoformat(),
            "valid_to": add_months(TODAY, 12).isoformat(), **fields}
    return browser.post("/delegeringar/ny/omfattning", data)


def delegations_of(db, who: Person) -> list[Delegation]:
    db.expire_all()
    return list(db.scalars(select(Delegation).where(Delegation.person_id == who.id).order_by(Delegation.id)))


@pytest.fixture
def chef(region, login):
    return login("marho1")


def test_verksamhetschefen_har_delegeringar_på_startsidan_men_inte_beställaren(region, chef, login):
    page = text_of(chef.get("/"))
    for link in ("Delegeringar", "Ny delegering", "Visa/hantera delegeringar", "Sök befintlig delegering"):
        assert link in page
    assert "Ny delegering" not in text_of(login("sarbe1").get("/"))
    assert login("sarbe1").get("/delegeringar/ny").status_code == 403


def test_ny_delegering_sök_flytta_till_höger_och_spara_för_flera_användare(region, chef):
    first, second = fresh_people(region, 2)
    assert "Sök person(er)" in text_of(chef.get("/delegeringar/ny"))
    found = text_of(chef.get("/delegeringar/ny", query_string={"action": "sok", "vgr_id": first.vgr_id, "organisation": "alla"}))
    assert first.display.split(" (")[0] in found and "Flytta markerade till höger" in found
    moved = text_of(chef.get("/delegeringar/ny", query_string={"action": "flytta", "vgr_id": first.vgr_id, "organisation": "alla",
                                                   "traff": first.id}))
    assert "Valda användare" in moved and f'name="valda" value="{first.id}"' in moved
    # search again for the next one; the first stays in the right-hand list
    both = text_of(chef.get("/delegeringar/ny", query_string={"action": "flytta", "vgr_id": second.vgr_id, "organisation": "alla",
                                                  "traff": second.id, "valda": first.id}))
    assert first.display in both and second.display in both
    page = text_of(chef.get("/delegeringar/ny/omfattning", query_string={"valda": [first.id, second.id]}))
    for word in ("U = uppdrag", "L/R = lokala och regionala system", "Beställare", "Attestant", "Gäller från",
                 "Gäller till", TODAY.isoformat()):
        assert word in page
    saved = delegate(chef, [first, second], scope=SCOPE_AREA, scope_key=scope_key(region, "NH-O1"), bestallare="1")
    assert saved.status_code == 302, text_of(saved)
    assert "Delegeringen är sparad för 2 användare." in text_of(chef.get(saved.headers["Location"]))
    marho1 = person(region, "marho1")
    for who in (first, second):
        (made,) = delegations_of(region, who)
        assert (made.scope, made.enhet_id, made.is_bestallare, made.is_attestant) == (SCOPE_AREA, None, True, False)
        assert made.delegated_by_id == marho1.id and made.valid_from == TODAY
        events = region.scalars(select(AuditEvent).where(AuditEvent.object_type == "delegation",
                                                         AuditEvent.object_id == str(made.id))).all()
        assert [e.action for e in events] == ["delegation.created"] and events[0].actor_id == marho1.id


def test_organisation_alla_förvaltningar_ger_bredare_sökresultat(region, chef):
    nh = region.scalar(select(Forvaltning.id).where(Forvaltning.code == "NH"))
    in_nh = (select(Engagement.person_id).join(Enhet).join(Omrade).where(Omrade.forvaltning_id == nh))
    # Someone at SU with no engagement in NH at all (some demo people also have one coming elsewhere).
    someone = region.scalar(select(Person).join(Engagement).join(Enhet).join(Omrade).join(Forvaltning)
                            .where(Forvaltning.code == "SU", Person.id > 8, Person.id.not_in(in_nh))
                            .order_by(Person.id).limit(1))
    own = text_of(chef.get("/delegeringar/ny", query_string={"action": "sok", "vgr_id": someone.vgr_id, "organisation": nh}))
    assert "Sökningen gav ingen träff." in own
    everywhere = text_of(chef.get("/delegeringar/ny", query_string={"action": "sok", "vgr_id": someone.vgr_id,
                                                        "organisation": "alla"}))
    assert f'value="{someone.id}"' in everywhere
    empty = text_of(chef.get("/delegeringar/ny", query_string={"action": "sok", "organisation": "alla"}))
    assert "Ange förnamn, efternamn eller VGR-ID." in empty


def test_felaktiga_uppgifter_visas_vid_fältet_behåller_det_inskrivna_och_inget_sparas(region, chef):
    (someone,) = fresh_people(region)
    response = delegate(chef, [someone], scope=SCOPE_AREA, scope_key=scope_key(region, "NH-O1"),
                        valid_from=TODAY.isoformat(), valid_to=(TODAY - timedelta(days=1)).isoformat())
    page = text_of(response)
    assert response.status_code == 200
    assert "Välj Beställare och/eller Attestant." in page
    assert "Gäller till kan inte vara tidigare än Gäller från." in page
    assert 'aria-describedby="err-valid_to"' in page and 'id="err-valid_to"' in page
    assert f'value="{(TODAY - timedelta(days=1)).isoformat()}"' in page  # what was typed is kept
    too_long = text_of(delegate(chef, [someone], scope=SCOPE_AREA, scope_key=scope_key(region, "NH-O1"), attestant="1",
                                valid_to=add_months(TODAY, 25).isoformat()))
    assert "En delegering kan gälla högst 2 år." in too_long
    backdated = text_of(delegate(chef, [someone], scope=SCOPE_UNIT, enhet_id=unit(region, "NH-O1-E1").id, attestant="1",
                                 valid_from=(TODAY - timedelta(days=3)).isoformat()))
    assert "Gäller från kan inte vara tidigare än dagens datum." in backdated
    assert "Välj U (uppdrag) eller L/R" in text_of(delegate(chef, [someone], bestallare="1"))
    week = text_of(delegate(chef, [someone], scope=SCOPE_AREA, scope_key=scope_key(region, "NH-O1"), attestant="1",
                            valid_from="2026-W49-1", valid_to="20270104"))  # an ISO week date, the compact form
    assert 'value="2026-W49-1"' in week and 'value="20270104"' in week and "ÅÅÅÅ-MM-DD" in week
    assert delegations_of(region, someone) == []


def test_chef_som_försöker_delegera_utanför_sina_enheter_nekas_med_tydligt_meddelande(region, chef):
    (someone,) = fresh_people(region)
    outside_unit = delegate(chef, [someone], scope=SCOPE_UNIT, enhet_id=unit(region, "SU-O1-E1").id, bestallare="1")
    assert outside_unit.status_code == 403
    assert "Du kan bara delegera inom de enheter där du är verksamhetschef." in text_of(outside_unit)
    outside_omrade = delegate(chef, [someone], scope=SCOPE_AREA, scope_key=scope_key(region, "SU-O1"), bestallare="1")
    assert outside_omrade.status_code == 403
    assert "Du kan bara delegera inom de enheter där du är verksamhetschef." in text_of(outside_omrade)
    # Område Väster in her own förvaltning is not hers either: she heads no unit there
    other_omrade = delegate(chef, [someone], scope=SCOPE_AREA, scope_key=scope_key(region, "NH-O3"), attestant="1")
    assert other_omrade.status_code == 403
    assert delegations_of(region, someone) == []


def test_chefen_får_delegera_till_sig_själv(region, chef):
    marho1 = person(region, "marho1")
    saved = delegate(chef, [marho1], scope=SCOPE_UNIT, enhet_id=unit(region, "NH-O2-E1").id, bestallare="1")
    assert saved.status_code == 302, text_of(saved)
    assert any(d.scope == SCOPE_UNIT and d.delegated_by_id == marho1.id for d in delegations_of(region, marho1))


def test_överlappande_delegering_i_samma_omfattning_nekas_men_en_senare_period_går_bra(region, chef):
    (someone,) = fresh_people(region)
    key = scope_key(region, "NH-O1")
    assert delegate(chef, [someone], scope=SCOPE_AREA, scope_key=key, bestallare="1",
                    valid_to=add_months(TODAY, 6).isoformat()).status_code == 302
    clash = text_of(delegate(chef, [someone], scope=SCOPE_AREA, scope_key=key, attestant="1",
                             valid_from=(TODAY + timedelta(days=30)).isoformat()))
    assert "har redan en delegering här som gäller" in clash and "Förläng eller ta bort den" in clash
    later = delegate(chef, [someone], scope=SCOPE_AREA, scope_key=key, attestant="1",
                     valid_from=(add_months(TODAY, 6) + timedelta(days=1)).isoformat(),
                     valid_to=add_months(TODAY, 12).isoformat())
    assert later.status_code == 302
    other_scope = delegate(chef, [someone], scope=SCOPE_AREA, scope_key=scope_key(region, "NH-O2"), attestant="1")
    assert other_scope.status_code == 302
    assert len(delegations_of(region, someone)) == 3


def test_hantera_delegeringar_per_förvaltning_och_område_alla_aktiv_inaktiv_sorterat_på_efternamn(region, chef):
    key = scope_key(region, "NH-O1")
    everyone = text_of(chef.get(f"/delegeringar/hantera?typ=LR&omrade={key}&status=alla"))
    assert "Sortering - Efternamn" in everyone and "Totalt " in everyone and "Sida 1 av" in everyone
    for vgr in ("sarbe1", "johek1", "perwi1", "marho1", "eriny1"):
        assert f'data-label="VGR-ID">{vgr}</td>' in everyone
    active = text_of(chef.get(f"/delegeringar/hantera?typ=LR&omrade={key}&status=aktiv"))
    assert 'data-label="VGR-ID">sarbe1</td>' in active and 'data-label="VGR-ID">eriny1</td>' not in active
    inactive = text_of(chef.get(f"/delegeringar/hantera?typ=LR&omrade={key}&status=inaktiv"))
    assert 'data-label="VGR-ID">eriny1</td>' in inactive and 'data-label="VGR-ID">sarbe1</td>' not in inactive
    names = re.findall(r'data-label="Efternamn">([^<]*)</td>', active)
    assert len(names) >= 4
    assert names == sorted(names, key=str.lower)
    # SU Område Medicin is not hers: refused, not an empty list
    assert chef.get(f"/delegeringar/hantera?typ=LR&omrade={scope_key(region, 'SU-O1')}").status_code == 403


def test_ett_namn_som_ändras_i_kiv_flyttar_delegeringen_i_listan(region, chef):
    """The list is read in the order of the delegations' copies of the names: a name the directory changes
    moves the person's delegations with it."""
    key = scope_key(region, "NH-O1")

    def vgr_ids():
        page = text_of(chef.get(f"/delegeringar/hantera?typ=LR&omrade={key}&status=alla"))
        return re.findall(r'data-label="VGR-ID">([^<]*)</td>', page)

    assert vgr_ids()[-1] != "sarbe1"
    sarbe1 = person(region, "sarbe1")
    sarbe1.last_name, sarbe1.last_name_lc = "Zetterberg", "zetterberg"  # as the directory sync writes a new name
    region.commit()
    assert vgr_ids()[-1] == "sarbe1"
    stored = region.scalars(select(Delegation.person_last_name_lc).where(Delegation.person_id == sarbe1.id)).all()
    assert stored and set(stored) == {"zetterberg"}


@pytest.mark.parametrize("months", [3, 6, 12])
def test_förläng_markerade_med_3_6_eller_12_månader_från_dagens_datum(region, chef, months):
    first, second = fresh_people(region, 2)
    key = scope_key(region, "NH-O1")
    delegate(chef, [first, second], scope=SCOPE_AREA, scope_key=key, attestant="1",
             valid_to=(TODAY + timedelta(days=20)).isoformat())
    ids = [d.id for who in (first, second) for d in delegations_of(region, who)]
    response = chef.post("/delegeringar/hantera", {"typ": SCOPE_AREA, "omrade": key, "status": "alla", "valda": ids,
                                                   "manader": months, "action": "forlang"})
    assert response.status_code == 302, text_of(response)
    expected = add_months(TODAY, months)
    shown = text_of(chef.get(response.headers["Location"]))
    assert f"2 delegeringar är förlängda till {expected.isoformat()}." in shown
    for who in (first, second):
        (d,) = delegations_of(region, who)
        assert d.valid_to == expected and d.valid_from == TODAY
    extended = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "delegation.extended")
    assert region.scalar(extended) == 2


def test_förläng_utan_val_ger_meddelande_och_ändrar_inget(region, chef):
    key = scope_key(region, "NH-O1")
    page = text_of(chef.post("/delegeringar/hantera", {"typ": SCOPE_AREA, "omrade": key, "status": "alla",
                                                       "action": "forlang", "manader": "6"}))
    assert "Markera en eller flera delegeringar." in page
    sarbe1 = [d for d in delegations_of(region, person(region, "sarbe1"))]
    page = text_of(chef.post("/delegeringar/hantera", {"typ": SCOPE_AREA, "omrade": key, "status": "alla",
                                                       "action": "forlang", "valda": sarbe1[0].id}))
    assert "Välj slutdatum från dagens datum: 3, 6 eller 12 månader." in page
    assert f'value="{sarbe1[0].id}" id="valda-{sarbe1[0].id}" checked' in page  # the mark is kept ...
    assert "1 delegering är fortfarande markerad." in page  # ... and said, never silently


def test_ta_bort_avslutar_delegeringen_direkt(region, chef, login):
    sarbe1 = person(region, "sarbe1")
    nh_norr = next(d for d in delegations_of(region, sarbe1) if d.omrade.code == "NH-O1")
    orderer = login("sarbe1")
    assert orderer.get("/lr/").status_code == 200
    filters = {"typ": SCOPE_AREA, "omrade": scope_key(region, "NH-O1"), "status": "aktiv"}
    # Ta bort first asks, naming exactly the marked delegation; nothing has ended yet.
    asked = chef.post("/delegeringar/hantera", {**filters, "valda": nh_norr.id, "action": "ta_bort"})
    assert asked.status_code == 302 and "/delegeringar/ta-bort?" in asked.headers["Location"]
    confirmation = text_of(chef.get(asked.headers["Location"]))
    assert "Ta bort 1 delegering?" in confirmation and "Sara Berglund (sarbe1)" in confirmation
    assert confirmation.count("<li>") == 1 and 'name="bekraftad" value="1"' in confirmation
    region.expire_all()
    assert region.get(Delegation, nh_norr.id).ended_at is None
    response = chef.post("/delegeringar/hantera", {**filters, "valda": nh_norr.id, "action": "ta_bort",
                                                   "bekraftad": "1"})
    assert response.status_code == 302
    assert "1 delegering är borttagen och gäller inte längre." in text_of(chef.get(response.headers["Location"]))
    region.expire_all()
    ended = region.get(Delegation, nh_norr.id)
    assert ended.valid_to == TODAY - timedelta(days=1) and ended.ended_by_id == person(region, "marho1").id
    assert orderer.get("/lr/").status_code == 200  # SU Område Medicin remains hers
    found = text_of(chef.get("/delegeringar/sok?vgr_id=sarbe1"))
    assert "Inaktiv (borttagen av Maria Holm (marho1))" in found
    again = text_of(chef.post("/delegeringar/hantera", {"typ": SCOPE_AREA, "omrade": scope_key(region, "NH-O1"),
                                                        "status": "alla", "valda": nh_norr.id, "action": "ta_bort"}))
    assert "Redan inaktiv: Sara Berglund (sarbe1)." in again


def test_ta_bort_en_delegering_utanför_sina_enheter_nekas(region, chef):
    sarbe1 = person(region, "sarbe1")
    su = next(d for d in delegations_of(region, sarbe1) if d.omrade.code == "SU-O1")
    for confirmed in ({}, {"bekraftad": "1"}):
        response = chef.post("/delegeringar/hantera", {"typ": SCOPE_AREA, "omrade": scope_key(region, "NH-O1"),
                                                       "status": "alla", "valda": su.id, "action": "ta_bort",
                                                       **confirmed})
        assert response.status_code == 403
    assert chef.get("/delegeringar/ta-bort", query_string={"valda": su.id}).status_code == 403
    region.expire_all()
    assert region.get(Delegation, su.id).ended_at is None


def test_sök_befintlig_delegering_på_vgr_id_visar_aktiva_och_inaktiva_med_delegerat_av(region, chef):
    page = text_of(chef.get("/delegeringar/sok?vgr_id=eriny1"))
    assert "Visa delegeringar" in page and "Delegerat av" in page
    assert "Inaktiv" in page and "Maria Holm (marho1)" in page
    sarbe1 = text_of(chef.get("/delegeringar/sok?vgr_id=SARBE1"))
    assert "Aktiv" in sarbe1 and "Område Norr" in sarbe1
    assert "Område Medicin" not in sarbe1  # SU is outside her units
    assert "Ingen person med detta VGR-ID finns i KiV." in text_of(chef.get("/delegeringar/sok?vgr_id=finnsej9"))
    assert "Ange VGR-ID." in text_of(chef.get("/delegeringar/sok?vgr_id="))


def test_u_delegeringar_visas_bara_för_chefens_egna_vårdenheter_också_när_satsen_återanvänds(region, login):
    """Hantera delegeringar's statement is built once and run with each chef's own units (a named parameter):
    two chefs of the same område, one after the other, each see the U delegations of their own units only."""
    from beh_core.services import paging
    from vmu_helpers import u_delegation

    mine, theirs = unit(region, "NH-O1-E1"), unit(region, "NH-O1-E2")
    assert mine.chef_id == person(region, "marho1").id and theirs.chef_id not in (None, mine.chef_id)
    first, second = fresh_people(region, 2)
    u_delegation(region, first, mine, bestallare=True)
    u_delegation(region, second, theirs, attestant=True)
    key = scope_key(region, "NH-O1")
    for _ in range(2):  # the second round runs the kept statement for both
        hers = text_of(login("marho1").get(f"/delegeringar/hantera?typ=enhet&omrade={key}&status=alla"))
        other_chef = region.get(Person, theirs.chef_id).vgr_id
        his = text_of(login(other_chef).get(f"/delegeringar/hantera?typ=enhet&omrade={key}&status=alla"))
        assert f'data-label="VGR-ID">{first.vgr_id}</td>' in hers and second.vgr_id not in hers
        assert f'data-label="VGR-ID">{second.vgr_id}</td>' in his and first.vgr_id not in his
    assert ("hantera", "alla", "units") in paging._KEPT_PAGES


def test_en_sats_som_bär_ett_eget_värde_sparas_aldrig(region):
    """A statement whose parameter has a value of its own (a chef's units) is run but never kept: run again
    for another chef without that value it would use the first chef's."""
    from sqlalchemy import bindparam

    from beh_core.services import paging
    from beh_core.services.list_rows import delegation_rows

    def ids(units):
        return lambda: (select(Delegation.id).where(Delegation.enhet_id.in_(units)).order_by(Delegation.id))

    own = bindparam("chef_enhet_ids", [1], expanding=True)
    paging.paginate_ids(region, Delegation, ids(own), 1, 10, delegation_rows, keep=("test", "own"),
                        values={"chef_enhet_ids": [1]})
    assert ("test", "own") not in paging._KEPT_PAGES
    named = bindparam("chef_enhet_ids", expanding=True)
    paging.paginate_ids(region, Delegation, ids(named), 1, 10, delegation_rows, keep=("test", "named"),
                        values={"chef_enhet_ids": [1]})
    assert ("test", "named") in paging._KEPT_PAGES
