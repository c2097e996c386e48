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

from sqlalchemy import Integer, String, bindparam, literal, select, true, union_all
from sqlalchemy.orm import Session

from .. import authz
from ..authz import Actor
from ..models import Order, OrderKind, OrderStatus
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
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = _frequent_statement(postgres, len(keys), minimum)
    found = session.execute(statement, {"orderer": actor.id, "since": since,
                                        **{f"key_{n}": key for n, key in enumerate(keys)}}).scalars().all()
    return {key for key in keys if found.count(key) >= minimum}


@cache
def _frequent_statement(postgres: bool, catalogues: int, minimum: int):
    """At most ``minimum`` of a beställare's orders since a moment, per catalogue: built once per process.

    Only "at least ``minimum``" matters, so each catalogue reads at most that many index entries, from
    ``ix_orders_orderer_facets`` (orderer_id, status, kind, catalogue, created_at, id): one exact prefix
    per status and typ, the last days of it. On PostgreSQL the statuses and typer are a VALUES grid
    joined LATERAL, so the one generic plan keeps them in the index condition for every beställare and
    day (as IN lists its generic plan read the beställare's whole range, 60 ms for 1.25 M orders; the
    values written into the SQL, it planned every request anew, about 1 ms). SQLite probes IN lists.
    """
    orderer, since = bindparam("orderer", type_=Integer), bindparam("since", type_=Order.created_at.type)
    most = bindparam("most", minimum, type_=Integer, literal_execute=True)
    statuses, kinds = [s.value for s in OrderStatus], [k.value for k in OrderKind]
    arms = []
    for n in range(catalogues):
        wanted = [Order.orderer_id == orderer, Order.catalogue == bindparam(f"key_{n}", type_=String),
                  Order.created_at >= since]
        if postgres:
            status, kind = _constants(f"statuses_{n}", statuses), _constants(f"kinds_{n}", kinds)
            found = select(Order.catalogue).where(*wanted, Order.status == status.c.v, Order.kind == kind.c.v) \
                .limit(most).lateral(f"found_{n}")
            arm = select(found.c.catalogue).select_from(status).join(kind, true()).join(found, true()).limit(most)
        else:
            arm = select(Order.catalogue).where(*wanted, Order.status.in_(statuses), Order.kind.in_(kinds)) \
                .limit(most)
        arms.append(select(arm.subquery(f"arm_{n}").c.catalogue))
    return union_all(*arms) if len(arms) > 1 else arms[0]


def _constants(name: str, texts: list[str]):
    """A one-column table ``v`` of the texts, as a VALUES list would be, written as SELECTs joined by UNION ALL.

    SQLAlchemy compiles a statement with ``values()`` anew on every run (it cannot keep multi-row values
    in its compiled cache): the start page spent about 1.5 ms per request compiling this one.
    """
    return union_all(*(select(literal(text, String).label("v")) for text in texts)).subquery(name)
