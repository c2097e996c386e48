"""order_lines: an index of the held permission a line ends (Att avsluta)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28

Att avsluta (the leavers' list) asks, for each permission a leaver still holds, whether an Avslut line
for it is already under way. Without an index on ``order_lines.held_permission_id`` each question read
every line: at 5 M orders the list's count ran for more than 15 minutes (issue 13). Only Avslut and
Förändring lines name a held permission, so the index is partial.
"""
from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

WHERE = sa.text("held_permission_id IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_order_lines_held_permission", "order_lines", ["held_permission_id"],
                    postgresql_where=WHERE, sqlite_where=WHERE)


def downgrade() -> None:
    op.drop_index("ix_order_lines_held_permission", table_name="order_lines")
