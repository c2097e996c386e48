"""The fictional demo region: förvaltningar, units, persons, delegations, held permissions, orders.

Every name is made up from lists below; personnummer are valid but fictional.
``build_demo_region(session, persons=N, orders=M)`` scales to a whole region
(100 k persons, 5 M orders) with bulk inserts, for benchmarks.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from .identifiers import make_personnummer
from .labels import _N
from .models import (
    SCOPE_AREA, SCOPE_UNIT, AuditEvent, Delegation, Engagement, Enhet, Forvaltning, HeldPermission, Kostnadsstalle,
    Omrade, Order, OrderAttestStep, OrderLine, Person,
)
from .services.demo_samples import DemoKostnadsstalle, DemoSample, DemoUnitDelegation
from .services.ordering import ORDER_NUMBER_OFFSET

FORVALTNINGAR = [
    ("NH", "Närhälsan", ["Område Norr", "Område Söder", "Område Väster"], "vårdcentral"),
    ("RH", "Regionhälsan", ["Område Hälsa", "Område Habilitering"], "mottagning"),
    ("SU", "Sahlgrenska Universitetssjukhuset", ["Område Medicin", "Område Kirurgi"], "avdelning"),
    ("KSD", "Koncernstab digitalisering", ["Plattformar och infrastruktur", "Digitala tjänster"], "enhet"),
]
PLACES = ["Åsby", "Bergvik", "Lindhaga", "Norrö", "Ekholmen", "Sjövik", "Granhult", "Björkdal", "Tallmo",
          "Strandby", "Ängsvik", "Hagalund", "Stenbacka", "Lövsta", "Kvarnby", "Mossfall"]
FIRST = ["Sara", "Johan", "Maria", "Erik", "Lena", "Per", "Anders", "Karin", "Elin", "Oskar", "Ida", "Nils",
         "Frida", "Gustav", "Hanna", "Viktor", "Klara", "Axel", "Tove", "Emil", "Saga", "Linus", "Maja", "Hugo",
         "Alva", "Isak", "Wilma", "Albin", "Ebba", "Melvin", "Nora", "Sixten"]
LAST = ["Berglund", "Ekström", "Holm", "Nyström", "Sandberg", "Wikström", "Lund", "Dahl", "Fors", "Björk",
        "Strand", "Lindgren", "Sjöberg", "Åkesson", "Hedlund", "Falk", "Nordin", "Blom", "Ek", "Sundin",
        "Engdahl", "Hagberg", "Mossberg", "Lövgren", "Granqvist", "Stenlund", "Vikander", "Tallberg"]
TITLES = ["Sjuksköterska", "Läkare", "Undersköterska", "Farmaceut", "Administratör", "Verksamhetsutvecklare",
          "Biomedicinsk analytiker", "Kurator", "Fysioterapeut", "IT-tekniker"]
HSA_PREFIX = "SE2321000131-P"

# Fixed identities for the demo login, so every role can be tried (role label, vgr_id, first, last).
DEMO_ROLES = [
    (_N("Beställare (flera förvaltningar)"), "sarbe1", "Sara", "Berglund"),
    (_N("Attestant"), "johek1", "Johan", "Ekström"),
    (_N("Attestant (för Byt attestant)"), "perwi1", "Per", "Wikström"),
    (_N("Verksamhetschef"), "marho1", "Maria", "Holm"),
    (_N("Slutanvändare"), "eriny1", "Erik", "Nyström"),
    (_N("Slutanvändare utan aktivt engagemang"), "andlu1", "Anders", "Lund"),
    (_N("Service Desk behörigheter"), "lensa1", "Lena", "Sandberg"),
    (_N("Administratör"), "kardah", "Karin", "Dahl"),
]


# Who answers for a kostnadsställe of the plugins' examples (manual 004: LifeCare light, 69002) makes its
# ekonomisk attest; the login page names them so the manual's flow can be finished in the demo. A fixed
# identity who does keeps one entry (one demo SITHS card each), its label saying both.
ECONOMIC_ATTESTANT = _N("Ekonomisk attestant")
ALSO_ECONOMIC = {_N("Attestant"): _N("Attestant och ekonomisk attestant")}


def demo_identities(session: Session) -> list[tuple[str, Person]]:
    """(role label, person) of the fixed demo identities that exist in the database, and of whoever makes
    the ekonomisk attest of the plugins' example kostnadsställen."""
    people = {p.vgr_id: p for p in session.scalars(select(Person).where(Person.vgr_id.in_([r[1] for r in DEMO_ROLES])))}
    listed = [(label, people[vgr]) for label, vgr, _, _ in DEMO_ROLES if vgr in people]
    for person in _economic_attestants(session):
        at = next((n for n, (_, p) in enumerate(listed) if p.id == person.id), None)
        if at is None:
            listed.append((ECONOMIC_ATTESTANT, person))
        elif listed[at][0] in ALSO_ECONOMIC:
            listed[at] = (ALSO_ECONOMIC[listed[at][0]], person)
    return listed


