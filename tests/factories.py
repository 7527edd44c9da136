"""Test data: households with valid NIKs and KK numbers, and users with grants."""

from __future__ import annotations

from datetime import date
from itertools import count

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Principal
from inklusi.registry.model import Dwelling, FamilyData, HouseholdData, MemberData, PersonData, Relationship
from inklusi.wilayah.nik import Sex, format_kk, format_nik

SYSTEM = Principal.system("tests")
_counter = count()


def _serial() -> int:
    """The next NIK or KK serial (1-9999). It wraps around: the suite makes more numbers than that, but each
    test starts from a fresh database and makes far fewer, so a number never repeats within one test."""
    return next(_counter) % 9999 + 1


# Villages used in tests: one in DKI Jakarta (31), one in Jawa Barat (32), one in Aceh (11).
JAKARTA_VILLAGE = "31.71.01.1001"  # Gambir, Kota Administrasi Jakarta Pusat
BANDUNG_VILLAGE = "32.73.01.1001"
ACEH_VILLAGE = "11.01.01.2001"  # Keude Bakongan


def person(name: str, sex: Sex, born: date, district: str, **attributes) -> PersonData:
    nik = format_nik(district, born, sex, _serial())
    return PersonData(name=name, sex=sex, nik=nik, birth_date=born, **attributes)


def household(village: str = JAKARTA_VILLAGE, *, members: int = 3, **dwelling) -> HouseholdData:
    district = village[:8]
    people = [
        MemberData(
            person("Budi Santoso", Sex.male, date(1980, 3, 14), district, marital_status=2, education=13),
            Relationship.head,
        ),
        MemberData(
            person("Siti Aminah", Sex.female, date(1984, 7, 2), district, marital_status=2, education=8),
            Relationship.spouse,
        ),
        MemberData(person("Dewi Lestari", Sex.female, date(2010, 1, 20), district), Relationship.child),
        MemberData(person("Agus Saputra", Sex.male, date(2014, 11, 5), district), Relationship.child),
    ][:members]
    family = FamilyData(
        members=tuple(people),
        kk_number=format_kk(district, date(2015, 6, 1), _serial()),
        programmes=frozenset({"pkh"}),
    )
    defaults = {
        "sls": "RT 001/RW 002",
        "address": "Jl. Merdeka No. 1",
        "floor_material": 2,
        "roof_material": 2,
    }
    return HouseholdData(
        dwelling=Dwelling(village_code=village, **(defaults | dwelling)),
        families=(family,),
        assets={"refrigerator": 1, "motorcycle": 2},
    )


def user(ctx, username: str, *grants: tuple[str, str | None]) -> Principal:
    """A real user (so it can own versions and audit entries), logged in."""
    org_name = f"Org {username}"
    org_id = access.create_organisation(ctx, SYSTEM, org_name, OrganisationKind.regional)
    password = f"{username}-password"
    access.create_user(
        ctx, SYSTEM, username=username, password=password, organisation_id=org_id, grants=list(grants)
    )
    return access.authenticate(ctx, username, password)
