"""Released tables: differentially private, suppressed count tables by area and category, stored once and
served again, and the privacy-budget ledger they spend from (``docs/sharing-releases.md``).

- :func:`create_release` (``sharing:release``, nationwide): reads the true counts through the ppks or
  welfare service, noises them (:mod:`inklusi.sharing.privacy`, OpenDP) and suppresses small cells and their
  complements (:mod:`inklusi.disclosure`), spends the release's epsilon from the ledger of the dataset and
  the agreement (``None``: public releases) and stores the table, in one transaction that holds the ledger
  line locked. A release that would take the ledger past its budget is refused (409, audited). The same
  request again (same dataset, agreement, level, columns, epsilon and source data) returns the stored
  table and spends nothing: a table is never noised twice.
  A release for an agreement needs the agreement approved, in force today and allowing ``aggregates``;
  a sensitive PPKS category in it needs the agreement's sensitivity ceiling ``sensitive`` (and a releaser
  with ``ppks:sensitive``). A refusal spends nothing.
- :func:`list_releases`, :func:`get_release`, :func:`export_release`, :func:`budget_lines`
  (``sharing:read``): the stored tables (published entries only: the true counts are never stored) and the
  ledger. They hold no personal data, so staff reading them is not audited.
- :func:`partner_releases`, :func:`partner_release` (the partner API): the tables released for the
  partner's own agreement (another agreement's or a public one's id is not found), under its
  ``aggregates`` operation; reading a table counts one against that operation's daily quota and is audited
  (``sharing.release_read``, with the partner's purpose), so every partner access is traceable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import numpy as np

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import Text, msg
from inklusi.ids import new_id
from inklusi.ppks import service as ppks
from inklusi.ppks import taxonomy
from inklusi.ppks.model import Sensitivity
from inklusi.sharing import privacy
from inklusi.sharing.model import Agreement, Operation, within_ceiling
from inklusi.sharing.privacy import Budget, TableDefinition, Unit
from inklusi.sharing.service.agreements import agreement_in, today
from inklusi.sharing.service.clients import Partner
from inklusi.sharing.service.partner import check_purpose, consume
from inklusi.sharing.store import releases as store
from inklusi.spreadsheets import csv_bytes
from inklusi.welfare import service as welfare
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import AreaLevel

PUBLIC = "public"
"""The ledger scope of public releases (``agreement_id`` None)."""
LEVELS: dict[str, tuple[AreaLevel, int]] = {
    "province": (AreaLevel.province, 2),
    "regency": (AreaLevel.regency, 5),
}
Level = Literal["province", "regency"]
PERSONS_PPKS = "persons_ppks"
HOUSEHOLDS_DECILE = "households_decile"
DATASETS: dict[str, TableDefinition] = {
    # a person lives in one area but may be flagged in several categories: in as many cells as columns
    PERSONS_PPKS: TableDefinition(PERSONS_PPKS, Unit.person, None, budget_milli=3000),
    # a household is in one area and one national decile
    HOUSEHOLDS_DECILE: TableDefinition(HOUSEHOLDS_DECILE, Unit.household, 1, budget_milli=3000),
}
DATASET_NAMES: dict[str, Text] = {
    PERSONS_PPKS: msg("People flagged in PPKS categories, by area"),
    HOUSEHOLDS_DECILE: msg("Households by area and national welfare decile"),
}
DECILES = tuple(range(1, 11))
TOTAL = "total"
MEDIA_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    code: str
    label_id: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_id


@dataclass(frozen=True)
class ReleasedTable:
    """A stored release: the table as published (``values``: rows then the total row, each with its
    columns then the total; ``None`` where suppressed), its noise and who released it for which agreement."""

    id: UUID
    dataset: str
    unit: str
    level: str
    agreement_id: UUID | None
    epsilon: float
    sensitivity: int
    scale: float
    accuracy: int
    source: str
    created_at: datetime
    actor_name: str
    rows: tuple[tuple[str, str], ...]  # (area code, name)
    columns: tuple[Column, ...]
    thresholds: tuple[int, ...]  # per column
    values: tuple[tuple[int | None, ...], ...]
    cells: int
    suppressed: int


@dataclass(frozen=True)
class ReleaseSummary:
    id: UUID
    dataset: str
    unit: str
    level: str
    agreement_id: UUID | None
    epsilon: float
    accuracy: int
    source: str
    created_at: datetime
    actor_name: str
    cells: int
    suppressed: int


@dataclass(frozen=True)
class BudgetLine:
    """A ledger line: a dataset's budget for an agreement (``None``: public releases), in epsilon."""

    dataset: str
    agreement_id: UUID | None
    budget: float
    spent: float

    @property
    def left(self) -> float:
        return round(self.budget - self.spent, 3)


