"""One SQLAlchemy engine per app (``database.Database``) and one session per request (or CLI command)."""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from .database import Database

EXTENSION_KEY = "beh_db"
READ_ONLY_ATTRIBUTE = "beh_read_only"  # set by views.access.read_only on views that never write


def init_app(app: Flask) -> Database:
    """Create the app's Database and close the request session on teardown."""
    database = Database(app.config["DATABASE_URL"], echo=app.config.get("SQL_ECHO", False))
    app.extensions[EXTENSION_KEY] = database

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            # close() rolls back what is open and returns the connection; an explicit rollback() first
            # would only expire every loaded object, work thrown away with the session.
            session.close()

    return database


def get_database(app: Flask | None = None) -> Database:
    """The Database of the given (or current) app."""
    return (app or current_app).extensions[EXTENSION_KEY]


def _read_only_request() -> bool:
    """A GET or HEAD of a view marked read-only: its statements need no transaction around them."""
    if not has_request_context() or request.method not in ("GET", "HEAD") or not request.endpoint:
        return False
    return bool(getattr(current_app.view_functions.get(request.endpoint), READ_ONLY_ATTRIBUTE, False))


def get_session() -> Session:
    """The session of the current app context; operations commit it once per request."""
    if "db_session" not in g:
        database = get_database()
        g.db_session = (database.read_sessionmaker if _read_only_request() else database.sessionmaker)()
    return g.db_session
