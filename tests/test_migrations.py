"""The schema comes only from migrations, and the migrations match the tables the code declares."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from inklusi.db import alembic_config, metadata, migrate, schema_revision
from inklusi.schema import import_all_tables


def test_migrated_schema_matches_the_declared_tables(ctx):
    import_all_tables()
    with ctx.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_migrations_go_down_and_up_again(ctx):
    engine = ctx.engine
    command.downgrade(alembic_config(engine), "base")
    assert schema_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert schema_revision(engine) == "0001"
    assert {"area", "audit_log", "household_version", "family_member"} <= set(
        inspect(engine).get_table_names()
    )
