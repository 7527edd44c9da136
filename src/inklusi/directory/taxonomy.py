"""The two taxonomies the directory adds to HSDS, as HSDS attributes: ``ATENSI`` (a service's ATENSI service
type, Permensos 16/2020) and ``Inklusi`` (a service's capacity, a location's area code). Building them for the
export and recognising them, or another system's ATENSI terms, on import. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from inklusi.directory.model import (
    AREA_CODE,
    ATENSI_TAXONOMY_ID,
    CAPACITY,
    INKLUSI_TAXONOMY_ID,
    atensi_term_id,
    derived_id,
    inklusi_term_id,
)
from inklusi.ppks import taxonomy as ppks_taxonomy
from inklusi.ppks.model import ServiceType

ATENSI_SOURCE = "ATENSI: Asistensi Rehabilitasi Sosial (Permensos 16/2020)"


def _taxonomy(taxonomy_id: UUID, name: str, description: str) -> dict[str, Any]:
    return {"id": str(taxonomy_id), "name": name, "description": description}


def atensi_attribute(service_id: UUID, service_type: ServiceType) -> dict[str, Any]:
    """A service's ATENSI service type: a term of the ATENSI taxonomy (name in Indonesian, description in
    English)."""
    names = {s.code: s.name for s in ppks_taxonomy.taxonomy().services}
    term_id = atensi_term_id(service_type)
    return {
        "id": str(derived_id(service_id, "attribute:atensi")),
        "link_id": str(service_id),
        "link_type": "service_type",
        "link_entity": "service",
        "taxonomy_term_id": str(term_id),
        "taxonomy_term": {
            "id": str(term_id),
            "code": service_type.value,
            "name": names[service_type].id,
            "description": names[service_type].en,
            "taxonomy": "ATENSI",
            "language": "id",
            "taxonomy_id": str(ATENSI_TAXONOMY_ID),
            "taxonomy_detail": _taxonomy(
                ATENSI_TAXONOMY_ID, "ATENSI", f"{ATENSI_SOURCE}: the ten social rehabilitation service types"
            ),
        },
    }


def inklusi_attribute(owner: UUID, entity: str, code: str, value: str, description: str) -> dict[str, Any]:
    """A value HSDS has no field for (``capacity``, ``area_code``): a term of the Inklusi taxonomy."""
    term_id = inklusi_term_id(code)
    return {
        "id": str(derived_id(owner, f"attribute:{code}")),
        "link_id": str(owner),
        "link_type": code,
        "link_entity": entity,
        "value": value,
        "taxonomy_term_id": str(term_id),
        "taxonomy_term": {
            "id": str(term_id),
            "code": code,
            "name": code,
            "description": description,
            "taxonomy": "Inklusi",
            "taxonomy_id": str(INKLUSI_TAXONOMY_ID),
            "taxonomy_detail": _taxonomy(
                INKLUSI_TAXONOMY_ID,
                "Inklusi",
                "What the Inklusi service directory records beyond HSDS fields",
            ),
        },
    }


@dataclass(frozen=True)
class Term:
    """What an attribute's taxonomy term says: its code, and whether it is ATENSI's or Inklusi's."""

    code: str | None
    atensi: bool
    inklusi: bool


def term_of(attribute: Mapping[str, Any]) -> Term:
    """Our terms by their ids (a file in the tabular form gives only ``taxonomy_term_id``); another
    system's ATENSI term by its taxonomy's name (``ATENSI Kemensos``) and its code."""
    term = attribute.get("taxonomy_term") or {}
    term_id = attribute.get("taxonomy_term_id") or term.get("id")
    for known in ServiceType:
        if term_id == str(atensi_term_id(known)):
            return Term(known.value, True, False)
    for known_code in (CAPACITY, AREA_CODE):
        if term_id == str(inklusi_term_id(known_code)):
            return Term(known_code, False, True)
    detail = term.get("taxonomy_detail") or {}
    taxonomy_name = " ".join(str(v) for v in (term.get("taxonomy"), detail.get("name")) if v).lower()
    taxonomy_id = term.get("taxonomy_id") or detail.get("id")
    atensi = taxonomy_id == str(ATENSI_TAXONOMY_ID) or "atensi" in taxonomy_name
    inklusi = taxonomy_id == str(INKLUSI_TAXONOMY_ID) or taxonomy_name == "inklusi"
    return Term(term.get("code"), atensi, inklusi)


def inklusi_value(attributes: Sequence[Mapping[str, Any]], code: str) -> tuple[int, str] | None:
    """The position and value of the first attribute with the Inklusi term ``code``."""
    for position, attribute in enumerate(attributes):
        term = term_of(attribute)
        if term.inklusi and term.code == code:
            return position, str(attribute.get("value") or "").strip()
    return None
