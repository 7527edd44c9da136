"""Case management at a million cases: a worker's inbox and a case page, against the same SELECTs alone.

    .venv/bin/python -m benchmarks.cases_bench [--databases postgresql sqlite] [--cases 1000000]
        [--persons 1000000] [--requests 300] [--postgres-url URL] [--keep DIR] [--explain]

The issue's goal: a worker's inbox and a case page answer with p95 < 150 ms on PostgreSQL with 1 M cases.
For each database (a fresh PostgreSQL database ``cases_bench``; SQLite in a folder):

1. **registry**: ``--persons`` synthetic persons through the registry's bulk path
   (``benchmarks.databases.load_synthetic``: ``registry.load_households``);
2. **organisations and users**: 300 organisations (10 ministry centres over a province, 90 Dinas Sosial and
   200 foundations over a regency; the regencies drawn by population), 2,000 case workers (in proportion to
   the organisations' sizes) and a supervisor per organisation, each granted their organisation's area;
3. **cases**: ``--cases`` cases written with the database's bulk path (``inklusi.db.bulk_insert_columns``:
   ``COPY`` on PostgreSQL), in chunks: a person of the organisation's area, assigned to one of its workers
   (90 %), a phase drawn from a realistic spread (35 % closed), the transitions that led there, categories,
   an assessment with its ten needs, a plan with its items, services, outcomes, notes, consents; a
   referral for 20 % (completed, accepted, pending, rejected, revoked; to a foundation or a centre mostly),
   a transfer for 3 %, and a few break-the-glass grants; then ``ANALYZE``. Built in a child process, so the
   figures' peak memory is the requests' own. ``--keep DIR``: SQLite's folder and PostgreSQL's database
   are kept, and reused when they hold the cases already (to measure two versions of the code).
4. **requests**: ``cases.service.inbox`` for ``--requests`` different workers, and
   ``cases.service.case_view`` for ``--requests`` different cases (70 % as the assigned worker, 15 % as a
   worker of a referral's receiving organisation, 15 % as a supervisor of the owner organisation), each
   with the audit write every read makes (``case.list``, ``case.read``);
5. **baseline**: for each request, hand-written SELECTs of the same rows (the lists by the same indexes,
   the persons' cards, the names; for a case page its row, relations, records and handovers) run alone in
   one read-only transaction on the same engine, without the checks, the audit write or the views.

Printed per kind: p50 / p95 / max of the service and of the baseline, p95 service / p95 baseline, and the
process's peak resident memory (requests only; the build's own in its line). ``--explain`` prints EXPLAIN
ANALYZE of the inbox's and the case page's largest queries on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import resource
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import Uuid, bindparam, create_engine, text
from sqlalchemy.engine import Connection

from benchmarks.databases import DEFAULT_PG_URL, existing_database, fresh_database, load_synthetic
from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.access.tables import organisation, role_grant, user_account
from inklusi.bootstrap import init
from inklusi.cases import service as cases
from inklusi.cases.tables import (
    case_assessment,
    case_category,
    case_consent,
    case_file,
    case_glass,
    case_need,
    case_note,
    case_outcome,
    case_plan,
    case_plan_item,
    case_referral,
    case_service,
    case_transfer,
    case_transition,
)
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.db import bulk_insert_columns
from inklusi.ids import new_id
from inklusi.ppks.model import ServiceType

GOAL_MS = 150.0
DATABASE = "cases_bench"
ORGANISATIONS = (10, 90, 200)  # ministry centres (central), Dinas Sosial (regional), foundations (NGO)
WORKERS = 2000
CHUNK = 20_000  # cases written per transaction
PATH = (  # the phases a case goes through, and the transition that reaches each
    ("intake", "open"),
    ("assessment", "assess"),
    ("planning", "propose_plan"),
    ("intervention", "approve_plan"),
    ("reintegration", "reintegrate"),
    ("monitoring", "monitor"),
    ("termination", "propose_termination"),
    ("aftercare", "approve_termination"),
    ("closed", "close"),
)
PHASE_SHARES = (0.06, 0.10, 0.04, 0.20, 0.06, 0.10, 0.02, 0.07, 0.35)
REFERRAL_STATUSES = (
    ("completed", 0.5),
    ("accepted", 0.15),
    ("pending", 0.1),
    ("rejected", 0.15),
    ("revoked", 0.1),
)
TRANSFER_STATUSES = (("accepted", 0.5), ("refused", 0.3), ("cancelled", 0.1), ("pending", 0.1))
CATEGORIES = (
    "poor",
    "neglected_elderly",
    "persons_with_disabilities",
    "neglected_children",
    "street_children",
    "homeless",
    "vulnerable_women",
    "drug_abuse_victims",
    "people_living_with_hiv",
    "former_prisoners",
    "violence_victims",
    "families_with_psychosocial_problems",
)
CATEGORY_WEIGHTS = (30, 14, 12, 8, 4, 4, 6, 4, 3, 3, 4, 8)
SENSITIVE = {
    "persons_with_disabilities",
    "drug_abuse_victims",
    "people_living_with_hiv",
    "former_prisoners",
    "violence_victims",
}
SERVICE_TYPES = tuple(s.value for s in ServiceType)
NOW = datetime.now(UTC)
TODAY = NOW.date()


# --- Building ----------------------------------------------------------------------------------------------


def persons_by_area(conn: Connection) -> dict[str, list[tuple[UUID, str]]]:
    """Every current person in a household with their village, by regency."""
    rows = conn.execute(
        text(
            "SELECT m.person_id, h.village_code FROM family_member m"
            " JOIN family_version f ON f.family_id = m.family_id AND f.valid_to IS NULL"
            " JOIN household_version h ON h.household_id = f.household_id AND h.valid_to IS NULL"
            " WHERE m.valid_to IS NULL"
        ).columns(person_id=Uuid)
    ).all()
    found: dict[str, list[tuple[UUID, str]]] = defaultdict(list)
    for person_id, village in rows:
        found[village[:5]].append((person_id, village))
    return found


def add_people(ctx: Context, pick: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The organisations (with their areas) and their users (workers and a supervisor each)."""
    with ctx.transaction(readonly=True) as conn:
        people = persons_by_area(conn)
    regencies = sorted(people, key=lambda code: -len(people[code]))
    weights = [len(people[code]) for code in regencies]
    provinces = sorted({code[:2] for code in regencies})
    orgs: list[dict[str, Any]] = []
    for kind, count in zip(("central", "regional", "ngo"), ORGANISATIONS, strict=True):
        for number in range(count):
            if kind == "central":
                area = provinces[number % len(provinces)]
            elif kind == "regional":  # the most populous regencies each have their Dinas Sosial
                area = regencies[number % len(regencies)]
            else:
                area = pick.choices(regencies, weights)[0]
            size = {"central": 3.0, "regional": 2.0, "ngo": 1.0}[kind] * pick.uniform(0.5, 1.5)
            name = f"Bench {kind} {number:03d}"
            orgs.append({"id": new_id(), "name": name, "kind": kind, "area": area, "size": size})
    total = sum(o["size"] for o in orgs)
    users: list[dict[str, Any]] = []
    for index, org in enumerate(orgs):
        workers = max(1, round(WORKERS * org["size"] / total))
        for number in range(workers):
            username = f"w{index:03d}.{number:02d}"
            users.append({"id": new_id(), "username": username, "org": org, "role": "case_worker"})
        users.append({"id": new_id(), "username": f"s{index:03d}", "org": org, "role": "case_supervisor"})
    with ctx.transaction() as conn:
        bulk_insert_columns(
            conn,
            organisation,
            {
                "id": [o["id"] for o in orgs],
                "name": [o["name"] for o in orgs],
                "kind": [o["kind"] for o in orgs],
                "home_area_code": [o["area"] for o in orgs],
                "created_at": [NOW] * len(orgs),
            },
        )
        bulk_insert_columns(
            conn,
            user_account,
            {
                "id": [u["id"] for u in users],
                "username": [u["username"] for u in users],
                "display_name": [f"Pekerja {u['username']}" for u in users],
                "password_hash": ["!benchmark: no login"] * len(users),
                "organisation_id": [u["org"]["id"] for u in users],
                "language": ["id"] * len(users),
                "active": [True] * len(users),
                "created_at": [NOW] * len(users),
                "must_change_password": [False] * len(users),
            },
        )
        bulk_insert_columns(
            conn,
            role_grant,
            {
                "id": [new_id() for _ in users],
                "user_id": [u["id"] for u in users],
                "role_name": [u["role"] for u in users],
                "area_code": [u["org"]["area"] for u in users],
                "granted_at": [NOW] * len(users),
            },
        )
    for org in orgs:
        org["people"] = [p for code, found in people.items() if code.startswith(org["area"]) for p in found]
    return orgs, users


