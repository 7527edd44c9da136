"""Checking HSDS 3 records against the Open Referral JSON schemas shipped in ``hsds3/`` (CC BY-SA 4.0).

The schemas refer to each other by file name (``"$ref": "phone.json"``): every file is a resource of one
``referencing`` registry under its name, so ``service.json`` is checked with everything it nests
(organization, locations, service areas, phones, schedules, attributes …). Formats are checked where
``jsonschema`` can without extra packages (``uuid``, ``email``). Each problem becomes an :class:`Issue`
naming the record (its index in the document and its id) and the field's path, in Indonesian and English.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from inklusi.errors import Issue
from inklusi.i18n import Text, msg

SCHEMA_FOLDER = "hsds3"
MAX_ISSUES_PER_RECORD = 20


def schema_names() -> tuple[str, ...]:
    folder = resources.files("inklusi.directory") / SCHEMA_FOLDER
    return tuple(sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".json")))


@cache
def schemas() -> dict[str, dict[str, Any]]:
    """Every shipped schema by file name."""
    folder = resources.files("inklusi.directory") / SCHEMA_FOLDER
    return {name: json.loads((folder / name).read_text(encoding="utf-8")) for name in schema_names()}


def registry_of(found: Mapping[str, Mapping[str, Any]]) -> Registry:
    """A registry holding each schema under its file name (the schemas declare no ``$schema``: they are
    read as JSON Schema 2020-12)."""
    return Registry().with_resources(
        (name, Resource.from_contents(dict(schema), default_specification=DRAFT202012))
        for name, schema in found.items()
    )


def validator_for(name: str, found: Mapping[str, Mapping[str, Any]] | None = None) -> Draft202012Validator:
    """A validator of one schema (``service.json``) that resolves its ``$ref``s in ``found`` (default:
    the shipped schemas)."""
    found = found if found is not None else schemas()
    return Draft202012Validator(
        found[name], registry=registry_of(found), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def service_validator() -> Draft202012Validator:
    return validator_for("service.json")


def path_of(parts: Sequence[str | int]) -> str:
    """A JSON path as people read it: ``service_areas[0].id``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def record_label(record: object) -> str:
    """How a message names a record: its id, or a dash."""
    if isinstance(record, Mapping) and isinstance(record.get("id"), str):
        return str(record["id"])[:60]
    return "–"


def _problem(error: ValidationError, index: int, record_id: str) -> tuple[str, str, Text]:
    """The field, the code and the message of one schema error."""
    parts = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if error.message.count("'") >= 2 else "?"
        field = path_of([*parts, missing])
        return (
            field,
            "hsds.required",
            msg("Record {index} ({id}): {field} is required", index=index, id=record_id, field=field),
        )
    field = path_of(parts) or "(record)"
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else "?"
        if expected == "string":
            text = msg("Record {index} ({id}): {field} must be text", index=index, id=record_id, field=field)
        elif expected == "number":
            text = msg(
                "Record {index} ({id}): {field} must be a number", index=index, id=record_id, field=field
            )
        elif expected == "array":
            text = msg(
                "Record {index} ({id}): {field} must be a list", index=index, id=record_id, field=field
            )
        elif expected == "object":
            text = msg(
                "Record {index} ({id}): {field} must be an object", index=index, id=record_id, field=field
            )
        else:
            text = msg(
                "Record {index} ({id}): {field} must be of type {type}",
                index=index, id=record_id, field=field, type=expected,
            )  # fmt: skip
        return field, "hsds.type", text
    if error.validator == "enum":
        values = ", ".join(str(v) for v in error.schema.get("enum", ()))  # type: ignore[union-attr]
        return field, "hsds.enum", msg(
            "Record {index} ({id}): {field} must be one of: {values}",
            index=index, id=record_id, field=field, values=values,
        )  # fmt: skip
    if error.validator == "format":
        return field, "hsds.format", msg(
            "Record {index} ({id}): {field} is not a valid {format}",
            index=index, id=record_id, field=field, format=str(error.validator_value),
        )  # fmt: skip
    return field, f"hsds.{error.validator}", msg(
        "Record {index} ({id}): {field} is not valid: {detail}",
        index=index, id=record_id, field=field, detail=error.message[:200],
    )  # fmt: skip


def check_record(record: object, index: int, prefix: str = "") -> list[Issue]:
    """Why one record is not a valid HSDS 3 service (an empty list if it is); fields are named
    ``{prefix}[index].path``."""
    if not isinstance(record, Mapping):
        text = msg("Record {index} is not an HSDS service (a JSON object)", index=index)
        return [Issue(f"{prefix}[{index}]", "hsds.type", text)]
    record_id = record_label(record)
    issues = []
    errors: Iterator[ValidationError] = service_validator().iter_errors(record)
    for error in errors:
        field, code, text = _problem(error, index, record_id)
        issues.append(Issue(f"{prefix}[{index}].{field}", code, text))
    return sorted(issues, key=lambda issue: issue.field)[:MAX_ISSUES_PER_RECORD]
