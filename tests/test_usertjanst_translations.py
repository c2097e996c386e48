"""Hantera användartjänst in English: every text the plugin declares or shows has an English translation
(in its own catalogue, or the core's), and the flow's pages show none of its Swedish texts in English mode."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import beh_usertjanst
from beh_usertjanst import plugin, rules
from helpers import person, text_of
from usertjanst_steps import BASE, add, choose_identity, costs, details

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(beh_usertjanst.__file__).parent
KEYWORDS = {"_": None, "gettext": None, "_N": None, "ngettext": (1, 2)}


def translated(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale="en") if isinstance(m.id, str) and m.id and m.string}


def plugin_texts() -> set[str]:
    """Every msgid in the plugin's code and templates, and every text it declares as data."""
    found = {message for _, _, message, _, _ in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python"), ("templates/**.html", "jinja2")], keywords=KEYWORDS)
        if isinstance(message, str)}
    data = rules.load_data()
    item = plugin.service_item(data.levels)
    found |= {plugin.CATALOGUE.title, plugin.CATALOGUE.text, item.name, item.description}
    found |= {f.label for f in item.fields + plugin.ORDER_FIELDS} | {f.help for f in plugin.ORDER_FIELDS if f.help}
    found |= {step.label for step in plugin.CATALOGUE.attest_steps}
    for level in data.levels:
        found |= {level.name, level.kort, level.text, *level.ingar}
    return found


def test_varje_text_i_pluginet_har_engelsk_översättning():
    english = translated(PACKAGE / "translations" / "en" / "LC_MESSAGES" / "messages.po")
    english.update(translated(ROOT / "beh_core" / "translations" / "en" / "LC_MESSAGES" / "messages.po"))
    texts = plugin_texts()
    assert len(texts) > 100
    assert sorted(t for t in texts if t not in english) == []
    assert (PACKAGE / "translations" / "en" / "LC_MESSAGES" / "messages.mo").exists()


def test_flödet_på_engelska_visar_inga_svenska_texter(region, login):
    browser = login("sarbe1")
    browser.get("/?lang=en")
    swedish = [re.compile(re.escape(text)) for text in plugin_texts() if " " in text and len(text) > 12]
    pages = [text_of(browser.get(BASE + "/"))]
    pages.append(choose_identity(browser, person(region, "perwi1"))[1])
    pages.append(costs(browser, "69002")[1])
    pages.append(details(browser, orsak="Nyanställd")[1])
    pages.append(add(browser, "enkel")[1])
    pages.append(text_of(browser.get("/tjanster")))
    assert "Manage user service" in pages[-1]
    for page in pages:
        main = page.split('<main', 1)[1]
        main = re.sub(r'<[^>]*lang="sv"[^>]*>.*?</', "", main, flags=re.S)  # typed data is Swedish
        main = re.sub(r"<(datalist|script)\b.*?</\1>", "", main, flags=re.S)
        shown = [regex.pattern for regex in swedish if regex.search(main)]
        assert shown == [], shown
    assert "Search and choose" in pages[-2] and "Your choices" in pages[-2] and "User service Simple" in pages[-2]
