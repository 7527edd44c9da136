"""Registry persons as linkage input, and stewards' decisions as constraints and training labels."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import pyarrow as pa
from sqlalchemy.engine import RowMapping

from inklusi.linkage.model import ColumnMap, DecisionKind, Role
from inklusi.linkage.prepare import prepare

REGISTRY_COLUMNS = ColumnMap(
    {
        Role.record_id: "person_id",
        Role.full_name: "name",
        Role.birth_date: "birth_date",
        Role.sex: "sex",
        Role.nik: "nik",
        Role.kk: "kk_number",
        Role.village_code: "village_code",
        Role.birth_place: "birth_place",
        Role.household: "household_id",
    }
)


def prepare_registry(exported: pa.Table) -> pa.Table:
    return prepare(exported, REGISTRY_COLUMNS)


@dataclass
class Constraints:
    """What stewards decided, as the clustering and the training use it (latest decision wins)."""

    must_link: set[tuple[str, str]] = field(default_factory=set)
    cannot_link: set[tuple[str, str]] = field(default_factory=set)

    def labels(self) -> pa.Table:
        pairs = sorted(self.must_link)
        return pa.table(
            {
                "unique_id_l": pa.array([a for a, _ in pairs], pa.string()),
                "unique_id_r": pa.array([b for _, b in pairs], pa.string()),
            }
        )


def _pair(a: object, b: object) -> tuple[str, str]:
    x, y = str(a), str(b)
    return (x, y) if x <= y else (y, x)


def constraints(decided: Sequence[RowMapping]) -> Constraints:
    """Must-link and cannot-link pairs from decisions, oldest first so that later ones override."""

    result = Constraints()
    for row in decided:
        kind = DecisionKind(row["kind"])
        detail = json.loads(row["detail"] or "{}")
        together: list[tuple[str, str]] = []
        apart: list[tuple[str, str]] = []
        if kind in (DecisionKind.match, DecisionKind.merge) and row["record_a"] and row["record_b"]:
            together.append(_pair(row["record_a"], row["record_b"]))
        if kind is DecisionKind.non_match and row["record_a"] and row["record_b"]:
            apart.append(_pair(row["record_a"], row["record_b"]))
        if kind is DecisionKind.unmerge:
            moved, stayed = detail.get("moved", []), detail.get("stayed", [])
            apart += [_pair(a, b) for a in moved for b in stayed]
            together += [_pair(a, b) for a, b in pairwise(moved)]
        for pair in together:
            result.cannot_link.discard(pair)
            result.must_link.add(pair)
        for pair in apart:
            result.must_link.discard(pair)
            result.cannot_link.add(pair)
    return result
