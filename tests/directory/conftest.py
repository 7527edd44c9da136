"""A small directory: a Dinas Sosial, a ministry centre and a foundation, built with the directory's own
types and imported as HSDS (as the demo seeds it)."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID, uuid5

import pytest

from inklusi.directory import service
from inklusi.directory.hsds_out import to_hsds
from inklusi.directory.model import (
    NAMESPACE,
    Location,
    Organisation,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Status,
)
from inklusi.ppks.model import ServiceType
from tests.conftest import REPOSITORY
from tests.factories import SYSTEM

HERE = Path(__file__).parent
FOUNDATION_FILE = HERE / "foundation_hsds.json"
# The schemas as Open Referral publishes them: in the shared folder beside the checkout (CI), or the
# workplace's; the tests that compare with them skip that comparison where neither exists.
ORIGINALS = next(
    (
        folder
        for folder in (
            REPOSITORY.parent / "shared" / "standards" / "hsds3",
            Path("/work/shared/standards/hsds3"),
        )
        if folder.is_dir()
    ),
    Path("/nonexistent/hsds3"),
)


def seeded_id(name: str) -> UUID:
    return uuid5(NAMESPACE, f"test:{name}")


DINSOS = Organisation(
    seeded_id("dinsos"),
    "Dinas Sosial Kota Bandung",
    "Dinas sosial kota",
    email="dinsos@bandung.example.go.id",
)
SENTRA = Organisation(
    seeded_id("sentra"), "Sentra Wyata Guna", "Sentra rehabilitasi sosial Kementerian Sosial"
)
SHELTER = Location(
    seeded_id("shelter"),
    name="Rumah singgah Cibeunying",
    address_1="Jl. Cikutra No. 3",
    city="Kota Bandung",
    state_province="Jawa Barat",
    postal_code="40124",
    country="ID",
    latitude=-6.9,
    longitude=107.63,
    area_code="32.73.01.1001",
)


def seeded_services() -> list[Service]:
    return [
        Service(
            seeded_id("family"),
            DINSOS,
            "Dukungan keluarga",
            service_type=ServiceType.family_support,
            description="Konseling keluarga di rumah singgah",
            capacity=40,
            areas=(ServiceArea(seeded_id("family-area"), "32.73"),),
            locations=(ServiceAtLocation(seeded_id("family-at"), SHELTER),),
        ),
        Service(
            seeded_id("therapy"),
            SENTRA,
            "Terapi psikososial",
            service_type=ServiceType.psychosocial_therapy,
            minimum_age=18,
            maximum_age=60,
            eligibility_description="Dewasa korban NAPZA",
        ),  # no service area: anywhere
        Service(
            seeded_id("closed"),
            DINSOS,
            "Bantuan sosial ditutup",
            status=Status.temporarily_closed,
            service_type=ServiceType.social_assistance,
            areas=(ServiceArea(seeded_id("closed-area"), "32.73"),),
        ),
    ]


def seed(ctx) -> service.ImportReport:
    report = service.import_hsds(ctx, SYSTEM, [to_hsds(s) for s in seeded_services()], source="seed")
    assert report.errors == () and report.created == 3
    return report


@pytest.fixture
def seeded(ctx):
    return seed(ctx)


def foundation_document() -> dict:
    return json.loads(FOUNDATION_FILE.read_text(encoding="utf-8"))
