"""Vårdmedarbetaruppdrag VMU Flera användare (issue 10): a list of identifiers, every row checked before
anything is sent, the valid rows as one order per person in ONE transaction with ONE mail to the attestant;
bad input refused with a clear Swedish message and nothing saved; a constant number of queries per list."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

from sqlalchemy import event, func, select

from beh_core.db import get_database
from beh_core.models import HeldPermission, Order, OrderLine, OrderStatus, OutboxMessage
from helpers import attest_step, person, text_of
from vmu_helpers import TODAY, mass_form, new_staff, unit

import pytest


@pytest.fixture
def orderer_world(region):
    """sarbe1 orders at NH-O3-E1..E3 and johek1 attests there (the plugin's demo delegations)."""
    return unit(region, "NH-O3-E1"), person(region, "sarbe1"), person(region, "johek1")


def orders_of(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count(Order.id)).where(Order.catalogue == "vmu")) or 0


def waiting_order(db, orderer, end_user_id, attestant, enhet, item="vmu.pascal.vob") -> str:
    order = Order(catalogue="vmu", kind="nyupplagg", status=OrderStatus.VANTAR_PA_ATTEST.value, orderer_id=orderer.id,
                  end_user_id=end_user_id, attestant_id=attestant.id, forvaltning_id=enhet.omrade.forvaltning_id,
                  omrade_id=enhet.omrade_id, enhet_id=enhet.id, start_date=TODAY)
    order.lines.append(OrderLine(position=0, item_key=item, item_name="Pascal VoB", scope="uppdrag",
                                 scope_key=str(enhet.id), values={}))
    order.attest_steps.append(attest_step(attestant.id))
    db.add(order)
    db.flush()
    order.number = f"c{800000 + order.id}"
    db.commit()
    return order.number


def test_massbeställning_av_1000_rader_med_varje_slags_fel(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 990)
    # Engaged at another vårdenhet: may get the uppdrag here, as in En användare (manual 003 asks for an active
    # engagement in KiV, not one at the vårdenhet).
    elsewhere = new_staff(region, unit(region, "NH-O3-E2"), 2, first=990)
    ended = new_staff(region, e1, 1, first=992, engaged=False)  # the engagement has ended
    holder, waiter = staff[0], staff[1]
    region.add(HeldPermission(person_id=holder.id, item_key="vmu.pascal.vob", scope_key=str(e1.id), details={},
                              shown=[], valid_from=TODAY - timedelta(days=3)))
    region.commit()
    waiting = waiting_order(region, orderer, waiter.id, attestant, e1)
    before = orders_of(region)

    lines = []
    for n, s in enumerate(staff):  # every kind of identifier
        lines.append([s.personnummer_dash, s.hsa_id, s.vgr_id, s.passnummer][n % 4])
    lines[10] = lines[9]                          # duplicate row
    lines[11] = staff[9].hsa_id if lines[9] != staff[9].hsa_id else staff[9].vgr_id  # the same person again
    lines += ["okand99", "SE2321000131-X999999999999",   # not found
              "19121212-1213",                          # not a valid personnummer
              elsewhere[0].vgr_id, elsewhere[1].hsa_id,   # valid
              ended[0].vgr_id,                          # no active engagement in KiV
              "okand98", "okand97", "okand96", "okand95"]
    assert len(lines) == 1000
    browser = login(orderer.vgr_id)
    checked = browser.post("/vmu/flera", mass_form(e1, attestant, lines))
    assert checked.status_code == 302, text_of(checked)
    page = text_of(browser.get("/vmu/flera/granska"))
    refused = {"Dubblett: samma identitet som rad 10.", "Dubblett: samma person som rad 10.",
               "Ingen person med denna identitet finns i KiV.", "Personnumrets kontrollsiffra stämmer inte",
               "Användaren har inget aktivt engagemang i KiV.", "Användaren har redan uppdraget vid vårdenheten.",
               f"Uppdraget är redan beställt för användaren och väntar ({waiting})."}
    for reason in refused:
        assert reason in page, reason
    valid = 990 - 4 + 2  # holder, waiter, the two duplicates; the two engaged elsewhere
    assert f"{valid} av 1000 rader kan beställas, {1000 - valid} kan inte." in page
    assert staff[0].personnummer not in page and staff[0].personnummer_dash not in page  # masked
    assert orders_of(region) == before  # nothing saved by the check

    sent = browser.post("/vmu/flera/skicka", {"action": "skicka"})
    assert sent.headers["Location"].endswith("/vmu/flera/klar"), text_of(sent)
    assert f"{valid} beställningar är skickade" in text_of(browser.get("/vmu/flera/klar"))
    assert orders_of(region) == before + valid
    mails = list(region.scalars(select(OutboxMessage).where(OutboxMessage.to_person_id == attestant.id)))
    assert len(mails) == 1 and mails[0].subject == f"{valid} beställningar väntar på din attest"
    assert staff[5].vgr_id in mails[0].body and holder.vgr_id not in mails[0].body.split("Slutanvändare:")[1]
    # The Flera användare tile's Mina beställningar lists them (they are VMU orders, one per person).
    start_page = text_of(browser.get("/"))
    assert "/bestallningar/mina?katalog=vmu\"" in start_page and "katalog=vmu_flera" not in start_page
    assert "Totalt 0 st." not in text_of(browser.get("/bestallningar/mina?katalog=vmu"))
    old_link = text_of(browser.get("/bestallningar/mina?katalog=vmu_flera"))  # a kept bookmark
    assert "Totalt 0 st." not in old_link and 'value="vmu_flera"' not in old_link  # no such Beställning option
    first_page = text_of(browser.get("/vmu/flera/klar"))
    shown = re.search(r"(c\d+)</a> – <a[^>]*>(c\d+)</a>", first_page)
    assert shown, first_page
    # a second Skicka (Back, a double click, another tab) makes nothing more, and says what the first one
    # made: the numbers are read from the sent list, not from what this browser was shown before
    with browser.client.session_transaction() as kept:
        kept.pop("vmu_klar", None)
    second = browser.post("/vmu/flera/skicka", {"action": "skicka"})
    assert second.headers["Location"].endswith("/vmu/flera/klar"), text_of(second)
    assert orders_of(region) == before + valid
    again = text_of(browser.get("/vmu/flera/klar"))
    assert "Listan är redan skickad. Inga nya beställningar är gjorda." in again
    assert f"{valid} beställningar är skickade" in again
    assert re.search(r"(c\d+)</a> – <a[^>]*>(c\d+)</a>", again).groups() == shown.groups()


