"""Every check of a batch of submissions, and the split into what goes in and what waits in quarantine.

A form is the unit: one error anywhere in it (the family part or any member) holds the whole form back,
because a family cannot be registered in part. Warnings travel with the form and do not stop it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from inklusi.instrument.model import Instrument
from inklusi.instrument.rules import AreaCodes, area_violations, nik_violations, structure_violations
from inklusi.instrument.submissions import SUBMISSION_ID, Submissions, coerce
from inklusi.instrument.validation import Violation, form_violations


@dataclass(frozen=True)
class Screened:
    passed: Submissions
    held: dict[str | None, list[Violation]]  # submission id → every violation of the form
    warnings: dict[str | None, list[Violation]]

    @property
    def held_ids(self) -> list[str | None]:
        return list(self.held)


def screen(raw: Submissions, instrument: Instrument, areas: AreaCodes) -> Screened:
    families, family_types = coerce(raw.families, instrument.family_questions, "families")
    members, member_types = coerce(raw.members, instrument.member_questions, "members")
    found = _type_violations(family_types, families) + _type_violations(member_types, members)
    found += form_violations(families, members, instrument)
    found += area_violations(families, areas)
    found += nik_violations(members, areas)
    found += structure_violations(families, members)
    unreadable = {(v.submission_id, v.member_no, v.field) for v in found if v.code == "type"}
    found = [
        v for v in found if v.code != "required" or (v.submission_id, v.member_no, v.field) not in unreadable
    ]
    held: dict[str | None, list[Violation]] = defaultdict(list)
    warnings: dict[str | None, list[Violation]] = defaultdict(list)
    for violation in found:
        (held if violation.severity == "error" else warnings)[violation.submission_id].append(violation)
    for submission_id in list(warnings):  # a held form keeps its warnings with its errors
        if submission_id in held:
            held[submission_id] += warnings.pop(submission_id)
    blocked = pa.array([key for key in held if key is not None], pa.string())
    keep_family = pc.and_(
        pc.is_valid(families[SUBMISSION_ID]), pc.invert(pc.is_in(families[SUBMISSION_ID], value_set=blocked))
    )
    keep_member = pc.fill_null(
        pc.is_in(
            members[SUBMISSION_ID], value_set=families.filter(keep_family)[SUBMISSION_ID].combine_chunks()
        ),
        False,
    )
    passed = Submissions(families.filter(keep_family), members.filter(keep_member), raw.source_format)
    return Screened(passed, dict(held), dict(warnings))


def _type_violations(problems, table: pa.Table) -> list[Violation]:
    if not problems:
        return []
    ids = table[SUBMISSION_ID].to_pylist()
    numbers = table["r401"].to_pylist() if "r401" in table.column_names else None
    return [
        Violation(ids[p.row], numbers[p.row] if numbers else None, p.field, "type", {"value": p.value})
        for p in problems
    ]
