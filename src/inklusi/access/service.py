"""Use cases for organisations, users, grants and API tokens.

API authentication is the OAuth2 password flow with opaque bearer tokens: ``POST /api/v1/auth/token``
returns a random token that lives ``INKLUSI_TOKEN_TTL_MINUTES`` (30 by default). Only its SHA-256 is
stored, so a copy of the database holds no usable token, and a token can be revoked at once (logout).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from uuid import UUID

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access import store, throttle
from inklusi.access.model import (
    OrganisationKind,
    PasswordChangeRequired,
    Permission,
    Principal,
    Role,
)
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event, EventKind
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Invalid, Issue, Unauthenticated
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.wilayah import service as wilayah

password_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def builtin_roles() -> list[Role]:
    text = (resources.files("inklusi.access") / "roles.yaml").read_text(encoding="utf-8")
    return [
        Role(
            name,
            spec["label_id"],
            spec["label_en"],
            frozenset(map(Permission, spec["permissions"])),
        )
        for name, spec in yaml.safe_load(text).items()
    ]


def install_roles(ctx: Context) -> list[Role]:
    with ctx.transaction() as conn:
        for role in builtin_roles():
            store.upsert_role(conn, role)
        return store.roles(conn)


def _audit(ctx: Context, conn: Connection, principal: Principal, kind: EventKind, id_, **detail) -> None:
    event = Event(
        kind=kind, actor=principal.actor, purpose=Purpose.administration, object_id=str(id_), detail=detail
    )
    audit.record(ctx, conn, event)


def create_organisation(
    ctx: Context,
    principal: Principal,
    name: str,
    kind: OrganisationKind,
    home_area_code: str | None = None,
) -> UUID:
    principal.require(Permission.users_manage)
    if home_area_code and (issues := wilayah.check_code(ctx, home_area_code, "home_area_code")):
        raise Invalid(issues[0].text, issues)
    org_id = new_id()
    with ctx.transaction() as conn:
        if store.organisation_by_name(conn, name) is not None:
            raise Conflict(msg("Organisation {name} already exists", name=name))
        store.insert_organisation(conn, org_id, name, kind, home_area_code, utcnow())
        _audit(ctx, conn, principal, events.ORGANISATION_CREATE, org_id, name=name)
    return org_id


def organisation_id(ctx: Context, name: str) -> UUID | None:
    with ctx.transaction(readonly=True) as conn:
        row = store.organisation_by_name(conn, name)
    return row["id"] if row else None


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        text = msg("A password needs at least {n} characters", n=MIN_PASSWORD_LENGTH)
        raise Invalid(text, [Issue(field, "password.short", text)])


def create_user(
    ctx: Context,
    principal: Principal,
    *,
    username: str,
    password: str,
    organisation_id: UUID,
    display_name: str | None = None,
    grants: Sequence[tuple[str, str | None]] = (),  # (role, area code or None for nationwide)
    language: str = "id",
    must_change_password: bool = False,
) -> UUID:
    principal.require(Permission.users_manage)
    _check_password(password)
    username = username.strip().lower()
    user_id = new_id()
    for _role, area_code in grants:
        if area_code and (issues := wilayah.check_code(ctx, area_code)):
            raise Invalid(issues[0].text, issues)
    with ctx.transaction() as conn:
        if store.user_by_username(conn, username) is not None:
            raise Conflict(msg("User {username} already exists", username=username))
        known_roles = {role.name for role in store.roles(conn)}
        now = utcnow()
        store.insert_user(
            conn,
            {
                "id": user_id,
                "username": username,
                "display_name": display_name or username,
                "password_hash": password_hasher.hash(password),
                "organisation_id": organisation_id,
                "language": language,
                "created_at": now,
                "must_change_password": must_change_password,
            },
        )
        for role_name, area_code in grants:
            if role_name not in known_roles:
                raise Invalid(msg("Role {role} does not exist", role=role_name))
            store.insert_grant(conn, new_id(), user_id, role_name, area_code, now)
        _audit(
            ctx,
            conn,
            principal,
            events.USER_CREATE,
            user_id,
            username=username,
            grants=[f"{role}@{area or 'national'}" for role, area in grants],
        )
    return user_id


def grant_role(
    ctx: Context, principal: Principal, username: str, role_name: str, area_code: str | None
) -> None:
    principal.require(Permission.users_manage)
    if area_code and (issues := wilayah.check_code(ctx, area_code)):
        raise Invalid(issues[0].text, issues)
    with ctx.transaction() as conn:
        user = _user_or_invalid(conn, username)
        if role_name not in {role.name for role in store.roles(conn)}:
            raise Invalid(msg("Role {role} does not exist", role=role_name))
        store.insert_grant(conn, new_id(), user["id"], role_name, area_code, utcnow())
        _audit(ctx, conn, principal, events.USER_GRANT, user["id"], role=role_name, area=area_code)


def set_password(ctx: Context, principal: Principal, username: str, password: str) -> None:
    """A new password; every token and web session of the user ends with the old one."""
    principal.require(Permission.users_manage)
    _check_password(password)
    password_hash = password_hasher.hash(password)
    with ctx.transaction() as conn:
        user = _user_or_invalid(conn, username)
        store.set_password_hash(conn, user["id"], password_hash)
        store.set_must_change_password(conn, user["id"], False)
        ended = store.revoke_tokens_of(conn, user["id"], utcnow())
        _audit(ctx, conn, principal, events.USER_PASSWORD, user["id"], sessions_ended=ended)
    if user["must_change_password"]:  # the generated first password is no longer of use
        ctx.settings.admin_password_file.unlink(missing_ok=True)


def set_active(ctx: Context, principal: Principal, username: str, active: bool) -> None:
    """Deactivate a user (every token and session ends at once) or activate them again."""
    principal.require(Permission.users_manage)
    with ctx.transaction() as conn:
        user = _user_or_invalid(conn, username)
        store.set_active(conn, user["id"], active)
        ended = 0 if active else store.revoke_tokens_of(conn, user["id"], utcnow())
        kind = events.USER_ACTIVATE if active else events.USER_DEACTIVATE
        _audit(ctx, conn, principal, kind, user["id"], sessions_ended=ended)


def revoke_role(
    ctx: Context, principal: Principal, username: str, role_name: str, area_code: str | None
) -> int:
    """Take a role (in an area, or nationwide) away from a user; returns how many grants ended."""
    principal.require(Permission.users_manage)
    with ctx.transaction() as conn:
        user = _user_or_invalid(conn, username)
        removed = store.delete_grants(conn, user["id"], role_name, area_code)
        _audit(ctx, conn, principal, events.USER_REVOKE, user["id"], role=role_name, area=area_code)
        return removed


def _user_or_invalid(conn: Connection, username: str) -> RowMapping:
    user = store.user_by_username(conn, username.strip().lower())
    if user is None:
        raise Invalid(msg("User {username} does not exist", username=username))
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    principal: Principal


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _principal(conn: Connection, user: RowMapping) -> Principal:
    return Principal(
        user_id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        organisation_id=user["organisation_id"],
        grants=store.grants(conn, user["id"]),
        language=user["language"],
    )


_DUMMY_HASH = password_hasher.hash("timing-equaliser-not-a-password")
USERNAME_MAX = 64  # user_account.username


def _verify(ctx: Context, username: str, password: str, address: str | None) -> RowMapping:
    """The user whose password this is; unknown users, wrong passwords and inactive users all get the
    same answer, after the same work. Every attempt is throttled; every failure is audited.

    The (deliberately slow) password check runs outside any write transaction, so a flood of login
    attempts cannot hold the database's write lock.
    """
    username = username.strip().lower()
    throttle.reserve_attempt(ctx, username, address)
    user = None
    if len(username) <= USERNAME_MAX:
        with ctx.transaction(readonly=True) as conn:
            user = store.user_by_username(conn, username)
    try:
        password_hasher.verify(user["password_hash"] if user else _DUMMY_HASH, password)
        ok = user is not None and user["active"]
    except (VerifyMismatchError, InvalidHashError):
        ok = False
    if not ok:
        failed = Event(
            kind=events.LOGIN_FAILED,
            actor=Principal.system().actor,
            purpose=Purpose.authentication,
            object_id=str(user["id"]) if user else None,
            detail={"username": username[:USERNAME_MAX], "address": address},
        )
        audit.record_alone(ctx, failed)
        raise Unauthenticated(msg("Wrong username or password"))
    with ctx.transaction() as conn:
        store.forget_throttle(conn, throttle.account_key(username))
        if address:
            store.release_attempt(conn, throttle.address_key(address))
    assert user is not None  # `ok` above means a user was found
    return user


def authenticate(ctx: Context, username: str, password: str, address: str | None = None) -> Principal:
    """The principal for a username and password, from a client ``address`` (throttled per account and
    per address: :func:`inklusi.access.throttle.reserve_attempt`); every attempt is audited."""
    user = _verify(ctx, username, password, address)
    if user["must_change_password"]:
        raise PasswordChangeRequired(
            msg("The password was generated for the first login: choose a new one to log in")
        )
    stale = password_hasher.check_needs_rehash(user["password_hash"])
    rehashed = password_hasher.hash(password) if stale else None
    with ctx.transaction() as conn:
        principal = _principal(conn, user)
        if rehashed:
            store.set_password_hash(conn, user["id"], rehashed)
        event = Event(
            kind=events.LOGIN,
            actor=principal.actor,
            purpose=Purpose.authentication,
            object_id=str(user["id"]),
        )
        audit.record(ctx, conn, event)
    return principal


def change_own_password(
    ctx: Context, username: str, password: str, new_password: str, address: str | None = None
) -> None:
    """A user replaces their password, proving the old one (throttled like a login). Every token and
    session ends; a generated first password's file (``secrets/initial-admin-password``) is deleted."""
    user = _verify(ctx, username, password, address)
    _check_password(new_password, "new_password")
    if new_password == password:
        text = msg("The new password must differ from the old one")
        raise Invalid(text, [Issue("new_password", "password.unchanged", text)])
    password_hash = password_hasher.hash(new_password)
    with ctx.transaction() as conn:
        principal = _principal(conn, user)
        store.set_password_hash(conn, user["id"], password_hash)
        store.set_must_change_password(conn, user["id"], False)
        ended = store.revoke_tokens_of(conn, user["id"], utcnow())
        event = Event(
            kind=events.USER_PASSWORD,
            actor=principal.actor,
            purpose=Purpose.authentication,
            object_id=str(user["id"]),
            detail={"sessions_ended": ended, "own": True},
        )
        audit.record(ctx, conn, event)
    if user["must_change_password"]:
        ctx.settings.admin_password_file.unlink(missing_ok=True)


