"""persons: HSA-ID and personnummer searchable by indexed prefix (suggestions while typing)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

PostgreSQL uses a b-tree index for ``LIKE 'abc%'`` only under the "C" collation (as for
vgr_id and the lower-cased names since 0001); SQLite needs nothing (case_sensitive_like).
"""
from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = (("hsa_id", 31), ("personnummer", 12))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, length in COLUMNS:
        op.alter_column("persons", name, existing_type=sa.String(length), type_=sa.String(length, collation="C"),
                        existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, length in COLUMNS:
        op.alter_column("persons", name, existing_type=sa.String(length, collation="C"), type_=sa.String(length),
                        existing_nullable=True)
