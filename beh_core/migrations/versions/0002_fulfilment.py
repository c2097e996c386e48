"""fulfilment: line fulfilments, encrypted credentials, komplettering, mail outbox, reminders, endings

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "line_fulfilments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        _fk("line_fulfilments", "line_id", "order_lines"),
        _fk("line_fulfilments", "order_id", "orders"),
        _fk("line_fulfilments", "done_by_id", "persons"),
        sa.PrimaryKeyConstraint("id", name="pk_line_fulfilments"),
        sa.UniqueConstraint("line_id", name="uq_line_fulfilments_line_id"),
    )
    op.create_index("ix_line_fulfilments_order_id", "line_fulfilments", ["order_id"])
    op.create_index("ix_line_fulfilments_due_on", "line_fulfilments", ["due_on"])

    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("credentials", "order_id", "orders"),
        _fk("credentials", "line_id", "order_lines"),
        sa.PrimaryKeyConstraint("id", name="pk_credentials"),
        sa.UniqueConstraint("line_id", name="uq_credentials_line_id"),
    )
    op.create_index("ix_credentials_order_id", "credentials", ["order_id"])

    op.create_table(
        "kompletteringar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        _fk("kompletteringar", "order_id", "orders"),
        _fk("kompletteringar", "requested_by_id", "persons"),
        _fk("kompletteringar", "answered_by_id", "persons"),
        sa.PrimaryKeyConstraint("id", name="pk_kompletteringar"),
    )
    op.create_index("ix_kompletteringar_order_id", "kompletteringar", ["order_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_person_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=250), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("template", sa.String(length=80), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _fk("outbox", "to_person_id", "persons"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
    )
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_to_person_id", "outbox", ["to_person_id"])

    op.create_table(
        "attest_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("attestant_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        _fk("attest_reminders", "order_id", "orders"),
        _fk("attest_reminders", "attestant_id", "persons"),
        sa.PrimaryKeyConstraint("id", name="pk_attest_reminders"),
        sa.UniqueConstraint("order_id", "period", name="uq_attest_reminders_order_period"),
    )

    op.create_table(
        "permission_endings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_permission_id", sa.Integer(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        _fk("permission_endings", "held_permission_id", "held_permissions"),
        sa.PrimaryKeyConstraint("id", name="pk_permission_endings"),
        sa.UniqueConstraint("held_permission_id", name="uq_permission_endings_held_permission_id"),
    )


def downgrade() -> None:
    op.drop_table("permission_endings")
    op.drop_table("attest_reminders")
    op.drop_index("ix_outbox_to_person_id", table_name="outbox")
    op.drop_index("ix_outbox_status_next", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_kompletteringar_order_id", table_name="kompletteringar")
    op.drop_table("kompletteringar")
    op.drop_index("ix_credentials_order_id", table_name="credentials")
    op.drop_table("credentials")
    op.drop_index("ix_line_fulfilments_due_on", table_name="line_fulfilments")
    op.drop_index("ix_line_fulfilments_order_id", table_name="line_fulfilments")
    op.drop_table("line_fulfilments")
