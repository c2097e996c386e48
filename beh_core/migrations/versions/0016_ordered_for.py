"""ordered_for: the persons a beställare has ordered for, kept by the database (Mina identiteter)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28

Mina identiteter lists the persons a beställare has ordered for, the most recent first. It grouped all of
the beställare's orders by end user for each page: 1.4 s for a beställare with 1.25 M orders in the
benchmark region (issue 13). The pairs now lie in their own table, one row per (beställare, person) with
the time of the latest order, written by a trigger when an order is inserted (and when its beställare or
end user changes, for the new pair), and the index ``(orderer_id, last_ordered_at, person_id)`` gives a
page in order. Existing orders are counted in here.
"""
from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PG_STATEMENTS = [
    """CREATE FUNCTION orders_note_ordered_for() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO ordered_for (orderer_id, person_id, last_ordered_at)
        VALUES (NEW.orderer_id, NEW.end_user_id, NEW.created_at)
        ON CONFLICT (orderer_id, person_id) DO UPDATE
            SET last_ordered_at = GREATEST(ordered_for.last_ordered_at, EXCLUDED.last_ordered_at);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER orders_note_ordered_for AFTER INSERT OR UPDATE OF orderer_id, end_user_id ON orders
       FOR EACH ROW EXECUTE FUNCTION orders_note_ordered_for()""",
]
_SQLITE_UPSERT = """INSERT INTO ordered_for (orderer_id, person_id, last_ordered_at)
        VALUES (NEW.orderer_id, NEW.end_user_id, NEW.created_at)
        ON CONFLICT (orderer_id, person_id) DO UPDATE
            SET last_ordered_at = max(last_ordered_at, excluded.last_ordered_at);"""
SQLITE_STATEMENTS = [
    f"CREATE TRIGGER orders_note_ordered_for AFTER INSERT ON orders BEGIN {_SQLITE_UPSERT} END",
    f"""CREATE TRIGGER orders_note_ordered_for_change AFTER UPDATE OF orderer_id, end_user_id ON orders
        BEGIN {_SQLITE_UPSERT} END""",
]


def upgrade() -> None:
    op.create_table(
        "ordered_for",
        sa.Column("orderer_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("last_ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["orderer_id"], ["persons.id"], name=op.f("fk_ordered_for_orderer_id_persons")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_ordered_for_person_id_persons")),
        sa.PrimaryKeyConstraint("orderer_id", "person_id", name=op.f("pk_ordered_for")),
    )
    op.execute("INSERT INTO ordered_for (orderer_id, person_id, last_ordered_at) "
               "SELECT orderer_id, end_user_id, max(created_at) FROM orders GROUP BY orderer_id, end_user_id")
    op.create_index("ix_ordered_for_recent", "ordered_for", ["orderer_id", "last_ordered_at", "person_id"])
    for statement in PG_STATEMENTS if op.get_bind().dialect.name == "postgresql" else SQLITE_STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER orders_note_ordered_for ON orders")
        op.execute("DROP FUNCTION orders_note_ordered_for()")
    else:
        op.execute("DROP TRIGGER orders_note_ordered_for_change")
        op.execute("DROP TRIGGER orders_note_ordered_for")
    op.drop_index("ix_ordered_for_recent", table_name="ordered_for")
    op.drop_table("ordered_for")
