"""order_attest_steps: a partial index of the waiting steps a plugin's attest rule gave

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27

Every page asks (in the statement that loads the user's rights) whether such a step waits for the
user; the index holds only those few steps, so the answer is one short index probe and PostgreSQL
plans the statement once for every user (issue 13: lists at constant cost).
"""
from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

WAITING_PLUGIN_STEP = "status = 'vantar' AND rule = 'plugin'"


def upgrade() -> None:
    op.create_index("ix_order_attest_steps_waiting_plugin", "order_attest_steps", ["attestant_id"],
                    sqlite_where=sa.text(WAITING_PLUGIN_STEP), postgresql_where=sa.text(WAITING_PLUGIN_STEP))


def downgrade() -> None:
    op.drop_index("ix_order_attest_steps_waiting_plugin", table_name="order_attest_steps")
