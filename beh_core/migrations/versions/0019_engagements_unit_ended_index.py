"""engagements: one index of each unit's engagements by end date, for Att avsluta

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28

Att avsluta lists the ended engagements of the units a verksamhetschef or beställare answers for. With
an index on ``end_date`` alone it read every ended engagement of the region and kept the few at those
units (5 000 entries for 742 at 100 000 persons, issue 13). ``(enhet_id, end_date, id, person_id)``
reads each unit's own range from the index alone (the person is what the check of held permissions
needs); it also serves every lookup by unit the old ``ix_engagements_enhet_id`` served, so that one
goes.
"""
from alembic import op


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.create_index("ix_engagements_unit_ended", ["enhet_id", "end_date", "id", "person_id"], unique=False)
        batch_op.drop_index("ix_engagements_enhet_id")


def downgrade() -> None:
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.create_index("ix_engagements_enhet_id", ["enhet_id"], unique=False)
        batch_op.drop_index("ix_engagements_unit_ended")
