"""What an outside probe found (2026-11-29) and how the portal answers now.

Every error page is Swedish (or JSON for the scripts' endpoints), never Werkzeug's English default; a
search is refused at its field before its redirect could become an address too long for the server; a
personnummer typed in Mina identiteter never stands in the address; a request body has a size limit.
"""
from __future__ import annotations

from helpers import make_order, person, text_of


def test_en_för_lång_söktext_sägs_vid_fältet_och_leder_inte_till_en_för_lång_adress(region, login):
    browser = login("sarbe1")
    typed = "A" * 4100
    response = browser.post("/bestallningar/mina", {"slutanvandare": typed})
    assert response.status_code == 400
    page = text_of(response)
    assert "Texten får vara högst 100 tecken." in page
    assert f'value="{typed}"' in page  # what was typed is kept
    assert "Location" not in response.headers


def test_delegeringens_sökning_klipper_en_för_lång_text_och_säger_det_vid_fältet(region, login):
    browser = login("marho1")
    browser.get("/delegeringar/ny")
    response = browser.post("/delegeringar/ny", {"action": "sok", "fornamn": "B" * 5000})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert len(location) < 400
    assert "Texten får vara högst 100 tecken." in text_of(browser.get(location))


def test_fel_metod_ger_en_svensk_sida_och_talar_om_vilken_metod_som_gäller(region, login):
    browser = login("sarbe1")
    response = browser.get("/logout")
    assert response.status_code == 405
    page = text_of(response)
    assert '<html lang="sv">' in page and "Sidan kan inte öppnas så" in page
    assert "Method Not Allowed" not in page
    assert "POST" in response.headers["Allow"]


