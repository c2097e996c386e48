"""Hantera användartjänst refuses with a clear Swedish message at the field, keeps what was typed and
saves nothing: no engagement, an unknown kostnadsställe, a frikod of the wrong form, an end date before
the start date, a second användartjänst, two levels in one order, no reason; and a change of level
(Förändring) is offered instead of a second one."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from beh_core.models import Order, OrderDraft
from helpers import person
from usertjanst_steps import (BASE, add, choose_identity, costs, details, latest_order, order_up_to_levels, orders,
                              send, step)

TODAY = date.today()


def test_en_person_utan_engagemang_kan_inte_väljas(region, login):
    orderer = login("sarbe1")
    andlu1 = person(region, "andlu1")
    before = orders(region)
    for typed in (andlu1.vgr_id, andlu1.hsa_id, andlu1.personnummer):
        path, page = step(orderer, "/", {"q": typed, "action": "fortsatt"})
        assert path == BASE + "/" and 'id="error-summary"' in page
        if typed == andlu1.personnummer:
            # A personnummer of someone the beställare may not order for names nobody: otherwise this search
            # would tell anyone whose a number is (VGR-ID and HSA-id name a person on every page anyway).
            assert "Ingen person som du kan beställa för hittades." in page and "Anders Lund" not in page
        else:
            assert ("Anders Lund (andlu1) har inget aktivt eller kommande engagemang i KiV och kan inte få en "
                    "användartjänst.") in page
        # What was typed is kept (it travels through the draft: a personnummer comes back masked).
        kept = f"{typed[:8]}-****" if typed == andlu1.personnummer else typed
        assert f'value="{kept}"' in page
    # Not even a forged choice of the person gets further.
    path, page = step(orderer, "/", {"person_id": andlu1.id, "action": "fortsatt"})
    assert path == BASE + "/" and "Du kan inte beställa användartjänst för den personen." in page
    assert orderer.get(BASE + "/kostnadsstalle").status_code == 302
    assert orders(region) == before


def test_en_person_utanför_delegeringarna_förklaras(region, login):
    from beh_core.models import Engagement, Enhet, Forvaltning, Omrade, Person

    outside = region.scalar(select(Person).join(Engagement).join(Enhet).join(Omrade).join(Forvaltning)
                            .where(Forvaltning.code == "RH", Person.active.is_(True),
                                   Engagement.end_date.is_(None)).order_by(Person.id).limit(1))
    path, page = step(login("sarbe1"), "/", {"q": outside.vgr_id, "action": "fortsatt"})
    assert f"{outside.display} har inget engagemang inom dina delegeringar." in page


def test_ett_kostnadsställe_som_inte_finns_och_en_frikod_av_fel_form_nekas(region, login):
    orderer = login("sarbe1")
    choose_identity(orderer, person(region, "perwi1"))
    before = orders(region)
    path, page = costs(orderer, "99999", "12ab", "123456789")
    assert path == BASE + "/kostnadsstalle"
    assert "Kostnadsställe 99999 finns inte i KiV. Kontrollera numret eller sök fram kostnadsstället." in page
    assert "Frikod 1 ska vara 1–8 siffror, till exempel 2074." in page
    assert "Frikod 2 ska vara 1–8 siffror, till exempel 2074." in page
    assert 'value="99999"' in page and 'value="12ab"' in page and 'value="123456789"' in page
    assert orderer.get(BASE + "/detaljer").status_code == 302  # not past this step
    # A personnummer typed into the wrong field is not said back in full
    path, page = costs(orderer, "198706120014")
    assert "Kostnadsställe 19870612-**** finns inte i KiV." in page and "198706120014 finns" not in page
    # Searching without JavaScript lists the kostnadsställen that start with what was typed.
    path, page = costs(orderer, "6900", action="sok")
    assert "69002" in page and "LifeCare light" in page and 'value="valj:69002"' in page
    path, page = step(orderer, "/kostnadsstalle", {"kostnadsstalle": "6900", "action": "valj:69002"})
    assert 'value="69002"' in page
    # Digits of other scripts look like digits but are not a frikod the ekonomisystem can read.
    path, page = costs(orderer, "69002", "１２３", "٢٠٧٤")
    assert path == BASE + "/kostnadsstalle"
    assert "Frikod 1 ska vara 1–8 siffror, till exempel 2074." in page
    assert "Frikod 2 ska vara 1–8 siffror, till exempel 2074." in page
    assert 'value="１２３"' in page and 'value="٢٠٧٤"' in page
    assert orders(region) == before


def test_ett_slutdatum_före_startdatum_och_ingen_orsak_nekas(region, login):
    orderer = login("sarbe1")
    choose_identity(orderer, person(region, "perwi1"))
    costs(orderer, "69002")
    start = (TODAY + timedelta(days=10)).isoformat()
    path, page = details(orderer, orsak="", start=start, end=(TODAY + timedelta(days=5)).isoformat())
    assert path == BASE + "/detaljer"
    assert "Ange en orsak till beställningen. Välj i listan eller skriv en egen." in page
    assert "Slutdatum kan inte vara tidigare än startdatum." in page
    assert f'value="{start}"' in page
    path, page = details(orderer, orsak="Nyanställd", start="2020-01-01")
    assert "Startdatum kan inte vara tidigare än dagens datum." in page
    path, page = details(orderer, orsak="Nyanställd", start="1 maj")
    assert "Ange startdatum enligt formatet ÅÅÅÅ-MM-DD." in page
    path, page = details(orderer, orsak="Nyanställd", start="9999-12-31")  # told here, not first at Skicka
    assert path == BASE + "/detaljer" and "Startdatum kan vara högst ett år fram i tiden." in page
    assert 'value="9999-12-31"' in page
    assert orderer.get(BASE + "/val").status_code == 302
    assert region.scalar(select(Order.id).where(Order.catalogue == "usertjanst")) is None


def test_två_nivåer_i_en_beställning_nekas(region, login, rt):
    orderer = login("sarbe1")
    order_up_to_levels(orderer, person(region, "perwi1"), "69002")
    add(orderer, "grund")
    _, page = add(orderer, "avancerad")
    assert "Endast en nivå av användartjänst kan väljas per person. Ta bort Användartjänst Grund i Dina val först." in page
    cart = page.split('id="dina-val"', 1)[1]
    assert "Användartjänst Grund" in cart and "Användartjänst Avancerad" not in cart
    # A forged draft with two lines is refused when sent, and nothing is saved.
    draft = region.scalar(select(OrderDraft).where(OrderDraft.catalogue == "usertjanst"))
    before = orders(region)
    from beh_core.services.ordering import LineInput
    from usertjanst_steps import order_request_with_lines
    made = order_request_with_lines(region, rt, draft, [LineInput("usertjanst", {"niva": "grund"}),
                                                    LineInput("usertjanst", {"niva": "enkel"})])
    assert "Användartjänst är vald två gånger. Ta bort den ena." in made or \
        "Endast en nivå av användartjänst kan beställas per person." in made
    assert orders(region) == before


def test_skicka_utan_nivå_nekas(region, login):
    orderer = login("sarbe1")
    order_up_to_levels(orderer, person(region, "perwi1"), "69002")
    before = orders(region)
    _, page = send(orderer)
    assert "Välj en nivå av användartjänst med Lägg till." in page
    assert orders(region) == before


def test_den_som_redan_har_användartjänst_får_byta_nivå_i_stället(region, login):
    orderer = login("sarbe1")
    eriny1 = person(region, "eriny1")  # holds Användartjänst Grund (the demo's policy)
    path, page = choose_identity(orderer, eriny1)
    assert path == BASE + "/"
    assert "Erik Nyström (eriny1) har redan en användartjänst" in page and "Användartjänst Grund" in page
    assert "Byt nivå (förändring)" in page
    assert orderer.get(BASE + "/kostnadsstalle").status_code == 302  # nothing chosen yet
    path, page = step(orderer, "/", {"action": "forandring"})
    assert path == BASE + "/kostnadsstalle" and "Förändring" in page
    costs(orderer, "69002")
    _, page = details(orderer, orsak="Byte av nivå")
    grund = page.split('<span class="beh-level__name">Användartjänst Grund</span>', 1)[1].split('<li class="beh-level">', 1)[0]
    assert "Nuvarande nivå" in grund and "add:grund" not in grund
    # The same level again is refused when sent, by the plugin's rule.
    _, page = add(orderer, "grund")
    before = orders(region)
    _, page = send(orderer)
    assert "Användaren har redan Användartjänst Grund. Välj en annan nivå." in page
    assert orders(region) == before
    step(orderer, "/val", {"action": "remove"})
    add(orderer, "enkel")
    path, _ = send(orderer)
    assert path.startswith(BASE + "/klar/")
    order = latest_order(region)
    assert order.kind == "forandring" and order.lines[0].held_permission_id is not None
    assert order.lines[0].values == {"niva": "enkel"}


def test_en_andra_användartjänst_nekas_också_om_formuläret_förfalskas(region, login, rt):
    orderer = login("sarbe1")
    eriny1 = person(region, "eriny1")
    choose_identity(orderer, eriny1)
    # Skipping Byt nivå: the later steps are closed while the kind is not chosen ...
    assert orderer.get(BASE + "/val").status_code == 302
    # ... and a Nyupplägg forged into the draft is refused by the core when sent.
    draft = region.scalar(select(OrderDraft).where(OrderDraft.catalogue == "usertjanst"))
    from beh_core.services.ordering import LineInput
    from usertjanst_steps import order_request_with_lines
    before = orders(region)
    made = order_request_with_lines(region, rt, draft, [LineInput("usertjanst", {"niva": "enkel"})], kind="nyupplagg")
    assert "Användaren har redan behörighet till Användartjänst. Välj Förändring i stället." in made
    assert orders(region) == before


def test_en_andra_beställning_medan_den_första_väntar_nekas(region, login):
    orderer = login("sarbe1")
    perwi1 = person(region, "perwi1")
    order_up_to_levels(orderer, perwi1, "69002")
    add(orderer, "grund")
    send(orderer)
    number = latest_order(region).number
    path, page = choose_identity(orderer, perwi1)
    assert path == BASE + "/"
    assert f"Det finns redan en beställning av användartjänst för Per Wikström (perwi1) som inte är klar ({number})." \
        in page
