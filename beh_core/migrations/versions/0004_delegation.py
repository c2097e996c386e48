"""delegation: ended early (Ta bort) and end reminders

Revision ID: 0004
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ended_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reminded_for", sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_delegations_ended_by_id_persons"), "persons",
                                    ["ended_by_id"], ["id"])
        batch_op.create_index("ix_delegations_valid_to", ["valid_to"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.drop_index("ix_delegations_valid_to")
        batch_op.drop_constraint(batch_op.f("fk_delegations_ended_by_id_persons"), type_="foreignkey")
        batch_op.drop_column("reminded_for")
        batch_op.drop_column("ended_by_id")
        batch_op.drop_column("ended_at")
