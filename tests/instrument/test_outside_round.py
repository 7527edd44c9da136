"""Issue 14: a person registered outside any household, listed later in a family by an enumeration round
(recognised by NIK), joins that family; their row outside households ends at the round's date and
history keeps it."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from inklusi.instrument import service
from inklusi.registry import service as registry
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.registry.tables import family_member, person_outside
from inklusi.wilayah.nik import Sex, format_nik
from tests.instrument.rounds import SYSTEM, first_in, round_one, village_of_kk, write

REGISTERED = datetime(2025, 1, 1, tzinfo=UTC)


def test_a_round_that_lists_them_in_a_family_ends_their_row_outside(ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    form = first_in(forms, "31")
    village = ".".join((form["r101"], form["r102"], form["r103"], form["r104"]))
    born = date(1961, 3, 2)
    nik = format_nik(village[:8], born, Sex.male, 9301)
    outside = OutsidePerson(
        PersonData(name="Slamet Riyadi", sex=Sex.male, nik=nik, birth_date=born), village, 1
    )
    (person_id,) = registry.register_persons_outside(
        ctx, SYSTEM, [outside], source="outreach", valid_from=REGISTERED
    ).person_ids

    listed = copy.deepcopy(form)
    listed["submission_id"] = "FOUND-1"
    member = copy.deepcopy(listed["members"][0])
    member |= {"r401": len(listed["members"]) + 1, "r402": "Slamet Riyadi", "r403": nik, "r405": 1}
    member |= {"r406": born.isoformat(), "r407": 64, "r409": 6}
    listed["members"].append(member)
    listed["r112"] = len(listed["members"])
    result = service.import_file(ctx, SYSTEM, write([listed], tmp_path / "round2.jsonl"))  # dated now

    assert result.accepted == 1, service.held_forms(ctx, SYSTEM, result.batch_id)
    now = registry.get_person(ctx, SYSTEM, person_id)
    household_id, _village = village_of_kk(ctx, form["r114"])
    assert now.outside is None and now.household_id == household_id
    before = registry.get_person(ctx, SYSTEM, person_id, as_of=REGISTERED + timedelta(days=1))
    assert before.household_id is None
    assert before.outside is not None and before.outside.area_code == village
    with ctx.engine.connect() as conn:
        o, m = person_outside, family_member
        ended = conn.execute(select(o.c.valid_to).where(o.c.person_id == person_id)).scalars().all()
        joined = conn.execute(select(m.c.valid_from).where(m.c.person_id == person_id)).scalars().all()
    assert len(ended) == 1 and ended == joined  # the row ends where the membership starts
