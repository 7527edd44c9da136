"""Social assistance programmes as data (YAML → pydantic): who is eligible, what a household receives, the
budget and the quotas. Pure: no engine, no database.

A programme names its eligibility (a welfare decile cut-off at a level, PPKS categories, household components
that must be present, areas), its benefit (per household, per member, per component person, with a cap on
the persons counted and a floor and ceiling), a yearly budget (``null``: every eligible household), quotas by
area and the programmes whose beneficiaries it excludes. Amounts are Rupiah **per year**; ``periodicity``
only says how often the benefit is paid. :mod:`inklusi.programmes.expr` compiles a programme to Ibis. A
released version never changes meaning: a changed programme is a new ``version``. ``docs/programmes.md``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.ppks.taxonomy import taxonomy

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
AREA = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class Component(StrEnum):
    """Kinds of member a household may have; ages are completed years on the reference date."""

    children_0_6 = "children_0_6"
    children_sd = "children_sd"  # 7–12: primary school age
    children_smp = "children_smp"  # 13–15: junior secondary
    children_sma = "children_sma"  # 16–18: senior secondary
    elderly = "elderly"  # 60 and over
    disabled = "disabled"  # Washington Group: a lot of difficulty or cannot do at all, any domain
    pregnant = "pregnant"  # not held by Regsosek or the registry: always 0, reported as a gap
    members = "members"  # every member


COMPONENTS = tuple(Component)
NOT_HELD = (Component.pregnant,)  # components the registry cannot see


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Label(Strict):
    id: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, language: str) -> str:
        return self.en if language == "en" else self.id


class DecileCut(Strict):
    """Households whose welfare decile at ``level`` is at most ``max`` (1 = the poorest tenth)."""

    level: Literal["national", "province", "regency"] = "national"
    max: int = Field(ge=1, le=10)


class Eligibility(Strict):
    decile: DecileCut | None = None
    ppks: tuple[str, ...] = ()  # a member flagged in one of these PPKS categories
    require_any: tuple[Component, ...] = ()  # at least one member of one of these components
    areas: tuple[str, ...] = ()  # area code prefixes (province "32", regency "32.73", …)

    @field_validator("ppks")
    @classmethod
    def _categories(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in codes if c not in taxonomy().codes]
        if unknown:
            raise ValueError(f"no PPKS category {', '.join(unknown)}")
        return codes

    @field_validator("areas")
    @classmethod
    def _areas(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in codes if not AREA.match(c)]
        if bad:
            raise ValueError(f"not an area code (PP, PP.RR, PP.RR.DD or PP.RR.DD.VVVV): {', '.join(bad)}")
        return codes


class Benefit(Strict):
    """Rupiah per year: per household + per member + per counted component person, then floor and cap."""

    per_household: float = Field(0.0, ge=0)
    per_member: float = Field(0.0, ge=0)
    per_component: dict[Component, float] = {}
    max_counted: int | None = Field(None, ge=1)  # component persons counted per household, highest first
    floor: float | None = Field(None, ge=0)
    cap: float | None = Field(None, ge=0)

    @field_validator("per_component")
    @classmethod
    def _positive(cls, amounts: dict[Component, float]) -> dict[Component, float]:
        negative = [str(c) for c, a in amounts.items() if a < 0]
        if negative:
            raise ValueError(f"amounts cannot be negative: {', '.join(negative)}")
        return amounts

    @model_validator(mode="after")
    def _bounds(self) -> Benefit:
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise ValueError("floor is above cap")
        return self

    def counted(self) -> tuple[tuple[Component, float], ...]:
        """Component amounts, highest first (ties by name): the order persons are counted in."""
        return tuple(sorted(self.per_component.items(), key=lambda item: (-item[1], item[0].value)))


class Quota(Strict):
    """Households per area: ``total`` split by largest remainder on the basis, or ``fixed`` numbers."""

    basis: Literal["population", "poor", "fixed"]
    level: Literal["province", "regency"] = "province"
    total: int | None = Field(None, ge=0)
    fixed: dict[str, int] = {}

    @model_validator(mode="after")
    def _complete(self) -> Quota:
        if self.basis == "fixed":
            if not self.fixed:
                raise ValueError("a fixed quota needs fixed: {area code: households}")
            width = 2 if self.level == "province" else 5
            bad = [c for c in self.fixed if not AREA.match(c) or len(c) != width]
            if bad:
                raise ValueError(f"not {self.level} codes: {', '.join(bad)}")
            if any(n < 0 for n in self.fixed.values()):
                raise ValueError("fixed quotas cannot be negative")
        elif self.total is None:
            raise ValueError(f"a quota by {self.basis} needs a total")
        elif self.fixed:
            raise ValueError("fixed numbers are for basis: fixed")
        return self


class ProgrammeSpec(Strict):
    name: str
    version: int = Field(1, ge=1)
    label: Label
    description: Label
    periodicity: Literal["monthly", "quarterly", "yearly"] = "monthly"
    eligibility: Eligibility = Eligibility()
    benefit: Benefit
    budget: float | None = Field(None, ge=0)
    quota: Quota | None = None
    exclude: tuple[str, ...] = ()

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not NAME.match(name):
            raise ValueError(f"programme name {name!r} must be lower_snake_case")
        return name

    @model_validator(mode="after")
    def _consistent(self) -> ProgrammeSpec:
        if self.name in self.exclude:
            raise ValueError("a programme cannot exclude itself")
        return self

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"

    @property
    def gaps(self) -> tuple[str, ...]:
        """Components the programme reads that the registry does not hold."""
        read = set(self.eligibility.require_any) | set(self.benefit.per_component)
        return tuple(c.value for c in NOT_HELD if c in read)


# --- Loading ---------------------------------------------------------------------------------------


def _invalid(origin: str, issues: list[Issue]) -> Invalid:
    return Invalid(msg("The programme {name} is not valid", name=origin), issues)


def parse_programme(data: object, origin: str = "programme") -> ProgrammeSpec:
    """A programme from parsed YAML or JSON; errors name the field."""
    try:
        return ProgrammeSpec.model_validate(data)
    except ValidationError as error:
        issues = [
            Issue(
                ".".join(str(p) for p in e["loc"]) or origin,
                "programme.invalid",
                msg("{problem}", problem=e["msg"]),
            )
            for e in error.errors()
        ]
        raise _invalid(origin, issues) from None


def parse_yaml(text: str, origin: str = "programme") -> ProgrammeSpec:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _invalid(
            origin, [Issue(origin, "programme.yaml", msg("{problem}", problem=str(error)))]
        ) from None
    if not isinstance(data, dict):
        text_ = msg("A programme is a YAML mapping (name, label, benefit, …)")
        raise _invalid(origin, [Issue(origin, "programme.yaml", text_)])
    return parse_programme(data, origin)


def spec_from_json(text: str) -> ProgrammeSpec:
    """A programme from its JSON (``spec.model_dump_json()``), as stored."""
    try:
        return ProgrammeSpec.model_validate_json(text)
    except ValidationError as error:
        issues = [
            Issue(
                ".".join(str(p) for p in e["loc"]) or "spec",
                "programme.invalid",
                msg("{problem}", problem=e["msg"]),
            )
            for e in error.errors()
        ]
        raise _invalid("json", issues) from None


def load_programme(name_or_path: str | Path) -> ProgrammeSpec:
    """A shipped programme by name (``pkh``) or a YAML file by path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            text = msg("No programme file {path}", path=str(path))
            raise Invalid(text, [Issue("spec", "programme.unknown", text)])
        return parse_yaml(path.read_text(encoding="utf-8"), str(path))
    return _shipped(str(name_or_path))


@cache
def _shipped(name: str) -> ProgrammeSpec:
    resource = resources.files("inklusi.programmes") / "specs" / f"{name}.yaml"
    if not NAME.match(name) or not resource.is_file():
        text = msg(
            "No programme named {name} (shipped: {names})", name=name, names=", ".join(shipped_programmes())
        )
        raise Invalid(text, [Issue("spec", "programme.unknown", text)])
    return parse_yaml(resource.read_text(encoding="utf-8"), name)


def shipped_programmes() -> tuple[str, ...]:
    folder = resources.files("inklusi.programmes") / "specs"
    return tuple(sorted(e.name.removesuffix(".yaml") for e in folder.iterdir() if e.name.endswith(".yaml")))
