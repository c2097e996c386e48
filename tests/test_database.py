"""The Alembic migrations build exactly the models' schema, on SQLite and on PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from beh_core.db import get_database
from beh_core.models import Base


def test_migreringarna_ger_samma_schema_som_modellerna(app):
    with get_database(app).engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_varje_sorterbar_lista_har_index(app):
    indexed = {tuple(c.name for c in index.columns) for index in Base.metadata.tables["orders"].indexes}
    for wanted in [("orderer_id", "created_at"), ("attestant_id", "status", "created_at"), ("status", "created_at"),
                   ("forvaltning_id", "created_at"), ("omrade_id", "created_at"), ("end_user_id", "created_at")]:
        assert wanted in indexed
