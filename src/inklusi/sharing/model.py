"""Data-sharing agreements and what they allow: operations with quotas, a row scope, a field allow-list with
a transform per field, a sensitivity ceiling, validity dates. Pure rules, no I/O.

An agreement is the only source of what a partner may see. Every refusal is a :class:`Forbidden` whose
message names what is outside the agreement and why (``docs/sharing-core.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from inklusi.errors import Forbidden, Issue
from inklusi.i18n import Text, msg
from inklusi.ppks import taxonomy
from inklusi.ppks.model import Sensitivity
from inklusi.wilayah.model import is_within

DECILES = tuple(range(1, 11))
MAX_QUOTA = 10_000_000
MAX_RETENTION_DAYS = 3650


class Operation(StrEnum):
    lookup = "lookup"  # one household or person by NIK, id or pseudonym
    search = "search"  # a page of households by area, decile and PPKS category
    extract = "extract"  # the agreement's rows as a file (CSV or JSON lines)
    aggregates = "aggregates"  # released tables (the releases helper)
    match = "match"  # yes/no: is this NIK in these deciles in this area?


class Transform(StrEnum):
    as_is = "as_is"
    pseudonymise = "pseudonymise"  # HMAC under the agreement's key: stable for one partner, unlinkable across
    generalise = "generalise"  # birth date → year, village → district, score → one decimal
    drop = "drop"  # named in the agreement, never sent


class AgreementStatus(StrEnum):
    draft = "draft"
    approved = "approved"
    revoked = "revoked"  # "expired" is computed from valid_to at each request


class FieldLevel(StrEnum):
    """How much a field tells about a person on its own (shown on the draft form and in the docs)."""

    statistical = "statistical"  # size, deciles, score: nobody is identified by it alone
    personal = "personal"  # a name, a birth date, an address, an internal id
    identifying = "identifying"  # the NIK and the KK number: national identifiers
    sensitive = "sensitive"  # may hold specific personal data (UU 27/2022 Pasal 4): the ceiling decides


@dataclass(frozen=True)
class FieldSpec:
    name: str
    level: FieldLevel
    transforms: frozenset[Transform]
    label: Text

    @property
    def entity(self) -> str:
        return self.name.split(".", 1)[0]


_AS_IS = frozenset({Transform.as_is, Transform.drop})
_PSEUDO = _AS_IS | {Transform.pseudonymise}
_GENERAL = _AS_IS | {Transform.generalise}


def _spec(name: str, level: FieldLevel, transforms: frozenset[Transform], label: Text) -> FieldSpec:
    return FieldSpec(name, level, transforms, label)


# The shareable fields: a field not named here is never shared, whatever an agreement says.
FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        _spec("household.id", FieldLevel.personal, _PSEUDO, msg("Household id")),
        _spec("household.kk_number", FieldLevel.identifying, _PSEUDO, msg("Family card (KK) number")),
        _spec("household.area_code", FieldLevel.personal, _GENERAL, msg("Village (generalised: district)")),
        _spec("household.address", FieldLevel.personal, _AS_IS, msg("Address")),
        _spec("household.size", FieldLevel.statistical, _AS_IS, msg("Household size")),
        _spec("household.welfare_score", FieldLevel.statistical, _GENERAL, msg("Welfare score")),
        _spec("household.decile", FieldLevel.statistical, _AS_IS, msg("National welfare decile")),
        _spec("household.regional_decile", FieldLevel.statistical, _AS_IS, msg("Regency welfare decile")),
        _spec("person.id", FieldLevel.personal, _PSEUDO, msg("Person id")),
        _spec("person.nik", FieldLevel.identifying, _PSEUDO, msg("NIK")),
        _spec("person.name", FieldLevel.personal, _AS_IS, msg("Name")),
        _spec("person.sex", FieldLevel.personal, _AS_IS, msg("Sex")),
        _spec("person.birth_date", FieldLevel.personal, _GENERAL, msg("Birth date (generalised: year)")),
        _spec("person.relationship", FieldLevel.personal, _AS_IS, msg("Relationship to the head")),
        _spec("person.ppks_categories", FieldLevel.sensitive, _AS_IS, msg("Verified PPKS categories")),
    )
}
HOUSEHOLD_FIELDS = tuple(name for name in FIELDS if name.startswith("household."))
PERSON_FIELDS = tuple(name for name in FIELDS if name.startswith("person."))


def category_sensitivity(code: str) -> Sensitivity | None:
    """A PPKS category's sensitivity; None for a code the taxonomy does not know."""
    return next((c.sensitivity for c in taxonomy.categories() if c.code == code), None)


