"""The texts of a delegation table's rows (Hantera delegeringar, Visa delegeringar), made once per page.

The tables show per row where the delegation holds, its period, its roles and whether it is active.
Written as Jinja macros these were three macro calls and a dozen lookups per row, about half of what
Hantera delegeringar cost to render; here the fixed words are translated once per page and each row
is a few string joins. The template escapes every text as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from flask_babel import gettext

from ..services.list_rows import DelegationRow


@dataclass(frozen=True, slots=True)
class DelegationLine:
    """One delegation as its table row shows it: the row itself and its ready texts."""

    row: DelegationRow
    place: str  # "Enhet (U)" or "Förvaltning (L/R)"
    period: str  # "2026-01-01 – 2026-12-31"
    roles: str  # "Beställare, Attestant"
    status: str  # "Aktiv", "Inaktiv (borttagen av …)", "Inaktiv (börjar gälla …)"
    choose: str  # the checkbox's accessible name: "Välj <namn> <period>"


def delegation_lines(rows: Sequence[DelegationRow], today: date, scope_labels: Mapping[str, str]) -> list[DelegationLine]:
    """The rows with their texts in the current language (the fixed words translated once for the page)."""
    bestallare, attestant = gettext("Beställare"), gettext("Attestant")
    roles = {(True, True): f"{bestallare}, {attestant}", (True, False): bestallare,
             (False, True): attestant, (False, False): ""}
    active, inactive = gettext("Aktiv"), gettext("Inaktiv")
    ended, ended_by = gettext("borttagen"), gettext("borttagen av %(name)s", name="%(name)s")
    starts = gettext("börjar gälla %(date)s", date="%(date)s")
    choose = gettext("Välj %(name)s %(period)s", name="%(name)s", period="%(period)s")
    lines = []
    for d in rows:
        period = f"{d.valid_from.isoformat()} – {d.valid_to.isoformat()}"
        if d.valid_from <= today <= d.valid_to:
            status = active
        elif d.ended_at:
            status = f"{inactive} ({ended_by % {'name': d.ended_by.display} if d.ended_by else ended})"
        elif d.valid_from > today:
            status = f"{inactive} ({starts % {'date': d.valid_from.isoformat()}})"
        else:
            status = inactive
        place = f"{(d.enhet or d.forvaltning).name} ({scope_labels[d.scope]})"
        lines.append(DelegationLine(row=d, place=place, period=period, roles=roles[bool(d.is_bestallare),
                                                                                    bool(d.is_attestant)],
                                    status=status, choose=choose % {"name": d.person.display, "period": period}))
    return lines
