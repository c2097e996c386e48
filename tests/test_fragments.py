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
