"""Issue 11 #16: an import may change only what lies in the importer's area. A form in the importer's own
village that carries the KK number of a family elsewhere, or lists a person elsewhere by NIK, is held,
with the same reason whether or not such a family exists; a national steward still moves households."""

from __future__ import annotations

import json

from inklusi.audit import service as audit
from inklusi.instrument import service
from inklusi.registry import service as registry
from tests.factories import user
from tests.instrument.rounds import (
    SYSTEM,
    first_in,
    held_codes,
    moved_to,
    round_one,
    village_of_kk,
    write,
)

OUT_OF_SCOPE = "registry.out_of_scope"


def test_a_kk_number_from_another_province_is_held_not_moved(ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    jakarta = first_in(forms, "31")
    household_id, village = village_of_kk(ctx, jakarta["r114"])
    west_java = user(ctx, "dinsos.jabar", ("steward", "32"))
    jakarta_steward = user(ctx, "dinsos.dki", ("steward", "31"))
    attack = moved_to(jakarta, "ATTACK-KK")
    for member in attack["members"]:
        member.pop("r403", None)  # recognised inside the family by name and birth date, not by NIK

    result = service.import_file(ctx, west_java, write([attack], tmp_path / "attack.jsonl"))

    assert result.report["totals"]["households_moved"] == 0
    assert result.report["totals"]["persons_moved"] == 0
    assert village_of_kk(ctx, jakarta["r114"]) == (household_id, village)
    assert registry.get_household(ctx, jakarta_steward, household_id).dwelling.village_code == village
    held = held_codes(ctx, west_java, result.batch_id)
    assert ("r114", OUT_OF_SCOPE) in held["ATTACK-KK"]
    assert result.accepted == 0 and result.held == 1
    detail = batch_audit(ctx, result.batch_id)
    assert detail["held_out_of_scope"] == 1 and detail["households"] == []


def test_a_nik_from_another_province_is_held_not_moved(ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    jakarta = first_in(forms, "31")
    household_id, _village = village_of_kk(ctx, jakarta["r114"])
    west_java = user(ctx, "dinsos.jabar", ("steward", "32"))
    attack = moved_to(jakarta, "ATTACK-NIK")
    attack["r114"] = "327301" + jakarta["r114"][6:]  # a KK number the registry does not know

    result = service.import_file(ctx, west_java, write([attack], tmp_path / "attack.jsonl"))

    assert result.report["totals"]["persons_moved"] == 0
    assert result.report["totals"]["families_new"] == 0
    household = registry.get_household(ctx, SYSTEM, household_id)
    listed = {m.person.nik for family in household.families for m in family.members}
    assert {m["r403"] for m in jakarta["members"] if m.get("r403")} <= listed
    issues = held_codes(ctx, west_java, result.batch_id)["ATTACK-NIK"]
    assert ("r403", OUT_OF_SCOPE) in issues and ("r114", OUT_OF_SCOPE) not in issues


def test_the_reason_is_the_same_wherever_the_number_lives(ctx, population, tmp_path):
    """The held form's reason names no area, household or person: a steward learns nothing about the
    other province beyond "not yours to change"."""
    forms = round_one(ctx, population, tmp_path)
    west_java = user(ctx, "dinsos.jabar", ("steward", "32"))
    jakarta, other = first_in(forms, "31"), next(f for f in forms if f["r101"] not in ("31", "32"))
    attacks = [moved_to(jakarta, "A-31", building=71), moved_to(other, "A-XX", building=72)]
    result = service.import_file(ctx, west_java, write(attacks, tmp_path / "attack.jsonl"))
    held = {f.submission_id: f.issues for f in service.held_forms(ctx, west_java, result.batch_id)}
    messages = [{(i["question"], i["message"]["en"], i["message"]["id"]) for i in held[s]} for s in held]
    kk_reasons = [{m for m in found if m[0] == "r114"} for found in messages]
    assert kk_reasons[0] == kk_reasons[1] and len(kk_reasons[0]) == 1
    text = str(held)
    for form in (jakarta, other):
        assert ".".join((form["r101"], form["r102"], form["r103"], form["r104"])) not in text


def test_a_national_steward_still_moves_a_household(ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    jakarta = first_in(forms, "31")
    household_id, _village = village_of_kk(ctx, jakarta["r114"])
    national = user(ctx, "kemensos", ("steward", None))
    result = service.import_file(ctx, national, write([moved_to(jakarta, "MOVE-1")], tmp_path / "move.jsonl"))
    assert result.accepted == 1 and result.report["totals"]["households_moved"] == 1
    assert village_of_kk(ctx, jakarta["r114"]) == (household_id, "32.73.01.1001")
    detail = batch_audit(ctx, result.batch_id)
    assert detail["areas"] == sorted([household_village(jakarta), "32.73.01.1001"])
    assert detail["households"] == [str(household_id)] and detail["households_changed"] == 1


def test_a_steward_moves_a_household_within_their_province(ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    bandung = next(f for f in forms if f["r101"] == "32" and household_village(f) != "32.73.01.1001")
    household_id, _village = village_of_kk(ctx, bandung["r114"])
    west_java = user(ctx, "dinsos.jabar", ("steward", "32"))
    result = service.import_file(
        ctx, west_java, write([moved_to(bandung, "MOVE-32")], tmp_path / "move.jsonl")
    )
    assert result.accepted == 1 and result.report["totals"]["households_moved"] == 1
    assert village_of_kk(ctx, bandung["r114"]) == (household_id, "32.73.01.1001")


def household_village(form: dict) -> str:
    return ".".join((form["r101"], form["r102"], form["r103"], form["r104"]))


def batch_audit(ctx, batch_id) -> dict:
    entries = audit.recent(ctx, SYSTEM, object_type="import_batch", object_id=str(batch_id))
    return json.loads(next(e for e in entries if e.action == "import.batch").detail)