class Columns:
    """Rows of one table, kept as columns."""

    def __init__(self, *names: str) -> None:
        self.data: dict[str, list[Any]] = {name: [] for name in names}

    def add(self, *values: Any) -> None:
        for column, value in zip(self.data.values(), values, strict=True):
            column.append(value)

    def __len__(self) -> int:
        return len(next(iter(self.data.values())))


def _tables() -> dict[str, Columns]:
    return {
        "case_file": Columns("id", "person_id", "area_code", "owner_organisation_id", "assigned_user_id",
                             "phase", "phase_since", "risk_level", "sensitive", "follow_up_on", "opened_by",
                             "opened_at", "updated_at", "version"),
        "case_category": Columns("case_id", "category"),
        "case_transition": Columns("id", "case_id", "name", "from_phase", "to_phase", "actor_id",
                                   "organisation_id", "at", "reason"),
        "case_assessment": Columns("id", "case_id", "risk_level", "categories", "summary", "organisation_id",
                                   "recorded_by", "recorded_at"),
        "case_need": Columns("assessment_id", "service_type", "level", "note"),
        "case_plan": Columns("id", "case_id", "version", "goals", "status", "recorded_by", "recorded_at",
                             "proposed_by", "proposed_at", "decided_by", "decided_at", "decision_reason"),
        "case_plan_item": Columns("plan_id", "position", "service_type", "responsible_organisation_id",
                                  "directory_service_id", "start_on", "due_on"),
        "case_consent": Columns("id", "case_id", "person_id", "purpose", "recipient_organisation_id",
                                "recipient_kind", "scope", "given_on", "expires_on", "given_by",
                                "guardian_name", "guardian_relationship", "recorded_by", "recorded_at",
                                "withdrawn_by", "withdrawn_at"),
        "case_referral": Columns("id", "case_id", "from_organisation_id", "to_organisation_id",
                                 "service_type", "directory_service_id", "status", "reason", "respond_by",
                                 "consent_id", "override_reason", "created_by", "created_at", "accepted_by",
                                 "accepted_at", "closed_by", "closed_at", "close_reason"),
        "case_transfer": Columns("id", "case_id", "from_organisation_id", "to_organisation_id", "status",
                                 "reason", "consent_id", "override_reason", "proposed_by", "proposed_at",
                                 "decided_by", "decided_at", "decision_reason"),
        "case_service": Columns("id", "case_id", "service_type", "delivered_on", "provider_organisation_id",
                                "worker_id", "referral_id", "programme_code", "note", "recorded_by",
                                "recorded_at"),
        "case_outcome": Columns("id", "case_id", "kind", "recorded_on", "income_before", "income_after",
                                "graduated", "note", "referral_id", "organisation_id", "recorded_by",
                                "recorded_at"),
        "case_note": Columns("id", "case_id", "referral_id", "text", "organisation_id", "written_by",
                             "written_at"),
        "case_glass": Columns("id", "case_id", "user_id", "organisation_id", "owner_organisation_id",
                              "reason", "granted_at", "expires_at"),
    }  # fmt: skip


