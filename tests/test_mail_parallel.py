"""Two mail senders at once on PostgreSQL: every message goes out exactly once.

Always runs against PostgreSQL: the session database when ``BEH_TEST_DB=postgresql``,
otherwise a temporary database created on 127.0.0.1:5432 for this test (it
fails, never skips, when the server is unreachable).
"""
import os
import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, select, text

from beh_core import create_app
from beh_core.cli import upgrade_database
from beh_core.db import get_database
from beh_core.demo import build_demo_region
from beh_core.models import OutboxMessage, Person
from beh_core.services.mail import enqueue_mail, run_sender
from helpers import make_config
from test_fulfil_support import SmtpServer, smtp_settings

PG_ADMIN_URL = os.environ.get("BEH_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def smtp(request):
    server = SmtpServer(delay=getattr(request, "param", 0.01)).start()  # a little slow: both senders busy at once
    yield server
    server.stop()


@pytest.fixture
def pg_app(request, tmp_path, smtp):
    """An app on PostgreSQL with the demo region, whatever BEH_TEST_DB says."""
    settings = {**smtp_settings(smtp), "MAIL_BATCH_SIZE": 3, **getattr(request, "param", {})}
    if os.environ.get("BEH_TEST_DB") == "postgresql":
        app = create_app(make_config(request.getfixturevalue("migrated"), tmp_path, **settings))
        own = None
    else:
        own = f"beh_mailtest_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{own}"'))
        app = create_app(make_config(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + own, tmp_path, **settings))
        upgrade_database(app)
    database = get_database(app)
    assert database.engine.dialect.name == "postgresql"
    with database.sessionmaker() as session:
        build_demo_region(session, persons=60, orders=0, seed=11)
    yield app
    engine = database.engine
    if own is None:
        from beh_core.models import Base

        with engine.begin() as conn:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        admin.dispose()


def enqueue(app, count: int) -> None:
    database = get_database(app)
    with app.app_context(), database.sessionmaker() as session:
        people = list(session.scalars(select(Person).order_by(Person.id).limit(40)))
        for n in range(count):
            enqueue_mail(session, app.extensions["beh_runtime"], to=people[n % len(people)],
                         subject=f"Meddelande {n}", template="mail/_footer.txt", context={}, link_path="/")
        session.commit()


def run_senders(app, starts: dict[str, float]) -> dict:
    """Run one mail sender per name, each in its own thread, starting after its delay; their reports."""
    database = get_database(app)
    reports, errors = {}, []

    def sender(name: str, wait: float) -> None:
        time.sleep(wait)
        try:
            reports[name] = run_sender(database, app.config, worker=name)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sender, args=item) for item in starts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    return reports


def assert_each_sent_once(database, smtp, reports: dict, count: int) -> None:
    """Every message reached the SMTP server exactly once, the senders counted them so, all are marked sent."""
    subjects = [m["Subject"] for m in smtp.inbox.messages]
    assert len(subjects) == count and len(set(subjects)) == count
    assert sum(report.sent for report in reports.values()) == count
    with database.sessionmaker() as session:
        assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_två_sändare_parallellt_skickar_varje_meddelande_exakt_en_gång(pg_app, smtp):
    database = get_database(pg_app)
    enqueue(pg_app, 120)

    reports = run_senders(pg_app, {"sändare-1": 0, "sändare-2": 0})
    assert reports["sändare-1"].sent > 0 and reports["sändare-2"].sent > 0
    assert_each_sent_once(database, smtp, reports, 120)


@pytest.mark.parametrize("smtp", [0.05], indirect=True)
@pytest.mark.parametrize("pg_app", [{"MAIL_BATCH_SIZE": 48, "MAIL_LEASE_SECONDS": 1, "SMTP_TIMEOUT": 0.2}],
                         indirect=True)
def test_en_sats_som_tar_längre_tid_än_leasen_skickas_ändå_bara_en_gång(pg_app, smtp):
    """A slow relay: 48 messages at 50 ms take 2.4 s, the lease taken for the batch is 1 s. A second sender
    that starts after 1.5 s finds the batch's last messages "abandoned" and takes them; the first sender
    renews its claim before each message, sees it lost and leaves them: every message goes out once."""
    database = get_database(pg_app)
    enqueue(pg_app, 48)
    reports = run_senders(pg_app, {"först": 0, "sen": 1.5})
    assert reports["sen"].sent > 0  # the second sender did take over part of the batch
    assert_each_sent_once(database, smtp, reports, 48)


def test_leasen_är_minst_fem_smtp_timeouter():
    """A message being sent cannot outlast its claim: the lease is never shorter than five SMTP timeouts."""
    from beh_core.services.mail import lease_seconds

    assert lease_seconds({"MAIL_LEASE_SECONDS": 1, "SMTP_TIMEOUT": 30}) == 150
    assert lease_seconds({"MAIL_LEASE_SECONDS": 300, "SMTP_TIMEOUT": 30}) == 300
    assert lease_seconds({"MAIL_LEASE_SECONDS": 1, "SMTP_TIMEOUT": 0.2}) == 1
