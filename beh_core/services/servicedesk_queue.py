"""The Service Desk queue: attested orders to carry out, searchable by ordernummer, person and system."""
from __future__ import annotations

import functools

from sqlalchemy import String, bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from ..catalogue import CatalogueRegistry
from ..models import Order, OrderLine, OrderStatus, Person
from .prefix import prefix_pattern
from .fulfilment import OPEN_STATUSES
from .keyset import KeysetList, Range, keyset_page
from .list_rows import add_lines, queue_rows
from .paging import COUNT_CAP, PROBED_COUNT_CAP, Page, PageRequest

QUEUE_DEFAULT = (OrderStatus.ATTESTERAD.value, OrderStatus.UNDER_UTFORANDE.value)
# A person search naming at most this many persons reads their orders (their own index ranges); a
# prefix naming more is looked for in the queue's ranges, where so many persons' orders are soon met.
PERSON_LIMIT = 500


def _persons_matching(text: str):
    """Ids of persons whose VGR-ID, first or last name starts with the text ("Sara Ber": first and last name).

    Prefix searches on the indexed lower-case columns, so the queue search stays fast at region scale. The
    patterns are bound into the condition: the queue's own ranges read their values from the conditions.
    """
    values = _match_values(text)
    return select(Person.id).where(_condition(_several_words(text), values.__getitem__))


def _several_words(text: str) -> bool:
    return len(text.split()) >= 2


def _condition(several_words: bool, value):
    """The prefix condition of a person search; ``value(name)`` gives each pattern ("first" and "last", or
    "prefix"): the pattern itself or a named parameter. One condition for both of the uses below."""
    escape = "\\"
    if several_words:
        return (Person.first_name_lc.like(value("first"), escape=escape)
                & Person.last_name_lc.like(value("last"), escape=escape))
    prefix = value("prefix")
    return (Person.vgr_id.like(prefix, escape=escape) | Person.first_name_lc.like(prefix, escape=escape)
            | Person.last_name_lc.like(prefix, escape=escape))


@functools.cache
def _match_condition(several_words: bool):
    """The condition with named parameters (values from ``_match_values``), for a statement kept compiled."""
    return _condition(several_words, lambda name: bindparam(name, type_=String))


def _match_values(text: str) -> dict[str, str]:
    """The LIKE patterns of the condition for the text (lower-cased, wildcards escaped)."""
    words = text.lower().split()
    if len(words) >= 2:
        return {"first": prefix_pattern(words[0]), "last": prefix_pattern(" ".join(words[1:]))}
    return {"prefix": prefix_pattern(text.strip().lower())}


@functools.cache
def _persons_meant_statement(several_words: bool, most: int):
    """:func:`_persons_meant`'s one statement (parameters ``vgr_id`` and the patterns), built once per shape."""
    exact = select(Person.id, literal(0).label("exact")).where(Person.vgr_id == bindparam("vgr_id", type_=String))
    prefixed = select(Person.id, literal(1).label("exact")).where(_match_condition(several_words)) \
        .limit(most)
    return union_all(exact, prefixed.subquery().select())


def _persons_meant(session: Session, text: str) -> list[int]:
    """Ids of the persons a search means (at most ``PERSON_LIMIT`` + 1): the one person whose VGR-ID is the
    whole text, as Tidigare beställningar's search takes it (``person_match``); else the prefix matches.

    One round trip: the exact VGR-ID and the prefix search together. "friny8" would otherwise also find
    friny80 … friny89, and the queue would read eleven persons' orders for the one asked for.
    """
    rows = session.execute(_persons_meant_statement(_several_words(text), PERSON_LIMIT + 1),
                           {"vgr_id": text.lower(), **_match_values(text)}).all()
    exact_ids = [person_id for person_id, is_prefix in rows if not is_prefix]
    return exact_ids or [person_id for person_id, _ in rows]


