"""Issue 14: how a run's candidates change the flags that exist (pure): decisions are kept, candidates whose
evidence went away are retired, retired flags come back, evidence from several rules is merged."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

from inklusi.ppks.flags import Current, FlagStatus, Found, canonical, may_decide, merge, reconcile

PERSON = uuid4()
AREA = "31.71.01.1001"


def found(person: UUID = PERSON, category: str = "poor", evidence: object = None) -> Found:
    return Found(
        person, category, None, AREA, "inadequate_shelter", "national-1", canonical(evidence or {"a": 1})
    )


def current(status: FlagStatus, of: Found) -> Current:
    return Current(uuid4(), uuid4(), of.person_id, of.category, status, of.household_id, of.area_code,
                   of.rule_id, of.rule_version, of.evidence)  # fmt: skip


def test_a_new_person_is_a_candidate_and_an_unchanged_one_writes_nothing():
    same = found()
    plan = reconcile(
        [current(FlagStatus.candidate, same)], {(PERSON, "poor"): same, (uuid4(), "poor"): found(uuid4())}
    )
    assert len(plan.new) == 1 and plan.changed == () and plan.retired == () and plan.unchanged == 1


def test_decisions_survive_whatever_the_rules_find():
    for status in (FlagStatus.verified, FlagStatus.rejected):
        flag = current(status, found())
        gone = reconcile([flag], {})
        assert gone.retired == () and gone.changed == () and gone.unchanged == 1
        moved = reconcile([flag], {(PERSON, "poor"): found(evidence={"a": 2})})
        ((_flag, _now, kept),) = moved.changed
        assert kept is status


def test_only_a_candidate_is_retired_and_a_retired_flag_comes_back_as_a_candidate():
    flag = current(FlagStatus.candidate, found())
    assert reconcile([flag], {}).retired == (flag,)
    retired = current(FlagStatus.retired, found())
    assert reconcile([retired], {}).unchanged == 1
    ((_flag, _now, status),) = reconcile([retired], {(PERSON, "poor"): found()}).changed
    assert status is FlagStatus.candidate


def test_several_rules_in_one_category_make_one_flag_with_every_rules_evidence():
    rows = [
        {"person_id": str(PERSON), "category": "poor", "rule_id": "poorest_two_deciles", "rule_version": "n",
         "household_id": None, "area_code": AREA, "evidence": '{"national_decile": 1}'},
        {"person_id": str(PERSON), "category": "poor", "rule_id": "inadequate_shelter", "rule_version": "n",
         "household_id": None, "area_code": AREA, "evidence": '{"floor_material": 8}'},
    ]  # fmt: skip
    merged = merge(rows, {"inadequate_shelter": 0, "poorest_two_deciles": 1})
    (flag,) = merged.values()
    assert flag.rule_id == "inadequate_shelter"  # the first in the rule set's order
    assert json.loads(flag.evidence) == {"poorest_two_deciles": {"national_decile": 1},
                                         "inadequate_shelter": {"floor_material": 8}}  # fmt: skip


def test_a_decision_is_never_repeated_but_may_be_changed():
    assert may_decide(FlagStatus.candidate, FlagStatus.verified)
    assert may_decide(FlagStatus.retired, FlagStatus.rejected)
    assert may_decide(FlagStatus.verified, FlagStatus.rejected)
    assert not may_decide(FlagStatus.verified, FlagStatus.verified)
    assert not may_decide(FlagStatus.candidate, FlagStatus.retired)  # only runs retire
