"""The registry's checks of what is written: :func:`check_household` and friends return every problem as an
:class:`Issue` naming the field path (``families[0].members[2].nik``), in Indonesian and English. Pure,
no I/O; the values they check are the types of :mod:`inklusi.registry.model`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from inklusi.errors import Issue
from inklusi.i18n import msg
from inklusi.registry.codelists import codelist
from inklusi.registry.model import (
    FLOOR_AREA_RANGE,
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    WASHINGTON_GROUP_FIELDS,
    Dwelling,
    FamilyData,
    HouseholdData,
    OutsidePerson,
    PersonData,
    Relationship,
)
from inklusi.wilayah.model import AreaLevel, level_of
from inklusi.wilayah.nik import NumberCheck, Sex

DWELLING_CODES = {
    name: name
    for name in (
        "tenure",
        "floor_material",
        "wall_material",
        "roof_material",
        "water_source",
        "lighting",
        "electricity_power",
        "cooking_fuel",
        "toilet",
        "toilet_type",
        "excreta_disposal",
    )
}
PERSON_CODES = {
    "sex": "sex",
    "marital_status": "marital_status",
    "school_participation": "school_participation",
    "education": "education",
    "worked_last_week": "worked_last_week",
    "employment_status": "employment_status",
    "industry": "industry",
    "chronic_illness": "chronic_illness",
    "health_insurance": "health_insurance",
    **dict.fromkeys(WASHINGTON_GROUP_FIELDS, "difficulty"),
}


def _check_codes(value: object, coded: dict[str, str], path: str) -> list[Issue]:
    issues = []
    for name, list_name in coded.items():
        answer = getattr(value, name)
        if answer is not None and not codelist(list_name).accepts(int(answer)):
            issues.append(
                Issue(
                    f"{path}{name}",
                    "code.unknown",
                    msg("{value} is not a code of list {list}", value=answer, list=list_name),
                )
            )
    return issues


def _check_keys(keys: Iterable[str], list_name: str, path: str) -> list[Issue]:
    known = codelist(list_name).codes
    return [
        Issue(
            f"{path}",
            "code.unknown",
            msg("{value} is not a code of list {list}", value=key, list=list_name),
        )
        for key in sorted(keys)
        if key not in known
    ]


def check_dwelling(dwelling: Dwelling, path: str = "dwelling.") -> list[Issue]:
    issues = _check_codes(dwelling, DWELLING_CODES, path)
    if level_of(dwelling.village_code) is not AreaLevel.village:
        issues.append(
            Issue(
                f"{path}village_code",
                "area.not_village",
                msg("{code} is not a village code (PP.RR.DD.VVVV)", code=dwelling.village_code),
            )
        )
    for name, (low, high) in (("latitude", LATITUDE_RANGE), ("longitude", LONGITUDE_RANGE)):
        value = getattr(dwelling, name)
        if value is not None and not low <= value <= high:
            issues.append(
                Issue(
                    f"{path}{name}",
                    "range",
                    msg(
                        "{value} lies outside Indonesia ({low} to {high})",
                        value=value,
                        low=low,
                        high=high,
                    ),
                )
            )
    area = dwelling.floor_area_m2
    if area is not None and not FLOOR_AREA_RANGE[0] <= area <= FLOOR_AREA_RANGE[1]:
        issues.append(
            Issue(
                f"{path}floor_area_m2",
                "range",
                msg("Floor area must be 1-997 m²; got {value}", value=area),
            )
        )
    return issues


def check_person(person: PersonData, path: str, today: date) -> list[Issue]:
    issues = _check_codes(person, PERSON_CODES, path)
    issues += _check_keys(person.programmes, "person_programme", f"{path}programmes")
    if not person.name or not person.name.strip():
        issues.append(Issue(f"{path}name", "name.missing", msg("The name is empty")))
    if person.birth_date is not None and person.birth_date > today:
        issues.append(Issue(f"{path}birth_date", "date.future", msg("The birth date lies in the future")))
    return issues


def check_nik_matches(person: PersonData, nik: NumberCheck, path: str) -> list[Issue]:
    """The NIK's own problems, plus any disagreement with the declared sex and birth date."""
    issues = [Issue(f"{path}nik", i.code, i.text, i.severity) for i in nik.issues]
    if nik.sex is not None and nik.valid and nik.sex != person.sex:
        text = (
            msg("The NIK belongs to a woman (birth day + 40), but the record says male")
            if nik.sex is Sex.female
            else msg("The NIK belongs to a man, but the record says female")
        )
        issues.append(Issue(f"{path}nik", "nik.sex_mismatch", text))
    if (
        nik.birth_date
        and person.birth_date
        and nik.valid
        and not _same_nik_date(nik.birth_date, person.birth_date)
    ):
        issues.append(
            Issue(
                f"{path}nik",
                "nik.birth_date_mismatch",
                msg(
                    "The NIK says born {nik_date}, the record says {date}",
                    nik_date=nik.birth_date,
                    date=person.birth_date,
                ),
            )
        )
    return issues


def _same_nik_date(from_nik: date, declared: date) -> bool:
    """A NIK writes the year with two digits: 1925 and 2025 look the same in it."""
    return (from_nik.day, from_nik.month, from_nik.year % 100) == (
        declared.day,
        declared.month,
        declared.year % 100,
    )


def check_family(family: FamilyData, path: str, today: date) -> list[Issue]:
    issues = _check_keys(family.programmes, "family_programme", f"{path}programmes")
    heads = sum(member.relationship is Relationship.head for member in family.members)
    if not family.members:
        issues.append(Issue(f"{path}members", "family.empty", msg("A family needs at least one member")))
    elif heads != 1:
        issues.append(
            Issue(
                f"{path}members",
                "family.heads",
                msg("A family needs exactly one head; this one has {n}", n=heads),
            )
        )
    for index, member in enumerate(family.members):
        issues += check_person(member.person, f"{path}members[{index}].", today)
    return issues


def check_assets(assets: Mapping[str, float]) -> list[Issue]:
    issues = _check_keys(assets, "asset", "assets")
    return issues + [
        Issue(f"assets.{key}", "range", msg("A quantity cannot be negative; got {value}", value=value))
        for key, value in assets.items()
        if value < 0
    ]


def check_household(data: HouseholdData, today: date) -> list[Issue]:
    issues = check_dwelling(data.dwelling) + check_assets(data.assets)
    if not data.families:
        issues.append(Issue("families", "household.empty", msg("A household needs at least one family")))
    for index, family in enumerate(data.families):
        issues += check_family(family, f"families[{index}].", today)
    return issues


def check_outside(record: OutsidePerson, path: str, today: date) -> list[Issue]:
    """The person's own checks, plus an area that is a village or a district and a known situation."""
    issues = check_person(record.person, path, today)
    if level_of(record.area_code) not in (AreaLevel.village, AreaLevel.district):
        issues.append(
            Issue(
                f"{path}area_code",
                "area.not_village_or_district",
                msg(
                    "{code} is not a village or district code (PP.RR.DD.VVVV or PP.RR.DD)",
                    code=record.area_code,
                ),
            )
        )
    if not codelist("living_situation").accepts(record.living_situation):
        issues.append(
            Issue(
                f"{path}living_situation",
                "code.unknown",
                msg(
                    "{value} is not a code of list {list}",
                    value=record.living_situation,
                    list="living_situation",
                ),
            )
        )
    return issues
