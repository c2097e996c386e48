"""Manual 001, MINISTOP: the eight steps over HTTP, what is refused at the field, and Förändring when held."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from beh_core.models import Enhet, Forvaltning, HeldPermission, Omrade, Order, OrderStatus
from helpers import choose_systems, person, person_without_permissions, review, start_wizard, text_of

TODAY = date.today()
KEY = "ministop"


@pytest.fixture
def nh(region):
    """Närhälsan: its id, the units of Område Norr (sarbe1 orders there) and a unit of another förvaltning."""
    forvaltning = region.scalar(select(Forvaltning).where(Forvaltning.code == "NH"))
    units = list(region.scalars(select(Enhet).join(Omrade).where(Omrade.forvaltning_id == forvaltning.id)
                                .order_by(Enhet.name)))
    elsewhere = region.scalar(select(Enhet).where(Enhet.code == "SU-O1-E1"))
    return forvaltning, units, elsewhere


def ministop_fields(enhet1="", enhet2="", titel="Superuser", epost="anna.berg@vgregion.se", **extra) -> dict:
    return {KEY: {"enhet1": str(enhet1), "enhet2": str(enhet2), "titel": titel, "epost": epost, **extra}}


def orders(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count(Order.id)))


def test_ministop_genom_manualens_åtta_steg(region, login, nh):
    forvaltning, units, _ = nh
    end_user = person_without_permissions(region)
    # 1. Logga in (the demo login stands for the card) and 2. Lokala och Regionala system on the start page.
    orderer = login("sarbe1")
    start = text_of(orderer.get("/"))
    assert 'href="/lr/"' in start and "Lokala och Regionala system" in start
    # 3. Sök fram användaren med HSA-id, check the hit, Fortsätt.
    hit = text_of(orderer.post("/lr/", {"field": "hsa_id", "q": end_user.hsa_id}))
    assert "Sökningen gav följande träff" in hit and end_user.vgr_id in hit and end_user.hsa_id in hit
    assert orderer.post("/lr/person", {"person_id": end_user.id}).status_code == 302
    # 4. Välj förvaltning (Närhälsan) and Nyupplägg.
    chosen = orderer.post("/lr/behorigheter", {"forvaltning_id": forvaltning.id, "kind": "nyupplagg"})
    assert chosen.headers["Location"].endswith("/lr/sida/local")
    # 5. Under Lokala system: MINISTOP with Enhet 1, Enhet 2, Titel, Epost (prefilled from KiV).
    page = text_of(orderer.get("/lr/sida/local"))
    assert "MINISTOP" in page and "Enhet 1" in page and "Enhet 2" in page and "Titel" in page and "Epost" in page
    assert "Superuser" in page and end_user.email in page
    assert all(unit.name in page for unit in units)
    # 6. Nästa, and Nästa on Regionala system.
    first, second = units[0], units[1]
    moved = choose_systems(orderer, "local", ministop_fields(first.id, second.id))
    assert moved.headers["Location"].endswith("/lr/sida/regional"), text_of(moved)
    assert choose_systems(orderer, "regional", {}).headers["Location"].endswith("/lr/granska")
    # 7. Granska: the line as the manual shows it; Område, Verksamhet, Attestant, Startdatum; Skicka beställning.
    granska = re.sub(r"\s+", " ", text_of(orderer.get("/lr/granska")))
    assert (f"Enhet 1: {first.name}" in granska and f"Enhet 2: {second.name}" in granska
            and "Titel: Superuser" in granska and "Epost: anna.berg@vgregion.se" in granska)
    norr = region.scalar(select(Omrade).where(Omrade.code == "NH-O1"))
    unit = region.scalar(select(Enhet).where(Enhet.code == "NH-O1-E1"))
    johek1 = person(region, "johek1")
    done = review(orderer, omrade_id=norr.id, enhet_id=unit.id, attestant_id=johek1.id, start_date=TODAY.isoformat())
    assert "/lr/klar/" in done.headers["Location"]
    assert "Ditt ordernummer är" in text_of(orderer.get(done.headers["Location"]))
    region.expire_all()
    order = region.scalar(select(Order).order_by(Order.id.desc()))
    assert [line.item_name for line in order.lines] == ["MINISTOP"]
    # 8. Attest, then Service Desk behörigheter carries it out; the held permission keeps units and title.
    assert login("johek1").post(f"/attest/{order.number}", {"action": "approve"}).status_code == 302
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.ATTESTERAD.value  # not automatic: the Service Desk
    line = region.get(Order, order.id).lines[0]
    desk = login("lensa1")
    assert "MINISTOP" in text_of(desk.get(f"/servicedesk/{order.number}"))
    assert desk.post(f"/servicedesk/{order.number}/rad/{line.id}", {}).status_code == 302
    region.expire_all()
    held = region.scalar(select(HeldPermission).where(HeldPermission.person_id == end_user.id,
                                                      HeldPermission.item_key == KEY))
    assert held.details == {"enhet1": str(first.id), "enhet2": str(second.id), "titel": "Superuser",
                            "epost": "anna.berg@vgregion.se"}
    assert ["Enhet 1", first.name] in held.shown and ["Titel", "Superuser"] in held.shown
    assert held.scope_key == str(forvaltning.id)

    # "Om MINISTOP inte dyker upp som valbart system under Nyupplägg finns det under Förändring"
    start_wizard(orderer, end_user, forvaltning.id)
    nyupplagg = text_of(orderer.get("/lr/sida/local"))
    assert f'value="{KEY}"' not in nyupplagg and "Användaren har redan behörighet till MINISTOP" in nyupplagg
    start_wizard(orderer, end_user, forvaltning.id, kind="forandring")
    forandring = text_of(orderer.get("/lr/sida/local"))
    token = f"{KEY}@{forvaltning.id}:{held.id}"  # the held permission, in this förvaltning
    assert f'value="{token}"' in forandring and f"Enhet 1: {first.name}" in forandring
    changed = choose_systems(orderer, "local", {token: {"enhet1": str(first.id), "enhet2": "",
                                                                      "titel": "BHV-sjuksköterska",
                                                                      "epost": "anna.berg@vgregion.se"}})
    assert changed.headers["Location"].endswith("/lr/sida/regional"), text_of(changed)


@pytest.mark.parametrize("case", ["samma enhet", "annan förvaltning", "tredje enhet", "okänd titel", "fel epost",
                                  "epost med html", "ingen enhet"])
def test_ministop_avvisas_vid_fältet_och_inget_sparas(region, login, nh, case):
    forvaltning, units, elsewhere = nh
    end_user = person_without_permissions(region)
    orderer = login("sarbe1")
    start_wizard(orderer, end_user, forvaltning.id)
    fields, expected, kept = {
        "samma enhet": (ministop_fields(units[0].id, units[0].id), "Enhet 2 kan inte vara samma enhet som Enhet 1.",
                        "anna.berg@vgregion.se"),
        "annan förvaltning": (ministop_fields(elsewhere.id), f"Enhet 1 \u201d{elsewhere.id}\u201d finns inte",
                              "Superuser"),
        "tredje enhet": (ministop_fields(units[0].id, units[1].id, enhet3=str(units[2].id)),
                         "Högst två enheter kan väljas per behörighetsbeställning.", "anna.berg@vgregion.se"),
        "okänd titel": (ministop_fields(units[0].id, titel="Överlord"), "Titel \u201dÖverlord\u201d finns inte",
                        "anna.berg@vgregion.se"),
        "fel epost": (ministop_fields(units[0].id, epost="anna.berg(at)vgregion"), "Epost ska vara en e-postadress",
                      'value="anna.berg(at)vgregion"'),
        "epost med html": (ministop_fields(units[0].id, epost='"><b>x</b>@vgregion.se'),
                           "Epost ska vara en e-postadress", 'value="&#34;&gt;&lt;b&gt;x&lt;/b&gt;@vgregion.se"'),
        "ingen enhet": (ministop_fields(""), "Välj Enhet 1 för MINISTOP.", "anna.berg@vgregion.se"),
    }[case]
    page = text_of(choose_systems(orderer, "local", fields))
    assert expected in page and kept in page  # at the field, with what was typed kept
    assert 'aria-invalid="true"' in page
    assert orders(region) == 0
    # the review refuses a forged line the same way: nothing is saved
    norr = region.scalar(select(Omrade).where(Omrade.code == "NH-O1"))
    unit = region.scalar(select(Enhet).where(Enhet.code == "NH-O1-E1"))
    review(orderer, omrade_id=norr.id, enhet_id=unit.id, attestant_id=person(region, "johek1").id,
           start_date=TODAY.isoformat())
    assert orders(region) == 0


def test_ministop_finns_bara_i_närhälsan_och_regionhälsan(region, login):
    orderer = login("sarbe1")
    su = region.scalar(select(Forvaltning).where(Forvaltning.code == "SU"))
    start_wizard(orderer, person_without_permissions(region), su.id)
    assert "MINISTOP" not in text_of(orderer.get("/lr/sida/local"))
