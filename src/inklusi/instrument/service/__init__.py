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
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.exc import DBAPIError

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Invalid, Issue
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.instrument import store
from inklusi.instrument.mapping import chunks_by_building, round_forms
from inklusi.instrument.messages import as_issue
from inklusi.instrument.model import Instrument, load
from inklusi.instrument.rules import AreaCodes
from inklusi.instrument.screening import screen
from inklusi.instrument.service.batches import HeldForm as HeldForm
from inklusi.instrument.service.batches import ImportResult, result_of, village_of
from inklusi.instrument.service.batches import get_batch as get_batch
from inklusi.instrument.service.batches import held_forms as held_forms
from inklusi.instrument.service.batches import recent_batches as recent_batches
from inklusi.instrument.submissions import FORM, SUBMISSION_ID, ReadLimits, Submissions, read
from inklusi.instrument.validation import CONTROL, SUBMISSION_ID_LENGTH, Violation
from inklusi.registry.enumeration import RoundHold
from inklusi.registry.service import RoundState, apply_round_chunk, moment
from inklusi.wilayah import service as wilayah

CHUNK_FORMS = 2_000
log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


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
            for block in iter(partial(handle.read, 1 << 20), b""):
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
        return result_of(earlier, already_imported=True)
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
    """Import checked submissions in one transaction. Should the database refuse the batch's own
    bookkeeping, nothing is written and the person sees a plain message; the database's text (SQL, values,
    internal ids) goes only to the server's log."""
    try:
        return _import_submissions(
            ctx,
            principal,
            raw,
            instrument,
            file_name=file_name,
            sha=sha,
            source=source,
            valid_from=valid_from,
            progress=progress,
        )
    except DBAPIError as error:
        # the first line names the constraint; the lines after it may quote values (NIK, KK): not logged
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error).__name__
        log.error("import of %s refused by the database: %s", file_name, reason)
        raise Conflict(
            msg(
                "The database refused this import; nothing was changed. "
                "The administrator finds why in the log"
            )
        ) from None


def _import_submissions(
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
        state = _apply_round(conn, principal, forms, source, batch_id, effective, progress)
        if state.held:
            held |= _registry_holds(state)
            forms = [form for form in forms if form.submission_id not in state.held_ids]
        quarantine = _quarantine_rows(batch_id, raw, held, instrument)
        report = {
            "totals": state.report.totals,
            "by_village": state.report.by_village,
            "changed_fields": state.report.changed_fields,
            "held_by_village": _held_by_village(raw, held),  # who may see which held forms
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
            **_changed(state),
        }
        audit.record(
            ctx,
            conn,
            Event(
                kind=events.IMPORT_BATCH,
                actor=principal.actor,
                purpose=Purpose.data_stewardship,
                object_id=str(batch_id),
                detail=detail,
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


AUDITED_HOUSEHOLDS = 1_000  # households named in a batch's audit entry; its versions carry the batch id


def _apply_round(
    conn, principal: Principal, forms: list, source: str, batch_id: UUID, effective, progress: Progress
) -> RoundState:
    """Apply the forms in chunks that keep a building together. The registry holds back each form it
    may not or cannot apply. Should the database still refuse a chunk, its writes are undone (a
    savepoint) and its buildings are applied one by one: a building the database refuses is held with a
    plain reason, never the database's own text, and the rest of the round goes in."""
    state = RoundState()
    done = 0
    for chunk in chunks_by_building(forms, CHUNK_FORMS):
        if not _try_chunk(conn, principal, chunk, state, source, batch_id, effective):
            for building in chunks_by_building(chunk, 1):
                if not _try_chunk(conn, principal, building, state, source, batch_id, effective):
                    state.held += [RoundHold(f.submission_id, "registry.refused", "form") for f in building]
        done += len(chunk)
        progress(done, len(forms))
    return state


def _try_chunk(conn, principal, chunk, state, source, batch_id, effective) -> bool:
    try:
        with conn.begin_nested():
            apply_round_chunk(
                conn, principal, chunk, state, source=source, batch_id=batch_id, effective=effective
            )
    except (DBAPIError, Conflict):
        return False
    return True


REGISTRY_QUESTIONS = {
    "village": "r104",
    "kk_number": "r114",
    "nik": "r403",
    "member": "r402",
    "relationship": "r409",
}


def _registry_holds(state: RoundState) -> dict[str | None, list[Violation]]:
    held: dict[str | None, list[Violation]] = defaultdict(list)
    for hold in state.held:
        question = REGISTRY_QUESTIONS.get(hold.subject, "")
        held[hold.submission_id].append(Violation(hold.submission_id, hold.member, question, hold.code))
    return held


def _changed(state: RoundState) -> dict[str, object]:
    """What the audit entry of a batch names: the villages and households it changed."""
    households = sorted(map(str, state.households))
    return {
        "areas": sorted(state.areas),
        "households": households[:AUDITED_HOUSEHOLDS],
        "households_changed": len(households),
        "held_out_of_scope": sum(hold.code == "registry.out_of_scope" for hold in state.held),
    }


def _held_by_village(raw: Submissions, held: dict) -> dict[str, int]:
    """Held forms per village named on the form (as written; forms naming none are left out)."""
    counts: dict[str, int] = defaultdict(int)
    for copies in _records(_only(raw, [sid for sid in held if sid is not None])).values():
        for record in copies:  # a repeated submission id holds several forms
            if (village := village_of(record)) is not None:
                counts[village] += 1
    return dict(counts)


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
    rows: list[dict] = []
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
