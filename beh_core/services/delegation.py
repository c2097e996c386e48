"""Delegeringar (manual 002): Ny delegering, Visa/hantera (Förläng, Ta bort), Sök befintlig, påminnelser.

Operations take the session and the acting chef, ask ``authz`` where the chef may
delegate, validate, write one transaction with one audit event per changed
delegation, and raise ValidationFailed / Forbidden / NotFound. The rules are
explained in docs/authorization.md.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Date, Integer, String, and_, bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, joinedload

from ..messages import N_, join, label
from .. import audit, authz
from ..authz import Actor, Forbidden
from ..labels import _N
from ..models import SCOPE_AREA, SCOPE_LABELS, SCOPE_UNIT, Delegation, Enhet, Forvaltning, Omrade, Person, utcnow
from .errors import NotFound, ValidationFailed, lost_race
from .list_rows import delegation_rows
from .ordering import parse_date
from .paging import Page, paginate_ids


EXTEND_MONTHS = (3, 6, 12)
MAX_PERIOD_MONTHS = 24  # a new delegation runs at most two years
MAX_START_MONTHS = 12  # Gäller från at most a year ahead
PAGE_SIZE = 25
STATUSES = {"alla": _N("Alla"), "aktiv": _N("Aktiv"), "inaktiv": _N("Inaktiv")}
if TYPE_CHECKING:
    from ..runtime import Runtime

OUTSIDE_UNITS = N_("Du kan bara delegera inom de enheter där du är verksamhetschef.")
RACE = (N_("En annan delegering för samma person och omfattning sparades samtidigt. "
        "Se Visa/hantera delegeringar och försök igen."))


def add_months(day: date, months: int) -> date:
    """The same day N calendar months later; the day is clamped (31 jan + 1 månad = 28/29 feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _active_clause(today: date):
    return and_(Delegation.valid_from <= today, Delegation.valid_to >= today)


# --- What the chef may choose ---------------------------------------------------

def delegable_units(session: Session, actor: Actor) -> list[Enhet]:
    """Vårdenheter the actor heads: the choices for U."""
    if not actor.chef_enhet_ids:
        return []
    return list(session.scalars(select(Enhet).where(Enhet.id.in_(sorted(actor.chef_enhet_ids)),
                                                    Enhet.is_vardenhet.is_(True)).order_by(Enhet.name)))


def delegable_scopes(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(key "förvaltning:område", "Förvaltning – Område") where the actor heads a unit: the choices for L/R.

    The names come with the actor's rights (``Actor.chef_scope_names``); an Actor made without them
    (a test, a script) has them read here.
    """
    if not actor.chef_scopes:
        return []
    names = actor.chef_scope_names
    if set(names) != set(actor.chef_scopes):
        names = {(f_id, o_id): (f_name, o_name) for f_id, f_name, o_id, o_name in session.execute(
            select(Forvaltning.id, Forvaltning.name, Omrade.id, Omrade.name)
            .join(Omrade, Omrade.forvaltning_id == Forvaltning.id)
            .where(Omrade.id.in_(sorted(o for _, o in actor.chef_scopes))))
            if (f_id, o_id) in actor.chef_scopes}
    ordered = sorted(names.items(), key=lambda item: item[1])  # by förvaltning, then område
    return [(f"{f_id}:{o_id}", f"{f_name} – {o_name}") for (f_id, o_id), (f_name, o_name) in ordered]


def db_id(text: str | None) -> int | None:
    """An id typed or posted as text ("12"), or None when it is no id a table can hold."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > 2**31 - 1:
        return None
    return int(text)


def parse_scope_key(key: str | None) -> tuple[int, int] | None:
    """"12:34" -> (förvaltning id 12, område id 34), or None."""
    left, _, right = (key or "").partition(":")
    pair = db_id(left), db_id(right)
    return pair if None not in pair else None


def find_candidates(session: Session, actor: Actor, *, first_name: str = "", last_name: str = "",
                    vgr_id: str = "", forvaltning_id: int | None = None, limit: int = 50) -> list[Person]:
    """Sök person(er) by Förnamn, Efternamn, VGR-ID (prefixes) and Organisation (None = alla förvaltningar)."""
    from .directory import search_persons

    authz.require(authz.may_delegate(actor), N_("Endast verksamhetschefer kan delegera."))
    if not (first_name.strip() or last_name.strip() or vgr_id.strip()):
        raise ValidationFailed({"search": N_("Ange förnamn, efternamn eller VGR-ID.")})
    return search_persons(session, first_name=first_name, last_name=last_name, vgr_id=vgr_id,
                          forvaltning_id=forvaltning_id, limit=limit)


# --- Ny delegering ----------------------------------------------------------------

@dataclass
class DelegationInput:
    """The Ny delegering form: who, U (enhet) or L/R (förvaltning:område), roles and period, as typed."""

    person_ids: list[int] = field(default_factory=list)
    scope: str = ""
    enhet_id: int | None = None
    scope_key: str = ""
    bestallare: bool = False
    attestant: bool = False
    valid_from: str = ""
    valid_to: str = ""


def _where(session: Session, actor: Actor, data: DelegationInput, errors: dict[str, str]):
    """(förvaltning id, område id, enhet id or None) of the chosen scope, checked against the chef's units."""
    if data.scope == SCOPE_UNIT:
        enhet = session.get(Enhet, data.enhet_id) if data.enhet_id else None
        if enhet is None:
            errors["enhet_id"] = N_("Välj vilken vårdenhet delegeringen ska gälla för.")
            return None
        authz.require(authz.may_delegate_u(actor, enhet.id), join((OUTSIDE_UNITS, N_("%(unit)s är inte din enhet.",
                                                                                    unit=enhet.name))))
        if not enhet.is_vardenhet:
            errors["enhet_id"] = N_("%(unit)s är ingen vårdenhet. U kan bara gälla en vårdenhet.", unit=enhet.name)
            return None
        return enhet.omrade.forvaltning_id, enhet.omrade_id, enhet.id
    if data.scope == SCOPE_AREA:
        pair = parse_scope_key(data.scope_key)
        if pair is None:
            errors["scope_key"] = N_("Välj förvaltning och område som delegeringen ska gälla för.")
            return None
        authz.require(authz.may_delegate_lr(actor, *pair),
                      join((OUTSIDE_UNITS, N_("Du kan inte delegera L/R i detta område."))))
        return pair[0], pair[1], None
    errors["scope"] = N_("Välj U (uppdrag) eller L/R (lokala och regionala system).")
    return None


def _period(data: DelegationInput, today: date, errors: dict[str, str]) -> tuple[date, date] | None:
    start, end = parse_date(data.valid_from), parse_date(data.valid_to)
    for key, text, value, name in (("valid_from", data.valid_from, start, label("Gäller från")),
                                   ("valid_to", data.valid_to, end, label("Gäller till"))):
        if not (text or "").strip():
            errors[key] = N_("Ange %(label)s.", label=name)
        elif value is None:
            errors[key] = N_("Ange %(label)s enligt formatet ÅÅÅÅ-MM-DD.", label=name)
    if start and start < today:
        errors["valid_from"] = N_("Gäller från kan inte vara tidigare än dagens datum.")
    elif start and start > add_months(today, MAX_START_MONTHS):
        errors["valid_from"] = N_("Gäller från kan ligga högst 12 månader fram i tiden.")
    if start and end and "valid_from" not in errors:
        if end < start:
            errors["valid_to"] = N_("Gäller till kan inte vara tidigare än Gäller från.")
        elif end > add_months(start, MAX_PERIOD_MONTHS):
            errors["valid_to"] = N_("En delegering kan gälla högst 2 år. Ange Gäller till senast %(date)s.",
                                    date=add_months(start, MAX_PERIOD_MONTHS).isoformat())
    return (start, end) if start and end and not {"valid_from", "valid_to"} & errors.keys() else None


def _overlaps(session: Session, persons: list[Person], scope: str, where, period,
              exclude_id: int | None = None) -> dict[str, str]:
    """A person may hold one delegation per scope at a time: refuse a second one for an overlapping period.

    The same rule is held by the database (migration 0008: an exclusion constraint on PostgreSQL,
    triggers on SQLite); this query gives the message that names the delegation in the way.
    """
    f_id, o_id, e_id = where
    stmt = select(Delegation).options(joinedload(Delegation.person)).where(
        Delegation.person_id.in_([p.id for p in persons]), Delegation.scope == scope,
        Delegation.forvaltning_id == f_id, Delegation.omrade_id == o_id,
        Delegation.valid_from <= Delegation.valid_to,  # ended before it began: gives nothing
        Delegation.valid_from <= period[1], Delegation.valid_to >= period[0],
    )
    if exclude_id is not None:
        stmt = stmt.where(Delegation.id != exclude_id)
    if scope == SCOPE_UNIT and e_id is not None:
        stmt = stmt.where(Delegation.enhet_id == e_id)
    clashes = list(session.scalars(stmt.order_by(Delegation.id)))
    if not clashes:
        return {}
    return {"persons": join(
        N_("%(name)s har redan en delegering här som gäller %(start)s – %(end)s. Förläng eller ta bort den under "
           "Visa/hantera delegeringar.", name=d.person.display, start=d.valid_from.isoformat(),
           end=d.valid_to.isoformat()) for d in clashes)}


def create_delegations(session: Session, actor: Actor, data: DelegationInput,
                       today: date | None = None) -> list[Delegation]:
    """Spara: one delegation per chosen person for one scope, in one transaction; nothing is saved on error.

    Raises Forbidden when the scope lies outside the units the chef heads.
    """
    today = today or actor.today
    authz.require(authz.may_delegate(actor), N_("Endast verksamhetschefer kan delegera."))
    errors: dict[str, str] = {}
    ids = sorted({int(i) for i in data.person_ids})
    persons = list(session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.last_name_lc))) \
        if ids else []
    if not persons or len(persons) != len(ids):
        errors["persons"] = N_("Lägg till minst en användare att delegera till.")
    where = _where(session, actor, data, errors)
    if not (data.bestallare or data.attestant):
        errors["roles"] = N_("Välj Beställare och/eller Attestant.")
    period = _period(data, today, errors)
    if not errors:
        errors.update(_overlaps(session, persons, data.scope, where, period))
    if errors:
        raise ValidationFailed(errors)
    made = []
    for person in persons:
        delegation = Delegation(person=person, scope=data.scope, forvaltning_id=where[0], omrade_id=where[1],
                                enhet_id=where[2], is_bestallare=data.bestallare, is_attestant=data.attestant,
                                valid_from=period[0], valid_to=period[1], delegated_by_id=actor.id)
        session.add(delegation)
        made.append(delegation)
    try:
        session.flush()
    except (IntegrityError, OperationalError) as error:
        # The database refused an overlap (exclusion constraint / trigger, or a deadlock between two
        # inserts checking it): another Spara was first.
        if not lost_race(error):
            raise
        session.rollback()
        raise ValidationFailed(_overlaps(session, persons, data.scope, where, period) or {"persons": RACE}) from None
    for d in made:
        audit.record(session, actor, "delegation.created", "delegation", d.id, person=d.person.vgr_id,
                     scope=d.scope, forvaltning_id=d.forvaltning_id, omrade_id=d.omrade_id, enhet_id=d.enhet_id,
                     bestallare=d.is_bestallare, attestant=d.is_attestant, valid_from=d.valid_from.isoformat(),
                     valid_to=d.valid_to.isoformat())
    session.commit()
    return made


