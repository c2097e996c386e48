"""The apply phase of a directory sync: staged LDAP entries become changes, inside the caller's one transaction.

Units and kostnadsställen are few and read whole every run; persons are worked
through in chunks of CHUNK, so memory stays flat at any region size. Nothing is
deleted: a person missing from LDAP is marked inactive and their open
engagements end yesterday; an engagement that disappears from a person's entry
ends yesterday (a move is an ended engagement plus a new one, so "Att avsluta"
sees what the person held at the old unit). Nothing commits here.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..models import DirectorySyncStaged, Engagement, Enhet, Forvaltning, Kostnadsstalle, Omrade, Person

CHUNK = 2000
PERSON_FIELDS = ("hsa_id", "personnummer", "passnummer", "first_name", "last_name", "email", "titel", "ansvarsnummer")


def _staged(session: Session, run_id: int, kind: str):
    """The run's staged rows of one kind, streamed (a server-side cursor on PostgreSQL), never all at once."""
    return session.execute(select(DirectorySyncStaged.key, DirectorySyncStaged.data).where(
        DirectorySyncStaged.run_id == run_id, DirectorySyncStaged.kind == kind).order_by(DirectorySyncStaged.id)
        .execution_options(yield_per=CHUNK))


def apply_staged(session: Session, run_id: int, *, today: date, skip: Callable[[str, str], None],
                 deactivate: list[int], kostnadsstallen_synced: bool) -> dict[str, int]:
    """Apply a run's staged rows to the directory tables (no commit); returns the counts of what changed.

    :param skip: called with (key, reason) for an entry that cannot be applied (unknown unit, taken HSA-ID).
    :param deactivate: the ids of active persons missing from LDAP (decided before the apply, by the guard).
    """
    counts: dict[str, int] = {}

    def add(name: str, n: int = 1) -> None:
        if n:
            counts[name] = counts.get(name, 0) + n

    units = _apply_units(session, run_id, skip, add)
    _apply_persons(session, run_id, units, today, skip, add)
    _deactivate(session, deactivate, today, add)
    _apply_chefs(session, run_id, skip, add)
    _apply_kostnadsstallen(session, run_id, skip, add, kostnadsstallen_synced)
    session.flush()
    return counts


# --- Units ------------------------------------------------------------------------

def _apply_units(session: Session, run_id: int, skip, add) -> dict[str, int]:
    """Förvaltningar (depth 1), områden (2) and units (3 and deeper); returns unit code -> enhet id."""
    staged = sorted((data for _, data in _staged(session, run_id, "unit")), key=lambda d: (d["depth"], d["dn"]))
    forvaltningar = {f.code: f for f in session.scalars(select(Forvaltning))}
    omraden = {o.code: o for o in session.scalars(select(Omrade))}
    enheter = {e.code: e for e in session.scalars(select(Enhet))}
    by_dn: dict[str, dict] = {}
    for data in staged:
        by_dn[data["dn"]] = data
        code, name = data["code"], data["name"]
        if data["depth"] == 1:
            row = forvaltningar.get(code)
            if row is None:
                row = forvaltningar[code] = Forvaltning(code=code, name=name)
                session.add(row)
                add("nya_forvaltningar")
            elif row.name != name:
                row.name = name
                add("andrade_enheter")
            continue
        parent = by_dn.get(data["parent"])
        if data["depth"] == 2:
            if parent is None or parent["depth"] != 1:
                skip(f"enhet {code}", "området ligger inte direkt under en förvaltning")
                continue
            forvaltning = forvaltningar[parent["code"]]
            row = omraden.get(code)
            if row is None:
                row = omraden[code] = Omrade(code=code, name=name, forvaltning=forvaltning)
                session.add(row)
                add("nya_omraden")
            elif row.name != name or row.forvaltning_id != forvaltning.id:
                row.name, row.forvaltning = name, forvaltning
                add("andrade_enheter")
            continue
        while parent is not None and parent["depth"] > 2:  # a unit inside a unit belongs to the same område
            parent = by_dn.get(parent["parent"])
        if parent is None or parent["code"] not in omraden:
            skip(f"enhet {code}", "enheten ligger inte under ett område")
            continue
        omrade = omraden[parent["code"]]
        row = enheter.get(code)
        wanted = {"name": name, "hsa_id": data["hsa_id"], "is_vardenhet": data["vardenhet"],
                  "private_provider": data["private_provider"]}
        if row is None:
            row = enheter[code] = Enhet(code=code, omrade=omrade, **wanted)
            session.add(row)
            add("nya_enheter")
        elif row.omrade_id != omrade.id or any(getattr(row, k) != v for k, v in wanted.items()):
            row.omrade = omrade
            for key, value in wanted.items():
                setattr(row, key, value)
            add("andrade_enheter")
    session.flush()
    seen = {d["code"] for d in staged}
    add("enheter_saknas_i_ldap", sum(1 for code in enheter if code not in seen))
    return {code: unit.id for code, unit in enheter.items()}


