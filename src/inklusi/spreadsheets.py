"""Text bound for a spreadsheet: every cell of a CSV or XLSX file Inklusi writes for people to open goes
through :func:`cell`, so that an answer someone typed into a form (``=HYPERLINK(…)``) is shown as text,
never run as a formula by Excel or LibreOffice (CSV injection). :func:`csv_bytes` and :func:`xlsx_bytes`
write whole files that way."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """The value as a spreadsheet should show it: text that starts like a formula gets a leading
    apostrophe (the spreadsheets' own sign for "this is text"); anything else is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file (UTF-8 with a byte order mark, so that spreadsheets read it as UTF-8), every cell through
    :func:`cell`."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([cell(name) for name in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name (at most 31 characters), a header row and the rows under it."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook of these sheets, every cell through :func:`cell` and written as the value it is
    (text stays text: nothing is stored as a formula), the header row bold and frozen."""
    from openpyxl import Workbook  # imported here: only exports need it
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]  # a new workbook always has its first sheet
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.name[:31])
        worksheet.append([cell(name) for name in sheet.header])
        for heading in worksheet[1]:
            heading.font = bold
        for row in sheet.rows:
            worksheet.append([cell(value) for value in row])
        for written in worksheet.iter_rows(min_row=1):
            for entry in written:
                if isinstance(entry.value, str):
                    entry.data_type = "s"  # never a formula, whatever the text starts with
        worksheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