def service_desk_queue(session: Session, *, forvaltning_id: int | None = None, item_key: str = "",
                       item_keys: tuple[str, ...] = (), status: str = "", number: str = "", person: str = "",
                       page: int | PageRequest = 1, size: int = 15) -> Page:
    """Attested orders to carry out: akut first, then oldest.

    Filters: förvaltning, system (one key, or every key of a system offered in several förvaltningar),
    status, ordernummer (exact) and person (VGR-ID or name prefix of the end user or the orderer).
    A search by ordernummer or person without a status looks at every open order, not only the
    default Attesterad and Under utförande.

    The queue is two ranks of index ranges, akut before the rest, each range one status of
    ``(status, akut, created_at, id)`` or ``(forvaltning_id, status, akut, created_at, id)``: a page
    reads a page of index entries whatever the size of the queue (``services/keyset.py``). A person
    search reads the orders of the persons found instead (``_person_ranges``).
    """
    number, person = number.strip().lower(), person.strip()
    if status in OPEN_STATUSES:
        statuses: tuple[str, ...] = (status,)
    else:
        statuses = OPEN_STATUSES if (number or person) else QUEUE_DEFAULT
    where = []
    if number:
        where.append(Order.number == number)
    keys = tuple(item_keys) or ((item_key,) if item_key else ())
    if keys:
        where.append(Order.id.in_(select(OrderLine.order_id).where(
            OrderLine.item_key.in_(keys), OrderLine.removed.is_(False))))
    people: list[int] = []
    if person:
        people = _persons_meant(session, person)
        if not people:
            return Page([], 0, 1, 1)
        if len(people) > PERSON_LIMIT:
            matching = _persons_matching(person)
            where.append(Order.end_user_id.in_(matching) | Order.orderer_id.in_(matching))
            people = []
    if people:
        ranges = _person_ranges(where, people, statuses, forvaltning_id)
    else:
        columns = ((Order.forvaltning_id,) if forvaltning_id else ()) + (Order.status, Order.akut)
        prefix = (forvaltning_id,) if forvaltning_id else ()
        ranges = tuple(Range(tuple(where), columns, tuple((*prefix, s, akut) for s in statuses),
                             rank=0 if akut else 1) for akut in (True, False))
    spec = KeysetList(entity=Order, key=(Order.created_at, Order.id), ranges=ranges, descending=False,
                      shape=queue_rows)
    request = page if isinstance(page, PageRequest) else PageRequest(number=max(1, page))
    # A System search checks each order read for a line of the system, a person search each of the persons'
    # orders for its status: their counts stop sooner (an orderer may have placed thousands).
    result = keyset_page(session, spec, request, size, PROBED_COUNT_CAP if keys or people else COUNT_CAP)
    add_lines(session, result.rows)
    return result


def _person_ranges(where: list, people: list[int], statuses: tuple[str, ...], forvaltning_id: int | None):
    """The persons' orders in the queue: as end user ``(end_user_id, created_at, id)``, then as orderer
    ``(orderer_id, created_at, id)`` (not twice when they are both), akut first. A person's orders are
    few next to the queue, which a search among its millions of rows could read to the end."""
    # The statuses are written into the SQL (a handful of fixed sets, so a handful of statements): as
    # parameters PostgreSQL judged its generic plan dearer and planned every run (1.7 ms against 0.9).
    base = [*where, Order.status.in_([literal(status, literal_execute=True) for status in statuses])]
    if forvaltning_id:
        base.append(Order.forvaltning_id == forvaltning_id)
    rows = tuple((person_id,) for person_id in people)
    ranges = []
    for akut in (True, False):
        ranked = (*base, Order.akut == akut)
        ranges.append(Range(ranked, (Order.end_user_id,), rows, rank=0 if akut else 1))
        ranges.append(Range((*ranked, Order.end_user_id.notin_(people)), (Order.orderer_id,), rows,
                            rank=0 if akut else 1))
    return tuple(ranges)


def systems_for_filter(registry: CatalogueRegistry) -> list[tuple[str, tuple[str, ...]]]:
    """(name, item keys) per system name, of every catalogue: a system offered in several förvaltningar is one entry."""
    by_name: dict[str, list[str]] = {}
    for item in registry:
        by_name.setdefault(item.name, []).append(item.key)
    return sorted(((name, tuple(keys)) for name, keys in by_name.items()), key=lambda pair: pair[0].casefold())
