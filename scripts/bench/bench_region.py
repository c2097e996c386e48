"""Build a benchmark region fast: the demo region's people and delegations, then millions of orders by COPY.

``build_demo_region`` makes the units, persons, engagements, delegations and held permissions (with
orders=0); the orders, their lines and attest steps are then streamed with PostgreSQL's COPY in the
same distribution as the demo (a quarter of them by sarbe1 in Närhälsan Område Norr, statuses mixed,
typ Nyupplägg or Avslut, never Förändring). The orders' secondary indexes are dropped during the COPY
and built afterwards (faster than maintaining them row by row), foreign keys are not checked row by row
(``session_replication_role = replica``: the rows are consistent by construction), and VACUUM ANALYZE
sets the visibility map so index-only scans are index-only, as autovacuum would on a live database.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import Index, text

from beh_core.demo import DEMO_ROLES, STATUS_MIX, STEP_STATUS, _samples, advance_sequences, build_demo_region
from beh_core.models import Order, OrderAttestStep, OrderLine, Person
from beh_core.services.ordering import ORDER_NUMBER_OFFSET

CHUNK = 20000
ORDER_COLUMNS = ("id", "number", "catalogue", "kind", "status", "orderer_id", "end_user_id", "attestant_id",
                 "forvaltning_id", "omrade_id", "enhet_id", "start_date", "akut", "fields", "fields_shown",
                 "created_at", "decided_at", "decision_comment")
# The order's time, beställare, område and vårdenhet are copied onto its lines by a trigger; COPY in
# replica mode fires no triggers, so the rows carry them.
LINE_COLUMNS = ("id", "order_id", "position", "item_key", "item_name", "scope", "scope_key", "values", "shown",
                "removed", "status", "order_created_at", "orderer_id", "omrade_id", "enhet_id")
STEP_COLUMNS = ("order_id", "position", "key", "label", "rule", "attestant_id", "status", "decided_at")


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _order_rows(count: int, units, person_ids: list[int], samples, registry):
    """(order, line, step) text rows, the same distribution as demo._build_orders."""
    demo = dict(zip([r[1] for r in DEMO_ROLES], person_ids))
    attestable = [u for u in units if u["omrade_id"] == units[0]["omrade_id"]]
    now = datetime.now(timezone.utc)
    pool = person_ids[len(DEMO_ROLES):]
    items = [(s, registry.get(s.item_key)) for s in samples]
    first_steps = {item.catalogue: registry.catalogue(item.catalogue).attest_steps[0] for _, item in items}
    comment = "Behörigheten behövs inte i tjänsten."
    for n in range(count):
        oid = n + 1
        unit = attestable[n % len(attestable)] if n % 4 == 0 else units[n % len(units)]
        created = now - timedelta(minutes=(count - n) * 7)
        orderer = demo["sarbe1"] if n % 4 == 0 else pool[(n * 31) % len(pool)]
        end_user = pool[(n * 17) % len(pool)]
        attestant = demo["johek1"] if n % 4 == 0 else pool[(n * 13) % 50]
        status = STATUS_MIX[n % len(STATUS_MIX)]
        sample, item = items[n % len(items)]
        decided = None if status == "vantar_pa_attest" else (created + timedelta(hours=3)).isoformat()
        stamp = created.isoformat()
        order = "\t".join((str(oid), f"c{ORDER_NUMBER_OFFSET + oid}", item.catalogue,
                           "nyupplagg" if n % 5 else "avslut", status, str(orderer), str(end_user), str(attestant),
                           str(unit["forvaltning_id"]), str(unit["omrade_id"]), str(unit["id"]),
                           created.date().isoformat(), "f", "{}", "[]", stamp, decided or "\\N",
                           comment if status == "avslagen" else "\\N"))
        line = "\t".join((str(oid), str(oid), "0", item.key, _copy_text(item.name), item.page,
                          _copy_text(sample.scope_key), _copy_text(json.dumps(dict(sample.values))), "[]", "f", "",
                          stamp, str(orderer), str(unit["omrade_id"]), str(unit["id"])))
        step = first_steps[item.catalogue]
        step_row = "\t".join((str(oid), "0", step.key, _copy_text(step.label), step.rule, str(attestant),
                              STEP_STATUS.get(status, "godkand"), decided or "\\N"))
        yield order, line, step_row


def _copy(cursor, table: str, columns, rows: list[str]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write("\n".join(rows) + "\n")


def build(app, persons: int, orders: int, say=print) -> dict[str, float]:
    """Fill the app's (empty, migrated, PostgreSQL) database; returns seconds per phase."""
    from beh_core.db import get_database

    database = get_database(app)
    engine = database.engine
    rt = app.extensions["beh_runtime"]
    timings: dict[str, float] = {}
    start = time.perf_counter()
    session = database.sessionmaker()
    summary = build_demo_region(session, persons=persons, orders=0, rt=rt, batch=10000)
    units = [dict(row._mapping) for row in session.execute(text(
        "SELECT e.id, e.omrade_id, o.forvaltning_id FROM enheter e JOIN omraden o ON o.id = e.omrade_id "
        "ORDER BY e.id"))]
    person_ids = list(session.scalars(text("SELECT id FROM persons ORDER BY id")))
    session.close()
    timings["people, units, delegations"] = time.perf_counter() - start
    say(f"  region without orders: {summary} in {timings['people, units, delegations']:.1f} s")
    _, _, samples, _ = _samples(rt)
    indexes = [index for model in (Order, OrderLine, OrderAttestStep) for index in model.__table__.indexes]
    start = time.perf_counter()
    with engine.connect() as conn:
        for index in indexes:
            conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
        conn.commit()
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            batch: tuple[list[str], list[str], list[str]] = ([], [], [])
            for row in _order_rows(orders, units, person_ids, samples, rt.registry):
                for bucket, value in zip(batch, row):
                    bucket.append(value)
                if len(batch[0]) >= CHUNK:
                    _flush(cursor, batch)
            _flush(cursor, batch)
            cursor.execute("SET session_replication_role = DEFAULT")
            # What the orders' trigger writes for each order (Mina identiteter's pairs), for all at once.
            cursor.execute("INSERT INTO ordered_for (orderer_id, person_id, last_ordered_at) "
                           "SELECT orderer_id, end_user_id, max(created_at) FROM orders GROUP BY orderer_id, end_user_id")
        raw.commit()
    timings["COPY orders, lines, steps"] = time.perf_counter() - start
    say(f"  COPY of {orders} orders, lines and attest steps: {timings['COPY orders, lines, steps']:.1f} s")
    start = time.perf_counter()
    with engine.connect() as conn:
        conn.execute(text("SET maintenance_work_mem = '512MB'"))
        for index in indexes:
            Index.create(index, conn)
        conn.commit()
    timings["indexes"] = time.perf_counter() - start
    say(f"  {len(indexes)} indexes built: {timings['indexes']:.1f} s")
    start = time.perf_counter()
    session = database.sessionmaker()
    advance_sequences(session, (Person, Order, OrderLine, OrderAttestStep))
    session.commit()
    session.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
    timings["VACUUM ANALYZE"] = time.perf_counter() - start
    say(f"  VACUUM ANALYZE: {timings['VACUUM ANALYZE']:.1f} s")
    return timings


def _flush(cursor, batch) -> None:
    if batch[0]:
        _copy(cursor, "orders", ORDER_COLUMNS, batch[0])
        _copy(cursor, "order_lines", LINE_COLUMNS, batch[1])
        _copy(cursor, "order_attest_steps", STEP_COLUMNS, batch[2])
        for bucket in batch:
            bucket.clear()
