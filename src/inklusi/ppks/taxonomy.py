"""Loading the PPKS taxonomy (``ppks/categories.yaml``), checked by pydantic when it loads."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import ValidationError

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.ppks.model import Category, Taxonomy


def parse_taxonomy(text: str, origin: str = "categories.yaml") -> Taxonomy:
    try:
        return Taxonomy.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as error:
        issue = Issue(origin, "taxonomy.yaml", msg("{problem}", problem=str(error)))
        raise Invalid(msg("The PPKS taxonomy {name} is not valid", name=origin), [issue]) from None
    except ValidationError as error:
        issues = [
            Issue(
                ".".join(str(p) for p in e["loc"]) or origin,
                "taxonomy.invalid",
                msg("{problem}", problem=e["msg"]),
            )
            for e in error.errors()
        ]
        raise Invalid(msg("The PPKS taxonomy {name} is not valid", name=origin), issues) from None


@cache
def taxonomy() -> Taxonomy:
    """The packaged taxonomy (the 26 categories of Permensos 8/2012)."""
    resource = resources.files("inklusi.ppks") / "categories.yaml"
    return parse_taxonomy(resource.read_text(encoding="utf-8"))


def categories() -> tuple[Category, ...]:
    return taxonomy().categories


def category(code: str) -> Category:
    """One category by code; an unknown code is bad input."""
    try:
        return taxonomy().category(code)
    except KeyError:
        text = msg("No PPKS category {code}", code=code)
        raise Invalid(text, [Issue("category", "category.unknown", text)]) from None
