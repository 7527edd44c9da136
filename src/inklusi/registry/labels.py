"""How registry fields and values read to a person, in Indonesian or English."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from babel.numbers import format_decimal

from inklusi.i18n import BABEL_LOCALES, Text, format_day, msg
from inklusi.registry.checks import DWELLING_CODES, PERSON_CODES
from inklusi.registry.codelists import codelist
from inklusi.registry.model import Version

FIELD_LABELS: dict[str, Text] = {
    "village_code": msg("Village"),
    "sls": msg("SLS (RT/RW)"),
    "address": msg("Address"),
    "latitude": msg("Latitude"),
    "longitude": msg("Longitude"),
    "tenure": msg("Ownership of the dwelling"),
    "floor_area_m2": msg("Floor area (m²)"),
    "floor_material": msg("Floor"),
    "wall_material": msg("Walls"),
    "roof_material": msg("Roof"),
    "water_source": msg("Drinking water"),
    "lighting": msg("Lighting"),
    "electricity_power": msg("Electricity (installed power)"),
    "cooking_fuel": msg("Cooking fuel"),
    "toilet": msg("Toilet facility"),
    "toilet_type": msg("Type of toilet"),
    "excreta_disposal": msg("Final disposal of excreta"),
    "name": msg("Name"),
    "nik": msg("NIK"),
    "sex": msg("Sex"),
    "birth_date": msg("Date of birth"),
    "birth_place": msg("Place of birth"),
    "marital_status": msg("Marital status"),
    "school_participation": msg("School participation"),
    "education": msg("Highest certificate"),
    "worked_last_week": msg("Worked last week"),
    "employment_status": msg("Status in main job"),
    "industry": msg("Industry of main job"),
    "difficulty_seeing": msg("Difficulty seeing"),
    "difficulty_hearing": msg("Difficulty hearing"),
    "difficulty_walking": msg("Difficulty walking or climbing steps"),
    "difficulty_remembering": msg("Difficulty remembering or concentrating"),
    "difficulty_self_care": msg("Difficulty with self-care"),
    "difficulty_communicating": msg("Difficulty communicating"),
    "chronic_illness": msg("Chronic illness"),
    "health_insurance": msg("Health insurance"),
    "programmes": msg("Programmes"),
    "kk_number": msg("KK number"),
    "relationship": msg("Relationship to the head"),
    "family_id": msg("Family"),
    "area_code": msg("Area"),
    "living_situation": msg("Living situation"),
}
_CODED = {
    **DWELLING_CODES,
    **PERSON_CODES,
    "relationship": "relationship",
    "living_situation": "living_situation",
}


def field_label(field: str, language: str) -> str:
    if field.startswith("asset."):
        return asset_label(field.removeprefix("asset."), language)
    label = FIELD_LABELS.get(field)
    return label.render(language) if label else field


def value_label(field: str, value: Any, language: str) -> str:
    """A stored value as words: code lists by their label, programme keys by name, the rest as is."""
    if value is None or value == ():
        return "—"
    if field in _CODED:
        return codelist(_CODED[field]).label(int(value), language)
    if isinstance(value, date):
        return format_day(value, language)
    if field == "birth_date" and isinstance(value, str):  # as a version's JSON diff holds it
        try:
            return format_day(date.fromisoformat(value), language)
        except ValueError:
            return value
    if isinstance(value, float):
        return format_decimal(value, locale=BABEL_LOCALES.get(language, "id_ID"))
    if field == "programmes":
        lists = (codelist("person_programme"), codelist("family_programme"))
        return ", ".join(
            next((lst.label(key, language) for lst in lists if key in lst.codes), str(key)) for key in value
        )
    return str(value)


def asset_label(key: str, language: str) -> str:
    return codelist("asset").label(key, language)


def programme_labels(keys: Iterable[str], list_name: str, language: str) -> list[str]:
    found = codelist(list_name)
    return [found.label(key, language) for key in sorted(keys)]


# Sources the code writes itself; any other source is the name someone gave a round of data.
SOURCE_LABELS: dict[str, Text] = {
    "change_request": msg("Approved change request"),
}


def source_label(version: Version, language: str) -> str:
    """Where a version came from, in words: an approved change request, or the round of data (an import, a
    load) by the name it was given."""
    known = SOURCE_LABELS.get(version.source)
    if known is not None:
        return known.render(language)
    return msg("Data round “{name}”", name=version.source).render(language)