def test_ändra_listan_behåller_valen(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 2)
    browser = login(orderer.vgr_id)
    start = TODAY + timedelta(days=4)
    browser.post("/vmu/flera", mass_form(e1, attestant, [s.vgr_id for s in staff], uppdrag="vmu.npo.sjf", start=start))
    back = browser.post("/vmu/flera/skicka", {"action": "andra"})
    page = text_of(browser.get(back.headers["Location"]))
    assert f'value="{start.isoformat()}"' in page and 'value="vmu.npo.sjf" selected' in page
    assert f'<option value="{attestant.id}" selected' in page
    assert orders_of(region) == 0


def test_allt_eller_inget_om_något_ändrats_sedan_kontrollen(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 5)
    browser = login(orderer.vgr_id)
    assert browser.post("/vmu/flera", mass_form(e1, attestant, [s.vgr_id for s in staff])).status_code == 302
    waiting_order(region, orderer, staff[3].id, attestant, e1)  # ordered by someone else meanwhile
    before = orders_of(region)
    failed = browser.post("/vmu/flera/skicka", {"action": "skicka"})
    page = text_of(browser.get(failed.headers["Location"]))
    assert "Beställningen skickades inte. Inget är sparat." in page and "Rad 4:" in page
    assert orders_of(region) == before


@pytest.mark.parametrize("lines, field, message", [
    (["okand99"], None, "Ingen person med denna identitet finns i KiV."),
    ([], "identiteter", "Ange minst en identitet, en per rad."),
    ([f"x{n}" for n in range(10_001)], "identiteter",
     "Listan har 10001 rader. Högst 10000 rader kan beställas på en gång; dela upp listan."),
])
def test_felaktig_lista(app, region, login, orderer_world, lines, field, message):
    e1, orderer, attestant = orderer_world
    browser = login(orderer.vgr_id)
    response = browser.post("/vmu/flera", mass_form(e1, attestant, lines))
    page = text_of(browser.get("/vmu/flera/granska")) if response.status_code == 302 else text_of(response)
    assert message in page
    if field:
        assert f'id="err-{field}"' in page
    assert orders_of(region) == 0


