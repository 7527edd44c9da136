"""Write submissions the way ODK Central exports them: a ZIP with the main CSV (group paths joined by
"-", ``KEY`` and ``meta-instanceID``) and the repeat's CSV (``PARENT_KEY``)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

from inklusi.instrument.model import Instrument
from inklusi.instrument.submissions import SUBMISSION_ID, Submissions


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def write_odk_zip(submissions: Submissions, instrument: Instrument, path: Path, edit=None) -> Path:
    """``edit(families, members)`` may change the rows (lists of dicts of text) before they are written."""
    group_of = {q.code: g.code for g in instrument.groups for q in g.questions}
    families = [{k: _text(v) for k, v in row.items()} for row in submissions.families.to_pylist()]
    members = [{k: _text(v) for k, v in row.items()} for row in submissions.members.to_pylist()]
    if edit:
        edit(families, members)
    main, repeat = io.StringIO(), io.StringIO()
    family_codes = [q.code for q in instrument.family_questions]
    member_codes = [q.code for q in instrument.member_questions]
    writer = csv.writer(main)
    writer.writerow(
        ["SubmissionDate", *(f"{group_of[c]}-{c}" for c in family_codes), "meta-instanceID", "KEY"]
    )
    for row in families:
        key = f"uuid:{row[SUBMISSION_ID]}"
        writer.writerow(["2025-07-01", *(row.get(c, "") for c in family_codes), row[SUBMISSION_ID], key])
    writer = csv.writer(repeat)
    repeat_group = instrument.member_group.code
    writer.writerow([*(f"{repeat_group}-{c}" for c in member_codes), "PARENT_KEY", "KEY"])
    for index, row in enumerate(members):
        parent = f"uuid:{row[SUBMISSION_ID]}"
        writer.writerow(
            [*(row.get(c, "") for c in member_codes), parent, f"{parent}/{repeat_group}[{index}]"]
        )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{instrument.id}.csv", main.getvalue())
        archive.writestr(f"{instrument.id}-{repeat_group}.csv", repeat.getvalue())
    return path
