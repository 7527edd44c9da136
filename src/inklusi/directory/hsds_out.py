"""HSDS 3 out: a directory service as an HSDS 3 service object. Pure.

:func:`to_hsds`: a service with its organization, service areas, service at locations (each with its
location) and attributes; the way back in is ``hsds_in``.

Service areas are written with the area code as ``uri`` ``urn:inklusi:wilayah:CODE``, which ``hsds_in``
reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from inklusi.directory.model import AREA_CODE, AREA_URI, CAPACITY, Location, Service, derived_id
from inklusi.directory.taxonomy import atensi_attribute, inklusi_attribute


def _present(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def location_to_hsds(location: Location, organisation_id: UUID | None = None) -> dict[str, Any]:
    found = _present(
        {
            "id": str(location.id),
            "location_type": location.location_type.value,
            "organization_id": str(organisation_id) if organisation_id else None,
            "name": location.name,
            "description": location.description,
            "url": location.url,
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    )
    if location.address_1:
        found["addresses"] = [
            {
                "id": str(derived_id(location.id, "address")),
                "location_id": str(location.id),
                "address_1": location.address_1,
                "city": location.city or "",
                "state_province": location.state_province or "",
                "postal_code": location.postal_code or "",
                "country": location.country or "ID",
                "address_type": "physical",
            }
        ]
    if location.area_code:
        found["attributes"] = [
            inklusi_attribute(
                location.id, "location", AREA_CODE, location.area_code, "Kemendagri area code of the location"
            )
        ]
    return found


def to_hsds(service: Service, area_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The service as an HSDS 3 service object (valid against ``service.json``)."""
    names = area_names or {}
    organisation = service.organisation
    attributes = []
    if service.service_type is not None:
        attributes.append(atensi_attribute(service.id, service.service_type))
    if service.capacity is not None:
        attributes.append(
            inklusi_attribute(
                service.id,
                "service",
                CAPACITY,
                str(service.capacity),
                "People the service can take on at a time",
            )
        )
    found = _present(
        {
            "id": str(service.id),
            "organization_id": str(organisation.id),
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status.value,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "eligibility_description": service.eligibility_description,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "last_modified": service.last_modified.isoformat() if service.last_modified else None,
        }
    )
    found["organization"] = _present(
        {
            "id": str(organisation.id),
            "name": organisation.name,
            "alternate_name": organisation.alternate_name,
            "description": organisation.description,
            "email": organisation.email,
            "website": organisation.website,
        }
    )
    found["service_areas"] = [
        _present(
            {
                "id": str(area.id),
                "service_id": str(service.id),
                "name": area.name or names.get(area.area_code) or area.area_code,
                "uri": AREA_URI + area.area_code,
            }
        )
        for area in service.areas
    ]
    found["service_at_locations"] = [
        _present(
            {
                "id": str(at.id),
                "service_id": str(service.id),
                "location_id": str(at.location.id),
                "description": at.description,
                "location": location_to_hsds(at.location, organisation.id),
            }
        )
        for at in service.locations
    ]
    found["attributes"] = attributes
    return found
