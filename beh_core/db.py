"""One SQLAlchemy engine per app (``database.Database``) and one session per request (or CLI command)."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from .database import Database

EXTENSION_KEY = "beh_db"


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