def test_en_fil_som_inte_är_csv_nekas_och_det_inskrivna_finns_kvar(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    browser = login(orderer.vgr_id)
    data = mass_form(e1, attestant, [])
    data["fil"] = (io.BytesIO(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "lista.csv")
    response = browser.post("/vmu/flera", data, content_type="multipart/form-data")
    page = text_of(response)
    assert "Filen är inte en CSV-fil." in page and 'id="err-fil"' in page
    assert f'value="{TODAY.isoformat()}"' in page  # what was typed is kept
    assert orders_of(region) == 0


def test_en_csv_fil_enligt_mallen_läses(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 3)
    browser = login(orderer.vgr_id)
    template = browser.get("/vmu/flera/mall.csv")
    assert template.mimetype == "text/csv" and text_of(template).startswith("identitet")
    body = "identitet;kommentar\n" + "\n".join(f"{s.hsa_id};ny" for s in staff) + "\n"
    data = mass_form(e1, attestant, [])
    data["fil"] = (io.BytesIO(body.encode("utf-8-sig")), "lista.csv")
    assert browser.post("/vmu/flera", data, content_type="multipart/form-data").status_code == 302
    assert "3 av 3 rader kan beställas" in text_of(browser.get("/vmu/flera/granska"))


def test_vårdenhet_utanför_delegeringarna_och_startdatum_i_det_förflutna(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 2)
    browser = login(orderer.vgr_id)
    forged = browser.post("/vmu/flera", mass_form(unit(region, "SU-O1-E1"), attestant, [staff[0].vgr_id]))
    assert forged.status_code == 400
    assert "Du har ingen beställardelegering för denna vårdenhet." in text_of(forged)
    past = browser.post("/vmu/flera", mass_form(e1, attestant, [staff[0].vgr_id], start=TODAY - timedelta(days=1)))
    assert "Startdatum kan inte vara tidigare än dagens datum." in text_of(past) and staff[0].vgr_id in text_of(past)
    far = browser.post("/vmu/flera", mass_form(e1, attestant, [staff[0].vgr_id], start=date(9999, 12, 31)))
    assert "Startdatum kan vara högst ett år fram i tiden." in text_of(far) and "9999-12-31" in text_of(far)
    private_only = browser.post("/vmu/flera", mass_form(e1, attestant, [staff[0].vgr_id], uppdrag="vmu.sparr_logg"))
    assert "Administration spärr och logg kan bara beställas vid en privat vårdgivare." in text_of(private_only)
    lr_attestant = browser.post("/vmu/flera", mass_form(e1, person(region, "sarbe1"), [staff[0].vgr_id]))
    assert "Välj attestant i listan." in text_of(lr_attestant)
    assert orders_of(region) == 0


def test_attestanten_erbjuds_bara_bland_vårdenhetens_u_attestanter(app, region, login, orderer_world):
    page = text_of(login("sarbe1").get("/vmu/flera"))
    assert person(region, "johek1").display in page
    # perwi1 is an L/R attestant too, but is offered for the U delegation; eriny1 has only an old L/R one
    assert person(region, "eriny1").display not in page


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, *args):
        self.count += 1


def test_kontrollen_kostar_lika_många_frågor_för_10_som_för_600_rader(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 600)
    browser = login(orderer.vgr_id)
    engine = get_database(app).engine

    def check(lines):
        with QueryCounter(engine) as counter:
            assert browser.post("/vmu/flera", mass_form(e1, attestant, lines)).status_code == 302
        return counter.count

    check([s.vgr_id for s in staff[:10]])  # the first check also starts the draft; later ones replace it
    few = check([s.vgr_id for s in staff[:10]])
    many = check([[s.vgr_id, s.hsa_id, s.personnummer, s.passnummer][n % 4] for n, s in enumerate(staff)])
    assert many == few, (few, many)
    assert few <= 25


def test_attestanten_godkänner_alla_på_en_gång_i_en_transaktion(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 30)
    browser = login(orderer.vgr_id)
    assert browser.post("/vmu/flera", mass_form(e1, attestant, [s.vgr_id for s in staff],
                                                start=TODAY + timedelta(days=2))).status_code == 302
    browser.post("/vmu/flera/skicka", {"action": "skicka"})
    judge = login(attestant.vgr_id)
    mail = region.scalar(select(OutboxMessage).where(OutboxMessage.to_person_id == attestant.id))
    link = re.search(r"http://localhost(/l/\S+)", mail.body).group(1)  # the mail's link, for the attestant only
    assert judge.get(link).headers["Location"].endswith("/attest/alla")
    page = text_of(judge.get("/attest/alla"))
    assert "30 beställningar väntar på din attest" in page and "Godkänn markerade" in page
    orders = list(region.scalars(select(Order).where(Order.catalogue == "vmu")))
    # one of them is approved on its own first, the usual way
    assert judge.post(f"/attest/{orders[0].number}", {"action": "approve"}).status_code == 302
    approved = judge.post("/attest/alla", {"order": [str(o.id) for o in orders[1:]]})
    assert approved.status_code == 302, text_of(approved)
    region.expire_all()
    statuses = {region.get(Order, o.id).status for o in orders}
    assert statuses == {OrderStatus.SCHEMALAGD.value}
    # The beställare hears of the one approved on its own, then of the 29 in one mail (not 29 mails).
    told = list(region.scalars(select(OutboxMessage).where(OutboxMessage.to_person_id == orderer.id)
                               .order_by(OutboxMessage.id)))
    assert [m.subject for m in told] == [f"Beställning {orders[0].number} är godkänd", "29 beställningar är godkända"]
    assert all(f"- {o.number}: " in told[1].body and o.end_user.display in told[1].body for o in orders[1:])
    assert orders[0].number not in told[1].body and attestant.display in told[1].body
    link = re.search(r"http://localhost(/l/\S+)", told[1].body).group(1)  # for the beställare only
    assert browser.get(link).headers["Location"].endswith("/bestallningar/mina")
    # another vårdenhet's U attestant cannot approve them: nothing waits for him
    other = login("perwi1")
    assert "Inga beställningar väntar på din attest." in text_of(other.get("/attest/alla"))


def test_godkänn_markerade_är_allt_eller_inget(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 3)
    browser = login(orderer.vgr_id)
    browser.post("/vmu/flera", mass_form(e1, attestant, [s.vgr_id for s in staff]))
    browser.post("/vmu/flera/skicka", {"action": "skicka"})
    orders = list(region.scalars(select(Order).where(Order.catalogue == "vmu").order_by(Order.id)))
    judge = login(attestant.vgr_id)
    judge.get("/attest/alla")
    # withdrawn by the orderer meanwhile: the list is refused as a whole
    orders[1].status = OrderStatus.MAKULERAD.value
    region.commit()
    refused = text_of(judge.post("/attest/alla", {"order": [str(o.id) for o in orders]}))
    assert "Någon av de markerade beställningarna väntar inte längre på din attest. Inget är godkänt." in refused
    region.expire_all()
    assert [region.get(Order, o.id).status for o in orders] == [
        OrderStatus.VANTAR_PA_ATTEST.value, OrderStatus.MAKULERAD.value, OrderStatus.VANTAR_PA_ATTEST.value]


def test_godkänn_flera_visar_de_äldsta_i_en_sats_och_sedan_nästa(app, region, login, orderer_world, monkeypatch):
    """Godkänn flera på en gång shows a bounded batch (1 000; here 2), the oldest first, and says how many wait."""
    from beh_core.views import attest as attest_views

    monkeypatch.setattr(attest_views, "MANY_BATCH", 2)
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 3)
    browser = login(orderer.vgr_id)
    browser.post("/vmu/flera", mass_form(e1, attestant, [s.vgr_id for s in staff]))
    browser.post("/vmu/flera/skicka", {"action": "skicka"})
    orders = list(region.scalars(select(Order).where(Order.catalogue == "vmu").order_by(Order.created_at, Order.id)))
    judge = login(attestant.vgr_id)
    page = text_of(judge.get("/attest/alla"))
    assert "De 2 äldsta av 3 beställningar som väntar på din attest." in page
    assert [n for n in re.findall(r">(c\d+)</a>", page)] == [o.number for o in orders[:2]]
    assert judge.post("/attest/alla", {"order": [str(o.id) for o in orders[:2]]}).status_code == 302
    page = text_of(judge.get("/attest/alla"))
    assert "1 beställning väntar på din attest" in page and orders[2].number in page


