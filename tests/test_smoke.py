"""Quick checks that the portal starts and the main pages answer."""
from helpers import text_of


def test_login_page_offers_tjanstesid_and_demo_identities(region, browser):
    page = text_of(browser.get("/login"))
    assert "Med TjänsteId+" in page
    assert "Kontrollera att kortet sitter i" in page
    assert "Sara Berglund (sarbe1)" in page


def test_start_page_shows_inloggad_and_tiles_by_rights(region, login):
    page = text_of(login("sarbe1").get("/"))
    assert "Inloggad: Sara Berglund (sarbe1)" in page
    assert "Lokala och Regionala system" in page
    assert "Attestera beställningar" not in page
    attestant = text_of(login("johek1").get("/"))
    assert "Attestera beställningar" in attestant
    assert "Lokala och Regionala system" not in attestant
