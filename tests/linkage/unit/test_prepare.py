"""Indonesian preparation: names, phonetic keys, NIK decoding (as parse_nik), dates, areas. Pure."""

from __future__ import annotations

import random
from datetime import date

import pyarrow as pa
import pytest

from inklusi.errors import Invalid
from inklusi.linkage.model import ColumnMap, Role
from inklusi.linkage.nik_numbers import decode_niks, within_one_slip
from inklusi.linkage.person_names import name_parts, phonetic_key
from inklusi.linkage.prepare import prepare
from inklusi.wilayah.nik import Sex, format_nik, parse_nik
from inklusi.wilayah.reference import code_book

TODAY = date(2025, 6, 30)


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("Hj. Siti Aminah, S.Pd.", "Siti Aminah"),
        ("SITI AMINAH S.Pd", "siti aminah"),
        ("Dr. Ir. H. Muhammad Nur, M.Si.", "Muhamad Nur"),
        ("Mochammad Djoko", "Muhammad Joko"),
        ("M. Yusuf", "Muhammad Yusuf"),
        ("Moh. Yusuf", "Mohammad Yusuf"),
        ("Achmad Khairul", "Ahmad Hairul"),
        ("Abd. Rahman", "Abdul Rahman"),
        ("Noor Hayati", "Nur Hayati"),
        ("Budi Santoso SE", "Budi Santoso"),
        ("Sitti Rahmah", "Siti Rahmah"),
    ],
)
def test_spelling_variants_titles_and_degrees_fold_to_the_same_tokens(written, same_as):
    assert name_parts(written).tokens == name_parts(same_as).tokens


def test_the_patronymic_after_bin_is_kept_apart():
    parts = name_parts("Ahmad bin Hasan")
    assert parts.tokens == ("ahmad",) and parts.patronymic == ("hasan",)
    assert name_parts("Siti Nurhaliza binti Ahmad").tokens == ("siti", "nurhaliza")


def test_order_spacing_and_the_given_name():
    assert name_parts("Santoso Budi").sorted_tokens == name_parts("Budi Santoso").sorted_tokens
    assert name_parts("Abdul Rahman").joined == name_parts("Abdulrahman").joined
    assert name_parts("Muhammad Fathan Firmansyah").given == "fathan"
    assert name_parts("Muhammad Fathan").core == ("fathan",)
    assert name_parts("Siti").given == "siti"  # a single name is its own given name


@pytest.mark.parametrize(
    ("a", "b"), [("fatimah", "fatima"), ("yusuf", "yusup"), ("umar", "omar"), ("zainal", "jainal")]
)
def test_phonetic_key_merges_indonesian_spelling_variants(a, b):
    assert phonetic_key(a) == phonetic_key(b)


def test_phonetic_key_keeps_different_names_apart():
    assert phonetic_key("susanti") != phonetic_key("santi")
    assert phonetic_key("budi") != phonetic_key("bayu")


