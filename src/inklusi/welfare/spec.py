"""A proxy-means test specification as data (YAML → pydantic), compiled to Ibis feature expressions.

A specification names the target (log per-capita consumption), the proxies and how each is computed from
what the registry holds — household answers, assets, the members' answers aggregated per household, the
village code — the region structure (one national model, area fixed effects, or separate models per group of
provinces) and how the model is chosen. ``welfare/specs/*.yaml`` ship with Inklusi; a new region or a new
questionnaire is a new file, not new code. :func:`features` turns a specification into one Ibis expression
over a households table and a persons table (the registry snapshot's layout, which is also the synthetic
survey's), the same on DuckDB and Spark.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.registry.model import WASHINGTON_GROUP_FIELDS
from inklusi.welfare.model import ModelKind

ProxyGroup = Literal["housing", "assets", "demographics", "education", "employment", "location"]
Aggregate = Literal["count", "sum", "mean", "share", "any", "max", "min", "head"]
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
HOUSEHOLD_KEY = "household_id"
AREA_COLUMNS = ("province_code", "regency_code")
PEOPLE = "people"  # members per household, from the persons table (or a size column)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Label(Strict):
    id: str
    en: str

    def text(self, language: str) -> str:
        return self.en if language == "en" else self.id


class PersonFilter(Strict):
    """Which members an aggregate counts: an age band and/or answers of one column."""

    min_age: int | None = None
    max_age: int | None = None
    column: str | None = None
    in_: tuple[int, ...] | None = Field(None, alias="in")


class Proxy(Strict):
    name: str
    group: ProxyGroup
    label: Label
    source: Literal["household", "person", "location"] = "household"
    column: str | None = None  # household or person column; for location: kelurahan | city
    kind: Literal["numeric", "categorical"] = "numeric"
    codelist: str | None = None  # value labels of a categorical proxy (registry code list)
    in_: tuple[int, ...] | None = Field(None, alias="in")  # 1 when the answer is one of these, else 0
    values: dict[int, float] | None = None  # answer code → number (e.g. certificate → years of school)
    aggregate: Aggregate | None = None  # person proxies: how members' values make one household value
    where: PersonFilter | None = None
    cap: float | None = None  # values above are cut to this
    per_capita: bool = False  # divided by the household's members
    log: bool = False  # log(1 + value)
    fill: float = 0.0  # the value when the answer is missing

    @field_validator("name")
    @classmethod
    def _identifier(cls, name: str) -> str:
        if not NAME.match(name):
            raise ValueError(f"proxy name {name!r} must be lower_snake_case")
        return name

    @model_validator(mode="after")
    def _consistent(self) -> Proxy:
        if self.source == "person" and self.aggregate is None:
            raise ValueError(f"person proxy {self.name!r} needs an aggregate")
        if self.source != "person" and self.aggregate is not None:
            raise ValueError(f"proxy {self.name!r}: aggregates are for person proxies")
        if self.source == "location" and self.column not in ("kelurahan", "city"):
            raise ValueError(f"location proxy {self.name!r}: column must be kelurahan or city")
        if self.aggregate not in ("count", "share") and self.column is None and self.source != "location":
            raise ValueError(f"proxy {self.name!r} needs a column")
        if self.kind == "categorical" and (self.in_ or self.values or self.per_capita or self.log):
            raise ValueError(f"categorical proxy {self.name!r} takes no transformation")
        return self


class Target(Strict):
    column: str = "consumption_per_capita"
    log: bool = True  # take the log (False: the column already is log welfare)
    per_capita_by: str | None = None  # divide by this column first (household totals)


class Region(Strict):
    """How space enters the model: area fixed effects at ``area`` and/or separate models per group."""

    area: Literal["province", "regency"] = "province"
    shrinkage: float = 5.0  # ridge penalty on area effects, in households' worth of evidence
    groups: dict[str, tuple[str, ...]] | None = None  # group → province codes, for separate models
    min_group_households: int = 300  # smaller groups fall back to the national model


class Selection(Strict):
    candidates: tuple[ModelKind, ...] = (ModelKind.ols, ModelKind.ols_area, ModelKind.gbm)
    coverage: float = 0.4  # choose the model with the lowest out-of-fold exclusion error here
    folds: int = 5
    seed: int = 20261127


class Boosting(Strict):
    rounds: int = 800
    learning_rate: float = 0.02
    leaves: int = 7
    min_households_per_leaf: int = 30
    feature_fraction: float = 0.8
    l2: float = 1.0


class PovertyLine(Strict):
    """Rupiah per capita per month below which a household is poor (BPS, March 2024); urban = a kelurahan
    (the village code's tenth character is 1), as the location proxies read it."""

    urban: float = Field(601_871.0, gt=0)
    rural: float = Field(556_874.0, gt=0)


class Spec(Strict):
    name: str
    version: int = 1
    description: str = ""
    target: Target = Target()
    proxies: tuple[Proxy, ...]
    region: Region = Region()
    selection: Selection = Selection()
    boosting: Boosting = Boosting()
    poverty_line: PovertyLine = PovertyLine()

    @model_validator(mode="after")
    def _unique(self) -> Spec:
        names = [p.name for p in self.proxies]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"proxy names repeat: {', '.join(duplicates)}")
        return self

    @property
    def numeric(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.proxies if p.kind == "numeric")

    @property
    def categorical(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.proxies if p.kind == "categorical")

    def proxy(self, name: str) -> Proxy:
        return next(p for p in self.proxies if p.name == name)

    @property
    def needs_persons(self) -> bool:
        return any(p.source == "person" for p in self.proxies)

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"