def issue_token(
    ctx: Context,
    username: str,
    password: str,
    ttl_minutes: int | None = None,
    *,
    address: str | None = None,
) -> IssuedToken:
    """A new token for the API (``INKLUSI_TOKEN_TTL_MINUTES``) or, with ``ttl_minutes``, a web login."""
    principal = authenticate(ctx, username, password, address)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + timedelta(minutes=ttl_minutes or ctx.settings.token_ttl_minutes)
    assert principal.user_id is not None  # authenticated: a person, never the system
    with ctx.transaction() as conn:
        store.insert_token(conn, _token_hash(token), principal.user_id, now, expires_at)
    return IssuedToken(token, expires_at, principal)


def principal_for_token(ctx: Context, token: str) -> Principal:
    with ctx.transaction(readonly=True) as conn:
        row = store.token_owner(conn, _token_hash(token))
        if row is None or row["revoked_at"] is not None or not row["active"]:
            raise Unauthenticated(msg("The token is not valid: log in again"))
        if row["expires_at"] <= utcnow():
            raise Unauthenticated(msg("The token has expired: log in again"))
        return _principal(conn, row)


def revoke_token(ctx: Context, token: str) -> bool:
    with ctx.transaction() as conn:
        return store.revoke_token(conn, _token_hash(token), utcnow())


