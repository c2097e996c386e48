"""order_lines carry their order's time, beställare, område and vårdenhet: System is an index range

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27

System in Sökalternativ is a property of an order's lines. The lists read it by walking their usual
range of orders and probing each order's lines, which at 5 M orders could read a whole range of a
million orders for a system the beställare never ordered (issue 13). The lines now hold copies of
the order's ``created_at``, ``orderer_id``, ``omrade_id`` and ``enhet_id``, kept by the database
itself (a trigger fills them when a line is inserted, another follows the order when Byt attestant
moves it), and four indexes ``(item_key, scope, order_created_at, order_id)`` make "this system in
this scope, newest first" one index range. Existing lines are filled in here.
"""
from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ("order_created_at", "orderer_id", "omrade_id", "enhet_id")
SOURCES = ("created_at", "orderer_id", "omrade_id", "enhet_id")
INDEXES = {
    "ix_order_lines_system": ["item_key", "order_created_at", "order_id"],
    "ix_order_lines_system_orderer": ["item_key", "orderer_id", "order_created_at", "order_id"],
    "ix_order_lines_system_omrade": ["item_key", "omrade_id", "order_created_at", "order_id"],
    "ix_order_lines_system_enhet": ["item_key", "enhet_id", "order_created_at", "order_id"],
}

PG_FUNCTIONS = [
    """CREATE FUNCTION order_lines_copy_order() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT o.created_at, o.orderer_id, o.omrade_id, o.enhet_id
          INTO NEW.order_created_at, NEW.orderer_id, NEW.omrade_id, NEW.enhet_id
          FROM orders o WHERE o.id = NEW.order_id;
        RETURN NEW;
    END $$""",
    """CREATE FUNCTION orders_copy_to_lines() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE order_lines SET order_created_at = NEW.created_at, orderer_id = NEW.orderer_id,
               omrade_id = NEW.omrade_id, enhet_id = NEW.enhet_id
         WHERE order_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER order_lines_copy_order BEFORE INSERT OR UPDATE OF order_id ON order_lines
       FOR EACH ROW EXECUTE FUNCTION order_lines_copy_order()""",
    """CREATE TRIGGER orders_copy_to_lines AFTER UPDATE OF created_at, orderer_id, omrade_id, enhet_id ON orders
       FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at
                          OR OLD.orderer_id IS DISTINCT FROM NEW.orderer_id
                          OR OLD.omrade_id IS DISTINCT FROM NEW.omrade_id
                          OR OLD.enhet_id IS DISTINCT FROM NEW.enhet_id)
       EXECUTE FUNCTION orders_copy_to_lines()""",
]
SQLITE_TRIGGERS = [
    """CREATE TRIGGER order_lines_copy_order AFTER INSERT ON order_lines BEGIN
        UPDATE order_lines SET
            order_created_at = (SELECT created_at FROM orders WHERE id = NEW.order_id),
            orderer_id = (SELECT orderer_id FROM orders WHERE id = NEW.order_id),
            omrade_id = (SELECT omrade_id FROM orders WHERE id = NEW.order_id),
            enhet_id = (SELECT enhet_id FROM orders WHERE id = NEW.order_id)
        WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER orders_copy_to_lines AFTER UPDATE OF created_at, orderer_id, omrade_id, enhet_id ON orders
       WHEN OLD.created_at IS NOT NEW.created_at OR OLD.orderer_id IS NOT NEW.orderer_id
            OR OLD.omrade_id IS NOT NEW.omrade_id OR OLD.enhet_id IS NOT NEW.enhet_id BEGIN
        UPDATE order_lines SET order_created_at = NEW.created_at, orderer_id = NEW.orderer_id,
               omrade_id = NEW.omrade_id, enhet_id = NEW.enhet_id
         WHERE order_id = NEW.id;
    END""",
]


def upgrade() -> None:
    with op.batch_alter_table("order_lines") as batch:
        batch.add_column(sa.Column("order_created_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("orderer_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("omrade_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("enhet_id", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE order_lines l SET order_created_at = o.created_at, orderer_id = o.orderer_id, "
                   "omrade_id = o.omrade_id, enhet_id = o.enhet_id FROM orders o WHERE o.id = l.order_id")
        for statement in PG_FUNCTIONS:
            op.execute(statement)
    else:
        op.execute("UPDATE order_lines SET " + ", ".join(
            f"{column} = (SELECT {source} FROM orders WHERE orders.id = order_lines.order_id)"
            for column, source in zip(COLUMNS, SOURCES)))
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    for name, columns in INDEXES.items():
        op.create_index(name, "order_lines", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="order_lines")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER orders_copy_to_lines ON orders")
        op.execute("DROP TRIGGER order_lines_copy_order ON order_lines")
        op.execute("DROP FUNCTION orders_copy_to_lines()")
        op.execute("DROP FUNCTION order_lines_copy_order()")
    else:
        op.execute("DROP TRIGGER orders_copy_to_lines")
        op.execute("DROP TRIGGER order_lines_copy_order")
    with op.batch_alter_table("order_lines") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column)