@dataclass(frozen=True)
class CreatedRelease:
    release: ReleasedTable
    created: bool  # False: the same request was released before; this is the stored table


@dataclass(frozen=True)
class ReleaseExport:
    content: bytes
    filename: str
    media_type: str


@dataclass(frozen=True)
class _Counts:
    source: str
    rows: tuple[tuple[str, str], ...]
    columns: tuple[Column, ...]
    thresholds: tuple[int, ...]
    cells: np.ndarray


def scope_of(agreement_id: UUID | None) -> str:
    return PUBLIC if agreement_id is None else str(agreement_id)


def _definition(dataset: str) -> TableDefinition:
    if dataset not in DATASETS:
        text = msg("Unknown dataset {name}: choose one of {names}", name=dataset, names=", ".join(DATASETS))
        raise Invalid(text, [Issue("dataset", "invalid", text)])
    return DATASETS[dataset]


def _level(level: str) -> tuple[AreaLevel, int]:
    if level not in LEVELS:
        text = msg("Unknown level {name}: choose one of {names}", name=level, names=", ".join(LEVELS))
        raise Invalid(text, [Issue("level", "invalid", text)])
    return LEVELS[level]


def _categories(
    ctx: Context, principal: Principal, agreement: Agreement | None, asked: Sequence[str]
) -> tuple[Column, ...]:
    """The PPKS categories of a table: those asked for (default: every non-sensitive one). A sensitive
    category never goes into a public release, and into an agreement's only under its sensitivity ceiling
    ``sensitive`` and for a releaser who may see sensitive categories nationwide."""
    known = {c.code: c for c in taxonomy.categories()}
    codes = list(dict.fromkeys(a.strip() for a in asked if a.strip()))
    unknown = [c for c in codes if c not in known]
    if unknown:
        text = msg("Unknown PPKS categories: {codes}", codes=", ".join(unknown))
        raise Invalid(text, [Issue("categories", "category.unknown", text)])
    if not codes:
        codes = [c.code for c in known.values() if c.sensitivity is Sensitivity.personal]
    sensitive = [c for c in codes if known[c].sensitivity is Sensitivity.sensitive]
    if sensitive and agreement is None:
        text = msg(
            "Sensitive PPKS categories are never in a public release: {codes}", codes=", ".join(sensitive)
        )
        raise Forbidden(text, [Issue("categories", "category.sensitive", text)])
    if agreement is not None and (
        above := [c for c in sensitive if not within_ceiling(c, agreement.sensitivity_ceiling)]
    ):
        text = msg(
            "Agreement {name} has the sensitivity ceiling {ceiling}: the sensitive PPKS categories {codes} "
            "cannot be released for it",
            name=agreement.name,
            ceiling=agreement.sensitivity_ceiling.value,
            codes=", ".join(above),
        )
        raise Forbidden(text, [Issue("categories", "category.ceiling", text)])
    if sensitive and not principal.can(Permission.ppks_sensitive):
        raise Forbidden(msg("You may not see sensitive PPKS categories"))
    order = list(known)
    return tuple(
        Column(code, known[code].name.id, known[code].name.en) for code in sorted(codes, key=order.index)
    )


def _areas(ctx: Context, level: AreaLevel) -> tuple[tuple[str, str], ...]:
    """Every area of the level in the reference (not only those with someone: a row that is missing would
    tell that its count is 0)."""
    return tuple((a.code, a.name) for a in sorted(wilayah.areas_at_level(ctx, level), key=lambda a: a.code))


