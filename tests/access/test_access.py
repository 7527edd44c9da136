from datetime import timedelta

import pytest
from argon2 import Type
from sqlalchemy import text

from inklusi.access import service
from inklusi.access.model import OrganisationKind, Permission
from inklusi.audit import service as audit
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, Unauthenticated
from tests.conftest import ADMIN_PASSWORD, PRODUCTION_HASHER
from tests.factories import SYSTEM, user


def test_init_created_an_administrator(ctx):
    admin = service.authenticate(ctx, "admin", ADMIN_PASSWORD)
    assert admin.can(Permission.users_manage)
    assert admin.scope(Permission.registry_read).national


def test_production_hashes_passwords_at_least_at_owasps_argon2id_minimum():
    """OWASP's password storage cheat sheet: argon2id with 19 MiB, two iterations, one lane at least (the
    suite itself hashes at the lowest cost: tests/conftest.py)."""
    assert PRODUCTION_HASHER.type is Type.ID
    assert PRODUCTION_HASHER.memory_cost >= 19 * 1024 and PRODUCTION_HASHER.time_cost >= 2


def test_passwords_are_stored_as_argon2_hashes(ctx):
    with ctx.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM user_account WHERE username='admin'")).scalar()
    assert stored.startswith("$argon2id$") and ADMIN_PASSWORD not in stored


def test_wrong_passwords_and_unknown_users_fail_alike_and_are_audited(ctx):
    for username, password in (("admin", "wrong-password"), ("nobody", "whatever-it-is")):
        with pytest.raises(Unauthenticated) as raised:
            service.authenticate(ctx, username, password)
        assert raised.value.text.msgid == "Wrong username or password"
    failed = [e for e in audit.recent(ctx, SYSTEM) if e.action == "login.failed"]
    assert len(failed) == 2


def test_token_life_cycle(ctx):
    issued = service.issue_token(ctx, "Admin", ADMIN_PASSWORD)  # usernames are case-insensitive
    assert service.principal_for_token(ctx, issued.token).username == "admin"
    assert service.revoke_token(ctx, issued.token)
    with pytest.raises(Unauthenticated):
        service.principal_for_token(ctx, issued.token)
    with pytest.raises(Unauthenticated):
        service.principal_for_token(ctx, "made-up-token")


def test_expired_tokens_are_refused(ctx):
    issued = service.issue_token(ctx, "admin", ADMIN_PASSWORD)
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE api_token SET expires_at = created_at"))
    with pytest.raises(Unauthenticated) as raised:
        service.principal_for_token(ctx, issued.token)
    assert "expired" in raised.value.text.msgid


def test_tokens_are_short_lived_and_stored_hashed(ctx):
    before = utcnow()
    issued = service.issue_token(ctx, "admin", ADMIN_PASSWORD)
    lifetime = issued.expires_at - before
    assert timedelta(minutes=29) < lifetime <= timedelta(minutes=30, seconds=5)
    with ctx.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_token")).scalars().all()
    assert issued.token not in stored and len(stored[0]) == 64


def test_users_get_roles_within_areas(ctx):
    principal = user(ctx, "dinsos-bandung", ("steward", "32.73"), ("auditor", None))
    assert principal.can(Permission.registry_write, "32.73.01.1001")
    assert not principal.can(Permission.registry_write, "32.04.01.2001")
    assert principal.can(Permission.audit_read)
    assert principal.roles == ("steward", "auditor")


def test_user_management_is_checked(ctx):
    org = service.create_organisation(ctx, SYSTEM, "Yayasan Contoh", OrganisationKind.ngo, "32")
    with pytest.raises(Conflict):
        service.create_organisation(ctx, SYSTEM, "Yayasan Contoh", OrganisationKind.ngo)
    with pytest.raises(Invalid):
        service.create_organisation(ctx, SYSTEM, "Somewhere", OrganisationKind.regional, "99")
    with pytest.raises(Invalid):
        service.create_user(ctx, SYSTEM, username="short", password="short", organisation_id=org)
    with pytest.raises(Invalid):
        service.create_user(
            ctx,
            SYSTEM,
            username="norole",
            password="long-enough-pw",
            organisation_id=org,
            grants=[("wizard", None)],
        )
    planner = user(ctx, "planner", ("planner", None))
    with pytest.raises(Forbidden):
        service.create_organisation(ctx, planner, "Other", OrganisationKind.ngo)


def test_a_new_password_or_deactivation_ends_every_session(ctx):
    user(ctx, "leaver", ("planner", "32"))
    first = service.issue_token(ctx, "leaver", "leaver-password")
    service.set_password(ctx, SYSTEM, "leaver", "a-brand-new-password")
    with pytest.raises(Unauthenticated):
        service.principal_for_token(ctx, first.token)
    second = service.issue_token(ctx, "leaver", "a-brand-new-password")
    service.set_active(ctx, SYSTEM, "leaver", active=False)
    with pytest.raises(Unauthenticated):
        service.principal_for_token(ctx, second.token)
    with pytest.raises(Unauthenticated):
        service.authenticate(ctx, "leaver", "a-brand-new-password")
    service.set_active(ctx, SYSTEM, "leaver", active=True)
    assert service.authenticate(ctx, "leaver", "a-brand-new-password").username == "leaver"


def test_a_role_can_be_taken_away(ctx):
    user(ctx, "mover", ("steward", "32"), ("planner", None))
    assert service.revoke_role(ctx, SYSTEM, "mover", "steward", "32") == 1
    principal = service.authenticate(ctx, "mover", "mover-password")
    assert principal.roles == ("planner",)
