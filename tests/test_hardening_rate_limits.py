"""Issue 8, finding 9: rate limits on logins, SITHS challenges and person searches; challenges cleaned up.

Limits are low here (3 per minute) so the tests are quick; production
defaults and the Redis storage are in docs/operations.md.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from beh_core.models.signing import SithsChallenge
from helpers import Browser, text_of
from siths_portal import backdate, siths_config

TOO_MANY = "Du har gjort för många försök på kort tid"


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki, ATTEST_SIGNING="off", RATE_LIMIT_LOGIN="3 per minute",
                        RATE_LIMIT_SEARCH="3 per minute", RATE_LIMIT_SITHS_CHALLENGE="3 per minute")


def from_address(app, address: str) -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    browser = Browser(client)
    browser.get("/login")
    return browser


def challenges(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count(SithsChallenge.id)))


def ask_challenge(browser):
    return browser.client.post("/siths/utmaning", headers={"X-CSRFToken": browser.token,
                                                           "Accept": "application/json"})


def test_för_många_inloggningsförsök_ger_en_svensk_429_sida(app, region):
    browser = from_address(app, "192.0.2.10")
    for _ in range(3):
        assert browser.post("/login/demo", {"vgr_id": "finnsej9"}).status_code == 302
    refused = browser.post("/login/demo", {"vgr_id": "sarbe1"})
    assert refused.status_code == 429 and TOO_MANY in text_of(refused)
    assert refused.headers["Cache-Control"] == "no-store"
    # Card and mutual-TLS logins share the budget of the address ...
    assert browser.post("/siths/login/certifikat", {}).status_code == 429
    # ... and another address has its own.
    other = from_address(app, "192.0.2.11")
    assert other.post("/login/demo", {"vgr_id": "sarbe1"}).status_code == 302


def test_anonyma_utmaningar_kan_inte_fylla_tabellen(app, region, db):
    browser = from_address(app, "192.0.2.20")
    for _ in range(3):
        assert ask_challenge(browser).status_code == 200
    refused = ask_challenge(browser)
    assert refused.status_code == 429
    assert TOO_MANY in refused.get_json()["message_sv"]  # siths.js shows message_sv
    assert challenges(db) == 3


def test_utgångna_utmaningar_städas_bort_när_en_ny_skapas(app, region, db):
    browser = from_address(app, "192.0.2.30")
    old = ask_challenge(browser).get_json()["challenge"]
    backdate(db, SithsChallenge, "created_at", "value", old, app.config["SITHS_CHALLENGE_MAX_AGE"] + 5)
    ask_challenge(browser)
    db.expire_all()
    assert db.scalar(select(SithsChallenge.value).where(SithsChallenge.value == old)) is None
    assert challenges(db) == 1


def test_för_många_öppna_utmaningar_totalt_ger_ett_tydligt_svar(app, region, db):
    app.config["SITHS_CHALLENGES_MAX_OPEN"] = 2
    answers = [ask_challenge(from_address(app, f"192.0.2.{40 + n}")) for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 503]
    assert answers[2].get_json()["error"] == "too_many_challenges"
    assert "för många inloggningar" in answers[2].get_json()["message_sv"]
    assert challenges(db) == 2


def test_personsökning_begränsas_per_användare(app, region, login):
    orderer = login("sarbe1")
    for _ in range(3):
        assert orderer.post("/lr/", {"field": "vgr_id", "q": "eriny1"}).status_code == 200
    refused = orderer.post("/lr/", {"field": "vgr_id", "q": "eriny1"})
    assert refused.status_code == 429 and TOO_MANY in text_of(refused)
    # Sök person in Ny delegering counts in the same budget (the chef is another user: own budget).
    chef = login("marho1")
    search = "/delegeringar/ny?action=sok&vgr_id=sar&organisation=alla"
    for _ in range(3):
        assert chef.get(search).status_code == 200
    assert chef.get(search).status_code == 429
    assert chef.get("/delegeringar/ny").status_code == 200  # opening the page is no search
    assert orderer.get("/lr/").status_code == 200  # only the searches are limited


def test_gränserna_och_lagringen_kommer_från_inställningarna(app):
    from beh_core.rate_limits import storage_uri

    limiter = app.extensions["beh_limiter"]
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    # memory:// is limits' in-process store without a timer thread per request; Redis is taken as configured.
    assert type(limiter.storage).__name__ == "InlineExpiryMemoryStorage"
    assert storage_uri("redis://kv.example:6379/0") == "redis://kv.example:6379/0"


def test_en_räknad_sökning_startar_ingen_tråd(app, region, login, monkeypatch):
    """limits' own memory store starts a 10 ms timer thread on a counted request whenever the last one has run:
    nearly one thread per person search under steady use. The portal's store expires entries inline instead,
    and still refuses the fourth search within the minute."""
    import threading

    import limits.storage.memory

    started = []

    class CountedTimer(threading.Timer):
        def start(self):
            started.append(self)
            super().start()

    monkeypatch.setattr(limits.storage.memory.threading, "Timer", CountedTimer)
    orderer = login("sarbe1")
    for _ in range(3):
        assert orderer.get("/bestallningar/alla?slutanvandare=eriny1").status_code == 200
    assert orderer.get("/bestallningar/alla?slutanvandare=eriny1").status_code == 429
    assert started == []


def retry_after(response) -> int:
    """The Retry-After header in seconds (the only form the portal sends)."""
    return int(response.headers["Retry-After"])


def test_429_säger_hur_länge_man_ska_vänta_i_sidan_och_i_retry_after(app, region):
    browser = from_address(app, "192.0.2.50")
    for _ in range(3):
        allowed = browser.post("/login/demo", {"vgr_id": "finnsej9"})
        # Flask-Limiter's headers are not on every response (they cost time on each request).
        assert "Retry-After" not in allowed.headers and not any(name.startswith("X-RateLimit") for name, _ in allowed.headers)
    refused = browser.post("/login/demo", {"vgr_id": "sarbe1"})
    assert refused.status_code == 429
    seconds = retry_after(refused)
    assert 50 <= seconds <= 60  # "3 per minute": the oldest of the three attempts frees its place within a minute
    assert f"Försök igen om {seconds} sekunder." in text_of(refused)
    assert "Vänta en stund" not in text_of(refused)  # the page says how long instead


def test_429_för_skriptens_anrop_har_retry_after_och_väntetiden_i_json(app, region):
    browser = from_address(app, "192.0.2.51")
    for _ in range(3):
        assert ask_challenge(browser).status_code == 200
    refused = ask_challenge(browser)
    assert refused.status_code == 429
    seconds = retry_after(refused)
    assert 50 <= seconds <= 60
    answer = refused.get_json()
    assert answer["retry_after"] == seconds
    assert TOO_MANY in answer["message_sv"] and f"Försök igen om {seconds} sekunder." in answer["message_sv"]


def test_en_längre_gräns_som_också_är_slut_avgör_väntetiden(app, region):
    """Flask-Limiter stops at the first limit breached, the shortest window; when the hour's budget of the same
    scope is spent too, the minute's reset would be a wrong promise: the wait is until the hour frees a place."""
    app.config["RATE_LIMIT_LOGIN"] = "3 per minute;3 per hour"
    browser = from_address(app, "192.0.2.52")
    for _ in range(3):
        assert browser.post("/login/demo", {"vgr_id": "finnsej9"}).status_code == 302
    refused = browser.post("/login/demo", {"vgr_id": "sarbe1"})
    assert refused.status_code == 429
    seconds = retry_after(refused)
    assert 3500 <= seconds <= 3600
    assert f"Försök igen om {-(-seconds // 60)} minuter." in text_of(refused)


