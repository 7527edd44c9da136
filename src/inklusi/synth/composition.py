"""Who lives together: household and family composition, ages, sexes, relationships and marital status.

A household (one dwelling, one kitchen) is drawn as a head of some age, maybe a partner, co-resident
children, maybe elderly parents, a married child with their spouse and children, grandchildren left with
grandparents, another relative, a live-in domestic worker. Married children, elderly parents and adult
relatives often hold their own Kartu Keluarga: they become a second family in the same household (Regsosek
enumerates each KK separately). Poorer households and high-fertility provinces have more children.
Distributions are assumptions tuned to the targets in ``docs/synthetic-data.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inklusi.registry.model import Relationship
from inklusi.synth.config import MAX_AGE
from inklusi.synth.sampling import Rng, categorical, sigmoid

HEAD, SPOUSE, CHILD, PARENT, MARRIED_CHILD, CHILD_SPOUSE, GRANDCHILD, LEFT_GRANDCHILD, RELATIVE, WORKER = (
    range(10)
)
MAIN_FAMILY, YOUNG_FAMILY, ELDER_FAMILY, RELATIVE_FAMILY = range(4)
NEVER_MARRIED, MARRIED, DIVORCED, WIDOWED = 1, 2, 3, 4

HEAD_AGE_EDGES = np.array([18, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 90])
HEAD_AGE_SHARES = np.array([3.2, 7.5, 10.5, 11.5, 12.0, 11.5, 10.5, 9.5, 8.0, 6.2, 4.0, 2.0, 1.0])


@dataclass
class Composition:
    """Household-level and person-level arrays; ``person_household`` indexes the household arrays."""

    size: np.ndarray
    families: np.ndarray
    person_household: np.ndarray
    role: np.ndarray
    family_slot: np.ndarray  # 0..3, see *_FAMILY
    family_number: np.ndarray  # 0-based family within the household, in slot order
    relationship: np.ndarray
    sex: np.ndarray  # 1 male, 2 female
    age: np.ndarray  # years, fractional
    marital_status: np.ndarray
    birth_order: np.ndarray  # among the head's (or married child's) children, 1 = eldest


def _interp(x: np.ndarray, points: list[float], values: list[float]) -> np.ndarray:
    return np.interp(x, points, values)


def compose(rng: Rng, welfare: np.ndarray, fertility: np.ndarray, urban: np.ndarray) -> Composition:
    """One household per entry of ``welfare`` (standard-normal welfare index, higher is richer)."""
    n = len(welfare)
    bins = categorical(rng, HEAD_AGE_SHARES, n)
    head_age = HEAD_AGE_EDGES[bins] + rng.random(n) * (HEAD_AGE_EDGES[bins + 1] - HEAD_AGE_EDGES[bins])
    couple = rng.random(n) < _interp(
        head_age, [18, 25, 30, 35, 50, 60, 70, 80, 90], [0.15, 0.42, 0.72, 0.86, 0.86, 0.72, 0.50, 0.32, 0.22]
    )
    single_female = _interp(head_age, [18, 30, 45, 60, 75, 90], [0.18, 0.25, 0.55, 0.70, 0.76, 0.80])
    head_female = np.where(couple, rng.random(n) < 0.03, rng.random(n) < single_female)
    gap = rng.normal(3.5, 3.5, n).clip(-6, 20)
    spouse_age = np.where(head_female, head_age + gap, head_age - gap).clip(16, MAX_AGE)
    mother_age = np.where(head_female, head_age, np.where(couple, spouse_age, head_age - 3))

    counts = np.zeros((10, n), dtype=np.int64)
    counts[HEAD] = 1
    counts[SPOUSE] = couple
    child_rate = _interp(
        mother_age,
        [16, 22, 27, 32, 37, 42, 47, 52, 57, 62, 70, 80],
        [0.25, 0.95, 1.55, 2.0, 2.25, 2.2, 1.8, 1.25, 0.9, 0.65, 0.45, 0.3],
    )
    child_rate *= (
        0.95 * fertility * np.exp(-0.38 * welfare) * np.where(couple, 1.0, 0.55) * np.where(urban, 0.95, 1.05)
    )
    counts[CHILD] = rng.poisson(child_rate).clip(0, 9)

    parents = rng.random(n) < _interp(head_age, [25, 45, 55, 65], [0.15, 0.15, 0.10, 0.03]) * np.exp(
        -0.2 * welfare
    )
    counts[PARENT] = parents * np.where(rng.random(n) < 0.22, 2, 1)
    married_child_age = mother_age - rng.normal(25.0, 4.0, n)
    married_child = (married_child_age >= 20) & (
        rng.random(n) < _interp(head_age, [42, 50, 60, 70, 90], [0.06, 0.16, 0.25, 0.30, 0.30])
    )
    counts[MARRIED_CHILD] = married_child
    counts[CHILD_SPOUSE] = married_child & (rng.random(n) < 0.9)  # some spouses work away
    married_child_female = rng.random(n) < 0.55
    grandchild_rate = _interp(married_child_age, [18, 24, 30, 36, 45], [0.5, 1.0, 1.6, 1.9, 1.6])
    counts[GRANDCHILD] = married_child * rng.poisson(grandchild_rate * fertility).clip(0, 6)
    left = (head_age >= 48) & ~married_child & (rng.random(n) < 0.05)
    counts[LEFT_GRANDCHILD] = left * np.where(rng.random(n) < 0.3, 2, 1)
    counts[RELATIVE] = rng.random(n) < 0.07 * np.exp(-0.2 * welfare)
    counts[WORKER] = rng.random(n) < 0.09 * sigmoid(3.0 * (welfare - 1.9))
    separate = {
        PARENT: rng.random(n) < 0.50,
        MARRIED_CHILD: rng.random(n) < 0.70,
        RELATIVE: rng.random(n) < 0.50,
    }

    rows = []
    for role_code in range(10):
        household = np.repeat(np.arange(n), counts[role_code])
        rows.append((np.full(len(household), role_code), household))
    role = np.concatenate([r for r, _ in rows])
    household = np.concatenate([h for _, h in rows])
    m = len(role)
    u = rng.random(m)
    age = np.zeros(m)
    sex = np.where(u < 0.512, 1, 2)  # children: 105 boys per 100 girls
    order_in_role = _rank_in_household(household, role)

    is_ = {r: role == r for r in range(10)}
    h = household
    age[is_[HEAD]] = head_age[h[is_[HEAD]]]
    sex[is_[HEAD]] = np.where(head_female[h[is_[HEAD]]], 2, 1)
    age[is_[SPOUSE]] = spouse_age[h[is_[SPOUSE]]]
    sex[is_[SPOUSE]] = np.where(head_female[h[is_[SPOUSE]]], 1, 2)
    age[is_[CHILD]] = _children_ages(rng, mother_age, h[is_[CHILD]], order_in_role[is_[CHILD]])
    pair = counts[PARENT][h] == 2
    parent = is_[PARENT]
    age[parent] = (head_age[h[parent]] + rng.normal(27.0, 4.5, parent.sum()).clip(16, 45)).clip(None, MAX_AGE)
    sex[parent] = np.where(pair[parent], 1 + order_in_role[parent], np.where(u[parent] < 0.70, 2, 1))
    mc = is_[MARRIED_CHILD]
    age[mc] = married_child_age[h[mc]]
    sex[mc] = np.where(married_child_female[h[mc]], 2, 1)
    cs = is_[CHILD_SPOUSE]
    age[cs] = (married_child_age[h[cs]] + np.where(married_child_female[h[cs]], 4.0, -3.0)).clip(17, None)
    sex[cs] = np.where(married_child_female[h[cs]], 1, 2)
    gc = is_[GRANDCHILD]
    young_mother = married_child_age + np.where(married_child_female, 0.0, -3.0)
    age[gc] = _children_ages(rng, young_mother, h[gc], order_in_role[gc])
    lg = is_[LEFT_GRANDCHILD]
    age[lg] = rng.uniform(0, 16, lg.sum())
    rel = is_[RELATIVE]
    age[rel] = rng.triangular(5, 20, 70, rel.sum())
    sex[rel] = np.where(u[rel] < 0.58, 1, 2)
    wk = is_[WORKER]
    age[wk] = rng.uniform(18, 55, wk.sum())
    sex[wk] = np.where(u[wk] < 0.8, 2, 1)
    valid = ~((is_[CHILD] | is_[GRANDCHILD]) & (age < 0))
    age = age.clip(0, MAX_AGE - 0.01)
    slot = np.full(m, MAIN_FAMILY)
    for role_code, family in (
        (PARENT, ELDER_FAMILY),
        (MARRIED_CHILD, YOUNG_FAMILY),
        (RELATIVE, RELATIVE_FAMILY),
    ):
        slot[is_[role_code] & separate[role_code][h]] = family
    slot[(is_[CHILD_SPOUSE] | is_[GRANDCHILD]) & separate[MARRIED_CHILD][h]] = YOUNG_FAMILY
    relationship = _relationships(role, slot, sex, pair, counts[CHILD_SPOUSE][h] > 0)
    marital = _marital_status(rng, role, sex, age, couple[h], pair, counts[CHILD_SPOUSE][h] > 0)
    birth_order = np.where(is_[CHILD] | is_[GRANDCHILD], order_in_role + 1, 0)

    order = np.lexsort((-age * (role == CHILD), role, slot, household))
    order = order[valid[order]]
    household, role, slot = household[order], role[order], slot[order]
    family_key = household * 4 + slot
    used = np.unique(family_key)
    families = np.bincount(used // 4, minlength=n)
    first_slot = np.searchsorted(used, household * 4)
    family_number = np.searchsorted(used, family_key) - first_slot
    return Composition(
        size=np.bincount(household, minlength=n),
        families=families,
        person_household=household,
        role=role,
        family_slot=slot,
        family_number=family_number,
        relationship=relationship[order],
        sex=sex[order],
        age=age[order],
        marital_status=marital[order],
        birth_order=birth_order[order],
    )


def _rank_in_household(household: np.ndarray, role: np.ndarray) -> np.ndarray:
    """Rows of one role come grouped by household (np.repeat), so ranks are offsets from group starts."""
    ranks = np.zeros(len(household), dtype=np.int64)
    for code in np.unique(role):
        rows = np.flatnonzero(role == code)
        groups = household[rows]
        starts = np.r_[0, np.flatnonzero(groups[1:] != groups[:-1]) + 1]
        lengths = np.diff(np.r_[starts, len(groups)])
        ranks[rows] = np.arange(len(groups)) - np.repeat(starts, lengths)
    return ranks


def _children_ages(rng: Rng, mother_age: np.ndarray, household: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The youngest child was born when the mother was about 31; older siblings 1.5-6 years apart."""
    if len(household) == 0:
        return np.zeros(0)
    mother = mother_age[household]
    last_birth = rng.normal(31.0, 5.0, len(household)).clip(18, 45)
    youngest = mother - last_birth
    youngest = np.where(youngest < 0, rng.random(len(household)) * np.maximum(mother - 17.0, 0.2), youngest)
    gaps = np.where(rank == 0, 0.0, 1.5 + rng.gamma(2.0, 0.8, len(household)))
    running = np.cumsum(gaps)
    group_base = np.maximum.accumulate(np.where(rank == 0, running, 0.0))
    first = np.flatnonzero(rank == 0)
    youngest_of_group = np.repeat(youngest[first], np.diff(np.r_[first, len(household)]))
    ages = youngest_of_group + running - group_base
    return np.where(ages > mother - 15.0, -1.0, ages)  # impossible births are dropped by the caller


