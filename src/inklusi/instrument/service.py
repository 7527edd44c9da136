"""Importing an enumeration round: read, check, hold back what is wrong, apply the rest, keep the books.

- **Nothing half-written.** A batch is one transaction: the registry's new versions, the record of every
  submission taken in, the quarantine and the batch itself commit together. A process killed half-way
  leaves the registry as it was, and running the import again does it all.
- **Idempotent.** The same file again is recognised by its SHA-256 and changes nothing; a submission id
  already taken in with the same answers is skipped; with other answers it is held (send a correction as
  a new submission).
- **Never a silent drop.** Every form that does not go in is in the quarantine with every reason, in
  Indonesian and English, and comes back out as an error report and as a file to fix and import again.
- **Fast.** Checks are vectorised (Arrow); the registry is changed through set-based lookups and bulk
  writes, a few thousand forms at a time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from inklusi.access.model import Permission, Principal
from inklusi.audit import service as audit
from inklusi.audit.model import Event, Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.instrument import store
from inklusi.instrument.mapping import chunks_by_building, round_forms
from inklusi.instrument.messages import as_issue
from inklusi.instrument.model import Instrument, load
from inklusi.instrument.rules import AreaCodes
from inklusi.instrument.screening import screen
from inklusi.instrument.submissions import FORM, SUBMISSION_ID, ReadLimits, Submissions, read
from inklusi.instrument.validation import CONTROL, SUBMISSION_ID_LENGTH, Violation
from inklusi.registry.service.guards import moment
from inklusi.registry.service.rounds import RoundState, apply_round_chunk
from inklusi.wilayah import service as wilayah

CHUNK_FORMS = 2_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportResult:
    batch_id: UUID
    file_name: str
    forms: int
    accepted: int
    unchanged: int
    held: int
    report: dict[str, object]
    already_imported: bool = False
    held_issues: dict[str | None, list[Issue]] = field(default_factory=dict)
    instrument: str = ""  # name/version of the instrument the forms were checked against
    finished_at: datetime | None = None


def area_codes() -> AreaCodes:
    sets = wilayah.code_sets()
    return AreaCodes(
        sets["province"], sets["regency"], sets["district"], sets["village"], sets["retired_regency"]
    )


def day_start(value: str | None, timezone: str) -> datetime | None:
    """``YYYY-MM-DD`` as the start of that day where the user is: when a round's data became true."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        text = msg("{value} is not a date (YYYY-MM-DD)", value=value)
        raise Invalid(text, [Issue("valid_from", "date", text)]) from None
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for part in files:
        with part.open("rb") as handle:
            for block in iter(lambda handle=handle: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def import_file(
    ctx: Context,
    principal: Principal,
    path: Path,
    *,
    source: str | None = None,
    valid_from: datetime | None = None,
    instrument_name: str = "regsosek22k",
    progress: Progress = lambda _done, _total: None,
) -> ImportResult:
    instrument = load(instrument_name)
    sha = file_sha256(path)
    with ctx.transaction(readonly=True) as conn:
        earlier = store.batch_by_file(conn, sha)
    if earlier is not None:
        return _result(earlier, already_imported=True)
    limits = ReadLimits(ctx.settings.import_max_unpacked_mb << 20, ctx.settings.import_max_unpack_ratio)
    raw = read(path, instrument, limits)
    return import_submissions(
        ctx,
        principal,
        raw,
        instrument,
        file_name=path.name,
        sha=sha,
        source=source or path.stem[:40],
        valid_from=valid_from,
        progress=progress,
    )


def import_submissions(
    ctx: Context,
    principal: Principal,
    raw: Submissions,
    instrument: Instrument,
    *,
    file_name: str,
    sha: str,
    source: str,
    valid_from: datetime | None = None,
    progress: Progress = lambda _done, _total: None,
) -> ImportResult:
    started = utcnow()
    effective = moment(valid_from, started)
    screened = screen(raw, instrument, area_codes())
    held = dict(screened.held)
    passed = _outside_scope(screened.passed, principal, held)
    batch_id = new_id()
    with ctx.transaction() as conn:
        hashes = _content_hashes(passed)
        before = store.imported_before(conn, list(hashes))
        changed = [sid for sid, digest in hashes.items() if sid in before and before[sid] != digest]
        for submission_id in changed:
            held[submission_id] = [Violation(submission_id, None, "", "submission.changed")]
        unchanged = [sid for sid, digest in hashes.items() if before.get(sid) == digest]
        fresh = _only(passed, [sid for sid in hashes if sid not in before])
        forms = round_forms(fresh, instrument)
        state = RoundState()
        done = 0
        for chunk in chunks_by_building(forms, CHUNK_FORMS):
            apply_round_chunk(
                conn, principal, chunk, state, source=source, batch_id=batch_id, effective=effective
            )
            done += len(chunk)
            progress(done, len(forms))
        quarantine = _quarantine_rows(batch_id, raw, held, instrument)
        report = {
            "totals": state.report.totals,
            "by_village": state.report.by_village,
            "changed_fields": state.report.changed_fields,
        }
        store.insert_batch(
            conn,
            {
                "id": batch_id,
                "file_name": file_name,
                "file_sha256": sha,
                "source_format": raw.source_format,
                "instrument": instrument.key,
                "source": source,
                "actor_id": principal.user_id,
                "organisation_id": principal.organisation_id,
                "started_at": started,
                "finished_at": utcnow(),
                "forms": len(raw),
                "accepted": len(forms),
                "unchanged": len(unchanged),
                "held": len(quarantine),
                "report": report,
            },
        )
        store.insert_submissions(
            conn,
            [
                {
                    "submission_id": f.submission_id,
                    "batch_id": batch_id,
                    "content_sha256": hashes[f.submission_id],
                }
                for f in forms
            ],
        )
        store.insert_quarantine(conn, quarantine)
        detail = {
            "file": file_name,
            "forms": len(raw),
            "accepted": len(forms),
            "held": len(quarantine),
            "source": source,
        }
        audit.record(
            ctx,
            conn,
            Event(
                principal.actor,
                "import.batch",
                "import_batch",
                str(batch_id),
                Purpose.data_stewardship,
                None,
                detail,
            ),
        )
    issues = {sid: [as_issue(v, instrument) for v in found] for sid, found in held.items()}
    return ImportResult(
        batch_id,
        file_name,
        len(raw),
        len(forms),
        len(unchanged),
        len(quarantine),
        report,
        held_issues=issues,
        instrument=instrument.key,
        finished_at=utcnow(),
    )


def _outside_scope(passed: Submissions, principal: Principal, held: dict) -> Submissions:
    """Forms in villages the importer may not change are held, not refused as a whole."""
    scope = principal.scope(Permission.registry_write)
    if scope.national:
        return passed
    villages = pc.binary_join_element_wise(
        *(passed.families[c] for c in ("r101", "r102", "r103", "r104")), "."
    )
    outside = [
        (sid, village)
        for sid, village in zip(passed.families[SUBMISSION_ID].to_pylist(), villages.to_pylist(), strict=True)
        if not scope.covers(village)
    ]
    for submission_id, village in outside:
        held[submission_id] = [Violation(submission_id, None, "r104", "area.out_of_scope", {"code": village})]
    return _only(passed, [sid for sid in passed.families[SUBMISSION_ID].to_pylist() if sid not in held])


def _only(submissions: Submissions, ids: list[str]) -> Submissions:
    keep = pa.array(ids, pa.string())
    return Submissions(
        submissions.families.filter(pc.is_in(submissions.families[SUBMISSION_ID], value_set=keep)),
        submissions.members.filter(pc.is_in(submissions.members[SUBMISSION_ID], value_set=keep)),
        submissions.source_format,
    )


def _records(submissions: Submissions) -> dict[str | None, list[dict]]:
    """Each form as one JSON-ready record, members inside (the instrument's JSON Lines shape), under its
    submission id: a repeated or missing id holds several forms, each with its own members."""
    link = FORM if FORM in submissions.families.column_names else SUBMISSION_ID
    members: dict[object, list[dict]] = defaultdict(list)
    for row in submissions.members.to_pylist():
        members[row.get(link)].append(row)
    records: dict[str | None, list[dict]] = defaultdict(list)
    for row in submissions.families.to_pylist():
        listed = [_plain(member, SUBMISSION_ID) for member in members.pop(row.get(link), [])]
        records[row[SUBMISSION_ID]].append({**_plain(row), "members": listed})
    orphans: dict[str | None, list[dict]] = defaultdict(list)  # member rows of no form in the file
    for member in (member for rows in members.values() for member in rows):
        orphans[member[SUBMISSION_ID]].append(_plain(member, SUBMISSION_ID))
    for submission_id, listed in orphans.items():  # kept, not lost
        records[submission_id].append({SUBMISSION_ID: submission_id, "members": listed})
    return records


def _plain(row: dict, *drop: str) -> dict:
    return {
        k: v.isoformat() if isinstance(v, date) else v
        for k, v in row.items()
        if v is not None and k != FORM and k not in drop
    }


def _content_hashes(submissions: Submissions) -> dict[str, str]:
    """A fingerprint of each form's typed answers (members in order), the same whatever file it came in."""
    members = submissions.members.sort_by([(SUBMISSION_ID, "ascending"), ("r401", "ascending")])
    member_text: dict[str, list[str]] = defaultdict(list)
    for sid, text in zip(members[SUBMISSION_ID].to_pylist(), _row_texts(members), strict=True):
        member_text[sid].append(text)
    return {
        sid: hashlib.sha256("\x1e".join([text, *member_text.get(sid, ())]).encode()).hexdigest()
        for sid, text in zip(
            submissions.families[SUBMISSION_ID].to_pylist(), _row_texts(submissions.families), strict=True
        )
    }


def _row_texts(table: pa.Table) -> list[str]:
    """Each row's values as one text (vectorised): empty for no answer, a unit separator between."""
    if table.num_rows == 0:
        return []
    columns = [pc.fill_null(pc.cast(column, pa.string()), "") for column in table.columns]
    return pc.binary_join_element_wise(*columns, "\x1f").to_pylist()


def _quarantine_rows(batch_id: UUID, raw: Submissions, held: dict, instrument: Instrument) -> list[dict]:
    """A row per held form, every form of a repeated id included (nothing read is lost)."""
    records = _records(_only(raw, list(held)))
    rows = []
    for submission_id, violations in held.items():
        issues = [
            {**as_issue(v, instrument).as_dict(), "member": v.member_no, "question": v.field}
            for v in violations
        ]
        for record in records.get(submission_id) or [{SUBMISSION_ID: submission_id}]:
            rows.append(
                {
                    "batch_id": batch_id,
                    "position": len(rows),
                    "submission_id": _storable(submission_id),
                    "record": json.dumps(record, ensure_ascii=False),
                    "issues": issues,
                }
            )
    return rows


def _storable(submission_id: str | None) -> str | None:
    """The id as the quarantine can keep it: none if too long or not text (the record keeps it whole)."""
    if (
        submission_id is None
        or len(submission_id) > SUBMISSION_ID_LENGTH
        or re.search(CONTROL, submission_id)
    ):
        return None
    return submission_id


def _result(batch: dict, *, already_imported: bool = False) -> ImportResult:
    return ImportResult(
        batch["id"],
        batch["file_name"],
        batch["forms"],
        batch["accepted"],
        batch["unchanged"],
        batch["held"],
        batch["report"],
        already_imported,
        instrument=batch["instrument"],
        finished_at=batch["finished_at"],
    )


def get_batch(ctx: Context, principal: Principal, batch_id: UUID) -> ImportResult:
    _require_steward(principal)
    with ctx.transaction(readonly=True) as conn:
        found = store.batch(conn, batch_id)
    if found is None:
        raise NotFound(msg("Import {id} not found", id=str(batch_id)))
    return _result(found)


def recent_batches(ctx: Context, principal: Principal, limit: int = 20) -> list[ImportResult]:
    _require_steward(principal)
    with ctx.transaction(readonly=True) as conn:
        return [_result(row) for row in store.recent_batches(conn, limit)]


def _require_steward(principal: Principal) -> None:
    """Imports and their counts are for those who change the registry somewhere."""
    if not principal.holds(Permission.registry_write):
        raise Forbidden(msg("Only data stewards see imports"))


@dataclass(frozen=True)
class HeldForm:
    submission_id: str | None
    record: dict
    issues: list[dict]


def held_forms(ctx: Context, principal: Principal, batch_id: UUID) -> list[HeldForm]:
    """The quarantine of a batch (personal data: reading it is audited). Held forms may lie in any area,
    so only the importer and stewards with nationwide rights read them."""
    with ctx.transaction() as conn:
        batch = store.batch(conn, batch_id)
        if batch is None:
            raise NotFound(msg("Import {id} not found", id=str(batch_id)))
        if batch["actor_id"] != principal.user_id and not principal.can(Permission.registry_write):
            raise Forbidden(msg("Held forms are shown to whoever imported them and to national stewards"))
        rows = store.quarantine(conn, batch_id)
        audit.record(
            ctx,
            conn,
            Event(
                principal.actor,
                "import.quarantine.read",
                "import_batch",
                str(batch_id),
                Purpose.data_stewardship,
                None,
                {"forms": len(rows)},
            ),
        )
    return [HeldForm(row["submission_id"], json.loads(row["record"]), row["issues"]) for row in rows]
