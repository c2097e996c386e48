"""Page parts rendered once and kept (the left menu, Sökalternativ without a search): every user still gets
their own CSRF token, the menu of their own rights and the page's language."""
from __future__ import annotations

import re

from helpers import text_of

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_var_och_en_får_sin_egen_csrf_token_i_den_sparade_sökrutan(app, region, login):
    tokens = {}
    for user in ("sarbe1", "johek1", "sarbe1"):
        page = text_of(login(user).get("/bestallningar/mina"))
        found = set(TOKEN.findall(page))
        assert len(found) == 1, "the search form and the logout form carry the same token of this session"
        tokens.setdefault(user, []).append(found.pop())
    assert tokens["sarbe1"][0] != tokens["johek1"][0]
    assert tokens["sarbe1"][1] not in tokens["johek1"]


def test_sökrutan_som_sparats_tar_emot_en_sökning_med_sin_token(app, region, login):
    browser = login("sarbe1")
    page = text_of(browser.get("/bestallningar/alla"))
    token = TOKEN.search(page.split('role="search"')[1]).group(1)
    response = browser.post("/bestallningar/alla", {"csrf_token": token, "status": "avslutad"})
    assert response.status_code == 303 and "status=avslutad" in response.headers["Location"]


def test_menyn_visar_var_och_ens_egna_länkar_och_språk(app, region, login):
    attestant = text_of(login("johek1").get("/bestallningar/mina"))
    orderer = text_of(login("sarbe1").get("/bestallningar/mina"))
    assert "Attestera beställningar" in attestant
    assert "Attestera beställningar" not in orderer
    assert 'aria-current="page">Mina beställningar' in orderer
    english = text_of(login("sarbe1").get("/bestallningar/mina?lang=en"))
    assert "My orders" in english and "Mina beställningar" not in english


def _panel(html: str) -> str:
    return html.split('<details class="beh-panel"')[1].split("</details>")[0]


def test_sökrutan_visar_det_som_söktes_och_bara_det(app, region, login):
    browser = login("sarbe1")
    empty = _panel(browser.get("/bestallningar/alla").get_data(as_text=True))
    system = re.search(r'name="system".*?<option value="([^"]+)" >', empty, re.S).group(1)
    assert " selected" not in empty and "Rensa sökningen" not in empty and not empty.startswith(" open")
    searched = _panel(browser.get("/bestallningar/alla", query_string={
        "status": "avslutad", "typ": "avslut", "system": system, "slutanvandare": 'Åsa "<b>',
        "fran": "2026-01-02"}).get_data(as_text=True))
    assert searched.startswith(" open>")
    assert 'value="Åsa &#34;&lt;b&gt;"' in searched  # what was typed, escaped
    assert 'name="fran" type="date" value="2026-01-02"' in searched
    assert re.findall(r'<option value="([^"]+)" selected>', searched) == [system, "avslutad", "avslut"]
    assert "Rensa sökningen" in searched and "\ue000" not in searched and "\ue001" not in searched
    # The next search of the same list shows its own values, none of the first one's.
    other = _panel(browser.get("/bestallningar/alla?ordernummer=c1").get_data(as_text=True))
    assert 'value="c1"' in other and " selected" not in other and "Åsa" not in other


def test_sökrutan_med_fel_visar_felet_och_det_som_skrevs(app, region, login):
    response = login("sarbe1").get("/bestallningar/alla?fran=igår&status=avslutad")
    panel = _panel(response.get_data(as_text=True))
    assert response.status_code == 400 and panel.startswith(" open>")
    assert 'value="igår"' in panel and '<option value="avslutad" selected>' in panel
    assert "text-field--error" in panel and "Rensa sökningen" in panel


def test_sökrutans_egna_markeringar_kan_inte_skrivas_in(app, region, login):
    typed = "\ue001clear\ue001x\ue000ordernummer\ue000"
    panel = _panel(login("sarbe1").get("/bestallningar/alla", query_string={
        "slutanvandare": typed, "ordernummer": "c1"}).get_data(as_text=True))
    assert 'value="clearxordernummer"' in panel and 'value="c1"' in panel and "Rensa sökningen" in panel
    assert not any(mark in panel for mark in "\ue000\ue001\ue002")


def _queue_form(html: str) -> str:
    return html.split('aria-label="Sök i kön"')[1].split("</form>")[0]


def test_service_desks_sökruta_visar_det_som_söktes_och_bara_det(app, region, login):
    """The Service Desk queue's search form is kept too: each request sees its own values, the same
    markup as a form rendered in full (with an error), and nothing of the request before."""
    browser = login("lensa1")
    empty = _queue_form(browser.get("/servicedesk/").get_data(as_text=True))
    system = re.search(r'name="system".*?<option value="([^"]+)" >', empty, re.S).group(1)
    forvaltning = re.search(r'name="forvaltning".*?<option value="([^"]+)" >', empty, re.S).group(1)
    assert " selected" not in empty and "Visa hela kön" not in empty
    searched = _queue_form(browser.get("/servicedesk/", query_string={
        "system": system, "forvaltning": forvaltning, "status": "attesterad", "person": 'Åsa "<b>',
        "ordernummer": "c1"}).get_data(as_text=True))
    assert 'name="person" value="Åsa &#34;&lt;b&gt;"' in searched and 'name="ordernummer" value="c1"' in searched
    assert re.findall(r'<option value="([^"]+)" selected>', searched) == [system, forvaltning, "attesterad"]
    assert "Visa hela kön" in searched and not any(mark in searched for mark in "\ue000\ue001\ue002")
    again = _queue_form(browser.get("/servicedesk/?ordernummer=c2").get_data(as_text=True))
    assert 'name="ordernummer" value="c2"' in again and " selected" not in again and "Åsa" not in again
    # With an unknown choice the form is rendered in full: the same fields, the error at its field.
    full = browser.get("/servicedesk/", query_string={"system": "finns inte", "status": "attesterad", "ordernummer": "c1"})
    form = _queue_form(full.get_data(as_text=True))
    assert "Välj ett system i listan." in form and '<option value="attesterad" selected>' in form
    assert 'name="ordernummer" value="c1"' in form and "Visa hela kön" in form
    assert re.sub(r"\s+", " ", form).count("<option") == re.sub(r"\s+", " ", searched).count("<option")


def test_länkar_utan_värden_byggs_en_gång_och_följer_sökvägen_portalen_står_under(app, region, login):
    """The template's url_for keeps the URL of a link without values and of a static file per app and script
    root (the portal behind /beh gets /beh/... links); a URL with values is built each time."""
    from beh_core.views.template_helpers import kept_url_for

    with app.test_request_context("/"):
        assert kept_url_for("start.index") == "/" and kept_url_for("static", filename="beh.css") == "/static/beh.css"
        assert kept_url_for("orders.show", number="c900001") == "/bestallningar/c900001"
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/beh"}):
        assert kept_url_for("start.index") == "/beh/" and kept_url_for("static", filename="beh.css") == "/beh/static/beh.css"
    page = login("sarbe1").get("/bestallningar/mina").get_data(as_text=True)
    assert 'href="/static/beh.css"' in page and 'href="/bestallningar/alla"' in page
