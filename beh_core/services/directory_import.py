"""Import the directory (KiV) from the JSON format of docs/directory-import.md.

All or nothing: every record is checked first; one bad record aborts the
import with a list of errors (which name the VGR-ID, never the personnummer).
Existing rows are updated by their key (code, VGR-ID), new ones added.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..identifiers import InvalidIdentifier, VGR_ID_RE, normalise_hsa_id, normalise_personnummer
from ..models import Engagement, Enhet, Forvaltning, HeldPermission, Kostnadsstalle, Omrade, Person, utcnow
from .errors import ValidationFailed


def _date(value, where: str, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(f"{where}: ogiltigt datum {value!r}")
        return None


def check_person(record: dict, errors: list[str]) -> dict:
    """A person record checked and normalised; problems are appended to ``errors`` (naming the VGR-ID only)."""
    vgr = str(record.get("vgr_id", "")).strip().lower()
    where = f"person {vgr or '?'}"
    if not VGR_ID_RE.match(vgr):
        errors.append(f"{where}: ogiltigt VGR-ID")
    clean = {"vgr_id": vgr, "first_name": str(record.get("first_name", "")).strip(),
             "last_name": str(record.get("last_name", "")).strip(), "email": record.get("email"),
             "titel": record.get("titel"), "ansvarsnummer": record.get("ansvarsnummer"),
             "passnummer": (record.get("passnummer") or None) and str(record["passnummer"]).upper()}
    if not clean["first_name"] or not clean["last_name"]:
        errors.append(f"{where}: förnamn och efternamn krävs")
    try:
        clean["personnummer"] = normalise_personnummer(record["personnummer"]) if record.get("personnummer") else None
    except InvalidIdentifier:
        errors.append(f"{where}: ogiltigt personnummer eller samordningsnummer")  # the value itself is never echoed
    try:
        clean["hsa_id"] = normalise_hsa_id(record["hsa_id"]) if record.get("hsa_id") else None
    except InvalidIdentifier:
        errors.append(f"{where}: ogiltigt HSA-id")
    return clean


def _upsert_permission(session: Session, person: Person, perm: dict, today: date) -> None:
    """The person's permission in the item (regional scope): updated when held, else added.

    Importing the same file twice changes nothing; one whose end date has passed is marked ended.
    """
    valid_to = date.fromisoformat(perm["to"]) if perm.get("to") else None
    held = session.scalar(select(HeldPermission).where(
        HeldPermission.person_id == person.id, HeldPermission.item_key == perm["item"],
        HeldPermission.scope_key == "", HeldPermission.ended_at.is_(None)))
    if held is None:
        held = HeldPermission(person_id=person.id, item_key=perm["item"], scope_key="")
        session.add(held)
    held.details, held.valid_from, held.valid_to = perm.get("details", {}), date.fromisoformat(perm["from"]), valid_to
    if valid_to is not None and valid_to < today:
        held.ended_at = utcnow()
    session.flush()


def _check_kostnadsstallen(session: Session, data: dict, errors: list[str]) -> None:
    """Each kostnadsställe needs a code and a name; its förvaltning and ansvarig must exist in the file or KiV."""
    forvaltningar = {f.get("code") for f in data.get("forvaltningar", [])} | set(session.scalars(select(Forvaltning.code)))
    people = {str(p.get("vgr_id", "")).strip().lower() for p in data.get("persons", [])}
    for record in data.get("kostnadsstallen", []):
        code = str(record.get("code") or "").strip()
        where = f"kostnadsställe {code or '?'}"
        if not code or len(code) > 20 or not str(record.get("name") or "").strip():
            errors.append(f"{where}: kod (högst 20 tecken) och namn krävs")
        if record.get("forvaltning") and record["forvaltning"] not in forvaltningar:
            errors.append(f"{where}: okänd förvaltning {record['forvaltning']!r}")
        ansvarig = str(record.get("ansvarig") or "").strip().lower()
        if ansvarig and ansvarig not in people and session.scalar(
                select(Person.id).where(Person.vgr_id == ansvarig)) is None:
            errors.append(f"{where}: ansvarig {ansvarig} finns inte i katalogen")


def _import_kostnadsstallen(session: Session, data: dict, by_vgr: dict[str, Person]) -> int:
    """Upsert kostnadsställen by code with their förvaltning and the person who answers for each."""
    forvaltningar = {code: fid for code, fid in session.execute(select(Forvaltning.code, Forvaltning.id))}
    count = 0
    for record in data.get("kostnadsstallen", []):
        code = str(record["code"]).strip()
        row = session.scalar(select(Kostnadsstalle).where(Kostnadsstalle.code == code)) or Kostnadsstalle(code=code)
        ansvarig = str(record.get("ansvarig") or "").strip().lower()
        person = by_vgr.get(ansvarig) or (session.scalar(select(Person).where(Person.vgr_id == ansvarig))
                                          if ansvarig else None)
        row.name = str(record["name"]).strip()
        row.forvaltning_id = forvaltningar.get(record.get("forvaltning"))
        row.ansvarig_id = person.id if person else None
        row.active = bool(record.get("active", True))
        session.add(row)
        count += 1
    return count


def import_directory(session: Session, data: dict, actor: Person | None = None,
                     today: date | None = None) -> dict[str, int]:
    """Upsert förvaltningar, områden, enheter, persons, engagements, held permissions and kostnadsställen in one transaction."""
    errors: list[str] = []
    people = [check_person(p, errors) for p in data.get("persons", [])]
    unit_codes = {e["code"] for f in data.get("forvaltningar", []) for o in f.get("omraden", [])
                  for e in o.get("enheter", [])}
    unit_codes |= set(session.scalars(select(Enhet.code)))
    for raw in data.get("persons", []):
        for eng in raw.get("engagements", []):
            if eng.get("enhet") not in unit_codes:
                errors.append(f"person {raw.get('vgr_id')}: okänd enhet {eng.get('enhet')!r}")
            _date(eng.get("start"), f"person {raw.get('vgr_id')}", errors)
    _check_kostnadsstallen(session, data, errors)
    if errors:
        raise ValidationFailed({"file": "; ".join(errors)})

    today = today or date.today()
    counts = {"förvaltningar": 0, "enheter": 0, "personer": 0}
    units: dict[str, Enhet] = {u.code: u for u in session.scalars(select(Enhet))}
    chefs: dict[str, str] = {}
    for f in data.get("forvaltningar", []):
        forvaltning = session.scalar(select(Forvaltning).where(Forvaltning.code == f["code"])) or Forvaltning(code=f["code"])
        forvaltning.name = f["name"]
        session.add(forvaltning)
        counts["förvaltningar"] += 1
        for o in f.get("omraden", []):
            omrade = session.scalar(select(Omrade).where(Omrade.code == o["code"])) or Omrade(code=o["code"])
            omrade.name, omrade.forvaltning = o["name"], forvaltning
            session.add(omrade)
            for e in o.get("enheter", []):
                unit = units.get(e["code"]) or Enhet(code=e["code"])
                unit.name, unit.omrade = e["name"], omrade
                unit.hsa_id = e.get("hsa_id")
                unit.is_vardenhet = e.get("vardenhet", True)
                unit.private_provider = e.get("private_provider", False)
                units[e["code"]] = unit
                session.add(unit)
                counts["enheter"] += 1
                if e.get("chef"):
                    chefs[e["code"]] = e["chef"].lower()
    session.flush()
    by_vgr: dict[str, Person] = {}
    for raw, clean in zip(data.get("persons", []), people):
        person = session.scalar(select(Person).where(Person.vgr_id == clean["vgr_id"])) or Person()
        for key, value in clean.items():
            setattr(person, key, value)
        person.first_name_lc, person.last_name_lc = person.first_name.lower(), person.last_name.lower()
        person.engagements = [
            Engagement(enhet=units[e["enhet"]], kind=e.get("kind", "anstalld"), start_date=date.fromisoformat(e["start"]),
                       end_date=date.fromisoformat(e["end"]) if e.get("end") else None,
                       is_primary=e.get("primary", False), kostnadsstalle=e.get("kostnadsstalle"))
            for e in raw.get("engagements", [])
        ]
        session.add(person)
        session.flush()
        for perm in raw.get("permissions", []):
            _upsert_permission(session, person, perm, today)
        by_vgr[person.vgr_id] = person
        counts["personer"] += 1
    for code, vgr in chefs.items():
        chef = by_vgr.get(vgr) or session.scalar(select(Person).where(Person.vgr_id == vgr))
        units[code].chef_id = chef.id if chef else None
    if "kostnadsstallen" in data:
        counts["kostnadsställen"] = _import_kostnadsstallen(session, data, by_vgr)
    audit.record(session, actor, "directory.imported", "directory", "kiv", **counts)
    session.commit()
    return counts
