"""PPKS identification rules as data (YAML → pydantic), versioned like the welfare specification.

A rule set (``ppks/rules/national.yaml``) has a name and a version, named code lists (each with its source:
e.g. the regencies of remote indigenous communities) and rules. A rule names the PPKS category it proposes
candidates for, says in both languages what it looks for, whom it looks at (``members`` of households, or
people registered ``outside`` households: homeless people, residents of institutions) and a condition over
the columns the registry holds — the snapshot layout of ``registry.service.export_snapshot``, which is also
the synthetic generator's — plus a few derived columns (:data:`DERIVED`) and the household's welfare decile.

A condition is a test of one column (``in``: one of these answers; ``min``/``max``: a range, inclusive;
``is``: a yes/no column; ``in_list``: one of a named list's codes) or a combination: ``all``, ``any``, or
``at_least: n`` ``of`` several conditions. A missing answer fails every test. :mod:`inklusi.ppks.expr`
compiles a rule set to Ibis; a candidate's evidence is the value of every column its rule's condition reads.
A released version never changes meaning: a changed rule is a new ``version``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.ppks.model import Bilingual
from inklusi.ppks.taxonomy import taxonomy
from inklusi.registry.model import Dwelling, PersonData, field_names

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
DECILE = "national_decile"  # the household's national welfare decile (1 = poorest), from a welfare run

# Columns a person row of the registry snapshot holds (names, NIK, place of birth and programmes are left
# out of the snapshot), and a household row's dwelling answers.
PERSON_COLUMNS = (
    "person_id",
    "household_id",
    "family_id",
    "relationship",
    *(n for n in field_names(PersonData) if n not in ("name", "nik", "birth_place", "programmes")),
)
HOUSEHOLD_COLUMNS = tuple(n for n in field_names(Dwelling) if n not in ("address", "latitude", "longitude"))

# Derived columns (:mod:`inklusi.ppks.expr` computes them) and what they mean.
DERIVED = {
    "age": "completed years on the reference date (from birth_date)",
    "household_members": "people listed in the household",
    "household_earners": "members who worked last week (416a = 1)",
    "lives_without_parent": (
        "a person under 18 listed as a domestic worker (409 = 7) or other relative (8), or as a grandchild"
        " (5) in a family with no child or child-in-law of the head (3, 4) at least 15 years older"
    ),
    "regency_code": "the regency of the village (PP.RR)",
    "city": "the regency is a kota (regency number 71 and above)",
    "kelurahan": "the village is a kelurahan (urban administration: its code's fourth part starts with 1)",
    DECILE: "the household's national welfare decile (1 = poorest), from a welfare run",
}
AREA_DERIVED = ("regency_code", "city", "kelurahan")
MEMBER_COLUMNS = frozenset((*PERSON_COLUMNS, *HOUSEHOLD_COLUMNS, *DERIVED))
# People outside households have only their own particulars and the village where they were registered.
OUTSIDE_COLUMNS = frozenset(("person_id", "sex", "birth_date", "village_code", "age", *AREA_DERIVED))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Test(Strict):
    """A test of one column: exactly one of ``in``, ``min``/``max``, ``is`` and ``in_list``."""

    column: str
    in_: tuple[int, ...] | None = Field(None, alias="in")
    min: float | None = None
    max: float | None = None
    is_: bool | None = Field(None, alias="is")
    in_list: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Test:
        kinds = [self.in_ is not None, self.min is not None or self.max is not None]
        kinds += [self.is_ is not None, self.in_list is not None]
        if sum(kinds) != 1:
            raise ValueError(f"test of {self.column!r}: give one of in, min/max, is, in_list")
        return self


class All(Strict):
    all: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(Strict):
    any: tuple[Condition, ...] = Field(min_length=1)


class AtLeast(Strict):
    at_least: int = Field(ge=1)
    of: tuple[Condition, ...]

    @model_validator(mode="after")
    def _reachable(self) -> AtLeast:
        if self.at_least > len(self.of):
            raise ValueError(f"at_least {self.at_least} of {len(self.of)} conditions can never hold")
        return self


Condition = Test | All | AnyOf | AtLeast
for _combination in (All, AnyOf, AtLeast):
    _combination.model_rebuild()


def parts_of(condition: All | AnyOf | AtLeast) -> tuple[Condition, ...]:
    if isinstance(condition, All):
        return condition.all
    return condition.any if isinstance(condition, AnyOf) else condition.of


def columns_of(condition: Condition) -> tuple[str, ...]:
    """The columns a condition reads, each once, in the order they first appear."""
    if isinstance(condition, Test):
        return (condition.column,)
    parts = parts_of(condition)
    seen: dict[str, None] = {}
    for part in parts:
        seen.update(dict.fromkeys(columns_of(part)))
    return tuple(seen)


def lists_of(condition: Condition) -> tuple[str, ...]:
    if isinstance(condition, Test):
        return (condition.in_list,) if condition.in_list else ()
    parts = parts_of(condition)
    return tuple(name for part in parts for name in lists_of(part))


class CodeList(Strict):
    """Codes a rule can test a column against, with where they come from."""

    source: str
    codes: tuple[str, ...] = Field(min_length=1)
    names: tuple[str, ...] = ()  # what each code is, in the same order (optional)

    @model_validator(mode="after")
    def _names_match(self) -> CodeList:
        if self.names and len(self.names) != len(self.codes):
            raise ValueError("names must match codes one to one")
        return self


class Rule(Strict):
    id: str
    category: str
    description: Bilingual
    population: Literal["members", "outside"] = "members"
    when: Condition | None = None  # None: everyone of the population
    evidence: tuple[str, ...] = ()  # columns recorded as evidence besides those the condition reads

    @property
    def columns(self) -> tuple[str, ...]:
        read = columns_of(self.when) if self.when is not None else ()
        return tuple(dict.fromkeys((*read, *self.evidence)))

    @property
    def needs_deciles(self) -> bool:
        return DECILE in self.columns

    @model_validator(mode="after")
    def _valid(self) -> Rule:
        if not NAME.match(self.id):
            raise ValueError(f"rule id {self.id!r} must be lower_snake_case")
        if self.category not in taxonomy().codes:
            raise ValueError(f"rule {self.id!r}: no PPKS category {self.category!r}")
        known = MEMBER_COLUMNS if self.population == "members" else OUTSIDE_COLUMNS
        unknown = [c for c in self.columns if c not in known]
        if unknown:
            raise ValueError(f"rule {self.id!r} reads columns {self.population} do not have: {unknown}")
        return self


class Gap(Strict):
    """What the registry's data cannot reveal about a category (``no``) or reveals only in part (``partly``),
    and why."""

    category: str
    reveal: Literal["no", "partly"]
    reason: Bilingual

    @model_validator(mode="after")
    def _known(self) -> Gap:
        if self.category not in taxonomy().codes:
            raise ValueError(f"gap: no PPKS category {self.category!r}")
        return self


class RuleSet(Strict):
    name: str
    version: int = Field(ge=1)
    description: str = ""
    lists: dict[str, CodeList] = {}
    rules: tuple[Rule, ...] = Field(min_length=1)
    gaps: tuple[Gap, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        ids = [r.id for r in self.rules]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"rule ids repeat: {', '.join(repeated)}")
        for rule in self.rules:
            named = lists_of(rule.when) if rule.when is not None else ()
            missing = [name for name in named if name not in self.lists]
            if missing:
                raise ValueError(f"rule {rule.id!r} names lists that are not defined: {missing}")
        covered = {r.category for r in self.rules}
        said = {g.category: g.reveal for g in self.gaps}
        silent = [c for c in taxonomy().codes if c not in covered and said.get(c) != "no"]
        if silent:
            raise ValueError(f"categories with no rule need a gap saying why (reveal: no): {silent}")
        contradicted = [c for c in covered if said.get(c) == "no"]
        if contradicted:
            raise ValueError(f"categories with a rule cannot be unrevealed (reveal: no): {contradicted}")
        return self

    def gap(self, category: str) -> Gap | None:
        return next((g for g in self.gaps if g.category == category), None)

    @property
    def key(self) -> str:
        """What every candidate records as its rule version: ``<name>-<version>``."""
        return f"{self.name}-{self.version}"

    def usable(self, with_deciles: bool) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
        """(rules that can run, rules skipped because they need deciles and there are none)."""
        skipped = tuple(r for r in self.rules if r.needs_deciles and not with_deciles)
        return tuple(r for r in self.rules if r not in skipped), skipped

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


# --- Loading ---------------------------------------------------------------------------------------


def parse_rules(text: str, origin: str = "rules") -> RuleSet:
    try:
        return RuleSet.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as error:
        issue = Issue(origin, "rules.yaml", msg("{problem}", problem=str(error)))
        raise Invalid(msg("The PPKS rules {name} are not valid", name=origin), [issue]) from None
    except ValidationError as error:
        issues = [
            Issue(
                ".".join(str(p) for p in e["loc"]) or origin,
                "rules.invalid",
                msg("{problem}", problem=e["msg"]),
            )
            for e in error.errors()
        ]
        raise Invalid(msg("The PPKS rules {name} are not valid", name=origin), issues) from None


def load_rules(name_or_path: str | Path = "national") -> RuleSet:
    """A packaged rule set by name (``national``) or a YAML file by path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return parse_rules(path.read_text(encoding="utf-8"), str(path))
    return _packaged(str(name_or_path))


@cache
def _packaged(name: str) -> RuleSet:
    resource = resources.files("inklusi.ppks") / "rules" / f"{name}.yaml"
    if not resource.is_file():
        text = msg("No PPKS rule set named {name}", name=name)
        raise Invalid(text, [Issue("rules", "rules.unknown", text)])
    return parse_rules(resource.read_text(encoding="utf-8"), name)
