"""What a steward gets back from an import: the error report (a row per problem, both languages) and the
held forms as the instrument's JSON Lines, to correct and import again."""

from __future__ import annotations

import csv
import io
import json

from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.instrument import service
from inklusi.instrument.model import Instrument, load
from inklusi.instrument.service import HeldForm
from inklusi.spreadsheets import cell

REPORT_COLUMNS = (
    "submission_id",
    "member",
    "question",
    "question_id",
    "question_en",
    "value",
    "severity",
    "code",
    "message_id",
    "message_en",
)


def error_report_csv(forms: list[HeldForm], instrument: Instrument) -> str:
    labels = {q.code: q.label for q in instrument.questions}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)  # every cell below through cell(): answers are whatever was typed
    for form in forms:
        members = {m.get("r401"): m for m in form.record.get("members", [])}
        for issue in form.issues:
            question, member = issue["question"], issue["member"]
            answers = members.get(str(member), members.get(member, {})) if member is not None else form.record
            label = labels.get(question)
            row = [
                form.submission_id,
                member if member is not None else "",
                question,
                label.id if label else "",
                label.en if label else "",
                answers.get(question, ""),
                issue["severity"],
                issue["code"],
                issue["message"]["id"],
                issue["message"]["en"],
            ]
            writer.writerow([cell(value) for value in row])
    return out.getvalue()


def held_jsonl(forms: list[HeldForm]) -> str:
    """The held forms exactly as they were read: correct them and import the file again."""
    return "".join(json.dumps(form.record, ensure_ascii=False) + "\n" for form in forms)


def batch_reports(ctx: Context, principal: Principal, batch_id) -> tuple[str, str]:
    """The error report (CSV) and the held forms (JSON Lines) of one import, checked against the
    instrument version that import used."""
    batch = service.get_batch(ctx, principal, batch_id)
    held = service.held_forms(ctx, principal, batch_id)
    return error_report_csv(held, load(batch.instrument.split("/")[0])), held_jsonl(held)
