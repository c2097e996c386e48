"""The Alembic migrations build exactly the models' schema, on SQLite and on PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from beh_core.db import get_database
from beh_core.models import Base
from beh_core.models.directory import include_in_schema


def test_migreringarna_ger_samma_schema_som_modellerna(app):
    with get_database(app).engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_in_schema})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_varje_sorterbar_lista_har_index(app):
    indexed = {tuple(c.name for c in index.columns) for index in Base.metadata.tables["orders"].indexes}
    for wanted in [("orderer_id", "created_at", "id"), ("attestant_id", "status", "created_at", "id"),
                   ("status", "kind", "catalogue", "created_at", "id"), ("omrade_id", "created_at", "id"),
                   ("enhet_id", "created_at", "id"), ("end_user_id", "created_at", "id"),
                   ("status", "akut", "created_at", "id")]:
        assert wanted in indexed
