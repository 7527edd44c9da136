"""Done when (issue 17): after the demo registry is loaded, neither the SQLite file's bytes nor a plain
``pg_dump`` of the PostgreSQL database hold a NIK or KK number of the demo population, nor any sealed free
text (quarantined forms, linkage and PPKS evidence, case notes, change requests, grievances, village
deliberations, data-subject requests); the log (DEBUG, SQL echo off) neither. A person's request to correct
their NIK (a data-subject request that makes a change request, applied) leaves neither number nor the
person's words readable either."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.engine import make_url

from inklusi import demo, vault
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.programmes import service as programmes
from inklusi.registry import service as registry
from inklusi.schema import import_all_tables
from inklusi.sharing import service as sharing
from inklusi.sharing.service import RequestInput
from tests.factories import SYSTEM
from tests.sharing.subjects.registries import head_of, small_registry

HOUSEHOLDS = 60  # the fewest the generator splits and moves households with (tests/demo uses as many)


def population_numbers(population: Path) -> set[str]:
    """Every NIK and KK number the generator made, in every round and listing."""
    numbers: set[str] = set()
    for path in population.rglob("*.parquet"):
        for name in pq.read_schema(path).names:
            if "nik" in name or "kk" in name:
                values = pq.read_table(path, columns=[name])[name].to_pylist()
                numbers |= {v for v in values if isinstance(v, str) and len(v) == 16 and v.isdigit()}
    return numbers


def _strings(value: object) -> Iterator[str]:
    """The texts of a value as read (a sealed JSON value: the strings in it)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def sealed_texts(ctx: Context) -> set[str]:
    """Every value of every sealed column, opened (long enough not to turn up by chance)."""
    import_all_tables()
    found: set[str] = set()
    with ctx.engine.connect() as conn:
        for sealed in vault.sealed_columns():
            column = sealed.table.c[sealed.column]
            for value in conn.scalars(select(column).where(column.is_not(None))):
                found |= {text for text in _strings(value) if len(text) >= 12}
    return found


def stored_bytes(settings: Settings) -> bytes:
    if settings.database_url is None:
        files = sorted(settings.data_dir.glob("inklusi.db*"))  # the database, its WAL and shared memory
        return b"".join(path.read_bytes() for path in files)
    url = make_url(settings.database_url).set(drivername="postgresql")
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--dbname", url.render_as_string(hide_password=False)],
        capture_output=True,
        check=True,
    )
    return dump.stdout


def test_no_plaintext_number_or_sealed_text_at_rest_or_in_the_log(settings, caplog):
    with caplog.at_level(logging.DEBUG):
        demo.prepare(settings, households=HOUSEHOLDS)
        ctx = Context.open(settings)
        try:
            numbers = population_numbers(settings.data_dir / "demo-rounds" / "population")
            some = sorted(numbers)[:20]
            assert any(registry.find_persons(ctx, SYSTEM, nik) for nik in some)  # still found by number
            texts = sealed_texts(ctx)
        finally:
            ctx.close()
    assert len(numbers) > 100
    assert len(texts) > 20  # quarantined forms, evidence, notes: there is something to look for
    stored = stored_bytes(settings)
    assert b"person_version" in stored  # the dump (or file) is the registry's
    leaked = sorted(n for n in numbers if n.encode() in stored)
    assert not leaked, f"{len(leaked)} NIK/KK numbers in plain text at rest, e.g. {leaked[:3]}"
    leaked_texts = [t[:60] for t in texts if t.encode() in stored]
    assert not leaked_texts, f"sealed texts in plain text at rest: {leaked_texts[:3]}"
    logged = caplog.text
    assert not [n for n in numbers if n in logged]


def test_a_nik_correction_asked_by_the_person_leaves_no_number_or_words_at_rest(ctx, caplog):
    small = small_registry(ctx)
    person_id, nik = head_of(ctx, small.jakarta[0])
    new_nik = nik[:12] + ("9876" if nik[12:] != "9876" else "9875")
    statement = f"NIK saya tertulis {nik}, yang benar {new_nik} sesuai KTP elektronik baru"
    contact = "Telepon 0812-7788-9911 (Ibu Sumarni, tetangga)"
    with caplog.at_level(logging.DEBUG):
        made = sharing.submit_request(
            ctx, small.steward,
            RequestInput(kind="correction", person_id=person_id, statement=statement, contact=contact,
                         evidence=f"Fotokopi KTP {new_nik}", changes={"nik": new_nik}),
        )  # fmt: skip
        assert made.change_request_id is not None
        note = f"KTP {new_nik} diperiksa di kantor desa"
        applied = registry.decide_change_request(ctx, SYSTEM, made.change_request_id, approve=True, note=note)
        objection = sharing.submit_request(
            ctx, small.steward,
            RequestInput(kind="objection", person_id=person_id, statement="Rumah kami disewa, bukan milik"),
        )  # fmt: skip
        (grievance,) = programmes.grievance_queue(ctx, small.steward)
        response = "Perbaikan NIK sudah diterapkan; petugas akan menelepon Ibu Sumarni"
        sharing.close_request(ctx, small.steward, made.id, response=response)
        # every value reads back as written: the sealed JSON too
        assert applied.changes == {"nik": new_nik} and applied.decision_note == note
        assert sharing.get_request(ctx, small.steward, made.id).statement == statement
        assert grievance.id == objection.grievance_id and "disewa" in grievance.statement
        assert [hit.nik for hit in registry.find_persons(ctx, SYSTEM, new_nik)] == [new_nik]
        assert registry.find_persons(ctx, SYSTEM, nik) == []
    stored = stored_bytes(ctx.settings)
    assert b"change_request" in stored and b"subject_request" in stored
    for secret in (nik, new_nik, "0812-7788-9911", "Sumarni", "disewa", "KTP elektronik", "diperiksa"):
        assert secret.encode() not in stored, f"{secret} in plain text at rest"
    assert nik not in caplog.text and new_nik not in caplog.text
