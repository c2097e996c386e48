"""attest_signing_batches: one signing window (and one signature) for several orders (Godkänn markerade)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27

Used by the attestant's "Godkänn markerade" (e.g. a mass order of Vårdmedarbetaruppdrag VMU): one
document lists every order, one signature approves them all in one transaction.
"""
from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attest_signing_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("attestant_id", sa.Integer(), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("order_ids", sa.JSON(), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["attestant_id"], ["persons.id"],
                                name="fk_attest_signing_batches_attestant_id_persons"),
        sa.PrimaryKeyConstraint("id", name="pk_attest_signing_batches"),
        sa.UniqueConstraint("nonce", name="uq_attest_signing_batches_nonce"),
    )
    for column in ("attestant_id", "created_at"):
        op.create_index(f"ix_attest_signing_batches_{column}", "attest_signing_batches", [column])


def downgrade() -> None:
    for column in ("attestant_id", "created_at"):
        op.drop_index(f"ix_attest_signing_batches_{column}", table_name="attest_signing_batches")
    op.drop_table("attest_signing_batches")
