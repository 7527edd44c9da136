"""SQL for organisations, users, roles, grants and tokens."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Grant, OrganisationKind, Permission, Role, ThrottleState
from inklusi.access.tables import api_token, login_throttle, organisation, role, role_grant, user_account


def upsert_role(conn: Connection, value: Role) -> None:
    row = {
        "label_id": value.label_id,
        "label_en": value.label_en,
        "permissions": sorted(p.value for p in value.permissions),
    }
    updated = conn.execute(update(role).where(role.c.name == value.name).values(row))
    if updated.rowcount == 0:
        conn.execute(insert(role).values(name=value.name, **row))


def roles(conn: Connection) -> list[Role]:
    rows = conn.execute(select(role).order_by(role.c.name)).mappings()
    return [
        Role(r["name"], r["label_id"], r["label_en"], frozenset(map(Permission, r["permissions"])))
        for r in rows
    ]


def insert_organisation(
    conn: Connection,
    id_: UUID,
    name: str,
    kind: OrganisationKind,
    home_area_code: str | None,
    at: datetime,
) -> None:
    conn.execute(
        insert(organisation).values(
            id=id_, name=name, kind=kind.value, home_area_code=home_area_code, created_at=at
        )
    )


def organisation_by_name(conn: Connection, name: str) -> RowMapping | None:
    return conn.execute(select(organisation).where(organisation.c.name == name)).mappings().first()


def organisations_by_ids(conn: Connection, ids: set[UUID]) -> list[RowMapping]:
    stmt = select(organisation).where(organisation.c.id.in_(ids))
    return list(conn.execute(stmt).mappings())


def users_of_organisation(conn: Connection, organisation_id: UUID) -> list[RowMapping]:
    stmt = (
        select(user_account)
        .where(user_account.c.organisation_id == organisation_id, user_account.c.active.is_(True))
        .order_by(user_account.c.display_name)
    )
    return list(conn.execute(stmt).mappings())


def insert_user(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(insert(user_account).values(row))


def user_by_username(conn: Connection, username: str) -> RowMapping | None:
    stmt = select(user_account).where(user_account.c.username == username)
    return conn.execute(stmt).mappings().first()


def user_by_id(conn: Connection, user_id: UUID) -> RowMapping | None:
    return conn.execute(select(user_account).where(user_account.c.id == user_id)).mappings().first()


def users(conn: Connection) -> list[RowMapping]:
    return list(conn.execute(select(user_account).order_by(user_account.c.username)).mappings())


def set_password_hash(conn: Connection, user_id: UUID, password_hash: str) -> None:
    conn.execute(update(user_account).where(user_account.c.id == user_id).values(password_hash=password_hash))


def insert_grant(
    conn: Connection, id_: UUID, user_id: UUID, role_name: str, area_code: str | None, at: datetime
) -> None:
    conn.execute(
        insert(role_grant).values(
            id=id_, user_id=user_id, role_name=role_name, area_code=area_code, granted_at=at
        )
    )


def grants(conn: Connection, user_id: UUID) -> tuple[Grant, ...]:
    rows = conn.execute(
        select(role_grant.c.role_name, role_grant.c.area_code, role.c.permissions)
        .join(role, role.c.name == role_grant.c.role_name)
        .where(role_grant.c.user_id == user_id)
        .order_by(role_grant.c.granted_at)
    )
    return tuple(
        Grant(name, frozenset(map(Permission, permissions)), area_code)
        for name, area_code, permissions in rows
    )


def insert_token(
    conn: Connection, token_hash: str, user_id: UUID, created_at: datetime, expires_at: datetime
) -> None:
    conn.execute(
        insert(api_token).values(
            token_hash=token_hash, user_id=user_id, created_at=created_at, expires_at=expires_at
        )
    )


_token_owner = select(api_token.c.expires_at, api_token.c.revoked_at, user_account).join(
    user_account, user_account.c.id == api_token.c.user_id
)


def token_owner(conn: Connection, token_hash: str) -> RowMapping | None:
    stmt = _token_owner.where(api_token.c.token_hash == token_hash)
    return conn.execute(stmt).mappings().first()


def revoke_token(conn: Connection, token_hash: str, at: datetime) -> bool:
    stmt = (
        update(api_token)
        .where(api_token.c.token_hash == token_hash, api_token.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return conn.execute(stmt).rowcount > 0


def display_names(conn: Connection, user_ids: set[UUID]) -> dict[UUID, str]:
    stmt = select(user_account.c.id, user_account.c.display_name).where(user_account.c.id.in_(user_ids))
    return dict(conn.execute(stmt).all())


def organisation_names(conn: Connection) -> dict[UUID, str]:
    return dict(
        conn.execute(select(organisation.c.id, organisation.c.name).order_by(organisation.c.name)).all()
    )


def set_active(conn: Connection, user_id: UUID, active: bool) -> None:
    conn.execute(update(user_account).where(user_account.c.id == user_id).values(active=active))


def revoke_tokens_of(conn: Connection, user_id: UUID, at: datetime) -> int:
    stmt = (
        update(api_token)
        .where(api_token.c.user_id == user_id, api_token.c.revoked_at.is_(None), api_token.c.expires_at > at)
        .values(revoked_at=at)
    )
    return conn.execute(stmt).rowcount


def delete_grants(conn: Connection, user_id: UUID, role_name: str, area_code: str | None) -> int:
    area = role_grant.c.area_code.is_(None) if area_code is None else role_grant.c.area_code == area_code
    stmt = delete(role_grant).where(
        role_grant.c.user_id == user_id, role_grant.c.role_name == role_name, area
    )
    return conn.execute(stmt).rowcount


def set_must_change_password(conn: Connection, user_id: UUID, value: bool) -> None:
    stmt = update(user_account).where(user_account.c.id == user_id).values(must_change_password=value)
    conn.execute(stmt)


def throttle_states(conn: Connection, keys: list[str], now: datetime) -> dict[str, ThrottleState]:
    """The keys' states (new keys start empty), their rows locked until the transaction ends, so
    parallel logins, in any worker, queue for them."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for key in keys:
        stmt = dialect_insert(login_throttle).values(key=key, failures=0, window_start=now)
        conn.execute(stmt.on_conflict_do_nothing(index_elements=[login_throttle.c.key]))
    locked = select(login_throttle).where(login_throttle.c.key.in_(keys)).with_for_update()
    return {
        row["key"]: ThrottleState(row["failures"], row["window_start"], row["locked_until"])
        for row in conn.execute(locked).mappings()
    }


def save_throttle(conn: Connection, key: str, state: ThrottleState) -> None:
    values = {
        "failures": state.failures,
        "window_start": state.window_start,
        "locked_until": state.locked_until,
    }
    conn.execute(update(login_throttle).where(login_throttle.c.key == key).values(values))


def release_attempt(conn: Connection, key: str) -> None:
    """An attempt turned out right: it no longer counts against the key."""
    stmt = (
        update(login_throttle)
        .where(login_throttle.c.key == key, login_throttle.c.failures > 0)
        .values(failures=login_throttle.c.failures - 1)
    )
    conn.execute(stmt)


def forget_throttle(conn: Connection, key: str) -> None:
    conn.execute(delete(login_throttle).where(login_throttle.c.key == key))


def forget_stale_throttles(conn: Connection, window_start_before: datetime, now: datetime) -> None:
    """Rows whose window has passed and which hold no lock count for nothing any more."""
    stale = (login_throttle.c.window_start < window_start_before) & (
        login_throttle.c.locked_until.is_(None) | (login_throttle.c.locked_until <= now)
    )
    conn.execute(delete(login_throttle).where(stale))
