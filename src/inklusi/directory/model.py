"""The service directory (Open Referral HSDS 3): organisations, their services, locations and service
areas, and what a case worker sees of a service when choosing where to refer (an :class:`Offer`). Pure.

A service's ATENSI service type (``inklusi.ppks.model.ServiceType``), its capacity and a location's area
code have no HSDS field: they travel as HSDS *attributes* (a taxonomy term linked to the service or the
location), so an export stays valid HSDS and another system keeps them (``hsds_out``, ``hsds_in``). The
taxonomies' and terms' ids are fixed (UUID 5 under :data:`NAMESPACE`), the same in every Inklusi.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from inklusi.ppks.model import ServiceType

NAMESPACE = uuid5(NAMESPACE_URL, "urn:inklusi:directory")
AREA_URI = "urn:inklusi:wilayah:"  # a service area's ``uri``: this prefix and the Kemendagri area code

ATENSI_TAXONOMY_ID = uuid5(NAMESPACE, "taxonomy:atensi")
INKLUSI_TAXONOMY_ID = uuid5(NAMESPACE, "taxonomy:inklusi")
CAPACITY = "capacity"  # a service's term of the Inklusi taxonomy; the attribute's value is the number
AREA_CODE = "area_code"  # a location's term of the Inklusi taxonomy; the value is the area code


def atensi_term_id(service_type: ServiceType) -> UUID:
    return uuid5(NAMESPACE, f"term:atensi:{service_type.value}")


def inklusi_term_id(code: str) -> UUID:
    return uuid5(NAMESPACE, f"term:inklusi:{code}")


def derived_id(owner: UUID, what: str) -> UUID:
    """The id of an object the export derives from another (an attribute, an address): stable, so an
    export repeated gives the same document."""
    return uuid5(owner, what)


class Status(StrEnum):
    """HSDS 3 ``service.status``."""

    active = "active"
    inactive = "inactive"
    defunct = "defunct"
    temporarily_closed = "temporarily closed"


class LocationType(StrEnum):
    physical = "physical"
    postal = "postal"
    virtual = "virtual"


@dataclass(frozen=True)
class Organisation:
    """An organisation that provides services (HSDS ``organization``). Whether it answers referrals in
    Inklusi (an access organisation) is a link kept apart, not part of HSDS (``link_organisation``)."""

    id: UUID
    name: str
    description: str = ""
    alternate_name: str | None = None
    email: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Location:
    """Where services are delivered; ``area_code``: the Kemendagri area it lies in, when known."""

    id: UUID
    name: str | None = None
    location_type: LocationType = LocationType.physical
    description: str | None = None
    address_1: str | None = None
    city: str | None = None
    state_province: str | None = None
    postal_code: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    area_code: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ServiceArea:
    """An area the service is available in (a Kemendagri code: province … village)."""

    id: UUID
    area_code: str
    name: str | None = None


@dataclass(frozen=True)
class ServiceAtLocation:
    id: UUID
    location: Location
    description: str | None = None


@dataclass(frozen=True)
class Service:
    """A service as the directory holds it. ``areas`` empty: available anywhere."""

    id: UUID
    organisation: Organisation
    name: str
    status: Status = Status.active
    service_type: ServiceType | None = None
    description: str | None = None
    alternate_name: str | None = None
    url: str | None = None
    email: str | None = None
    eligibility_description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    capacity: int | None = None  # people it can take on at a time; None: not said
    application_process: str | None = None
    fees_description: str | None = None
    areas: tuple[ServiceArea, ...] = ()
    locations: tuple[ServiceAtLocation, ...] = ()
    last_modified: datetime | None = None  # set by the directory when stored

    def normalised(self) -> Service:
        """The same service with its areas and locations in a fixed order (by code, by id) and no
        modification time: two imports of the same record compare equal."""
        return Service(
            **{
                **self.__dict__,
                "areas": tuple(sorted(self.areas, key=lambda a: (a.area_code, str(a.id)))),
                "locations": tuple(sorted(self.locations, key=lambda s: str(s.id))),
                "last_modified": None,
            }
        )


@dataclass(frozen=True)
class Offer:
    """What choosing a referral target needs of a service.

    ``service_type``: the ATENSI code (``ServiceType`` value) or None; ``organisation_id``: the Inklusi
    organisation that answers referrals to it (None: the provider does not use Inklusi); ``area_codes``:
    its service areas (empty: anywhere)."""

    id: UUID
    name: str
    service_type: str | None
    organisation_name: str
    organisation_id: UUID | None
    area_codes: tuple[str, ...]
    capacity: int | None
    status: str

    def serves(self, area_code: str) -> bool:
        """Whether the service is available in ``area_code`` (an area of it contains it, or it has none)."""
        return not self.area_codes or any(
            area_code == code or area_code.startswith(code + ".") for code in self.area_codes
        )