TABLES = {
    t.name: t
    for t in (
        case_file, case_category, case_transition, case_assessment, case_need, case_plan, case_plan_item,
        case_consent, case_referral, case_transfer, case_service, case_outcome, case_note, case_glass,
    )
}  # fmt: skip


def _weighted(pick: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return pick.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def write_cases(
    ctx: Context, orgs: list[dict[str, Any]], users: list[dict[str, Any]], total: int, pick: random.Random
) -> dict[str, int]:
    """``total`` cases with their records, chunk by chunk; rows written per table."""
    workers: dict[UUID, list[UUID]] = defaultdict(list)
    for user in users:
        if user["role"] == "case_worker":
            workers[user["org"]["id"]].append(user["id"])
    sizes = [o["size"] for o in orgs]
    receivers = [o for o in orgs if o["kind"] != "regional"] + orgs  # foundations and centres twice as likely
    counts: dict[str, int] = defaultdict(int)
    done = 0
    while done < total:
        rows = _tables()
        for _ in range(min(CHUNK, total - done)):
            owner = pick.choices(orgs, sizes)[0]
            _one_case(rows, owner, workers, receivers, pick)
        with ctx.transaction() as conn:
            for name, columns in rows.items():
                if len(columns):
                    bulk_insert_columns(conn, TABLES[name], columns.data)
                    counts[name] += len(columns)
        done += min(CHUNK, total - done)
        print(f"\r  cases written: {done:,}", end="", flush=True)
    print()
    return counts


def _one_case(
    rows: dict[str, Columns],
    owner: dict[str, Any],
    workers: dict[UUID, list[UUID]],
    receivers: list[dict[str, Any]],
    pick: random.Random,
) -> None:
    case_id, org = new_id(), owner["id"]
    person_id, village = pick.choice(owner["people"])
    staff = workers[org]
    worker = pick.choice(staff)
    step = pick.choices(range(len(PATH)), PHASE_SHARES)[0]
    phase = PATH[step][0]
    opened = NOW - timedelta(days=pick.uniform(1, 3 * 365))
    at = opened
    for index in range(step + 1):  # the transitions that led to the phase
        name = PATH[index][1]
        before = PATH[index - 1][0] if index else None
        reason = "Tujuan tercapai" if name == "propose_termination" else None
        rows["case_transition"].add(new_id(), case_id, name, before, PATH[index][0], worker, org, at, reason)
        if index < step:
            at = min(at + timedelta(days=pick.uniform(2, 60)), NOW)
    drawn = pick.choices(CATEGORIES, CATEGORY_WEIGHTS, k=pick.choice((1, 1, 2, 3)))
    categories = list(dict.fromkeys(drawn))
    for code in categories:
        rows["case_category"].add(case_id, code)
    risk = pick.choice(("low", "medium", "high", "critical")) if step else None
    follow_up = None
    if phase != "closed" and pick.random() < 0.7:
        follow_up = TODAY + timedelta(days=pick.randint(-30, 60))
    rows["case_file"].add(
        case_id,
        person_id,
        village,
        org,
        worker if pick.random() < 0.9 else None,  # assigned
        phase,
        at,
        risk,
        any(c in SENSITIVE for c in categories),
        follow_up,
        worker,
        opened,
        at,
        step + 1,
    )
    recorded = opened + timedelta(days=1)
    if step >= 1:  # assessed (a few twice)
        for _ in range(2 if pick.random() < 0.1 else 1):
            assessment = new_id()
            summary = "Ringkasan asesmen"
            rows["case_assessment"].add(
                assessment, case_id, risk or "medium", json.dumps(categories), summary, org, worker, recorded
            )
            for service_type in SERVICE_TYPES:
                level = pick.choice(("none", "none", "low", "medium", "high"))
                rows["case_need"].add(assessment, service_type, level, None)
    if step >= 2:  # a plan, proposed or approved
        _plan(rows, case_id, org, worker, staff[0] if step >= 3 else None, recorded, pick)
    referral = None
    if step >= 1 and pick.random() < 0.2 / 0.94:  # a referral for 20 % of all cases
        referral = _referral(rows, case_id, person_id, org, worker, phase, recorded, workers, receivers, pick)
    if step >= 3:  # services and outcomes of the intervention
        for _ in range(pick.choice((0, 1, 1, 2, 2, 3))):
            service_type = pick.choice(SERVICE_TYPES)
            rows["case_service"].add(
                new_id(),
                case_id,
                service_type,
                recorded.date(),
                org,
                worker,
                None,
                None,
                None,
                worker,
                recorded,
            )
    if step >= 4:
        income = pick.random() < 0.3
        rows["case_outcome"].add(
            new_id(),
            case_id,
            "income" if income else "other",
            recorded.date(),
            500_000 if income else None,
            1_500_000 if income else None,
            phase == "closed",
            None,
            referral if income else None,
            org,
            worker,
            recorded,
        )
    for _ in range(pick.choice((0, 1, 1, 2))):
        rows["case_note"].add(new_id(), case_id, None, "Kunjungan rumah", org, worker, recorded)
    if pick.random() < 0.03:  # a transfer
        to = pick.choice(receivers)
        status = _weighted(pick, TRANSFER_STATUSES)
        consent = _consent(rows, case_id, person_id, "transfer", to["id"], worker, recorded)
        decided = status != "pending"
        rows["case_transfer"].add(
            new_id(),
            case_id,
            org,
            to["id"],
            status,
            "Pindah domisili",
            consent,
            None,
            worker,
            recorded,
            worker if decided else None,
            recorded if decided else None,
            "Alasan" if status == "refused" else None,
        )
    if pick.random() < 0.002:  # someone broke the glass
        other = pick.choice(receivers)
        granted = NOW - timedelta(days=pick.uniform(0, 60))
        user = pick.choice(workers[other["id"]])
        expires = granted + timedelta(hours=4)
        rows["case_glass"].add(new_id(), case_id, user, other["id"], org, "Darurat", granted, expires)


def _plan(
    rows: dict[str, Columns],
    case_id: UUID,
    org: UUID,
    worker: UUID,
    approver: UUID | None,
    recorded: datetime,
    pick: random.Random,
) -> None:
    plan = new_id()
    goals = json.dumps(["Kebutuhan dasar terpenuhi", "Mandiri"])
    status = "approved" if approver else "proposed"
    decided = recorded if approver else None
    rows["case_plan"].add(
        plan, case_id, 1, goals, status, worker, recorded, worker, recorded, approver, decided, None
    )
    for position in range(pick.choice((1, 2, 2, 3))):
        start = recorded.date()
        due = start + timedelta(days=90)
        rows["case_plan_item"].add(plan, position, pick.choice(SERVICE_TYPES), org, None, start, due)


def _consent(
    rows: dict[str, Columns],
    case_id: UUID,
    person_id: UUID,
    purpose: str,
    to: UUID,
    worker: UUID,
    recorded: datetime,
) -> UUID:
    consent = new_id()
    day = recorded.date()
    rows["case_consent"].add(
        consent, case_id, person_id, purpose, to, None, "Persetujuan", day, None, "self", None, None,
        worker, recorded, None, None,
    )  # fmt: skip
    return consent


def _referral(
    rows: dict[str, Columns],
    case_id: UUID,
    person_id: UUID,
    org: UUID,
    worker: UUID,
    phase: str,
    recorded: datetime,
    workers: dict[UUID, list[UUID]],
    receivers: list[dict[str, Any]],
    pick: random.Random,
) -> UUID:
    to = pick.choice(receivers)
    if to["id"] == org:
        to = pick.choice(receivers)
    status = _weighted(pick, REFERRAL_STATUSES)
    if phase in ("termination", "aftercare", "closed") and status in ("pending", "accepted"):
        status = "completed"
    consent = _consent(rows, case_id, person_id, "referral", to["id"], worker, recorded)
    referral = new_id()
    made = recorded + timedelta(days=pick.uniform(0, 30))
    if status == "pending" and pick.random() < 0.5:  # waiting now, some overdue
        made = NOW - timedelta(days=pick.uniform(0, 14))
    taker = pick.choice(workers[to["id"]])
    accepted = None
    if status in ("accepted", "completed"):
        accepted = made + timedelta(hours=pick.uniform(2, 240))
    closed = None
    if status in ("completed", "rejected", "revoked"):
        closed = made + timedelta(days=pick.uniform(10, 120))
    rows["case_referral"].add(
        referral,
        case_id,
        org,
        to["id"],
        pick.choice(SERVICE_TYPES),
        None,
        status,
        "Butuh layanan",
        (made + timedelta(days=7)).date(),
        consent,
        None,
        worker,
        made,
        taker if accepted else None,
        accepted,
        taker if closed else None,
        closed,
        "Alasan" if status in ("rejected", "revoked") else None,
    )
    if accepted:
        rows["case_service"].add(
            new_id(), case_id, pick.choice(SERVICE_TYPES), made.date(), to["id"], taker, referral, None,
            "Catatan layanan", taker, made,
        )  # fmt: skip
    return referral


def settings_for(database: str, url: str | None, folder: Path) -> Settings:
    return Settings(data_dir=folder / database, database_url=url, _env_file=None)


def build(database: str, url: str | None, folder: Path, persons: int, total: int) -> None:
    """Everything the requests read (in a child process: its memory is its own)."""
    settings = settings_for(database, url, folder)
    init(settings, admin_password="benchmark-password")
    ctx = Context.open(settings)
    started = time.perf_counter()
    seconds, loaded = load_synthetic(ctx, persons)
    print(f"  registry: {loaded:,} persons in {seconds:.0f} s", flush=True)
    pick = random.Random(15)
    orgs, users = add_people(ctx, pick)
    print(f"  {len(orgs)} organisations, {len(users):,} users", flush=True)
    began = time.perf_counter()
    counts = write_cases(ctx, orgs, users, total, pick)
    with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE")
    rows = ", ".join(f"{name.removeprefix('case_')} {n:,}" for name, n in counts.items())
    print(f"  cases: {total:,} in {time.perf_counter() - began:.0f} s ({rows})", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  built in {time.perf_counter() - started:.0f} s, peak resident memory {peak:.0f} MiB", flush=True
    )
    ctx.close()


# --- Requests and their baseline ----------------------------------------------------------------------------


def _sql(statement: str) -> Any:
    """A text statement whose ``:…_id`` parameters are UUIDs and ``:…_ids`` lists of ids as an earlier
    statement of the same connection read them (the driver's own values)."""
    names = set(re.findall(r"(?<!:):(\w+)", statement))
    return text(statement).bindparams(
        *(bindparam(name, type_=Uuid) for name in names if name.endswith("_id")),
        *(bindparam(name, expanding=True) for name in names if name.endswith("_ids")),
    )


def _some(conn: Connection, statement: Any, name: str, values: Any) -> None:
    """Run a statement over a list of ids, unless the list is empty (as the service skips it)."""
    if ids := list(values):
        conn.execute(statement, {name: ids}).all()


PEOPLE = (
    "SELECT p.person_id, p.name, p.sex, p.birth_date, h.village_code FROM person_version p"
    " JOIN family_member m ON m.person_id = p.person_id AND m.valid_to IS NULL"
    " JOIN family_version f ON f.family_id = m.family_id AND f.valid_to IS NULL"
    " JOIN household_version h ON h.household_id = f.household_id AND h.valid_to IS NULL"
    " WHERE p.valid_to IS NULL AND p.person_id IN :person_ids"
)
NAMES = (
    _sql("SELECT id, name, kind FROM organisation WHERE id IN :org_ids"),
    _sql("SELECT id, display_name FROM user_account WHERE id IN :user_ids"),
)
INBOX_TEXT = {
    "mine": "SELECT * FROM case_file WHERE assigned_user_id = :user_id AND phase <> 'closed'"
    " ORDER BY follow_up_on IS NULL, follow_up_on, opened_at LIMIT 100",
    "late": "SELECT * FROM case_file WHERE assigned_user_id = :user_id AND follow_up_on < :today"
    " AND phase <> 'closed' ORDER BY follow_up_on LIMIT 100",
    "waiting": "SELECT r.*, c.person_id FROM case_referral r JOIN case_file c ON c.id = r.case_id"
    " WHERE r.to_organisation_id = :org_id AND r.status = 'pending' ORDER BY r.respond_by, r.created_at"
    " LIMIT 100",
    "overdue": "SELECT r.*, c.person_id FROM case_referral r JOIN case_file c ON c.id = r.case_id"
    " WHERE r.from_organisation_id = :org_id AND r.status = 'pending' AND r.respond_by < :today"
    " ORDER BY r.respond_by LIMIT 100",
    "transfers": "SELECT t.*, c.person_id FROM case_transfer t JOIN case_file c ON c.id = t.case_id"
    " WHERE t.to_organisation_id = :org_id AND t.status = 'pending' ORDER BY t.proposed_at LIMIT 100",
    "glass": "SELECT g.*, c.person_id FROM case_glass g JOIN case_file c ON c.id = g.case_id"
    " WHERE g.owner_organisation_id = :org_id AND g.granted_at >= :since ORDER BY g.granted_at DESC"
    " LIMIT 100",
}
INBOX = {name: _sql(statement) for name, statement in INBOX_TEXT.items()}
_LIST = " WHERE case_id = :case_id ORDER BY {order} LIMIT 500"
PAGE = {
    "case": "SELECT * FROM case_file WHERE id = :case_id",
    "parties": "SELECT to_organisation_id, status FROM case_referral WHERE case_id = :case_id",
    "transfers_pending": "SELECT to_organisation_id FROM case_transfer"
    " WHERE case_id = :case_id AND status = 'pending'",
    "transitions": "SELECT * FROM case_transition WHERE case_id = :case_id ORDER BY at, id",
    "assessments": "SELECT * FROM case_assessment" + _LIST.format(order="recorded_at DESC, id DESC"),
    "plans": "SELECT * FROM case_plan" + _LIST.format(order="version DESC"),
    "services": "SELECT * FROM case_service" + _LIST.format(order="delivered_on DESC, id DESC"),
    "outcomes": "SELECT * FROM case_outcome" + _LIST.format(order="recorded_on DESC, id DESC"),
    "notes": "SELECT * FROM case_note" + _LIST.format(order="written_at DESC, id DESC"),
    "referrals": "SELECT * FROM case_referral" + _LIST.format(order="created_at DESC, id DESC"),
    "transfers": "SELECT * FROM case_transfer" + _LIST.format(order="proposed_at DESC, id DESC"),
    "consents": "SELECT * FROM case_consent" + _LIST.format(order="recorded_at DESC, id DESC"),
    "categories": "SELECT category FROM case_category WHERE case_id = :case_id ORDER BY category",
}
PAGE_SQL = {name: _sql(statement) for name, statement in PAGE.items()}
NEEDS = _sql("SELECT * FROM case_need WHERE assessment_id IN :assessment_ids")
ITEMS = _sql("SELECT * FROM case_plan_item WHERE plan_id IN :plan_ids ORDER BY plan_id, position")
PEOPLE_SQL = _sql(PEOPLE)
USER_COLUMNS = ("assigned_user_id", "actor_id", "recorded_by", "proposed_by", "decided_by", "created_by",
                "accepted_by", "closed_by", "worker_id", "written_by", "opened_by")  # fmt: skip
ORG_COLUMNS = ("owner_organisation_id", "organisation_id", "responsible_organisation_id",
               "provider_organisation_id", "from_organisation_id", "to_organisation_id")  # fmt: skip


def _names(conn: Connection, rows: list[Any]) -> None:
    users = {r[c] for r in rows for c in USER_COLUMNS if c in r and r[c] is not None}
    orgs = {r[c] for r in rows for c in ORG_COLUMNS if c in r and r[c] is not None}
    _some(conn, NAMES[0], "org_ids", orgs)
    _some(conn, NAMES[1], "user_ids", users)


def inbox_baseline(conn: Connection, principal: Principal) -> None:
    params = {"user_id": principal.user_id, "org_id": principal.organisation_id, "today": TODAY,
              "since": NOW - timedelta(days=30)}  # fmt: skip
    rows = [r for statement in INBOX.values() for r in conn.execute(statement, params).mappings()]
    _some(conn, PEOPLE_SQL, "person_ids", dict.fromkeys(r["person_id"] for r in rows))
    _names(conn, rows)


def page_baseline(conn: Connection, case_id: UUID) -> None:
    found = {name: list(conn.execute(sql, {"case_id": case_id}).mappings()) for name, sql in PAGE_SQL.items()}
    _some(conn, NEEDS, "assessment_ids", (r["id"] for r in found["assessments"]))
    _some(conn, ITEMS, "plan_ids", (r["id"] for r in found["plans"]))
    _some(conn, PEOPLE_SQL, "person_ids", [found["case"][0]["person_id"]])
    _names(conn, [r for rows in found.values() for r in rows])


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    ms = sorted(1000 * s for s in seconds)
    return statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))], ms[-1]


