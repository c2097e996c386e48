"""The UI is Swedish by default and translatable to English with Flask-Babel."""
from helpers import text_of


def test_svenska_är_standard_och_engelska_går_att_välja(region, login):
    browser = login("sarbe1")
    swedish = text_of(browser.get("/lr/"))
    assert '<html lang="sv">' in swedish and "Sök fram användare" in swedish and "Inloggad:" in swedish
    english = text_of(browser.get("/lr/?lang=en"))
    assert '<html lang="en">' in english
    assert "Find the user" in english and "Logged in:" in english and "1. Personal details" in english
    # The choice sticks for the session until changed back.
    assert "Find the user" in text_of(browser.get("/lr/"))
    assert "Sök fram användare" in text_of(browser.get("/lr/?lang=sv"))
