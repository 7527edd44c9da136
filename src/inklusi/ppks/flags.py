"""PPKS flags: what a run of the rules found, merged per person and category, and how it changes the flags
that exist (pure: the service reads and writes).

A flag is one person in one category. Its status is ``candidate`` (a rule found them: a reason to look),
``verified`` or ``rejected`` (an authorised person decided, with a reason for a rejection) or ``retired``
(a candidate the rules no longer find: the evidence went away). A re-run

- creates a candidate for every (person, category) found that has no flag;
- gives a candidate new evidence (or a retired flag its evidence back, as a candidate) when it changed;
- keeps a verified or rejected status whatever the rules find now (new evidence or another area is
  recorded with the status kept), and never retires it: people decided it, not the rules;
- retires a candidate the rules no longer find.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class FlagStatus(StrEnum):
    candidate = "candidate"
    verified = "verified"
    rejected = "rejected"
    retired = "retired"

    @property
    def decided(self) -> bool:
        return self in (FlagStatus.verified, FlagStatus.rejected)


@dataclass(frozen=True)
class Found:
    """One person in one category as a run found them (every rule that did, in the rule set's order)."""

    person_id: UUID
    category: str
    household_id: UUID | None
    area_code: str
    rule_id: str  # the first rule that found them
    rule_version: str
    evidence: str  # canonical JSON: rule id -> the answers it read


@dataclass(frozen=True)
class Current:
    """A flag's current version, as far as a re-run compares it."""

    flag_id: UUID
    version_id: UUID
    person_id: UUID
    category: str
    status: FlagStatus
    household_id: UUID | None
    area_code: str
    rule_id: str
    rule_version: str
    evidence: str


@dataclass(frozen=True)
class Plan:
    new: tuple[Found, ...]  # no flag yet: a candidate
    changed: tuple[tuple[Current, Found, FlagStatus], ...]  # a new version with this evidence and status
    retired: tuple[Current, ...]  # candidates no longer found
    unchanged: int


def merge(
    rows: Iterable[Mapping[str, object]], rule_order: Mapping[str, int]
) -> dict[tuple[UUID, str], Found]:
    """Rows of :func:`inklusi.ppks.expr.candidates` (plus ``area_code``) as one :class:`Found` per person
    and category, its evidence every rule's, its rule the first in the rule set."""
    evidence: dict[tuple[UUID, str], dict[str, object]] = {}
    first: dict[tuple[UUID, str], Mapping[str, object]] = {}
    for row in rows:
        key = (UUID(str(row["person_id"])), str(row["category"]))
        rule = str(row["rule_id"])
        evidence.setdefault(key, {})[rule] = json.loads(str(row["evidence"]))
        if key not in first or rule_order[rule] < rule_order[str(first[key]["rule_id"])]:
            first[key] = row
    found = {}
    for key, row in first.items():
        household = row.get("household_id")
        found[key] = Found(
            person_id=key[0],
            category=key[1],
            household_id=UUID(str(household)) if household else None,
            area_code=str(row["area_code"]),
            rule_id=str(row["rule_id"]),
            rule_version=str(row["rule_version"]),
            evidence=canonical(evidence[key]),
        )
    return found


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def reconcile(current: Iterable[Current], found: Mapping[tuple[UUID, str], Found]) -> Plan:
    """What a run changes: new candidates, new versions (evidence, area or status), retirements."""
    changed: list[tuple[Current, Found, FlagStatus]] = []
    retired: list[Current] = []
    seen: set[tuple[UUID, str]] = set()
    unchanged = 0
    for flag in current:
        key = (flag.person_id, flag.category)
        seen.add(key)
        now = found.get(key)
        if now is None:
            if flag.status is FlagStatus.candidate:
                retired.append(flag)
            else:
                unchanged += 1  # retired stays retired; a decision stays
            continue
        status = flag.status if flag.status.decided else FlagStatus.candidate
        same = (now.evidence, now.area_code, now.household_id, now.rule_id) == (
            flag.evidence,
            flag.area_code,
            flag.household_id,
            flag.rule_id,
        )
        if same and status is flag.status:
            unchanged += 1
        else:
            changed.append((flag, now, status))
    new = tuple(f for key, f in found.items() if key not in seen)
    return Plan(new, tuple(changed), tuple(retired), unchanged)


def may_decide(status: FlagStatus, decision: FlagStatus) -> bool:
    """Whether a flag with ``status`` may be decided ``decision`` (verified or rejected): any flag may, but
    not twice the same way (a verified flag may be rejected later, with a reason, and the other way)."""
    return decision.decided and status is not decision