# --- Visa/hantera delegeringar and Sök befintlig delegering ------------------------

def _page(session: Session, ids, page: int, size: int, *, keep: tuple | None = None,
          values: dict | None = None) -> Page:
    """One page of delegations: the ids first (sorted, narrow), then those rows with their people and units,
    as plain rows in the same statement (the page only shows them). ``ids`` builds the select of the ids;
    ``keep``/``values``: see ``paging.paginate_ids``."""
    return paginate_ids(session, Delegation, ids, page, size, delegation_rows, keep=keep, values=values)


def _status_clause(status: str, today):
    """Alla (None), Aktiv or Inaktiv on ``today`` (a date or a named parameter)."""
    if status == "aktiv":
        return _active_clause(today)
    if status == "inaktiv":
        return or_(Delegation.valid_from > today, Delegation.valid_to < today)
    return None


def list_delegations(session: Session, actor: Actor, *, scope: str, scope_key: str, status: str = "alla",
                     page: int = 1, size: int = PAGE_SIZE, today: date | None = None) -> Page:
    """Hantera delegeringar: U or L/R delegations of one förvaltning + område, Alla/Aktiv/Inaktiv, by Efternamn."""
    today = today or actor.today
    pair = parse_scope_key(scope_key)
    if pair is None or scope not in SCOPE_LABELS:
        raise ValidationFailed({"scope_key": N_("Välj förvaltning och område.")})
    authz.require(authz.may_delegate_lr(actor, *pair), N_("Du kan bara se delegeringar inom dina enheter."))
    shape, rule = authz.delegations_filter_in(actor, scope, *pair)
    status = status if status in ("aktiv", "inaktiv") else "alla"

    def ids():
        # By Efternamn from the delegations' own copies of the names (ix_delegations_scope_name): the page
        # is read in index order, not sorted from every delegation of the område joined to its person. Every
        # value is a named parameter: the statement is built once per shape and kept (paging.paginate_ids).
        stmt = (select(Delegation.id)
                .where(Delegation.scope == bindparam("scope", type_=String),
                       Delegation.forvaltning_id == bindparam("forvaltning_id", type_=Integer),
                       Delegation.omrade_id == bindparam("omrade_id", type_=Integer), rule)
                .order_by(Delegation.person_last_name_lc, Delegation.person_first_name_lc,
                          Delegation.valid_from.desc(), Delegation.id))
        clause = _status_clause(status, bindparam("today", type_=Date))
        return stmt if clause is None else stmt.where(clause)

    values = {"scope": scope, "forvaltning_id": pair[0], "omrade_id": pair[1], "today": today,
              **({"chef_enhet_ids": sorted(actor.chef_enhet_ids)} if shape == "units" else {})}
    return _page(session, ids, page, size, keep=("hantera", status, shape), values=values)


