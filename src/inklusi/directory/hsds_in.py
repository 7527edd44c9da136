"""HSDS 3 in: an HSDS 3 record read into the directory's types. Pure.

:func:`from_hsds`: a record that passed the schemas (``validation``) becomes a :class:`Draft`: the service
and what still has to be looked up (an organization or location given only by id, a service area given by
name), with the problems the schemas cannot see (ages, capacity, an ATENSI code that does not exist,
coordinates off the globe …). The way out is ``hsds_out``.

What Inklusi keeps of a service: name, alternate name, description, status, url, email, eligibility
description, minimum and maximum age, application process, fees description, the organization (name,
alternate name, description, email, website), service areas, locations (name, type, description, the first
address, coordinates, url), and three attributes: the ATENSI service type, the capacity, a location's area
code. Everything else HSDS can say (phones, schedules, contacts, languages, funding, cost options,
programs, required documents, accessibility, other taxonomies, metadata) is accepted and not kept.

Service areas: an area code as ``uri`` ``urn:inklusi:wilayah:CODE`` (what the export writes), or as
``extent`` with ``extent_type`` ``text``; else the area's ``name`` (``Kota Bandung``), which the directory
looks up among the Kemendagri areas.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from inklusi.directory.model import (
    AREA_CODE,
    AREA_URI,
    CAPACITY,
    Location,
    LocationType,
    Organisation,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Status,
)
from inklusi.directory.taxonomy import inklusi_value, term_of
from inklusi.errors import Issue
from inklusi.i18n import Text, msg
from inklusi.ppks.model import ServiceType
from inklusi.wilayah.model import level_of

MAX_AGE = 150
MAX_CAPACITY = 1_000_000


@dataclass(frozen=True)
class AreaClaim:
    """A service area as a record gives it: a code, or only a name to look up."""

    id: UUID
    code: str | None
    name: str | None
    field: str


@dataclass(frozen=True)
class LocationClaim:
    """A service at a location; the location nested in it, or only its id (found elsewhere)."""

    id: UUID
    location_id: UUID
    location: Location | None
    description: str | None
    field: str


@dataclass(frozen=True)
class Draft:
    """A record read: the service (its organisation only an id when ``organisation_given`` is false; no
    areas and locations yet), the claims to resolve, and the problems found."""

    index: int
    label: str
    service: Service
    organisation_given: bool
    areas: tuple[AreaClaim, ...]
    locations: tuple[LocationClaim, ...]
    organisation_locations: tuple[Location, ...]
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(issue.severity == "error" for issue in self.issues)

    def complete(self, areas: Sequence[ServiceArea], locations: Sequence[ServiceAtLocation]) -> Service:
        return replace(self.service, areas=tuple(areas), locations=tuple(locations)).normalised()


class _Reader:
    """Reads one record, collecting issues named ``{prefix}[index].path``."""

    def __init__(self, index: int, label: str, prefix: str) -> None:
        self.index, self.label, self.prefix = index, label, prefix
        self.issues: list[Issue] = []

    def where(self, path: str) -> str:
        return f"{self.prefix}[{self.index}].{path}"

    def error(self, path: str, code: str, text: Text, severity: str = "error") -> None:
        self.issues.append(
            Issue(self.where(path), code, text, "warning" if severity == "warning" else "error")
        )

    def whole_number(self, value: Any, path: str, top: int) -> int | None:
        if value is None:
            return None
        if not finite(value) or not 0 <= value <= top or value != int(value):
            self.error(path, "hsds.number", self._number_text(path, top))
            return None
        return int(value)

    def _number_text(self, path: str, top: int) -> Text:
        return msg(
            "Record {index} ({id}): {field} must be a whole number from 0 to {top}",
            index=self.index, id=self.label, field=path, top=top,
        )  # fmt: skip


def finite(value: Any) -> bool:
    """A real, finite JSON number (not a boolean; an integer too large for a float is not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _coordinate(value: Any, limit: int) -> float | None:
    return float(value) if finite(value) and -limit <= value <= limit else None


def _nul_paths(value: Any, path: str = "") -> Iterator[str]:
    """Where a text holds a NUL character (which no database stores)."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "(record)"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _nul_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _nul_paths(item, f"{path}[{position}]")


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _service_type(reader: _Reader, attributes: Sequence[Mapping[str, Any]]) -> ServiceType | None:
    found: list[ServiceType] = []
    for position, attribute in enumerate(attributes):
        term = term_of(attribute)
        if not term.atensi:
            continue
        code = term.code
        try:
            found.append(ServiceType(code or ""))
        except ValueError:
            reader.error(
                f"attributes[{position}].taxonomy_term.code",
                "directory.service_type",
                msg(
                    "Record {index} ({id}): {code} is not an ATENSI service type; use one of: {known}",
                    index=reader.index, id=reader.label, code=str(code),
                    known=", ".join(t.value for t in ServiceType),
                ),
            )  # fmt: skip
    if len(set(found)) > 1:
        reader.error(
            "attributes",
            "directory.service_type.many",
            msg(
                "Record {index} ({id}): more than one ATENSI service type; {kept} is kept",
                index=reader.index, id=reader.label, kept=found[0].value,
            ),
            "warning",
        )  # fmt: skip
    return found[0] if found else None


def _location(reader: _Reader, data: Mapping[str, Any], path: str) -> Location:
    latitude, longitude = data.get("latitude"), data.get("longitude")
    for name, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        where = f"{path}.{name}"
        if value is not None and not (finite(value) and -limit <= value <= limit):
            reader.error(
                where,
                "directory.coordinate",
                msg(
                    "Record {index} ({id}): {field} must lie between -{limit} and {limit}",
                    index=reader.index, id=reader.label, field=where, limit=limit,
                ),
            )  # fmt: skip
    area_code = None
    if (value := inklusi_value(data.get("attributes") or [], AREA_CODE)) is not None:
        position, area_code = value
        if level_of(area_code) is None:
            reader.error(
                f"{path}.attributes[{position}].value",
                "area.malformed",
                msg(
                    "Record {index} ({id}): {code} is not an area code "
                    "(PP, PP.RR, PP.RR.DD or PP.RR.DD.VVVV)",
                    index=reader.index, id=reader.label, code=area_code,
                ),
            )  # fmt: skip
            area_code = None
    addresses = data.get("addresses") or []
    address = next(
        (a for a in addresses if a.get("address_type") == "physical"), addresses[0] if addresses else {}
    )
    return Location(
        id=UUID(data["id"]),
        name=_text(data.get("name")),
        location_type=LocationType(data["location_type"]),
        description=_text(data.get("description")),
        address_1=_text(address.get("address_1")),
        city=_text(address.get("city")),
        state_province=_text(address.get("state_province")),
        postal_code=_text(address.get("postal_code")),
        country=_text(address.get("country")),
        latitude=_coordinate(latitude, 90),
        longitude=_coordinate(longitude, 180),
        area_code=area_code,
        url=_text(data.get("url")),
    )


def _organisation(data: Mapping[str, Any]) -> Organisation:
    return Organisation(
        id=UUID(data["id"]),
        name=data["name"].strip(),
        description=data.get("description") or "",
        alternate_name=_text(data.get("alternate_name")),
        email=_text(data.get("email")),
        website=_text(data.get("website")),
    )


def _area(reader: _Reader, data: Mapping[str, Any], path: str) -> AreaClaim | None:
    uri, extent = _text(data.get("uri")), _text(data.get("extent"))
    code = None
    if uri and uri.startswith(AREA_URI):
        code = uri.removeprefix(AREA_URI)
    elif extent and (data.get("extent_type") or "").lower() == "text" and level_of(extent) is not None:
        code = extent
    name = _text(data.get("name"))
    if code is not None and level_of(code) is None:
        reader.error(
            f"{path}.uri",
            "area.malformed",
            msg(
                "Record {index} ({id}): {code} is not an area code (PP, PP.RR, PP.RR.DD or PP.RR.DD.VVVV)",
                index=reader.index, id=reader.label, code=code,
            ),
        )  # fmt: skip
        return None
    if code is None and name is None:
        reader.error(
            path,
            "directory.area.missing",
            msg(
                "Record {index} ({id}): {field} names no area: give the area code as uri "
                "urn:inklusi:wilayah:CODE or as extent (extent_type text), or the area's name",
                index=reader.index, id=reader.label, field=path,
            ),
        )  # fmt: skip
        return None
    return AreaClaim(UUID(data["id"]), code, name, path)


def from_hsds(record: Mapping[str, Any], index: int, label: str, prefix: str = "") -> Draft:
    """Read a record that is valid against ``service.json`` (checked first: ``validation``)."""
    reader = _Reader(index, label, prefix)
    for path in _nul_paths(record):
        reader.error(
            path,
            "directory.nul",
            msg("Record {index} ({id}): {field} holds a NUL character", index=index, id=label, field=path),
        )
    name = record["name"].strip()
    if not name:
        reader.error(
            "name", "directory.blank", msg("Record {index} ({id}): name is empty", index=index, id=label)
        )
    organisation_data = record.get("organization")
    organisation_id = organisation_data["id"] if organisation_data else record.get("organization_id")
    if organisation_data and record.get("organization_id") not in (None, organisation_data["id"]):
        reader.error(
            "organization_id",
            "directory.organisation.mismatch",
            msg(
                "Record {index} ({id}): organization_id differs from organization.id",
                index=index, id=label,
            ),
        )  # fmt: skip
    if organisation_id is None:
        reader.error(
            "organization",
            "directory.organisation.missing",
            msg(
                "Record {index} ({id}): a service needs its organization (organization or organization_id)",
                index=index, id=label,
            ),
        )  # fmt: skip
        organisation_id = "00000000-0000-0000-0000-000000000000"
    if organisation_data and not organisation_data["name"].strip():
        reader.error(
            "organization.name",
            "directory.blank",
            msg("Record {index} ({id}): organization.name is empty", index=index, id=label),
        )
    organisation = (
        _organisation(organisation_data) if organisation_data else Organisation(UUID(organisation_id), "")
    )
    minimum = reader.whole_number(record.get("minimum_age"), "minimum_age", MAX_AGE)
    maximum = reader.whole_number(record.get("maximum_age"), "maximum_age", MAX_AGE)
    if minimum is not None and maximum is not None and minimum > maximum:
        reader.error(
            "minimum_age",
            "directory.ages",
            msg(
                "Record {index} ({id}): the minimum age {minimum} is above the maximum age {maximum}",
                index=index, id=label, minimum=minimum, maximum=maximum,
            ),
        )  # fmt: skip
    attributes = record.get("attributes") or []
    capacity = None
    if (found := inklusi_value(attributes, CAPACITY)) is not None:
        position, value = found
        number = float(value) if _is_number(value) else math.nan
        capacity = reader.whole_number(number, f"attributes[{position}].value", MAX_CAPACITY)
    service = Service(
        id=UUID(record["id"]),
        organisation=organisation,
        name=name,
        status=Status(record["status"]),
        service_type=_service_type(reader, attributes),
        description=_text(record.get("description")),
        alternate_name=_text(record.get("alternate_name")),
        url=_text(record.get("url")),
        email=_text(record.get("email")),
        eligibility_description=_text(record.get("eligibility_description")),
        minimum_age=minimum,
        maximum_age=maximum,
        capacity=capacity,
        application_process=_text(record.get("application_process")),
        fees_description=_text(record.get("fees_description")),
    )
    areas = tuple(
        claim
        for position, data in enumerate(record.get("service_areas") or [])
        if (claim := _area(reader, data, f"service_areas[{position}]")) is not None
    )
    locations = []
    for position, data in enumerate(record.get("service_at_locations") or []):
        path = f"service_at_locations[{position}]"
        nested = data.get("location")
        location_id = (nested or {}).get("id") or data.get("location_id")
        if location_id is None:
            reader.error(
                path,
                "directory.location.missing",
                msg(
                    "Record {index} ({id}): {field} names no location (location or location_id)",
                    index=index, id=label, field=path,
                ),
            )  # fmt: skip
            continue
        location = _location(reader, nested, f"{path}.location") if nested else None
        locations.append(
            LocationClaim(UUID(data["id"]), UUID(location_id), location, _text(data.get("description")), path)
        )
    organisation_locations = tuple(
        _location(reader, data, f"organization.locations[{position}]")
        for position, data in enumerate((organisation_data or {}).get("locations") or [])
    )
    return Draft(
        index,
        label,
        service,
        organisation_data is not None,
        areas,
        tuple(locations),
        organisation_locations,
        reader.issues,
    )


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
