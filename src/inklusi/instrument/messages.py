"""What each rule says when a record breaks it, in Indonesian and English (from the catalogue)."""

from __future__ import annotations

from inklusi.errors import Issue
from inklusi.i18n import Text, msg
from inklusi.instrument.model import Instrument
from inklusi.instrument.validation import Violation

QUOTED = 60  # characters of an answer quoted in a message (the record itself keeps all of it)


def describe(violation: Violation) -> Text:
    p = {k: _short(v) for k, v in violation.params.items()}
    match violation.code:
        case "type":
            return msg("{value!r} cannot be read as the answer this question expects", value=p.get("value"))
        case "required":
            return msg("This question must be answered")
        case "not_asked":
            return msg(
                "Answered ({value}) although the questionnaire skips this question here", value=p.get("value")
            )
        case "code.unknown":
            return msg("{value} is not one of the answer codes of this question", value=p.get("value"))
        case "range":
            return msg(
                "{value} lies outside {low:g} to {high:g}",
                value=p.get("value"),
                low=p.get("low") if p.get("low") is not None else float("-inf"),
                high=p.get("high") if p.get("high") is not None else float("inf"),
            )
        case "pattern":
            return msg("{value!r} is not written as this question asks", value=p.get("value"))
        case "area.province_unknown":
            return msg("There is no province {code}", code=p.get("code"))
        case "area.regency_unknown":
            return msg("There is no regency/city {code} in its province", code=p.get("code"))
        case "area.district_unknown":
            return msg("There is no district {code} in its regency", code=p.get("code"))
        case "area.village_unknown":
            return msg("There is no village {code} in its district", code=p.get("code"))
        case "area.out_of_scope":
            return msg("You may not change the registry in area {code}", code=p.get("code"))
        case "registry.out_of_scope":
            return msg(
                "This form would change a family or person in an area you may not change: a steward of "
                "that area or a national steward must import it"
            )
        case "registry.kk_repeated":
            return msg("Another form of this import carries the same KK number")
        case "registry.person_repeated":
            return msg("This person is also listed in another form of this import (or twice in this one)")
        case "registry.two_heads":
            return msg(
                "The family would have two heads: list its previous head too (with their new relationship, "
                "or as gone)"
            )
        case "registry.newer_version":
            return msg("The registry holds newer data for this family or person than the date of this import")
        case "registry.refused":
            return msg(
                "The registry could not take this form in with the data it holds; nothing of it was "
                "changed. Check the form's KK number and NIKs against the registry"
            )
        case "area.regency_retired":
            return msg(
                "The NIK {code} carries a regency code retired by a province split", code=p.get("code")
            )
        case "nik.birth_day":
            return msg("The NIK {code} holds an impossible birth day", code=p.get("code"))
        case "nik.month":
            return msg("The NIK {code} holds an impossible birth month", code=p.get("code"))
        case "nik.sex_mismatch":
            return msg(
                "The NIK {code} does not agree with the sex recorded (day + 40 means female)",
                code=p.get("code"),
            )
        case "nik.birth_date_mismatch":
            return msg(
                "The NIK {code} does not agree with the birth date {date}",
                code=p.get("code"),
                date=p.get("date"),
            )
        case "nik.duplicate":
            return msg("The NIK {code} appears more than once in this file", code=p.get("code"))
        case "text.too_long":
            return msg(
                "The answer is {length} characters long; at most {limit} are kept",
                length=p.get("length"),
                limit=p.get("limit"),
            )
        case "text.control":
            return msg("The answer holds a control character (such as NUL) that no text may hold")
        case "submission.id_too_long":
            return msg("The submission id is longer than {limit} characters", limit=p.get("limit"))
        case "submission.missing_id":
            return msg("The form has no submission id")
        case "submission.duplicate":
            return msg("The same submission id appears more than once in this file")
        case "submission.changed":
            return msg(
                "This submission was imported before with other answers; send corrections as a new submission"
            )
        case "member.orphan":
            return msg("A member row belongs to no form in this file")
        case "member.number_repeated":
            return msg("Two members of the form have the same number")
        case "family.heads":
            return msg("A family needs exactly one head; this one has {n}", n=p.get("n"))
        case "family.size_mismatch":
            return msg(
                "The form says {declared} members but lists {listed}",
                declared=p.get("declared"),
                listed=p.get("listed"),
            )
        case "age.not_younger_than_head":
            return msg(
                "A child or grandchild aged {age} is not younger than the head ({head_age})", **_ages(p)
            )
        case "age.not_older_than_head":
            return msg("A parent aged {age} is not older than the head ({head_age})", **_ages(p))
        case "age.too_young_to_marry":
            return msg("Someone aged {age} is recorded as (once) married", age=p.get("age"))
        case "age.birth_date_mismatch":
            years = p.get("years") or 0
            return msg(
                "The age {age} does not agree with the birth date ({years:g} years)",
                age=p.get("age"),
                years=years,
            )
    return msg("Rule {code} is broken", code=violation.code)


def _short(value: object) -> object:
    if isinstance(value, str) and len(value) > QUOTED:
        return value[: QUOTED - 1] + "…"
    return value


def _ages(params: dict) -> dict[str, object]:
    return {"age": params.get("age"), "head_age": params.get("head_age")}


def as_issue(violation: Violation, instrument: Instrument) -> Issue:
    """A violation as an Issue: the field path names the member and the question (``anggota[2].r405``)."""
    where = (
        f"{instrument.member_group.code}[{violation.member_no}]." if violation.member_no is not None else ""
    )
    return Issue(
        f"{where}{violation.field}" or "form", violation.code, describe(violation), violation.severity
    )
