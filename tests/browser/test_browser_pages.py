"""Every page each demo role reaches by links, in real Chromium: WCAG 2.1 A/AA by axe-core at
1366 px and 375 px with 0 violations, no sideways scrolling at 375 px, screenshots in
var/screenshots/; then the same pages in English (?lang=en) with no raw key, raw audit
code or untranslated Swedish message. SQLite only (see conftest.py).
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from babel.messages.pofile import read_po

from beh_core.audit_labels import AUDIT_LABELS
from beh_core.demo import DEMO_ROLES

PO = Path(__file__).resolve().parents[2] / "beh_core" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
SKIP = ("/static/", "/l/", "/kvitto", "lang=", "/logout", "/login")
MAX_PAGES = 40
# Words of the UI that no demo name, unit or system contains: in English mode they mean a
# message that was not translated (text marked lang="sv", like typed comments, is left out).
SWEDISH_WORDS = re.compile(r"\b(inte|eller|Välj|Sök|Spara|Tillbaka|Avbryt|Nästa|Föregående|Beställd|Beställare|"
                           r"Slutanvändare|Behörighet|Behörigheter|Attestera|Godkänn|Avslå|Startdatum|Förläng|"
                           r"Gäller|Inloggad|Utförd|Komplettering|Makulera|Historik|Återkoppling|Totalt|Sida|"
                           r"Ordernummer|delegeringar|beställningar|Delegeringar|Beställningar|saknar|finns)\b")


def pattern(url: str) -> str:
    """Pages of one kind share a pattern (numbers and order numbers folded; query keys, not values)."""
    parts = urlparse(url)
    path = re.sub(r"\d+", "#", parts.path)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair} - {"sida"})
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(web, on_page, limit: int = MAX_PAGES) -> list[str]:
    """Breadth-first over the links from Startsidan, one page per pattern; on_page(url) on each."""
    queue, seen, visited = [web.base + "/"], set(), []
    while queue and len(visited) < limit:
        url = queue.pop(0).split("#")[0]
        if pattern(url) in seen or any(skip in url for skip in SKIP):
            continue
        seen.add(pattern(url))
        web.driver.get(url)
        visited.append(url)
        on_page(web.driver.current_url)
        for href in web.driver.execute_script("return Array.from(document.querySelectorAll('a[href]'), a => a.href)"):
            if href.startswith(web.base) and pattern(href.split("#")[0]) not in seen:
                queue.append(href)
    return visited


def english_msgids() -> list[tuple[str, re.Pattern]]:
    """(msgid, regex) of every translated Swedish message of a few words: its text must not show in English."""
    with open(PO, "rb") as handle:
        catalog = read_po(handle, locale="en")
    found = []
    for message in catalog:
        msgid = message.id if isinstance(message.id, str) else (message.id[0] if message.id else "")
        string = message.string if isinstance(message.string, str) else (message.string[0] if message.string else "")
        if not msgid or not string or string == msgid or " " not in msgid.strip() or len(msgid) < 12:
            continue
        literal = [re.escape(part.strip()) for part in re.split(r"%\(\w+\)[sd]|<[^>]+>", msgid) if part.strip()]
        if literal and max(map(len, literal)) >= 10:
            found.append((msgid, re.compile(r".{0,120}?".join(literal), re.S)))
    return found


def raw_keys(app) -> list[re.Pattern]:
    """A field shown by its key ("dator:") instead of its label ("Datornamn:")."""
    names = {f.name for item in app.extensions["beh_runtime"].registry for f in item.fields + item.feedback_fields
             if f.name.lower() != f.label.lower()}
    return [re.compile(rf"(?<![\w-]){re.escape(name)}:", re.I) for name in sorted(names)]


def raw_codes() -> re.Pattern:
    """Any audit code (order.created, attest.signature_refused, ...) shown as it is stored."""
    dotted = sorted((code for code in AUDIT_LABELS if "." in code), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(code) for code in dotted) + r")\b")


@pytest.mark.parametrize("vgr_id", [role[1] for role in DEMO_ROLES])
def test_varje_sida_är_tillgänglig_och_fungerar_i_375_px(app, demo, web, vgr_id):
    web.prefix = f"{vgr_id}-"
    web.login(vgr_id)
    keys, codes = raw_keys(app), raw_codes()

    def on_page(url):
        web.audit()
        text = web.text()
        assert "Inloggad:" in text, url  # the page (and the text reader) works
        web.problems += [f"{url}: raw key {k.pattern}" for k in keys if k.search(text)]
        web.problems += [f"{url}: raw audit code {m.group(0)}" for m in codes.finditer(text)]

    visited = crawl(web, on_page)
    assert len(visited) >= 3 and web.audited
    web.check()


@pytest.mark.parametrize("vgr_id", [role[1] for role in DEMO_ROLES])
def test_på_engelska_syns_ingen_svensk_text_nyckel_eller_kod(app, demo, web, vgr_id):
    web.login(vgr_id)
    msgids, keys, codes = english_msgids(), raw_keys(app), raw_codes()
    # The detectors find the Swedish start page Swedish (so a pass below means something) ...
    swedish = web.text()
    assert any(regex.search(swedish) for _, regex in msgids) and SWEDISH_WORDS.search(swedish), swedish
    web.driver.get(web.base + "/?lang=en")
    assert "Logged in:" in web.text()  # ... and English sticks for the session from here on
    problems = []

    def on_page(url):
        text = web.text()
        problems.extend(f"{url}: untranslated {msgid!r}" for msgid, regex in msgids if regex.search(text))
        problems.extend(f"{url}: Swedish word {m.group(0)!r} in …{text[max(0, m.start() - 40):m.end() + 40]}…"
                        for m in SWEDISH_WORDS.finditer(text))
        problems.extend(f"{url}: raw key {k.pattern}" for k in keys if k.search(text))
        problems.extend(f"{url}: raw audit code {m.group(0)}" for m in codes.finditer(text))

    visited = crawl(web, on_page)
    assert len(visited) >= 3
    assert not problems, "\n".join(problems)


def test_inloggningen_och_felsidorna_är_tillgängliga(demo, web):
    web.prefix = "utloggad-"
    web.go("/login")
    assert "Logga in i Behörighetsbeställning" in web.text() and "Med TjänsteId+" in web.text()
    web.go("/login?kort=borttaget")
    assert "SITHS-kortet togs ur kortläsaren" in web.text()
    web.login("sarbe1")
    web.prefix = "sarbe1-"
    web.go("/bestallningar/c999999999")
    assert "Hittades inte" in web.text() and "Till startsidan" in web.text()
    web.go("/servicedesk/")
    assert "Åtkomst nekad" in web.text()
    web.go("/login?lang=en")
    assert "Log in" in web.text()
    web.check()
