"""Messages of the operations are translatable: each is a msgid (``N_`` in beh_core/messages.py) with
its parameters kept apart, has its English in the catalogue, and a page in English shows it in English.

Three guards: no operation raises a sentence that is not a msgid (read from the source), every
msgid has an English translation, and the ordering, attest, delegation, fulfilment and person
search forms answer in English with no Swedish message of the operations left in the page.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from beh_core.messages import Message, N_, join, label
from beh_core.models import SCOPE_AREA
from helpers import (choose_systems, first_unit, forvaltning_id, make_order, person, person_without_permissions,
                     review, start_wizard, text_of)

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "beh_core" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# Modules below the views whose texts reach users. Left out: the directory sync and its LDAP source
# (run records and settings errors for administrators, in the run log) and mail (the mail log).
CHECKED = sorted({*(ROOT / "beh_core" / "services").glob("*.py"), ROOT / "beh_core" / "authz.py",
                  ROOT / "beh_core" / "identifiers.py"}
                 - {ROOT / "beh_core" / "services" / name for name in ("directory_sync.py", "ldap_source.py", "mail.py")})
SENTENCE = re.compile(r"\s.*[.?!:]\s*$", re.S)
LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}


def _sentences_outside_msgids(path: Path) -> list[str]:
    """Sentences written as plain or f-strings (not msgids) in a module: "file:line: text"."""
    tree = ast.parse(path.read_text("utf-8"))
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
            if not node.args or not isinstance(node.args[0], ast.Constant):
                found.append(f"{path.name}:{node.lineno}: N_ needs a literal msgid (pybabel reads it)")
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
              and not isinstance(parents.get(id(node)), ast.JoinedStr)):
            text = node.value
        else:
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Call) and (getattr(parent.func, "id", None) == "N_" or
                                             getattr(parent.func, "attr", None) in LOGGING):
            continue
        if text[:1].isupper() or text[:1] in "%{\"\u201d":
            if SENTENCE.search(text.strip()):
                found.append(f"{path.name}:{node.lineno}: {text[:70]!r}")
    return found


def test_operationer_skriver_sina_meddelanden_som_msgid():
    found = [problem for path in CHECKED for problem in _sentences_outside_msgids(path)]
    assert not found, "write these as N_(msgid, **params):\n" + "\n".join(found)


def test_kontrollen_hittar_en_mening_som_inte_är_msgid(tmp_path):
    module = tmp_path / "exempel.py"
    module.write_text('def f(item):\n    raise ValueError(f"{item} är redan utförd.")\n'
                      'def g():\n    return {"q": "Ange startdatum."}\n'
                      'def h(text):\n    return N_(text)\n'
                      'def ok(item):\n    return N_("%(item)s är redan utförd.", item=item)\n', "utf-8")
    found = _sentences_outside_msgids(module)
    assert len(found) == 3, found


def _msgids() -> set[str]:
    ids = set()
    for path in (ROOT / "beh_core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                ids.add(node.args[0].value)
    return ids


def test_varje_meddelande_har_engelsk_översättning():
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    english = {m.id: m.string for m in catalog if isinstance(m.id, str) and "fuzzy" not in m.flags}
    ids = _msgids()
    assert len(ids) > 100
    missing = sorted(msgid for msgid in ids if not english.get(msgid))
    assert not missing, "add to scripts/translate_en.py:\n" + "\n".join(missing)


def test_ett_meddelande_är_svensk_text_med_parametrar_för_sig():
    message = N_("%(label)s får vara högst %(max)s tecken.", label=label("Motivering"), max=500)
    assert message == "Motivering får vara högst 500 tecken." and isinstance(message, str)
    assert message.msgid == "%(label)s får vara högst %(max)s tecken." and message.params["max"] == 500
    assert N_("Välj %(what)s.", what=label("Område").lower()) == "Välj område."
    both = join([N_("Välj område."), N_("Ange startdatum.")])
    assert both == "Välj område. Ange startdatum." and isinstance(both, Message)
    import copy
    assert copy.deepcopy({"q": message})["q"].msgid == message.msgid  # survives the wizard's deepcopy


# --- Pages in English ---------------------------------------------------------------

def _swedish_messages() -> list[tuple[str, re.Pattern]]:
    """(msgid, pattern of its fixed parts) of every message of the operations: none may show in English."""
    found = []
    for msgid in _msgids():
        parts = [re.escape(p.strip()) for p in re.split(r"%\(\w+\)[sd]", msgid) if len(p.strip()) >= 6]
        if parts:
            found.append((msgid, re.compile(r".{0,200}?".join(parts), re.S)))
    return found


def english_page(response, *expected: str) -> str:
    """The page's text; it must hold every expected English message and no Swedish one of the operations."""
    page = text_of(response)
    assert '<html lang="en">' in page
    for text in expected:
        assert text in page, f"{text!r} missing"
    left = [msgid for msgid, pattern in _swedish_messages() if pattern.search(page)]
    assert not left, f"Swedish messages in English mode: {left}"
    return page


