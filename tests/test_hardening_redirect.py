"""Issue 8, finding 1: after login the user returns only to a page of this portal.

`next` is accepted only as a same-site path after normalisation; the demo
login and the SITHS logins share one function (views/auth.py ``_safe_next``).
Probed over HTTP like the external test did (`/login?next=/%09/evil.example/phish`).
"""
from __future__ import annotations

from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from beh_core.input_guard import safe_next
from helpers import text_of
from siths_portal import card_holders, siths_config  # noqa: F401 - card_holders is a fixture
from siths_sim import BO

HOSTILE = [
    "//evil.example/phish", "/\\evil.example", "\\/evil.example", "/\t/evil.example/phish",
    "/\n/evil.example", "/\r\n/evil.example", "/%09/evil.example/phish", "/%0a/evil.example",
    "/%0D%0A/evil.example", "/%2F/evil.example", "/%5Cevil.example", "/%255C%255Cevil.example",
    "https://evil.example/", "http:/evil.example", "javascript:alert(1)", "evil.example/x",
    "//evil.example@portal/", "/\x00/evil", "/\u2028/evil", "/\u200b/evil", "/ /evil", "",
    "/" + "a" * 3000,
]
OWN = ["/bestallningar/mina", "/bestallningar/alla?status=avslutad&sida=2", "/aterkoppling/c100001",
       "/l/abc.def-ghi_jkl"]


@pytest.mark.parametrize("target", HOSTILE)
def test_en_farlig_återvändandeadress_ger_startsidan(target):
    assert safe_next(target, "/") == "/"


@pytest.mark.parametrize("target", OWN)
def test_en_egen_sida_får_man_komma_tillbaka_till(target):
    assert safe_next(target, "/") == target


@pytest.mark.parametrize("target", HOSTILE)
def test_demoinloggningen_skickar_aldrig_vidare_till_en_annan_webbplats(region, browser, target):
    browser.get("/login")
    response = browser.post("/login/demo", {"vgr_id": "sarbe1", "next": target})
    assert response.status_code in (302, 400), text_of(response)
    if response.status_code == 302:
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("query", ["next=/%09/evil.example/phish", "next=/%0a/evil.example", "next=//evil.example",
                                   "next=/%5C/evil.example", "next=https://evil.example", "next=%2F%2Fevil.example"])
def test_inloggningssidan_med_farlig_adress_ger_aldrig_500_och_aldrig_länken_vidare(region, browser, query):
    page = browser.get(f"/login?{query}")
    assert page.status_code in (200, 400)
    assert "evil.example" not in text_of(page)
    if page.status_code == 200:  # logging in from the page lands on the start page
        response = browser.post("/login/demo", {"vgr_id": "sarbe1", "next": ""})
        assert response.headers["Location"] == "/"


def test_styrtecken_i_adressen_ger_ett_tydligt_svenskt_svar(region, browser):
    page = browser.get("/login?next=/%0a/evil.example")
    assert page.status_code == 400 and "tecken som inte är tillåtna" in text_of(page)


def test_efter_inloggning_kommer_man_till_sidan_man_bad_om(region, browser):
    wanted = browser.get("/bestallningar/alla?status=avslutad")
    assert wanted.status_code == 302 and "/login?next=" in wanted.headers["Location"]
    browser.get(wanted.headers["Location"])
    response = browser.post("/login/demo", {"vgr_id": "sarbe1", "next": "/bestallningar/alla?status=avslutad"})
    assert response.headers["Location"] == "/bestallningar/alla?status=avslutad"


def test_demo_och_siths_inloggning_delar_samma_kontroll():
    from beh_core.views import auth, siths

    assert siths._safe_next is auth._safe_next


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki, TRUSTED_PROXIES=["127.0.0.1"],
                        CLIENT_CERT_HEADER="X-SSL-Client-Cert", SITHS_INTERMEDIATES=[demo_pki.chain_pem_path])


@pytest.mark.parametrize("target, lands", [("/%09/evil.example/phish", "/"), ("//evil.example", "/"),
                                           ("/bestallningar/mina", "/bestallningar/mina")])
def test_kortinloggningen_skickar_bara_vidare_inom_portalen(region, card_holders, browser, demo_pki,  # noqa: F811
                                                           target, lands):
    cert = demo_pki.identities[BO[0]].auth_cert.public_bytes(Encoding.PEM).decode()
    browser.get("/login")
    response = browser.post("/siths/login/certifikat", {"next": target},
                            headers={"X-SSL-Client-Cert": quote(cert)})
    assert response.status_code == 302 and response.headers["Location"] == lands