def _economic_attestants(session: Session, limit: int = 3) -> list[Person]:
    """Active persons answering for the kostnadsställen the plugins' examples brought (``_add_kostnadsstallen``):
    the demo's other kostnadsställen are exactly the codes its engagements use, each with a unit's chef."""
    used = select(Engagement.id).where(Engagement.kostnadsstalle == Kostnadsstalle.code).exists()
    ids = session.scalars(select(Kostnadsstalle.ansvarig_id).where(
        Kostnadsstalle.active.is_(True), Kostnadsstalle.ansvarig_id.is_not(None), ~used)
        .order_by(Kostnadsstalle.code).limit(limit)).all()
    found = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(set(ids)), Person.active.is_(True)))}
    return list({i: found[i] for i in ids if i in found}.values())


def _samples(rt) -> tuple[list[DemoSample], list[DemoSample], list[DemoSample], list[DemoKostnadsstalle]]:
    """The plugins' example permissions (held, held by the demo end user, ordered), for items that exist,
    and the kostnadsställen their examples need."""
    held, by_end_user, ordered, kostnadsstallen = [], [], [], []
    if rt is None:
        return held, by_end_user, ordered, kostnadsstallen
    for _, samples in rt.plugins.broadcast("beh_demo_samples"):
        if samples is None:
            continue
        held += [s for s in samples.held if rt.registry.get(s.item_key)]
        by_end_user += [s for s in samples.held_by_end_user if rt.registry.get(s.item_key)]
        ordered += [s for s in samples.orders if rt.registry.get(s.item_key)]
        kostnadsstallen += list(samples.kostnadsstallen)
    return held, by_end_user, ordered, kostnadsstallen


def example_search_keys(session: Session) -> list[tuple[str, str, Person]]:
    """(label, value, person): a personnummer, a passnummer and an HSA-ID of demo persons, to try the search."""
    examples: list[tuple[str, str, Person]] = []
    with_pnr = session.scalar(select(Person).where(Person.vgr_id == "eriny1", Person.personnummer.is_not(None)))
    with_pnr = with_pnr or session.scalar(select(Person).where(Person.personnummer.is_not(None)).order_by(Person.id))
    if with_pnr is not None:
        examples.append(("Personnummer", with_pnr.personnummer, with_pnr))
    with_pass = session.scalar(select(Person).where(Person.passnummer.is_not(None)).order_by(Person.id))
    if with_pass is not None:
        examples.append(("Passnummer", with_pass.passnummer, with_pass))
    with_hsa = session.scalar(select(Person).where(Person.hsa_id.is_not(None), Person.id > (with_pnr.id if with_pnr else 0))
                              .order_by(Person.id))
    if with_hsa is not None:
        examples.append(("HSA-id", with_hsa.hsa_id, with_hsa))
    return examples


def coming_engagement_examples(session: Session, today: date | None = None,
                               limit: int = 2) -> list[tuple[str, Person, Engagement]]:
    """(label, person, engagement): demo persons whose engagement starts later (a nyanställd, a new one registered
    ahead), to try ordering before the first day."""
    today = today or date.today()
    rows = session.execute(select(Person, Engagement).join(Engagement, Engagement.person_id == Person.id)
                           .where(Engagement.start_date > today).order_by(Person.id, Engagement.id).limit(limit)).all()
    return [("Nyanställd" if engagement.is_primary else "Kommande engagemang", person, engagement)
            for person, engagement in rows]


