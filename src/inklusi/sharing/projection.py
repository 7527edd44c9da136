"""Applying an agreement to registry rows: which households and persons it covers (row scope) and what of
each it shares (the field allow-list, each field transformed). Pure: the service reads the rows through the
registry's, welfare's and PPKS's services and hands them here.

- Row scope: the household's village inside the agreement's areas (sub-areas included), its national decile
  among the agreement's deciles, and, for an agreement with PPKS categories, a member verified in one of
  them; of such a household only the members flagged in those categories are shared.
- Fields: only those the allow-list names and does not drop, each as is, pseudonymised (HMAC-SHA256 under
  the agreement's own key: one partner's tokens are stable, two partners' tokens for one person differ),
  generalised (birth date → year, village → district, score → one decimal) — nothing else is ever a key
  of the output.
- A PPKS category above the agreement's sensitivity ceiling is never shared; restricted persons are left
  out and the page says so (:class:`Withheld`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from inklusi.i18n import Text, msg
from inklusi.sharing.model import FIELDS, Agreement, Transform, within_ceiling

PSEUDONYM_LENGTH = 32  # hex characters: 128 bits of the HMAC
_KEY_LABEL = b"inklusi sharing pseudonym key\x00"


@dataclass(frozen=True)
class PersonRow:
    """A person as the registry holds them now, with their verified PPKS categories."""

    id: UUID
    nik: str | None
    name: str
    sex: str
    birth_date: date | None
    relationship: str | None
    ppks_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class HouseholdRow:
    """A household as the registry holds it now, with its latest welfare rank (None: not ranked)."""

    id: UUID
    kk_number: str | None
    area_code: str
    address: str | None
    size: int
    welfare_score: float | None
    decile: int | None
    regional_decile: int | None
    members: tuple[PersonRow, ...]


@dataclass(frozen=True)
class SharedHousehold:
    """What a partner receives of one household: FIELDS names only, already transformed."""

    fields: Mapping[str, object]
    members: tuple[Mapping[str, object], ...]


@dataclass(frozen=True)
class Pseudonym:
    """A token handed out, so that a later lookup by it finds its object (a household or a person)."""

    token: str
    field: str
    object_type: str
    object_id: UUID


@dataclass
class Projected:
    """Households shared, the pseudonyms they carry, and how many persons were left out and why."""

    households: list[SharedHousehold] = field(default_factory=list)
    pseudonyms: dict[str, Pseudonym] = field(default_factory=dict)
    restricted: int = 0
    household_ids: list[UUID] = field(default_factory=list)
    person_ids: list[UUID] = field(default_factory=list)


def agreement_key(secret: bytes, agreement_id: UUID) -> bytes:
    """The agreement's own pseudonym key, derived from the server's sharing secret."""
    return hmac.new(secret, _KEY_LABEL + agreement_id.bytes, hashlib.sha256).digest()


def pseudonym(key: bytes, field_name: str, value: str) -> str:
    """The token of ``value`` of ``field_name`` under an agreement's key (hex, 128 bits)."""
    digest = hmac.new(key, f"{field_name}\x00{value}".encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def generalised(field_name: str, value: object) -> object:
    """A coarser value: a birth date's year, a village's district, a score to one decimal."""
    if value is None:
        return None
    if field_name == "person.birth_date" and isinstance(value, date):
        return value.year
    if field_name == "household.area_code" and isinstance(value, str):
        return ".".join(value.split(".")[:3])
    if field_name == "household.welfare_score" and isinstance(value, int | float):
        return round(float(value), 1)
    raise ValueError(f"{field_name} cannot be generalised")


def household_in_scope(agreement: Agreement, row: HouseholdRow) -> bool:
    """The agreement's row scope: area (sub-areas included), decile and PPKS category."""
    if not agreement.covers_area(row.area_code):
        return False
    if agreement.deciles and row.decile not in agreement.deciles:
        return False
    return not agreement.ppks_categories or bool(_flagged_members(agreement, row.members))


def _flagged_members(agreement: Agreement, members: Iterable[PersonRow]) -> list[PersonRow]:
    wanted = set(agreement.ppks_categories)
    return [m for m in members if wanted & set(_categories(agreement, m.ppks_categories))]


def _categories(agreement: Agreement, codes: Iterable[str]) -> list[str]:
    """The categories a partner may receive: within the ceiling, and among the agreement's if it names any."""
    allowed = set(agreement.ppks_categories)
    return sorted(
        code
        for code in codes
        if within_ceiling(code, agreement.sensitivity_ceiling) and (not allowed or code in allowed)
    )


def shared_person_ids(
    agreement: Agreement, row: HouseholdRow, restricted: frozenset[UUID] | set[UUID]
) -> list[UUID]:
    """The members of a household in scope that the agreement shares (not restricted)."""
    if not household_in_scope(agreement, row):
        return []
    members = _flagged_members(agreement, row.members) if agreement.ppks_categories else row.members
    return [m.id for m in members if m.id not in restricted]


def project(
    agreement: Agreement,
    key: bytes,
    rows: Iterable[HouseholdRow],
    restricted: frozenset[UUID] | set[UUID] = frozenset(),
) -> Projected:
    """The rows the agreement covers, each with only its allowed fields (transformed); rows outside its scope
    are left out (the caller filtered them already: this is the last guard)."""
    out = Projected()
    for row in rows:
        if not household_in_scope(agreement, row):
            continue
        members = _flagged_members(agreement, row.members) if agreement.ppks_categories else list(row.members)
        shared_members = []
        for member in members:
            if member.id in restricted:
                out.restricted += 1
                continue
            shared_members.append(_person(agreement, key, member, out))
            out.person_ids.append(member.id)
        out.households.append(SharedHousehold(_household(agreement, key, row, out), tuple(shared_members)))
        out.household_ids.append(row.id)
    return out


def _household(agreement: Agreement, key: bytes, row: HouseholdRow, out: Projected) -> dict[str, object]:
    values: dict[str, object] = {
        "household.id": row.id,
        "household.kk_number": row.kk_number,
        "household.area_code": row.area_code,
        "household.address": row.address,
        "household.size": row.size,
        "household.welfare_score": row.welfare_score,
        "household.decile": row.decile,
        "household.regional_decile": row.regional_decile,
    }
    return _shared(agreement, key, values, "household", row.id, out)


def _person(agreement: Agreement, key: bytes, row: PersonRow, out: Projected) -> dict[str, object]:
    values: dict[str, object] = {
        "person.id": row.id,
        "person.nik": row.nik,
        "person.name": row.name,
        "person.sex": row.sex,
        "person.birth_date": row.birth_date,
        "person.relationship": row.relationship,
        "person.ppks_categories": _categories(agreement, row.ppks_categories),
    }
    return _shared(agreement, key, values, "person", row.id, out)


def _shared(
    agreement: Agreement,
    key: bytes,
    values: Mapping[str, object],
    object_type: str,
    object_id: UUID,
    out: Projected,
) -> dict[str, object]:
    shared: dict[str, object] = {}
    for name, transform in agreement.fields.items():
        if name not in values or name not in FIELDS or transform is Transform.drop:
            continue
        if transform not in FIELDS[name].transforms:  # a stored agreement the rules no longer allow
            continue
        value = values[name]
        if transform is Transform.as_is:
            shared[name] = str(value) if isinstance(value, UUID) else value
        elif transform is Transform.generalise:
            shared[name] = generalised(name, value)
        elif value is None:
            shared[name] = None
        else:
            token = pseudonym(key, name, str(value))
            out.pseudonyms[token] = Pseudonym(token, name, object_type, object_id)
            shared[name] = token
    return shared


def static_notices(agreement: Agreement) -> list[Text]:
    """What every answer under the agreement leaves out by its terms (not by who is in the answer, so that
    a notice never tells anything about one person)."""
    notices: list[Text] = []
    if "person.ppks_categories" in agreement.shared_fields():
        notices.append(
            msg(
                "PPKS categories above the agreement's sensitivity ceiling ({ceiling}) are never shared",
                ceiling=agreement.sensitivity_ceiling.value,
            )
        )
    if agreement.ppks_categories:
        notices.append(msg("Only the members flagged in the agreement's PPKS categories are shared"))
    return notices


def withheld_notices(agreement: Agreement, projected: Projected) -> tuple[Text, ...]:
    """The page's ``withheld``: the agreement's standing notices and the persons left out of this answer."""
    notices = static_notices(agreement)
    if projected.restricted:
        notices.append(
            msg(
                "{n} persons are left out: they restricted the processing of their data",
                n=projected.restricted,
            )
        )
    return tuple(notices)
