"""Record linkage: the roles a column can play, pairs, decisions, entities and quality figures. Pure.

No SQLAlchemy, FastAPI or Splink here: these types are shared by the preparation, the Splink wrapper, the
clustering, the store and the edges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg


class Role(StrEnum):
    """What a column of an input file means to the linkage (``--map ROLE=COLUMN``)."""

    record_id = "record_id"
    source = "source"  # which list or round a record comes from (link across sources)
    given_name = "given_name"
    family_name = "family_name"
    full_name = "full_name"
    birth_date = "birth_date"
    sex = "sex"
    nik = "nik"
    kk = "kk"
    village_code = "village_code"
    postcode = "postcode"
    address = "address"
    birth_place = "birth_place"
    phone = "phone"
    id_number = "id_number"  # any other identity number (social security, passport): typo-tolerant
    household = "household"  # the record's household in its own source, for household linkage


EXTRA_PREFIX = "extra:"


@dataclass(frozen=True)
class ColumnMap:
    """Which input column plays which role; ``extras`` are other attributes compared exactly."""

    roles: Mapping[Role, str]
    extras: Mapping[str, str] = field(default_factory=dict)  # extra name → input column

    @classmethod
    def parse(cls, text: str, *, record_id: str | None = None) -> ColumnMap:
        """``"given_name=first,family_name=last,extra:state=state"`` (``record_id`` from ``--id``)."""
        roles: dict[Role, str] = {}
        extras: dict[str, str] = {}
        issues: list[Issue] = []
        for item in (part.strip() for part in text.split(",") if part.strip()):
            role, sep, column = item.partition("=")
            role, column = role.strip(), column.strip()
            if not sep or not column:
                issues.append(Issue("map", "map.syntax", msg("Write ROLE=COLUMN, not {item!r}", item=item)))
            elif role.startswith(EXTRA_PREFIX) and role[len(EXTRA_PREFIX) :]:
                extras[role[len(EXTRA_PREFIX) :]] = column
            elif role in Role.__members__:
                roles[Role(role)] = column
            else:
                known = ", ".join(r.value for r in Role)
                issues.append(
                    Issue(
                        "map",
                        "map.role",
                        msg("Unknown role {role}; use one of: {known}, extra:NAME", role=role, known=known),
                    )
                )
        if record_id:
            roles[Role.record_id] = record_id
        if issues:
            raise Invalid(msg("The column mapping is not valid"), issues)
        return cls(roles, extras)

    def columns(self) -> list[str]:
        return list(dict.fromkeys([*self.roles.values(), *self.extras.values()]))

    def has(self, role: Role) -> bool:
        return role in self.roles


class LinkType(StrEnum):
    dedupe = "dedupe_only"
    link = "link_only"
    link_and_dedupe = "link_and_dedupe"


class EntityKind(StrEnum):
    person = "person"
    household = "household"


class PairStatus(StrEnum):
    """Where a candidate pair stands in the review queue."""

    pending = "pending"  # between the thresholds (or refused by the clustering): a steward decides
    decided = "decided"
    superseded = "superseded"  # a later run or a merge settled it


class DecisionKind(StrEnum):
    match = "match"  # the two records are the same
    non_match = "non_match"  # they are not (never link them)
    merge = "merge"  # two entities become one
    unmerge = "unmerge"  # records split off an entity into a new one


class LinkReason(StrEnum):
    """Why a record belongs to its entity."""

    alone = "alone"
    nik = "nik"  # the same valid NIK
    model = "model"  # the probabilistic model and the clustering
    steward = "steward"  # a steward's decision


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities: at or above ``auto_merge`` records are linked; between ``review`` and it, a
    steward decides; below ``review`` they are different."""

    auto_merge: float
    review: float

    def __post_init__(self) -> None:
        if not 0 < self.review <= self.auto_merge < 1:
            raise ValueError("thresholds must satisfy 0 < review <= auto_merge < 1")

    def band(self, probability: float) -> str:
        if probability >= self.auto_merge:
            return "link"
        return "review" if probability >= self.review else "distinct"


@dataclass(frozen=True)
class FieldEvidence:
    """How one field compared in a pair: both values, the comparison level and its weight."""

    field: str
    left: str | None
    right: str | None
    level: str
    match_weight: float


@dataclass(frozen=True)
class ReviewPair:
    id: UUID
    kind: EntityKind
    record_a: UUID
    record_b: UUID
    match_probability: float
    status: PairStatus
    reason: str  # "between_thresholds" or "conflict: …"
    created_at: datetime
    area_a: str | None
    area_b: str | None
    evidence: tuple[FieldEvidence, ...] = ()
    entity_a: UUID | None = None
    entity_b: UUID | None = None


@dataclass(frozen=True)
class Decision:
    id: UUID
    kind: DecisionKind
    entity_kind: EntityKind
    record_a: UUID | None
    record_b: UUID | None
    pair_id: UUID | None
    actor_name: str
    decided_at: datetime
    note: str | None = None


@dataclass(frozen=True)
class Membership:
    """A record's place in an entity for a stretch of time."""

    record_id: UUID
    entity_id: UUID
    valid_from: datetime
    valid_to: datetime | None
    reason: LinkReason
    run_id: UUID | None
    decision_id: UUID | None


@dataclass(frozen=True)
class Entity:
    id: UUID
    kind: EntityKind
    members: tuple[Membership, ...]
    retired_into: UUID | None = None


@dataclass(frozen=True)
class PairQuality:
    """Precision, recall and F1 of a set of predicted pairs against the true pairs."""

    threshold: float | None
    predicted: int
    true_positives: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "threshold": self.threshold,
            "predicted_pairs": self.predicted,
            "true_positives": self.true_positives,
            "true_pairs": self.true_pairs,
            "precision": round(self.precision, 6),
            "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
        }


def ordered(a: UUID, b: UUID) -> tuple[UUID, UUID]:
    """A pair is stored once, lower id first."""
    return (a, b) if a <= b else (b, a)