def report(kind: str, results: list[tuple[float, float]]) -> float:
    """Print one kind's figures; the service's p95 (ms)."""
    served = percentiles([r[0] for r in results])
    plain = percentiles([r[1] for r in results])
    print(
        f"  {kind:<34} n={len(results):>4}  service p50 {served[0]:6.1f} p95 {served[1]:6.1f} max "
        f"{served[2]:6.1f} ms | SELECTs p50 {plain[0]:6.1f} p95 {plain[1]:6.1f} max {plain[2]:6.1f} ms | "
        f"p95 ratio {served[1] / max(plain[1], 1e-3):5.2f}x",
        flush=True,
    )
    return served[1]


def samples(ctx: Context, n: int, pick: random.Random) -> dict[str, list[tuple[str, UUID | None]]]:
    """Who asks for what: ``n`` workers (inbox); ``n`` cases, each with a user related to it."""
    with ctx.transaction(readonly=True) as conn:
        count = conn.execute(text("SELECT count(*) FROM case_file")).scalar_one()
        referrals = conn.execute(text("SELECT count(*) FROM case_referral")).scalar_one()
        workers = (
            conn.execute(text("SELECT username FROM user_account WHERE username LIKE 'w%' ORDER BY username"))
            .scalars()
            .all()
        )
        assigned = conn.execute(
            _sql(
                "SELECT c.id, u.username FROM case_file c JOIN user_account u ON u.id = c.assigned_user_id"
                " WHERE c.id IN (SELECT id FROM case_file ORDER BY id LIMIT :n OFFSET :offset)"
            ).columns(id=Uuid),
            {"n": 20 * n, "offset": pick.randint(0, max(0, count - 20 * n))},
        ).all()
        received = conn.execute(
            text(
                "SELECT r.case_id, min(u.username) FROM case_referral r"
                " JOIN user_account u ON u.organisation_id = r.to_organisation_id AND u.username LIKE 'w%'"
                " WHERE r.status IN ('pending', 'accepted', 'completed')"
                " AND r.id IN (SELECT id FROM case_referral ORDER BY id LIMIT :n OFFSET :offset)"
                " GROUP BY r.case_id"
            ).columns(case_id=Uuid),
            {"n": 20 * n, "offset": pick.randint(0, max(0, referrals - 20 * n))},
        ).all()
        supervised = conn.execute(
            text(
                "SELECT c.id, min(u.username) FROM case_file c"
                " JOIN user_account u ON u.organisation_id = c.owner_organisation_id AND u.username LIKE 's%'"
                " WHERE c.id IN (SELECT id FROM case_file ORDER BY id DESC LIMIT :n OFFSET :offset)"
                " GROUP BY c.id"
            ).columns(id=Uuid),
            {"n": 20 * n, "offset": pick.randint(0, max(0, count - 20 * n))},
        ).all()
    share = max(1, round(0.15 * n))
    return {
        "inbox": [(name, None) for name in pick.sample(workers, min(n, len(workers)))],
        "case page, assigned worker": [(u, c) for c, u in pick.sample(assigned, n - 2 * share)],
        "case page, referral receiver": [(u, c) for c, u in pick.sample(received, share)],
        "case page, supervisor": [(u, c) for c, u in pick.sample(supervised, share)],
    }


