"""siths: login challenges, SITHS sessions, attest signing requests and signatures

Revision ID: 0003
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def _ix(table: str, column: str) -> None:
    op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "siths_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_siths_challenges"),
        sa.UniqueConstraint("value", name="uq_siths_challenges_value"),
    )
    _ix("siths_challenges", "created_at")
    op.create_table(
        "siths_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        _fk("siths_sessions", "person_id", "persons"),
        sa.PrimaryKeyConstraint("id", name="pk_siths_sessions"),
        sa.UniqueConstraint("sid", name="uq_siths_sessions_sid"),
    )
    _ix("siths_sessions", "person_id")
    op.create_table(
        "attest_signing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("attestant_id", sa.Integer(), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _fk("attest_signing_requests", "order_id", "orders"),
        _fk("attest_signing_requests", "attestant_id", "persons"),
        sa.PrimaryKeyConstraint("id", name="pk_attest_signing_requests"),
        sa.UniqueConstraint("nonce", name="uq_attest_signing_requests_nonce"),
    )
    for column in ("order_id", "attestant_id", "created_at"):
        _ix("attest_signing_requests", column)
    op.create_table(
        "attest_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signer_hsa_id", sa.String(length=31), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("algorithm", sa.String(length=30), nullable=False),
        sa.Column("certificate_chain_pem", sa.Text(), nullable=False),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=False),
        sa.Column("receipt", sa.LargeBinary(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        _fk("attest_signatures", "order_id", "orders"),
        _fk("attest_signatures", "signer_id", "persons"),
        sa.PrimaryKeyConstraint("id", name="pk_attest_signatures"),
        sa.UniqueConstraint("nonce", name="uq_attest_signatures_nonce"),
    )
    for column in ("order_id", "signer_id"):
        _ix("attest_signatures", column)


def downgrade() -> None:
    for table in ("attest_signatures", "attest_signing_requests", "siths_sessions", "siths_challenges"):
        op.drop_table(table)