def build_demo_region(session: Session, persons: int = 600, orders: int = 200, seed: int = 2026,
                      today: date | None = None, batch: int = 5000, rt=None) -> dict[str, int]:
    """Fill an empty database with a coherent fictional region; returns counts.

    ``rt`` (the app's Runtime) brings the plugins' example permissions and orders; without it the
    region has people, units and delegations only.
    """
    if session.scalar(select(func.count(Person.id))):
        raise RuntimeError("Databasen innehåller redan personer; demoregionen skapas bara i en tom databas.")
    rng = random.Random(seed)
    today = today or date.today()
    units = _build_units(session)
    person_ids = _build_persons(session, rng, max(persons, len(DEMO_ROLES) + 20), units, today, batch)
    _assign_chefs(session, rng, units, person_ids)
    kostnadsstallen = _build_kostnadsstallen(session, units)
    delegations = _build_delegations(session, rng, units, person_ids, today, batch)
    held_samples, end_user_samples, order_samples, plugin_kostnadsstallen = _samples(rt)
    kostnadsstallen += _add_kostnadsstallen(session, plugin_kostnadsstallen)
    delegations += _add_unit_delegations(session, _unit_delegations(rt), today)
    held = _build_held(session, rng, person_ids, today, batch, held_samples, end_user_samples)
    made = _build_orders(session, rng, orders, units, person_ids, today, batch, order_samples, rt)
    advance_sequences(session, (Person, Order, OrderLine))
    session.add(AuditEvent(actor_id=None, action="demo.built", object_type="region", object_id="demo",
                           details={"persons": len(person_ids), "orders": made}))
    session.commit()
    return {"förvaltningar": len(FORVALTNINGAR), "enheter": len(units), "personer": len(person_ids),
            "delegeringar": delegations, "behörigheter": held, "beställningar": made,
            "kostnadsställen": kostnadsstallen}


