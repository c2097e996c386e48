"""Helpers for the fulfilment, mail, credentials and due tests (no tests here).

A real SMTP server on loopback (aiosmtpd), placing orders through the services,
sending the outbox, reading links out of mails, and the raw database contents.
"""
from __future__ import annotations

import email
import re
import socket
import subprocess
import threading
import time
from datetime import date, timedelta
from email import policy

from aiosmtpd.controller import Controller
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from beh_core import authz
from beh_core.db import get_database
from beh_core.models import Enhet, Forvaltning, Omrade, OutboxMessage
from beh_core.services import attest as attest_ops
from beh_core.services.mail import send_pending
from beh_core.services.ordering import LineInput, OrderRequest, create_order
from helpers import person

LINK_RE = re.compile(r"http://localhost(/l/\S+)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps every received message."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            time.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        """Messages addressed to the address."""
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self, delay: float = 0.0) -> None:
        self.port = free_port()
        self.inbox = Inbox(delay)
        self.controller: Controller | None = None

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def smtp_settings(server: SmtpServer) -> dict:
    """App settings for the loopback server (no back-off so retries are immediate in tests)."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port, "SMTP_TIMEOUT": 5,
            "MAIL_RETRY_BASE_SECONDS": 0, "MAIL_FROM": "BEH <noreply@beh.example>"}


def send_all(app, now=None) -> int:
    """Run the sender until nothing is due; returns how many messages were sent."""
    sent = 0
    while True:
        report = send_pending(get_database(app), app.config, now=now)
        sent += report.sent
        if not report.claimed or not report.sent:
            return sent


def link_path(message) -> str:
    """The personal /l/<token> path of a mail."""
    match = LINK_RE.search(message.get_content())
    assert match, message.get_content()
    return match.group(1)


def su_medicin(db) -> tuple[int, int, int]:
    """(förvaltning SU, Område Medicin, its first enhet) ids."""
    forvaltning = db.scalar(select(Forvaltning).where(Forvaltning.code == "SU"))
    omrade = db.scalar(select(Omrade).where(Omrade.forvaltning_id == forvaltning.id, Omrade.name == "Område Medicin"))
    enhet = db.scalar(select(Enhet).where(Enhet.omrade_id == omrade.id).order_by(Enhet.name))
    return forvaltning.id, omrade.id, enhet.id


def runtime_of(app):
    """The app's Runtime, as operations take it."""
    return app.extensions["beh_runtime"]


def actor(app, db, vgr_id: str, today: date | None = None):
    """The authz Actor of a demo identity."""
    return authz.load_actor(db, person(db, vgr_id), today=today, config=app.config, portal=runtime_of(app))


def place(app, db, end_user, *, items=(("lr.su.flexlab", {}, None),), kind="nyupplagg", start: date | None = None,
          orderer="sarbe1", attestant="johek1", catalogue="lr", **extra):
    """Place an order through create_order (as the wizard does) and return it."""
    forvaltning_id, omrade_id, enhet_id = su_medicin(db)
    lines = [LineInput(key, dict(values), held) for key, values, held in items]
    request = OrderRequest(catalogue=catalogue, kind=kind, end_user_id=end_user.id, lines=lines,
                           forvaltning_id=forvaltning_id, omrade_id=omrade_id, enhet_id=enhet_id,
                           attestants={"attest": person(db, attestant).id},
                           start_date=(start or date.today()).isoformat(), **extra)
    return create_order(db, runtime_of(app), actor(app, db, orderer), request)


def approve(app, db, order, attestant="johek1", today: date | None = None):
    """Godkänn as the attestant (automatic lines due today are carried out at once)."""
    return attest_ops.decide(db, runtime_of(app), actor(app, db, attestant, today), order, approve=True)


def outbox(db) -> list[OutboxMessage]:
    """Every outbox row, oldest first."""
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def raw_database_text(app) -> bytes:
    """Everything stored: the SQLite file and its WAL, or a PostgreSQL dump (pg_dump, else COPY of every table)."""
    engine = get_database(app).engine
    url = make_url(app.config["DATABASE_URL"])
    if engine.dialect.name == "sqlite":
        data = b""
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                with open(url.database + suffix, "rb") as handle:
                    data += handle.read()
            except FileNotFoundError:
                pass
        return data
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        dump = subprocess.run(["pg_dump", "--data-only", plain], capture_output=True, timeout=60)
        if dump.returncode == 0:
            return dump.stdout
    except FileNotFoundError:
        pass
    chunks = []
    with engine.connect() as conn:
        names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cursor:
            for name in names:
                with cursor.copy(f'COPY "{name}" TO STDOUT') as copy:
                    chunks += [bytes(block) for block in copy]
    return b"".join(chunks)


def days(n: int) -> date:
    """Today plus n days."""
    return date.today() + timedelta(days=n)