def test_ett_skript_som_ber_om_json_får_felet_som_json_på_svenska(region, browser):
    response = browser.get("/siths/utmaning", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.is_json
    assert response.get_json()["message_sv"].startswith("Adressen kan inte öppnas på det här sättet.")
    typed = browser.get("/siths/utmaning")  # the same address typed in a browser: a page
    assert typed.status_code == 405 and "Sidan kan inte öppnas så" in text_of(typed)


def test_en_okänd_knapp_i_attesten_ger_en_svensk_sida(region, login):
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person(region, "eriny1"),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    region.commit()
    browser = login("johek1")
    browser.get(f"/attest/{order.number}")
    response = browser.post(f"/attest/{order.number}", {"action": "xyz", "comment": ""})
    assert response.status_code == 400
    page = text_of(response)
    assert "Felaktig begäran" in page and "Bad Request" not in page


def test_på_engelska_är_felsidan_engelsk(region, login):
    browser = login("sarbe1")
    browser.get("/?lang=en")
    page = text_of(browser.get("/logout"))
    assert "The page cannot be opened this way" in page


def test_en_för_stor_begäran_avvisas_med_svensk_sida(app, region, login):
    browser = login("sarbe1")
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = browser.post("/bestallningar/mina", {"slutanvandare": "x" * 5000})
    assert response.status_code == 413
    assert "Det som skickades är för stort." in text_of(response)


def test_standardgränsen_för_en_begäran_är_satt(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024


def test_ett_oväntat_fel_ger_en_svensk_sida_och_ingen_spårutskrift(app, region, login):
    browser = login("sarbe1")

    def broken():
        raise RuntimeError("internal detail that must not reach the page")

    app.view_functions["start.healthz"] = broken
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = browser.get("/healthz")
    assert response.status_code == 500
    page = text_of(response)
    assert "Något gick fel" in page and "ingenting sparades" in page
    assert "internal detail" not in page and "Traceback" not in page


def _ordered_for(region, vgr_id: str):
    """sarbe1 has ordered for the person (Mina identiteter lists them)."""
    end_user = person(region, vgr_id)
    make_order(region, orderer=person(region, "sarbe1"), end_user=end_user, attestant=person(region, "johek1"),
               forvaltning_code="NH", omrade_name="Område Norr")
    return end_user


def test_mina_identiteter_byter_personnummer_mot_vgr_id_i_adressen(region, login):
    browser = login("sarbe1")
    eriny1 = _ordered_for(region, "eriny1")
    pnr = eriny1.personnummer
    browser.get("/mina-identiteter")
    # However the number is typed: with or without dashes, dashes in the date, the 10-digit form
    for typed in (pnr, f"{pnr[:8]}-{pnr[8:]}", f"{pnr[:4]}-{pnr[4:6]}-{pnr[6:8]}-{pnr[8:]}", f"{pnr[2:8]}-{pnr[8:]}",
                  f"{pnr[:4]} {pnr[4:6]} {pnr[6:8]} {pnr[8:]}"):
        response = browser.post("/mina-identiteter", {"sok": typed})
        assert response.status_code == 303, typed
        location = response.headers["Location"]
        assert location.endswith("/mina-identiteter?sok=eriny1"), (typed, location)
        assert pnr[8:] not in location


def test_mina_identiteter_namnger_bara_den_man_har_beställt_för(region, login):
    """A personnummer of someone in KiV the user never ordered for gets the same answer as a number nobody has:
    otherwise the search would tell anyone whose every personnummer is, a number at a time."""
    browser = login("andlu1")
    johek1 = person(region, "johek1")
    browser.get("/mina-identiteter")
    for typed in (johek1.personnummer, "19000101-0008"):
        response = browser.post("/mina-identiteter", {"sok": typed})
        assert response.status_code == 200, typed
        page = text_of(response)
        assert "Ingen identitet hittades." in page and "johek1" not in page and "Ekström" not in page
    response = browser.get(f"/mina-identiteter?sok={johek1.personnummer}")
    assert response.status_code == 303 and "johek1" not in response.headers["Location"]


def test_mina_identiteter_visar_aldrig_ett_personnummer_från_adressen(region, login):
    browser = login("sarbe1")
    eriny1 = _ordered_for(region, "eriny1")
    for typed in (eriny1.personnummer, f"{eriny1.personnummer[:4]}-{eriny1.personnummer[4:6]}-"
                  f"{eriny1.personnummer[6:8]}-{eriny1.personnummer[8:]}", eriny1.personnummer[2:]):
        response = browser.get(f"/mina-identiteter?sok={typed}")
        assert response.status_code == 303 and eriny1.personnummer[8:] not in response.headers["Location"], typed
    unknown = browser.get("/mina-identiteter?sok=19000101-0008")
    assert unknown.status_code == 303 and "19000101" not in unknown.headers["Location"]


def test_mina_identiteter_säger_ingen_träff_för_ett_okänt_personnummer(region, login):
    browser = login("sarbe1")
    browser.get("/mina-identiteter")
    response = browser.post("/mina-identiteter", {"sok": "19000101-0008"})
    assert response.status_code == 200
    assert "Ingen identitet hittades." in text_of(response)


def test_mina_identiteter_säger_vid_fältet_att_texten_är_för_lång(region, login):
    browser = login("sarbe1")
    browser.get("/mina-identiteter")
    response = browser.post("/mina-identiteter", {"sok": "a" * 101})
    assert response.status_code == 400
    assert "Texten får vara högst 100 tecken." in text_of(response)


def test_klar_sidan_visar_bara_sin_egen_katalogs_beställning(region, login):
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person(region, "eriny1"),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    region.commit()
    browser = login("sarbe1")
    assert browser.get(f"/lr/klar/{order.number}").status_code == 200
    assert browser.get(f"/vmu/klar/{order.number}").status_code == 404


def test_en_vidarebefordran_säger_sitt_på_svenska(region, browser):
    response = browser.get("/bestallningar/mina")  # not logged in: sent to the login page
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    page = text_of(response)
    assert '<html lang="sv">' in page and "Du skickas vidare till" in page
    assert "Redirecting" not in page and "You should be redirected" not in page


def test_förslagen_svarar_alltid_json_också_när_något_är_fel(region, browser, login):
    anonymous = browser.post("/forslag/personer/usertjanst", {"q": "er"})  # the login page's token, not logged in
    assert anonymous.status_code == 401 and anonymous.is_json
    assert anonymous.get_json()["message"] == "Du är inte inloggad längre. Logga in och försök igen."
    no_token = login("sarbe1").post("/forslag/personer/usertjanst", {"q": "er"}, csrf=False)
    assert no_token.status_code == 400 and no_token.is_json
    assert no_token.get_json()["message"].startswith("Sidan var för gammal")
    end_user = login("eriny1").post("/forslag/personer/usertjanst", {"q": "er"})
    assert end_user.status_code == 403 and end_user.is_json and end_user.get_json()["message"]
    unknown = login("sarbe1").post("/forslag/personer/finnsinte", {"q": "er"})
    assert unknown.status_code in (403, 404) and unknown.is_json
    page = browser.get("/bestallningar/mina")  # a page of the portal still sends a browser to the login page
    assert page.status_code == 302


def test_service_desks_kö_byter_ett_personnummer_i_adressen_mot_vgr_id(region, login):
    someone = person(region, "eriny1")
    desk = login("lensa1")
    found = desk.get(f"/servicedesk/?person={someone.personnummer}")
    assert found.status_code == 303
    assert found.headers["Location"].endswith(f"person={someone.vgr_id}") and someone.personnummer not in found.headers["Location"]
    page = text_of(desk.get(found.headers["Location"]))
    assert someone.personnummer not in page
    unknown = desk.get("/servicedesk/?person=19121212-1212")
    assert unknown.status_code == 303 and "1212" not in unknown.headers["Location"].split("?")[-1]
    assert "Ingen person med detta personnummer finns i KiV." in text_of(desk.get(unknown.headers["Location"]))
