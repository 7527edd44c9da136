"""The demo's persons whose cases are worked: found in the registry (the demo's outreach list, the
centre's resident), registered outside households if a registry from an older demo lacks them."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from inklusi.access.model import Principal
from inklusi.cases import service as cases
from inklusi.context import Context
from inklusi.demo.cases.organisations import BANDUNG, SUKABUMI, SUKASARI
from inklusi.demo.outside import INSTITUTION, OUTREACH
from inklusi.registry import service as registry
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import AreaLevel
from inklusi.wilayah.nik import Sex

SOURCE = "demo-cases"


def outreach_person(ctx: Context, name: str) -> tuple[UUID, str]:
    """A person of the demo's outreach list (registered outside households in Kota Bandung): their id and
    area; registered now if a registry from an older demo lacks them."""
    hits = registry.find_persons(ctx, Principal.system("demo"), name, within=BANDUNG)
    for hit in hits:
        if hit.household_id is None and hit.name == name:
            return hit.person_id, hit.village_code
    _, sex, born, situation, _area = next(entry for entry in OUTREACH if entry[0] == name)
    return _register(ctx, PersonData(name=name, sex=sex, birth_date=born), SUKASARI, situation)


def resident(ctx: Context) -> tuple[UUID, str]:
    """The centre's resident (registered outside households at the centre, in Kota Sukabumi)."""
    name = "Andri Firmansyah"
    for hit in registry.find_persons(ctx, Principal.system("demo"), name, within=SUKABUMI):
        if hit.household_id is None and hit.name == name:
            return hit.person_id, hit.village_code
    person = PersonData(name=name, sex=Sex.male, birth_date=date(1998, 2, 14))
    return _register(ctx, person, SUKABUMI, INSTITUTION)


def _register(ctx: Context, person: PersonData, within: str, situation: int) -> tuple[UUID, str]:
    district = wilayah.areas_at_level(ctx, AreaLevel.district, within)[0]
    village = wilayah.children(ctx, district.code)[0].code
    record = OutsidePerson(person, village, situation)
    registered = registry.register_persons_outside(ctx, Principal.system("demo"), [record], source=SOURCE)
    return registered.person_ids[0], village


def has_case(ctx: Context, person_id: UUID) -> bool:
    return bool(cases.cases_of_person(ctx, Principal.system("demo"), person_id))
