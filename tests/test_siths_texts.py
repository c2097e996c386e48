"""SITHS in English: every text the siths package, its local agent and siths.js show a user has an English
translation in the portal's catalogue (the package speaks Swedish; the portal translates)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import siths
import siths.errors
from beh_core.services import siths_login
from beh_core.views.siths import SCRIPT_TEXTS
from siths.texts import AGENT_TEXTS

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "beh_core" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def english() -> dict[str, str]:
    with CATALOGUE.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale="en")
                if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}


def marked_in_siths() -> set[str]:
    """Every text the siths package marks with N_."""
    return {message for _, _, message, _, _ in extract_from_dir(
        str(Path(siths.__file__).parent), method_map=[("**.py", "python")], keywords={"N_": None})
        if isinstance(message, str)}


def error_classes(cls=siths.errors.SithsError):
    yield cls
    for sub in cls.__subclasses__():
        yield from error_classes(sub)


def test_varje_text_som_siths_visar_har_engelsk_översättning():
    marked = marked_in_siths()
    assert len(marked) > 40
    errors = list(error_classes())  # the package's and the portal's own (services.siths_login)
    assert siths_login.UnknownPerson in errors and siths.errors.PinLocked in errors
    assert {cls.default_sv for cls in errors if cls.__module__.startswith("siths.")} <= marked
    assert set(AGENT_TEXTS) <= marked
    translated = english()
    shown = marked | set(SCRIPT_TEXTS) | {cls.default_sv for cls in errors}
    assert sorted(text for text in shown if text not in translated) == []


def test_ett_fel_med_värden_håller_dem_utanför_sitt_msgid():
    error = siths.CertificateExpired("expired", message_sv="Certifikatet gick ut %(time)s UTC.",
                                     params={"time": "2026-01-02 03:04"})
    assert error.msgid == "Certifikatet gick ut %(time)s UTC."
    assert error.message_sv == "Certifikatet gick ut 2026-01-02 03:04 UTC."
    assert siths.errors.PinLocked("locked").message_sv == siths.errors.PinLocked.default_sv