def search_delegations(session: Session, actor: Actor, vgr_id: str, page: int = 1,
                       size: int = PAGE_SIZE) -> tuple[Person, Page]:
    """Visa delegeringar by VGR-ID: active and inactive, within the actor's units, newest first."""
    authz.require(authz.may_delegate(actor), N_("Endast verksamhetschefer kan se delegeringar."))
    text = (vgr_id or "").strip().lower()
    if not text:
        raise ValidationFailed({"vgr_id": N_("Ange VGR-ID.")})
    person = session.scalar(select(Person).where(Person.vgr_id == text))
    if person is None:
        raise ValidationFailed({"vgr_id": N_("Ingen person med detta VGR-ID finns i KiV.")})
    stmt = (select(Delegation.id).where(Delegation.person_id == person.id, authz.delegations_filter(actor))
            .order_by(Delegation.valid_to.desc(), Delegation.id.desc()))
    return person, _page(session, lambda: stmt, page, size)


def _chosen(session: Session, actor: Actor, ids: list[int]) -> list[Delegation]:
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise ValidationFailed({"valda": N_("Markera en eller flera delegeringar.")})
    rows = list(session.scalars(select(Delegation).options(joinedload(Delegation.person))
                                .where(Delegation.id.in_(wanted)).order_by(Delegation.id)))
    if len(rows) != len(wanted):
        raise NotFound(N_("En markerad delegering finns inte."))
    for d in rows:
        if not authz.may_manage_delegation(actor, d):
            raise Forbidden(N_("Du kan bara hantera delegeringar inom de enheter där du är verksamhetschef."))
    return rows