def _random_niks(count: int) -> list[str]:
    rng = random.Random(5)
    districts = sorted(c for c in code_book().known if len(c) == 8)
    niks = []
    for _ in range(count // 2):
        born = date(rng.randint(1930, 2024), rng.randint(1, 12), rng.randint(1, 28))
        niks.append(format_nik(rng.choice(districts), born, rng.choice(list(Sex)), rng.randint(1, 9999)))
    for _ in range(count - len(niks)):  # arbitrary digits: mostly invalid in some way
        niks.append("".join(rng.choice("0123456789") for _ in range(16)))
    return [*niks, "", "12345", "3171010101900000", "9999999999999999", "3171014502300001"]


def test_bulk_nik_decoding_agrees_with_parse_nik():
    niks = _random_niks(3000)
    decoded = decode_niks(pa.array(niks, pa.string()), TODAY)
    book = code_book()
    for index, value in enumerate(niks):
        check = parse_nik(value, book, TODAY)
        assert decoded["nik_valid"][index].as_py() == check.valid, value
        if check.valid:
            assert decoded["nik_district"][index].as_py() == check.district_code
            assert decoded["nik_birth_date"][index].as_py() == check.birth_date.isoformat()
            assert decoded["nik_sex"][index].as_py() == int(check.sex)


def test_one_slip_is_a_mistyped_digit_or_two_swapped_neighbours():
    nik = "3171014502900001"
    assert within_one_slip(nik, nik)
    assert within_one_slip(nik, "3171014502900002")
    assert within_one_slip(nik, "3171014052900001")
    assert within_one_slip(nik, "3171014502900010")  # the last two swapped
    assert not within_one_slip(nik, "3171014502900022")  # two digits off
    assert not within_one_slip(nik, "3171015402900003")


def _columns(**extra: str) -> ColumnMap:
    roles = {Role(k): v for k, v in {"record_id": "id", "full_name": "name", **extra}.items()}
    return ColumnMap(roles)


def test_prepare_decodes_dates_sex_area_and_falls_back_to_the_nik_birth_date():
    nik = format_nik("31.71.01", date(1990, 2, 5), Sex.female, 7)
    table = pa.table(
        {
            "id": ["a", "b", "c"],
            "name": ["Hj. Siti Aminah", "BUDI santoso", None],
            "born": ["05/02/1990", "1985-12-31", None],
            "sex": ["P", "L", None],
            "nik": [nik, None, nik],
            "village": ["31.71.01.1001", "32.73.01.1001", None],
        }
    )
    prepared = prepare(
        table, _columns(birth_date="born", sex="sex", nik="nik", village_code="village"), today=TODAY
    ).to_pylist()
    assert prepared[0]["name_norm"] == "siti aminah" and prepared[0]["sex"] == 2
    assert prepared[0]["birth_date"] == "1990-02-05" and prepared[0]["sex_from_nik"] == 2
    assert prepared[1]["birth_date"] == "1985-12-31" and prepared[1]["regency_code"] == "32.73"
    assert prepared[2]["birth_date"] == "1990-02-05"  # from the NIK
    assert prepared[0]["district_code"] == "31.71.01" and prepared[0]["nik_key"] == nik


def test_slashed_dates_follow_the_order_the_column_shows():
    table = pa.table({"id": ["a", "b"], "name": ["x", "y"], "born": ["12/31/1990", "01/02/1991"]})
    prepared = prepare(table, _columns(birth_date="born")).to_pylist()
    assert [p["birth_date"] for p in prepared] == ["1990-12-31", "1991-01-02"]


def test_a_few_day_first_dates_do_not_turn_a_month_first_column_around():
    # pseudopeople's census: MM/DD/YYYY with the odd value typed day first; WIC: MMDDYYYY without slashes
    born = ["09/29/1994", "03/18/1954", "19/06/1968", "03152017", "19900101", "07/71/1958", ""]
    table = pa.table({"id": list("abcdefg"), "name": list("xyzuvwq"), "born": born})
    prepared = prepare(table, _columns(birth_date="born")).to_pylist()
    assert [p["birth_date"] for p in prepared] == [
        "1994-09-29", "1954-03-18", "1968-06-19", "2017-03-15", "1990-01-01", None, None,
    ]  # fmt: skip


def test_compact_dates_without_slashes_read_day_first_when_the_column_says_so():
    table = pa.table({"id": ["a", "b"], "name": ["x", "y"], "born": ["31121990", "02011991"]})
    prepared = prepare(table, _columns(birth_date="born")).to_pylist()
    assert [p["birth_date"] for p in prepared] == ["1990-12-31", "1991-01-02"]


def test_record_ids_must_be_unique():
    table = pa.table({"id": ["a", "a"], "name": ["x", "y"]})
    with pytest.raises(Invalid):
        prepare(table, _columns())


def test_the_column_map_parses_roles_and_extras_and_rejects_unknown_roles():
    columns = ColumnMap.parse("given_name=first, family_name=last,extra:state=st", record_id="rid")
    assert columns.roles[Role.given_name] == "first" and columns.extras == {"state": "st"}
    assert columns.roles[Role.record_id] == "rid"
    with pytest.raises(Invalid):
        ColumnMap.parse("surname=last")
    with pytest.raises(Invalid):
        ColumnMap.parse("given_name")