def _grid(
    rows: Sequence[tuple[str, str]], columns: Sequence[str], found: Sequence[tuple[str, str, int]]
) -> np.ndarray:
    row_of = {code: i for i, (code, _) in enumerate(rows)}
    column_of = {code: j for j, code in enumerate(columns)}
    cells = np.zeros((len(rows), len(columns)), dtype=np.int64)
    for area, column, count in found:
        if area in row_of and column in column_of:
            cells[row_of[area], column_of[column]] += count
    return cells


def _read_counts(
    ctx: Context,
    principal: Principal,
    dataset: str,
    level: str,
    agreement: Agreement | None,
    asked: Sequence[str],
) -> _Counts:
    area_level, length = _level(level)
    limits = ppks.thresholds_of(ctx)
    if dataset == PERSONS_PPKS:
        columns = _categories(ctx, principal, agreement, asked)
        rows = _areas(ctx, area_level)
        flagged = ppks.flagged_people_by_area(ctx, length, [c.code for c in columns])
        cells = _grid(rows, [c.code for c in columns], flagged.counts)
        thresholds = tuple(limits.of(taxonomy.category(c.code)) for c in columns)
        return _Counts(flagged.source, rows, columns, thresholds, cells)
    if asked:
        text = msg("Only the PPKS dataset takes categories")
        raise Invalid(text, [Issue("categories", "invalid", text)])
    ranked = welfare.households_by_decile(ctx, length)
    rows = _areas(ctx, area_level)
    columns = tuple(Column(str(d), f"Desil {d}", f"Decile {d}") for d in DECILES)
    found = [(area, str(decile), n) for area, decile, n in ranked.counts]
    cells = _grid(rows, [c.code for c in columns], found)
    return _Counts(ranked.source, rows, columns, (limits.personal,) * len(columns), cells)


def _agreement(ctx: Context, agreement_id: UUID) -> Agreement:
    """The agreement a release is for: it exists, is approved and in force today, and allows
    ``aggregates`` (refused otherwise, naming the agreement and why, before anything is read or spent)."""
    with ctx.transaction(readonly=True) as conn:
        try:
            agreement = agreement_in(conn, agreement_id)
        except NotFound as missing:
            raise Invalid(missing.text, [Issue("agreement_id", "unknown", missing.text)]) from None
    try:
        agreement.require_in_force(today(ctx))
        agreement.require_operation(Operation.aggregates)
    except Forbidden as refused:
        raise Forbidden(refused.text, [Issue("agreement_id", "agreement", refused.text)]) from None
    return agreement


