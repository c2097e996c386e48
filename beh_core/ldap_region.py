"""A fictional region as KiV LDAP entries (LDIF), for the tests, the benchmark and the demo slapd.

Units follow the demo region (four förvaltningar, their områden, three units in
each); persons get one engagement each, some ended; every unit has a chef and
every kostnadsställe a person who answers for it. Entries are written one at a
time, so 100,000 persons never sit in memory. Every name is made up; the
personnummer are valid but fictional.
"""
from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterator, TextIO

from .demo import FIRST, FORVALTNINGAR, LAST, PLACES, TITLES
from .identifiers import make_personnummer
from .ldap_server import KOSTNADSSTALLE_BASE, PERSON_BASE, UNIT_BASE

HSA_PERSON = "SE2321000131-P"
HSA_UNIT = "SE2321000131-E"
KOSTNADSSTALLEN = 900
LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ASCII = str.maketrans("åäöÅÄÖ", "aaoAAO")


@dataclass(frozen=True)
class Unit:
    """One unit of the generated tree: level 1 förvaltning, 2 område, 3 verksamhet/vårdenhet."""

    dn: str
    code: str
    name: str
    level: int
    hsa_id: str | None = None
    vardenhet: bool = True
    private_provider: bool = False


@functools.lru_cache(maxsize=1)
def units() -> tuple[Unit, ...]:
    """The unit tree: the demo region's förvaltningar and områden, three units in each område."""
    tree: list[Unit] = []
    place = 0
    for code, name, omraden, word in FORVALTNINGAR:
        f_dn = f"ou={name},{UNIT_BASE}"
        tree.append(Unit(f_dn, code, name, 1))
        for o_index, o_name in enumerate(omraden):
            o_code = f"{code}-O{o_index + 1}"
            o_dn = f"ou={o_name},{f_dn}"
            tree.append(Unit(o_dn, o_code, o_name, 2))
            for u in range(3):
                unit_name = f"{name} {PLACES[place % len(PLACES)]} {word}" if code in ("NH", "RH") \
                    else f"{o_name.split()[-1]} {PLACES[place % len(PLACES)]} {word}"
                place += 1
                number = sum(1 for t in tree if t.level == 3) + 1
                tree.append(Unit(f"ou={unit_name},{o_dn}", f"{o_code}-E{u + 1}", unit_name, 3,
                                 hsa_id=f"{HSA_UNIT}{number:012d}", vardenhet=code != "KSD",
                                 private_provider=code == "NH" and u == 2))
    return tuple(tree)


@functools.lru_cache(maxsize=1)
def leaf_units() -> tuple[Unit, ...]:
    """The verksamheter/vårdenheter (level 3), where engagements are."""
    return tuple(u for u in units() if u.level == 3)


def vgr_id(n: int) -> str:
    """The VGR-ID of generated person n: three letters of the first name and four of n in base 26."""
    first = FIRST[n % len(FIRST)].lower().translate(_ASCII)[:3]
    tail = ""
    for _ in range(4):
        n, rest = divmod(n, 26)
        tail = LETTERS[rest] + tail
    return first + tail


def hsa_id(n: int) -> str:
    """The HSA-ID of generated person n."""
    return f"{HSA_PERSON}{n + 1:012d}"


def person_dn(n: int) -> str:
    """The DN of generated person n."""
    return f"uid={vgr_id(n)},{PERSON_BASE}"


def chef_index(unit_number: int, persons: int) -> int:
    """Which person heads leaf unit number ``unit_number``."""
    return (unit_number * 37 + 11) % persons


def ansvarig_index(ks_number: int, persons: int) -> int:
    """Which person answers for kostnadsställe number ``ks_number``."""
    return (ks_number * 53 + 5) % persons


def engagement_value(unit_code: str, kind: str, start: date, end: date | None, primary: bool, ks: str | None) -> str:
    """An engagement as the kivEngagement value: unit $ kind $ start $ end $ primary $ kostnadsställe."""
    return "$".join([unit_code, kind, start.isoformat(), end.isoformat() if end else "",
                     "TRUE" if primary else "FALSE", ks or ""])


