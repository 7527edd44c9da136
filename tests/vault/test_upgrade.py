"""Migration 0019 on a registry that holds plain numbers: every NIK and KK number is sealed and indexed in
place (and the downgrade gives them back in plain), and search by number still finds them. Migration 0020
on a registry that holds plain requests: a change request correcting a NIK and the data-subject request
behind it are sealed in place, read back as written, go back to plain text on a downgrade, and a rotation
of the ``sensitive`` key moves them too."""

from __future__ import annotations

from alembic import command
from sqlalchemy import LargeBinary, select, text, type_coerce

from inklusi import vault
from inklusi.db import alembic_config, migrate
from inklusi.registry import service as registry
from inklusi.registry.tables import change_request
from inklusi.schema import import_all_tables
from inklusi.sharing import service as sharing
from inklusi.sharing.service import RequestInput
from tests.factories import SYSTEM, household
from tests.sharing.subjects.registries import head_of, small_registry


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


PLAIN_REQUESTS = {  # what 0020 seals, as SQL reads it before
    "change_request": ("changes", "reason", "evidence"),
    "subject_request": ("statement", "contact", "details"),
}


def _plain_values(ctx) -> list[str]:
    with ctx.engine.connect() as conn:
        return [
            str(value)  # a JSON column: text on SQLite, a dict through psycopg
            for table, columns in PLAIN_REQUESTS.items()
            for column in columns
            for value in conn.execute(text(f"SELECT {column} FROM {table}")).scalars()
        ]


def test_an_upgrade_seals_the_requests_already_there_and_a_rotation_moves_them(ctx):
    small = small_registry(ctx)
    person_id, nik = head_of(ctx, small.jakarta[0])
    new_nik = nik[:12] + ("9876" if nik[12:] != "9876" else "9875")
    statement = f"NIK saya yang benar {new_nik}"
    made = sharing.submit_request(
        ctx, small.steward,
        RequestInput(kind="correction", person_id=person_id, statement=statement, contact=f"HP {nik[:12]}",
                     evidence=f"KTP {new_nik}", changes={"nik": new_nik}),
    )  # fmt: skip
    assert made.change_request_id is not None
    command.downgrade(alembic_config(ctx.engine), "0019")
    plain = _plain_values(ctx)
    assert len(plain) == 6 and all(nik[:12] in value for value in plain)
    migrate(ctx.engine)
    with ctx.engine.connect() as conn:
        for table, columns in PLAIN_REQUESTS.items():
            for column in columns:
                (value,) = conn.execute(text(f"SELECT {column} FROM {table}")).scalars()
                assert isinstance(value, bytes) and nik[:12].encode() not in value
    request = registry.get_change_request(ctx, SYSTEM, made.change_request_id)
    assert request.changes == {"nik": new_nik} and new_nik in request.reason
    assert sharing.get_request(ctx, small.steward, made.id).statement == statement

    rotation = vault.rotate(ctx.engine, ctx.keyring, "sensitive")
    assert rotation.rows >= 6  # the request's texts are among the values moved
    import_all_tables()
    with ctx.engine.connect() as conn:
        for column in vault.sealed_columns():
            if column.purpose == "sensitive":
                assert vault.rows_under(conn, column, 1) == 0, column.name
        raw = conn.execute(select(type_coerce(change_request.c.changes, LargeBinary))).scalar_one()
    assert vault.version_of(raw) == rotation.to_version
    assert registry.get_change_request(ctx, SYSTEM, made.change_request_id).changes == {"nik": new_nik}

    command.downgrade(alembic_config(ctx.engine), "0019")  # and back: the texts in plain, as they were
    assert sorted(_plain_values(ctx)) == sorted(plain)
    migrate(ctx.engine)
    assert sharing.get_request(ctx, small.steward, made.id).statement == statement
