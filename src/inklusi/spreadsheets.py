"""Text bound for a spreadsheet: every cell of a CSV or XLSX file Inklusi writes for people to open goes
through :func:`cell`, so that an answer someone typed into a form (``=HYPERLINK(…)``) is shown as text,
never run as a formula by Excel or LibreOffice (CSV injection)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """The value as a spreadsheet should show it: text that starts like a formula gets a leading
    apostrophe (the spreadsheets' own sign for "this is text"); anything else is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