# --- Persons and engagements -----------------------------------------------------------

def _chunks(session: Session, run_id: int):
    chunk: list[tuple[str, dict]] = []
    for key, data in _staged(session, run_id, "person"):
        chunk.append((key, data))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _taken(session: Session, chunk: list[tuple[str, dict]]) -> dict[tuple[str, str], str]:
    """(field, value) -> VGR-ID of another person who already has that HSA-ID, personnummer or passnummer."""
    keys = {k for k, _ in chunk}
    taken: dict[tuple[str, str], str] = {}
    for name in ("hsa_id", "personnummer", "passnummer"):
        values = [d[name] for _, d in chunk if d.get(name)]
        if not values:
            continue
        column = getattr(Person, name)
        for vgr, value in session.execute(select(Person.vgr_id, column).where(column.in_(values))):
            if vgr not in keys:
                taken[(name, value)] = vgr
    return taken


def _apply_persons(session: Session, run_id: int, units: dict[str, int], today: date, skip, add) -> None:
    for chunk in _chunks(session, run_id):
        keys = [k for k, _ in chunk]
        live = {row.vgr_id: row for row in session.execute(
            select(Person.id, Person.vgr_id, Person.active, *[getattr(Person, f) for f in PERSON_FIELDS])
            .where(Person.vgr_id.in_(keys)))}
        taken = _taken(session, chunk)
        seen: set[str] = set()
        claimed: dict[tuple[str, str], str] = {}
        new_rows, updates, accepted = [], [], []
        for key, data in chunk:
            if key in seen:
                skip(f"person {key}", "VGR-ID:t förekommer flera gånger i LDAP")
                continue
            seen.add(key)
            clash = next((name for name in ("hsa_id", "personnummer", "passnummer") if data.get(name)
                          and (taken.get((name, data[name])) or claimed.get((name, data[name])))), None)
            unknown = sorted({e["enhet"] for e in data["engagements"] if e["enhet"] not in units})
            if clash:
                label = {"hsa_id": "HSA-id:t", "personnummer": "personnumret", "passnummer": "passnumret"}[clash]
                skip(f"person {key}", f"{label} tillhör redan en annan person")
                continue
            if unknown:
                skip(f"person {key}", "okänd enhet " + ", ".join(unknown))
                continue
            for name in ("hsa_id", "personnummer", "passnummer"):
                if data.get(name):
                    claimed[(name, data[name])] = key
            values = {f: data.get(f) for f in PERSON_FIELDS}
            values["first_name_lc"], values["last_name_lc"] = values["first_name"].lower(), values["last_name"].lower()
            row = live.get(key)
            if row is None:
                new_rows.append({"vgr_id": key, "active": True, **values})
            else:
                changed = {f: values[f] for f in PERSON_FIELDS if getattr(row, f) != values[f]}
                if changed or not row.active:
                    if changed:
                        changed["first_name_lc"], changed["last_name_lc"] = values["first_name_lc"], values["last_name_lc"]
                    updates.append({"id": row.id, "active": True, **changed})
                    add("ateraktiverade_personer" if not row.active else "andrade_personer")
            accepted.append((key, data))
        ids = {row.vgr_id: row.id for row in live.values()}
        if new_rows:
            for person_id, vgr in session.execute(insert(Person).returning(Person.id, Person.vgr_id), new_rows):
                ids[vgr] = person_id
            add("nya_personer", len(new_rows))
        if updates:
            session.execute(update(Person), updates)
        changed_people = _apply_engagements(session, [(ids[k], d) for k, d in accepted], units, today, add)
        add("andrade_personer", len(changed_people - {r["id"] for r in updates} - {ids[r["vgr_id"]] for r in new_rows}))


def _engagement_values(data: dict, units: dict[str, int]) -> dict:
    return {"enhet_id": units[data["enhet"]], "kind": data["kind"], "start_date": date.fromisoformat(data["start"]),
            "end_date": date.fromisoformat(data["end"]) if data["end"] else None, "is_primary": data["primary"],
            "kostnadsstalle": data["kostnadsstalle"]}


