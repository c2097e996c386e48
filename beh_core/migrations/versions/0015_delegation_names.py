"""delegations carry their person's lower-case names: Hantera delegeringar read in index order

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27

Hantera delegeringar lists one område's delegations by Efternamn. Sorting by the person's name joined
every delegation of the område to its person and sorted them all for each page (about 1 700 at 20 000
delegations, 19 ms in the benchmark; issue 13). The delegations now hold copies of the person's
``last_name_lc`` and ``first_name_lc``, kept by the database (a trigger fills them when a delegation is
inserted, another follows a name the directory changes), and the index
``(scope, forvaltning_id, omrade_id, person_last_name_lc, person_first_name_lc)`` gives the page in order.
"""
from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PG_STATEMENTS = [
    """CREATE FUNCTION delegations_copy_names() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT p.last_name_lc, p.first_name_lc INTO NEW.person_last_name_lc, NEW.person_first_name_lc
          FROM persons p WHERE p.id = NEW.person_id;
        RETURN NEW;
    END $$""",
    """CREATE FUNCTION persons_copy_names() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE delegations SET person_last_name_lc = NEW.last_name_lc, person_first_name_lc = NEW.first_name_lc
         WHERE person_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER delegations_copy_names BEFORE INSERT OR UPDATE OF person_id ON delegations
       FOR EACH ROW EXECUTE FUNCTION delegations_copy_names()""",
    """CREATE TRIGGER persons_copy_names AFTER UPDATE OF last_name_lc, first_name_lc ON persons
       FOR EACH ROW WHEN (OLD.last_name_lc IS DISTINCT FROM NEW.last_name_lc
                          OR OLD.first_name_lc IS DISTINCT FROM NEW.first_name_lc)
       EXECUTE FUNCTION persons_copy_names()""",
]
SQLITE_STATEMENTS = [
    """CREATE TRIGGER delegations_copy_names AFTER INSERT ON delegations BEGIN
        UPDATE delegations SET
            person_last_name_lc = (SELECT last_name_lc FROM persons WHERE id = NEW.person_id),
            person_first_name_lc = (SELECT first_name_lc FROM persons WHERE id = NEW.person_id)
        WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER persons_copy_names AFTER UPDATE OF last_name_lc, first_name_lc ON persons
       WHEN OLD.last_name_lc IS NOT NEW.last_name_lc OR OLD.first_name_lc IS NOT NEW.first_name_lc BEGIN
        UPDATE delegations SET person_last_name_lc = NEW.last_name_lc, person_first_name_lc = NEW.first_name_lc
         WHERE person_id = NEW.id;
    END""",
]


def _name_type():
    return sa.String(100).with_variant(sa.String(100, collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("delegations") as batch:
        batch.add_column(sa.Column("person_last_name_lc", _name_type(), nullable=True))
        batch.add_column(sa.Column("person_first_name_lc", _name_type(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE delegations d SET person_last_name_lc = p.last_name_lc, "
                   "person_first_name_lc = p.first_name_lc FROM persons p WHERE p.id = d.person_id")
        statements = PG_STATEMENTS
    else:
        op.execute("UPDATE delegations SET "
                   "person_last_name_lc = (SELECT last_name_lc FROM persons WHERE persons.id = delegations.person_id), "
                   "person_first_name_lc = (SELECT first_name_lc FROM persons WHERE persons.id = delegations.person_id)")
        statements = SQLITE_STATEMENTS
    for statement in statements:
        op.execute(statement)
    op.create_index("ix_delegations_scope_name", "delegations",
                    ["scope", "forvaltning_id", "omrade_id", "person_last_name_lc", "person_first_name_lc"])


def downgrade() -> None:
    op.drop_index("ix_delegations_scope_name", table_name="delegations")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER persons_copy_names ON persons")
        op.execute("DROP TRIGGER delegations_copy_names ON delegations")
        op.execute("DROP FUNCTION persons_copy_names()")
        op.execute("DROP FUNCTION delegations_copy_names()")
    else:
        op.execute("DROP TRIGGER persons_copy_names")
        op.execute("DROP TRIGGER delegations_copy_names")
    with op.batch_alter_table("delegations") as batch:
        batch.drop_column("person_first_name_lc")
        batch.drop_column("person_last_name_lc")
