"""Issue 11 #21: refusals are audited, what is logged is bounded, searched numbers are not stored in
clear, and cutting off the end of the log is found by the next ``audit verify``."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from inklusi.access.model import Principal
from inklusi.app import create_app
from inklusi.audit import service
from inklusi.audit.events import ACCESS_DENIED, WELFARE_TRAIN, Event
from inklusi.audit.model import MAX_TEXT, Purpose
from inklusi.cli import app as cli_app
from inklusi.registry import service as registry
from tests.audit.test_chain import as_attacker, record_events
from tests.conftest import bearer
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user

API = "/api/v1"
MISSING = "00000000-0000-7000-8000-000000000000"


def _entries(ctx, action: str) -> list:
    return [e for e in service.recent(ctx, SYSTEM, limit=500) if e.action == action]


def test_denied_reads_and_writes_are_audited_with_the_object_id(client, ctx):
    bandung = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="test")
    user(ctx, "dinsos-dki", ("case_worker", "31"))
    headers = bearer(client, "dinsos-dki")
    for _ in range(10):
        assert client.get(f"{API}/households/{bandung.household_id}", headers=headers).status_code == 404
        assert client.get(f"{API}/households/{MISSING}", headers=headers).status_code == 404
    assert client.get(f"{API}/audit/verify", headers=headers).status_code == 403
    change = {
        "target_type": "person",
        "target_id": str(bandung.person_ids[0]),
        "changes": {"name": "Someone Else"},
        "reason": "probe",
        "evidence": "none",
    }
    assert client.post(f"{API}/change-requests", json=change, headers=headers).status_code in (403, 404)
    denied = _entries(ctx, "access.denied")
    assert len(denied) == 22
    assert all(e.actor_name == "dinsos-dki" for e in denied)
    ids = [e.object_id for e in denied if e.object_type == "household"]
    assert ids.count(str(bandung.household_id)) == 10 and ids.count(MISSING) == 10
    assert json.loads(denied[0].detail)["path"] == f"{API}/change-requests"
    assert json.loads(denied[1].detail) | {"params": {}} == {
        "method": "GET",
        "path": f"{API}/audit/verify",
        "params": {},
        "status": 403,
        "reason": "forbidden",
    }
    assert service.verify(ctx, SYSTEM).intact


def test_denied_web_pages_are_audited_too(settings, ctx):
    bandung = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="test")
    user(ctx, "dinsos-dki", ("case_worker", "31"))
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        form = client.get("/login").text
        csrf = form.split('name="login_csrf" value="')[1].split('"')[0]
        client.post(
            "/login",
            data={"username": "dinsos-dki", "password": "dinsos-dki-password", "login_csrf": csrf},
            follow_redirects=False,
        )
        assert client.get(f"/households/{bandung.household_id}").status_code == 404
    assert [e.object_id for e in _entries(ctx, "access.denied")] == [str(bandung.household_id)]


def test_refusals_cannot_flood_the_log(ctx):
    prober = user(ctx, "prober", ("case_worker", "31"))
    event = Event(
        kind=ACCESS_DENIED,
        actor=prober.actor,
        purpose=Purpose.registry_view,
        object_type="household",
        object_id=MISSING,
    )
    recorded = [service.record_denial(ctx, event) for _ in range(service.DENIALS_PER_MINUTE + 10)]
    assert recorded.count(True) == service.DENIALS_PER_MINUTE
    assert len(_entries(ctx, "access.denied")) == service.DENIALS_PER_MINUTE


def test_a_megabyte_username_does_not_go_into_the_log(client, ctx):
    response = client.post(f"{API}/auth/token", data={"username": "x" * 1_000_000, "password": "whatever"})
    assert response.status_code == 401
    with ctx.engine.connect() as conn:
        longest = conn.execute(text("SELECT max(length(detail)) FROM audit_log")).scalar()
    assert longest < 1_000


def test_every_logged_field_is_capped(ctx):
    huge = Event(  # actions are the catalogue's (at most 40 characters: tests/audit/unit/test_events.py)
        kind=ACCESS_DENIED,
        actor=Principal.system("n" * 10_000).actor,
        purpose=Purpose.administration,
        object_type="t" * 1000,
        object_id="i" * 1000,
        area_code="3" * 1000,
        detail={"path": "x" * 100_000, "params": list(range(100_000)), "reason": {"k" * 1000: 1}},
    )
    service.record_alone(ctx, huge)
    stored = service.recent(ctx, SYSTEM, limit=1)[0]
    assert len(stored.actor_name) <= 120 and len(stored.action) <= 40 and len(stored.object_type) <= 40
    assert len(stored.object_id) <= 64 and len(stored.area_code) <= 13
    detail = json.loads(stored.detail)
    assert len(detail["path"]) == MAX_TEXT and len(detail["params"]) == 1001
    assert [len(key) for key in detail["reason"]] == [100]
    assert len(stored.detail) < 20_000
    assert service.verify(ctx, SYSTEM).intact


def test_a_searched_nik_is_stored_as_a_keyed_hash(ctx, settings):
    hh = registry.register_household(ctx, SYSTEM, household(JAKARTA_VILLAGE), source="test")
    nik = registry.get_person(ctx, SYSTEM, hh.person_ids[0]).data.nik
    spaced = " ".join(nik[i : i + 4] for i in range(0, 16, 4))
    assert registry.find_persons(ctx, SYSTEM, nik) and registry.find_persons(ctx, SYSTEM, spaced)
    with ctx.engine.connect() as conn:
        details = conn.execute(text("SELECT detail FROM audit_log")).scalars().all()
    assert not any(nik in detail or spaced in detail for detail in details)
    # an auditor who knows the number can still find its searches
    found = service.recent(ctx, SYSTEM, containing=service.pseudonym(ctx, nik))
    assert [e.action for e in found] == ["registry.search", "registry.search"]
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en", "COLUMNS": "200"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    result = CliRunner().invoke(cli_app, ["audit", "log", "--nik", spaced], env=env)
    assert result.exit_code == 0 and result.output.count("registry.search") == 2
    hashed = CliRunner().invoke(cli_app, ["audit", "nik-hash", nik], env=env)
    assert hashed.output.strip() == service.pseudonym(ctx, nik)


def test_hashes_and_ids_are_not_mistaken_for_numbers(ctx):
    detail = {
        "fingerprint": "1234567890123456" + "ab" * 24,
        "version": "01234567-1234-1234-1234-123456789012",
    }
    service.record_alone(
        ctx, Event(kind=WELFARE_TRAIN, actor=SYSTEM.actor, purpose=Purpose.programme_targeting, detail=detail)
    )
    assert json.loads(service.recent(ctx, SYSTEM, limit=1)[0].detail) == detail


def _verify_cli(settings, anchor) -> tuple[int, str]:
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    result = CliRunner().invoke(cli_app, ["audit", "verify", "--anchor", str(anchor)], env=env)
    return result.exit_code, " ".join(result.output.split())


def test_cutting_off_the_end_of_the_log_is_found_by_the_next_verify(ctx, settings, tmp_path):
    anchor = tmp_path / "published" / "anchor.json"
    record_events(ctx, 5)
    assert _verify_cli(settings, anchor)[0] == 0
    published = json.loads(anchor.read_text())
    record_events(ctx, 2)  # the log grows: still fine, and the newer head is published
    assert _verify_cli(settings, anchor)[0] == 0
    assert json.loads(anchor.read_text())["seq"] > published["seq"]
    with as_attacker(ctx) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > :seq"), {"seq": published["seq"] - 1})
    assert service.verify(ctx, SYSTEM).intact  # the chain alone cannot tell
    code, output = _verify_cli(settings, anchor)
    assert code == 1
    assert "Entries were deleted from the end of the log" in output


def test_the_anchor_defaults_to_the_setting(ctx, settings, tmp_path):
    chosen = tmp_path / "anchor-from-setting.json"
    ctx.settings.__dict__["audit_anchor_file"] = chosen
    assert service.anchor_file(ctx) == chosen
    check, previous = service.verify_anchored(ctx, SYSTEM, service.anchor_file(ctx))
    assert check.intact and previous is None and chosen.exists()
    assert oct(chosen.stat().st_mode & 0o777) == "0o600"
