"""The UI is Swedish by default and translatable to English with Flask-Babel."""
from helpers import make_order, person, person_without_permissions, text_of


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


def test_delegeringar_och_attestlistan_finns_på_engelska(region, login):
    chef = login("marho1")
    swedish = text_of(chef.get("/delegeringar/hantera"))
    assert "Hantera delegeringar" in swedish and "Gäller från" in swedish and "Förläng" in swedish
    assert "Aktiv</td>" in swedish and "Valid from" not in swedish
    english = text_of(chef.get("/delegeringar/hantera?lang=en"))
    assert '<html lang="en">' in english and "Manage delegations" in english
    assert "Valid from" in english and "Valid to" in english and "Extend" in english and "Remove" in english
    assert "Active</td>" in english and "Gäller från" not in english and "Förläng" not in english
    assert ">All</option>" in english  # the status choices (a label dict marked with _N)
    assert "New delegation" in text_of(chef.get("/delegeringar/ny"))
    assert "Ny delegering" in text_of(chef.get("/delegeringar/ny?lang=sv"))

    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    attestant = login("johek1")
    swedish = text_of(attestant.get("/attest/"))
    assert order.number in swedish and "Attestera beställningar" in swedish and "Väntar på Attest" in swedish
    assert "Nyupplägg" in swedish and "Ordernummer" in swedish
    english = text_of(attestant.get("/attest/?lang=en"))
    assert order.number in english and "Approve orders" in english and "Awaiting approval" in english
    assert "Order number" in english and 'data-label="Type">New</td>' in english and "Väntar på Attest" not in english


def test_service_desk_kön_finns_på_engelska(region, login):
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr",
                       status="attesterad")
    desk = login("lensa1")
    swedish = text_of(desk.get("/servicedesk/"))
    assert '<html lang="sv">' in swedish and order.number in swedish
    assert "Service Desk behörigheter – beställningar att utföra" in swedish
    assert "Attesterad och Under utförande" in swedish and 'data-label="Status">Attesterad</td>' in swedish
    assert "esMaker (Ej utförd)" in swedish and 'data-label="Typ">Nyupplägg</td>' in swedish
    english = text_of(desk.get("/servicedesk/?lang=en"))
    assert '<html lang="en">' in english and order.number in english
    assert "Service Desk (permissions) – orders to carry out" in english
    assert "Approved and In progress" in english and 'data-label="Status">Approved</td>' in english
    assert "esMaker (Not done)" in english and 'data-label="Type">New</td>' in english and ">Order number</th>" in english
    assert "beställningar att utföra" not in english and "Ej utförd" not in english
    page = text_of(desk.get(f"/servicedesk/{order.number}"))
    assert f"Carry out order {order.number}" in page and "Request additional information" in page
    assert f"Utför beställning {order.number}" in text_of(desk.get(f"/servicedesk/{order.number}?lang=sv"))


def test_ett_plugin_översätter_aldrig_kärnans_texter_annorlunda():
    """The catalogues merge (the last loaded wins): a plugin translating a core msgid differently would
    change the core's English wherever that plugin is installed."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    with open(root / "beh_core/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        core = {m.id: m.string for m in read_po(handle) if m.id}
    plugin_catalogues = list(root.glob("plugins/*/*/translations/en/LC_MESSAGES/messages.po")) + list(
        root.glob("tests/plugin_example/*/translations/en/LC_MESSAGES/messages.po"))
    assert len(plugin_catalogues) >= 4
    different = []
    for path in plugin_catalogues:
        with open(path, "rb") as handle:
            different += [(path.parts[-6], m.id) for m in read_po(handle)
                          if m.id and m.id in core and m.string and m.string != core[m.id]]
    assert different == []
