"""Migration 0019 on a registry that holds plain numbers: every NIK and KK number is sealed and indexed in
place (and the downgrade gives them back in plain), and search by number still finds them."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from inklusi.db import alembic_config, migrate
from inklusi.registry import service as registry
from tests.factories import SYSTEM, household


def test_an_upgrade_seals_the_numbers_already_there(ctx):
    record = household()
    registry.register_household(ctx, SYSTEM, record, source="test")
    nik = record.families[0].members[0].person.nik
    kk = record.families[0].kk_number
    command.downgrade(alembic_config(ctx.engine), "0018")
    with ctx.engine.connect() as conn:
        assert nik in conn.execute(text("SELECT nik FROM person_version")).scalars().all()
        assert kk in conn.execute(text("SELECT kk_number FROM family_version")).scalars().all()
    migrate(ctx.engine)
    with ctx.engine.connect() as conn:
        stored = conn.execute(text("SELECT nik, nik_index FROM person_version")).all()
    assert all(isinstance(value, bytes) and nik.encode() not in value for value, _index in stored)
    assert all(index is not None for _value, index in stored)
    assert [hit.nik for hit in registry.find_persons(ctx, SYSTEM, nik)] == [nik]
    assert len(registry.find_persons(ctx, SYSTEM, kk)) == len(record.families[0].members)
