"""provlabb: lab leaders

Revision ID: provlabb_0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "provlabb_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provlabb_labbledare",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enhet_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["enhet_id"], ["enheter.id"], name="fk_provlabb_labbledare_enhet_id_enheter"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_provlabb_labbledare_person_id_persons"),
        sa.PrimaryKeyConstraint("id", name="pk_provlabb_labbledare"),
        sa.UniqueConstraint("enhet_id", name="uq_provlabb_labbledare_enhet_id"),
    )


def downgrade() -> None:
    op.drop_table("provlabb_labbledare")