def _relationships(
    role: np.ndarray, slot: np.ndarray, sex: np.ndarray, parent_pair: np.ndarray, child_has_spouse: np.ndarray
) -> np.ndarray:
    own = slot != MAIN_FAMILY
    table = {
        HEAD: Relationship.head,
        SPOUSE: Relationship.spouse,
        CHILD: Relationship.child,
        PARENT: Relationship.parent,
        MARRIED_CHILD: Relationship.child,
        CHILD_SPOUSE: Relationship.child_in_law,
        GRANDCHILD: Relationship.grandchild,
        LEFT_GRANDCHILD: Relationship.grandchild,
        RELATIVE: Relationship.other,
        WORKER: Relationship.domestic_worker,
    }
    relationship = np.array([int(table[r]) for r in range(10)])[role]
    couple_in_own_family = own & np.isin(role, (MARRIED_CHILD, CHILD_SPOUSE, PARENT))
    # In their own KK the husband is head and the wife spouse; a lone parent or relative heads their KK.
    lone = own & (
        ((role == PARENT) & ~parent_pair) | (role == RELATIVE) | ((role == MARRIED_CHILD) & ~child_has_spouse)
    )
    relationship[couple_in_own_family] = np.where(sex[couple_in_own_family] == 1, 1, 2)
    relationship[lone] = int(Relationship.head)
    relationship[own & (role == GRANDCHILD)] = int(Relationship.child)
    return relationship