def extend_delegations(session: Session, actor: Actor, ids: list[int], months: int | None,
                       today: date | None = None) -> list[Delegation]:
    """Förläng: new Gäller till = today + 3, 6 or 12 months, for every marked delegation or none."""
    today = today or actor.today
    if months not in EXTEND_MONTHS:
        raise ValidationFailed({"manader": N_("Välj slutdatum från dagens datum: 3, 6 eller 12 månader.")})
    rows = _chosen(session, actor, ids)
    new_end = add_months(today, months)
    problems = []
    for d in rows:
        if d.ended_at is not None or d.valid_to < today:
            problems.append(N_("Delegeringen för %(name)s har upphört och kan inte förlängas. Gör en ny delegering.",
                               name=d.person.display))
        elif d.valid_to > new_end:
            problems.append(N_("Delegeringen för %(name)s gäller redan till %(end)s, längre än %(new_end)s.",
                               name=d.person.display, end=d.valid_to.isoformat(), new_end=new_end.isoformat()))
        elif new_end < d.valid_from:
            problems.append(N_("Delegeringen för %(name)s börjar gälla först %(start)s.", name=d.person.display,
                               start=d.valid_from.isoformat()))
    if problems:
        raise ValidationFailed({"valda": join(problems)})
    for d in rows:
        clash = _overlaps(session, [d.person], d.scope, (d.forvaltning_id, d.omrade_id, d.enhet_id),
                          (d.valid_from, new_end), exclude_id=d.id)
        if clash:
            problems.append(N_("Delegeringen för %(name)s kan inte förlängas till %(new_end)s: %(reason)s",
                               name=d.person.display, new_end=new_end.isoformat(), reason=clash["persons"]))
    if problems:
        raise ValidationFailed({"valda": join(problems)})
    try:
        for d in rows:
            previous = d.valid_to
            _change_if_unchanged(session, d, valid_to=new_end, reminded_for=None)
            audit.record(session, actor, "delegation.extended", "delegation", d.id, person=d.person.vgr_id,
                         months=months, previous_valid_to=previous.isoformat(), valid_to=new_end.isoformat())
        session.commit()
    except (IntegrityError, OperationalError) as error:  # a delegation saved meanwhile would overlap the extended one
        if not lost_race(error):
            raise
        session.rollback()
        raise ValidationFailed({"valda": RACE}) from None
    return rows