def test_inskrivna_identiteter_och_en_csv_fil_beställs_båda(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 3)
    browser = login(orderer.vgr_id)
    data = mass_form(e1, attestant, [staff[0].vgr_id])
    body = "identitet\n" + "\n".join(s.vgr_id for s in staff[1:]) + "\n"
    data["fil"] = (io.BytesIO(body.encode("utf-8")), "lista.csv")
    assert browser.post("/vmu/flera", data, content_type="multipart/form-data").status_code == 302
    page = text_of(browser.get("/vmu/flera/granska"))
    assert "3 av 3 rader kan beställas" in page
    assert all(s.vgr_id in page for s in staff)  # the typed one is not dropped


def test_ett_personnummer_som_inte_kan_läsas_visas_och_sparas_maskerat(app, region, login, orderer_world):
    """Pasted from Word or Excel: an en dash, a trailing letter or semicolon, a label in front. The row is
    refused as no identifier, and neither the page nor the draft holds the number."""
    from beh_core.models import OrderDraft

    e1, orderer, attestant = orderer_world
    staff = new_staff(region, e1, 1)[0]
    number = staff.personnummer
    typed = [f"{number[:8]}\u2013{number[8:]}", f"{number[:8]}-{number[8:]}x", f"{number};", f"PNR {number}",
             f"{number[:8]}_{number[8:]}", f"{number[:8]}/{number[8:]}", f"{number[:8]}.{number[8:]}",
             f"{number[2:8]}-{number[8:]}"]
    browser = login(orderer.vgr_id)
    assert browser.post("/vmu/flera", mass_form(e1, attestant, typed)).status_code == 302
    whole = re.compile(re.escape(number[2:8]) + r"\D{0,5}" + number[8:])  # the date, anything, the last four
    page = text_of(browser.get("/vmu/flera/granska"))
    assert not whole.search(page)
    assert f"{number[:8]}-****" in page and f"{number[2:8]}-****" in page
    region.expire_all()
    drafts = " ".join(str(d.data) for d in region.scalars(select(OrderDraft)))
    assert f"{number[:8]}-****" in drafts and not whole.search(drafts)
    assert orders_of(region) == 0


