"""PPKS rules compiled to Ibis: one expression over the registry snapshot's tables, the same on DuckDB and
Spark (the registry's identification and ``inklusi ppks evaluate`` run exactly these expressions).

:func:`candidates` takes the persons table (members of households; a person whose ``household_id`` is null
is registered outside any household and carries the ``village_code`` where they were registered), the
households table, the households' welfare deciles (``household_id``, ``national_decile``) or ``None``, and a
rule set. It gives one row per person, rule and category. Rules that read the decile are left out when there
are no deciles (:meth:`RuleSet.usable` says which, for the caller to report).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from inklusi.ppks.spec import (
    DECILE,
    HOUSEHOLD_COLUMNS,
    PERSON_COLUMNS,
    All,
    AnyOf,
    AtLeast,
    Condition,
    Rule,
    RuleSet,
    Test,
)

KEY = "household_id"
OUTPUT = ("person_id", "household_id", "category", "rule_id", "rule_version", "evidence")
EARNING = 1  # 416a: worked last week
PARENTS = (3, 4)  # 409: child, child-in-law of the head (a grandchild's parent)
WITHOUT_PARENT = (7, 8)  # 409: domestic worker, other relative
GRANDCHILD = 5
PARENT_GAP = 15  # a child or child-in-law of the head this many years older could be a grandchild's parent


def years_between(born: ir.DateValue, on: date) -> ir.IntegerValue:
    """Completed years of age on ``on``."""
    day = ibis.literal(on)
    before_birthday = (born.month() * 100 + born.day()) > (day.month() * 100 + day.day())
    return day.year() - born.year() - before_birthday.cast("int64")


def _areas(village: ir.StringValue) -> dict[str, ir.Value]:
    """Regency, kota and kelurahan of a village code ``PP.RR.DD.VVVV`` (as the welfare proxies read them)."""
    return {
        "regency_code": village.substr(0, 5),
        "city": village.substr(3, 2).cast("int64") >= 71,
        "kelurahan": village.substr(9, 1) == "1",
    }


def members_table(persons: ir.Table, households: ir.Table, deciles: ir.Table | None, as_of: date) -> ir.Table:
    """Members of households with their household's answers and every derived column of ``spec.DERIVED``."""
    members = persons.filter(persons[KEY].notnull())
    members = members.select(*(c for c in PERSON_COLUMNS if c in members.columns))
    households = households.select(KEY, *(c for c in HOUSEHOLD_COLUMNS if c in households.columns))
    members = members.mutate(age=years_between(members.birth_date, as_of))
    parent_age = members.age.max(where=members.relationship.isin(PARENTS).fill_null(False))
    per_family = members.group_by("family_id").aggregate(_oldest_parent=parent_age)
    earner = (members.worked_last_week == EARNING).fill_null(False).cast("int64")
    per_household = members.group_by(KEY).aggregate(
        household_members=members.count(), household_earners=earner.sum()
    )
    joined = members.left_join(per_family, "family_id").drop("family_id_right").join(households, KEY)
    joined = joined.left_join(per_household, KEY).drop(f"{KEY}_right")
    no_parent_old_enough = joined._oldest_parent.isnull() | (joined._oldest_parent < joined.age + PARENT_GAP)
    grandchild_alone = (joined.relationship == GRANDCHILD) & no_parent_old_enough
    without_parent = (joined.age < 18) & (joined.relationship.isin(WITHOUT_PARENT) | grandchild_alone)
    joined = joined.mutate(lives_without_parent=without_parent, **_areas(joined.village_code))
    if deciles is not None:
        ranks = deciles.select(KEY, DECILE)
        joined = joined.left_join(ranks, KEY).drop(f"{KEY}_right")
    return joined.drop("_oldest_parent")


def outside_table(persons: ir.Table, as_of: date) -> ir.Table:
    """People registered outside households: their age and the areas of the village they are registered in."""
    outside = persons.filter(persons[KEY].isnull())
    return outside.mutate(age=years_between(outside.birth_date, as_of), **_areas(outside.village_code))