def advance_sequences(session: Session, models) -> None:
    """Move PostgreSQL's id sequences past the ids inserted explicitly (bulk inserts of persons and orders).

    Without this the next ordinary insert (an order from the wizard, a person from the
    KiV import) would draw an id the demo already used. SQLite needs nothing.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__table__.name
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"))


def _build_units(session: Session) -> list[Enhet]:
    units: list[Enhet] = []
    place = 0
    for code, name, omraden, unit_word in FORVALTNINGAR:
        forvaltning = Forvaltning(code=code, name=name)
        session.add(forvaltning)
        for o_index, o_name in enumerate(omraden):
            omrade = Omrade(forvaltning=forvaltning, code=f"{code}-O{o_index + 1}", name=o_name)
            session.add(omrade)
            for u in range(3):
                p = PLACES[place % len(PLACES)]
                place += 1
                unit = Enhet(omrade=omrade, code=f"{code}-O{o_index + 1}-E{u + 1}",
                             name=f"{name} {p} {unit_word}" if code in ("NH", "RH") else f"{o_name.split()[-1]} {p} {unit_word}",
                             hsa_id=f"SE2321000131-E{len(units) + 1:012d}", is_vardenhet=code != "KSD",
                             private_provider=code == "NH" and u == 2)
                session.add(unit)
                units.append(unit)
    session.flush()
    return units


def _build_persons(session, rng, count, units, today, batch) -> list[int]:
    first_id = (session.scalar(select(func.max(Person.id))) or 0) + 1
    used_vgr: set[str] = set()
    people, engagements = [], []
    for n in range(count):
        pid = first_id + n
        if n < len(DEMO_ROLES):
            _, vgr, first, last = DEMO_ROLES[n]
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            stem = (first[:3] + last[:2]).lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
            suffix = 1
            while f"{stem}{suffix}" in used_vgr or any(f"{stem}{suffix}" == r[1] for r in DEMO_ROLES):
                suffix += 1
            vgr = f"{stem}{suffix}"
        used_vgr.add(vgr)
        born = date(1950, 1, 1) + timedelta(days=(n * 7919) % 18000)
        people.append({
            "id": pid, "vgr_id": vgr, "hsa_id": f"{HSA_PREFIX}{pid:012d}",
            "personnummer": make_personnummer(born, n // 18000 * 7 + 1, samordning=n % 97 == 13) if n % 50 != 49 else None,
            "passnummer": f"AB{pid:07d}" if n % 50 == 49 else None,
            "first_name": first, "last_name": last, "first_name_lc": first.lower(), "last_name_lc": last.lower(),
            "email": f"{vgr}@demo.beh.example", "titel": rng.choice(TITLES), "ansvarsnummer": f"W{10000 + n % 90000}",
        })
        unit = units[n % len(units)] if n >= len(DEMO_ROLES) else units[0]
        inactive = vgr == "andlu1" or (n >= len(DEMO_ROLES) and n % 20 == 7)
        engagements.append({
            "person_id": pid, "enhet_id": unit.id, "kind": "anstalld" if n % 10 else "konsult",
            "start_date": today - timedelta(days=400 + n % 3000),
            "end_date": today - timedelta(days=30) if inactive else (None if n % 3 else today + timedelta(days=700)),
            "is_primary": True, "kostnadsstalle": f"{60000 + n % 900}",
        })
        engagements += _coming_engagements(n, pid, units, engagements[-1], today)
    for start in range(0, len(people), batch):
        session.execute(insert(Person), people[start:start + batch])
    for start in range(0, len(engagements), batch):
        session.execute(insert(Engagement), engagements[start:start + batch])
    return [p["id"] for p in people]


def _coming_engagements(n: int, pid: int, units, current: dict, today: date) -> list[dict]:
    """Engagements that have not started yet, so orders for a nyanställd can be tried.

    Every 500th person from the 28th is a nyanställd (the one engagement starts in two weeks); the next
    one also has a coming engagement at SU-O1-E1 (Område Medicin, where the demo beställare orders too),
    so the förvaltning of an order (Verksamhetskontext) can be chosen.
    """
    if n % 500 == 28:
        current.update(start_date=today + timedelta(days=14), end_date=None)
        return []
    if n % 500 == 29:
        later = next(u for u in units if u.code == "SU-O1-E1")
        return [{"person_id": pid, "enhet_id": later.id, "kind": "anstalld", "start_date": today + timedelta(days=30),
                 "end_date": today + timedelta(days=395), "is_primary": False, "kostnadsstalle": f"{61000 + n % 900}"}]
    return []


def _unit_delegations(rt) -> list[DemoUnitDelegation]:
    """The U delegations plugins give demo identities (``DemoSamples.unit_delegations``)."""
    wanted: list[DemoUnitDelegation] = []
    for _, samples in (rt.plugins.broadcast("beh_demo_samples") if rt is not None else ()):
        wanted += list(samples.unit_delegations) if samples is not None else []
    return wanted


def _add_unit_delegations(session, wanted: list[DemoUnitDelegation], today: date) -> int:
    """Insert the plugins' U delegations of demo identities (or of the unit's verksamhetschef, delegated to
    themself), delegated by the unit's verksamhetschef; one the person already has for the unit is skipped."""
    if not wanted:
        return 0
    people = dict(session.execute(select(Person.vgr_id, Person.id).where(
        Person.vgr_id.in_({w.vgr_id for w in wanted if w.vgr_id}))).all())
    units = {u.code: u for u in session.scalars(select(Enhet).where(Enhet.code.in_({w.unit_code for w in wanted})))}
    session.flush()
    held = set(session.execute(select(Delegation.person_id, Delegation.enhet_id).where(
        Delegation.scope == SCOPE_UNIT, Delegation.enhet_id.in_([u.id for u in units.values()]))).all())
    added = 0
    for w in wanted:
        unit = units.get(w.unit_code)
        person_id = people.get(w.vgr_id) if w.vgr_id else (unit.chef_id if unit else None)
        if unit is None or person_id is None or not (w.bestallare or w.attestant) or (person_id, unit.id) in held:
            continue
        held.add((person_id, unit.id))
        session.add(Delegation(person_id=person_id, scope=SCOPE_UNIT, forvaltning_id=unit.omrade.forvaltning_id,
                               omrade_id=unit.omrade_id, enhet_id=unit.id, is_bestallare=w.bestallare,
                               is_attestant=w.attestant, valid_from=today - timedelta(days=30),
                               valid_to=today + timedelta(days=300), delegated_by_id=unit.chef_id))
        added += 1
    session.flush()
    return added


def _add_kostnadsstallen(session, wanted: list[DemoKostnadsstalle]) -> int:
    """The kostnadsställen plugins' examples need (a preset's cost centre), with a demo identity answering for it."""
    added = 0
    for k in wanted:
        if session.scalar(select(Kostnadsstalle.id).where(Kostnadsstalle.code == k.code)) is not None:
            continue
        ansvarig = session.scalar(select(Person.id).where(Person.vgr_id == k.ansvarig))
        forvaltning = session.scalar(select(Forvaltning.id).where(Forvaltning.code == k.forvaltning_code)) \
            if k.forvaltning_code else None
        session.add(Kostnadsstalle(code=k.code, name=k.name, forvaltning_id=forvaltning, ansvarig_id=ansvarig,
                                   active=True))
        added += 1
    session.flush()
    return added


