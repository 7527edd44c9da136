"""Files a person can get wrong, in every format an import reads (ODK Central CSV/ZIP, KoboToolbox JSON,
JSON Lines, Parquet): each is refused whole or read with its bad forms held, and what the person is told
is a bilingual sentence naming the file, line or record and field, never a reader's internal error. A
refused file leaves the registry as it was."""

from __future__ import annotations

import functools
import io
import json
import os
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from inklusi.access.model import Principal
from inklusi.errors import Invalid
from inklusi.instrument import service
from inklusi.instrument.messages import describe
from inklusi.instrument.model import load
from inklusi.instrument.screening import screen
from inklusi.instrument.submissions import read
from inklusi.instrument.synthetic import from_synthetic, write_jsonl, write_parquet
from inklusi.instrument.tables import import_batch, import_quarantine
from inklusi.registry.tables import household_version, person_version
from tests.conftest import catalogue
from tests.instrument.odk import write_odk_zip
from tests.instrument.test_import import write_kobo_json

SYSTEM = Principal.system("tests")
INSTRUMENT = load()
AREAS = None  # filled once: the area code sets, read from the packaged reference data
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
INTERNAL = (
    "kernel",
    "Error",
    "Exception",
    "Traceback",
    "object has no",
    "not a mapping",
    "NoneType",
    "pyarrow",
    "codec",
    "Errno",
    "Expecting",
    "<",
)


@functools.cache
def translated() -> dict[str, str]:
    return catalogue()


def catalogue_has(msgid: str) -> bool:
    return bool(translated().get(msgid))


def areas():
    global AREAS
    if AREAS is None:
        AREAS = service.area_codes()
    return AREAS


def assert_told_clearly(error: Invalid, file_name: str) -> None:
    """A sentence in both languages (a catalogue entry, so the Indonesian differs), naming the file,
    with nothing from inside the readers."""
    english, indonesian = error.text.render("en"), error.text.render("id")
    assert catalogue_has(error.text.msgid), error.text.msgid
    assert english != indonesian
    assert file_name in english and file_name in indonesian
    for marker in INTERNAL:
        assert marker not in english.replace(file_name, ""), english


def read_or_refuse(path: Path) -> None:
    """Read and screen the file as an import does: refused clearly, or every problem said clearly."""
    try:
        raw = read(path, INSTRUMENT)
    except Invalid as error:
        assert_told_clearly(error, path.name)
        return
    screened = screen(raw, INSTRUMENT, areas())
    for violations in screened.held.values():
        for violation in violations:
            text = describe(violation)
            assert catalogue_has(text.msgid) and "Rule " not in text.render("en"), violation


@pytest.fixture(scope="module")
def forms(population):
    """Three forms, to break in every way."""
    full = from_synthetic(population, INSTRUMENT, 1)
    ids = full.families["submission_id"].to_pylist()[:3]
    keep = pa.array(ids)
    return type(full)(
        full.families.filter(pa.compute.is_in(full.families["submission_id"], value_set=keep)),
        full.members.filter(pa.compute.is_in(full.members["submission_id"], value_set=keep)),
        full.source_format,
    )


