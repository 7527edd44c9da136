"""Issue 11: the input limits and formula neutralising that need no database and no upload."""

from __future__ import annotations

from inklusi.instrument.model import load
from inklusi.instrument.xlsform import write_xlsform
from inklusi.registry.tables import household_version, person_version

INSTRUMENT = load()


def test_the_limits_are_what_the_registry_keeps():
    from inklusi.instrument.validation import SUBMISSION_ID_LENGTH, TEXT_LENGTH, TEXT_LENGTHS, text_length

    columns = {
        "household.sls": household_version.c.sls,
        "household.address": household_version.c.address,
        "person.name": person_version.c.name,
        "person.birth_place": person_version.c.birth_place,
    }
    for target, column in columns.items():
        assert column.type.length is None or TEXT_LENGTHS[target] <= column.type.length, target
    from inklusi.instrument.tables import import_submission

    assert import_submission.c.submission_id.type.length == SUBMISSION_ID_LENGTH
    for question in INSTRUMENT.questions:
        if question.type == "text":
            assert text_length(question) <= TEXT_LENGTH or question.target in TEXT_LENGTHS


def test_every_formula_start_is_neutralised_and_nothing_else():
    from inklusi.spreadsheets import cell

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert cell(start + "1") == "'" + start + "1"
    assert [cell(v) for v in ("Budi", "", 5, None, "1-2")] == ["Budi", "", 5, None, "1-2"]


def test_the_xlsform_holds_no_formula(tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(write_xlsform(INSTRUMENT, tmp_path / "form.xlsx"))
    assert not [
        c.coordinate for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"
    ]