def list_users(ctx: Context, principal: Principal) -> list[Principal]:
    principal.require(Permission.users_manage)
    with ctx.transaction(readonly=True) as conn:
        return [_principal(conn, user) for user in store.users(conn)]


def organisation_names(ctx: Context) -> dict[UUID, str]:
    """Every organisation's name by id, in name order (for audit views and filters; names only)."""
    with ctx.transaction(readonly=True) as conn:
        return store.organisation_names(conn)


def display_names(ctx: Context, user_ids: set[UUID]) -> dict[UUID, str]:
    """Who did something, for histories and audit views (names only, no permission needed)."""
    if not user_ids:
        return {}
    with ctx.transaction(readonly=True) as conn:
        return display_names_in(conn, user_ids)


def display_names_in(conn: Connection, user_ids: set[UUID]) -> dict[UUID, str]:
    """:func:`display_names` inside the caller's transaction (a page read in one transaction)."""
    return store.display_names(conn, user_ids) if user_ids else {}


# --- For other slices: organisations and users by id, inside the caller's transaction (cases) -----------


@dataclass(frozen=True)
class Organisation:
    id: UUID
    name: str
    kind: OrganisationKind
    home_area_code: str | None


def organisations_in(conn: Connection, ids: set[UUID]) -> dict[UUID, Organisation]:
    """The organisations among ``ids`` that exist, by id (names and kinds: no permission needed)."""
    if not ids:
        return {}
    return {
        row["id"]: Organisation(row["id"], row["name"], OrganisationKind(row["kind"]), row["home_area_code"])
        for row in store.organisations_by_ids(conn, ids)
    }


def principal_by_id_in(conn: Connection, user_id: UUID) -> Principal | None:
    """The principal an active user acts as (their organisation and grants), or None."""
    user = store.user_by_id(conn, user_id)
    return _principal(conn, user) if user is not None and user["active"] else None


def organisation_principals_in(conn: Connection, organisation_id: UUID) -> list[Principal]:
    """The active users of an organisation, by display name, with their grants."""
    return [_principal(conn, user) for user in store.users_of_organisation(conn, organisation_id)]


def principal_of(ctx: Context, username: str) -> Principal:
    """The principal an active user acts as, for the command line acting on their behalf (whoever runs it
    holds the installation's files already)."""
    with ctx.transaction(readonly=True) as conn:
        user = store.user_by_username(conn, username.strip().lower())
        if user is None or not user["active"]:
            text = msg("User {username} does not exist", username=username)
            raise Invalid(text, [Issue("user", "user.unknown", text)])
        return _principal(conn, user)
