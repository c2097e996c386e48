"""hardening: login sessions for every login, one active held permission, no overlapping delegations

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

Issue 8.
* ``siths_sessions`` becomes ``login_sessions`` (every login has a server-side
  record; card logins keep their certificate fingerprint). Rows are copied.
* ``held_permissions`` (``scope_key`` and ``ended_at`` came in 0007) gets a partial unique index:
  at most one not-ended permission per person, system and scope. Permissions
  whose end date has passed are marked ended; of duplicates that races left
  behind, the oldest stays and the others are marked ended (listed in the log).
* ``delegations``: no two overlapping delegations of one kind (U/L/R) for one
  person and scope. PostgreSQL: an exclusion constraint (btree_gist). SQLite:
  two triggers. (A later batch migration that recreates ``delegations`` on
  SQLite must create the triggers again: ``create_sqlite_triggers``.)
  Overlaps that races left behind are resolved first: the oldest stays, the
  others are ended (emptied: Gäller till the day before Gäller från).
"""
from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# The delegation "kind and scope": person, U/L/R, förvaltning, område, and the unit for U only.
_PG_EXCLUSION = """
ALTER TABLE delegations ADD CONSTRAINT ex_delegations_no_overlap EXCLUDE USING gist (
    person_id WITH =, scope WITH =, forvaltning_id WITH =, (coalesce(omrade_id, 0)) WITH =,
    (coalesce(CASE WHEN scope = 'enhet' THEN enhet_id END, 0)) WITH =,
    daterange(valid_from, valid_to, '[]') WITH &&
) WHERE (valid_from <= valid_to)
"""
_SQLITE_CLASH = """
    NEW.valid_from <= NEW.valid_to AND EXISTS (
        SELECT 1 FROM delegations d
        WHERE d.id IS NOT NEW.id AND d.person_id = NEW.person_id AND d.scope = NEW.scope
          AND d.forvaltning_id = NEW.forvaltning_id AND coalesce(d.omrade_id, 0) = coalesce(NEW.omrade_id, 0)
          AND (NEW.scope <> 'enhet' OR coalesce(d.enhet_id, 0) = coalesce(NEW.enhet_id, 0))
          AND d.valid_from <= d.valid_to AND d.valid_from <= NEW.valid_to AND d.valid_to >= NEW.valid_from)
"""


def create_sqlite_triggers() -> None:
    """The SQLite equivalent of the exclusion constraint (writers are serialised, so it holds)."""
    for event in ("INSERT", "UPDATE"):
        op.execute(f"""
CREATE TRIGGER ex_delegations_no_overlap_{event.lower()} BEFORE {event} ON delegations
WHEN {_SQLITE_CLASH}
BEGIN SELECT RAISE(ABORT, 'ex_delegations_no_overlap: overlapping delegation'); END
""")


def _end_overlapping_delegations(conn) -> None:
    delegations = sa.table("delegations", sa.column("id"), sa.column("person_id"), sa.column("scope"),
                           sa.column("forvaltning_id"), sa.column("omrade_id"), sa.column("enhet_id"),
                           sa.column("valid_from", sa.Date), sa.column("valid_to", sa.Date))
    d, e = delegations.alias("d"), delegations.alias("e")
    same_scope = sa.and_(
        e.c.id > d.c.id, e.c.person_id == d.c.person_id, e.c.scope == d.c.scope,
        e.c.forvaltning_id == d.c.forvaltning_id,
        sa.func.coalesce(e.c.omrade_id, 0) == sa.func.coalesce(d.c.omrade_id, 0),
        sa.or_(d.c.scope != "enhet", sa.func.coalesce(e.c.enhet_id, 0) == sa.func.coalesce(d.c.enhet_id, 0)),
        d.c.valid_from <= d.c.valid_to, e.c.valid_from <= e.c.valid_to,
        e.c.valid_from <= d.c.valid_to, e.c.valid_to >= d.c.valid_from)
    rows = conn.execute(sa.select(e.c.id, e.c.valid_from).where(same_scope).distinct().order_by(e.c.id)).all()
    table = sa.table("delegations", sa.column("id"), sa.column("valid_to", sa.Date),
                     sa.column("ended_at", sa.DateTime(timezone=True)))
    for row in rows:
        log.warning("Delegation %s overlapped an older one of the same person and scope: ended", row.id)
        conn.execute(table.update().where(table.c.id == row.id).values(
            valid_to=row.valid_from - timedelta(days=1), ended_at=sa.func.current_timestamp()))


