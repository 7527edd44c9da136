"""An ODK Central export with one deliberate error of every kind yields exactly the expected quarantine,
and the error report lets a steward fix the forms and import them again."""

from __future__ import annotations

from pathlib import Path

from inklusi.access.model import Principal
from inklusi.instrument import service
from inklusi.instrument.model import load
from inklusi.instrument.service.reports import error_report_csv, held_jsonl
from inklusi.instrument.synthetic import from_synthetic
from inklusi.registry import service as registry
from tests.instrument.odk import write_odk_zip

SYSTEM = Principal.system("tests")
INSTRUMENT = load()


class Injector:
    """Breaks one form per rule, choosing a form that fits the rule and leaving the others alone."""

    def __init__(self, families: list[dict], members: list[dict]) -> None:
        self.families, self.members = families, members
        self.by_form: dict[str, list[dict]] = {}
        for member in members:
            self.by_form.setdefault(member["submission_id"], []).append(member)
        self.used: set[str] = set()
        self.expected: set[tuple] = set()

    def form(self, fits=lambda family, members: True) -> tuple[dict, list[dict]]:
        for family in self.families:
            sid = family["submission_id"]
            members = self.by_form.get(sid, [])
            if sid not in self.used and members and fits(family, members):
                self.used.add(sid)
                return family, members
        raise AssertionError("no form fits")

    def expect(self, family_or_id, member, question, code) -> None:
        sid = family_or_id if isinstance(family_or_id, str | None) else family_or_id["submission_id"]
        self.expected.add((sid, member, question, code))


def child(members, low=5, high=200):
    return next((m for m in members if m["r409"] == "3" and low <= int(m["r407"]) <= high), None)


def inject_every_kind(families: list[dict], members: list[dict]) -> set[tuple]:
    it = Injector(families, members)
    f, _ = it.form()
    f["r302"] = "abc"
    it.expect(f, None, "r302", "type")
    f, _ = it.form()
    f["r303"] = ""
    it.expect(f, None, "r303", "required")
    f, _ = it.form(lambda f, m: f["r307a"] == "1")
    f["r307a"], f["r307b"] = "4", "1"
    it.expect(f, None, "r307b", "not_asked")
    f, _ = it.form()
    f["r303"] = "42"
    it.expect(f, None, "r303", "code.unknown")
    f, _ = it.form()
    f["r302"] = "1500"
    it.expect(f, None, "r302", "range")
    f, _ = it.form()
    f["r114"] = "12345"
    it.expect(f, None, "r114", "pattern")
    f, _ = it.form()
    f["r104"] = "9999"
    it.expect(f, None, "r104", "area.village_unknown")
    f, m = it.form()
    m[0]["r405"] = "1" if m[0]["r405"] == "2" else "2"
    it.expect(f, 1, "r403", "nik.sex_mismatch")
    f, m = it.form(lambda f, m: m[0]["r406"] and int(m[0]["r406"][8:10]) < 28)
    m[0]["r406"] = m[0]["r406"][:8] + f"{int(m[0]['r406'][8:10]) + 1:02d}"
    it.expect(f, 1, "r403", "nik.birth_date_mismatch")
    f, m = it.form(lambda f, m: child(m) is not None)
    twin = dict(child(m), r401=str(len(m) + 1))
    members.append(twin)
    f["r112"] = str(len(m) + 1)
    it.expect(f, int(child(m)["r401"]), "r403", "nik.duplicate")
    it.expect(f, len(m) + 1, "r403", "nik.duplicate")
    f, _ = it.form()
    families.append(dict(f))
    it.expect(f, None, "", "submission.duplicate")
    f, m = it.form(lambda f, m: child(m) is not None)
    child(m)["r409"] = "1"
    it.expect(f, None, "r409", "family.heads")
    f, m = it.form()
    f["r112"] = str(int(f["r112"]) + 1)
    it.expect(f, None, "r112", "family.size_mismatch")
    f, m = it.form(lambda f, m: child(m) is not None)
    head_age = next(int(x["r407"]) for x in m if x["r409"] == "1")
    older = child(m)
    older["r407"], older["r406"] = str(head_age + 1), ""
    it.expect(f, int(older["r401"]), "r407", "age.not_younger_than_head")
    f, m = it.form(lambda f, m: child(m) is not None)
    parent = child(m)
    parent["r409"] = "6"
    it.expect(f, int(parent["r401"]), "r407", "age.not_older_than_head")
    f, m = it.form(lambda f, m: child(m, 5, 9) is not None)
    child(m, 5, 9)["r408"] = "2"
    it.expect(f, int(child(m, 5, 9)["r401"]), "r408", "age.too_young_to_marry")
    f, m = it.form(lambda f, m: m[0]["r409"] == "1" and int(m[0]["r407"]) > 30)  # no age-limited answers
    m[0]["r407"] = str(int(m[0]["r407"]) + 5)
    it.expect(f, 1, "r407", "age.birth_date_mismatch")
    f, m = it.form(lambda f, m: len(m) >= 2)
    m[1]["r401"] = "1"
    it.expect(f, 1, "r401", "member.number_repeated")
    f, m = it.form(lambda f, m: m[0]["r405"] == "1" and m[0]["r403"])
    m[0]["r403"] = m[0]["r403"][:6] + "35" + m[0]["r403"][8:]
    it.expect(f, 1, "r403", "nik.birth_day")
    f, m = it.form(lambda f, m: m[0]["r403"])
    m[0]["r403"] = "99" + m[0]["r403"][2:]
    it.expect(f, 1, "r403", "area.province_unknown")
    ghost = dict(
        next(m for m in members if m["submission_id"] not in it.used),
        submission_id="GHOST",
        r401="9",
        r403="",
    )
    members.append(ghost)  # a complete member row whose form is not in the file
    it.expect(None, 9, "", "member.orphan")  # ODK links members by PARENT_KEY: no form, no id
    return it.expected


