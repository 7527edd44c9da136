"""Submissions made from a synthetic population (``inklusi synth`` output), as a field team would send
them: one form per family, building and family numbers per SLS, ages on the enumeration day, every
answer coded as the instrument asks. For demos, tests and benchmarks of the import."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inklusi.instrument.model import NO, YES, Instrument
from inklusi.instrument.submissions import ARROW_TYPES, SUBMISSION_ID, Submissions


def from_synthetic(folder: Path, instrument: Instrument, round_number: int = 1) -> Submissions:
    """The forms of round ``round_number`` (``round<k>/`` for later rounds). In a later round, members who
    died since the previous one are listed with presence 2 (died) on their family's form, as Regsosek does."""
    here = folder if round_number == 1 else folder / f"round{round_number}"
    households = pq.read_table(here / "households.parquet").to_pylist()
    families = pq.read_table(here / "families.parquet").to_pylist()
    persons = pq.read_table(here / "persons.parquet").to_pylist()
    died = []
    if round_number > 1:
        events = pq.read_table(here / "events.parquet").to_pylist()
        dead = {e["person_id"] for e in events if e["event"] == "death"}
        before = folder if round_number == 2 else folder / f"round{round_number - 1}"
        died = [p for p in pq.read_table(before / "persons.parquet").to_pylist() if p["person_id"] in dead]
    return submissions_from_rows(households, families, persons, instrument, f"R{round_number}", died)


def submissions_from_rows(
    households: list[dict],
    families: list[dict],
    persons: list[dict],
    instrument: Instrument,
    round_label: str,
    died: Sequence[dict] = (),
) -> Submissions:
    by_household = {row["household_id"]: row for row in households}
    members_of: dict[str, list[dict]] = {}
    for person in persons:
        members_of.setdefault(person["family_id"], []).append(person)
    gone_from: dict[str, list[dict]] = {}
    for person in died:
        gone_from.setdefault(person["family_id"], []).append(person)
    buildings: dict[tuple, dict[str, int]] = {}
    family_numbers: dict[str, int] = {}
    dwelling = instrument.targets("household")
    assets = instrument.targets("asset")
    family_programmes = instrument.targets("family_programme")
    person_fields = instrument.targets("person")
    person_programmes = instrument.targets("person_programme")
    family_rows, member_rows = [], []
    for family in families:
        household = by_household[family["household_id"]]
        village = household["village_code"]
        numbers = buildings.setdefault((village, household["sls"]), {})
        building = numbers.setdefault(household["household_id"], len(numbers) + 1)
        family_numbers[household["household_id"]] = family_numbers.get(household["household_id"], 0) + 1
        day: date = household.get("enumerated_on") or date.today()
        members = members_of.get(family["family_id"], [])
        head = next((m for m in members if m["relationship"] == 1), members[0] if members else None)
        row = {
            SUBMISSION_ID: f"{round_label}-{family['family_id']}",
            "r101": village[0:2], "r102": village[3:5], "r103": village[6:8], "r104": village[9:13],
            "r108": head["name"] if head else None,
            "r109": building, "r110": family_numbers[household["household_id"]], "r111": 1,
            "r112": len(members), "r114": family["kk_number"], "r201": day,
        }  # fmt: skip
        row |= {code: household.get(name) for code, name in dwelling.items() if name != "building"}
        row |= {code: _yes_no(household.get(f"asset_{key}")) for code, key in assets.items() if code < "r504"}
        row |= {
            code: int(household.get(f"asset_{key}") or 0) for code, key in assets.items() if code >= "r504"
        }
        row |= {
            code: YES if key in (family["programmes"] or ()) else NO
            for code, key in family_programmes.items()
        }
        family_rows.append(_asked_only(row, instrument.family_questions))
        for number, person in enumerate(members, start=1):
            member = {
                SUBMISSION_ID: row[SUBMISSION_ID], "r401": number, "r404": 1,
                "r407": _age(person["birth_date"], day), "r409": person["relationship"],
            }  # fmt: skip
            member |= {code: person.get(name) for code, name in person_fields.items()}
            member |= {
                code: YES if key in (person["programmes"] or ()) else NO
                for code, key in person_programmes.items()
            }
            member_rows.append(_asked_only(member, instrument.member_questions))
        for number, person in enumerate(gone_from.get(family["family_id"], []), start=len(members) + 1):
            member_rows.append(
                {
                    SUBMISSION_ID: row[SUBMISSION_ID],
                    "r401": number,
                    "r402": person["name"],
                    "r403": person["nik"],
                    "r404": 2,  # died: only who it was is written down
                }
            )
    return Submissions(
        _typed(family_rows, instrument, False), _typed(member_rows, instrument, True), "synthetic"
    )


def _yes_no(quantity) -> int:
    return YES if quantity else NO


def _age(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _asked_only(answers: dict, questions) -> dict:
    """Blank what the questionnaire would not have asked (the generator answers everything it knows)."""
    for question in questions:
        if question.relevant is not None and not question.relevant.holds(answers):
            answers[question.code] = None
    return answers


def _typed(rows: list[dict], instrument: Instrument, members: bool) -> pa.Table:
    questions = instrument.member_questions if members else instrument.family_questions
    columns = {SUBMISSION_ID: pa.array([row[SUBMISSION_ID] for row in rows], pa.string())}
    for question in questions:
        values = [row.get(question.code) for row in rows]
        columns[question.code] = pa.array(values, ARROW_TYPES[question.type])
    return pa.table(columns)


def write_parquet(submissions: Submissions, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(submissions.families, folder / "families.parquet")
    pq.write_table(submissions.members, folder / "members.parquet")
    return folder


def write_jsonl(submissions: Submissions, path: Path) -> Path:
    """The instrument's own JSON Lines: a family per line, its members inside."""
    members: dict[str, list[dict]] = {}
    for member in submissions.members.to_pylist():
        members.setdefault(member.pop(SUBMISSION_ID), []).append(_plain(member))
    with path.open("w", encoding="utf-8") as handle:
        for family in submissions.families.to_pylist():
            family = _plain(family)
            family["members"] = members.get(family[SUBMISSION_ID], [])
            handle.write(json.dumps(family, ensure_ascii=False) + "\n")
    return path


def _plain(row: dict) -> dict:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in row.items()
        if value is not None
    }


def rows_where(submissions: Submissions, ids: list[str]) -> Submissions:
    """Only the forms with these submission ids (and their members)."""
    keep = pa.array(ids, pa.string())
    return Submissions(
        submissions.families.filter(pc.is_in(submissions.families[SUBMISSION_ID], value_set=keep)),
        submissions.members.filter(pc.is_in(submissions.members[SUBMISSION_ID], value_set=keep)),
        submissions.source_format,
    )
