"""The SQL twin of :meth:`inklusi.access.model.Scope.covers`, for every store that filters by area scope."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from inklusi.access.model import Scope


def in_area(column, code: str) -> ColumnElement[bool]:
    """The SQL twin of :func:`inklusi.wilayah.model.is_within`: the area itself or anything inside it."""
    return or_(column == code, column.startswith(code + ".", autoescape=True))


def in_scope(column, scope: Scope) -> ColumnElement[bool]:
    """A village (or any area) code column inside the scope."""
    if scope.national:
        return true()
    if not scope.areas:
        return false()
    return or_(*(in_area(column, code) for code in scope.areas))