def test_every_kind_of_error_is_held_with_its_reason(ctx, population: Path, tmp_path: Path):
    clean = from_synthetic(population, INSTRUMENT, 1)
    expected: set[tuple] = set()

    def edit(families, members):
        expected.update(inject_every_kind(families, members))

    export = write_odk_zip(clean, INSTRUMENT, tmp_path / "round1.zip", edit)
    result = service.import_file(ctx, SYSTEM, export, source="round-1")
    held = service.held_forms(ctx, SYSTEM, result.batch_id)
    found = {
        (form.submission_id, issue["member"], issue["question"], issue["code"])
        for form in held
        for issue in form.issues
        if issue["severity"] == "error"
    }
    synthetic_gaps = {
        item for item in found if item[2] in ("r308",) and item[3] == "required"
    }  # generator nulls
    assert found - synthetic_gaps == expected
    assert {form.submission_id for form in held} >= {sid for sid, *_ in expected}
    assert result.accepted == len(clean) - len({sid for sid, *_ in found if sid not in ("GHOST", None)})
    assert registry.count_households(ctx) > 0
    orphans = [m for f in held if f.submission_id is None for m in f.record.get("members", [])]
    assert [m["r401"] for m in orphans] == ["9"]  # the member row of no form is kept with its answers
    twins = [f for f in held if any(i["code"] == "submission.duplicate" for i in f.issues)]
    assert len(twins) == 2 and any(t.record["members"] for t in twins)  # both kept, members not lost

    report = error_report_csv(held, INSTRUMENT)
    lines = report.splitlines()
    assert lines[0].startswith("submission_id,member,question,question_id,question_en,value")
    assert any("Luas lantai" in line and "1500" in line for line in lines)  # the question, in both languages
    assert any("abc" in line and "cannot be read" in line for line in lines)

    fixed = held_jsonl([f for f in held if f.submission_id and f.submission_id != "GHOST"])
    repaired = fixed.replace('"r302": "abc"', '"r302": "36"').replace('"r302": "1500"', '"r302": "36"')
    fix_file = tmp_path / "fixed.jsonl"
    fix_file.write_text(repaired, encoding="utf-8")
    again = service.import_file(ctx, SYSTEM, fix_file, source="round-1-fixed")
    taken = {form.submission_id for form in service.held_forms(ctx, SYSTEM, again.batch_id)}
    assert again.accepted >= 2
    assert not any(sid in taken for sid, _m, question, _c in expected if question == "r302")
