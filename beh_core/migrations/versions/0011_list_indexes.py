"""lists at constant cost: index ranges ending in (created_at, id) for every list and filter; name search

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

DROPPED = {
    "ix_orders_orderer_created": ["orderer_id", "created_at"],
    "ix_orders_attestant_status": ["attestant_id", "status", "created_at"],
    "ix_orders_omrade_created": ["omrade_id", "created_at"],
    "ix_orders_end_user_created": ["end_user_id", "created_at"],
    "ix_orders_enhet_created": ["enhet_id", "created_at"],
    "ix_orders_forvaltning_created": ["forvaltning_id", "created_at"],
}
CREATED = {
    "ix_orders_facets": ["status", "kind", "catalogue", "created_at", "id"],
    "ix_orders_orderer": ["orderer_id", "created_at", "id"],
    "ix_orders_orderer_facets": ["orderer_id", "status", "kind", "catalogue", "created_at", "id"],
    "ix_orders_orderer_omrade": ["orderer_id", "omrade_id", "created_at", "id"],
    "ix_orders_omrade": ["omrade_id", "created_at", "id"],
    "ix_orders_omrade_facets": ["omrade_id", "status", "kind", "catalogue", "created_at", "id"],
    "ix_orders_enhet": ["enhet_id", "created_at", "id"],
    "ix_orders_enhet_facets": ["enhet_id", "status", "kind", "catalogue", "created_at", "id"],
    "ix_orders_end_user": ["end_user_id", "created_at", "id"],
    "ix_orders_attestant_status": ["attestant_id", "status", "created_at", "id"],
    "ix_orders_queue": ["status", "akut", "created_at", "id"],
    "ix_orders_queue_forvaltning": ["forvaltning_id", "status", "akut", "created_at", "id"],
}

# Name search by words (services/person_match.py). PostgreSQL: a GIN index on the name's words.
PG_NAME_INDEX = ("CREATE INDEX ix_persons_name_words ON persons USING gin "
                 "(to_tsvector('simple', first_name_lc || ' ' || last_name_lc))")
# SQLite: an FTS5 table over the same columns (rowid = persons.id), kept in step by triggers.
SQLITE_NAME_TABLE = [
    "CREATE VIRTUAL TABLE persons_names USING fts5(first_name_lc, last_name_lc, content='persons', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER persons_names_insert AFTER INSERT ON persons BEGIN "
    "INSERT INTO persons_names(rowid, first_name_lc, last_name_lc) VALUES (new.id, new.first_name_lc, "
    "new.last_name_lc); END",
    "CREATE TRIGGER persons_names_delete AFTER DELETE ON persons BEGIN "
    "INSERT INTO persons_names(persons_names, rowid, first_name_lc, last_name_lc) VALUES ('delete', old.id, "
    "old.first_name_lc, old.last_name_lc); END",
    "CREATE TRIGGER persons_names_update AFTER UPDATE OF first_name_lc, last_name_lc ON persons BEGIN "
    "INSERT INTO persons_names(persons_names, rowid, first_name_lc, last_name_lc) VALUES ('delete', old.id, "
    "old.first_name_lc, old.last_name_lc); "
    "INSERT INTO persons_names(rowid, first_name_lc, last_name_lc) VALUES (new.id, new.first_name_lc, "
    "new.last_name_lc); END",
    "INSERT INTO persons_names(persons_names) VALUES ('rebuild')",
]


def upgrade() -> None:
    for name in DROPPED:
        op.drop_index(name, table_name="orders")
    for name, columns in CREATED.items():
        op.create_index(name, "orders", columns)
    op.create_index("ix_order_lines_item_order", "order_lines", ["item_key", "order_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_NAME_INDEX)
    else:
        for statement in SQLITE_NAME_TABLE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_persons_name_words")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER persons_names_{trigger}")
        op.execute("DROP TABLE persons_names")
    op.drop_index("ix_order_lines_item_order", table_name="order_lines")
    for name in CREATED:
        op.drop_index(name, table_name="orders")
    for name, columns in DROPPED.items():
        op.create_index(name, "orders", columns)
