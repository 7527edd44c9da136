"""Alembic environment: runs against the engine handed over by :func:`inklusi.db.migrate`.

For ``alembic revision --autogenerate`` during development, set ``INKLUSI_DATABASE_URL`` (or rely on the
default SQLite file) and run alembic with ``-c src/inklusi/migrations/alembic.ini``.
"""

from alembic import context

from inklusi.config import Settings
from inklusi.db import make_engine, metadata
from inklusi.schema import import_all_tables

import_all_tables()

engine = context.config.attributes.get("engine") or make_engine(Settings().db_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
