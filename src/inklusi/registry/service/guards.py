"""What every change to the registry goes through: input checks, write permission, provenance, the
audit entry, and the database's refusals turned into clear conflicts."""

from __future__ import annotations

from collections.abc import Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from inklusi.access.model import Permission, Principal
from inklusi.audit import service as audit
from inklusi.audit.events import Event, EventKind
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import Conflict, Forbidden, Invalid, Issue
from inklusi.i18n import Text, msg
from inklusi.registry.checks import check_household, check_nik_matches
from inklusi.registry.model import HouseholdData
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import AreaLevel, level_of

# When the database refuses a write: how PostgreSQL names the constraint, how SQLite describes it, and
# what to tell the user.
_REFUSALS = (
    (
        "uq_family_version_current_kk",
        "family_version.kk_index",
        msg("This KK number already belongs to another family"),
    ),
    (
        "uq_family_member_current_person",
        "family_member.person_id",
        msg("This person already belongs to a family"),
    ),
    (
        "uq_family_member_current_head",
        "family_member.family_id",
        msg("This family already has a head"),
    ),
)


@contextmanager
def refusals_as_conflicts() -> Iterator[None]:
    try:
        yield
    except IntegrityError as error:
        reason = str(error.orig)
        for postgresql_name, sqlite_text, message in _REFUSALS:
            if postgresql_name in reason or sqlite_text in reason:
                raise Conflict(message) from error
        raise


def raise_if_errors(issues: list[Issue], summary: Text) -> tuple[Issue, ...]:
    """Raise :class:`Invalid` with every issue if any is an error; return the warnings."""
    if any(issue.severity == "error" for issue in issues):
        raise Invalid(summary, issues)
    return tuple(issues)


def check_numbers(data: HouseholdData, today: date) -> list[Issue]:
    issues: list[Issue] = []
    for f_index, family in enumerate(data.families):
        if family.kk_number:
            check = wilayah.check_kk(family.kk_number, today, f"families[{f_index}].kk_number")
            issues += check.issues
        for m_index, member in enumerate(family.members):
            if member.person.nik:
                path = f"families[{f_index}].members[{m_index}]."
                issues += check_nik_matches(member.person, wilayah.check_nik(member.person.nik, today), path)
    return issues


def require_write(principal: Principal, village_code: str) -> None:
    if not principal.can(Permission.registry_write, village_code):
        raise Forbidden(msg("You may not change the registry in area {code}", code=village_code))


def require_register(principal: Principal, area_code: str) -> None:
    """Registering a person outside households: ``registry:write`` or ``registry:register`` over the area."""
    allowed = (Permission.registry_write, Permission.registry_register)
    if not any(principal.can(permission, area_code) for permission in allowed):
        raise Forbidden(msg("You may not register people in area {code}", code=area_code))


def provenance(
    principal: Principal, source: str, batch_id: UUID | None, valid_from: datetime, now: datetime
) -> dict[str, object]:
    return {
        "valid_from": valid_from,
        "source": source,
        "batch_id": batch_id,
        "actor_id": principal.user_id,
        "recorded_at": now,
    }


@dataclass(frozen=True)
class Written:
    """Who writes a change, from which source and batch, effective when, recorded when."""

    principal: Principal
    source: str
    batch_id: UUID | None
    valid_from: datetime
    now: datetime

    def provenance(self) -> dict[str, object]:
        return provenance(self.principal, self.source, self.batch_id, self.valid_from, self.now)


def audit_write(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    kind: EventKind,
    id_: UUID,
    village_code: str | None,
    **detail: object,
) -> None:
    """The audit entry of a change, in the change's own transaction."""
    event = Event(
        kind=kind,
        actor=principal.actor,
        purpose=Purpose.registry_update,
        object_id=str(id_),
        area_code=village_code,
        detail=detail,
    )
    audit.record(ctx, conn, event)


def village_issues(village: str, known_villages: Container[str]) -> list[Issue]:
    """A well-formed village code that is not in the area list (malformed ones are the model's job)."""
    if level_of(village) is not AreaLevel.village or village in known_villages:
        return []
    return [Issue("dwelling.village_code", "area.unknown", msg("Area {code} does not exist", code=village))]


def registration_issues(data: HouseholdData, today: date, known_villages: Container[str]) -> list[Issue]:
    """Everything wrong with a new household; ``known_villages`` holds (at least) its village if it exists."""
    issues = check_household(data, today) + check_numbers(data, today)
    return issues + village_issues(data.dwelling.village_code, known_villages)


CLOCK_SKEW = timedelta(minutes=5)


def moment(valid_from: datetime | None, now: datetime) -> datetime:
    """When a change takes effect: now, or an earlier moment; never the future (it would become "current"
    before it is true)."""
    if valid_from is None:
        return now
    if valid_from > now + CLOCK_SKEW:
        text = msg("A change cannot take effect in the future ({at})", at=valid_from.isoformat())
        raise Invalid(text, [Issue("valid_from", "date.future", text)])
    return valid_from
