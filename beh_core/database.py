"""The engine and session factory of one database (no web imports: operations and jobs use it too)."""
from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker


class Database:
    """Holds the engine and session factory of one app."""

    def __init__(self, url: str, echo: bool = False) -> None:
        kwargs: dict = {"echo": echo, "future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        self.url = url
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless told; WAL lets the mail sender read while the web writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Lets LIKE 'prefix%' use the ordinary indexes (searched columns are stored lower-cased).
    cursor.execute("PRAGMA case_sensitive_like=ON")
    cursor.close()
