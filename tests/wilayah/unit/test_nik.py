from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inklusi.wilayah import reference
from inklusi.wilayah.nik import Sex, format_kk, format_nik, parse_kk, parse_nik

TODAY = date(2026, 11, 27)
CODES = reference.code_book()
DISTRICTS = sorted(code for code in CODES.known if len(code) == 8)

districts = st.sampled_from(DISTRICTS)
birth_dates = st.dates(min_value=TODAY - timedelta(days=99 * 365), max_value=TODAY)
sexes = st.sampled_from(list(Sex))
serials = st.integers(min_value=1, max_value=9999)


KNOWN_CODES = {
    "nik.missing",
    "nik.not_digits",
    "nik.length",
    "nik.birth_day",
    "nik.month",
    "nik.date",
    "nik.serial",
    "area.province_unknown",
    "area.regency_unknown",
    "area.regency_retired",
    "area.district_unknown",
}


def codes_of(check):
    return [issue.code for issue in check.issues]


def test_example_from_the_issue():
    check = parse_nik("3171044509900003", CODES, TODAY)
    assert check.valid
    assert check.sex is Sex.female
    assert check.birth_date == date(1990, 9, 5)
    assert check.district_code == "31.71.04"
    assert (check.province_code, check.regency_code, check.serial) == ("31", "31.71", "0003")


@given(districts, birth_dates, sexes, serials)
def test_any_well_formed_nik_parses_back_to_what_it_encodes(district, born, sex, serial):
    nik = format_nik(district, born, sex, serial)
    check = parse_nik(nik, CODES, TODAY)
    assert check.valid, check.issues
    assert (check.district_code, check.birth_date, check.sex, int(check.serial)) == (
        district,
        born,
        sex,
        serial,
    )


@given(districts, st.dates(min_value=date(2001, 1, 1), max_value=TODAY), serials)
def test_any_well_formed_kk_number_parses_back(district, issued, serial):
    check = parse_kk(format_kk(district, issued, serial), CODES, TODAY)
    assert check.valid
    assert (check.district_code, check.date, int(check.serial)) == (district, issued, serial)


@given(st.text(min_size=0, max_size=30))
def test_anything_that_is_not_sixteen_digits_is_rejected_with_a_reason(text):
    check = parse_nik(text, CODES, TODAY)
    stripped = text.strip()
    if len(stripped) == 16 and stripped.isascii() and stripped.isdigit():
        return
    assert not check.valid
    assert codes_of(check)[0] in {"nik.missing", "nik.not_digits", "nik.length"}
    assert all(issue.text.render("id") and issue.text.render("en") for issue in check.issues)


@given(st.from_regex(r"\A[0-9]{16}\Z"))
def test_sixteen_digits_either_decode_fully_or_say_why_not(nik):
    check = parse_nik(nik, CODES, TODAY)
    if check.valid:
        assert check.district_code and check.birth_date <= TODAY and check.sex and check.serial != "0000"
        assert check.district_code.replace(".", "") == nik[:6]
    else:
        assert any(issue.severity == "error" for issue in check.issues)
    for issue in check.issues:
        assert issue.field == "nik" and issue.code in KNOWN_CODES
        assert issue.text.render("id") != issue.text.render("en")


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("", "nik.missing"),
        ("   ", "nik.missing"),
        ("317104450990000", "nik.length"),
        ("31710445099000031", "nik.length"),
        ("3171O44509900003", "nik.not_digits"),
        ("３１７１０４４５０９９０００３", "nik.not_digits"),  # full-width digits
        ("9971044509900003", "area.province_unknown"),
        ("3199044509900003", "area.regency_unknown"),
        ("3171043509900003", "nik.birth_day"),  # day 35: neither 1-31 nor 41-71
        ("3171040009900003", "nik.birth_day"),
        ("3171047209900003", "nik.birth_day"),
        ("3171044513900003", "nik.month"),
        ("3171047102900003", "nik.date"),  # 31 February (woman: 71 - 40)
        ("3171044509900000", "nik.serial"),
    ],
)
def test_malformed_niks_get_a_reason(nik, reason):
    check = parse_nik(nik, CODES, TODAY)
    assert not check.valid
    assert reason in codes_of(check)


def test_a_code_retired_by_a_province_split_is_a_warning_not_an_error():
    # Kabupaten Merauke was 91.01 (Papua) and became 93.01 (Papua Selatan) in 2022.
    check = parse_nik("9101014509900003", CODES, TODAY)
    assert check.valid
    assert codes_of(check) == ["area.regency_retired"]
    assert check.warnings[0].severity == "warning"
    assert "93.01" in check.warnings[0].text.render("en")
    assert check.birth_date == date(1990, 9, 5)


def test_an_unknown_district_in_a_known_regency_is_a_warning():
    """Districts move when a regency is split, and an old NIK keeps the old code."""
    check = parse_nik("3171994509900003", CODES, TODAY)
    assert check.valid and codes_of(check) == ["area.district_unknown"]
    assert check.district_code == "31.71.99" and check.warnings


def test_two_digit_year_picks_the_century_that_is_not_in_the_future():
    assert parse_nik("3171040112260001", CODES, TODAY).birth_date == date(1926, 12, 1)
    assert parse_nik("3171042711260001", CODES, TODAY).birth_date == date(2026, 11, 27)
    assert parse_nik("3171040101000001", CODES, TODAY).birth_date == date(2000, 1, 1)


def test_leap_day_only_valid_in_a_leap_year():
    assert parse_nik("3171042902000001", CODES, TODAY).birth_date == date(2000, 2, 29)
    assert "nik.date" in codes_of(parse_nik("3171042902010001", CODES, TODAY))


def test_kk_issue_date_in_the_future_would_be_last_century():
    check = parse_kk("3171040112260001", CODES, TODAY)
    assert check.date == date(1926, 12, 1)
    assert check.sex is None


def test_messages_exist_in_both_languages():
    check = parse_nik("31710445099", CODES, TODAY)
    both = check.issues[0].text.both()
    assert "16" in both["id"] and "16" in both["en"]
    assert both["id"] != both["en"]
