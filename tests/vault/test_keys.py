"""Encrypted NIK and KK in the registry: found by their blind index, sealed on disk, refused when altered
or moved, and still readable after rotation and re-wrapping (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import LargeBinary, create_engine, select, type_coerce, update
from typer.testing import CliRunner

from inklusi import vault
from inklusi.audit import service as audit
from inklusi.cli import app
from inklusi.context import Context
from inklusi.errors import Conflict
from inklusi.registry import service as registry
from inklusi.registry.tables import family_version, person_version
from inklusi.schema import import_all_tables
from tests.factories import SYSTEM, household


def _registered(ctx: Context, n: int = 3):
    records = [household() for _ in range(n)]
    for record in records:
        registry.register_household(ctx, SYSTEM, record, source="test")
    return records


def _raw(ctx: Context, column):
    with ctx.engine.connect() as conn:
        return (
            conn.execute(select(type_coerce(column, LargeBinary)).where(column.is_not(None))).scalars().all()
        )


def _cli(ctx: Context, *args: str):
    settings = ctx.settings
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_nik_and_kk_are_stored_sealed_and_found_exactly(ctx):
    records = _registered(ctx)
    nik = records[1].families[0].members[0].person.nik
    kk = records[2].families[0].kk_number
    for value in _raw(ctx, person_version.c.nik) + _raw(ctx, family_version.c.kk_number):
        assert vault.version_of(value) == 1
        assert nik.encode() not in value and kk.encode() not in value
    assert [hit.nik for hit in registry.find_persons(ctx, SYSTEM, nik)] == [nik]
    assert {hit.nik for hit in registry.find_persons(ctx, SYSTEM, kk)} == {
        m.person.nik for m in records[2].families[0].members
    }
    assert registry.find_persons(ctx, SYSTEM, nik[:-1] + str((int(nik[-1]) + 1) % 10)) == []


def test_a_kk_number_stays_unique_through_its_index(ctx):
    first = _registered(ctx, 1)[0]
    fresh = household()
    family = replace(fresh.families[0], kk_number=first.families[0].kk_number)
    with pytest.raises(Conflict, match="KK number already belongs"):
        registry.register_household(ctx, SYSTEM, replace(fresh, families=(family,)), source="test")


def test_an_altered_or_moved_value_is_refused(ctx):
    _registered(ctx, 1)
    with ctx.transaction() as conn:
        version_id, sealed = conn.execute(
            select(person_version.c.version_id, type_coerce(person_version.c.nik, LargeBinary)).limit(1)
        ).one()
        family_id = conn.execute(select(family_version.c.version_id).limit(1)).scalar_one()
        conn.execute(  # the sealed NIK copied into the KK column
            update(family_version)
            .where(family_version.c.version_id == family_id)
            .values(kk_number=type_coerce(sealed, LargeBinary))
        )
        altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
        conn.execute(
            update(person_version)
            .where(person_version.c.version_id == version_id)
            .values(nik=type_coerce(altered, LargeBinary))
        )
    with ctx.engine.connect() as conn:
        with pytest.raises(vault.KeyProblem, match=r"family_version\.kk_number"):
            conn.execute(
                select(family_version.c.kk_number).where(family_version.c.version_id == family_id)
            ).all()
        with pytest.raises(vault.KeyProblem, match=r"person_version\.nik"):
            conn.execute(select(person_version.c.nik).where(person_version.c.version_id == version_id)).all()


def test_the_blind_index_differs_per_registry_key(ctx, tmp_path):
    with ctx.engine.connect() as conn:
        ctx.keyring.load(conn)
    other = vault.KeyRing(vault.parse_master_key(vault.new_master_key()))
    engine = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    import_all_tables()
    vault.vault_key.create(engine)
    with engine.begin() as conn:
        vault.ensure_keys(conn, other.master)
        other.load(conn)
    engine.dispose()
    assert ctx.keyring.index("nik", "3171011403800001") != other.index("nik", "3171011403800001")


def test_rotation_keeps_every_value_readable_and_leaves_none_under_the_old_version(ctx):
    records = _registered(ctx, 4)
    niks = sorted(m.person.nik for r in records for m in r.families[0].members)
    output = _cli(ctx, "keys", "rotate", "--batch", "100")
    assert "Key nik: version 2 active" in output and "Key kk: version 2 active" in output
    import_all_tables()
    with ctx.engine.connect() as conn:
        for column in vault.sealed_columns():
            assert vault.rows_under(conn, column, 1) == 0
        states = {(v.purpose, v.version): v.retired_at is not None for v in vault.key_versions(conn)}
    assert states[("nik", 1)] and not states[("nik", 2)] and states[("kk", 1)]
    assert {vault.version_of(v) for v in _raw(ctx, person_version.c.nik)} == {2}
    with ctx.engine.connect() as conn:
        assert sorted(conn.scalars(select(person_version.c.nik))) == niks
    assert [hit.nik for hit in registry.find_persons(ctx, SYSTEM, niks[0])] == [niks[0]]
    _cli(ctx, "keys", "rotate", "--purpose", "index")  # the blind indexes computed again under a new key
    fresh = Context.open(ctx.settings)
    try:
        assert [hit.nik for hit in registry.find_persons(fresh, SYSTEM, niks[-1])] == [niks[-1]]
        kk = records[0].families[0].kk_number
        assert len(registry.find_persons(fresh, SYSTEM, kk)) == len(records[0].families[0].members)
    finally:
        fresh.close()
    status = _cli(ctx, "keys", "status")
    assert "retired" in status and "active" in status
    actions = [entry.action for entry in audit.recent(ctx, SYSTEM, limit=10)]
    assert actions.count("keys.rotate") == 4  # nik, kk, sensitive, index


def test_rewrap_puts_the_keys_under_a_new_master_key(ctx, tmp_path):
    records = _registered(ctx, 1)
    nik = records[0].families[0].members[0].person.nik
    old = ctx.settings.master_key_path.read_text()
    new_file = tmp_path / "new.key"
    new_file.write_text(vault.new_master_key())
    new_file.chmod(0o600)
    output = _cli(ctx, "keys", "rewrap", "--new-master-key-file", str(new_file))
    assert "4 data key versions wrapped" in output
    assert ctx.settings.master_key_path.read_text().strip() == new_file.read_text().strip()
    assert ctx.settings.master_key_path.stat().st_mode & 0o777 == 0o600
    fresh = Context.open(ctx.settings)
    try:
        assert [hit.nik for hit in registry.find_persons(fresh, SYSTEM, nik)] == [nik]
    finally:
        fresh.close()
    stale = vault.KeyRing(vault.parse_master_key(old))
    with ctx.engine.connect() as conn, pytest.raises(vault.KeyProblem, match="does not open the data keys"):
        stale.load(conn)
    assert "keys.rewrap" in [entry.action for entry in audit.recent(ctx, SYSTEM, limit=5)]
