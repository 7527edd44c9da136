"""Issue 11 #20: a form that conflicts with the registry or with another form of the same import is held
with its reason, the valid forms of the round still go in, and no database text reaches a person (service,
command line)."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from inklusi.cli import app
from inklusi.errors import Conflict
from inklusi.instrument import service
from tests.instrument.rounds import (
    SYSTEM,
    first_in,
    held_codes,
    moved_to,
    round_one,
    village_of_kk,
    write,
)

INTERNALS = ("SQL", "INSERT", "IntegrityError", "UNIQUE", "constraint", "Traceback", "sqlite3", "psycopg")


def without_niks(form: dict) -> dict:
    for member in form["members"]:
        member.pop("r403", None)
    return form


def new_family(form: dict, submission_id: str, building: int) -> dict:
    """The same people as a family the registry does not know (new KK number, no NIKs)."""
    fresh = without_niks(moved_to(form, submission_id, building=building))
    fresh["r114"] = "327301" + form["r114"][6:]
    return fresh


def assert_no_internals(text: str) -> None:
    assert not [word for word in INTERNALS if word in text], text


def test_a_kk_of_a_family_elsewhere_with_other_people_is_held_and_the_rest_go_in(ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    jakarta, west_java = first_in(forms, "31"), first_in(forms, "32")
    other = next(f for f in forms if f["r101"] not in ("31", "32"))
    clash = moved_to(west_java, "CLASH", building=81)
    clash["r114"] = jakarta["r114"]  # the Jakarta family's KK on a form listing other people
    move = moved_to(other, "MOVE", building=82)

    result = service.import_file(ctx, SYSTEM, write([clash, move], tmp_path / "round.jsonl"))

    assert result.accepted == 1 and result.held == 1
    assert result.report["totals"]["households_moved"] == 1
    assert ("r409", "registry.two_heads") in held_codes(ctx, SYSTEM, result.batch_id)["CLASH"]
    assert_no_internals(str(service.held_forms(ctx, SYSTEM, result.batch_id)))
    assert village_of_kk(ctx, other["r114"])[1] == "32.73.01.1001"
    assert village_of_kk(ctx, jakarta["r114"])[1].startswith("31.")


def test_the_same_new_kk_in_two_forms_holds_the_second(ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    one, two = first_in(forms, "31"), first_in(forms, "32")
    first = new_family(one, "KK-1", 83)
    second = new_family(two, "KK-2", 84)
    second["r114"] = first["r114"]

    result = service.import_file(ctx, SYSTEM, write([first, second], tmp_path / "round.jsonl"))

    assert result.accepted == 1 and result.report["totals"]["families_new"] == 1
    assert held_codes(ctx, SYSTEM, result.batch_id) == {"KK-2": {("r114", "registry.kk_repeated")}}


def test_a_person_listed_in_two_forms_is_taken_once(ctx, population, tmp_path):
    """By NIK in one form and by name and birth date inside their family in the other."""
    forms = round_one(ctx, population, tmp_path)
    family = first_in(forms, "32", members=2)
    head = next(m for m in family["members"] if m["r409"] == 1)
    leaving = moved_to(family, "LEAVING", building=85)
    leaving["r114"] = "327301" + family["r114"][6:]
    leaving["members"], leaving["r112"] = [head], 1
    staying = without_niks(moved_to(family, "STAYING", building=86))

    result = service.import_file(ctx, SYSTEM, write([leaving, staying], tmp_path / "round.jsonl"))

    held = held_codes(ctx, SYSTEM, result.batch_id)
    assert result.accepted == 1 and len(held) == 1
    (issues,) = held.values()
    assert {code for _question, code in issues} == {"registry.person_repeated"}


def test_a_round_dated_before_the_registry_data_holds_only_what_it_would_change(ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    jakarta, other = first_in(forms, "31"), first_in(forms, "32")
    old_news = moved_to(jakarta, "OLD", building=87)
    fresh = new_family(other, "NEW", 88)

    result = service.import_file(
        ctx,
        SYSTEM,
        write([old_news, fresh], tmp_path / "round.jsonl"),
        valid_from=datetime(2020, 1, 1, tzinfo=UTC),
    )

    assert result.accepted == 1 and result.report["totals"]["families_new"] == 1
    assert ("r114", "registry.newer_version") in held_codes(ctx, SYSTEM, result.batch_id)["OLD"]


def test_the_command_line_reports_the_held_form_without_a_traceback(settings, ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    jakarta, west_java = first_in(forms, "31"), first_in(forms, "32")
    clash = moved_to(west_java, "CLASH", building=81)
    clash["r114"] = jakarta["r114"]
    path = write([clash], tmp_path / "clash.jsonl")
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url

    outcome = CliRunner().invoke(app, ["import", str(path), "--errors-dir", str(tmp_path)], env=env)

    output = " ".join(outcome.output.split())
    assert outcome.exit_code == 0, output
    assert "1 forms, 0 accepted, 0 unchanged, 1 held" in output
    assert_no_internals(output)
    report = (tmp_path / "clash.errors.csv").read_text(encoding="utf-8")
    assert "registry.two_heads" in report and "dua kepala keluarga" in report


def test_a_form_the_database_refuses_is_held_alone_and_the_round_goes_in(ctx, backend, population, tmp_path):
    """A refusal no check foresaw (here: an SLS longer than PostgreSQL's column, which SQLite stores) undoes
    only that building's writes and holds its form with a plain reason."""
    forms = round_one(ctx, population, tmp_path)
    jakarta, other = first_in(forms, "31"), first_in(forms, "32")
    too_long = moved_to(jakarta, "LONG", building=89)
    too_long["r105"] = "RT 001/RW 002 " + "x" * 40
    move = moved_to(other, "MOVE", building=90)

    result = service.import_file(ctx, SYSTEM, write([too_long, move], tmp_path / "round.jsonl"))

    assert village_of_kk(ctx, other["r114"])[1] == "32.73.01.1001"  # the valid form went in
    held = service.held_forms(ctx, SYSTEM, result.batch_id)
    assert_no_internals(str(held))
    if backend == "postgresql":
        assert [form.submission_id for form in held] == ["LONG"]
        assert village_of_kk(ctx, jakarta["r114"])[1].startswith("31.")


def test_a_refusal_of_the_batch_bookkeeping_shows_no_database_text(ctx, population, tmp_path):
    """A submission id longer than its column (PostgreSQL refuses it; SQLite stores it): the import either
    holds the form (an input check) or ends with a plain message; never the database's text."""
    forms = round_one(ctx, population, tmp_path)
    odd = moved_to(first_in(forms, "31"), "X" * 150, building=91)
    try:
        result = service.import_file(ctx, SYSTEM, write([odd], tmp_path / "round.jsonl"))
    except Conflict as error:
        assert_no_internals(str(error.text.both()))
    else:
        assert_no_internals(str(service.held_forms(ctx, SYSTEM, result.batch_id)))


def test_a_member_who_left_for_a_new_family_in_the_same_round_moves_once(ctx, population, tmp_path):
    """Listed as moved away by the old family's form and as present in the new family's form: both go in
    (this is a move, not a conflict), whichever form comes first."""
    forms = round_one(ctx, population, tmp_path)
    family = next(
        f
        for f in forms
        if f["r101"] == "32" and any(m["r409"] == 3 and m["r407"] >= 20 for m in f["members"])
    )
    child = next(m for m in family["members"] if m["r409"] == 3 and m["r407"] >= 20)
    old = moved_to(family, "OLD-FAMILY", village=tuple(family[c] for c in ("r101", "r102", "r103", "r104")))
    old["r109"] = family["r109"]
    gone = next(m for m in old["members"] if m["r401"] == child["r401"])
    for key in [k for k in gone if k not in ("r401", "r402", "r403", "r404")]:
        del gone[key]
    gone["r404"] = 3
    old["r112"] = len(old["members"]) - 1  # members still living here
    new = moved_to(family, "NEW-FAMILY", building=92)
    new["r114"] = "327301" + family["r114"][6:]
    new["members"] = [dict(child, r401=1, r409=1)]
    new["r112"] = 1

    result = service.import_file(ctx, SYSTEM, write([old, new], tmp_path / "round.jsonl"))

    held = held_codes(ctx, SYSTEM, result.batch_id)
    assert held == {} and result.accepted == 2
    assert result.report["totals"]["persons_moved"] == 1 and result.report["totals"]["families_new"] == 1