def explain(ctx: Context, principal: Principal, case_id: UUID) -> None:
    params = {"user_id": principal.user_id, "org_id": principal.organisation_id, "today": TODAY,
              "since": NOW - timedelta(days=30), "case_id": case_id}  # fmt: skip
    with ctx.transaction(readonly=True) as conn:
        for name, statement in [*INBOX_TEXT.items(), *PAGE.items()]:
            plan = conn.execute(_sql(f"EXPLAIN ANALYZE {statement}"), params)
            print(f"  -- {name}\n" + "\n".join(f"     {row[0]}" for row in plan))


def measure(database: str, url: str | None, folder: Path, requests: int, show_plans: bool) -> float:
    """The requests on a built registry; the worst p95 (ms)."""
    settings = settings_for(database, url, folder)
    ctx = Context.open(settings)
    pick = random.Random(7)
    asked = samples(ctx, requests, pick)
    principals = {name: access.principal_of(ctx, name) for rows in asked.values() for name, _ in rows}
    first = asked["case page, assigned worker"][0]
    cases.inbox(ctx, principals[first[0]])  # warm: imports, statements, the pool
    cases.case_view(ctx, principals[first[0]], first[1])
    worst = 0.0
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for kind, rows in asked.items():
        results = []
        for name, case_id in rows:
            principal = principals[name]
            if case_id is None:
                served = timed(lambda p=principal: cases.inbox(ctx, p))
                with ctx.transaction(readonly=True) as conn:
                    plain = timed(lambda p=principal, c=conn: inbox_baseline(c, p))
            else:
                served = timed(lambda p=principal, c=case_id: cases.case_view(ctx, p, c))
                with ctx.transaction(readonly=True) as conn:
                    plain = timed(lambda i=case_id, c=conn: page_baseline(c, i))
            results.append((served, plain))
        worst = max(worst, report(kind, results))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak resident memory of the requests' process: {peak:.0f} MiB (before the requests "
          f"{before / 1024:.0f} MiB)", flush=True)  # fmt: skip
    if show_plans and database == "postgresql":
        explain(ctx, principals[first[0]], first[1])
    ctx.close()
    return worst


