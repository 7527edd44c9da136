"""Break the glass and "who viewed this".

A holder of ``cases:break_glass`` over a case's area who has no relation giving the full view may open the
case for a few hours (``INKLUSI_CASES_BREAK_GLASS_HOURS`` at most, and by default), giving a reason: the
grant is audited and the owner organisation sees it in its inbox. The owner organisation and the case's
supervisors read the case's access log: every audit entry about the case (reads with the view given,
writes, grants), newest first; that read is audited too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from inklusi.access import service as access
from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.cases.model import GuardRefused, View, reason_required, view_of
from inklusi.cases.service.reading import Names, glass_view
from inklusi.cases.service.standing import (
    audit_case,
    case_not_found,
    organisation_kind_in,
    relations_in,
    standing_in,
)
from inklusi.cases.service.views import GlassView, Named
from inklusi.cases.store import cases as case_store
from inklusi.cases.store import handovers as store
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Invalid, Issue
from inklusi.i18n import Text, msg
from inklusi.ids import new_id

ACCESS_LOG_LIMIT = 1000


def break_glass(
    ctx: Context, principal: Principal, case_id: UUID, *, reason: str, hours: int | None = None
) -> GlassView:
    """Open a case one has no full view of, for ``hours`` (default and most: the setting), with a reason.
    Outside the principal's ``cases:break_glass`` area the case is not found."""
    principal.require(Permission.cases_break_glass)
    reason = reason_required(reason, "reason_required", "reason")
    most = ctx.settings.cases_break_glass_hours
    hours = most if hours is None else hours
    if not 1 <= hours <= most:
        text = msg("Between 1 and {n} hours", n=most)
        raise Invalid(text, [Issue("hours", "hours.range", text)])
    if principal.user_id is None:
        text = msg("Only a user breaks the glass")
        raise Invalid(text, [Issue("user", "user.required", text)])
    now = utcnow()
    with ctx.transaction() as conn:
        case = case_store.case_row(conn, case_id)
        if case is None or not principal.can(Permission.cases_break_glass, case["area_code"]):
            raise case_not_found(case_id)
        relations = relations_in(conn, principal, case, organisation_kind_in(conn, principal), now)
        if view_of(relations) is View.full:
            raise GuardRefused("glass_needless", msg("You see this case already"), "case")
        grant_id = new_id()
        row = {
            "id": grant_id,
            "case_id": case_id,
            "user_id": principal.user_id,
            "organisation_id": principal.organisation_id,
            "owner_organisation_id": case["owner_organisation_id"],
            "reason": reason,
            "granted_at": now,
            "expires_at": now + timedelta(hours=hours),
        }
        store.insert_row(conn, "glass", row)
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_GLASS,
            case,
            reason=reason,
            hours=hours,
            expires_at=row["expires_at"].isoformat(),
        )
        written = store.row_by_id(conn, "glass", grant_id)
        assert written is not None
        return glass_view(written, Names.of_rows(conn, [written]))


@dataclass(frozen=True)
class AccessEntry:
    """One entry of a case's access log."""

    seq: int
    at: datetime
    actor: str
    organisation: Named | None
    action: str  # case.read, case.glass, case.referral …
    description: Text | None
    purpose: str
    view: str | None  # for a read: full, referral or summary
    detail: dict[str, object]


def access_log(ctx: Context, principal: Principal, case_id: UUID, *, limit: int = 200) -> list[AccessEntry]:
    """Who read or changed the case, when, why and what they were shown; for its owner organisation and its
    supervisors (audited: ``case.access_log``)."""
    import json

    limit = max(1, min(limit, ACCESS_LOG_LIMIT))
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now)
        standing.require_access_log()
        entries = audit.entries_about_in(conn, "case", str(case_id), limit=limit)
        organisations = access.organisations_in(
            conn, {e.organisation_id for e in entries if e.organisation_id is not None}
        )
        audit_case(ctx, conn, principal, events.CASE_ACCESS_LOG, standing.case, entries=len(entries))
    found = []
    for entry in entries:
        detail = json.loads(entry.detail)
        org = organisations.get(entry.organisation_id) if entry.organisation_id else None
        found.append(
            AccessEntry(
                seq=entry.seq,
                at=entry.at,
                actor=entry.actor_name,
                organisation=Named(org.id, org.name) if org else None,
                action=entry.action,
                description=events.describe(entry.action),
                purpose=entry.purpose,
                view=detail.get("view") if entry.action == events.CASE_READ.action else None,
                detail=detail,
            )
        )
    return found
