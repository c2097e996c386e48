"""Who may attest a step: the rules ``area`` (L/R), ``unit`` (U) and ``plugin`` (the catalogue decides).

Used when an order is placed (the Attestant list, or the one attestant assigned),
at Byt attestant, and by ``authz.may_attest`` at every attest.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..catalogue import AttestStep, Catalogue
from ..models import SCOPE_AREA, SCOPE_UNIT, Delegation, Order, OrderAttestStep, Person
from .directory_api import Directory
from .order_info import OrderInfo

if TYPE_CHECKING:
    from ..runtime import Runtime


def _attestants(session: Session, where, today: date, exclude: tuple[int, ...]) -> list[Person]:
    """Active persons with an active attestant delegation matching ``where``, by name, without ``exclude``."""
    stmt = select(Person).join(Delegation, Delegation.person_id == Person.id).where(
        Delegation.is_attestant.is_(True), Delegation.valid_from <= today, Delegation.valid_to >= today,
        Person.active.is_(True), *where)
    if exclude:
        stmt = stmt.where(Person.id.not_in(exclude))
    return list(session.scalars(stmt.distinct().order_by(Person.last_name, Person.first_name, Person.id)))


def area_attestants(session: Session, omrade_id: int | None, enhet_id: int | None, today: date,
                    exclude: tuple[int, ...] = ()) -> list[Person]:
    """Persons with an active L/R attestant delegation for the område (and verksamhet).

    ``exclude`` holds the order's end user and orderer: nobody attests an order for themself,
    and the orderer never approves their own order (four eyes).
    """
    if not omrade_id:
        return []
    where = [Delegation.scope == SCOPE_AREA, Delegation.omrade_id == omrade_id]
    if enhet_id:
        where.append(or_(Delegation.enhet_id.is_(None), Delegation.enhet_id == enhet_id))
    return _attestants(session, where, today, exclude)


def unit_attestants(session: Session, enhet_id: int | None, today: date,
                    exclude: tuple[int, ...] = ()) -> list[Person]:
    """Persons with an active U attestant delegation for the vårdenhet (never the end user or orderer)."""
    if not enhet_id:
        return []
    return _attestants(session, [Delegation.scope == SCOPE_UNIT, Delegation.enhet_id == enhet_id], today, exclude)


def candidates(session: Session, rt: "Runtime", catalogue: Catalogue, step: AttestStep, order: OrderInfo,
               today: date) -> list[Person]:
    """The persons who may attest ``step`` of the order being placed (or changed), by name."""
    exclude = (order.end_user.id, order.orderer.id)
    if step.rule == "area":
        return area_attestants(session, order.omrade_id, order.enhet_id, today, exclude)
    if step.rule == "unit":
        return unit_attestants(session, order.enhet_id, today, exclude)
    answer = rt.plugins.call_owner(catalogue.owner, "beh_attest_candidates", catalogue=catalogue, step=step,
                                   order=order, directory=Directory(session, today)) or []
    ids = sorted({int(i) for i in answer} - set(exclude))
    if not ids:
        return []
    return list(session.scalars(select(Person).where(Person.id.in_(ids), Person.active.is_(True))
                                .order_by(Person.last_name, Person.first_name, Person.id)))


def plugin_attestants(session: Session, rt: "Runtime", order: Order, step: OrderAttestStep) -> set[int]:
    """Person ids the catalogue's plugin allows for a step with the rule ``plugin`` (at attest time)."""
    catalogue = rt.registry.catalogue(order.catalogue)
    declared = next((s for s in catalogue.attest_steps if s.key == step.key), None) if catalogue else None
    if declared is None or declared.rule != "plugin":
        return set()
    today = date.today()
    return {p.id for p in candidates(session, rt, catalogue, declared, OrderInfo.of(order), today)}
