"""The instrument's XLSForm workbook, its conditions and its released versions, without pyxform and ODK
Validate (Java): those are in ../test_xlsform.py."""

from __future__ import annotations

from openpyxl import load_workbook

from inklusi.instrument.model import Condition, available, load, released_fingerprints
from inklusi.instrument.xlsform import write_xlsform, xpath

INSTRUMENT = load()


def test_the_workbook_keeps_regsosek_question_numbers_as_names(tmp_path):
    sheet = load_workbook(write_xlsform(INSTRUMENT, tmp_path / "form.xlsx"))["survey"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "r303" in names and "r428a" in names and "blok4" in names


def test_conditions_compile_to_xpath():
    condition = Condition.model_validate(
        {"all": [{"field": "r404", "in": [1, 4]}, {"field": "r407", "min": 5}]}
    )
    assert xpath(condition, INSTRUMENT) == "((${r404} = '1' or ${r404} = '4') and ${r407} >= 5)"
    assert condition.holds({"r404": 4, "r407": 7}) and not condition.holds({"r404": 4, "r407": 3})
    assert not condition.holds({"r404": None, "r407": 9})


def test_a_released_version_keeps_its_content():
    """Changing the questionnaire means a new version: each definition matches its released fingerprint."""
    released = released_fingerprints()
    for name in available():
        instrument = load(name)
        assert released.get(instrument.key) == instrument.fingerprint, (
            f"{name}.yaml changed but is still version {instrument.version}: give it a new version and "
            "record it in instrument/released.yaml"
        )
    edited = INSTRUMENT.model_copy(update={"title": INSTRUMENT.title.model_copy(update={"en": "Edited"})})
    assert edited.fingerprint != INSTRUMENT.fingerprint
