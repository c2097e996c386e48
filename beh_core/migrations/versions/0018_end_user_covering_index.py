"""orders: the Slutanvändare index also carries the scope columns and the status (PostgreSQL), so it is read alone

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28

Alla beställningar searched by Slutanvändare reads, for each person found (up to 500 by a name), that
person's range of ``ix_orders_end_user (end_user_id, created_at, id)``, newest first, and keeps the orders
inside the actor's delegations. The delegation (område, vårdenhet) and the beställare were read from the
table for every entry: 4 000 table pages for a page of a name search at 5 M orders (13 ms of a 25 ms
page, issue 13). With them INCLUDEd in the index the same range is an index-only scan (about 700 index
pages, 2 ms). The status and Akut are carried too: Slutanvändare with a status, and the Service Desk
queue searched by person (its orders to carry out, akut first), check them on every entry read.
SQLite has no INCLUDE: its index stays as it was (it reads the persons' orders by IN).
"""
from alembic import op


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

COLUMNS = ["end_user_id", "created_at", "id"]
CARRIED = ["omrade_id", "enhet_id", "orderer_id", "status", "akut"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_orders_end_user", table_name="orders")
    op.create_index("ix_orders_end_user", "orders", COLUMNS, postgresql_include=CARRIED)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_orders_end_user", table_name="orders")
    op.create_index("ix_orders_end_user", "orders", COLUMNS)
