"""The schema comes only from migrations, and the migrations match the tables the code declares."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from inklusi.db import alembic_config, head_revisions, metadata, migrate, schema_revisions
from inklusi.registry import service
from inklusi.schema import import_all_tables
from tests.factories import SYSTEM, household


def test_migrated_schema_matches_the_declared_tables(ctx):
    import_all_tables()
    with ctx.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_migrations_go_down_and_up_again(ctx):
    engine = ctx.engine
    command.downgrade(alembic_config(engine), "base")
    assert schema_revisions(engine) == set()
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert schema_revisions(engine) == head_revisions(engine)
    assert {"area", "audit_log", "household_version", "family_member"} <= set(
        inspect(engine).get_table_names()
    )


def test_the_name_index_is_backfilled_when_its_migration_runs(ctx):
    service.register_household(ctx, SYSTEM, household(), source="test")
    command.downgrade(alembic_config(ctx.engine), "0001")
    migrate(ctx.engine)
    assert [hit.name for hit in service.find_persons(ctx, SYSTEM, "Dewi Lestary")] == ["Dewi Lestari"]
