"""Programme rules on crafted households (DuckDB memtables): eligibility, benefit, the priority order,
budgets, quotas, exclusions, overlaps, the budget curve and the expected errors."""

from __future__ import annotations

import itertools
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inklusi.analytics.engine import Engine
from inklusi.programmes.expr import FRAME_COLUMNS, eligible, household_frame, select
from inklusi.programmes.simulation import BENEFICIARY_COLUMNS, simulate
from inklusi.programmes.spec import ProgrammeSpec

AS_OF = date(2025, 6, 30)


def born(age: int) -> date:
    return date(AS_OF.year - age, 1, 1)


# household → (village, [(age, disabled)], score, national decile); None score: unranked
HOUSEHOLDS = {
    "H01": ("32.73.01.1001", [(35, False), (3, False), (8, False)], 1.0, 1),
    "H02": ("32.73.01.1001", [(70, False)], 2.0, 1),
    "H03": ("32.01.01.2001", [(40, True), (14, False), (17, False), (5, False), (2, False)], 3.0, 2),
    "H04": ("33.01.01.2001", [(30, False), (31, False)], 4.0, 3),
    "H05": ("33.01.01.2001", [(66, False), (9, False)], 5.0, 4),
    "H06": ("33.71.01.1001", [(45, False), (1, False)], 6.0, 5),
    "H07": ("35.01.01.2001", [(25, False), (4, False)], None, None),
    "H08": ("35.01.01.2001", [(50, False), (12, False)], 0.5, 1),
}


def _tables(engine: Engine):
    persons = {"person_id": [], "household_id": [], "birth_date": [], "difficulty_walking": []}
    for hid, (_village, members, _score, _decile) in HOUSEHOLDS.items():
        for i, (age, disabled) in enumerate(members):
            persons["person_id"].append(f"{hid}-{i}")
            persons["household_id"].append(hid)
            persons["birth_date"].append(born(age))
            persons["difficulty_walking"].append(2 if disabled else 4)
    households = pa.table(
        {"household_id": list(HOUSEHOLDS), "village_code": [v[0] for v in HOUSEHOLDS.values()]}
    )
    ranked = {h: v for h, v in HOUSEHOLDS.items() if v[2] is not None}
    ranks = pa.table(
        {
            "household_id": list(ranked),
            "score": [v[2] for v in ranked.values()],
            "national_percentile": [v[3] * 10 - 5 for v in ranked.values()],
            "national_decile": [v[3] for v in ranked.values()],
            "province_decile": [v[3] for v in ranked.values()],
            "regency_decile": [v[3] for v in ranked.values()],
        }
    )
    poverty = pa.table(
        {
            "national_percentile": list(range(1, 101)),
            "poor_probability": [max(0.0, 0.5 - k / 100) for k in range(1, 101)],
        }
    )
    return (
        engine.table(pa.table(persons)),
        engine.table(households),
        engine.table(ranks),
        engine.table(poverty),
    )


@pytest.fixture
def engine():
    engine = Engine.open("duckdb")
    yield engine
    engine.close()


@pytest.fixture
def frame(engine):
    persons, households, ranks, poverty = _tables(engine)
    return household_frame(persons, households, ranks, None, poverty, AS_OF)


def spec(**fields) -> ProgrammeSpec:
    data = {
        "name": "test",
        "label": {"id": "Uji", "en": "Test"},
        "description": {"id": "Uji", "en": "Test"},
        "benefit": {"per_household": 100},
    } | fields
    return ProgrammeSpec.model_validate(data)


def ids(engine: Engine, table) -> list[str]:
    return sorted(engine.to_arrow(table)["household_id"].to_pylist())


