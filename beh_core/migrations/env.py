"""Alembic environment: migrates BEH's database (SQLite or PostgreSQL) from the models' metadata.

The core's revisions use the version table ``alembic_version``; a plugin's revisions (its own
folder, ``beh_migrations``) run through this same environment with the version table
``alembic_version_<plugin>`` (``cli.alembic_config``), so core and plugins migrate
independently and an uninstalled plugin never blocks the core.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from beh_core.models import Base
from beh_core.models.directory import include_in_schema

config = context.config
target_metadata = Base.metadata
VERSION_TABLE = config.attributes.get("version_table", "alembic_version")


def run_migrations_offline() -> None:
    """Emit SQL without a connection (``--sql``)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over a real connection; batch mode so ALTERs also work on SQLite."""
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          compare_type=True, version_table=VERSION_TABLE, include_name=include_in_schema)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
