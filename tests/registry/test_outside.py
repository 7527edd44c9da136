"""Issue 14: people outside households — registered by outreach or intake with an area and a living
situation but no dwelling, family or KK; scoped by their area, found by search, exported, and linked
later when found in a household (history keeps where they were)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from inklusi.access.model import Grant, Permission, Principal
from inklusi.analytics.engine import Engine
from inklusi.audit.tables import audit_log
from inklusi.cli import app
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.registry import service
from inklusi.registry.model import OutsidePerson, PersonData, Relationship
from inklusi.registry.tables import family_member, person_outside
from inklusi.synth import SynthConfig, registry_data
from inklusi.welfare.spec import features, load_spec
from inklusi.wilayah.nik import Sex, format_nik
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, user
from tests.factories import household as sample_household

T0 = datetime(2025, 1, 1, tzinfo=UTC)
T1 = datetime(2025, 6, 1, tzinfo=UTC)
STREET, INSTITUTION = 1, 2
JAKARTA_DISTRICT = JAKARTA_VILLAGE[:8]


def reader(*scopes: str | None) -> Principal:
    grants = tuple(Grant("planner", frozenset({Permission.registry_read}), s) for s in scopes)
    return Principal(None, "reader", "Reader", None, grants)


def rough_sleeper(
    name: str = "Slamet Riyadi", area: str = JAKARTA_VILLAGE, situation: int = STREET, *, nik: bool = True
) -> OutsidePerson:
    born = date(1961, 3, 2)
    number = format_nik(area[:8], born, Sex.male, 9001) if nik else None
    return OutsidePerson(PersonData(name=name, sex=Sex.male, nik=number, birth_date=born), area, situation)


def in_a_panti() -> OutsidePerson:
    return rough_sleeper("Mbok Sumi", JAKARTA_DISTRICT, INSTITUTION, nik=False)


def register(ctx, *records: OutsidePerson, principal=SYSTEM, **kwargs):
    return service.register_persons_outside(ctx, principal, list(records), source="outreach", **kwargs)


def count(ctx, table, *where) -> int:
    with ctx.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_a_person_outside_households_has_an_area_and_a_situation_but_no_family(ctx):
    done = register(
        ctx, rough_sleeper(), rough_sleeper("Mbok Sumi", JAKARTA_DISTRICT, INSTITUTION, nik=False)
    )
    street, panti = (service.get_person(ctx, SYSTEM, person_id) for person_id in done.person_ids)

    assert street.data.name == "Slamet Riyadi" and street.household_id is None and street.family_id is None
    assert street.relationship is None
    assert street.outside is not None
    assert (street.outside.area_code, street.outside.living_situation) == (JAKARTA_VILLAGE, STREET)
    assert street.outside.version.source == "outreach" and street.outside.version.batch_id == done.batch_id
    assert panti.outside is not None and panti.outside.area_code == JAKARTA_DISTRICT  # a district will do
    assert count(ctx, family_member, family_member.c.person_id.in_(done.person_ids)) == 0
    entry = count(ctx, audit_log, audit_log.c.action == "person.register_outside")
    assert entry == 1


def test_bad_records_are_named_and_nothing_is_written(ctx):
    records = [
        rough_sleeper(),
        rough_sleeper("Ujang", "99.99.99.9999"),  # no such village
        rough_sleeper("  "),  # no name
        OutsidePerson(PersonData(name="Iwan", sex=Sex.male, nik="12345"), JAKARTA_VILLAGE, STREET),
        rough_sleeper("Tini", "31.71"),  # a regency: too coarse
        rough_sleeper("Asep", situation=7),  # no such situation
    ]
    with pytest.raises(Invalid) as refused:
        register(ctx, *records)

    fields = {issue.field: issue for issue in refused.value.issues}
    assert {"[1].area_code", "[2].name", "[3].nik", "[4].area_code", "[5].living_situation"} <= set(fields)
    assert not any(field.startswith("[0]") for field in fields)
    unknown = fields["[1].area_code"].text
    assert "99.99.99.9999" in unknown.render("en") and unknown.render("id") != unknown.render("en")
    assert count(ctx, person_outside) == 0  # all or nothing, like every bulk load of the registry


def test_writing_needs_registry_write_over_the_area(ctx):
    jabar = user(ctx, "jabar", ("steward", "32"))
    with pytest.raises(Forbidden):
        register(ctx, rough_sleeper(), principal=jabar)
    assert count(ctx, person_outside) == 0
    done = register(ctx, rough_sleeper("Ujang", BANDUNG_VILLAGE), principal=jabar)
    assert service.get_person(ctx, jabar, done.person_ids[0]).outside is not None


def test_a_reader_of_another_province_sees_nothing_and_learns_nothing(ctx):
    (person_id,) = register(ctx, rough_sleeper()).person_ids
    elsewhere = reader("32")

    with pytest.raises(NotFound) as missing:
        service.get_person(ctx, elsewhere, person_id)
    text = missing.value.text.render("en")
    assert "Slamet" not in text and JAKARTA_VILLAGE not in text
    assert service.find_persons(ctx, elsewhere, "Slamet Riyadi") == []
    assert service.export_persons(ctx, elsewhere).num_rows == 0
    assert service.get_person(ctx, reader("31.71"), person_id).id == person_id


def test_search_finds_them_by_name_and_nik_inside_the_scope(ctx):
    service.register_household(ctx, SYSTEM, sample_household(), source="t")
    record = rough_sleeper("Slamet Riyadi")
    (person_id,) = register(ctx, record).person_ids

    (hit,) = [h for h in service.find_persons(ctx, reader("31"), "Slamet Riyadi") if h.person_id == person_id]
    assert hit.household_id is None and hit.relationship is None
    assert hit.village_code == JAKARTA_VILLAGE and hit.living_situation == STREET
    assert [h.person_id for h in service.find_persons(ctx, reader("31"), record.person.nik)] == [person_id]
    assert (
        service.find_persons(ctx, reader("31"), "Slamet Riyadi", within="31.71.01")[0].person_id == person_id
    )
    assert service.find_persons(ctx, reader("31"), "Slamet Riyadi", within="31.72") == []
    # people in households are found as before
    assert all(h.household_id for h in service.find_persons(ctx, reader("31"), "Budi Santoso"))


def test_found_in_a_household_the_outside_row_ends_and_history_keeps_it(ctx):
    hh = service.register_household(ctx, SYSTEM, sample_household(), source="t", valid_from=T0)
    family_id = hh.family_ids[0]
    (person_id,) = register(ctx, rough_sleeper(), valid_from=T0).person_ids

    with pytest.raises(Conflict):  # not dated before the registration (no rewriting of the past)
        service.move_person(
            ctx, SYSTEM, person_id, family_id, Relationship.parent, source="t", valid_from=T0 - timedelta(1)
        )
    service.move_person(ctx, SYSTEM, person_id, family_id, Relationship.parent, source="visit", valid_from=T1)

    now = service.get_person(ctx, SYSTEM, person_id)
    assert now.outside is None and now.household_id == hh.household_id
    assert now.relationship is Relationship.parent
    before = service.get_person(ctx, SYSTEM, person_id, as_of=T1 - timedelta(days=1))
    assert before.household_id is None and before.outside is not None
    assert before.outside.area_code == JAKARTA_VILLAGE and before.outside.version.valid_to == T1
    assert count(ctx, person_outside, person_outside.c.person_id == person_id) == 1  # ended, not deleted
    assert count(ctx, person_outside, person_outside.c.valid_to.is_(None)) == 0
    household = service.get_household(ctx, SYSTEM, hh.household_id)
    assert person_id in {m.person_id for f in household.families for m in f.members}
    (hit,) = [h for h in service.find_persons(ctx, SYSTEM, "Slamet Riyadi") if h.person_id == person_id]
    assert hit.household_id == hh.household_id and hit.living_situation is None


def test_a_person_outside_households_can_be_corrected_in_their_area(ctx):
    (person_id,) = register(ctx, rough_sleeper(nik=False)).person_ids
    dki = user(ctx, "dki", ("steward", "31"))
    service.update_person(ctx, dki, person_id, {"name": "Slamet Riyadi Putra"}, source="visit")
    updated = service.get_person(ctx, dki, person_id)
    assert updated.data.name == "Slamet Riyadi Putra" and updated.outside is not None
    with pytest.raises(NotFound):
        service.update_person(
            ctx, user(ctx, "jabar", ("steward", "32")), person_id, {"name": "X"}, source="v"
        )


def test_the_snapshot_and_the_linkage_export_hold_them_and_ranking_ignores_them(ctx, tmp_path):
    sample = list(registry_data(SynthConfig(households=12, seed=8)))
    service.load_households(ctx, SYSTEM, sample, source="test")
    members = sum(len(f.members) for h in sample for f in h.families)
    done = register(
        ctx, rough_sleeper(), rough_sleeper("Mbok Sumi", JAKARTA_DISTRICT, INSTITUTION, nik=False)
    )

    files = service.export_snapshot(ctx, SYSTEM, tmp_path / "snapshot")
    persons = pq.read_table(files.persons)
    assert files.person_count == persons.num_rows == members + 2
    assert files.household_count == 12
    outside = persons.filter(pa.compute.is_null(persons["household_id"])).to_pylist()
    assert {row["person_id"] for row in outside} == {str(p) for p in done.person_ids}
    assert {(row["area_code"], row["living_situation"]) for row in outside} == {
        (JAKARTA_VILLAGE, STREET),
        (JAKARTA_DISTRICT, INSTITUTION),
    }
    assert all(row["family_id"] is None and row["relationship"] is None for row in outside)
    inside = persons.filter(pa.compute.is_valid(persons["household_id"]))
    assert inside["area_code"].null_count == inside.num_rows  # members: their household's village

    engine = Engine.open()
    try:  # the ranking joins persons to households: people outside them are not ranked nor counted
        scored = features(
            load_spec("national"),
            engine.read_parquet(files.households),
            engine.read_parquet(files.persons),
            date(2025, 6, 30),
        )
        ranked = engine.to_arrow(scored)
        assert ranked.num_rows == 12 and sum(ranked["people"].to_pylist()) == members
    finally:
        engine.close()

    linkage = service.export_persons(ctx, SYSTEM).to_pylist()
    assert len(linkage) == members + 2
    rows = {row["person_id"]: row for row in linkage}
    street = rows[str(done.person_ids[0])]
    assert street["household_id"] is None and street["kk_number"] is None
    assert street["village_code"] == JAKARTA_VILLAGE and street["name"] == "Slamet Riyadi"
    assert [r["person_id"] for r in linkage] == sorted(r["person_id"] for r in linkage)
    selected = service.export_persons(ctx, SYSTEM, person_ids=done.person_ids)
    assert selected.num_rows == 2


def test_the_command_line_imports_the_synthetic_layout(settings, ctx, tmp_path):
    born = date(1973, 10, 5)
    table = pa.table(
        {
            "person_id": ["G000000000", "G000000001"],
            "nik": [format_nik(JAKARTA_DISTRICT, born, Sex.male, 9100), None],
            "name": ["Gunawan Utomo", "Sabar"],
            "sex": pa.array([1, 1], pa.int8()),
            "birth_date": pa.array([born, date(1998, 2, 26)], pa.date32()),
            "village_code": [JAKARTA_VILLAGE, BANDUNG_VILLAGE],
        }
    )
    good, bad = tmp_path / "outside.parquet", tmp_path / "bad.parquet"
    pq.write_table(table, good)
    pq.write_table(table.set_column(5, "village_code", pa.array(["31.71.01.1001", "00.00"])), bad)
    runner = CliRunner()
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en", "COLUMNS": "200"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url

    refused = runner.invoke(app, ["registry", "import-outside", str(bad), "--source", "x"], env=env)
    assert refused.exit_code == 1 and "[1].area_code" in refused.output and "Traceback" not in refused.output
    assert count(ctx, person_outside) == 0

    args = ["registry", "import-outside", str(good), "--source", "outreach-2025", "--situation", "shelter"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "2 persons outside households registered" in result.output
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(person_outside.c.area_code, person_outside.c.living_situation)).all()
    assert sorted(rows) == [(JAKARTA_VILLAGE, 3), (BANDUNG_VILLAGE, 3)]


def test_the_pages_and_the_api_show_the_area_and_the_situation_in_scope(client, ctx):
    from tests.conftest import bearer, login

    (person_id,) = register(ctx, rough_sleeper()).person_ids
    user(ctx, "dki", ("case_worker", "31"))
    user(ctx, "jabar", ("case_worker", "32"))

    body = client.get(
        "/api/v1/persons", params={"name": "Slamet Riyadi"}, headers=bearer(client, "dki")
    ).json()
    (hit,) = body["items"]
    assert hit["person_id"] == str(person_id) and hit["household_id"] is None
    assert (hit["village_code"], hit["living_situation"], hit["relationship"]) == (JAKARTA_VILLAGE, 1, None)
    record = client.get(f"/api/v1/persons/{person_id}", headers=bearer(client, "dki")).json()
    assert record["outside"]["area_code"] == JAKARTA_VILLAGE and record["household_id"] is None
    households = client.get(
        "/api/v1/households", params={"name": "Slamet Riyadi"}, headers=bearer(client, "dki")
    )
    assert households.status_code == 200 and households.json()["items"] == []
    other = client.get(f"/api/v1/persons/{person_id}", headers=bearer(client, "jabar"))
    assert other.status_code == 404 and "Slamet" not in other.text and JAKARTA_VILLAGE not in other.text

    login(client, "dki", "dki-password")
    client.cookies.set("inklusi_lang", "en")
    page = client.get(f"/persons/{person_id}")
    assert page.status_code == 200
    assert "Registered outside any household" in page.text and "Sleeping rough/homeless" in page.text
    assert "Gambir" in page.text  # the area by name
    results = client.get("/registry", params={"q": "Slamet Riyadi"})
    assert results.status_code == 200 and f"/persons/{person_id}" in results.text
    assert "Outside households" in results.text and "/households/None" not in results.text
    client.cookies.set("inklusi_lang", "id")
    assert "Tinggal di jalan/tunawisma" in client.get(f"/persons/{person_id}").text
