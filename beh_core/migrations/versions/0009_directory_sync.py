"""directory sync from LDAP: run records, staged entries, leaver reminders

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(12), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.String(80), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("high_water", sa.String(20), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_directory_sync_runs"),
    )
    op.create_index("ix_directory_sync_runs_status_started", "directory_sync_runs", ["status", "started_at"])
    op.create_table(
        "directory_sync_staged",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("key", sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql"), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["directory_sync_runs.id"],
                                name="fk_directory_sync_staged_run_id_directory_sync_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_directory_sync_staged"),
    )
    op.create_index("ix_directory_sync_staged_run_kind_key", "directory_sync_staged", ["run_id", "kind", "key"])
    op.create_table(
        "leaver_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagements.id"],
                                name="fk_leaver_reminders_engagement_id_engagements"),
        sa.PrimaryKeyConstraint("id", name="pk_leaver_reminders"),
        sa.UniqueConstraint("engagement_id", name="uq_leaver_reminders_engagement_id"),
    )
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.create_index("ix_engagements_end_date", ["end_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.drop_index("ix_engagements_end_date")
    op.drop_table("leaver_reminders")
    op.drop_index("ix_directory_sync_staged_run_kind_key", table_name="directory_sync_staged")
    op.drop_table("directory_sync_staged")
    op.drop_index("ix_directory_sync_runs_status_started", table_name="directory_sync_runs")
    op.drop_table("directory_sync_runs")
