"""Suggestions while typing are rate limited per user (rate_limits.LIMITED, scope "suggest"): persons and
kostnadsställen share the budget; beh.js asks for JSON and gets the Swedish message as JSON."""
from __future__ import annotations

import pytest

from helpers import make_config

TOO_MANY = "Du har gjort för många försök på kort tid"


@pytest.fixture
def app_config(migrated, tmp_path):
    return make_config(migrated, tmp_path, RATE_LIMIT_SUGGEST="3 per minute")


def test_förslag_begränsas_per_användare(app, region, login):
    sarbe1 = login("sarbe1")
    json = {"Accept": "application/json"}
    for text in ("er", "per", "60"):
        url = "/forslag/kostnadsstallen" if text == "60" else "/forslag/personer/usertjanst"
        assert sarbe1.post(url, {"q": text}, headers=json).status_code == 200
    refused = sarbe1.post("/forslag/personer/usertjanst", {"q": "sa"}, headers=json)
    assert refused.status_code == 429 and TOO_MANY in refused.get_json()["message_sv"]
    assert sarbe1.post("/forslag/kostnadsstallen", {"q": "69"}, headers=json).status_code == 429
    # Another user has a budget of their own.
    assert login("marho1").post("/forslag/personer/usertjanst", {"q": "er"}, headers=json).status_code == 200
