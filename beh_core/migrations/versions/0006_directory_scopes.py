"""directory: neutral delegation scope codes, inactive persons, kostnadsställen

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

Delegation scopes were stored as "U" and "LR"; they become "enhet" and "omrade"
(the UI still shows U and L/R), so the core names no catalogue.
"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _prefix_string(length: int):
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(2), type_=sa.String(10))
    op.execute("UPDATE delegations SET scope = 'enhet' WHERE scope = 'U'")
    op.execute("UPDATE delegations SET scope = 'omrade' WHERE scope = 'LR'")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.create_index("ix_engagements_kostnadsstalle", ["kostnadsstalle"], unique=False)
    op.create_table(
        "kostnadsstallen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", _prefix_string(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("forvaltning_id", sa.Integer(), nullable=True),
        sa.Column("ansvarig_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.ForeignKeyConstraint(["forvaltning_id"], ["forvaltningar.id"],
                                name="fk_kostnadsstallen_forvaltning_id_forvaltningar"),
        sa.ForeignKeyConstraint(["ansvarig_id"], ["persons.id"], name="fk_kostnadsstallen_ansvarig_id_persons"),
        sa.PrimaryKeyConstraint("id", name="pk_kostnadsstallen"),
        sa.UniqueConstraint("code", name="uq_kostnadsstallen_code"),
    )
    op.create_index("ix_kostnadsstallen_forvaltning_id", "kostnadsstallen", ["forvaltning_id"], unique=False)
    op.create_index("ix_kostnadsstallen_ansvarig_id", "kostnadsstallen", ["ansvarig_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_kostnadsstallen_ansvarig_id", table_name="kostnadsstallen")
    op.drop_index("ix_kostnadsstallen_forvaltning_id", table_name="kostnadsstallen")
    op.drop_table("kostnadsstallen")
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.drop_index("ix_engagements_kostnadsstalle")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("active")
    op.execute("UPDATE delegations SET scope = 'U' WHERE scope = 'enhet'")
    op.execute("UPDATE delegations SET scope = 'LR' WHERE scope = 'omrade'")
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(10), type_=sa.String(2))