def person_attributes(n: int, today: date) -> dict[str, list[str]]:
    """The LDAP attributes of generated person n."""
    leaves = leaf_units()
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    born = date(1950, 1, 1) + timedelta(days=(n * 7919) % 18000)
    unit = leaves[n % len(leaves)]
    ended = n % 20 == 7
    engagement = engagement_value(unit.code, "anstalld" if n % 10 else "konsult", today - timedelta(days=400 + n % 3000),
                                  today - timedelta(days=30) if ended else None, True, str(60000 + n % KOSTNADSSTALLEN))
    attributes = {
        "objectClass": ["inetOrgPerson", "kivPerson"], "uid": [vgr_id(n)], "cn": [f"{first} {last}"],
        "givenName": [first], "sn": [last], "mail": [f"{vgr_id(n)}@kiv.example"], "title": [TITLES[n % len(TITLES)]],
        "hsaIdentity": [hsa_id(n)], "kivAnsvarsnummer": [f"W{10000 + n % 90000}"], "kivEngagement": [engagement],
    }
    if n % 50 == 49:
        attributes["kivPassportNumber"] = [f"AB{n:07d}"]
    else:
        attributes["personalIdentityNumber"] = [make_personnummer(born, n // 18000 * 7 + 1, samordning=n % 97 == 13)]
    return attributes


def _ldif_value(name: str, value: str) -> str:
    if value.isascii() and value and value[0] not in " :<" and value[-1] != " " and "\n" not in value:
        return f"{name}: {value}\n"
    return f"{name}:: {base64.b64encode(value.encode('utf-8')).decode()}\n"


def ldif_entry(dn: str, attributes: dict[str, list[str]]) -> str:
    """One entry in LDIF."""
    return _ldif_value("dn", dn) + "".join(_ldif_value(k, v) for k, values in attributes.items() for v in values) + "\n"


def entries(persons: int, today: date | None = None) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """Every unit, kostnadsställe and person of a region of ``persons`` persons, one (dn, attributes) at a time."""
    today = today or date.today()
    forvaltning_of: dict[str, str] = {}
    leaf_number = 0
    for unit in units():
        attributes = {"objectClass": ["organizationalUnit", "kivUnit"], "ou": [unit.name], "kivUnitCode": [unit.code]}
        if unit.level == 3:
            attributes.update({"hsaIdentity": [unit.hsa_id], "kivVardenhet": ["TRUE" if unit.vardenhet else "FALSE"],
                               "kivPrivateProvider": ["TRUE" if unit.private_provider else "FALSE"],
                               "kivChef": [hsa_id(chef_index(leaf_number, persons))]})
            leaf_number += 1
        forvaltning_of.setdefault(unit.code.split("-")[0], unit.code.split("-")[0])
        yield unit.dn, attributes
    codes = list(forvaltning_of)
    for k in range(KOSTNADSSTALLEN):
        code = str(60000 + k)
        yield f"kivKostnadsstalleCode={code},{KOSTNADSSTALLE_BASE}", {
            "objectClass": ["kivKostnadsstalle"], "kivKostnadsstalleCode": [code],
            "description": [f"Kostnadsställe {code}"], "kivForvaltningCode": [codes[k % len(codes)]],
            "kivAnsvarig": [hsa_id(ansvarig_index(k, persons))]}
    for n in range(persons):
        yield person_dn(n), person_attributes(n, today)


def write_ldif(out: TextIO, persons: int, base_ldif: str = "", today: date | None = None) -> None:
    """Write the base entries and a whole generated region as LDIF (for ``slapadd``).

    Each entry gets its own modifyTimestamp, one second apart from 2026-01-01, as if
    KiV had been filled over time; so a later change is the only entry newer than
    the last one read (slapadd keeps operational attributes it is given).
    """
    write_entries(out, entries(persons, today), base_ldif)


def write_entries(out: TextIO, region: Iterator[tuple[str, dict[str, list[str]]]], base_ldif: str = "") -> None:
    """Write entries as LDIF for slapadd, each stamped one second after the one before (from 2026-01-01)."""
    out.write(base_ldif)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for number, (dn, attributes) in enumerate(region):
        stamp = (start + timedelta(seconds=number)).strftime("%Y%m%d%H%M%SZ")
        out.write(ldif_entry(dn, {**attributes, "createTimestamp": [stamp], "modifyTimestamp": [stamp]}))


# --- The portal's own directory as KiV entries (the demo's slapd) -------------------------

def _rdn(name: str, value: str) -> str:
    import ldap.dn

    return f"{name}={ldap.dn.escape_dn_chars(value)}"


def database_entries(session) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """The directory tables as KiV LDAP entries: units, kostnadsställen and persons with their engagements.

    The demo serves its own region this way, so a sync against the demo slapd finds the portal up to date.
    """
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from .models import Enhet, Forvaltning, Kostnadsstalle, Omrade, Person

    hsa_of = {pid: hsa for pid, hsa in session.execute(select(Person.id, Person.hsa_id))}
    for forvaltning in session.scalars(select(Forvaltning).order_by(Forvaltning.code)):
        f_dn = f"{_rdn('ou', forvaltning.name)},{UNIT_BASE}"
        yield f_dn, {"objectClass": ["organizationalUnit", "kivUnit"], "ou": [forvaltning.name],
                     "kivUnitCode": [forvaltning.code]}
        for omrade in session.scalars(select(Omrade).where(Omrade.forvaltning_id == forvaltning.id).order_by(Omrade.code)):
            o_dn = f"{_rdn('ou', omrade.name)},{f_dn}"
            yield o_dn, {"objectClass": ["organizationalUnit", "kivUnit"], "ou": [omrade.name],
                         "kivUnitCode": [omrade.code]}
            for unit in session.scalars(select(Enhet).where(Enhet.omrade_id == omrade.id).order_by(Enhet.code)):
                attributes = {"objectClass": ["organizationalUnit", "kivUnit"], "ou": [unit.name],
                              "kivUnitCode": [unit.code], "kivVardenhet": ["TRUE" if unit.is_vardenhet else "FALSE"],
                              "kivPrivateProvider": ["TRUE" if unit.private_provider else "FALSE"]}
                if unit.hsa_id:
                    attributes["hsaIdentity"] = [unit.hsa_id]
                if unit.chef_id and hsa_of.get(unit.chef_id):
                    attributes["kivChef"] = [hsa_of[unit.chef_id]]
                yield f"{_rdn('ou', unit.name)},{o_dn}", attributes
    codes = {fid: code for fid, code in session.execute(select(Forvaltning.id, Forvaltning.code))}
    for ks in session.scalars(select(Kostnadsstalle).where(Kostnadsstalle.active.is_(True)).order_by(Kostnadsstalle.code)):
        attributes = {"objectClass": ["kivKostnadsstalle"], "kivKostnadsstalleCode": [ks.code], "description": [ks.name]}
        if ks.forvaltning_id:
            attributes["kivForvaltningCode"] = [codes[ks.forvaltning_id]]
        if ks.ansvarig_id and hsa_of.get(ks.ansvarig_id):
            attributes["kivAnsvarig"] = [hsa_of[ks.ansvarig_id]]
        yield f"{_rdn('kivKostnadsstalleCode', ks.code)},{KOSTNADSSTALLE_BASE}", attributes
    units = {uid: code for uid, code in session.execute(select(Enhet.id, Enhet.code))}
    last = 0
    while True:  # in chunks, like the sync: a region of any size
        people = list(session.scalars(select(Person).where(Person.id > last, Person.active.is_(True))
                                      .options(selectinload(Person.engagements)).order_by(Person.id).limit(2000)))
        if not people:
            return
        last = people[-1].id
        for p in people:
            attributes = {"objectClass": ["inetOrgPerson", "kivPerson"], "uid": [p.vgr_id], "cn": [p.full_name],
                          "givenName": [p.first_name], "sn": [p.last_name]}
            for name, value in (("hsaIdentity", p.hsa_id), ("personalIdentityNumber", p.personnummer),
                                ("kivPassportNumber", p.passnummer), ("mail", p.email), ("title", p.titel),
                                ("kivAnsvarsnummer", p.ansvarsnummer)):
                if value:
                    attributes[name] = [value]
            values = [engagement_value(units[e.enhet_id], e.kind, e.start_date, e.end_date, e.is_primary,
                                       e.kostnadsstalle) for e in p.engagements]
            if values:
                attributes["kivEngagement"] = values
            yield f"{_rdn('uid', p.vgr_id)},{PERSON_BASE}", attributes
        session.expunge_all()
