"""Candidates against the synthetic population's truth: per category the true count, the people flagged,
precision and recall; per rule the people flagged and its precision. Ibis expressions, then plain numbers.

The truth file (``truth_persons.parquet`` of a folder written by ``inklusi synth``) has one yes/no column per
PPKS situation the generator makes; :data:`TRUTH` says which category each stands for (with an age band
where Permensos 8/2012 splits a situation by age). Categories the generator does not make have no truth and
are listed with the rule set's gaps only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from inklusi.ppks.expr import years_between
from inklusi.ppks.spec import RuleSet


@dataclass(frozen=True)
class Truth:
    column: str  # the truth file's flag
    min_age: int | None = None
    max_age: int | None = None


TRUTH: dict[str, Truth] = {
    "poor": Truth("poor"),
    "persons_with_disabilities": Truth("disability"),
    "children_with_disabilities": Truth("child_with_disability"),
    "neglected_elderly": Truth("neglected_elderly"),
    "neglected_toddlers": Truth("neglected_child", max_age=5),
    "neglected_children": Truth("neglected_child", min_age=6),
    "street_children": Truth("street_child"),
    "people_living_with_hiv": Truth("hiv"),
    "drug_abuse_victims": Truth("drug_use"),
    "trafficking_victims": Truth("trafficking_victim"),
    "child_victims_of_violence": Truth("violence_victim", max_age=17),
    "violence_victims": Truth("violence_victim", min_age=18),
    "vulnerable_women": Truth("vulnerable_woman"),
    "remote_indigenous_communities": Truth("remote_indigenous"),
    "homeless": Truth("homeless"),
    "beggars": Truth("beggar"),
    "scavengers": Truth("scavenger"),
}


@dataclass(frozen=True)
class CategoryScore:
    category: str
    truth: int
    flagged: int
    true_positives: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.truth if self.truth else None


@dataclass(frozen=True)
class RuleScore:
    rule_id: str
    category: str
    flagged: int
    true_positives: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.flagged if self.flagged else None


def truth_long(truth: ir.Table, persons: ir.Table, as_of: date) -> ir.Table:
    """(person_id, category) for every true situation; ages from the persons table (``birth_date``)."""
    ages = persons.select("person_id", _age=years_between(persons.birth_date, as_of))
    dated = truth.left_join(ages, "person_id").drop("person_id_right")
    parts = []
    for category, spec in TRUTH.items():
        if spec.column not in dated.columns:
            continue
        keep = dated[spec.column].fill_null(False)
        if spec.min_age is not None:
            keep = keep & (dated._age >= spec.min_age).fill_null(False)
        if spec.max_age is not None:
            keep = keep & (dated._age <= spec.max_age).fill_null(False)
        parts.append(
            dated.filter(keep).select(
                person_id=dated.person_id.cast("string"), category=ibis.literal(category, "string")
            )
        )
    return ibis.union(*parts, distinct=False)


def category_counts(candidates: ir.Table, truth: ir.Table) -> ir.Table:
    """Per category: truth, flagged (people, each once) and true positives."""
    flagged = candidates.select("person_id", "category").distinct()
    true_counts = truth.group_by("category").aggregate(truth=truth.count())
    flagged_counts = flagged.group_by("category").aggregate(flagged=flagged.count())
    hits = flagged.join(truth, ["person_id", "category"])
    hit_counts = hits.group_by("category").aggregate(true_positives=hits.count())
    categories = true_counts.select("category").union(flagged_counts.select("category"))
    table = (
        categories.left_join(true_counts, "category")
        .drop("category_right")
        .left_join(flagged_counts, "category")
        .drop("category_right")
        .left_join(hit_counts, "category")
        .drop("category_right")
    )
    return table.mutate(
        truth=table.truth.fill_null(0),
        flagged=table.flagged.fill_null(0),
        true_positives=table.true_positives.fill_null(0),
    )


def rule_counts(candidates: ir.Table, truth: ir.Table) -> ir.Table:
    """Per rule: people flagged and how many of them truly are in the rule's category."""
    flagged = candidates.select("rule_id", "category", "person_id").distinct()
    marked = truth.mutate(_true=ibis.literal(1))
    joined = flagged.left_join(marked, ["person_id", "category"])
    return joined.group_by(["rule_id", "category"]).aggregate(
        flagged=joined.count(), true_positives=joined._true.fill_null(0).sum()
    )


Row = dict[str, object]


def _count(row: Row | None, key: str) -> int:
    value = row.get(key) if row else None
    return int(value) if isinstance(value, int | float) else 0


def category_scores(rows: list[Row], rules: RuleSet) -> tuple[CategoryScore, ...]:
    """Scores in the order of the rule set's categories, then the categories only the truth has."""
    by_category = {str(row["category"]): row for row in rows}
    ordered = list(dict.fromkeys([r.category for r in rules.rules] + sorted(by_category)))
    return tuple(
        CategoryScore(
            category,
            _count(by_category.get(category), "truth"),
            _count(by_category.get(category), "flagged"),
            _count(by_category.get(category), "true_positives"),
        )
        for category in ordered
    )


def rule_scores(rows: list[Row], rules: RuleSet, ran: tuple[str, ...]) -> tuple[RuleScore, ...]:
    by_rule = {str(row["rule_id"]): row for row in rows}
    return tuple(
        RuleScore(
            rule.id,
            rule.category,
            _count(by_rule.get(rule.id), "flagged"),
            _count(by_rule.get(rule.id), "true_positives"),
        )
        for rule in rules.rules
        if rule.id in ran
    )
