"""One rule masks a NIK (``inklusi.wilayah.nik.mask_nik``); the web page shows a dash where the API gives
null (issue 12 #5). Pure, no database."""

from uuid import uuid4

import pytest

from inklusi.registry import web
from inklusi.registry.model import PersonHit
from inklusi.registry.schemas import PersonHitOut
from inklusi.wilayah.nik import mask_nik

NIK = "3204014506900007"


def hit(nik: str | None) -> PersonHit:
    return PersonHit(uuid4(), "Siti", nik, 2, None, uuid4(), "32.04.01.2001", 1)


def test_a_nik_shows_its_area_and_serial_only():
    assert mask_nik(NIK) == "320401••••••0007"
    assert web.mask_nik(NIK) == PersonHitOut.of(hit(NIK)).nik_masked == "320401••••••0007"


@pytest.mark.parametrize("nik", [None, "", "32040145069000", "32040145069000071"])
def test_no_nik_or_a_malformed_one_is_a_dash_on_the_page_and_null_in_the_api(nik):
    assert mask_nik(nik) is None
    assert web.mask_nik(nik) == "—"
    assert PersonHitOut.of(hit(nik)).nik_masked is None