def within_ceiling(code: str, ceiling: Sensitivity) -> bool:
    """A category a partner under ``ceiling`` may receive (a sensitive one only under a sensitive ceiling)."""
    level = category_sensitivity(code)
    return level is Sensitivity.personal or (
        level is Sensitivity.sensitive and ceiling is Sensitivity.sensitive
    )


@dataclass(frozen=True)
class AgreementTerms:
    """What a steward drafts: everything of an agreement but its identity, status and signatures."""

    organisation_id: UUID
    name: str
    purpose: str
    legal_basis: str
    operations: Mapping[Operation, int]  # operation → quota (rows per day)
    areas: tuple[str, ...]  # row scope; () = nationwide
    deciles: tuple[int, ...]  # () = any
    ppks_categories: tuple[str, ...]  # () = no PPKS filter
    fields: Mapping[str, Transform]  # the allow-list
    sensitivity_ceiling: Sensitivity
    valid_from: date
    valid_to: date
    retention_days: int
    rate_per_minute: int = 60  # requests per minute for each of its clients


def check_terms(terms: AgreementTerms) -> list[Issue]:
    """Every problem of a draft, each naming its field (empty: the terms are acceptable)."""
    issues: list[Issue] = []

    def problem(field: str, code: str, text: Text) -> None:
        issues.append(Issue(field, code, text))

    for name, limit in (("name", 120), ("purpose", 2000), ("legal_basis", 2000)):
        value = str(getattr(terms, name)).strip()
        if not value:
            problem(name, "required", msg("{field} is required", field=name))
        elif len(value) > limit:
            problem(name, "too_long", msg("At most {n} characters", n=limit))
    if not terms.operations:
        problem("operations", "required", msg("Name at least one operation the partner may use"))
    for operation, quota in terms.operations.items():
        if not 1 <= quota <= MAX_QUOTA:
            problem(
                f"operations.{operation.value}",
                "quota",
                msg("A quota is between 1 and {n} rows a day", n=MAX_QUOTA),
            )
    if not any(t is not Transform.drop for t in terms.fields.values()):
        problem("fields", "required", msg("Name at least one field the partner receives"))
    for name, transform in terms.fields.items():
        spec = FIELDS.get(name)
        if spec is None:
            problem(f"fields.{name}", "unknown", msg("{field} is not a shareable field", field=name))
        elif transform not in spec.transforms:
            problem(
                f"fields.{name}",
                "transform",
                msg(
                    "{field} cannot be shared {transform}; allowed: {allowed}",
                    field=name,
                    transform=transform.value,
                    allowed=", ".join(sorted(t.value for t in spec.transforms)),
                ),
            )
    for decile in terms.deciles:
        if decile not in DECILES:
            problem("deciles", "range", msg("A decile is between 1 and 10, not {value}", value=decile))
    for code in terms.ppks_categories:
        level = category_sensitivity(code)
        if level is None:
            problem("ppks_categories", "unknown", msg("{code} is not a PPKS category", code=code))
        elif not within_ceiling(code, terms.sensitivity_ceiling):
            problem(
                "ppks_categories",
                "ceiling",
                msg(
                    "PPKS category {code} is sensitive: it needs the sensitivity ceiling 'sensitive'",
                    code=code,
                ),
            )
    if terms.valid_to < terms.valid_from:
        problem("valid_to", "order", msg("The agreement must end on or after the day it starts"))
    if not 1 <= terms.retention_days <= MAX_RETENTION_DAYS:
        problem("retention_days", "range", msg("Retention is between 1 and {n} days", n=MAX_RETENTION_DAYS))
    if not 1 <= terms.rate_per_minute <= 10_000:
        problem("rate_per_minute", "range", msg("The rate limit is between 1 and 10000 requests a minute"))
    return issues


