"""Programme specifications: the shipped ones load, bad ones are refused with the field named."""

from __future__ import annotations

import pytest

from inklusi.errors import Invalid
from inklusi.programmes.model import largest_remainder, ordered_programmes
from inklusi.programmes.spec import Component, load_programme, parse_yaml, shipped_programmes, spec_from_json

GOOD = """
name: test_cash
label: {id: Uji, en: Test}
description: {id: Uji, en: Test}
benefit: {per_household: 1000}
"""


def test_the_three_shipped_programmes_load_with_their_amounts() -> None:
    assert shipped_programmes() == ("pbi_jkn", "pkh", "sembako")
    pkh = load_programme("pkh")
    assert pkh.key == "pkh-1" and pkh.benefit.max_counted == 4
    assert pkh.benefit.per_component[Component.children_0_6] == 3_000_000
    assert pkh.benefit.per_component[Component.children_sd] == 900_000
    assert pkh.gaps == ("pregnant",)
    assert load_programme("sembako").benefit.per_household == 2_400_000
    pbi = load_programme("pbi_jkn")
    assert pbi.benefit.per_member == 504_000
    assert pbi.quota is not None and pbi.quota.basis == "poor" and pbi.quota.total


def test_a_spec_round_trips_through_json() -> None:
    for name in shipped_programmes():
        spec = load_programme(name)
        assert spec_from_json(spec.model_dump_json()) == spec


def test_a_yaml_file_loads_by_path(tmp_path) -> None:
    path = tmp_path / "cash.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_programme(path).key == "test_cash-1"


def _fields(text: str) -> set[str]:
    with pytest.raises(Invalid) as caught:
        parse_yaml(text, "test")
    assert all(issue.text.both()["id"] and issue.text.both()["en"] for issue in caught.value.issues)
    return {issue.field for issue in caught.value.issues}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("eligibility: {ppks: [no_such_category]}", "eligibility.ppks"),
        ("eligibility: {decile: {max: 11}}", "eligibility.decile.max"),
        ("eligibility: {areas: ['3273']}", "eligibility.areas"),
        ("eligibility: {require_any: [teenagers]}", "eligibility.require_any.0"),
        ("quota: {basis: population}", "quota"),
        ("quota: {basis: fixed, level: province, fixed: {'32.73': 5}}", "quota"),
        ("budget: -1", "budget"),
        ("exclude: [test_cash]", "test"),
        ("periodicity: weekly", "periodicity"),
    ],
)
def test_bad_specs_name_the_field(extra: str, field: str) -> None:
    assert field in _fields(GOOD + extra)


def test_benefit_amounts_cannot_be_negative_and_floor_not_above_cap() -> None:
    assert "benefit.per_household" in _fields(GOOD.replace("1000", "-5"))
    bad = GOOD.replace("{per_household: 1000}", "{per_component: {elderly: -1}}")
    assert "benefit.per_component" in _fields(bad)
    assert "benefit" in _fields(GOOD.replace("{per_household: 1000}", "{floor: 10, cap: 5}"))


def test_unknown_programmes_and_files_are_refused() -> None:
    with pytest.raises(Invalid):
        load_programme("no_such_programme")
    with pytest.raises(Invalid):
        load_programme("/nonexistent/programme.yaml")
    with pytest.raises(Invalid):
        parse_yaml("- a list", "test")
    with pytest.raises(Invalid):
        spec_from_json('{"name": "x"}')


def test_largest_remainder_adds_up_exactly_and_breaks_ties_by_weight_then_code() -> None:
    assert largest_remainder(10, {"b": 1, "a": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    # exact shares 7.5 / 2.5 / 0: both remainders .5, the larger weight wins
    assert largest_remainder(10, {"x": 3, "y": 1, "z": 0}) == {"x": 8, "y": 2, "z": 0}
    parts = largest_remainder(1_000_003, {f"{i:02d}": (i * 7919) % 101 + 0.5 for i in range(38)})
    assert sum(parts.values()) == 1_000_003
    assert largest_remainder(0, {"a": 0.0}) == {"a": 0}
    with pytest.raises(Invalid):
        largest_remainder(5, {"a": 0.0, "b": 0.0})


def test_programmes_are_ordered_after_those_they_exclude_and_cycles_refused() -> None:
    assert ordered_programmes(["a", "b", "c"], {"a": ("c",), "c": ("b",)}) == ["b", "c", "a"]
    with pytest.raises(Invalid):
        ordered_programmes(["a", "b"], {"a": ("b",), "b": ("a",)})
