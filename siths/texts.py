"""The Swedish texts this package shows users, marked for the portal's message catalogue.

The package itself speaks Swedish (the agent on the workstation, the command line). The portal
translates: every user text here is wrapped in ``N_`` so ``pybabel extract`` finds it (babel.cfg reads
``siths/``), a ``SithsError`` keeps its text as a msgid with its values apart (``msgid``, ``params``),
and the page that talks to the agent gets the translations of ``AGENT_TEXTS``, the texts the agent may
answer with (``message_sv`` of its JSON).
"""
from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for a text marked, not translated, here
    """Mark ``text`` as a msgid of the portal's catalogue; returns it unchanged."""
    return text


# The agent's own answers to requests it refuses (agent.py).
FORBIDDEN_ORIGIN = N_("Förfrågan kommer inte från portalen.")
BAD_SIGN_REQUEST = N_("Felaktig begäran till SITHS-tjänsten.")
BAD_DATA = N_("Felaktig data.")
BAD_DATA_LENGTH = N_("Felaktig datalängd.")
BAD_REQUEST = N_("Felaktig begäran.")
CANCELLED = N_("Åtgärden avbröts.")
PIN_UNREADABLE = N_("PIN-koden kunde inte läsas.")
NO_READER = N_("Ingen kortläsare hittades. Anslut kortläsaren och sätt i SITHS-kortet.")
# The card and its token (token.py), reported by the agent.
NO_CARD = N_("Inget SITHS-kort hittades.")
NOT_ONE_CARD = N_("Flera eller inga kort hittades; ange kortets etikett.")
NOT_ONE_CERTIFICATE = N_("Kortet har inte exakt ett certifikat för ändamålet.")
WRONG_PIN = N_("Fel PIN-kod. Försök igen.")
NO_KEY = N_("Kortet saknar nyckel till certifikatet.")
# The default texts of the agent's errors (errors.py: TokenError, CardNotPresent, PinIncorrect, PinLocked).
TOKEN_UNUSABLE = N_("SITHS-kortet kunde inte användas.")
INSERT_CARD = N_("Sätt i SITHS-kortet i kortläsaren.")
PIN_INCORRECT = N_("Fel PIN-kod.")
PIN_LOCKED = N_("PIN-koden är spärrad. Kontakta din SITHS-administratör.")

AGENT_TEXTS = (FORBIDDEN_ORIGIN, BAD_SIGN_REQUEST, BAD_DATA, BAD_DATA_LENGTH, BAD_REQUEST, CANCELLED,
               PIN_UNREADABLE, NO_READER, NO_CARD, NOT_ONE_CARD, NOT_ONE_CERTIFICATE, WRONG_PIN, NO_KEY,
               TOKEN_UNUSABLE, INSERT_CARD, PIN_INCORRECT, PIN_LOCKED)