def drop_database(server_url: str, name: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def prepared(database: str, url: str | None, folder: Path, total: int) -> bool:
    """Whether the registry is there with its cases already (``--keep``)."""
    try:
        ctx = Context.open(settings_for(database, url, folder))
    except Exception:  # no database yet
        return False
    try:
        with ctx.transaction(readonly=True) as conn:
            return conn.execute(text("SELECT count(*) FROM case_file")).scalar_one() >= total
    except Exception:  # no tables yet
        return False
    finally:
        ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--databases", nargs="*", default=["postgresql", "sqlite"])
    parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="a server (a database is made on it)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the registries: SQLite's folder here")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the SELECTs (PostgreSQL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cases-bench-") as scratch:
        folder = args.keep or Path(scratch)
        for database in args.databases:
            url = None
            if database == "postgresql":
                url = existing_database(args.postgres_url, DATABASE)
            print(f"{database}: {args.cases:,} cases over {args.persons:,} persons", flush=True)
            if not (args.keep and prepared(database, url, folder, args.cases)):
                if database == "postgresql":
                    url = fresh_database(args.postgres_url, DATABASE)
                child = multiprocessing.get_context("spawn").Process(
                    target=build, args=(database, url, folder, args.persons, args.cases)
                )
                child.start()
                child.join()
                if child.exitcode:
                    raise SystemExit(f"building the {database} registry failed ({child.exitcode})")
            worst = measure(database, url, folder, args.requests, args.explain)
            verdict = "meets" if worst < GOAL_MS else "misses"
            print(
                f"{database}: worst p95 {worst:.1f} ms: {verdict} the goal (p95 < {GOAL_MS:.0f} ms)",
                flush=True,
            )
            if database == "postgresql" and not args.keep:
                drop_database(args.postgres_url, DATABASE)


if __name__ == "__main__":
    main()
