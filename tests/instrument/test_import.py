"""Importing rounds: every input format, idempotence, a second round's change report, scope, and safety
when the import process is killed half-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from inklusi.access.model import Principal
from inklusi.audit import service as audit
from inklusi.instrument import service
from inklusi.instrument.model import load
from inklusi.instrument.submissions import coerce, read
from inklusi.instrument.synthetic import from_synthetic, write_jsonl, write_parquet
from inklusi.registry import service as registry
from inklusi.registry.tables import household_version, person_version
from tests.factories import user
from tests.instrument.odk import write_odk_zip

SYSTEM = Principal.system("tests")
INSTRUMENT = load()


def count(ctx, table) -> int:
    with ctx.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def write_kobo_json(submissions, path: Path) -> Path:
    """KoboToolbox's JSON export: group paths with "/", members nested under the repeat's name."""
    group_of = {q.code: g.code for g in INSTRUMENT.groups for q in g.questions}
    members: dict[str, list] = {}
    for row in submissions.members.to_pylist():
        sid = row.pop("submission_id")
        members.setdefault(sid, []).append({f"blok4/{k}": _json(v) for k, v in row.items() if v is not None})
    records = []
    for row in submissions.families.to_pylist():
        record = {
            f"{group_of[k]}/{k}": _json(v) for k, v in row.items() if k != "submission_id" and v is not None
        }
        records.append(
            {
                **record,
                "meta/instanceID": row["submission_id"],
                "blok4": members.get(row["submission_id"], []),
            }
        )
    path.write_text(json.dumps({"results": records}), encoding="utf-8")
    return path


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def test_every_format_reads_to_the_same_forms(population, tmp_path):
    forms = from_synthetic(population, INSTRUMENT, 1)
    paths = [
        write_jsonl(forms, tmp_path / "r1.jsonl"),
        write_parquet(forms, tmp_path / "r1-parquet"),
        write_odk_zip(forms, INSTRUMENT, tmp_path / "r1.zip"),
        write_kobo_json(forms, tmp_path / "r1.json"),
    ]
    typed = []
    for path in paths:
        raw = read(path, INSTRUMENT)
        families, problems = coerce(raw.families, INSTRUMENT.family_questions, "families")
        members, member_problems = coerce(raw.members, INSTRUMENT.member_questions, "members")
        assert problems == [] and member_problems == []
        typed.append(
            (
                families.sort_by("submission_id"),
                members.sort_by([("submission_id", "ascending"), ("r401", "ascending")]),
            )
        )
    for families, members in typed[1:]:
        assert families.equals(typed[0][0]) and members.equals(typed[0][1])
    assert typed[0][0].num_rows == len(forms) and typed[0][1].num_rows == len(forms.members)


def test_a_round_goes_in_and_importing_it_again_changes_nothing(ctx, population, tmp_path):
    round1 = write_jsonl(from_synthetic(population, INSTRUMENT, 1), tmp_path / "round1.jsonl")
    first = service.import_file(ctx, SYSTEM, round1, source="round-1")
    assert first.accepted + first.held == first.forms and first.accepted > 0.95 * first.forms
    households, persons = count(ctx, household_version), count(ctx, person_version)
    assert registry.count_households(ctx) == first.report["totals"]["households_new"]
    again = service.import_file(ctx, SYSTEM, round1)
    assert again.already_imported and again.batch_id == first.batch_id
    same_forms = service.import_file(
        ctx, SYSTEM, write_parquet(from_synthetic(population, INSTRUMENT, 1), tmp_path / "p")
    )
    assert (same_forms.accepted, same_forms.unchanged) == (0, first.accepted)
    assert (count(ctx, household_version), count(ctx, person_version)) == (households, persons)
    entry = audit.recent(ctx, SYSTEM, object_type="import_batch")[0]
    assert entry.action == "import.batch" and entry.object_id == str(same_forms.batch_id)


def test_a_second_round_reports_what_changed(ctx, population, tmp_path):
    service.import_file(
        ctx, SYSTEM, write_jsonl(from_synthetic(population, INSTRUMENT, 1), tmp_path / "r1.jsonl")
    )
    second = service.import_file(
        ctx,
        SYSTEM,
        write_jsonl(from_synthetic(population, INSTRUMENT, 2), tmp_path / "r2.jsonl"),
        source="round-2",
    )
    totals = second.report["totals"]
    events = pq.read_table(population / "round2" / "events.parquet").to_pylist()
    held = {form.submission_id for form in service.held_forms(ctx, SYSTEM, second.batch_id)}
    assert totals["deaths"] <= sum(e["event"] == "death" for e in events)
    assert totals["deaths"] + totals["births"] + totals["households_changed"] > 0
    assert totals["households_new"] == 0 or held  # a form of round 2 is only new if it was held in round 1
    assert (
        sum(village["households_changed"] for village in second.report["by_village"].values())
        == totals["households_changed"]
    )
    assert second.report["changed_fields"]


def test_forms_outside_the_importers_area_are_held_not_refused(ctx, population, tmp_path):
    forms = from_synthetic(population, INSTRUMENT, 1)
    province = forms.families["r101"][0].as_py()
    steward = user(ctx, "steward-import", ("steward", province))
    result = service.import_file(ctx, steward, write_jsonl(forms, tmp_path / "r1.jsonl"))
    outside = {
        sid
        for sid, p in zip(
            forms.families["submission_id"].to_pylist(), forms.families["r101"].to_pylist(), strict=True
        )
        if p != province
    }
    held = {f.submission_id: f for f in service.held_forms(ctx, steward, result.batch_id)}
    assert outside <= set(held)  # every form elsewhere is held (most for scope, a few had other errors too)
    scoped = [sid for sid in outside if any(i["code"] == "area.out_of_scope" for i in held[sid].issues)]
    assert len(scoped) >= 0.9 * len(outside)
    assert all(
        hit.village_code.startswith(province + ".") for hit in registry.browse_area(ctx, SYSTEM, province)
    )
    assert result.accepted > 0


KILLER = """
import sys, time
from pathlib import Path
from inklusi.access.model import Principal
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.instrument import service
service.CHUNK_FORMS = 10
def progress(done, total):
    Path(sys.argv[3]).write_text(str(done))
    time.sleep(0.3)
settings = Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[4] or None, _env_file=None)
service.import_file(Context.open(settings), Principal.system("killed"), Path(sys.argv[2]), progress=progress)
"""


@pytest.mark.parametrize("attempt", ["killed", "completed"])
def test_an_import_killed_halfway_leaves_nothing_and_can_run_again(
    ctx, settings, population, tmp_path, attempt
):
    round1 = write_jsonl(from_synthetic(population, INSTRUMENT, 1), tmp_path / "round1.jsonl")
    marker = tmp_path / "progress"
    command = [
        sys.executable,
        "-c",
        KILLER,
        str(settings.data_dir),
        str(round1),
        str(marker),
        settings.database_url or "",
    ]
    process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the import never started writing"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert int(marker.read_text()) > 0  # it had applied chunks in its transaction
    assert registry.count_households(ctx) == 0 and count(ctx, person_version) == 0
    assert service.recent_batches(ctx, SYSTEM) == []
    if attempt == "completed":
        rerun = service.import_file(ctx, SYSTEM, round1)
        assert not rerun.already_imported and rerun.accepted > 0
        assert registry.count_households(ctx) == rerun.report["totals"]["households_new"]