def test_utan_vald_vårdenhet_sägs_välj_vårdenhet(app, region, login, orderer_world):
    e1, orderer, attestant = orderer_world
    form = mass_form(e1, attestant, ["eriny1"])
    form["enhet_id"] = ""
    page = text_of(login(orderer.vgr_id).post("/vmu/flera", form))
    assert "Välj vårdenhet." in page and 'id="err-enhet_id"' in page
    assert "Du har ingen beställardelegering" not in page


def test_ett_tomt_formulär_säger_alla_fel_på_en_gång_i_en_felruta(app, region, login, orderer_world):
    page = text_of(login("sarbe1").post("/vmu/flera", {"enhet_id": "", "uppdrag": "", "attestant_id": "",
                                                       "start_date": "", "identiteter": ""}))
    for message in ("Välj vårdenhet.", "Välj vårdmedarbetaruppdrag.", "Välj attestant i listan.", "Ange startdatum.",
                    "Ange minst en identitet, en per rad."):
        assert message in page, message
    assert page.count('id="error-summary"') == 1
    assert orders_of(region) == 0


def test_en_lista_med_ett_födelsedatums_alla_personnummer_visas_inte_rad_för_rad(app, region, login, orderer_world):
    """Every possible personnummer of one birth date (the masked part is shown on every page) in one list:
    shown row by row, the one row that names someone would tell whose number it is. More than a handful of
    personnummer that nobody has refuses the list at the field, naming no one and keeping nothing."""
    from beh_core.identifiers import luhn_check_digit

    e1, orderer, attestant = orderer_world
    target = person(region, "eriny1")
    birth = target.personnummer[:8]
    numbers = [f"{birth}{serial:03d}{luhn_check_digit(birth[2:] + f'{serial:03d}')}" for serial in range(1000)]
    assert target.personnummer in numbers
    browser = login(orderer.vgr_id)
    browser.get("/vmu/flera")
    response = browser.post("/vmu/flera", mass_form(e1, attestant, numbers))
    assert response.status_code == 200
    page = text_of(response)
    assert "999 personnummer i listan finns inte i KiV (högst 20 får saknas)." in page
    assert target.vgr_id not in page and target.last_name not in page
    assert browser.get("/vmu/flera/granska").headers["Location"].endswith("/vmu/flera")  # nothing checked is kept
    # A list with a few typos is still shown row by row
    few = [target.personnummer] + [n for n in numbers if n != target.personnummer][:20]
    assert browser.post("/vmu/flera", mass_form(e1, attestant, few)).status_code == 302
    assert target.vgr_id in text_of(browser.get("/vmu/flera/granska"))
