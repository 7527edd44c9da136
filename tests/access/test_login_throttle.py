"""Issue 11 #17: password guessing is throttled per account and per client address, in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from inklusi.access import service
from inklusi.access.model import PasswordChangeRequired
from inklusi.app import create_app
from inklusi.audit import service as audit
from inklusi.bootstrap import init
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import TooManyRequests, Unauthenticated
from inklusi.web.pages import LANGUAGE_COOKIE
from tests.conftest import ADMIN_PASSWORD
from tests.factories import SYSTEM

API = "/api/v1"


def _token(client, username: str, password: str, address: str = "testclient"):
    return client.post(f"{API}/auth/token", data={"username": username, "password": password})


def test_an_account_is_locked_after_repeated_wrong_passwords(client, ctx):
    """The attack: 50 wrong passwords in a few seconds, then the right one."""
    statuses = [_token(client, "admin", f"guess-{n:04d}").status_code for n in range(50)]
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    right = _token(client, "admin", ADMIN_PASSWORD)
    assert right.status_code == 429 and right.headers["content-type"] == "application/problem+json"
    assert 14 * 60 < int(right.headers["Retry-After"]) <= 15 * 60
    assert right.json()["code"] == "too-many-requests"
    locked = [e for e in audit.recent(ctx, SYSTEM, limit=500) if e.action == "login.locked"]
    assert len(locked) == 1 and '"username":"admin"' in locked[0].detail
    failed = [e for e in audit.recent(ctx, SYSTEM, limit=500) if e.action == "login.failed"]
    assert len(failed) == 5  # refused attempts are not tried, and do not flood the log


def test_the_lock_ends_and_a_success_resets_the_count(client, ctx):
    for n in range(6):
        _token(client, "admin", f"guess-{n:04d}")
    assert _token(client, "admin", ADMIN_PASSWORD).status_code == 429
    with ctx.engine.begin() as conn:  # the lockout has passed
        conn.execute(text("UPDATE login_throttle SET locked_until = :t"), {"t": utcnow() - timedelta(1)})
    assert _token(client, "admin", ADMIN_PASSWORD).status_code == 200
    for n in range(4):
        assert _token(client, "admin", f"again-{n:04d}").status_code == 401
    assert _token(client, "admin", ADMIN_PASSWORD).status_code == 200  # 4 + 1 right: still under the limit
    assert [_token(client, "admin", f"more-{n}-guess").status_code for n in range(6)][-1] == 429


def test_unknown_users_are_locked_exactly_like_known_ones(client):
    """The lockout must not tell which accounts exist."""
    known = [_token(client, "admin", f"guess-{n:04d}") for n in range(7)]
    unknown = [_token(client, "no-such-user", f"guess-{n:04d}") for n in range(7)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 5 + [429] * 2
    assert known[0].json()["detail"] == unknown[0].json()["detail"]
    assert known[-1].json()["detail"] == unknown[-1].json()["detail"]


def test_one_address_is_locked_after_guessing_many_accounts(settings, ctx):
    """One wrong password for each of many accounts (INKLUSI_LOGIN_MAX_FAILURES_PER_ADDRESS, 20 by
    default; 4 here to keep the test fast)."""
    strict = settings.model_copy(update={"login_max_failures_per_address": 4})
    with TestClient(create_app(strict), base_url="https://testserver") as client:
        statuses = [_token(client, f"user{n}", "some-password").status_code for n in range(6)]
        assert statuses == [401] * 4 + [429] * 2
        assert _token(client, "admin", ADMIN_PASSWORD).status_code == 429  # from the same address


def test_the_count_is_shared_by_every_worker(settings, ctx):
    """Two application instances (two server workers) on one database see the same failures."""
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        for n in range(3):
            assert _token(one, "admin", f"guess-{n:04d}").status_code == 401
        for n in range(2):
            assert _token(two, "admin", f"other-{n:04d}").status_code == 401
        assert _token(one, "admin", ADMIN_PASSWORD).status_code == 429


def _web_login(client, username: str, password: str, **headers):
    csrf = client.get("/login").text.split('name="login_csrf" value="')[1].split('"')[0]
    form = {"username": username, "password": password, "login_csrf": csrf, "next": "/"}
    return client.post("/login", data=form, headers=headers, follow_redirects=False)


def test_the_web_login_is_throttled_too(client):
    statuses = [_web_login(client, "admin", f"guess-{n:04d}").status_code for n in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    refused = _web_login(client, "admin", ADMIN_PASSWORD)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Terlalu banyak gagal masuk: coba lagi dalam 15 menit" in refused.text
    client.cookies.set(LANGUAGE_COOKIE, "en")
    assert "Too many failed logins: try again in 15 minutes" in _web_login(client, "admin", "y").text


def test_the_service_refuses_while_locked(ctx):
    for n in range(5):
        with pytest.raises(Unauthenticated):
            service.authenticate(ctx, "admin", f"guess-{n:04d}", "10.0.0.1")
    with pytest.raises(TooManyRequests) as refused:
        service.authenticate(ctx, "admin", ADMIN_PASSWORD, "10.0.0.2")
    assert refused.value.retry_after > 0


def test_a_generated_admin_password_must_be_changed_at_the_first_login(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    report = init(settings)
    assert report.admin_password and settings.admin_password_file.exists()
    ctx = Context.open(settings)
    try:
        with pytest.raises(PasswordChangeRequired):
            service.issue_token(ctx, "admin", report.admin_password)
        with TestClient(create_app(settings), base_url="https://testserver") as client:
            refused = _token(client, "admin", report.admin_password)
            assert refused.status_code == 403 and refused.json()["code"] == "password-change-required"
            same = {"username": "admin", "password": report.admin_password}
            short = client.post(f"{API}/auth/password", data=same | {"new_password": "short"})
            assert short.status_code == 422 and short.json()["errors"][0]["field"] == "new_password"
            assert settings.admin_password_file.exists()
            changed = client.post(f"{API}/auth/password", data=same | {"new_password": "a-new-long-password"})
            assert changed.status_code == 204
            assert not settings.admin_password_file.exists()
            assert _token(client, "admin", report.admin_password).status_code == 401
            assert _token(client, "admin", "a-new-long-password").status_code == 200
    finally:
        ctx.close()


def test_the_web_login_asks_for_a_new_password_when_the_first_was_generated(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    password = init(settings).admin_password
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        csrf = client.get("/login").text.split('name="login_csrf" value="')[1].split('"')[0]
        asked = client.post("/login", data={"username": "admin", "password": password, "login_csrf": csrf})
        assert asked.status_code == 403 and 'name="new_password"' in asked.text
        csrf = asked.text.split('name="login_csrf" value="')[1].split('"')[0]
        form = {
            "username": "admin",
            "password": password,
            "login_csrf": csrf,
            "new_password": "my-own-password",
        }
        done = client.post("/login", data=form, follow_redirects=False)
        assert done.status_code == 303 and "inklusi_session" in done.headers["set-cookie"]
    assert not settings.admin_password_file.exists()


def test_an_operator_supplied_password_need_not_be_changed(ctx):
    assert service.authenticate(ctx, "admin", ADMIN_PASSWORD).username == "admin"


def test_spent_counts_are_forgotten(ctx):
    """Random usernames must not fill the table: rows whose window passed without a lock go."""
    for n in range(3):
        with pytest.raises(Unauthenticated):
            service.authenticate(ctx, f"sprayed-{n}", "some-password")
    with ctx.engine.begin() as conn:
        conn.execute(
            text("UPDATE login_throttle SET window_start = :t"), {"t": utcnow() - timedelta(hours=1)}
        )
    with pytest.raises(Unauthenticated):
        service.authenticate(ctx, "one-more", "some-password")
    with ctx.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM login_throttle")).scalar() == 1
