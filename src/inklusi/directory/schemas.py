"""Wire models of the directory's API. Services travel as HSDS 3 service objects (plain JSON, checked
against the shipped schemas in the tests); a list of them is an HSDS API page."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ServicePageOut(BaseModel):
    """A page of services, as the HSDS 3 API pages them (``Page`` with ``contents``)."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


class ImportOut(BaseModel):
    """What an import did; ``errors``: the problems of the records refused, and warnings."""

    received: int
    imported: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[dict[str, Any]]  # field, code, severity, message: {"id": …, "en": …}