def _assign_chefs(session, rng, units, person_ids) -> None:
    pool = person_ids[len(DEMO_ROLES):]
    for index, unit in enumerate(units):
        unit.chef_id = person_ids[3] if index in (0, 3) else pool[(index * 37) % len(pool)]
    session.flush()


def _build_kostnadsstallen(session, units) -> int:
    """One kostnadsställe per code the engagements use; the chef of the first unit using it answers for it."""
    by_id = {u.id: u for u in units}
    rows = [{"code": code, "name": f"Kostnadsställe {code} {by_id[unit_id].name}",
             "forvaltning_id": by_id[unit_id].omrade.forvaltning_id, "ansvarig_id": by_id[unit_id].chef_id,
             "active": True}
            for code, unit_id in session.execute(select(Engagement.kostnadsstalle, func.min(Engagement.enhet_id))
                                                 .group_by(Engagement.kostnadsstalle).order_by(Engagement.kostnadsstalle))
            if code]
    if rows:
        session.execute(insert(Kostnadsstalle), rows)
    return len(rows)


def _span(today, rng):
    return today - timedelta(days=rng.randint(10, 300)), today + timedelta(days=rng.randint(60, 400))


def _build_delegations(session, rng, units, person_ids, today, batch) -> int:
    by_omrade: dict[int, Enhet] = {}
    for unit in units:
        by_omrade.setdefault(unit.omrade_id, unit)
    omraden = {u.omrade_id: u.omrade.forvaltning_id for u in units}
    demo = dict(zip([r[1] for r in DEMO_ROLES], person_ids))
    nh_norr, su_med = units[0].omrade_id, next(u.omrade_id for u in units if u.omrade.forvaltning.code == "SU")
    rows = []

    def lr(person, omrade, best, att, by=None, frm=None, to=None):
        rows.append({"person_id": person, "scope": SCOPE_AREA, "forvaltning_id": omraden[omrade], "omrade_id": omrade,
                     "enhet_id": None, "is_bestallare": best, "is_attestant": att,
                     "valid_from": frm or today - timedelta(days=60), "valid_to": to or today + timedelta(days=300),
                     "delegated_by_id": by or demo["marho1"]})

    for omrade in (nh_norr, su_med):
        lr(demo["sarbe1"], omrade, True, False)
        lr(demo["johek1"], omrade, False, True)
        lr(demo["perwi1"], omrade, False, True)
    lr(demo["marho1"], nh_norr, True, True)
    lr(demo["eriny1"], nh_norr, False, True, frm=today - timedelta(days=400), to=today - timedelta(days=10))
    pool = person_ids[len(DEMO_ROLES):]
    target = max(len(person_ids) // 5, 2 * len(omraden))
    omrade_list = sorted(omraden)
    for n in range(target - len(rows)):
        person = pool[(n * 7907) % len(pool)]
        if n % 4 == 3:  # a U delegation for a vårdenhet
            unit = units[n % len(units)]
            frm, to = _span(today, rng)
            rows.append({"person_id": person, "scope": SCOPE_UNIT, "forvaltning_id": omraden[unit.omrade_id],
                         "omrade_id": unit.omrade_id, "enhet_id": unit.id, "is_bestallare": True,
                         "is_attestant": n % 2 == 0, "valid_from": frm, "valid_to": to, "delegated_by_id": unit.chef_id})
        else:
            frm, to = _span(today, rng)
            if n % 10 == 0:
                to = today - timedelta(days=5)  # an expired one, to see Inaktiv
            lr(person, omrade_list[n % len(omrade_list)], n % 2 == 0, n % 2 == 1, frm=frm, to=to)
    for start in range(0, len(rows), batch):
        session.execute(insert(Delegation), rows[start:start + batch])
    return len(rows)


def _held_row(sample: DemoSample, person_id: int, forv: dict[str, int], valid_from: date,
              units: dict[str, int] | None = None) -> dict:
    forvaltning_id = forv.get(sample.forvaltning_code) if sample.forvaltning_code else None
    unit_id = (units or {}).get(sample.unit_code) if sample.unit_code else None
    return {"person_id": person_id, "item_key": sample.item_key, "forvaltning_id": forvaltning_id,
            "scope_key": sample.scope_key or (str(unit_id) if unit_id else "")
            or (str(forvaltning_id) if forvaltning_id else ""),
            "details": dict(sample.values), "shown": [], "valid_from": valid_from, "valid_to": None}


def _build_held(session, rng, person_ids, today, batch, samples, end_user_samples) -> int:
    forv = {f.code: f.id for f in session.scalars(select(Forvaltning))}
    units = dict(session.execute(select(Enhet.code, Enhet.id)).all())
    rows = []
    eriny1 = person_ids[4]
    for sample in end_user_samples:
        rows.append(_held_row(sample, eriny1, forv, today - timedelta(days=200), units))
    if samples:
        for n, pid in enumerate(person_ids[len(DEMO_ROLES):]):
            if n % 3:
                continue
            rows.append(_held_row(samples[n % len(samples)], pid, forv, today - timedelta(days=100 + n % 900), units))
    for start in range(0, len(rows), batch):
        session.execute(insert(HeldPermission), rows[start:start + batch])
    return len(rows)


STATUS_MIX = ["vantar_pa_attest", "attesterad", "avslutad", "avslutad", "avslutad", "avslagen", "under_utforande"]
STEP_STATUS = {"vantar_pa_attest": "vantar", "avslagen": "avslagen"}


def _build_orders(session, rng, count, units, person_ids, today, batch, samples, rt) -> int:
    if count <= 0 or not samples:
        return 0
    demo = dict(zip([r[1] for r in DEMO_ROLES], person_ids))
    attestable = [u for u in units if u.omrade_id in (units[0].omrade_id,)]
    first_id = (session.scalar(select(func.max(Order.id))) or 0) + 1
    line_id = (session.scalar(select(func.max(OrderLine.id))) or 0) + 1
    now = datetime.now(timezone.utc)
    orders, lines, steps = [], [], []
    for n in range(count):
        oid = first_id + n
        unit = attestable[n % len(attestable)] if n % 4 == 0 else units[n % len(units)]
        created = now - timedelta(minutes=(count - n) * 7)
        orderer = demo["sarbe1"] if n % 4 == 0 else person_ids[len(DEMO_ROLES) + (n * 31) % (len(person_ids) - len(DEMO_ROLES))]
        end_user = person_ids[len(DEMO_ROLES) + (n * 17) % (len(person_ids) - len(DEMO_ROLES))]
        status = STATUS_MIX[n % len(STATUS_MIX)]
        sample = samples[n % len(samples)]
        item = rt.registry.get(sample.item_key)
        orders.append({
            "id": oid, "number": f"c{ORDER_NUMBER_OFFSET + oid}", "catalogue": item.catalogue,
            "kind": "nyupplagg" if n % 5 else "avslut", "status": status, "orderer_id": orderer, "end_user_id": end_user,
            "attestant_id": demo["johek1"] if n % 4 == 0 else person_ids[len(DEMO_ROLES) + (n * 13) % 50],
            "forvaltning_id": unit.omrade.forvaltning_id, "omrade_id": unit.omrade_id, "enhet_id": unit.id,
            "start_date": created.date(), "akut": False, "created_at": created, "fields": {}, "fields_shown": [],
            "decided_at": None if status == "vantar_pa_attest" else created + timedelta(hours=3),
            "decision_comment": "Behörigheten behövs inte i tjänsten." if status == "avslagen" else None,
        })
        lines.append({"id": line_id + n, "order_id": oid, "position": 0, "item_key": item.key, "item_name": item.name,
                      "scope": item.page, "scope_key": sample.scope_key, "values": dict(sample.values), "shown": [],
                      "removed": False, "status": ""})
        first = rt.registry.catalogue(item.catalogue).attest_steps[0]
        steps.append({"order_id": oid, "position": 0, "key": first.key, "label": first.label, "rule": first.rule,
                      "attestant_id": orders[-1]["attestant_id"], "status": STEP_STATUS.get(status, "godkand"),
                      "decided_at": orders[-1]["decided_at"]})
        if len(orders) >= batch:
            _insert_orders(session, orders, lines, steps)
            orders, lines, steps = [], [], []
    if orders:
        _insert_orders(session, orders, lines, steps)
    return count


def _insert_orders(session, orders, lines, steps) -> None:
    session.execute(insert(Order), orders)
    session.execute(insert(OrderLine), lines)
    session.execute(insert(OrderAttestStep), steps)
