"""Factories for the VMU tests: new staff at a vårdenhet, U delegations, the mass order form."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select

from beh_core.identifiers import make_personnummer
from beh_core.models import SCOPE_UNIT, Delegation, Engagement, Enhet, Person

TODAY = date.today()


@dataclass
class Staff:
    """A person made for a test, with every identifier."""

    id: int
    vgr_id: str
    personnummer: str
    hsa_id: str
    passnummer: str

    @property
    def personnummer_dash(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"


def _letters(n: int) -> str:
    out = ""
    for _ in range(3):
        out = chr(ord("a") + n % 26) + out
        n //= 26
    return out


def new_staff(db, unit: Enhet, count: int, *, first: int = 0, engaged: bool = True) -> list[Staff]:
    """``count`` persons with an engagement at the unit that is active today (or ended, ``engaged=False``)."""
    rows = []
    for n in range(first, first + count):
        rows.append({"vgr_id": f"vmu{_letters(n)}1", "first_name": "Ny", "last_name": f"Medarbetare{n}",
                     "first_name_lc": "ny", "last_name_lc": f"medarbetare{n}", "email": f"ny{n}@demo.beh.example",
                     "personnummer": make_personnummer(date(1931, 1, 1) + timedelta(days=n), 900 + n % 100),
                     "hsa_id": f"SE2321000131-V{n:012d}", "passnummer": f"PV{n:07d}", "active": True})
    db.execute(insert(Person), rows)
    made = {p.vgr_id: p for p in db.scalars(select(Person).where(Person.vgr_id.in_([r["vgr_id"] for r in rows])))}
    end = None if engaged else TODAY - timedelta(days=1)
    db.execute(insert(Engagement), [{"person_id": made[r["vgr_id"]].id, "enhet_id": unit.id, "kind": "anstalld",
                                     "start_date": TODAY - timedelta(days=5), "end_date": end, "is_primary": True}
                                    for r in rows])
    db.commit()
    return [Staff(made[r["vgr_id"]].id, r["vgr_id"], r["personnummer"], r["hsa_id"], r["passnummer"]) for r in rows]


def unit(db, code: str) -> Enhet:
    return db.scalar(select(Enhet).where(Enhet.code == code))


def u_delegation(db, who, enhet: Enhet, *, bestallare=False, attestant=False):
    """An active U delegation (one vårdenhet)."""
    db.add(Delegation(person_id=who.id, scope=SCOPE_UNIT, forvaltning_id=enhet.omrade.forvaltning_id,
                      omrade_id=enhet.omrade_id, enhet_id=enhet.id, is_bestallare=bestallare, is_attestant=attestant,
                      valid_from=TODAY - timedelta(days=1), valid_to=TODAY + timedelta(days=90)))
    db.commit()


def mass_form(enhet: Enhet, attestant, lines: list[str], *, uppdrag="vmu.pascal.vob", start: date | None = None) -> dict:
    """The fields of Vårdmedarbetaruppdrag VMU Flera användare."""
    return {"enhet_id": str(enhet.id), "uppdrag": uppdrag, "attestant_id": str(attestant.id),
            "start_date": (start or TODAY).isoformat(), "identiteter": "\n".join(lines)}