@pytest.fixture(scope="module")
def good_files(forms, tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("good")
    return {
        ".jsonl": write_jsonl(forms, folder / "f.jsonl").read_bytes(),
        ".json": write_kobo_json(forms, folder / "f.json").read_bytes(),
        ".zip": write_odk_zip(forms, INSTRUMENT, folder / "f.zip").read_bytes(),
    }


def count(ctx, table) -> int:
    with ctx.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


# --- the cases of the issue ------------------------------------------------------------------------


def test_a_csv_of_other_columns_is_refused_saying_so(tmp_path):
    """The issue's upload: "Function 'and' has no kernel matching input types (null, bool)"."""
    path = tmp_path / "data.csv"
    path.write_text("nama,umur\nBudi,abc\n")
    with pytest.raises(Invalid) as refused:
        read(path, INSTRUMENT)
    assert_told_clearly(refused.value, "data.csv")
    assert "r101" in refused.value.text.render("en")


def test_forms_without_members_are_held_not_crashed(tmp_path):
    """Question columns but no members' file: the forms are held (no head), nothing breaks."""
    path = tmp_path / "forms.csv"
    path.write_text("r101,r402\n31,abc\n")
    screened = screen(read(path, INSTRUMENT), INSTRUMENT, areas())
    assert {v.code for v in screened.held[None]} >= {"required", "family.heads", "submission.missing_id"}


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        (
            "a.jsonl",
            b'{"submission_id": "x"}\n"abc"\n',
            "a.jsonl, line 2: expected one form as a JSON object",
        ),
        ("a.jsonl", b'{"submission_id": "x", "members": ["abc"]}\n', "line 1: members must be a list"),
        ("a.jsonl", b'{"submission_id": "x", "r101": {"a": 1}}\n', "line 1, r101: expected a single answer"),
        ("a.jsonl", b'{"submission_id": "x",\n', "a.jsonl, line 1, column 23: not valid JSON"),
        ("a.json", b'{"count": 3}', "expected KoboToolbox's JSON export"),
        ("a.json", b'[{"_uuid": "u", "blok4": [{"blok4/r402": []}]}]', "record 1, blok4[1].blok4/r402"),
        ("a.zip", b"PK\x03\x04\x14\x00\x00\x00", "a.zip is a damaged ZIP archive"),
        ("a.jsonl", "r101;Budi\n".encode("utf-16"), "a.jsonl is not UTF-8 text"),
    ],
)
def test_a_bad_record_is_named_with_what_was_expected(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(Invalid) as refused:
        read(path, INSTRUMENT)
    assert says in refused.value.text.render("en")
    assert_told_clearly(refused.value, name)


def test_a_truncated_zip_is_called_damaged_not_unreadable_text(good_files, tmp_path):
    path = tmp_path / "round.zip"
    path.write_bytes(good_files[".zip"][: len(good_files[".zip"]) // 2])
    with pytest.raises(Invalid) as refused:
        read(path, INSTRUMENT)
    assert "damaged ZIP" in refused.value.text.render("en")
    assert "UTF-8" not in refused.value.text.render("en")
    assert_told_clearly(refused.value, "round.zip")


def test_a_refused_file_leaves_the_registry_as_it_was(ctx, good_files, tmp_path):
    """Refused whole (a line of the wrong shape after good ones): no batch, no quarantine, no version."""
    tables = (import_batch, import_quarantine, household_version, person_version)
    before = [count(ctx, table) for table in tables]
    broken = good_files[".jsonl"] + b'["not", "a", "form"]\n'
    for name, content in (
        ("r.jsonl", broken),
        ("r.zip", good_files[".zip"][:-40]),
        ("r.csv", b"nama\nBudi\n"),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(Invalid) as refused:
            service.import_file(ctx, SYSTEM, path)
        assert_told_clearly(refused.value, name)
    assert [count(ctx, table) for table in tables] == before


# --- fuzzing: whatever the bytes, a clear answer ---------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(["submission_id", "r101", "r104", "r402", "r407", "members", "blok4", "_uuid", "x"])
FORM_LIKE = st.dictionaries(KEYS, JSON_VALUES, max_size=6)


@FUZZ
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".jsonl", ".json", ".csv", ".zip"]))
def test_random_bytes_in_every_format(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    read_or_refuse(path)


@FUZZ
@given(
    suffix=st.sampled_from([".jsonl", ".json", ".zip"]),
    cut=st.floats(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=4),
    encoding=st.sampled_from([None, "utf-16", "latin-1", "cp1252"]),
)
def test_good_files_truncated_flipped_or_re_encoded(tmp_path, good_files, suffix, cut, flips, encoding):
    data = bytearray(good_files[suffix][: max(1, int(len(good_files[suffix]) * cut))])
    for where, byte in flips:
        data[min(int(where * len(data)), len(data) - 1)] = byte
    if encoding and suffix != ".zip":
        data = bytearray(data.decode("utf-8", "replace").encode(encoding, "replace"))
    path = tmp_path / f"round{suffix}"
    path.write_bytes(bytes(data))
    read_or_refuse(path)


@FUZZ
@given(records=st.lists(JSON_VALUES | FORM_LIKE, min_size=1, max_size=4), kobo=st.booleans())
def test_json_of_the_wrong_shape(tmp_path, records, kobo):
    if kobo:
        path = tmp_path / "round.json"
        path.write_text(json.dumps({"results": records}))
    else:
        path = tmp_path / "round.jsonl"
        path.write_text("".join(json.dumps(record) + "\n" for record in records))
    read_or_refuse(path)


CELLS = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["", "1", "31", "-5", "99999999999999999999", "2020-02-30", "1,5", "=1+1", "NULL"]
)


@FUZZ
@given(
    header=st.lists(st.sampled_from(["r101", "blok1-r104", "r402", "r407", "KEY", "meta-instanceID", "x"])),
    rows=st.lists(st.lists(CELLS, max_size=8), max_size=4),
    members=st.booleans(),
)
def test_odk_csv_with_wrong_columns_and_values(tmp_path, header, rows, members):
    def text(lines):
        out = io.StringIO()
        for line in lines:
            out.write(",".join(json.dumps(cell) for cell in line) + "\n")
        return out.getvalue()

    path = tmp_path / "round.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("regsosek.csv", text([header, *rows]))
        if members:
            archive.writestr("regsosek-blok4.csv", text([["PARENT_KEY", *header], *rows]))
    read_or_refuse(path)


PARQUET_COLUMNS = st.sampled_from(
    [
        pa.array([1, 2]),
        pa.array(["31", None]),
        pa.array([[1], [2, 3]]),
        pa.array([{"a": 1}, {"a": 2}]),
        pa.array([b"\xff", b"\x00"]),
        pa.array([1.5, float("nan")]),
    ]
)


@FUZZ
@given(
    columns=st.dictionaries(
        st.sampled_from(["submission_id", "r101", "r104", "r402", "r407"]), PARQUET_COLUMNS
    ),
    garbage=st.binary(max_size=64),
    broken=st.sampled_from([None, "families", "members"]),
)
def test_parquet_of_the_wrong_types_or_not_parquet(tmp_path, forms, columns, garbage, broken):
    folder = tmp_path / "round-parquet"
    write_parquet(forms, folder)
    if columns:
        pq.write_table(pa.table(columns), folder / "families.parquet")
    if broken:
        (folder / f"{broken}.parquet").write_bytes(garbage)
    read_or_refuse(folder)


ANSWERS = st.text(max_size=30) | st.sampled_from(["\x00", "a\x00b", "=1+1", "9" * 25, "", " ", "\u202e"])
TEXT_FIELDS = st.sampled_from(
    ["r105", "r107", "r108", "r114", "r402", "r403", "r407", "r201", "submission_id"]
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.integers(0, 2), TEXT_FIELDS, ANSWERS), min_size=1, max_size=5))
def test_any_answer_is_held_or_taken_never_a_database_error(ctx, good_files, tmp_path_factory, changes):
    """Whatever text the answers hold (NUL, 25 digits, formulas, bidi marks), the import ends with each
    form taken or held: no database error on either backend."""
    forms = [json.loads(line) for line in good_files[".jsonl"].decode().splitlines()]
    for index, field, value in changes:
        target = forms[index]["members"][0] if field in ("r402", "r403", "r407") else forms[index]
        target[field] = value
    path = tmp_path_factory.mktemp("answers") / "round.jsonl"
    path.write_text("".join(json.dumps(form) + "\n" for form in forms))
    try:
        result = service.import_file(ctx, SYSTEM, path)
    except Invalid as error:
        assert_told_clearly(error, "round.jsonl")
        return
    assert result.already_imported or result.accepted + result.unchanged + result.held >= len(forms)