@pytest.fixture
def english(region, login):
    def as_(vgr_id: str):
        browser = login(vgr_id)
        browser.get("/?lang=en")
        return browser
    return as_


def test_beställningens_meddelanden_på_engelska(region, login, english):
    # The detector finds the Swedish message of the same answer in Swedish (so a pass below means something).
    swedish = text_of(login("sarbe1").post("/lr/", {"field": "hsa_id", "q": "SE2321000131-P999999999999"}))
    assert [msgid for msgid, pattern in _swedish_messages() if pattern.search(swedish)] == [
        "Ingen person med detta %(what)s finns i KiV."]
    orderer = english("sarbe1")
    english_page(orderer.post("/lr/", {"field": "personnummer", "q": "19850412"}),
                 "The personal identity number must have 12 digits")
    english_page(orderer.post("/lr/", {"field": "hsa_id", "q": "SE2321000131-P999999999999"}),
                 "No person with this HSA-id exists in KiV.")
    end_user = person_without_permissions(region)
    start_wizard(orderer, end_user, forvaltning_id(region, "SU"))
    english_page(choose_systems(orderer, "local", {"lr.su.admin_konto": {"dator": ""}}),
                 "Fill in Computer name for Admin-konto.")
    choose_systems(orderer, "local", {})
    assert choose_systems(orderer, "regional", {"lr.esmaker": {}}).status_code == 302
    english_page(review(orderer, start_date=""), "Choose area.", "Enter the start date.")
    omrade, enhet = first_unit(region, "SU", "Område Medicin")
    english_page(review(orderer, omrade_id=omrade, enhet_id=enhet, start_date="1999-01-01", akut="1"),
                 "The start date cannot be earlier than today.",
                 "Urgent can only be chosen when the order contains a care or medical records system")


def test_plugin_meddelanden_på_engelska(region, english):
    """A plugin's own message (MINISTOP: never the same unit twice) through the plugin's catalogue."""
    orderer = english("sarbe1")
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "NH"))
    unit = first_unit(region, "NH", "Område Norr")[1]
    page = english_page(choose_systems(orderer, "local", {"ministop": {"enhet1": str(unit), "enhet2": str(unit),
                                                                       "titel": "Läkare", "epost": "a@vgregion.se"}}),
                        "Unit 2 cannot be the same unit as Unit 1.")
    assert "Enhet 2 kan inte" not in page


def test_attestens_och_utförandets_meddelanden_på_engelska(region, english):
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    attestant = english("johek1")
    english_page(attestant.post(f"/attest/{order.number}", {"action": "reject", "comment": ""}),
                 "Enter a comment when rejecting.")
    english_page(attestant.post(f"/attest/{order.number}", {"action": "remove"}), "Select the permissions to remove.")

    flexlab = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                         attestant=person(region, "johek1"), forvaltning_code="SU", omrade_name="Område Medicin",
                         status="attesterad", item=("lr.su.flexlab", "Flexlab"))
    desk = english("lensa1")
    line = flexlab.lines[0]
    english_page(desk.post(f"/servicedesk/{flexlab.number}/rad/{line.id}", {f"line{line.id}.losenord": "hemligt"}),
                 "Fill in Login.", "Type Password again.")
    english_page(desk.post(f"/servicedesk/{flexlab.number}/komplettering", {"message": ""}),
                 "Write what additional information is needed.")


def test_delegeringens_meddelanden_på_engelska(region, english):
    chef = english("marho1")
    someone = person_without_permissions(region)
    english_page(chef.post("/delegeringar/ny/omfattning", {"valda": someone.id, "action": "spara", "scope": SCOPE_AREA,
                                                           "valid_from": "igår"}),
                 "Choose the administration and area the delegation applies to.", "Choose Orderer and/or Approver.",
                 "Enter Valid from as YYYY-MM-DD.", "Enter Valid to.")
    english_page(chef.post("/delegeringar/hantera", {"action": "forlang"}), "Choose the end date from today")
