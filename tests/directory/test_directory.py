"""The service directory's use cases on both databases: import (from another system, with bad records,
again), export validated against the HSDS 3 schemas, search and offers for referrals, links, permissions,
audit, and nothing half-written."""

from __future__ import annotations

import copy
import json
from uuid import UUID, uuid4

import pytest
from jsonschema import Draft202012Validator

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Principal
from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.directory import service, store
from inklusi.directory.model import atensi_term_id
from inklusi.directory.validation import validator_for
from inklusi.errors import Forbidden, Invalid
from inklusi.ppks.model import ServiceType
from tests.directory.conftest import (
    DINSOS,
    ORIGINALS,
    SHELTER,
    foundation_document,
    seeded_id,
)
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, user

TRAINING = UUID("5f2c8a3e-1b7d-4c9a-9e2f-0a6b3c4d5e61")
COACHING = UUID("a4b3c2d1-e0f9-4a8b-9c7d-6e5f4a3b2c1d")
FOUNDATION = UUID("0b8f7e6d-5c4b-4a39-8f2e-1d0c9b8a7f60")


def _original_validator() -> Draft202012Validator:
    found = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in ORIGINALS.glob("*.json")}
    return validator_for("service.json", found)


def _problems(validator: Draft202012Validator, record: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(record)]


def test_the_export_of_a_seeded_directory_is_valid_hsds(ctx, seeded):
    exported = service.export_hsds(ctx)
    assert [s["name"] for s in exported] == [
        "Bantuan sosial ditutup",
        "Dukungan keluarga",
        "Terapi psikososial",
    ]
    shipped = validator_for("service.json")
    assert all(_problems(shipped, record) == [] for record in exported)
    if ORIGINALS.is_dir():  # the files Open Referral publishes, beside the copies the package ships
        originals = _original_validator()
        assert all(_problems(originals, record) == [] for record in exported)
    family = exported[1]
    assert family["organization"]["name"] == DINSOS.name
    assert family["service_areas"] == [
        {
            "id": str(seeded_id("family-area")),
            "service_id": str(seeded_id("family")),
            "name": "Kota Bandung",
            "uri": "urn:inklusi:wilayah:32.73",
        }
    ]
    (atensi, capacity) = family["attributes"]
    assert atensi["taxonomy_term"]["code"] == "family_support"
    assert atensi["taxonomy_term_id"] == str(atensi_term_id(ServiceType.family_support))
    assert (capacity["taxonomy_term"]["code"], capacity["value"]) == ("capacity", "40")
    location = family["service_at_locations"][0]["location"]
    assert (location["latitude"], location["addresses"][0]["address_1"]) == (-6.9, "Jl. Cikutra No. 3")
    assert location["attributes"][0]["value"] == SHELTER.area_code
    # the export imports again unchanged: the mapping loses nothing Inklusi keeps
    again = service.import_hsds(ctx, SYSTEM, exported)
    assert (again.unchanged, again.created, again.updated, again.issues) == (3, 0, 0, ())


def test_a_file_from_another_system_imports(ctx):
    report = service.import_hsds(ctx, SYSTEM, foundation_document(), source="foundation_hsds.json")
    assert (report.received, report.created, report.rejected, report.errors) == (2, 2, 0, ())
    training = service.offer(ctx, TRAINING)
    assert training is not None
    assert training.name == "Pelatihan mebel dari kayu bekas"
    assert training.service_type == "vocational_training"  # from another system's ATENSI term
    assert training.organisation_name == "Yayasan Kayu Harapan"
    assert training.organisation_id is None  # not linked to an Inklusi organisation yet
    assert training.area_codes == ("32.04", "32.73")  # by text extent, and by the name "Kota Bandung"
    assert training.status == "active" and training.capacity is None
    (stored,) = service.listing(ctx, text="mebel dari kayu").services
    assert (stored.minimum_age, stored.maximum_age) == (18, 45)
    assert stored.eligibility_description.startswith("Dewasa 18-45 tahun")
    assert stored.email == "pelatihan@kayuharapan.example.org"
    (workshop,) = stored.locations
    assert workshop.location.name == "Bengkel Kayu Harapan"
    assert (workshop.location.latitude, workshop.location.postal_code) == (-6.9175, "40182")
    assert workshop.description == "Bengkel utama"
    coaching = service.offer(ctx, COACHING)
    assert coaching.service_type == "entrepreneurship" and coaching.area_codes == ("32",)
    (coached,) = service.listing(ctx, text="pendampingan usaha").services
    # a location given by id only, found among the organisation's locations in the same file
    assert [at.location.name for at in coached.locations] == ["Kantor pendampingan usaha"]
    # phones, schedules, contacts, languages, funding … are accepted and not kept; the export is valid
    exported = service.export_hsds(ctx)
    assert all(_problems(validator_for("service.json"), record) == [] for record in exported)
    assert "phones" not in exported[0] and "schedules" not in exported[0]


