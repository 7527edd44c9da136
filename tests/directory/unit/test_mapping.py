"""HSDS 3 in and out without a database: the shipped schemas, the mapping both ways, the problems found."""

from __future__ import annotations

import json
from importlib import resources
from uuid import UUID

from inklusi.directory.hsds_in import from_hsds
from inklusi.directory.hsds_out import to_hsds
from inklusi.directory.model import Offer, ServiceArea, ServiceAtLocation, atensi_term_id
from inklusi.directory.validation import check_record, schemas, validator_for
from inklusi.ppks.model import ServiceType
from tests.directory.conftest import ORIGINALS, foundation_document, seeded_services

SHIPPED = resources.files("inklusi.directory") / "hsds3"


def test_the_schemas_ship_with_their_licence_and_resolve_every_reference():
    names = set(schemas())
    assert {"service.json", "organization.json", "location.json", "service_area.json"} <= names
    assert "CC BY-SA 4.0" in (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert "Creative Commons Attribution Share-Alike 4.0" in (SHIPPED / "LICENSE").read_text(encoding="utf-8")
    referenced = set()

    def refs(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                referenced.add(node["$ref"])
            for value in node.values():
                refs(value)
        elif isinstance(node, list):
            for value in node:
                refs(value)

    for schema in schemas().values():
        refs(schema)
    assert referenced <= names, f"missing schemas: {referenced - names}"
    if ORIGINALS.is_dir():  # unchanged copies of what Open Referral publishes
        for name, schema in schemas().items():
            assert schema == json.loads((ORIGINALS / name).read_text(encoding="utf-8")), name


def test_every_seeded_service_maps_to_valid_hsds_and_back():
    validator = validator_for("service.json")
    for service in seeded_services():
        record = to_hsds(service)
        assert list(validator.iter_errors(record)) == []
        draft = from_hsds(record, 0, record["id"])
        assert draft.valid, draft.issues
        areas = [ServiceArea(claim.id, claim.code, None) for claim in draft.areas]
        placed = [ServiceAtLocation(c.id, c.location, c.description) for c in draft.locations if c.location]
        assert draft.complete(areas, placed) == service.normalised()


def test_a_file_from_another_system_is_read_as_the_directory_keeps_it():
    training, coaching = foundation_document()["contents"]
    draft = from_hsds(training, 0, training["id"])
    assert draft.valid and draft.organisation_given
    assert draft.service.service_type is ServiceType.vocational_training  # "ATENSI Kemensos" term by code
    assert [(a.code, a.name) for a in draft.areas] == [(None, "Kota Bandung"), ("32.04", "Kabupaten Bandung")]
    (workshop,) = draft.locations
    assert workshop.location is not None and workshop.location.address_1 == "Jl. Ciroyom No. 45"
    assert [loc.name for loc in draft.organisation_locations] == ["Kantor pendampingan usaha"]
    second = from_hsds(coaching, 1, coaching["id"])
    assert second.locations[0].location is None  # given by id: found among the organisation's locations


def test_schema_problems_name_the_record_and_the_field_in_both_languages():
    record = foundation_document()["contents"][1] | {"minimum_age": "18", "status": "open"}
    del record["name"]
    issues = check_record(record, 4)
    assert [(i.field, i.code) for i in issues] == [
        ("[4].minimum_age", "hsds.type"),
        ("[4].name", "hsds.required"),
        ("[4].status", "hsds.enum"),
    ]
    assert issues[0].text.both() == {
        "en": "Record 4 (a4b3c2d1-e0f9-4a8b-9c7d-6e5f4a3b2c1d): minimum_age must be a number",
        "id": "Rekaman 4 (a4b3c2d1-e0f9-4a8b-9c7d-6e5f4a3b2c1d): minimum_age harus berupa angka",
    }
    nested = foundation_document()["contents"][0]
    nested["service_at_locations"][0]["location"]["latitude"] = "-6.9"
    nested["organization"]["id"] = "not-a-uuid"
    fields = {i.field: i.code for i in check_record(nested, 0)}
    assert fields == {
        "[0].organization.id": "hsds.format",
        "[0].service_at_locations[0].location.latitude": "hsds.type",
    }
    assert check_record("a service", 2)[0].text.render("en") == (
        "Record 2 is not an HSDS service (a JSON object)"
    )


def test_several_atensi_types_keep_the_first_with_a_warning():
    record = to_hsds(seeded_services()[0])
    other = json.loads(json.dumps(record["attributes"][0]))
    other["id"] = "0f0e0d0c-0b0a-4909-8807-060504030201"
    other["taxonomy_term_id"] = str(atensi_term_id(ServiceType.vocational_training))
    record["attributes"].append(other)
    draft = from_hsds(record, 0, record["id"])
    assert draft.valid and draft.service.service_type is ServiceType.family_support
    assert [(i.code, i.severity) for i in draft.issues] == [("directory.service_type.many", "warning")]


def test_an_offer_serves_the_areas_inside_its_service_areas():
    offer = Offer(UUID(int=1), "x", None, "y", None, ("32.73",), None, "active")
    assert offer.serves("32.73.01.1001") and offer.serves("32.73")
    assert not offer.serves("32") and not offer.serves("32.7")
    assert Offer(UUID(int=2), "x", None, "y", None, (), None, "active").serves("11")