def _apply_engagements(session: Session, people: list[tuple[int, dict]], units: dict[str, int], today: date,
                       add) -> set[int]:
    """Diff each person's engagements by (unit, start date); returns the ids of persons whose engagements changed."""
    if not people:
        return set()
    live: dict[int, list] = {}
    for row in session.execute(select(Engagement.id, Engagement.person_id, Engagement.enhet_id, Engagement.kind,
                                      Engagement.start_date, Engagement.end_date, Engagement.is_primary,
                                      Engagement.kostnadsstalle)
                               .where(Engagement.person_id.in_([pid for pid, _ in people]))):
        live.setdefault(row.person_id, []).append(row)
    yesterday = today - timedelta(days=1)
    inserts, updates, changed = [], [], set()
    for person_id, data in people:
        current = {(r.enhet_id, r.start_date): r for r in live.get(person_id, [])}
        wanted: dict[tuple[int, date], dict] = {}
        for raw in data["engagements"]:
            values = _engagement_values(raw, units)
            wanted[(values["enhet_id"], values["start_date"])] = values
        for key, values in wanted.items():
            row = current.get(key)
            if row is None:
                inserts.append({"person_id": person_id, **values})
                add("nya_engagemang")
                changed.add(person_id)
            elif any(getattr(row, k) != values[k] for k in ("kind", "end_date", "is_primary", "kostnadsstalle")):
                updates.append({"id": row.id, **{k: values[k] for k in ("kind", "end_date", "is_primary", "kostnadsstalle")}})
                add("andrade_engagemang")
                changed.add(person_id)
        for key, row in current.items():
            if key in wanted or (row.end_date is not None and row.end_date < today):
                continue
            # Gone from KiV while still open: it ends yesterday (a future one ends the day before it would start).
            end = yesterday if row.start_date <= yesterday else row.start_date - timedelta(days=1)
            updates.append({"id": row.id, "kind": row.kind, "end_date": end, "is_primary": row.is_primary,
                            "kostnadsstalle": row.kostnadsstalle})
            add("avslutade_engagemang")
            changed.add(person_id)
    if inserts:
        session.execute(insert(Engagement), inserts)
    if updates:
        session.execute(update(Engagement), updates)
    return changed


def _deactivate(session: Session, ids: list[int], today: date, add) -> None:
    """Persons missing from LDAP: inactive (never deleted), their open engagements end yesterday."""
    yesterday = today - timedelta(days=1)
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        session.execute(update(Person).where(Person.id.in_(part)).values(active=False)
                        .execution_options(synchronize_session=False))
        open_ = (Engagement.end_date.is_(None)) | (Engagement.end_date >= today)
        ended = session.execute(update(Engagement).where(Engagement.person_id.in_(part), open_,
                                                         Engagement.start_date <= yesterday)
                                .values(end_date=yesterday).execution_options(synchronize_session=False))
        add("avslutade_engagemang", ended.rowcount)
    add("inaktiverade_personer", len(ids))


# --- Chefs and kostnadsställen ---------------------------------------------------------

def _persons_by_hsa(session: Session, hsa_ids: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted(h for h in hsa_ids if h)
    for start in range(0, len(wanted), CHUNK):
        found.update((hsa, pid) for hsa, pid in session.execute(
            select(Person.hsa_id, Person.id).where(Person.hsa_id.in_(wanted[start:start + CHUNK]))))
    return found


def _apply_chefs(session: Session, run_id: int, skip, add) -> None:
    staged = [data for _, data in _staged(session, run_id, "unit") if data["depth"] >= 3]
    people = _persons_by_hsa(session, {d["chef"] for d in staged})
    enheter = {e.code: e for e in session.scalars(select(Enhet))}
    for data in staged:
        unit = enheter.get(data["code"])
        if unit is None:
            continue
        chef_id = people.get(data["chef"]) if data["chef"] else None
        if data["chef"] and chef_id is None:
            skip(f"enhet {data['code']}", f"verksamhetschefen {data['chef']} finns inte i katalogen")
        if unit.chef_id != chef_id:
            unit.chef_id = chef_id
            add("andrade_chefer")


def _apply_kostnadsstallen(session: Session, run_id: int, skip, add, synced: bool) -> None:
    if not synced:
        return
    staged = [data for _, data in _staged(session, run_id, "kostnad")]
    people = _persons_by_hsa(session, {d["ansvarig"] for d in staged})
    forvaltningar = {code: fid for code, fid in session.execute(select(Forvaltning.code, Forvaltning.id))}
    live = {k.code: k for k in session.scalars(select(Kostnadsstalle))}
    for data in staged:
        ansvarig = people.get(data["ansvarig"]) if data["ansvarig"] else None
        if data["ansvarig"] and ansvarig is None:
            skip(f"kostnadsställe {data['code']}", f"ansvarig {data['ansvarig']} finns inte i katalogen")
        wanted = {"name": data["name"], "forvaltning_id": forvaltningar.get(data["forvaltning"]),
                  "ansvarig_id": ansvarig, "active": True}
        row = live.get(data["code"])
        if row is None:
            session.add(Kostnadsstalle(code=data["code"], **wanted))
            add("nya_kostnadsstallen")
        elif any(getattr(row, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(row, key, value)
            add("andrade_kostnadsstallen")
    seen = {d["code"] for d in staged}
    for code, row in live.items():
        if code not in seen and row.active:
            row.active = False
            add("inaktiverade_kostnadsstallen")
