"""Att avsluta: what a person still holds after an engagement ended (docs/directory-sync.md).

A held permission is *tied* to an ended engagement at unit E (förvaltning F) when
it is still held (no end date passed, not ended by run-due, no Avslut order under
way for it) and either
- the person has no engagement left that is open today or starts later: a leaver
  of the region, everything they hold is tied; or
- it is a local permission of F or was granted by an order placed at E, and no
  continuing engagement still needs it (none in F for a local permission, none at
  the ordering unit for an ordered one).

The list shows an ended engagement to the verksamhetschef of its unit and to
beställare with an active delegation covering the unit (L/R for its område, U
for the unit); everybody else is refused (authz.may_see_leaver). One engagement's
page and its Beställ avslut exist only for an ended engagement, as in the list
(authz.is_leaver); any other id is not found. run-due mails the responsible
people once per engagement. Starting the Avslut order from the list is wired by
the order wizard with ``held_permission_ids_to_end``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Date, Integer, and_, bindparam, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload

from ..messages import N_
from .. import audit, authz
from ..authz import Actor
from ..models import (
    SCOPE_AREA, SCOPE_UNIT, Delegation, Engagement, Enhet, HeldPermission, LeaverReminder, Omrade, Order, OrderKind,
    OrderLine, OrderStatus, PermissionEnding, Person,
)
from .errors import NotFound
from .list_rows import PersonName
from .paging import Page, page_offset

if TYPE_CHECKING:
    from ..runtime import Runtime

PAGE_SIZE = 25
CLOSED = (OrderStatus.AVSLAGEN.value, OrderStatus.MAKULERAD.value)


def _tied(today):
    """A WHERE clause over (Engagement, HeldPermission): the permission is tied to the ended engagement.

    ``today`` is a date or a bound parameter (the list's kept statement).
    """
    unit_omrade = aliased(Omrade)
    ended_forvaltning = (select(unit_omrade.forvaltning_id).join(Enhet, Enhet.omrade_id == unit_omrade.id)
                         .where(Enhet.id == Engagement.enhet_id).correlate(Engagement).scalar_subquery())
    order_unit = (select(Order.enhet_id).join(OrderLine, OrderLine.order_id == Order.id)
                  .where(OrderLine.id == HeldPermission.granted_by_line_id).correlate(HeldPermission).scalar_subquery())
    going_on = aliased(Engagement)
    continuing = and_(going_on.person_id == Engagement.person_id,
                      or_(going_on.end_date.is_(None), going_on.end_date >= today))
    go_unit, go_omrade = aliased(Enhet), aliased(Omrade)
    still_local = (select(go_omrade.id).select_from(going_on).join(go_unit, go_unit.id == going_on.enhet_id)
                   .join(go_omrade, go_omrade.id == go_unit.omrade_id)
                   .where(continuing, go_omrade.forvaltning_id == HeldPermission.forvaltning_id)
                   .correlate(Engagement, HeldPermission).exists())
    still_ordered_unit = (select(going_on.id).where(continuing, going_on.enhet_id == order_unit)
                          .correlate(Engagement, HeldPermission).exists())
    any_continuing = select(going_on.id).where(continuing).correlate(Engagement).exists()
    avslut_under_way = (select(OrderLine.id).join(Order, Order.id == OrderLine.order_id)
                        .where(OrderLine.held_permission_id == HeldPermission.id, OrderLine.removed.is_(False),
                               Order.kind == OrderKind.AVSLUT.value, Order.status.not_in(CLOSED))
                        .correlate(HeldPermission).exists())
    return and_(
        Engagement.end_date < today,
        HeldPermission.person_id == Engagement.person_id,
        or_(HeldPermission.valid_to.is_(None), HeldPermission.valid_to >= today),
        ~select(PermissionEnding.id).where(PermissionEnding.held_permission_id == HeldPermission.id)
        .correlate(HeldPermission).exists(),
        ~avslut_under_way,
        or_(~any_continuing,
            and_(or_(HeldPermission.forvaltning_id == ended_forvaltning, order_unit == Engagement.enhet_id),
                 ~still_local, ~still_ordered_unit)),
    )


def held_permission_ids_to_end(session: Session, engagement_id: int, today: date) -> list[int]:
    """Ids of the held permissions tied to an ended engagement: the lines of its Avslut order."""
    return list(session.scalars(select(HeldPermission.id).select_from(Engagement).join(
        HeldPermission, HeldPermission.person_id == Engagement.person_id)
        .where(Engagement.id == engagement_id, _tied(today)).order_by(HeldPermission.item_key, HeldPermission.id)))


def _scope_params(actor: Actor) -> dict | None:
    """Units and områden whose leavers the actor sees (chef, or covering beställare); None: none at all."""
    unit_ids = set(actor.chef_enhet_ids) | {d.enhet_id for d in actor.area_bestallare if d.enhet_id} \
        | {d.enhet_id for d in actor.unit_bestallare if d.enhet_id}
    omrade_ids = {d.omrade_id for d in actor.area_bestallare if not d.enhet_id and d.omrade_id}
    if not unit_ids and not omrade_ids:
        return None
    return {"unit_ids": sorted(unit_ids), "omrade_ids": sorted(omrade_ids)}


@dataclass(frozen=True, slots=True)
class LeaverRow:
    """One ended engagement with permissions left to end (a plain row: the list loads no objects)."""

    engagement_id: int
    end_date: date
    person: PersonName
    person_active: bool
    enhet_name: str
    count: int


def list_leavers(session: Session, actor: Actor, page: int = 1, today: date | None = None) -> Page:
    """Att avsluta: ended engagements in the actor's units whose person still holds tied permissions, newest first.

    One statement: each ended engagement of the units counts its tied permissions once, the total
    rides along as a window count, and the names are joined to the page's rows only. A page
    past the end (the list shrank) is answered with the last page, which costs a count first.
    """
    today = today or actor.today
    authz.require(authz.allows(actor, "leavers"))
    scope = _scope_params(actor)
    if scope is None:
        return Page([], 0, 1, 1)
    page_statement, count_statement = _list_statements()
    page = max(page, 1)
    params = {**scope, "today": today, "limit": PAGE_SIZE}
    rows = session.execute(page_statement, {**params, "offset": page_offset(page, PAGE_SIZE)}).all()
    if not rows and page > 1:
        total = session.scalar(count_statement, params) or 0
        page = max(1, -(-total // PAGE_SIZE))
        rows = session.execute(page_statement, {**params, "offset": page_offset(page, PAGE_SIZE)}).all() if total else []
    total = rows[0].total if rows else 0
    return Page([LeaverRow(r.id, r.end_date, PersonName(r.first_name, r.last_name, r.vgr_id), r.active,
                           r.enhet_name, r.tied) for r in rows],
                total, page, max(1, -(-total // PAGE_SIZE)))


@functools.cache
def _list_statements():
    """The list's page statement and its count, built once with bound parameters (building ``_tied`` costs ms).

    Parameters: today, unit_ids, omrade_ids (the scope), offset and limit.
    """
    # Today is written into the SQL (a new statement once a day): with it bound, PostgreSQL's generic plan
    # guessed a third of the engagements ended and planned each request anew (about 2 ms).
    today = bindparam("today", type_=Date, literal_execute=True)
    tied_count = select(func.count(HeldPermission.id)).where(_tied(today)).correlate(Engagement).scalar_subquery()
    # The units' ended engagements with their count of tied permissions, each unit's range read from
    # ``ix_engagements_unit_ended`` alone (a join from the units, not an IN). MATERIALIZED keeps it apart:
    # the count is worked out once per engagement, and PostgreSQL does not trade the ranges for a walk of
    # every ended engagement of the region in date order (which the ORDER BY ... LIMIT tempts it to).
    counted = (select(Engagement.id, Engagement.end_date, tied_count.label("tied"))
               .select_from(Enhet).join(Engagement, Engagement.enhet_id == Enhet.id)
               .where(or_(Enhet.id.in_(bindparam("unit_ids", expanding=True)),
                          Enhet.omrade_id.in_(bindparam("omrade_ids", expanding=True))),
                      Engagement.end_date < today)
               .cte("counted").prefix_with("MATERIALIZED", dialect="postgresql"))
    found = (select(counted.c.id, counted.c.end_date, counted.c.tied, func.count().over().label("total"))
             .where(counted.c.tied > 0).order_by(counted.c.end_date.desc(), counted.c.id.desc())
             .offset(bindparam("offset", type_=Integer)).limit(bindparam("limit", type_=Integer)).subquery("found"))
    page = (select(found.c.id, found.c.end_date, found.c.total, found.c.tied, Person.first_name, Person.last_name,
                   Person.vgr_id, Person.active, Enhet.name.label("enhet_name"))
            .select_from(found).join(Engagement, Engagement.id == found.c.id)
            .join(Person, Person.id == Engagement.person_id).join(Enhet, Enhet.id == Engagement.enhet_id)
            .order_by(found.c.end_date.desc(), found.c.id.desc()))
    return page, select(func.count()).select_from(counted).where(counted.c.tied > 0)


def leaver(session: Session, actor: Actor, engagement_id: int,
           today: date | None = None) -> tuple[Engagement, list[HeldPermission]]:
    """One ended engagement and its tied permissions: the engagements the list shows (ended: the end date has
    passed), whether or not anything is left to end; NotFound for any other id, Forbidden outside the
    actor's units."""
    today = today or actor.today
    engagement = session.scalar(select(Engagement).where(Engagement.id == engagement_id).options(
        joinedload(Engagement.person), joinedload(Engagement.enhet).joinedload(Enhet.omrade)))
    # An engagement that has not ended is not on Att avsluta: answered as an unknown id, before the unit is
    # asked about, so the page tells nobody whether a running engagement exists or where.
    if engagement is None or not authz.is_leaver(engagement, today):
        raise NotFound(N_("Engagemanget finns inte."))
    authz.require(authz.may_see_leaver(actor, engagement, today), N_("Du ansvarar inte för denna enhet."))
    ids = held_permission_ids_to_end(session, engagement.id, today)
    held = list(session.scalars(select(HeldPermission).where(HeldPermission.id.in_(ids))
                                .order_by(HeldPermission.item_key, HeldPermission.id))) if ids else []
    return engagement, held


# --- run-due: one reminder per ended engagement ------------------------------------

def responsible_for(session: Session, enhet: Enhet, today: date) -> list[Person]:
    """The unit's verksamhetschef and every beställare with an active delegation covering it."""
    covering = select(Delegation.person_id).where(
        Delegation.is_bestallare.is_(True), Delegation.valid_from <= today, Delegation.valid_to >= today,
        or_(and_(Delegation.scope == SCOPE_AREA, Delegation.omrade_id == enhet.omrade_id,
                 or_(Delegation.enhet_id.is_(None), Delegation.enhet_id == enhet.id)),
            and_(Delegation.scope == SCOPE_UNIT, Delegation.enhet_id == enhet.id)))
    wanted = or_(Person.id.in_(covering), Person.id == enhet.chef_id) if enhet.chef_id else Person.id.in_(covering)
    return list(session.scalars(select(Person).where(wanted, Person.active.is_(True)).order_by(Person.id)))


def send_leaver_reminders(session: Session, rt: "Runtime", *, today: date, lookback_days: int = 30) -> int:
    """Mail the responsible people once per engagement that ended lately and left permissions; returns mails queued.

    Each engagement is one transaction: its reminder row (unique, so two runs never both send), one mail per
    recipient through the outbox, and one audit event.
    """
    from .mail import enqueue_mail

    if lookback_days <= 0:
        return 0
    tied = select(HeldPermission.id).where(_tied(today)).correlate(Engagement).exists()
    candidates = list(session.scalars(select(Engagement.id).where(
        Engagement.end_date < today, Engagement.end_date >= today - timedelta(days=lookback_days),
        ~exists().where(LeaverReminder.engagement_id == Engagement.id), tied).order_by(Engagement.id)))
    session.rollback()
    sent = 0
    for engagement_id in candidates:
        engagement = session.scalar(select(Engagement).where(Engagement.id == engagement_id).options(
            joinedload(Engagement.person), joinedload(Engagement.enhet)))
        held = list(session.scalars(select(HeldPermission).where(
            HeldPermission.id.in_(held_permission_ids_to_end(session, engagement_id, today)))))
        recipients = [p for p in responsible_for(session, engagement.enhet, today) if p.id != engagement.person_id]
        session.add(LeaverReminder(engagement_id=engagement_id, recipients=len(recipients)))
        for person in recipients:
            enqueue_mail(session, rt, to=person, subject=f"Att avsluta: {engagement.person.display} har slutat på "
                                                     f"{engagement.enhet.name}",
                         template="leavers/mail_reminder.txt",
                         context={"engagement": engagement, "person": engagement.person, "held": held},
                         link_path=f"/att-avsluta/{engagement_id}")
        audit.record(session, None, "leaver.reminded", "engagement", engagement_id,
                     person=engagement.person.vgr_id, enhet=engagement.enhet.code, permissions=len(held),
                     to=[p.vgr_id for p in recipients])
        try:
            session.commit()
        except IntegrityError:  # a parallel run-due reminded first
            session.rollback()
            continue
        sent += len(recipients)
    return sent
