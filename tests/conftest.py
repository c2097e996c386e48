"""Shared fixtures: the app on SQLite or PostgreSQL, a browser-like client, a small demo region.

The database comes from ``BEH_TEST_DB`` (``sqlite`` default, or ``postgresql``).
For PostgreSQL a fresh database is created on 127.0.0.1:5432 for the test
session and dropped afterwards; if the server is unreachable the tests fail
(they never skip). Tables are emptied after each test.
"""
from __future__ import annotations

import gc
import os
import uuid
import warnings

import pytest
from sqlalchemy import create_engine, text

from beh_core import create_app
from beh_core.cli import upgrade_database
from beh_core.db import get_database
from beh_core.demo import build_demo_region
from beh_core.models import Base
from helpers import Browser, make_config

# SoftHSM2/pcscd/vicc fixtures shared by tests/siths and the portal SITHS tests,
# and the portal SITHS helpers (card holders, in-process agent); a private slapd for the directory sync;
# Chromium (selenium + the system chromedriver) and the live portal for every browser test.
pytest_plugins = ["siths_fixtures", "siths_portal", "ldap_fixtures", "browser_fixtures"]

PG_ADMIN_URL = os.environ.get("BEH_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pytest_report_header(config):
    return f"BEH test database: {os.environ.get('BEH_TEST_DB', 'sqlite')}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A migrated, empty database for the whole test session."""
    kind = os.environ.get("BEH_TEST_DB", "sqlite")
    if kind == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "beh.sqlite")
        return
    if kind != "postgresql":
        raise RuntimeError(f"BEH_TEST_DB must be sqlite or postgresql, not {kind!r}")
    name = f"beh_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the kind the suite runs on (not migrated), dropped afterwards."""
    if os.environ.get("BEH_TEST_DB", "sqlite") == "sqlite":
        yield "sqlite:///" + str(tmp_path / "empty.sqlite")
        return
    name = f"beh_empty_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory):
    """Run the Alembic migrations once (the same ones production uses)."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "migrate", "INSTANCE_PATH": str(instance)})
    upgrade_database(app)
    get_database(app).engine.dispose()
    return database_url


@pytest.fixture
def app_config(migrated, tmp_path):
    """Overridable settings of the app fixture."""
    return make_config(migrated, tmp_path)


@pytest.fixture
def app(app_config):
    """A fresh app on the session database; every table is emptied after the test."""
    application = create_app(app_config)
    yield application
    engine = get_database(application).engine
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    engine.dispose()
    # A connection the test's own threads (a live server, a race's losers) still held when the test ended
    # is closed by the garbage collector; collect it here, in this test, so that psycopg's "deleted while
    # still open" ResourceWarning does not surface at random in a later test's setup (seen on PostgreSQL).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def db(app):
    """A database session of the test's own (no app context is pushed, so requests keep their own g).

    Call ``db.expire_all()`` before reading what a request changed.
    """
    session = get_database(app).sessionmaker()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def rt(app):
    """The app's Runtime (config, plugins, mail templates), as operations take it."""
    return app.extensions["beh_runtime"]


@pytest.fixture
def region(app, db, rt):
    """The demo region, small: 60 persons, the fixed demo identities, the plugins' held permissions, no orders."""
    build_demo_region(db, persons=60, orders=0, seed=7, rt=rt)
    return db


@pytest.fixture
def browser(app):
    """A logged-out browser."""
    return Browser(app.test_client())


@pytest.fixture
def login(app):
    """login('sarbe1') -> a Browser logged in as that demo identity (several may coexist)."""

    def _login(vgr_id: str) -> Browser:
        b = Browser(app.test_client())
        b.login(vgr_id)
        return b

    return _login