def _marital_status(
    rng: Rng,
    role: np.ndarray,
    sex: np.ndarray,
    age: np.ndarray,
    couple: np.ndarray,
    parent_pair: np.ndarray,
    child_has_spouse: np.ndarray,
) -> np.ndarray:
    m = len(role)
    u = rng.random(m)
    status = np.full(m, NEVER_MARRIED)
    female = sex == 2
    widowed = np.where(
        female,
        _interp(age, [25, 40, 55, 70, 85], [0.10, 0.30, 0.55, 0.80, 0.90]),
        _interp(age, [25, 40, 55, 70, 85], [0.04, 0.12, 0.25, 0.45, 0.65]),
    )
    never = _interp(age, [18, 25, 35, 50], [0.85, 0.45, 0.15, 0.06])
    single = np.where(u < widowed, WIDOWED, np.where(u < widowed + never, NEVER_MARRIED, DIVORCED))
    head = role == HEAD
    status[head] = np.where(couple[head], MARRIED, single[head])
    status[np.isin(role, (SPOUSE, CHILD_SPOUSE))] = MARRIED
    married_child = role == MARRIED_CHILD
    status[married_child] = np.where(
        child_has_spouse[married_child] | (u[married_child] < 0.6), MARRIED, DIVORCED
    )
    parent = role == PARENT
    status[parent] = np.where(parent_pair[parent], MARRIED, np.where(u[parent] < 0.88, WIDOWED, DIVORCED))
    child = role == CHILD
    status[child & (age >= 22) & (u < 0.04)] = DIVORCED
    other = np.isin(role, (RELATIVE, WORKER)) & (age >= 25)
    status[other] = np.where(u[other] < 0.5, NEVER_MARRIED, np.where(u[other] < 0.7, MARRIED, single[other]))
    return status