def test_varje_personsökning_räknas_också_mina_identiteter_kön_och_pluginens(app, region, login):
    """A search that answered freely would tell, a number at a time, whose a personnummer is: Mina identiteter's
    Sök, the Service Desk queue's Person and the plugins' own searches (Hantera användartjänst's Sök, VMU Flera
    användare's checked list: marked with ``person_search``) share the user's search budget."""
    orderer = login("sarbe1")
    for _ in range(3):
        assert orderer.get("/mina-identiteter?sok=eriny1").status_code == 200
    assert orderer.get("/mina-identiteter?sok=eriny1").status_code == 429
    assert orderer.get("/mina-identiteter").status_code == 200  # the list itself is no search
    assert orderer.post("/anvandartjanst/", {"q": "eriny1", "action": "sok"}).status_code == 429
    assert orderer.post("/vmu/flera", {"identiteter": "eriny1"}).status_code == 429
    desk = login("lensa1")
    for _ in range(3):
        assert desk.get("/servicedesk/?person=eriny1").status_code == 200
    assert desk.get("/servicedesk/?person=eriny1").status_code == 429
    assert desk.get("/servicedesk/").status_code == 200
    other = login("perwi1")  # another user: a budget of their own
    assert other.post("/anvandartjanst/", {"q": "eriny1", "action": "sok"}).status_code in (302, 403)


def test_en_lista_med_personnummer_som_ingen_har_kostar_en_sökning_per_sådant_nummer(app, region, login):
    """VMU Flera användare: each personnummer in the list that names nobody counts as a search of its own, so a
    list of guesses costs what the same guesses would cost one at a time (the budget here: 3 a minute)."""
    from beh_core.identifiers import make_personnummer
    from datetime import date as day
    from vmu_helpers import mass_form, unit

    from helpers import person

    orderer = login("sarbe1")
    e1, attestant = unit(region, "NH-O3-E1"), person(region, "johek1")
    nobody = [make_personnummer(day(1900, 1, 1), serial) for serial in range(3)]
    assert orderer.post("/vmu/flera", mass_form(e1, attestant, ["eriny1"])).status_code == 302  # 1
    refused = orderer.post("/vmu/flera", mass_form(e1, attestant, nobody))  # 1 + 3: over the budget
    assert refused.status_code == 429 and TOO_MANY in text_of(refused)
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60 and f"Försök igen om {wait} sekund" in text_of(refused)
    # The refused list's numbers cost nothing (only its request did): one more search fits (1 + 1 + 1 = 3)
    assert orderer.get("/mina-identiteter?sok=eriny1").status_code == 200