def test_the_frame_counts_components_and_keeps_unranked_households(engine, frame) -> None:
    rows = {r["household_id"]: r for r in engine.to_arrow(frame).to_pylist()}
    assert set(rows) == set(HOUSEHOLDS) and tuple(engine.to_arrow(frame).column_names) == FRAME_COLUMNS
    h3 = rows["H03"]
    assert (
        h3["people"],
        h3["n_disabled"],
        h3["n_children_0_6"],
        h3["n_children_smp"],
        h3["n_children_sma"],
    ) == (5, 1, 2, 1, 1)
    assert (
        rows["H02"]["n_elderly"] == 1
        and rows["H05"]["n_children_sd"] == 1
        and rows["H01"]["n_children_sd"] == 1
    )
    assert rows["H03"]["province_code"] == "32" and rows["H03"]["regency_code"] == "32.01"
    assert rows["H07"]["score"] is None and rows["H07"]["poor_probability"] is None
    assert rows["H01"]["poor_probability"] == pytest.approx(0.45) and all(
        r["n_pregnant"] == 0 for r in rows.values()
    )


def test_eligibility_by_decile_area_and_components(engine, frame) -> None:
    decile = spec(eligibility={"decile": {"max": 2}})
    assert ids(engine, eligible(frame, decile, None, None)) == ["H01", "H02", "H03", "H08"]  # H07 unranked
    area = spec(eligibility={"areas": ["32.73", "35"]})
    assert ids(engine, eligible(frame, area, None, None)) == ["H01", "H02", "H07", "H08"]
    elderly = spec(eligibility={"require_any": ["elderly", "disabled"]})
    assert ids(engine, eligible(frame, elderly, None, None)) == ["H02", "H03", "H05"]
    pregnant = spec(eligibility={"require_any": ["pregnant"]})
    assert ids(engine, eligible(frame, pregnant, None, None)) == []


def test_ppks_eligibility_is_a_member_flagged_in_a_category(engine, frame) -> None:
    flags = engine.table(
        pa.table(
            {
                "person_id": ["H04-0", "H06-1"],
                "household_id": ["H04", "H06"],
                "category": ["neglected_elderly", "homeless"],
            }
        )
    )
    rule = spec(eligibility={"ppks": ["neglected_elderly"]})
    assert ids(engine, eligible(frame, rule, flags, None)) == ["H04"]
    assert ids(engine, eligible(frame, rule, None, None)) == []


def test_the_benefit_counts_the_dearest_components_first_up_to_the_cap_of_persons(engine, frame) -> None:
    rule = spec(
        benefit={
            "per_household": 10,
            "per_member": 1,
            "per_component": {"children_0_6": 300, "disabled": 200, "children_smp": 150, "children_sma": 100},
            "max_counted": 3,
        }
    )
    benefit = {
        r["household_id"]: r["benefit"]
        for r in engine.to_arrow(eligible(frame, rule, None, None)).to_pylist()
    }
    # H03: 5 members; 2 toddlers (600) + the disabled adult (200) fill the 3 places; SMP and SMA not counted
    assert benefit["H03"] == 10 + 5 + 600 + 200
    assert benefit["H01"] == 10 + 3 + 300
    capped = spec(benefit={"per_member": 100, "floor": 250, "cap": 300})
    benefit = {
        r["household_id"]: r["benefit"]
        for r in engine.to_arrow(eligible(frame, capped, None, None)).to_pylist()
    }
    assert benefit["H02"] == 250 and benefit["H03"] == 300 and benefit["H04"] == 250


def test_the_budget_takes_the_longest_prefix_of_the_priority_order(engine, frame) -> None:
    rule = spec(benefit={"per_member": 100})
    # priority: H08 (0.5, 2 people), H01 (3), H02 (1), H03 (5), H04, H05, H06, then unranked H07
    chosen = engine.to_arrow(select(eligible(frame, rule, None, None), rule, 700, None)).to_pylist()
    assert [(r["household_id"], r["priority"]) for r in sorted(chosen, key=lambda r: r["priority"])] == [
        ("H08", 1),
        ("H01", 2),
        ("H02", 3),
    ]
    # 600 spent; H03 (500) does not fit and the prefix stops there, though H04 (200) would fit
    everyone = engine.to_arrow(select(eligible(frame, rule, None, None), rule, None, None))
    assert everyone.num_rows == 8 and max(everyone["priority"].to_pylist()) == 8
    assert {r["household_id"]: r["priority"] for r in everyone.to_pylist()}["H07"] == 8