# --- Loading ---------------------------------------------------------------------------------------


def parse_spec(text: str, origin: str = "spec") -> Spec:
    try:
        return Spec.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValueError) as error:
        issues = _issues(error, origin)
        raise Invalid(msg("The PMT specification {name} is not valid", name=origin), issues) from None


def _issues(error: Exception, origin: str) -> list[Issue]:
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return [Issue(origin, "spec.yaml", msg("{problem}", problem=str(error)))]
    return [
        Issue(
            ".".join(str(p) for p in e["loc"]) or origin, "spec.invalid", msg("{problem}", problem=e["msg"])
        )
        for e in errors()
    ]


def load_spec(name_or_path: str | Path) -> Spec:
    """A packaged specification by name (``national``) or a YAML file by path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return parse_spec(path.read_text(encoding="utf-8"), str(path))
    return _packaged(str(name_or_path))


@cache
def _packaged(name: str) -> Spec:
    resource = resources.files("inklusi.welfare") / "specs" / f"{name}.yaml"
    if not resource.is_file():
        raise Invalid(msg("No PMT specification named {name}", name=name))
    return parse_spec(resource.read_text(encoding="utf-8"), name)


def packaged_specs() -> list[str]:
    folder = resources.files("inklusi.welfare") / "specs"
    return sorted(
        entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml")
    )


# --- Compiling to Ibis -----------------------------------------------------------------------------


def _years_between(born: ir.DateValue, on: ir.DateValue) -> ir.IntegerValue:
    """Completed years of age on ``on``."""
    before_birthday = (born.month() * 100 + born.day()) > (on.month() * 100 + on.day())
    return on.year() - born.year() - before_birthday.cast("int64")


def _coded(value: ir.Value, proxy: Proxy) -> ir.Value:
    """A raw answer turned into a number: a flag for ``in``, a mapping for ``values``, else as is."""
    if proxy.in_ is not None:
        return ibis.ifelse(value.isnull(), ibis.null("float64"), value.isin(proxy.in_).cast("float64"))
    if proxy.values is not None:
        return value.substitute(
            {int(k): float(v) for k, v in proxy.values.items()}, else_=ibis.null("float64")
        )
    return value.cast("float64")


def _finish(value: ir.Value, proxy: Proxy, people: ir.Value, answers: bool = False) -> ir.Value:
    if proxy.kind == "categorical":
        return value.cast("int64").fill_null(-1)
    if answers:  # as a person would say it: per person if the proxy is, but neither capped nor logged
        value = value.cast("float64")
        return value / people.cast("float64") if proxy.per_capita else value
    value = value.cast("float64").fill_null(proxy.fill)
    if proxy.cap is not None:
        value = ibis.least(value, proxy.cap)
    if proxy.per_capita:
        value = value / people.cast("float64")
    if proxy.log:
        value = (value + 1.0).ln()
    return value


def _person_aggregate(persons: ir.Table, proxy: Proxy) -> ir.Value:
    keep = persons[HOUSEHOLD_KEY].notnull()
    if proxy.where is not None:
        f = proxy.where
        if f.min_age is not None:
            keep = keep & (persons.age >= f.min_age)
        if f.max_age is not None:
            keep = keep & (persons.age <= f.max_age)
        if f.column is not None and f.in_ is not None:
            keep = keep & persons[f.column].isin(f.in_).fill_null(False)
    keep = keep.fill_null(False)
    if proxy.aggregate == "count":
        return keep.cast("float64").sum()
    if proxy.aggregate == "share":
        return keep.cast("float64").mean()
    value = _coded(persons[proxy.column], proxy)
    if proxy.aggregate == "head":
        return value.argmin(persons._head_order, where=persons.relationship == 1)
    if proxy.aggregate == "any":
        return value.max(where=keep)
    assert proxy.aggregate is not None  # a person proxy names one (Proxy checks)
    return getattr(value, proxy.aggregate)(where=keep)


def person_columns(persons: ir.Table, reference: ir.Value) -> ir.Table:
    """Members with the derived answers proxies use: ``age`` on the reference date and ``disability``
    (Washington Group cut-off: a lot of difficulty or cannot do at all, in any domain)."""
    disability = ibis.literal(False)
    for name in WASHINGTON_GROUP_FIELDS:
        disability = disability | persons[name].isin((1, 2)).fill_null(False)
    return persons.mutate(
        age=_years_between(persons.birth_date, reference),
        disability=disability.cast("int64"),
        _head_order=persons.family_id,
    )


def area_columns(households: ir.Table) -> dict[str, ir.Value]:
    """Province and regency codes: from the columns if the file has them, else from the village code."""
    columns = {}
    for name, length in (("province_code", 2), ("regency_code", 5)):
        if name in households.columns:
            columns[name] = households[name].cast("string")
        elif "village_code" in households.columns:
            columns[name] = households.village_code.substr(0, length)
    return columns


def features(
    spec: Spec,
    households: ir.Table,
    persons: ir.Table | None,
    reference_date: date | None = None,
    keep: tuple[str, ...] = (),
    *,
    answers: bool = False,
) -> ir.Table:
    """One row per household: its id, areas, members (``people``) and every proxy's value.

    ``reference_date`` dates ages (default: the household's ``enumerated_on`` if the file has it);
    ``keep`` carries more household columns through (the target, a survey weight). ``answers``: each
    proxy's value as the household gave it (per person where the proxy is per person), before the cap,
    the log and the fill for a missing answer — what an explanation shows, not what the model uses."""
    households = households.mutate(**area_columns(households))
    if reference_date is not None:
        households = households.mutate(_reference=ibis.literal(reference_date))
    elif "enumerated_on" in households.columns:
        households = households.mutate(_reference=households.enumerated_on.cast("date"))
    else:
        raise Invalid(msg("Give a reference date: the household file has no enumerated_on column"))
    if persons is not None:
        dated = persons.join(households.select(HOUSEHOLD_KEY, "_reference"), HOUSEHOLD_KEY)
        members = person_columns(dated, dated._reference)
        aggregates = {PEOPLE: members.count().cast("int64")}
        aggregates |= {p.name: _person_aggregate(members, p) for p in spec.proxies if p.source == "person"}
        per_household = members.group_by(HOUSEHOLD_KEY).aggregate(**aggregates)
        joined = households.left_join(per_household, HOUSEHOLD_KEY).drop(f"{HOUSEHOLD_KEY}_right")
        people = joined[PEOPLE].fill_null(0)
        if "household_size" in households.columns:
            people = ibis.ifelse(people > 0, people, joined.household_size.cast("int64"))
        joined = joined.mutate(**{PEOPLE: people})
    elif spec.needs_persons:
        raise Invalid(msg("The specification {name} needs a persons file", name=spec.name))
    else:
        joined = households.mutate(**{PEOPLE: households.household_size.cast("int64")})
    people = ibis.greatest(joined[PEOPLE], 1)
    values = {}
    for proxy in spec.proxies:
        if proxy.source == "person":
            raw = joined[proxy.name]
        elif proxy.source == "location":
            assert proxy.column is not None  # kelurahan or city (Proxy checks)
            raw = _location(joined, proxy.column)
        else:
            raw = _coded(joined[proxy.column], proxy) if proxy.kind == "numeric" else joined[proxy.column]
        values[proxy.name] = _finish(raw, proxy, people, answers)
    areas = [c for c in (*AREA_COLUMNS, "village_code") if c in joined.columns]
    return joined.select(HOUSEHOLD_KEY, *areas, PEOPLE, *keep, **values)


def _location(households: ir.Table, which: str) -> ir.Value:
    """``kelurahan``: the village is a kelurahan (urban administration; its code's fourth part starts
    with 1). ``city``: the regency is a kota (regency number 71 and above)."""
    code = households.village_code
    if which == "kelurahan":
        return (code.substr(9, 1) == "1").cast("float64")
    return (code.substr(3, 2).cast("int64") >= 71).cast("float64")


# --- One household in plain Python -------------------------------------------------------------------
# The same computation as :func:`features` for a single household (its rows of the snapshot's two tables),
# without an analytics engine: explaining one household's score on its page must not start one. Every step
# mirrors the Ibis expression above it (missing answers as SQL treats NULL); tests/welfare/test_spec.py
# checks that both give the same values for every proxy of the packaged specifications.

Row = dict[str, Any]


def household_features(
    spec: Spec, household: Row, persons: list[Row], reference_date: date, *, answers: bool = False
) -> Row:
    """:func:`features` of one household: ``household`` is its row of the households table, ``persons``
    its rows of the persons table (``household_tables`` lays a registry record out so)."""
    row: Row = {HOUSEHOLD_KEY: household[HOUSEHOLD_KEY]}
    village = household.get("village_code")
    for name, length in (("province_code", 2), ("regency_code", 5)):
        if name in household:
            row[name] = None if household[name] is None else str(household[name])
        elif "village_code" in household:
            row[name] = None if village is None else str(village)[:length]
    if "village_code" in household:
        row["village_code"] = village
    members = [_member(person, reference_date) for person in persons]
    people = len(members)
    if people == 0 and household.get("household_size") is not None:
        people = int(household["household_size"])
    row[PEOPLE] = people
    divisor = float(max(people, 1))
    for proxy in spec.proxies:
        if proxy.source == "person":
            raw = _aggregate_one(members, proxy)
        elif proxy.source == "location":
            raw = _location_one(village, proxy.column)
        elif proxy.kind == "numeric":
            raw = _coded_one(_answer(household, proxy.column), proxy)
        else:
            raw = _answer(household, proxy.column)
        row[proxy.name] = _finish_one(raw, proxy, divisor, answers)
    return row


def _answer(row: Row, column: str | None) -> Any:
    return row.get(column) if column is not None else None


def _member(person: Row, reference: date) -> Row:
    born = person.get("birth_date")
    age = None
    if born is not None:
        age = reference.year - born.year - int((born.month, born.day) > (reference.month, reference.day))
    disability = any(person.get(name) in (1, 2) for name in WASHINGTON_GROUP_FIELDS)
    return person | {"age": age, "disability": int(disability)}


def _coded_one(value: Any, proxy: Proxy) -> float | None:
    if value is None:
        return None
    if proxy.in_ is not None:
        return float(value in proxy.in_)
    if proxy.values is not None:
        return {int(k): float(v) for k, v in proxy.values.items()}.get(int(value))
    return float(value)


def _kept(member: Row, where: PersonFilter | None) -> bool:
    if where is None:
        return True
    age = member["age"]
    if where.min_age is not None and (age is None or age < where.min_age):
        return False
    if where.max_age is not None and (age is None or age > where.max_age):
        return False
    if where.column is not None and where.in_ is not None:
        return member.get(where.column) in where.in_
    return True


def _aggregate_one(members: list[Row], proxy: Proxy) -> float | None:
    if not members:  # no member rows: the left join leaves every aggregate missing
        return None
    kept = [_kept(m, proxy.where) for m in members]
    if proxy.aggregate == "count":
        return float(sum(kept))
    if proxy.aggregate == "share":
        return sum(kept) / len(kept)
    if proxy.aggregate == "head":  # the head of the family that sorts first; its answer, even if missing
        heads = sorted((str(m["family_id"]), i) for i, m in enumerate(members) if m.get("relationship") == 1)
        return _coded_one(_answer(members[heads[0][1]], proxy.column), proxy) if heads else None
    chosen = [m for m, keep in zip(members, kept, strict=True) if keep]
    values = [_coded_one(_answer(m, proxy.column), proxy) for m in chosen]
    present = [v for v in values if v is not None]
    if not present:
        return None
    if proxy.aggregate in ("any", "max"):
        return max(present)
    if proxy.aggregate == "min":
        return min(present)
    if proxy.aggregate == "sum":
        return sum(present)
    return sum(present) / len(present)  # mean


def _location_one(village: str | None, which: str | None) -> float | None:
    if village is None:
        return None
    if which == "kelurahan":
        return float(village[9:10] == "1")
    return float(int(village[3:5]) >= 71)


def _finish_one(value: Any, proxy: Proxy, people: float, answers: bool) -> Any:
    if proxy.kind == "categorical":
        return -1 if value is None else int(value)
    if answers:
        if value is None:
            return None
        return float(value) / people if proxy.per_capita else float(value)
    number = proxy.fill if value is None else float(value)
    if proxy.cap is not None:
        number = min(number, proxy.cap)
    if proxy.per_capita:
        number = number / people
    if proxy.log:
        number = math.log(number + 1.0)
    return number