def test_importing_the_same_file_again_changes_nothing(ctx):
    first = service.import_hsds(ctx, SYSTEM, foundation_document())
    before = service.export_hsds(ctx)
    again = service.import_hsds(ctx, SYSTEM, foundation_document())
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 0)
    assert service.export_hsds(ctx) == before  # not even the modification time moved
    assert again.service_ids == first.service_ids
    changed = foundation_document()
    changed["contents"][0]["status"] = "temporarily closed"
    third = service.import_hsds(ctx, SYSTEM, changed)
    assert (third.updated, third.unchanged) == (1, 1)
    assert service.offer(ctx, TRAINING).status == "temporarily closed"
    assert service.listing(ctx).total == 2  # updated in place, by the HSDS id


def test_bad_records_are_refused_one_by_one_with_clear_errors(ctx):
    good = foundation_document()["contents"]
    no_name = copy.deepcopy(good[0]) | {"id": "11111111-2222-4333-8444-555555555555"}
    del no_name["name"]
    wrong_type = copy.deepcopy(good[1]) | {
        "id": "22222222-3333-4444-8555-666666666666",
        "minimum_age": "dua belas",
    }
    unknown_area = copy.deepcopy(good[1]) | {"id": "33333333-4444-4555-8666-777777777777"}
    unknown_area["service_areas"] = [
        {"id": "44444444-5555-4666-8777-888888888888", "uri": "urn:inklusi:wilayah:32.99"}
    ]
    bad_status = copy.deepcopy(good[1]) | {"id": "55555555-6666-4777-8888-999999999999", "status": "open"}
    document = [good[0], no_name, wrong_type, unknown_area, bad_status, good[1]]
    report = service.import_hsds(ctx, SYSTEM, document)
    assert (report.received, report.created, report.rejected) == (6, 2, 4)
    by_field = {issue.field: issue for issue in report.errors}
    assert set(by_field) == {"[1].name", "[2].minimum_age", "[3].service_areas[0]", "[4].status"}
    assert by_field["[1].name"].text.both() == {
        "en": "Record 1 (11111111-2222-4333-8444-555555555555): name is required",
        "id": "Rekaman 1 (11111111-2222-4333-8444-555555555555): name wajib diisi",
    }
    assert by_field["[2].minimum_age"].text.render("en").endswith("minimum_age must be a number")
    assert "32.99" in by_field["[3].service_areas[0]"].text.render("id")
    assert by_field["[4].status"].code == "hsds.enum"
    assert "active, inactive, defunct, temporarily closed" in by_field["[4].status"].text.render("en")
    assert {o.id for o in service.search(ctx)} == {TRAINING, COACHING}  # the good ones went in, only they


def test_problems_the_schemas_cannot_see(ctx):
    record = foundation_document()["contents"][1]
    not_atensi = {
        "id": "66666666-7777-4888-8999-000000000000",
        "taxonomy_term": {
            "id": "77777777-8888-4999-8000-111111111111",
            "code": "massage",
            "name": "Pijat",
            "description": "Pijat",
            "taxonomy": "ATENSI",
        },
    }
    nowhere = {
        "id": "99999999-0000-4111-8222-333333333333",
        "location_id": "99999999-0000-4111-8222-444444444444",
    }
    off_the_globe = {
        "id": "99999999-0000-4111-8222-666666666666",
        "location": {
            "id": "99999999-0000-4111-8222-777777777777",
            "location_type": "physical",
            "latitude": 200,
        },
    }
    bandung = {"id": "88888888-9999-4000-8111-222222222222", "name": "Bandung"}
    without_organisation = {
        k: v for k, v in record.items() if k not in ("organization", "service_at_locations")
    }
    cases = {
        "ages": record | {"minimum_age": 60, "maximum_age": 18},
        "half age": record | {"minimum_age": 17.5},
        "not atensi": record | {"attributes": [not_atensi]},
        "ambiguous area": record | {"service_areas": [bandung]},
        "missing location": record | {"service_at_locations": [nowhere]},
        "missing organisation": without_organisation
        | {"organization_id": "99999999-0000-4111-8222-555555555555"},
        "nul": record | {"description": "a\x00b"},
        "off the globe": record | {"service_at_locations": [off_the_globe]},
    }
    records = [case | {"id": str(uuid4())} for case in cases.values()]  # each its own service
    report = service.import_hsds(ctx, SYSTEM, records)
    assert report.imported == 0 and report.rejected == len(cases)
    codes = {int(issue.field[1 : issue.field.index("]")]): issue.code for issue in report.errors}
    assert codes == {
        0: "directory.ages",
        1: "hsds.number",
        2: "directory.service_type",
        3: "area.unknown",
        4: "directory.location.unknown",
        5: "directory.organisation.unknown",
        6: "directory.nul",
        7: "directory.coordinate",
    }
    ambiguous = next(i for i in report.errors if i.field.startswith("[3]")).text.render("en")
    assert "Kabupaten Bandung (32.04)" in ambiguous and "Kota Bandung (32.73)" in ambiguous
    assert service.listing(ctx).total == 0  # nothing of them was written
    with pytest.raises(Invalid) as refused:
        service.import_hsds(ctx, SYSTEM, {"hello": "world"})
    assert refused.value.issues[0].code == "directory.document"
    with pytest.raises(Invalid) as broken:
        service.read_document(b'[{"id": 1,]', "broken.json")
    assert "line 1" in broken.value.text.render("en")


