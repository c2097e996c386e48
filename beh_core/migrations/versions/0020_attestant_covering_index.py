"""orders: the Attestera index also carries the beställare and the slutanvändare (PostgreSQL), so it is read alone

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29

Attestera beställningar lists the orders waiting for the attestant, except those the attestant ordered or
that are for the attestant (``order_queries._attestable``). Those two conditions read the table for every
entry of ``ix_orders_attestant_status (attestant_id, status, created_at, id)``: the capped count read 1 001
table rows, and PostgreSQL's generic plan for the prepared statement, not knowing how many orders wait for
this attestant, read every one of them and sorted them (4.4 ms instead of 0.4 ms at 200 000 orders, issue 13).
With ``orderer_id`` and ``end_user_id`` INCLUDEd the range is an index-only scan in either plan. SQLite has no
INCLUDE: its index stays as it was.
"""
from alembic import op


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

COLUMNS = ["attestant_id", "status", "created_at", "id"]
CARRIED = ["orderer_id", "end_user_id"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_orders_attestant_status", table_name="orders")
    op.create_index("ix_orders_attestant_status", "orders", COLUMNS, postgresql_include=CARRIED)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_orders_attestant_status", table_name="orders")
    op.create_index("ix_orders_attestant_status", "orders", COLUMNS)
