"""The synthetic population: geography, NIKs, ages, welfare gradients, registry data, CLI, determinism."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from inklusi.registry.checks import check_household, check_nik_matches
from inklusi.synth import SynthConfig, generate, registry_data
from inklusi.synth.cli import synth
from inklusi.synth.measure import TARGETS, measure, province_poverty, province_shares
from inklusi.wilayah.nik import parse_nik
from inklusi.wilayah.reference import code_book

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(SynthConfig(households=30_000, seed=7, rounds=2, chunk_households=10_000), out)
    return out


def test_writes_every_file(population):
    for name in (
        "households",
        "families",
        "persons",
        "survey_households",
        "truth_households",
        "truth_persons",
        "duplicate_households",
        "duplicate_persons",
        "outside_households",
        "round2/persons",
    ):
        assert (population / f"{name}.parquet").exists(), name


def test_province_shares_follow_the_census(population):
    generated, census = province_shares(population)
    persons = pq.read_metadata(population / "persons.parquet").num_rows
    # households are allocated exactly; persons vary with household size: allow 4 binomial SE + 10 % relative
    tolerance = 4 * np.sqrt(census * (1 - census) / persons * 3.5) + 0.1 * census
    assert np.all(np.abs(generated - census) <= tolerance)


def test_every_clean_nik_is_valid_and_matches_sex_and_birth_date(population):
    persons = pq.read_table(population / "persons.parquet", columns=["nik", "sex", "birth_date"]).to_pylist()
    codes = code_book()
    niks = [p["nik"] for p in persons if p["nik"]]
    assert len(niks) > 0.99 * len(persons)
    assert len(set(niks)) == len(niks)
    for person in persons:
        if person["nik"]:
            check = parse_nik(person["nik"], codes, TODAY)
            assert check.valid, person
            assert int(check.sex) == person["sex"] and check.birth_date == person["birth_date"], person


def test_injected_nik_errors_are_tagged(population):
    duplicates = pq.read_table(
        population / "duplicate_persons.parquet", columns=["nik", "errors"]
    ).to_pylist()
    codes = code_book()
    for record in duplicates:
        if record["nik"] and not parse_nik(record["nik"], codes, TODAY).valid:
            assert {"nik_swap", "nik_typo"} & set(record["errors"]), record


def test_age_pyramid_shape(population):
    result = measure(population)
    assert 0.20 < result["age 0-14"] < 0.28
    assert 0.09 < result["age 60+"] < 0.15
    assert 0.48 < result["male share"] < 0.52
    birth = pq.read_table(population / "persons.parquet", columns=["birth_date"])["birth_date"].to_numpy()
    age = (np.datetime64("2025-06-30") - birth.astype("datetime64[D]")).astype(int) // 365
    counts = np.bincount(age // 10, minlength=10)
    assert counts[0] > counts[6] > counts[8]  # a pyramid: wide base, narrow top


def test_consumption_goes_with_housing_and_assets(population):
    households = pq.read_table(population / "households.parquet").to_pydict()
    truth = pq.read_table(population / "truth_households.parquet")
    log_c = np.log(truth["consumption_per_capita"].to_numpy())
    earth_floor = np.array(households["floor_material"]) == 8
    car = np.array(households["asset_car"]) > 0
    fridge = np.array(households["asset_refrigerator"]) > 0
    ceramic = np.isin(households["floor_material"], (1, 2))
    assert log_c[car].mean() > log_c[~car].mean() + 0.3
    assert log_c[fridge].mean() > log_c[~fridge].mean()
    assert log_c[ceramic].mean() > log_c[earth_floor].mean() + 0.3
    assert np.corrcoef(log_c, np.array(households["floor_area_m2"]))[0, 1] > 0.1


@pytest.mark.parametrize(
    ("figure", "tolerance"),
    [
        ("poverty rate (people)", 0.015),
        ("Gini (per-capita consumption)", 0.03),
        ("urban share (people)", 0.03),
        ("persons per KK", 0.25),
        ("improved drinking water", 0.02),
        ("improved sanitation", 0.02),
        ("cooking with firewood", 0.02),
        ("JKN insured", 0.02),
        ("PBI JKN", 0.03),
        ("employed (15+)", 0.03),
        ("agriculture share of workers", 0.03),
        ("no certificate (15+)", 0.03),
        ("any difficulty, 60+", 0.04),
    ],
)
def test_calibrated_figures_are_close(population, figure, tolerance):
    assert abs(measure(population)[figure] - TARGETS[figure].value) < tolerance


def test_province_poverty_follows_bps(population):
    generated, target = province_poverty(population)
    big = target > 0  # small provinces are noisy at this size: compare the population-weighted error
    _, census = province_shares(population)
    assert np.average(np.abs(generated - target)[big], weights=census[big]) < 0.02
    assert np.corrcoef(generated, target)[0, 1] > 0.8


def test_duplicates_point_at_true_records(population):
    persons = pq.read_table(population / "persons.parquet", columns=["person_id", "household_id"])
    duplicates = pq.read_table(population / "duplicate_persons.parquet")
    assert duplicates.num_rows > 0
    assert set(duplicates["true_person_id"].to_pylist()) <= set(persons["person_id"].to_pylist())
    errors = [e for row in duplicates["errors"].to_pylist() for e in row]
    for kind in ("muhammad_spelling", "typo", "upper_case", "nik_missing", "nik_swap", "birth_year"):
        assert kind in errors
    households = pq.read_table(population / "duplicate_households.parquet")
    assert 0.3 < np.mean(households["moved"].to_numpy(zero_copy_only=False)) < 0.7


def test_second_round_has_life_events_and_valid_newborn_niks(population):
    events = pq.read_table(population / "round2" / "events.parquet")["event"].to_pylist()
    for kind in ("death", "birth", "marriage", "household_moved", "household_split"):
        assert kind in events
    persons = pq.read_table(
        population / "round2" / "persons.parquet", columns=["person_id", "nik", "sex", "birth_date"]
    )
    newborn = [p for p in persons.to_pylist() if p["person_id"].startswith("B")]
    assert newborn and all(p["birth_date"] > date(2025, 6, 30) for p in newborn)
    codes = code_book()
    for person in newborn:
        check = parse_nik(person["nik"], codes, TODAY)
        assert check.valid and check.birth_date == person["birth_date"] and int(check.sex) == person["sex"]
    niks = [n for n in persons["nik"].to_pylist() if n]
    assert len(set(niks)) == len(niks)


def test_registry_data_passes_the_registry_checks():
    codes = code_book()
    households = list(registry_data(SynthConfig(households=300, seed=11), limit=300))
    assert len(households) == 300
    for data in households:
        assert check_household(data, date.today()) == []
        for family in data.families:
            for member in family.members:
                if member.person.nik:
                    assert (
                        check_nik_matches(member.person, parse_nik(member.person.nik, codes, TODAY), "") == []
                    )


def test_same_seed_same_output(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    generate(SynthConfig(households=2_000, seed=5), first)
    generate(SynthConfig(households=2_000, seed=5), second)
    assert pq.read_table(first / "persons.parquet").equals(pq.read_table(second / "persons.parquet"))


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(synth)
    return app


def test_command_writes_parquet(tmp_path):
    result = CliRunner().invoke(_cli(), ["--households", "3000", "--seed", "7", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert pq.read_metadata(tmp_path / "households.parquet").num_rows == 3000


@pytest.mark.slow
def test_command_at_100k_households(tmp_path):
    result = CliRunner().invoke(_cli(), ["--households", "100000", "--seed", "7", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    generated, census = province_shares(tmp_path)
    assert np.abs(generated - census).max() < 0.01
