"""catalogues as plugins: attest steps, server-side drafts, order-level fields, end dates, scopes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

Existing orders get one attest step each (the attestant they had); the L/R
Tilläggsinformation moves into the order-level fields; local lines and held
permissions get their förvaltning as scope.
"""
import json

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("catalogue", existing_type=sa.String(20), type_=sa.String(40))
        batch_op.add_column(sa.Column("end_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("fields", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("fields_shown", sa.JSON(), nullable=True))
        batch_op.create_index("ix_orders_enhet_created", ["enhet_id", "created_at"], unique=False)
    conn = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("tillaggsinformation", sa.Text),
                      sa.column("fields", sa.JSON), sa.column("fields_shown", sa.JSON))
    conn.execute(orders.update().values(fields={}, fields_shown=[]))
    for row in conn.execute(sa.select(orders.c.id, orders.c.tillaggsinformation)
                            .where(orders.c.tillaggsinformation.is_not(None))).all():
        conn.execute(orders.update().where(orders.c.id == row.id).values(
            fields={"tillaggsinformation": row.tillaggsinformation},
            fields_shown=[["Tilläggsinformation", row.tillaggsinformation]]))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("fields", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("fields_shown", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("tillaggsinformation")

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope_key", sa.String(40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("shown", sa.JSON(), nullable=True))
    op.execute("UPDATE order_lines SET scope_key = (SELECT CAST(orders.forvaltning_id AS VARCHAR(40)) FROM orders "
               "WHERE orders.id = order_lines.order_id) WHERE scope = 'local'")
    lines = sa.table("order_lines", sa.column("shown", sa.JSON))
    conn.execute(lines.update().values(shown=[]))
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.alter_column("shown", existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table("held_permissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope_key", sa.String(40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("shown", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE held_permissions SET scope_key = CAST(forvaltning_id AS VARCHAR(40)) "
               "WHERE forvaltning_id IS NOT NULL")
    held = sa.table("held_permissions", sa.column("shown", sa.JSON))
    conn.execute(held.update().values(shown=[]))
    with op.batch_alter_table("held_permissions", schema=None) as batch_op:
        batch_op.alter_column("shown", existing_type=sa.JSON(), nullable=False)

    op.create_table(
        "order_attest_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("attestant_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_order_attest_steps_order_id_orders"),
        sa.ForeignKeyConstraint(["attestant_id"], ["persons.id"], name="fk_order_attest_steps_attestant_id_persons"),
        sa.PrimaryKeyConstraint("id", name="pk_order_attest_steps"),
        sa.UniqueConstraint("order_id", "position", name="uq_order_attest_steps_order_position"),
    )
    op.create_index("ix_order_attest_steps_order_id", "order_attest_steps", ["order_id"], unique=False)
    op.create_index("ix_order_attest_steps_attestant_id", "order_attest_steps", ["attestant_id"], unique=False)
    # Every existing order gets its one step: waiting, approved or rejected as the order was decided.
    op.execute(
        "INSERT INTO order_attest_steps (order_id, position, key, label, rule, attestant_id, status, decided_at, comment) "
        "SELECT id, 0, 'attest', 'Attest', 'area', attestant_id, "
        "CASE status WHEN 'vantar_pa_attest' THEN 'vantar' WHEN 'avslagen' THEN 'avslagen' "
        "WHEN 'makulerad' THEN 'kommande' ELSE 'godkand' END, decided_at, decision_comment FROM orders")

    op.create_table(
        "order_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("catalogue", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("order_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_order_drafts_person_id_persons"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_order_drafts_order_id_orders"),
        sa.PrimaryKeyConstraint("id", name="pk_order_drafts"),
        sa.UniqueConstraint("token", name="uq_order_drafts_token"),
        sa.UniqueConstraint("order_id", name="uq_order_drafts_order_id"),
    )
    op.create_index("ix_order_drafts_person_id", "order_drafts", ["person_id"], unique=False)
    op.create_index("ix_order_drafts_updated_at", "order_drafts", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_order_drafts_updated_at", table_name="order_drafts")
    op.drop_index("ix_order_drafts_person_id", table_name="order_drafts")
    op.drop_table("order_drafts")
    op.drop_index("ix_order_attest_steps_attestant_id", table_name="order_attest_steps")
    op.drop_index("ix_order_attest_steps_order_id", table_name="order_attest_steps")
    op.drop_table("order_attest_steps")
    with op.batch_alter_table("held_permissions", schema=None) as batch_op:
        batch_op.drop_column("ended_at")
        batch_op.drop_column("shown")
        batch_op.drop_column("scope_key")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_column("shown")
        batch_op.drop_column("scope_key")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tillaggsinformation", sa.Text(), nullable=True))
    conn = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("tillaggsinformation", sa.Text),
                      sa.column("fields", sa.JSON))
    for row in conn.execute(sa.select(orders.c.id, orders.c.fields)).all():
        value = (row.fields if isinstance(row.fields, dict) else json.loads(row.fields or "{}")).get(
            "tillaggsinformation")
        if value:
            conn.execute(orders.update().where(orders.c.id == row.id).values(tillaggsinformation=value))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_enhet_created")
        batch_op.drop_column("fields_shown")
        batch_op.drop_column("fields")
        batch_op.drop_column("end_date")
        batch_op.alter_column("catalogue", existing_type=sa.String(40), type_=sa.String(20))
