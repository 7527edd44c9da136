"""The PPKS needs profile (``ppks/needs.yaml``): what a flagged person needs and what meets it. Pure.

A person flagged in a category **needs** the ATENSI service types of that category (``services`` in
``categories.yaml``). A need is **met** when a programme recorded for the person (or their family) meets it
(``needs.yaml`` maps every programme of the registry's code lists to the service types it meets) or when a
service of that type is recorded for the person (case management, a later issue; the ``services`` input of
:mod:`inklusi.ppks.aggregates` may be empty today). A flag has an **unmet need** when one of its category's
needs is met by nothing recorded, and is **unserved** when none of them is met.

The analytics side works on bit masks, one bit per service type (:func:`service_bit`), so that "which
needs are met" is one integer per person and "unmet" one ``&`` per flag, on DuckDB and Spark alike.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.ppks.model import CODE, ServiceType
from inklusi.ppks.taxonomy import categories
from inklusi.registry.codelists import codelist

Source = Literal["person_programme", "family_programme", "health_insurance"]
SERVICES: tuple[ServiceType, ...] = tuple(ServiceType)


class Programme(BaseModel):
    """A programme the registry records and the service types it meets (``meets`` may be empty)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    code: str
    source: Source = Field("person_programme", alias="from")
    flag: int | None = None
    meets: tuple[ServiceType, ...]
    basis: str

    @field_validator("code")
    @classmethod
    def _snake_case(cls, code: str) -> str:
        if not CODE.match(code):
            raise ValueError(f"programme code {code!r} must be lower_snake_case")
        return code

    @model_validator(mode="after")
    def _known(self) -> Programme:
        codes = codelist(self.source).codes
        if self.source == "health_insurance":
            if self.flag not in codes:
                raise ValueError(
                    f"{self.code}: flag must be one of the health_insurance codes {sorted(codes)}"
                )
        elif self.flag is not None:
            raise ValueError(f"{self.code}: only a health_insurance programme has a flag")
        elif self.code not in codes:
            raise ValueError(f"{self.code}: not a code of the {self.source} list")
        if len(set(self.meets)) != len(self.meets):
            raise ValueError(f"{self.code}: service types repeat")
        return self

    @property
    def mask(self) -> int:
        return needs_mask(self.meets)


class NeedsProfile(BaseModel):
    """The needs file: its sources and every programme of the person and family code lists, mapped."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    programmes: tuple[Programme, ...]

    @field_validator("programmes")
    @classmethod
    def _each_once(cls, programmes: tuple[Programme, ...]) -> tuple[Programme, ...]:
        codes = [p.code for p in programmes]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"programme codes repeat: {', '.join(repeated)}")
        listed = {str(k) for name in ("person_programme", "family_programme") for k in codelist(name).codes}
        missing = sorted(listed - set(codes))
        if missing:
            raise ValueError(
                f"programmes of the registry not mapped (say meets: [] if none): {', '.join(missing)}"
            )
        return programmes

    def programme(self, code: str) -> Programme:
        for programme in self.programmes:
            if programme.code == code:
                return programme
        raise KeyError(code)

    def programme_masks(self) -> dict[str, int]:
        """Programme code -> the bit mask of the service types it meets (programmes meeting none left out)."""
        return {p.code: p.mask for p in self.programmes if p.meets}


def service_bit(service: ServiceType) -> int:
    return 1 << SERVICES.index(service)


def needs_mask(services: tuple[ServiceType, ...] | list[ServiceType]) -> int:
    mask = 0
    for service in services:
        mask |= service_bit(service)
    return mask


def services_of(mask: int) -> tuple[ServiceType, ...]:
    return tuple(s for s in SERVICES if mask & service_bit(s))


def category_masks() -> dict[str, int]:
    """Category code -> the bit mask of the service types it needs (from the taxonomy)."""
    return {c.code: needs_mask(c.services) for c in categories()}


def unmet(needed: int, met: int) -> int:
    """The needs (a mask) that nothing met."""
    return needed & ~met


def has_unmet_need(needed: int, met: int) -> bool:
    return unmet(needed, met) != 0


def is_unserved(needed: int, met: int) -> bool:
    return needed & met == 0


def parse_needs(text: str, origin: str = "needs.yaml") -> NeedsProfile:
    try:
        return NeedsProfile.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as error:
        issue = Issue(origin, "needs.yaml", msg("{problem}", problem=str(error)))
        raise Invalid(msg("The PPKS needs profile {name} is not valid", name=origin), [issue]) from None
    except ValidationError as error:
        issues = [
            Issue(
                ".".join(str(p) for p in e["loc"]) or origin,
                "needs.invalid",
                msg("{problem}", problem=e["msg"]),
            )
            for e in error.errors()
        ]
        raise Invalid(msg("The PPKS needs profile {name} is not valid", name=origin), issues) from None


@cache
def needs_profile() -> NeedsProfile:
    """The packaged needs profile."""
    resource = resources.files("inklusi.ppks") / "needs.yaml"
    return parse_needs(resource.read_text(encoding="utf-8"))
