"""One SQLAlchemy engine per app and one session per request (or CLI command)."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

EXTENSION_KEY = "beh_db"


class Database:
    """Holds the engine and session factory of one app."""

    def __init__(self, url: str, echo: bool = False) -> None:
        # hide_parameters: a failing statement's values (a personnummer) never reach a traceback or log.
        kwargs: dict = {"echo": echo, "future": True, "hide_parameters": True}
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


def init_app(app: Flask) -> Database:
    """Create the app's Database and close the request session on teardown."""
    database = Database(app.config["DATABASE_URL"], echo=app.config.get("SQL_ECHO", False))
    app.extensions[EXTENSION_KEY] = database

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()

    return database


def get_database(app: Flask | None = None) -> Database:
    """The Database of the given (or current) app."""
    return (app or current_app).extensions[EXTENSION_KEY]


def get_session() -> Session:
    """The session of the current app context; operations commit it once per request."""
    if "db_session" not in g:
        g.db_session = get_database().sessionmaker()
    return g.db_session
