"""SQL of handovers: consents, referrals, transfers and break-the-glass grants. A state moves only from the
state it was read in (``expected``): two answers to one referral cannot both win."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.cases.tables import case_consent, case_glass, case_referral, case_transfer

_TABLES: dict[str, Table] = {
    "consent": case_consent,
    "referral": case_referral,
    "transfer": case_transfer,
    "glass": case_glass,
}
_ORDER = {
    "consent": "recorded_at",
    "referral": "created_at",
    "transfer": "proposed_at",
    "glass": "granted_at",
}


def insert_row(conn: Connection, kind: str, row: dict[str, object]) -> None:
    conn.execute(insert(_TABLES[kind]).values(row))


def row_by_id(conn: Connection, kind: str, id_: UUID) -> RowMapping | None:
    t = _TABLES[kind]
    return conn.execute(select(t).where(t.c.id == id_)).mappings().first()


def rows_of(
    conn: Connection, kind: str, case_id: UUID, *, to_organisation: UUID | None = None, limit: int = 500
) -> list[RowMapping]:
    """A case's consents, referrals, transfers or grants, newest first (``to_organisation``: only those
    to that organisation)."""
    t = _TABLES[kind]
    stmt = select(t).where(t.c.case_id == case_id)
    if to_organisation is not None:
        stmt = stmt.where(t.c.to_organisation_id == to_organisation)
    return list(conn.execute(stmt.order_by(t.c[_ORDER[kind]].desc(), t.c.id.desc()).limit(limit)).mappings())


def move(conn: Connection, kind: str, id_: UUID, expected: str, **values: object) -> bool:
    """Set a referral's or transfer's new status (and its details) if it is still ``expected``."""
    t = _TABLES[kind]
    stmt = update(t).where(t.c.id == id_, t.c.status == expected).values(**values)
    return conn.execute(stmt).rowcount > 0


def withdraw_consent(conn: Connection, consent_id: UUID, by: UUID | None, at: datetime) -> bool:
    t = case_consent
    stmt = (
        update(t)
        .where(t.c.id == consent_id, t.c.withdrawn_at.is_(None))
        .values(withdrawn_by=by, withdrawn_at=at)
    )
    return conn.execute(stmt).rowcount > 0


_referral_parties = select(case_referral.c.to_organisation_id, case_referral.c.status).where(
    case_referral.c.case_id == bindparam("case_id")
)
_pending_transfers = select(case_transfer.c.to_organisation_id).where(
    case_transfer.c.case_id == bindparam("case_id"), case_transfer.c.status == "pending"
)
_glass = (
    select(case_glass)
    .where(
        case_glass.c.case_id == bindparam("case_id"),
        case_glass.c.user_id == bindparam("user_id"),
        case_glass.c.expires_at > bindparam("now"),
    )
    .order_by(case_glass.c.expires_at.desc())
    .limit(1)
)


def referral_parties(conn: Connection, case_id: UUID) -> list[tuple[UUID, str]]:
    """(receiving organisation, status) of every referral of the case."""
    return [(row[0], row[1]) for row in conn.execute(_referral_parties, {"case_id": case_id})]


def pending_transfer_organisations(conn: Connection, case_id: UUID) -> set[UUID]:
    return set(conn.scalars(_pending_transfers, {"case_id": case_id}))


def active_glass(conn: Connection, case_id: UUID, user_id: UUID, now: datetime) -> RowMapping | None:
    return conn.execute(_glass, {"case_id": case_id, "user_id": user_id, "now": now}).mappings().first()


def open_referral_count(conn: Connection, case_id: UUID) -> int:
    t = case_referral
    stmt = select(func.count()).where(t.c.case_id == case_id, t.c.status.in_(("pending", "accepted")))
    return int(conn.execute(stmt).scalar_one())


def open_referral_exists(conn: Connection, case_id: UUID, to_organisation: UUID, service_type: str) -> bool:
    t = case_referral
    stmt = select(t.c.id).where(
        t.c.case_id == case_id,
        t.c.to_organisation_id == to_organisation,
        t.c.service_type == service_type,
        t.c.status.in_(("pending", "accepted")),
    )
    return conn.execute(stmt.limit(1)).first() is not None


def referral_ids(
    conn: Connection, case_id: UUID, to_organisation: UUID, statuses: Sequence[str]
) -> list[UUID]:
    t = case_referral
    stmt = select(t.c.id).where(
        t.c.case_id == case_id, t.c.to_organisation_id == to_organisation, t.c.status.in_(statuses)
    )
    return list(conn.scalars(stmt))
