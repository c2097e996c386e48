"""The engine and session factory of one database (no web imports: operations and jobs use it too)."""
from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

# Seconds after which a pooled PostgreSQL connection is replaced at checkout. This replaces a
# "pre-ping" (one extra round trip on every request): connections are renewed long before any
# server or firewall idle timeout, and a connection the server dropped anyway (a restart) fails
# one request, after which SQLAlchemy invalidates the whole pool and the next request reconnects.
POOL_RECYCLE_SECONDS = 600


class Database:
    """Holds the engine and the session factories of one app.

    ``sessionmaker`` is the ordinary one (a transaction per session). ``read_sessionmaker`` is for
    pages that only read: its connections run in autocommit, so a page sends its SELECTs and no
    BEGIN or ROLLBACK around them. It shares the engine's pool.
    """

    def __init__(self, url: str, echo: bool = False) -> None:
        # hide_parameters: a failing statement's values (a personnummer) never reach a traceback or log.
        kwargs: dict = {"echo": echo, "future": True, "hide_parameters": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_recycle"] = POOL_RECYCLE_SECONDS
            # No JIT compilation: it pays off for long analytic queries, and the portal runs short ones
            # whose estimated cost can still pass jit_above_cost (a correlated count, a probed list);
            # compiling then took 95 ms of a 5 ms statement. Set when the connection starts: no round trip.
            kwargs["connect_args"] = {"options": "-c jit=off"}
        self.url = url
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.read_engine: Engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read_sessionmaker = sessionmaker(bind=self.read_engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless told; WAL lets the mail sender read while the web writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Lets LIKE 'prefix%' use the ordinary indexes (searched columns are stored lower-cased).
    cursor.execute("PRAGMA case_sensitive_like=ON")
    cursor.close()
