"""The Group (household) and Member records of a search response. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from inklusi.sharing.dci.protocol import GROUP_CONTEXT, POVERTY_SCORE_TYPE, Json
from inklusi.sharing.dci.search import HouseholdLike, IdQuery, SearchItem


def _text(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _identifier(id_type: str, value: object) -> Json:
    return {"@type": "Identifier", "identifier_type": id_type, "identifier_value": _text(value)}


def _identifiers(
    values: Mapping[str, object], transforms: Mapping[str, str], names: Mapping[str, str]
) -> list[Json]:
    out = []
    for field, id_type in names.items():
        if values.get(field) is not None:
            pseudonymised = transforms.get(field) == "pseudonymise"
            out.append(_identifier(f"{id_type}_PSEUDONYM" if pseudonymised else id_type, values[field]))
    return out


_MEMBER_IDS = {"person.nik": "NIK", "person.id": "PERSON_ID"}
_GROUP_IDS = {"household.id": "HOUSEHOLD_ID", "household.kk_number": "KK"}
_SEX = {"male": "male", "female": "female", "1": "male", "2": "female", "other": "other"}


def member_record(person: Mapping[str, object], transforms: Mapping[str, str]) -> Json:
    """A Member of the Social Registry specification from one shared person (only the fields it holds)."""
    identifiers = _identifiers(person, transforms, _MEMBER_IDS)
    demographic: Json = {"@type": "SRPerson"}
    if identifiers:
        demographic["identifier"] = identifiers
    if person.get("person.name") is not None:
        # Indonesian names are often a single name: the whole name is the given name.
        demographic["name"] = {"@type": "Name", "given_name": _text(person["person.name"])}
    if person.get("person.sex") is not None:
        demographic["sex"] = _SEX.get(_text(person["person.sex"]).lower(), "unknown")
    if person.get("person.birth_date") is not None:
        demographic["birth_date"] = _text(person["person.birth_date"])
    record: Json = {"@type": "spdci:Member"}
    if identifiers:
        record["@id"] = f"urn:inklusi:person:{identifiers[-1]['identifier_value']}"
        record["member_identifier"] = identifiers
    record["demographic_info"] = demographic
    if person.get("person.relationship") is not None:
        record["relationship_head"] = _text(person["person.relationship"])
    if person.get("person.ppks_categories") is not None:
        categories = person["person.ppks_categories"]
        values = [str(c) for c in categories] if isinstance(categories, list | tuple) else [str(categories)]
        record["additional_attributes"] = [{"name": "ppks_categories", "value": ", ".join(values)}]
    return record


def _is_head(person: Mapping[str, object]) -> bool:
    return _text(person.get("person.relationship", "")).lower() in ("head", "1")


def group_record(household: HouseholdLike, transforms: Mapping[str, str]) -> Json:
    """A Group of the Social Registry specification from one shared household and its shared members."""
    fields = household.fields
    record: Json = {"@context": GROUP_CONTEXT, "@type": "spdci:Group"}
    identifiers = _identifiers(fields, transforms, _GROUP_IDS)
    if identifiers:
        record["@id"] = f"urn:inklusi:household:{identifiers[0]['identifier_value']}"
        record["group_identifier"] = identifiers
    record["group_type"] = "household"
    if fields.get("household.address") is not None:
        record["place"] = {"@type": "Place", "address": _text(fields["household.address"])}
    if isinstance(fields.get("household.welfare_score"), int | float):
        record["poverty_score"] = fields["household.welfare_score"]
        record["poverty_score_type"] = POVERTY_SCORE_TYPE
    members = [member_record(person, transforms) for person in household.members]
    heads = [m for m, person in zip(members, household.members, strict=True) if _is_head(person)]
    if heads:
        record["group_head_info"] = heads[0]
    if fields.get("household.size") is not None:
        record["group_size"] = int(str(fields["household.size"]))
    record["member_list"] = members
    extra = [
        {"name": name, "value": fields[field]}
        for field, name in (
            ("household.area_code", "area_code"),
            ("household.decile", "poverty_decile"),
            ("household.regional_decile", "regional_poverty_decile"),
        )
        if fields.get(field) is not None
    ]
    if extra:
        record["additional_attributes"] = extra
    return record


def records(
    households: Sequence[HouseholdLike], item: SearchItem, transforms: Mapping[str, str]
) -> list[Json]:
    """The ``reg_records`` of one search response: Groups, or (``response_entity`` Member) their members —
    for a lookup of one person by NIK, person id or pseudonym only that person when the field is shared."""
    if item.entity == "Group":
        return [group_record(h, transforms) for h in households]
    fields = {"nik": ("person.nik",), "person_id": ("person.id",), "pseudonym": ("person.nik", "person.id")}
    wanted = fields.get(item.query.by, ()) if isinstance(item.query, IdQuery) else ()
    out: list[Json] = []
    for household in households:
        people = list(household.members)
        if wanted and isinstance(item.query, IdQuery):
            value = item.query.value
            matching = [p for p in people if any(_text(p.get(f, "")) == value for f in wanted)]
            people = matching or people  # the looked-up field is not shared: the household's members
        out.extend(member_record(person, transforms) for person in people)
    return out