@dataclass(frozen=True)
class Agreement:
    id: UUID
    organisation_id: UUID
    name: str
    purpose: str
    legal_basis: str
    operations: Mapping[Operation, int]
    areas: tuple[str, ...]
    deciles: tuple[int, ...]
    ppks_categories: tuple[str, ...]
    fields: Mapping[str, Transform]
    sensitivity_ceiling: Sensitivity
    valid_from: date
    valid_to: date
    retention_days: int
    status: AgreementStatus
    drafted_by: UUID | None
    approved_by: UUID | None = None
    approved_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    rate_per_minute: int = 60
    created_at: datetime | None = None

    # --- validity ---------------------------------------------------------------------------------------

    def refusal(self, today: date) -> Text | None:
        """Why the agreement allows nothing today (None: it is in force)."""
        if self.status is AgreementStatus.revoked:
            return msg(
                "Agreement {name} was revoked: {reason}", name=self.name, reason=self.revoked_reason or "—"
            )
        if self.status is AgreementStatus.draft:
            return msg("Agreement {name} is not approved yet", name=self.name)
        if today < self.valid_from:
            return msg("Agreement {name} is in force only from {day}", name=self.name, day=self.valid_from)
        if today > self.valid_to:
            return msg("Agreement {name} expired on {day}", name=self.name, day=self.valid_to)
        return None

    def in_force(self, today: date) -> bool:
        return self.refusal(today) is None

    def state(self, today: date) -> str:
        """draft, approved, revoked, or expired / not_yet_valid for an approved one out of its dates."""
        if self.status is AgreementStatus.approved:
            if today > self.valid_to:
                return "expired"
            if today < self.valid_from:
                return "not_yet_valid"
        return self.status.value

    def require_in_force(self, today: date) -> None:
        if (reason := self.refusal(today)) is not None:
            raise Forbidden(reason)

    # --- what it allows ---------------------------------------------------------------------------------

    def require_operation(self, operation: Operation) -> int:
        """The operation's daily quota; Forbidden if the agreement does not allow it."""
        if operation not in self.operations:
            raise Forbidden(
                msg(
                    "Agreement {name} does not allow the operation {operation} (it allows: {allowed})",
                    name=self.name,
                    operation=operation.value,
                    allowed=", ".join(o.value for o in self.operations),
                )
            )
        return self.operations[operation]

    def covers_area(self, area_code: str) -> bool:
        return not self.areas or any(is_within(area_code, area) for area in self.areas)

    def require_area(self, area_code: str) -> None:
        if not self.covers_area(area_code):
            raise Forbidden(
                msg(
                    "Area {area} is outside agreement {name} (its areas: {areas})",
                    area=area_code,
                    name=self.name,
                    areas=", ".join(self.areas),
                )
            )

    def require_deciles(self, deciles: tuple[int, ...]) -> None:
        outside = sorted(set(deciles) - set(self.deciles)) if self.deciles else []
        wrong = sorted(d for d in deciles if d not in DECILES)
        if outside or wrong:
            raise Forbidden(
                msg(
                    "Deciles {deciles} are outside agreement {name} (its deciles: {allowed})",
                    deciles=", ".join(map(str, outside or wrong)),
                    name=self.name,
                    allowed=", ".join(map(str, self.deciles or DECILES)),
                )
            )

    def require_categories(self, categories: tuple[str, ...]) -> None:
        allowed = self.ppks_categories
        outside = [
            code
            for code in categories
            if (allowed and code not in allowed) or not within_ceiling(code, self.sensitivity_ceiling)
        ]
        if outside:
            raise Forbidden(
                msg(
                    "PPKS categories {categories} are outside agreement {name} (its categories: {allowed}; "
                    "sensitivity ceiling: {ceiling})",
                    categories=", ".join(outside),
                    name=self.name,
                    allowed=", ".join(allowed) or "—",
                    ceiling=self.sensitivity_ceiling.value,
                )
            )

    def shared_fields(self) -> tuple[str, ...]:
        """The field names a response may carry: the allow-list without the dropped ones."""
        return tuple(name for name, t in self.fields.items() if t is not Transform.drop and name in FIELDS)

    def require_field(self, name: str, *, for_what: Text) -> Transform:
        """The transform of a field a request needs (e.g. the NIK to look up by); Forbidden if not shared."""
        transform = self.fields.get(name)
        if transform is None or transform is Transform.drop:
            raise Forbidden(
                msg(
                    "Agreement {name} does not share {field}, which {purpose} needs",
                    name=self.name,
                    field=name,
                    purpose=for_what,
                )
            )
        return transform


@dataclass(frozen=True)
class AgreementInfo:
    """An agreement as the staff pages list it: with its organisation's name, its state today, its clients
    and today's usage per operation."""

    agreement: Agreement
    organisation: str
    state: str
    clients: tuple[str, ...]
    usage: dict[str, int]