def check_end(session: Session, actor: Actor, ids: list[int], today: date | None = None) -> list[Delegation]:
    """The marked delegations that Ta bort would end, checked as ``end_delegations`` checks them (for its confirmation)."""
    today = today or actor.today
    rows = _chosen(session, actor, ids)
    done = [d.person.display for d in rows if d.ended_at is not None or d.valid_to < today]
    if done:
        raise ValidationFailed({"valda": N_("Redan inaktiv: %(names)s. Avmarkera dem och försök igen.",
                                            names=", ".join(done))})
    return rows


def end_delegations(session: Session, actor: Actor, ids: list[int], today: date | None = None) -> list[Delegation]:
    """Ta bort: end the marked delegations now (Gäller till = yesterday); they give nothing from today."""
    today = today or actor.today
    rows = check_end(session, actor, ids, today)
    for d in rows:
        previous = d.valid_to
        _change_if_unchanged(session, d, valid_to=today - timedelta(days=1), ended_at=utcnow(), ended_by_id=actor.id)
        audit.record(session, actor, "delegation.ended", "delegation", d.id, person=d.person.vgr_id,
                     previous_valid_to=previous.isoformat(), valid_to=d.valid_to.isoformat())
    session.commit()
    return rows


def _change_if_unchanged(session: Session, d: Delegation, **values) -> None:
    """Set ``values`` on the delegation only if it is still as the chef saw it: not ended, the same Gäller till
    (compare-and-set). Förläng and Ta bort of one delegation at once, or two Förläng: one wins, and the
    other is told, with nothing of it saved; without this both were told "done" and the last write won."""
    seen = d.valid_to
    changed = session.execute(
        update(Delegation).where(Delegation.id == d.id, Delegation.ended_at.is_(None), Delegation.valid_to == seen)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        name = d.person.display
        session.rollback()
        raise ValidationFailed({"valda": N_("Delegeringen för %(name)s ändrades av någon annan samtidigt. "
                                            "Ladda om sidan och försök igen.", name=name)})
    session.refresh(d)


# --- Påminnelse före slutdatum (a background action) -------------------------------

def _reminder_recipients(session: Session, delegation: Delegation, actors: dict[int, Actor], today: date,
                         config: dict) -> list[Person]:
    """The granting chef while they may still manage the delegation; otherwise the chefs who now may."""
    def may(person: Person) -> bool:
        if person.id not in actors:
            actors[person.id] = authz.load_actor(session, person, today, config)
        return authz.may_manage_delegation(actors[person.id], delegation)

    if delegation.delegated_by is not None and may(delegation.delegated_by):
        return [delegation.delegated_by]
    units = select(Enhet.chef_id).where(Enhet.chef_id.is_not(None))
    units = units.where(Enhet.id == delegation.enhet_id) if delegation.scope == SCOPE_UNIT \
        else units.where(Enhet.omrade_id == delegation.omrade_id)
    chefs = session.scalars(select(Person).where(Person.id.in_(units)).order_by(Person.id))
    return [p for p in chefs if may(p)][:1]  # one chef is reminded, the first in id order


def send_end_reminders(session: Session, rt: "Runtime", *, today: date, days: int) -> int:
    """E-mail each chef once per delegation (and Gäller till) that ends within ``days`` days; returns mails queued.

    One mail per chef lists their delegations due, in one transaction with one audit event per
    delegation. Each delegation is claimed with a conditional UPDATE, so two runs at once never
    remind twice; an extension clears the mark, so the new end date is reminded again.
    """
    from .mail import enqueue_mail

    if days <= 0:
        return 0
    not_reminded = or_(Delegation.reminded_for.is_(None), Delegation.reminded_for != Delegation.valid_to)
    due = list(session.scalars(
        select(Delegation).options(joinedload(Delegation.person), joinedload(Delegation.delegated_by),
                                   joinedload(Delegation.forvaltning), joinedload(Delegation.omrade),
                                   joinedload(Delegation.enhet))
        .where(Delegation.valid_to >= today, Delegation.valid_to <= today + timedelta(days=days),
               Delegation.ended_at.is_(None), Delegation.valid_from <= Delegation.valid_to, not_reminded)
        .order_by(Delegation.valid_to, Delegation.id)
    ))
    actors: dict[int, Actor] = {}
    by_chef: dict[int, tuple[Person, list[Delegation]]] = {}
    for d in due:
        for chef in _reminder_recipients(session, d, actors, today, rt.config):
            by_chef.setdefault(chef.id, (chef, []))[1].append(d)
    sent = 0
    for chef, rows in by_chef.values():
        claimed = [d for d in rows if _claim(session, d)]
        if not claimed:
            session.rollback()  # another run reminded them all: nothing changed
            continue
        enqueue_mail(session, rt, to=chef, subject="Delegeringar upphör snart", template="delegation/mail_reminder.txt",
                     context={"chef": chef.full_name, "delegations": [_mail_row(d) for d in claimed]},
                     link_path="/delegeringar/hantera")
        for d in claimed:  # one mail, and one audit event per delegation marked reminded
            audit.record(session, None, "delegation.reminder_sent", "delegation", d.id, to=chef.vgr_id,
                         valid_to=d.valid_to.isoformat())
        session.commit()
        sent += 1
    for d in due:
        # Nobody may manage it any more: mark it so it is not looked at again, and say so in the log.
        if _claim(session, d):
            audit.record(session, None, "delegation.reminder_skipped", "delegation", d.id, person=d.person.vgr_id,
                         valid_to=d.valid_to.isoformat(), reason=N_("Ingen verksamhetschef kan hantera delegeringen."))
            session.commit()
        else:
            session.rollback()
    return sent


def _claim(session: Session, d: Delegation) -> bool:
    """Mark the delegation reminded for its Gäller till; False when another run (or recipient) did already."""
    result = session.execute(
        update(Delegation).where(Delegation.id == d.id, Delegation.valid_to == d.valid_to,
                                 or_(Delegation.reminded_for.is_(None), Delegation.reminded_for != d.valid_to))
        .values(reminded_for=d.valid_to).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _mail_row(d: Delegation) -> dict:
    where = d.enhet.name if d.enhet else f"{d.forvaltning.name} – {d.omrade.name if d.omrade else ''}"
    roles = " och ".join(r for r, on in (("Beställare", d.is_bestallare), ("Attestant", d.is_attestant)) if on)
    return {"person": d.person.display, "scope": SCOPE_LABELS[d.scope], "where": where, "roles": roles,
            "valid_to": d.valid_to.isoformat()}
