"""The rule set as data: checked when it loads, with the field named in the refusal."""

from __future__ import annotations

import pytest
import yaml

from inklusi.errors import Invalid
from inklusi.ppks.spec import load_rules, parse_rules
from inklusi.ppks.taxonomy import taxonomy


def _document() -> dict:
    return load_rules().model_dump(mode="json", by_alias=True, exclude_none=True)


def _refusal(document: dict) -> str:
    with pytest.raises(Invalid) as refused:
        parse_rules(yaml.safe_dump(document), "test")
    return " ".join(str(i.text.params.get("problem")) for i in refused.value.issues)


def test_the_packaged_rule_set_loads_and_round_trips() -> None:
    rules = load_rules("national")
    assert rules.key == "national-1"
    assert parse_rules(yaml.safe_dump(_document())) == rules


def test_every_category_has_a_rule_or_says_why_the_data_cannot_reveal_it() -> None:
    rules = load_rules()
    covered = {r.category for r in rules.rules}
    unrevealed = {g.category for g in rules.gaps if g.reveal == "no"}
    assert covered | unrevealed == set(taxonomy().codes)
    assert not covered & unrevealed


def test_an_unknown_category_or_column_is_refused() -> None:
    document = _document()
    document["rules"][0]["category"] = "unicorns"
    assert "unicorns" in _refusal(document)
    document = _document()
    document["rules"][0]["when"] = {"column": "income", "min": 1}
    assert "income" in _refusal(document)


def test_outside_households_only_their_own_particulars_can_be_read() -> None:
    document = _document()
    rule = next(r for r in document["rules"] if r["population"] == "outside")
    rule["when"] = {"column": "national_decile", "max": 2}
    assert "national_decile" in _refusal(document)


def test_a_dropped_rule_needs_a_gap_and_an_undefined_list_is_refused() -> None:
    document = _document()
    document["rules"] = [r for r in document["rules"] if r["category"] != "people_living_with_hiv"]
    document["gaps"] = [g for g in document["gaps"] if g["category"] != "people_living_with_hiv"]
    assert "people_living_with_hiv" in _refusal(document)
    document = _document()
    document["lists"] = {}
    assert "remote_community_regencies" in _refusal(document)


def test_a_test_must_say_what_it_tests_and_at_least_must_be_reachable() -> None:
    document = _document()
    document["rules"][0]["when"] = {"column": "age"}
    _refusal(document)
    document["rules"][0]["when"] = {"at_least": 3, "of": [{"column": "age", "min": 1}]}
    assert "never hold" in _refusal(document)


def test_repeated_rule_ids_are_refused() -> None:
    document = _document()
    document["rules"].append(document["rules"][0])
    assert "repeat" in _refusal(document)
