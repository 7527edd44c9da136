"""Organisations, permissions, roles and the principal a request acts as. Pure rules.

A user holds grants; a grant is a role (a set of permissions) within an area scope: a province, regency,
district or village code, or the whole country. A permission applies to an object when some grant that
carries it covers the object's area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from inklusi.audit.model import AUDIT_READ, Actor
from inklusi.errors import Forbidden
from inklusi.i18n import Text, msg
from inklusi.wilayah.model import is_within


class OrganisationKind(StrEnum):
    central = "central"  # kementerian/lembaga pusat
    regional = "regional"  # pemerintah daerah, Dinas Sosial
    ngo = "ngo"  # LKS, yayasan, private foundation


class Permission(StrEnum):
    registry_read = "registry:read"
    registry_write = "registry:write"
    # Registering a person not yet known outside any household (a case's intake, an outreach list), without
    # the rest of registry:write (imports, reviews of change requests and duplicates).
    registry_register = "registry:register"
    audit_read = AUDIT_READ  # the audit core names it itself: it depends on no other slice
    users_manage = "users:manage"
    # Vulnerable groups (PPKS): the taxonomy and suppressed aggregates; named candidates in an area;
    # categories of specific personal data (UU 27/2022 Pasal 4) at all; verifying or rejecting a flag.
    ppks_read = "ppks:read"
    ppks_persons = "ppks:persons"
    ppks_sensitive = "ppks:sensitive"
    ppks_verify = "ppks:verify"
    # The service directory (HSDS): editing and importing it (reading it needs only a login).
    directory_manage = "directory:manage"
    # Case management (docs/cases.md): the cases one has a relation to; working them; supervising them over
    # an area; approving one's own proposal; referring or transferring without consent (with a reason);
    # time-limited access to a case one has no relation to (with a reason).
    cases_read = "cases:read"
    cases_write = "cases:write"
    cases_supervise = "cases:supervise"
    cases_approve_own = "cases:approve_own"
    cases_consent_override = "cases:consent_override"
    cases_break_glass = "cases:break_glass"
    # Social programmes (docs/programmes.md): seeing programmes, scenarios and list summaries; storing
    # specs, simulating, saving scenarios and freezing beneficiary lists (nationwide); recording FKP
    # (village deliberation) meetings over a list in the grant's area; submitting and deciding grievances.
    programmes_read = "programmes:read"
    programmes_manage = "programmes:manage"
    programmes_validate = "programmes:validate"
    grievances_submit = "grievances:submit"
    grievances_decide = "grievances:decide"
    # Safe data sharing (docs/sharing.md): seeing agreements, partner credentials and released tables;
    # drafting agreements, issuing and revoking partner credentials (nationwide); approving an agreement
    # someone else drafted (four eyes, nationwide); computing and publishing released tables (nationwide);
    # handling data-subject requests (access, correction, objection, restriction, deletion) of people in
    # the grant's area.
    sharing_read = "sharing:read"
    sharing_manage = "sharing:manage"
    sharing_approve = "sharing:approve"
    sharing_release = "sharing:release"
    subjects_manage = "subjects:manage"


# Permissions about the system as a whole, not about data in an area: a grant of one of these limited to an
# area gives nothing (an auditor reads the whole log, a user administrator manages every account).
# Programmes are simulated and their lists frozen over the whole registry: programmes:manage too.
# Agreements, partner credentials and released tables concern the whole registry: sharing:* too.
NATIONWIDE_ONLY = frozenset(
    {
        Permission.audit_read,
        Permission.users_manage,
        Permission.programmes_manage,
        Permission.sharing_manage,
        Permission.sharing_approve,
        Permission.sharing_release,
    }
)

# What :meth:`Principal.require` says when it refuses: one message per permission.
REFUSALS: dict[Permission, Text] = {
    Permission.registry_read: msg("You may not read the registry"),
    Permission.registry_write: msg("You may not change the registry"),
    Permission.registry_register: msg("You may not register people in the registry"),
    Permission.audit_read: msg(
        "You lack the permission {permission}", permission=Permission.audit_read.value
    ),
    Permission.users_manage: msg(
        "You lack the permission {permission}", permission=Permission.users_manage.value
    ),
    Permission.ppks_read: msg("You may not see vulnerable groups (PPKS)"),
    Permission.ppks_persons: msg("You may not see the people flagged as vulnerable (PPKS)"),
    Permission.ppks_sensitive: msg("You may not see sensitive PPKS categories"),
    Permission.ppks_verify: msg("You may not verify or reject PPKS flags"),
    Permission.directory_manage: msg("You may not change the service directory"),
    Permission.cases_read: msg("You may not see cases"),
    Permission.cases_write: msg("You may not work on cases"),
    Permission.cases_supervise: msg("You may not supervise cases"),
    Permission.cases_approve_own: msg("You may not approve your own proposal"),
    Permission.cases_consent_override: msg("You may not refer or transfer a case without consent"),
    Permission.cases_break_glass: msg("You may not open a case by breaking the glass"),
    Permission.programmes_read: msg("You may not see social programmes"),
    Permission.programmes_manage: msg("You may not simulate programmes or freeze beneficiary lists"),
    Permission.programmes_validate: msg("You may not record village deliberation (FKP) meetings"),
    Permission.grievances_submit: msg("You may not submit grievances"),
    Permission.grievances_decide: msg("You may not decide grievances"),
    Permission.sharing_read: msg("You may not see data-sharing agreements"),
    Permission.sharing_manage: msg("You may not draft data-sharing agreements or issue partner credentials"),
    Permission.sharing_approve: msg("You may not approve data-sharing agreements"),
    Permission.sharing_release: msg("You may not release statistical tables"),
    Permission.subjects_manage: msg("You may not handle data-subject requests"),
}


@dataclass(frozen=True)
class Role:
    name: str
    label_id: str
    label_en: str
    permissions: frozenset[Permission]


@dataclass(frozen=True)
class Grant:
    role: str
    permissions: frozenset[Permission]
    area_code: str | None  # None: the whole country

    def covers(self, permission: Permission, area_code: str | None) -> bool:
        if permission not in self.permissions:
            return False
        if self.area_code is None:
            return True
        return area_code is not None and is_within(area_code, self.area_code)


@dataclass(frozen=True)
class Scope:
    """Where a permission reaches: everywhere, or inside these area codes."""

    national: bool
    areas: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.national and not self.areas

    def covers(self, area_code: str) -> bool:
        return self.national or any(is_within(area_code, scope) for scope in self.areas)


@dataclass(frozen=True)
class Principal:
    user_id: UUID | None
    username: str
    display_name: str
    organisation_id: UUID | None
    grants: tuple[Grant, ...]
    language: str = "id"

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        """The command line and background jobs: every permission, nationwide."""
        return cls(None, name, name, None, (Grant("system", frozenset(Permission), None),))

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.username, self.organisation_id)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(grant.role for grant in self.grants))

    def holds(self, permission: Permission) -> bool:
        """The permission somewhere: in some area or nationwide (for menus, not for access to data)."""
        return any(permission in grant.permissions for grant in self.grants)

    def can(self, permission: Permission, area_code: str | None = None) -> bool:
        """The permission for ``area_code``; ``None`` asks for it nationwide."""
        return any(grant.covers(permission, area_code) for grant in self.grants)

    def scope(self, permission: Permission) -> Scope:
        """Where the permission reaches (possibly nowhere: see :meth:`require`)."""
        granted = [grant for grant in self.grants if permission in grant.permissions]
        national = any(grant.area_code is None for grant in granted)
        areas = () if national else tuple(sorted({g.area_code for g in granted if g.area_code}))
        return Scope(national, areas)

    def require(self, permission: Permission, refusal: Text | None = None) -> Scope:
        """Where the permission reaches; :class:`Forbidden` if nowhere (or, for a permission in
        ``NATIONWIDE_ONLY``, not nationwide), saying ``refusal`` or else the permission's ``REFUSALS`` entry.

        The one check of "may the principal do this at all"; whether it may for one object is
        ``can(permission, object's area)``, which the service asks."""
        permission = Permission(permission)
        scope = self.scope(permission)
        if scope.empty or (permission in NATIONWIDE_ONLY and not scope.national):
            raise Forbidden(refusal or REFUSALS[permission])
        return scope


class PasswordChangeRequired(Forbidden):
    """The password was right, but it was generated for the first login: the user must choose their own."""

    slug = "password-change-required"


@dataclass(frozen=True)
class LoginLimits:
    account_failures: int
    address_failures: int
    window: timedelta
    lockout: timedelta


@dataclass(frozen=True)
class ThrottleState:
    """Attempts not (yet) known to have succeeded since ``window_start``; a lock until ``locked_until``."""

    failures: int
    window_start: datetime
    locked_until: datetime | None = None


class Verdict(StrEnum):
    allowed = "allowed"
    locked_now = "locked_now"  # this attempt went over the limit: the lock starts
    locked = "locked"  # a lock holds


def count_attempt(
    state: ThrottleState | None, limit: int, limits: LoginLimits, now: datetime
) -> tuple[ThrottleState, Verdict]:
    """Count one more login attempt against a key (an account or an address).

    Every attempt counts until it is known to have succeeded, so a burst of parallel guesses cannot slip
    through before the first failures are written. Past ``limit`` attempts in the window, the key is
    locked for ``limits.lockout``; while it is locked nothing is tried (not even a right password).
    """
    if state is not None and state.locked_until is not None and state.locked_until > now:
        return state, Verdict.locked
    if state is None or state.locked_until is not None or now - state.window_start >= limits.window:
        state = ThrottleState(0, now)
    if state.failures >= limit:
        return ThrottleState(0, now, now + limits.lockout), Verdict.locked_now
    return ThrottleState(state.failures + 1, state.window_start), Verdict.allowed
