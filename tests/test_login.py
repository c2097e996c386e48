"""Logga in: the demo login exists only in demo mode; after login the user returns only to local pages."""
import pytest

from beh_core import create_app
from helpers import Browser, make_config, text_of


def test_demoinloggningen_kräver_demoläge(migrated, tmp_path):
    with pytest.raises(RuntimeError, match="BEH_DEMO_LOGIN kräver BEH_DEMO"):
        create_app(make_config(migrated, tmp_path, DEMO=False, DEMO_LOGIN=True))


def test_utan_demoläge_finns_ingen_demoinloggning(migrated, tmp_path):
    app = create_app(make_config(migrated, tmp_path, DEMO=False, DEMO_LOGIN=False, ATTEST_SIGNING="required"))
    client = app.test_client()
    page = text_of(client.get("/login"))
    assert "Demoinloggning" not in page and "Med TjänsteId+" in page
    assert client.post("/login/demo", data={"vgr_id": "sarbe1"}).status_code in (400, 404)


@pytest.mark.parametrize("target, lands", [("/bestallningar/mina", "/bestallningar/mina"), ("//evil.example/x", "/"),
                                           ("/\\evil.example", "/"), ("https://evil.example/", "/")])
def test_efter_inloggning_bara_till_egna_sidor(region, browser, target, lands):
    browser.get("/login")
    response = browser.post("/login/demo", {"vgr_id": "sarbe1", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == lands


def test_utloggning(region, login):
    browser = login("sarbe1")
    response = browser.post("/logout")
    assert response.status_code == 302
    assert browser.get("/").status_code == 302  # back to the login page


def test_en_person_som_slutat_kan_inte_logga_in_och_loggas_ut(app, region, login):
    """A person the directory sync marked inactive (left KiV) is refused at login and logged out at once."""
    from helpers import person

    browser = login("eriny1")
    assert "Inloggad:" in text_of(browser.get("/"))
    eriny1 = person(region, "eriny1")
    eriny1.active = False
    region.commit()
    assert browser.get("/").status_code == 302  # the next request: the session has ended
    again = Browser(app.test_client())
    again.get("/login")
    refused = again.post("/login/demo", {"vgr_id": "eriny1"})
    assert refused.headers["Location"].endswith("/login")
    assert "finns inte längre som aktiv i katalogen" in text_of(again.get("/login"))