def test_an_import_that_fails_while_writing_leaves_nothing(ctx, monkeypatch):
    written = []
    original = store.write_service

    def fail_on_the_second(conn, found, **kwargs):
        written.append(found.id)
        if len(written) == 2:
            raise RuntimeError("disk full")
        original(conn, found, **kwargs)

    monkeypatch.setattr(store, "write_service", fail_on_the_second)
    with pytest.raises(RuntimeError):
        service.import_hsds(ctx, SYSTEM, foundation_document())
    assert len(written) == 2
    assert service.listing(ctx).total == 0
    with ctx.transaction(readonly=True) as conn:
        assert store.organisations(conn, {FOUNDATION}) == {}


def test_search_offers_active_services_by_type_and_area(ctx, seeded):
    def names(**filters) -> list[str]:
        return [offer.name for offer in service.search(ctx, **filters)]

    assert names() == ["Dukungan keluarga", "Terapi psikososial"]  # the closed one is not offered
    assert names(area_code=BANDUNG_VILLAGE) == ["Dukungan keluarga", "Terapi psikososial"]
    assert names(area_code="32.73") == ["Dukungan keluarga", "Terapi psikososial"]
    assert names(area_code=JAKARTA_VILLAGE) == ["Terapi psikososial"]  # anywhere
    assert names(area_code="32") == ["Terapi psikososial"]  # Kota Bandung does not contain the province
    assert names(service_type="family_support") == ["Dukungan keluarga"]
    assert names(service_type="family_support", area_code=JAKARTA_VILLAGE) == []
    assert names(text="NAPZA") == ["Terapi psikososial"]  # in who may use it
    assert names(text="dinas sosial") == ["Dukungan keluarga"]  # the organisation's name
    assert names(text="50%_") == []
    assert names(limit=1) == ["Dukungan keluarga"]
    with pytest.raises(Invalid):
        service.search(ctx, service_type="massage")
    with pytest.raises(Invalid):
        service.search(ctx, area_code="Bandung")
    listing = service.listing(ctx, area_code="32.73.01")
    assert [s.name for s in listing.services] == [
        "Bantuan sosial ditutup",
        "Dukungan keluarga",
        "Terapi psikososial",
    ]
    assert service.listing(ctx, per_page=2, page=2).services[0].name == "Terapi psikososial"
    assert service.offer(ctx, UUID("00000000-0000-7000-8000-000000000000")) is None


def test_linking_the_inklusi_organisation_that_answers_referrals(ctx, seeded):
    org = access.create_organisation(ctx, SYSTEM, "Dinas Sosial Kota Bandung", OrganisationKind.regional)
    service.link_organisation(ctx, SYSTEM, DINSOS.id, org)
    assert service.offer(ctx, seeded_id("family")).organisation_id == org
    assert service.offer(ctx, seeded_id("therapy")).organisation_id is None
    seed_again = service.import_hsds(ctx, SYSTEM, service.export_hsds(ctx))
    assert seed_again.unchanged == 3
    assert service.offer(ctx, seeded_id("family")).organisation_id == org  # an import keeps the link
    with pytest.raises(Invalid):
        service.link_organisation(ctx, SYSTEM, DINSOS.id, UUID("00000000-0000-7000-8000-000000000000"))
    service.link_organisation(ctx, SYSTEM, DINSOS.id, None)
    assert service.offer(ctx, seeded_id("family")).organisation_id is None


def test_changing_the_directory_needs_its_permission_and_is_audited(ctx):
    planner = user(ctx, "planner-directory", ("planner", None))
    with pytest.raises(Forbidden) as refused:
        service.import_hsds(ctx, planner, foundation_document())
    assert refused.value.text.render("en") == "You may not change the service directory"
    with pytest.raises(Forbidden):
        service.link_organisation(ctx, planner, FOUNDATION, None)
    steward = user(ctx, "steward-directory", ("steward", "32"))
    service.import_hsds(ctx, steward, foundation_document(), source="foundation_hsds.json")
    (entry,) = audit.search_log(ctx, Principal.system(), LogQuery(action="directory.import")).entries
    assert entry.actor_name == "steward-directory"
    assert json.loads(entry.detail) == {
        "source": "foundation_hsds.json",
        "received": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    assert len(service.search(ctx)) == 2
