"""The vmu plugin as a plugin: every text it declares or shows has English, and uninstalling it removes its
tiles and pages while everything else keeps working."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import beh_vmu
from beh_core import create_app
from beh_vmu import plugin, uppdrag
from helpers import Browser, make_config, text_of

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(beh_vmu.__file__).parent
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}


def translated(path: Path) -> dict:
    with path.open("rb") as handle:
        return {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_po(handle, locale="en")
                if m.id and m.string}


def plugin_texts() -> set[str]:
    """Every msgid in the plugin's code and templates, and every text it declares as data."""
    found = {m if isinstance(m, str) else m[0] for _, _, m, _, _ in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python"), ("templates/**.html", "jinja2")], keywords=KEYWORDS)}
    for catalogue in (plugin.ONE_USER, plugin.MANY_USERS):
        found |= {catalogue.title, catalogue.text} | {p.title for p in catalogue.pages}
        found |= {p.empty_text for p in catalogue.pages if p.empty_text}
    for u in uppdrag.load_uppdrag():
        found |= {u.system, u.name, u.full_name} | {t for t in (u.description, u.note) if t}
    return found | {uppdrag.PRIVATE_NOTE, uppdrag.ENOUGH_NOTE, uppdrag.HELD_NOTE, uppdrag.PRIVATE_HELD_NOTE}


def test_varje_text_i_pluginet_har_engelsk_översättning():
    english = translated(PACKAGE / "translations" / "en" / "LC_MESSAGES" / "messages.po")
    english.update(translated(ROOT / "beh_core" / "translations" / "en" / "LC_MESSAGES" / "messages.po"))
    texts = plugin_texts()
    assert len(texts) > 60
    assert sorted(t for t in texts if t not in english) == []
    assert (PACKAGE / "translations" / "en" / "LC_MESSAGES" / "messages.mo").exists()


def test_sidorna_på_engelska(region, login):
    browser = login("sarbe1")
    browser.get("/?lang=en")
    start = text_of(browser.get("/"))
    assert "Care staff assignments VMU One user" in start and "Care staff assignments VMU Several users" in start
    page = text_of(browser.get("/vmu/flera"))
    assert "Check the list" in page and "Identities, one per row" in page and "Kontrollera listan" not in page


@pytest.fixture
def without_vmu(migrated, tmp_path):
    """The portal built as if the plugin were uninstalled (its entry point not loaded)."""
    return create_app(make_config(migrated, tmp_path, PLUGINS_DISABLED=["vmu"]))


def test_utan_pluginet_finns_varken_tiles_eller_sidor_och_resten_fungerar(region, without_vmu):
    assert not any(rule.endpoint.startswith("vmu.") for rule in without_vmu.url_map.iter_rules())
    registry = without_vmu.extensions["beh_runtime"].registry
    assert registry.catalogue("vmu") is None and registry.catalogue("vmu_flera") is None
    browser = Browser(without_vmu.test_client())
    browser.login("sarbe1")
    start = text_of(browser.get("/"))
    assert "Vårdmedarbetaruppdrag VMU" not in start and "Lokala och Regionala system" in start
    assert browser.get("/vmu/flera").status_code == 404 and browser.get("/vmu/").status_code == 404
    assert browser.get("/lr/").status_code == 200 and browser.get("/bestallningar/mina").status_code == 200
