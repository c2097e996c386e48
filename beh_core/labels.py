"""Labels shared by operations and pages, marked for translation (``_N``: the template translates them).

One definition of each: order kinds, events' names shown in Historik, and the marker itself.
"""
from __future__ import annotations

from .catalogue import AVSLUT, FORANDRING, NYUPPLAGG


def _N(text: str) -> str:
    """Mark a label for translation; the page translates it when shown (pybabel finds ``_N``)."""
    return text


KIND_LABELS = {NYUPPLAGG: _N("Nyupplägg"), FORANDRING: _N("Förändring"), AVSLUT: _N("Avslut")}