def test_quotas_are_split_by_largest_remainder_and_met_exactly(engine, frame) -> None:
    rule = spec(quota={"basis": "population", "level": "province", "total": 4})
    result = simulate(engine, frame, [rule]).outcome("test")
    # ranked people: 32 → 3+1+5 = 9, 33 → 2+2+2 = 6, 35 → 2 (H07 unranked): exact 2.12, 1.41, 0.47
    by_area = {a.code: a.beneficiaries for a in result.by_area}
    assert by_area == {"32": 2, "33": 1, "35": 1} and result.beneficiaries == 4
    fixed = spec(quota={"basis": "fixed", "level": "regency", "fixed": {"32.73": 5, "33.01": 1}})
    result = simulate(engine, frame, [fixed]).outcome("test")
    assert {a.code: a.beneficiaries for a in result.by_area} == {"32": 2, "33": 1, "35": 0}
    assert result.quota_shortfalls == {"32.73": 3}
    over = simulate(engine, frame, [rule], budgets={"test": 250}).outcome("test")
    assert over.over_budget and over.cost == 400


def test_exclusions_overlaps_and_beneficiary_files(engine, frame, tmp_path) -> None:
    first = spec(name="first", eligibility={"decile": {"max": 1}})
    second = spec(name="second", eligibility={"decile": {"max": 2}}, exclude=["first"])
    third = spec(name="third", eligibility={"areas": ["32"]})
    result = simulate(engine, frame, [second, first, third], beneficiaries_dir=tmp_path)
    assert [o.programme for o in result.outcomes] == ["second", "first", "third"]
    assert result.outcome("first").beneficiaries == 3 and result.outcome("second").beneficiaries == 1
    overlaps = {(o.first, o.second): o.households for o in result.overlaps}
    assert overlaps == {("second", "first"): 0, ("second", "third"): 1, ("first", "third"): 2}
    written = pq.read_table(tmp_path / "second.parquet")
    assert tuple(written.column_names) == BENEFICIARY_COLUMNS and written["household_id"].to_pylist() == [
        "H03"
    ]
    alone = simulate(engine, frame, [second]).outcome("second")
    assert alone.beneficiaries == 4 and "exclude:first" in alone.gaps


def test_expected_errors_coverage_and_the_budget_curve(engine, frame) -> None:
    rule = spec(
        eligibility={"decile": {"max": 1}}, benefit={"per_household": 100, "per_component": {"pregnant": 5}}
    )
    result = simulate(engine, frame, [rule]).outcome("test")
    p = {"H01": 0.45, "H02": 0.45, "H08": 0.45, "H03": 0.35, "H04": 0.25, "H05": 0.15, "H06": 0.05}
    hit = p["H01"] + p["H02"] + p["H08"]
    assert result.expected_inclusion_error == pytest.approx(1 - hit / 3)
    assert result.expected_exclusion_error == pytest.approx(1 - hit / sum(p.values()))
    assert result.measured_inclusion_error is None and result.gaps == ("pregnant", "unranked")
    assert result.coverage_poorest[10] == 1.0 and result.coverage_poorest[20] == pytest.approx(6 / 11)
    curve = result.budget_curve
    assert len(curve) == 20 and curve[0].budget == 0 and curve[0].beneficiaries == 0
    assert curve[-1].budget == 300 and curve[-1].beneficiaries == 3
    assert all(a.beneficiaries <= b.beneficiaries for a, b in itertools.pairwise(curve))
    assert [d.decile for d in result.by_decile] == [1, 2, 3, 4, 5, None]
    assert result.by_decile[0].beneficiaries == 3 and result.by_decile[-1].households == 1


def test_truth_gives_measured_errors(engine, frame) -> None:
    truth = engine.table(
        pa.table(
            {
                "household_id": list(HOUSEHOLDS),
                "poor": [True, False, True, False, False, False, True, False],
                "consumption_per_capita": [1.0, 5.0, 2.0, 6.0, 7.0, 8.0, 3.0, 4.0],
            }
        )
    )
    rule = spec(eligibility={"decile": {"max": 1}})
    result = simulate(engine, frame, [rule], truth=truth).outcome("test")
    assert result.measured_inclusion_error == pytest.approx(2 / 3)
    assert result.measured_exclusion_error == pytest.approx(1 / 2)  # ranked poor: H01, H03
    assert result.measured_coverage_poorest is not None