def condition(table: ir.Table, node: Condition | None, lists: dict[str, tuple[str, ...]]) -> ir.BooleanValue:
    """A rule's condition as a boolean column; a missing answer fails every test."""
    if node is None:
        return ibis.literal(True)
    if isinstance(node, Test):
        return _test(table[node.column], node, lists).fill_null(False)
    if isinstance(node, All):
        parts = [condition(table, part, lists) for part in node.all]
        result = parts[0]
        for part in parts[1:]:
            result = result & part
        return result
    if isinstance(node, AnyOf):
        parts = [condition(table, part, lists) for part in node.any]
        result = parts[0]
        for part in parts[1:]:
            result = result | part
        return result
    assert isinstance(node, AtLeast)
    count = sum(
        (condition(table, part, lists).cast("int64") for part in node.of[1:]),
        condition(table, node.of[0], lists).cast("int64"),
    )
    return count >= node.at_least


def _test(value: ir.Value, test: Test, lists: dict[str, tuple[str, ...]]) -> ir.BooleanValue:
    if test.in_ is not None:
        return value.isin(test.in_)
    if test.is_ is not None:
        return value == test.is_
    if test.in_list is not None:
        return value.cast("string").isin(lists[test.in_list])
    result = ibis.literal(True)
    if test.min is not None:
        result = result & (value >= test.min)
    if test.max is not None:
        result = result & (value <= test.max)
    return result


def _json_value(value: ir.Value) -> ir.StringValue:
    kind = value.type()
    if kind.is_boolean():
        text = ibis.ifelse(value, "true", "false")
    elif kind.is_string():
        text = ibis.literal('"').concat(value.re_replace(r'(["\\])', r"\\\1"), '"')
    else:
        text = value.cast("string")
    return text.fill_null("null")


def evidence(table: ir.Table, columns: tuple[str, ...]) -> ir.StringValue:
    """A JSON object of the columns' values (``{"age": 67, "household_members": 1}``), in one expression."""
    text: ir.StringValue = ibis.literal("{")
    for index, name in enumerate(columns):
        text = text.concat(", " if index else "", f'"{name}": ', _json_value(table[name]))
    return text.concat("}")


def _rule_rows(table: ir.Table, rule: Rule, rules: RuleSet) -> ir.Table:
    lists = {name: code_list.codes for name, code_list in rules.lists.items()}
    chosen = table.filter(condition(table, rule.when, lists))
    return _rows(chosen, rule.category, rule.id, rules.key, evidence(chosen, rule.columns))


def _rows(chosen: ir.Table, category: str, rule_id: str, version: str, found: ir.StringValue) -> ir.Table:
    household = chosen[KEY].cast("string") if KEY in chosen.columns else ibis.null("string")
    return chosen.select(
        person_id=chosen.person_id.cast("string"),
        household_id=household,
        category=ibis.literal(category, "string"),
        rule_id=ibis.literal(rule_id, "string"),
        rule_version=ibis.literal(version, "string"),
        evidence=found,
    )


def candidates(
    persons: ir.Table,
    households: ir.Table,
    deciles: ir.Table | None,
    rules: RuleSet,
    *,
    as_of: date,
) -> ir.Table:
    """Every candidate of every rule that can run: ``person_id``, ``household_id`` (null for people outside
    households), ``category``, ``rule_id``, ``rule_version`` and ``evidence`` (JSON: the answers the rule
    read). A person meets several rules in several rows. Rules reading the decile are skipped without
    ``deciles`` (:meth:`RuleSet.usable`)."""
    usable, _skipped = rules.usable(deciles is not None)
    members = members_table(persons, households, deciles, as_of)
    outside = outside_table(persons, as_of) if "village_code" in persons.columns else None
    parts = []
    for rule in usable:
        if rule.population == "members":
            parts.append(_rule_rows(members, rule, rules))
        elif outside is not None:
            parts.append(_rule_rows(outside, rule, rules))
    if not parts:  # no rule can run: no rows, the same columns
        nobody = members.filter(ibis.literal(False))
        return _rows(nobody, "", "", rules.key, ibis.literal("{}"))
    return ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]


def with_outside(persons: ir.Table, outside: ir.Table) -> ir.Table:
    """The persons table with the people registered outside households appended (``household_id`` null,
    their ``village_code`` kept; members get a null ``village_code``: theirs is their household's)."""
    schema = persons.schema()
    columns = {}
    for name, kind in schema.items():
        columns[name] = outside[name].cast(kind) if name in outside.columns else ibis.null(kind)
    columns["village_code"] = outside.village_code.cast("string")
    left = persons.mutate(village_code=ibis.null("string"))
    right = outside.select(**columns)
    return left.union(right.select(*left.columns), distinct=False)
