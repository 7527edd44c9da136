"""The registry's rules on its own values, without a database."""

from __future__ import annotations

from datetime import datetime


def test_the_nik_of_someone_born_a_century_ago_still_matches():
    from inklusi.registry.checks import check_nik_matches
    from inklusi.registry.model import PersonData
    from inklusi.wilayah import service as wilayah
    from inklusi.wilayah.nik import Sex, format_nik

    born = datetime(1925, 3, 1).date()  # the NIK reads 010325: 2025 by the century rule
    nik = format_nik("31.71.01", born, Sex.male, 7)
    person = PersonData(name="Kakek Sepuh", sex=Sex.male, nik=nik, birth_date=born)
    assert check_nik_matches(person, wilayah.check_nik(nik), "") == []