def _held_permissions_data(conn) -> None:
    held = sa.table("held_permissions", sa.column("id"), sa.column("person_id"), sa.column("item_key"),
                    sa.column("forvaltning_id"), sa.column("scope_key"), sa.column("valid_to", sa.Date),
                    sa.column("ended_at", sa.DateTime(timezone=True)))
    conn.execute(held.update().where(held.c.forvaltning_id.is_not(None))
                 .values(scope_key=sa.cast(held.c.forvaltning_id, sa.String(40))))
    conn.execute(held.update().where(held.c.valid_to < sa.func.current_date())
                 .values(ended_at=sa.func.current_timestamp()))
    keep = (sa.select(sa.func.min(held.c.id)).where(held.c.ended_at.is_(None))
            .group_by(held.c.person_id, held.c.item_key, held.c.scope_key))
    duplicates = conn.execute(sa.select(held.c.id).where(held.c.ended_at.is_(None), held.c.id.not_in(keep))).all()
    for (held_id,) in duplicates:
        log.warning("Held permission %s duplicated an older active one: marked ended", held_id)
    if duplicates:
        conn.execute(held.update().where(held.c.id.in_([r[0] for r in duplicates]))
                     .values(ended_at=sa.func.current_timestamp()))


def upgrade() -> None:
    conn = op.get_bind()
    # --- every login gets a server-side session record -----------------------------
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_login_sessions_person_id_persons"),
        sa.PrimaryKeyConstraint("id", name="pk_login_sessions"),
        sa.UniqueConstraint("sid", name="uq_login_sessions_sid"),
    )
    op.create_index("ix_login_sessions_person_id", "login_sessions", ["person_id"], unique=False)
    op.execute("INSERT INTO login_sessions (sid, person_id, method, certificate_sha256, created_at, ended_at, "
               "end_reason) SELECT sid, person_id, method, certificate_sha256, created_at, ended_at, end_reason "
               "FROM siths_sessions ORDER BY id")
    op.drop_index("ix_siths_sessions_person_id", table_name="siths_sessions")
    op.drop_table("siths_sessions")

    # --- at most one active held permission per person, system and scope -------------
    _held_permissions_data(conn)
    op.create_index("uq_held_permissions_active", "held_permissions", ["person_id", "item_key", "scope_key"],
                    unique=True, sqlite_where=sa.text("ended_at IS NULL"),
                    postgresql_where=sa.text("ended_at IS NULL"))

    # --- no two overlapping delegations of one kind for one person and scope ---------
    _end_overlapping_delegations(conn)
    if conn.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(_PG_EXCLUSION)
    else:
        create_sqlite_triggers()


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("ALTER TABLE delegations DROP CONSTRAINT ex_delegations_no_overlap")
    else:
        op.execute("DROP TRIGGER IF EXISTS ex_delegations_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS ex_delegations_no_overlap_update")
    op.drop_index("uq_held_permissions_active", table_name="held_permissions")
    op.create_table(
        "siths_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_siths_sessions_person_id_persons"),
        sa.PrimaryKeyConstraint("id", name="pk_siths_sessions"),
        sa.UniqueConstraint("sid", name="uq_siths_sessions_sid"),
    )
    op.create_index("ix_siths_sessions_person_id", "siths_sessions", ["person_id"], unique=False)
    op.execute("INSERT INTO siths_sessions (sid, person_id, method, certificate_sha256, created_at, ended_at, "
               "end_reason) SELECT sid, person_id, method, certificate_sha256, created_at, ended_at, end_reason "
               "FROM login_sessions WHERE certificate_sha256 IS NOT NULL ORDER BY id")
    op.drop_index("ix_login_sessions_person_id", table_name="login_sessions")
    op.drop_table("login_sessions")