def _key(parameters: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest()


def create_release(
    ctx: Context,
    principal: Principal,
    *,
    dataset: str,
    level: str = "province",
    epsilon: float,
    agreement_id: UUID | None = None,
    categories: Sequence[str] = (),
) -> CreatedRelease:
    """Release a table (see the module's description); the stored one when the same was released."""
    principal.require(Permission.sharing_release)
    definition = _definition(dataset)
    asked = privacy.epsilon_milli(epsilon)
    scope = scope_of(agreement_id)
    agreement = _agreement(ctx, agreement_id) if agreement_id is not None else None
    counts = _read_counts(ctx, principal, dataset, level, agreement, categories)
    parameters: dict[str, object] = {
        "dataset": dataset,
        "level": level,
        "columns": [c.code for c in counts.columns],
        "epsilon_milli": asked,
        "source": counts.source,
    }
    key = _key(parameters)
    with ctx.transaction(readonly=True) as conn:
        stored = store.release_by_request(conn, dataset, scope, key)
    if stored is not None:
        return CreatedRelease(_table(stored), created=False)

    sensitivity = definition.sensitivity(len(counts.columns))
    released = privacy.release(
        counts.cells,
        privacy.thresholds_by_column(counts.thresholds),
        epsilon=asked / privacy.MILLI,
        sensitivity=sensitivity,
    )
    now = utcnow()
    refused: Budget | None = None
    try:
        with ctx.transaction() as conn:
            store.ensure_budget(conn, dataset, scope, agreement_id, definition.budget_milli, now)
            line = store.locked_budget(conn, dataset, scope)
            assert line is not None  # made just above
            stored = store.release_by_request(conn, dataset, scope, key)  # a request that won the lock
            if stored is not None:
                return CreatedRelease(_table(stored), created=False)
            refused = Budget(dataset, line["budget_milli"], line["spent_milli"])
            after = refused.spend(asked)
            refused = None
            if not store.add_spent(
                conn, dataset, scope, asked, now
            ):  # pragma: no cover - only without the lock
                raise Conflict(
                    msg("The privacy budget of {dataset} changed meanwhile: ask again", dataset=dataset)
                )
            row = _row(counts, released, parameters, key, principal, agreement_id, scope, definition, now)
            store.insert_release(conn, row)
            event = Event(
                kind=events.SHARING_RELEASE,
                actor=principal.actor,
                purpose=Purpose.statistics_release,
                object_id=str(row["id"]),
                detail={
                    "dataset": dataset,
                    "level": level,
                    "agreement": str(agreement_id) if agreement_id else None,
                    "epsilon": privacy.as_epsilon(asked),
                    "spent": privacy.as_epsilon(after.spent),
                    "budget": privacy.as_epsilon(after.total),
                    "source": counts.source,
                    "cells": row["cells"],
                    "suppressed": row["suppressed"],
                },
            )
            audit.record(ctx, conn, event)
    except Conflict:
        if refused is not None:
            _record_refusal(ctx, principal, refused, asked, agreement_id)
        raise
    return CreatedRelease(_table(row), created=True)


def _record_refusal(
    ctx: Context, principal: Principal, line: Budget, asked: int, agreement_id: UUID | None
) -> None:
    event = Event(
        kind=events.SHARING_RELEASE_REFUSED,
        actor=principal.actor,
        purpose=Purpose.statistics_release,
        detail={
            "dataset": line.dataset,
            "agreement": str(agreement_id) if agreement_id else None,
            "budget": privacy.as_epsilon(line.total),
            "spent": privacy.as_epsilon(line.spent),
            "asked": privacy.as_epsilon(asked),
        },
    )
    audit.record_alone(ctx, event)


def _row(
    counts: _Counts,
    released: privacy.Released,
    parameters: dict[str, object],
    key: str,
    principal: Principal,
    agreement_id: UUID | None,
    scope: str,
    definition: TableDefinition,
    now: datetime,
) -> dict[str, object]:
    table = {
        "rows": [list(r) for r in counts.rows],
        "columns": [[c.code, c.label_id, c.label_en] for c in counts.columns],
        "thresholds": list(counts.thresholds),
        "values": released.published(),
    }
    return {
        "id": new_id(),
        "dataset": definition.dataset,
        "scope": scope,
        "agreement_id": agreement_id,
        "parameters_key": key,
        "parameters": json.dumps(parameters, sort_keys=True),
        "unit": definition.unit.value,
        "level": str(parameters["level"]),
        "source": counts.source,
        "epsilon_milli": int(str(parameters["epsilon_milli"])),
        "sensitivity": released.sensitivity,
        "scale": released.scale,
        "accuracy": released.accuracy,
        "table": json.dumps(table, ensure_ascii=False),
        "cells": int(released.values.size),
        "suppressed": int(released.suppressed.sum()),
        "created_at": now,
        "actor_id": principal.user_id,
        "actor_name": principal.display_name[:120],
    }


def _summary(row: Mapping[Any, Any]) -> ReleaseSummary:
    """From a stored row (or the row just inserted)."""
    get = row.__getitem__
    return ReleaseSummary(
        id=get("id"),
        dataset=get("dataset"),
        unit=get("unit"),
        level=get("level"),
        agreement_id=get("agreement_id"),
        epsilon=get("epsilon_milli") / privacy.MILLI,
        accuracy=get("accuracy"),
        source=get("source"),
        created_at=get("created_at"),
        actor_name=get("actor_name"),
        cells=get("cells"),
        suppressed=get("suppressed"),
    )


def _table(row: Mapping[Any, Any]) -> ReleasedTable:
    get = row.__getitem__
    table = json.loads(get("table"))
    summary = _summary(row)
    return ReleasedTable(
        **{k: v for k, v in summary.__dict__.items() if k not in ("cells", "suppressed")},
        sensitivity=get("sensitivity"),
        scale=get("scale"),
        rows=tuple((code, name) for code, name in table["rows"]),
        columns=tuple(Column(*c) for c in table["columns"]),
        thresholds=tuple(table["thresholds"]),
        values=tuple(tuple(v) for v in table["values"]),
        cells=summary.cells,
        suppressed=summary.suppressed,
    )


def list_releases(ctx: Context, principal: Principal) -> list[ReleaseSummary]:
    """The stored releases, newest first."""
    principal.require(Permission.sharing_read)
    with ctx.transaction(readonly=True) as conn:
        return [_summary(r) for r in store.list_releases(conn)]


def get_release(ctx: Context, principal: Principal, release_id: UUID) -> ReleasedTable:
    principal.require(Permission.sharing_read)
    with ctx.transaction(readonly=True) as conn:
        row = store.release_by_id(conn, release_id)
    if row is None:
        raise NotFound(msg("No released table {id}", id=str(release_id)))
    return _table(row)


def budget_lines(ctx: Context, principal: Principal) -> list[BudgetLine]:
    """The ledger: every dataset's public line (its full budget when nothing was released yet) and the
    lines of agreements that released something."""
    principal.require(Permission.sharing_read)
    with ctx.transaction(readonly=True) as conn:
        rows = store.budgets(conn)
    lines = {
        (r["dataset"], r["scope"]): BudgetLine(
            r["dataset"],
            r["agreement_id"],
            r["budget_milli"] / privacy.MILLI,
            r["spent_milli"] / privacy.MILLI,
        )
        for r in rows
    }
    for name, definition in DATASETS.items():
        lines.setdefault((name, PUBLIC), BudgetLine(name, None, definition.budget_milli / privacy.MILLI, 0.0))
    return [lines[k] for k in sorted(lines, key=lambda k: (k[1] != PUBLIC, k))]


def csv_of(release: ReleasedTable, marker: str = "x") -> bytes:
    """The table as CSV: a row per area then the total row; ``marker`` where suppressed."""
    header = ["area_code", "area", *(c.code for c in release.columns), TOTAL]
    names = [*release.rows, (TOTAL, "")]
    rows = [
        [code, name, *(marker if v is None else v for v in values)]
        for (code, name), values in zip(names, release.values, strict=True)
    ]
    return csv_bytes(header, rows)


def export_of(release: ReleasedTable) -> ReleaseExport:
    """The table as a CSV file (the same bytes every time)."""
    name = f"release-{release.dataset}-{release.level}-{release.id}.csv"
    return ReleaseExport(csv_of(release), name, MEDIA_TYPE)


def export_release(ctx: Context, principal: Principal, release_id: UUID) -> ReleaseExport:
    """The stored table as CSV (the same bytes every time)."""
    return export_of(get_release(ctx, principal, release_id))


# --- The partner API ----------------------------------------------------------------------------------------


def partner_releases(ctx: Context, partner: Partner) -> list[ReleaseSummary]:
    """The tables released for the partner's agreement, newest first (no table, no personal data: neither
    counted nor audited)."""
    agreement = partner.agreement
    agreement.require_operation(Operation.aggregates)
    with ctx.transaction(readonly=True) as conn:
        return [_summary(r) for r in store.list_releases(conn, scope=scope_of(agreement.id))]


def partner_release(ctx: Context, partner: Partner, release_id: UUID, *, purpose: str) -> ReleasedTable:
    """A table released for the partner's agreement (another agreement's or a public one's: not found).
    Counts one against the agreement's daily ``aggregates`` quota and is audited with the partner's
    purpose, in one transaction."""
    agreement = partner.agreement
    agreement.require_operation(Operation.aggregates)
    purpose = check_purpose(purpose)
    with ctx.transaction() as conn:
        row = store.release_by_id(conn, release_id)
        if row is None or row["agreement_id"] != agreement.id:
            raise NotFound(
                msg("Agreement {name} has no released table {id}", name=agreement.name, id=str(release_id))
            )
        consume(ctx, conn, agreement, Operation.aggregates, 1)
        event = Event(
            kind=events.SHARING_RELEASE_READ,
            actor=partner.actor,
            purpose=Purpose.data_sharing,
            object_id=str(release_id),
            detail={
                "purpose": purpose,
                "agreement": str(agreement.id),
                "client_id": partner.client_id,
                "dataset": row["dataset"],
                "level": row["level"],
            },
        )
        audit.record(ctx, conn, event)
    return _table(row)
