"""The instrument as an XLSForm that pyxform turns into a valid XForm (ODK Validate runs on Java 17)."""

from __future__ import annotations

import re

import pytest
from pyxform.xls2xform import convert

from inklusi.instrument.model import load
from inklusi.instrument.xlsform import write_xlsform

INSTRUMENT = load()


@pytest.fixture(scope="module")
def xform(tmp_path_factory) -> str:
    path = write_xlsform(INSTRUMENT, tmp_path_factory.mktemp("xlsform") / "regsosek22k.xlsx")
    return convert(xlsform=str(path), validate=True).xform  # raises if ODK Validate rejects it


def test_every_question_becomes_a_bound_field(xform):
    binds = set(re.findall(r'nodeset="/data/(?:[a-z0-9]+/)*(r[0-9]{3}[a-z]?)"', xform))
    assert binds == {q.code for q in INSTRUMENT.questions}


def bind(xform: str, code: str) -> str:
    return re.search(rf'<bind nodeset="/data/[a-z0-9]+/{code}"[^>]*>', xform).group(0)


def test_skip_logic_constraints_and_required_answers_survive(xform):
    assert "relevant=\"( /data/blok3/r301a  = '1')\"" in bind(xform, "r301b")
    assert 'required="true()"' in bind(xform, "r101") and "regex(., '^[0-9]{2}$')" in bind(xform, "r101")
    assert 'constraint=". &gt;= 1 and . &lt;= 997"' in bind(xform, "r302")
    assert "regex(., &quot;^[A-Za-z][A-Za-z .,'-]*$&quot;)" in bind(
        xform, "r402"
    )  # a quote inside the pattern
    assert "../r407  &gt;= 5" in bind(
        xform, "r412"
    )  # asked from age 5: relative to the member, in the repeat


def test_members_repeat_and_both_languages_are_there(xform):
    assert '<group ref="/data/blok4">' in xform and 'nodeset="/data/blok4"' in xform
    assert 'lang="Bahasa Indonesia (id)"' in xform and 'lang="English (en)"' in xform
    assert "Jenis lantai terluas" in xform and "Main floor material" in xform
    assert "Tanah" in xform and "Earth" in xform  # answer labels from the registry's code lists
