"""The audit log is append-only and hash-chained; ``audit verify`` names the first broken entry."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from inklusi.access.model import Principal
from inklusi.audit import service
from inklusi.audit.events import ORGANISATION_CREATE, Event
from inklusi.audit.model import Actor, Purpose, entry_hash
from inklusi.audit.store import entries
from inklusi.cli import app

ACTOR = Actor(None, "tester")
READER = Principal.system("tester")  # the log is read by whoever holds audit:read


def record_events(ctx, n: int) -> None:
    for i in range(n):
        service.record_alone(
            ctx,
            Event(
                kind=ORGANISATION_CREATE,
                actor=ACTOR,
                purpose=Purpose.administration,
                object_id=str(i),
                detail={"name": f"organisation {i}"},
            ),
        )


@contextmanager
def as_attacker(ctx):
    """Someone with the database owner's rights lifts the append-only guard."""
    with ctx.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        yield conn


def verify_cli(settings) -> tuple[int, str]:
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    result = CliRunner().invoke(app, ["audit", "verify"], env=env)
    return result.exit_code, " ".join(result.output.split())


def first_seq(ctx) -> int:
    with ctx.engine.connect() as conn:
        return conn.execute(text("SELECT min(seq) FROM audit_log")).scalar()


def test_an_intact_chain_verifies(ctx, settings):
    record_events(ctx, 5)
    check = service.verify(ctx, READER)
    assert check.intact
    assert check.entries >= 5  # init itself audits the creation of the administrator
    code, output = verify_cli(settings)
    assert code == 0
    assert "intact" in output and check.head_hash in output


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET purpose = 'x'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_change_the_log(ctx, statement):
    record_events(ctx, 1)
    with pytest.raises(DBAPIError, match="append-only"), ctx.engine.begin() as conn:
        conn.execute(text(statement))


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite has no TRUNCATE
def test_postgresql_refuses_truncate(ctx):
    with pytest.raises(DBAPIError, match="append-only"), ctx.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))


def test_verify_names_an_edited_entry(ctx, settings):
    record_events(ctx, 6)
    target = first_seq(ctx) + 3
    with as_attacker(ctx) as conn:
        conn.execute(text("UPDATE audit_log SET purpose = 'case_management' WHERE seq = :s"), {"s": target})
    check = service.verify(ctx, READER)
    assert (check.finding.problem, check.finding.seq) == ("edited", target)
    code, output = verify_cli(settings)
    assert code == 1
    assert f"Entry {target} was edited" in output


def test_verify_names_a_deleted_entry(ctx, settings):
    record_events(ctx, 6)
    target = first_seq(ctx) + 3
    with as_attacker(ctx) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": target})
    check = service.verify(ctx, READER)
    assert (check.finding.problem, check.finding.seq) == ("deleted", target + 1)
    code, output = verify_cli(settings)
    assert code == 1
    assert f"deleted just before entry {target + 1}" in output


def test_verify_names_reordered_entries(ctx, settings):
    record_events(ctx, 6)
    a = first_seq(ctx) + 2
    b = a + 1
    with as_attacker(ctx) as conn:
        for old, new in ((a, -1), (b, a), (-1, b)):
            conn.execute(text("UPDATE audit_log SET seq = :new WHERE seq = :old"), {"old": old, "new": new})
    check = service.verify(ctx, READER)
    assert (check.finding.problem, check.finding.seq, check.finding.linked_seq) == ("reordered", a, b)
    code, output = verify_cli(settings)
    assert code == 1
    assert f"Entry {a} is out of place" in output


def test_a_rewritten_chain_without_the_key_is_caught(ctx):
    """An attacker edits an entry and re-chains everything after it, with any key but the real one."""
    record_events(ctx, 4)
    target = first_seq(ctx) + 1
    with ctx.engine.connect() as conn:
        rows = [e for e in entries(conn) if e.seq >= target]
    prev_hash = rows[0].prev_hash
    with as_attacker(ctx) as conn:
        for index, entry in enumerate(rows):
            entry = replace(entry, prev_hash=prev_hash)
            if index == 0:
                entry = replace(entry, purpose="case_management")  # the edit to hide
            forged = entry_hash(b"a guessed key", prev_hash, entry)
            conn.execute(
                text("UPDATE audit_log SET purpose = :p, prev_hash = :ph, hash = :h WHERE seq = :s"),
                {"p": entry.purpose, "ph": prev_hash, "h": forged, "s": entry.seq},
            )
            prev_hash = forged
    check = service.verify(ctx, READER)
    assert (check.finding.problem, check.finding.seq) == ("edited", target)


def test_reading_the_log_is_itself_recorded(ctx):
    record_events(ctx, 2)
    service.recent(ctx, READER, object_type="organisation")
    last = service.recent(ctx, READER, limit=1)[0]
    assert (last.action, last.actor_name, last.purpose) == ("audit.read", "tester", "audit_review")


def test_concurrent_writers_keep_one_chain(ctx):
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            record_events(ctx, 15)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = service.verify(ctx, READER)
    assert check.intact
    assert check.entries >= 60
