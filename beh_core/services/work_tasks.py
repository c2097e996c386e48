"""Startsidan's Arbetsuppgifter (tasks waiting for me) and the catalogues a user orders in often.

Arbetsuppgifter are exactly the first rows of the pages that hold them, from every
catalogue: orders waiting for my attest (the attest page), my orders waiting for my
komplettering (Mina beställningar with status Komplettering begärd) and, for the
Service Desk, the queue's orders with lines to carry out (the Service Desk page).
The same queries, so the start page and those pages never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import Session

from .. import authz
from ..authz import Actor
from ..models import Order, OrderStatus
from .order_queries import OrderFilter, my_orders, orders_to_attest
from .paging import Page, PageRequest
from .servicedesk_queue import service_desk_queue

ATTEST, KOMPLETTERING, SERVICE_DESK = "attest", "komplettering", "servicedesk"
TASKS_SHOWN = 5


@dataclass
class TaskList:
    """One kind of task: its key and the first page (``size`` rows) of the page that holds them."""

    key: str
    page: Page


def komplettering_filter(actor: Actor) -> OrderFilter:
    """Mina beställningar narrowed to the orders waiting for the orderer's komplettering.

    A status is read as one index range per (status, typ, katalog), so the filter carries every catalogue
    key of the portal, as the list page's filter does.
    """
    catalogues = tuple(c.key for c in actor.portal.registry.catalogues) if actor.portal else ()
    return OrderFilter(status=OrderStatus.KOMPLETTERING.value, catalogues=catalogues)


def work_tasks(session: Session, actor: Actor, *, size: int = TASKS_SHOWN) -> list[TaskList]:
    """The actor's tasks of every kind they can have, each the first ``size`` rows of its page."""
    tasks = []
    if authz.may_attest_any(actor):
        tasks.append(TaskList(ATTEST, orders_to_attest(session, actor, PageRequest(), size)))
    tasks.append(TaskList(KOMPLETTERING, my_orders(session, actor, komplettering_filter(actor), PageRequest(), size)))
    if actor.is_fulfiller:
        tasks.append(TaskList(SERVICE_DESK, service_desk_queue(session, page=1, size=size)))
    return tasks


def frequent_catalogues(session: Session, actor: Actor, keys: list[str], *, days: int, minimum: int,
                        today: date | None = None) -> set[str]:
    """Of the catalogue keys, those the actor placed at least ``minimum`` orders in during the last ``days`` days."""
    if not keys or minimum <= 0:
        return set(keys) if minimum <= 0 else set()
    since = datetime.combine((today or actor.today) - timedelta(days=days), time.min, timezone.utc)
    rows = session.execute(_frequent_statement(), {"orderer": actor.id, "since": since, "keys": list(keys)}).all()
    return {catalogue for catalogue, count in rows if count >= minimum}


@cache
def _frequent_statement():
    """How many orders a beställare placed per catalogue since a moment, built once per process.

    The values are written into the SQL when it runs: with parameters, PostgreSQL's generic plan (chosen
    after five runs) reads the beställare's whole (orderer_id, status, kind, catalogue, …) range for the
    catalogue (33 ms for a beställare of 1.25 M orders); with the values it reads her last days through
    (orderer_id, created_at, id). Building the statement anew each time cost more than running it.
    """
    return (select(Order.catalogue, func.count(Order.id))
            .where(Order.orderer_id == bindparam("orderer", type_=Integer, literal_execute=True),
                   Order.created_at >= bindparam("since", type_=Order.created_at.type, literal_execute=True),
                   Order.catalogue.in_(bindparam("keys", expanding=True, literal_execute=True)))
            .group_by(Order.catalogue))
