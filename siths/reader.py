"""PC/SC reader and card presence, via pyscard's thin ``smartcard.scard`` layer.

We ask pcscd for the reader state with SCardGetStatusChange and a zero
timeout instead of connecting to the card: connecting would disturb a card
that the PKCS#11 module is using, and the state word already says whether a
card is present.  A fresh context is used and released on every call so the
agent keeps no handle open to pcscd (which may be restarted).
"""
from __future__ import annotations

from smartcard import scard


class PcscReaderMonitor:
    """Reports the first reader (optionally whose name contains ``name_filter``)
    and whether a card is present in it."""

    def __init__(self, name_filter: str | None = None):
        self.name_filter = name_filter

    def status(self) -> dict:
        """``{"reader": name|None, "card_present": bool, "atr": hex|None, "error": str|None}``."""
        result = {"reader": None, "card_present": False, "atr": None, "error": None}
        hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            result["error"] = "pcsc_unavailable"
            return result
        try:
            hresult, readers = scard.SCardListReaders(ctx, [])
            if hresult != scard.SCARD_S_SUCCESS or not readers:
                return result
            readers = [r for r in readers if not self.name_filter or self.name_filter in r]
            if not readers:
                return result
            reader = readers[0]
            result["reader"] = reader
            hresult, states = scard.SCardGetStatusChange(
                ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
            if hresult != scard.SCARD_S_SUCCESS:
                result["error"] = "status_failed"
                return result
            _name, event_state, atr = states[0]
            present = bool(event_state & scard.SCARD_STATE_PRESENT) and \
                not event_state & scard.SCARD_STATE_MUTE
            result["card_present"] = present
            result["atr"] = bytes(atr).hex() if present and atr else None
            return result
        finally:
            scard.SCardReleaseContext(ctx)
