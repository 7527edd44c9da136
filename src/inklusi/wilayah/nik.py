"""NIK and KK numbers: parse, validate with a reason for every rejection, and build. Pure rules.

NIK (Nomor Induk Kependudukan), 16 digits: ``PP RR DD`` province, regency and district of first
registration (Kemendagri codes), ``DDMMYY`` birth date with 40 added to the day for women, ``SSSS`` serial.
KK (Kartu Keluarga) number, 16 digits: ``PP RR DD`` district, ``DDMMYY`` date of issue, ``SSSS`` serial.

A two-digit year is read as 20YY when that date is not in the future, else as 19YY.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from inklusi.errors import Issue
from inklusi.i18n import msg
from inklusi.wilayah.model import CodeBook

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40


class Sex(IntEnum):
    """BPS/Regsosek codes (question 405)."""

    male = 1
    female = 2


@dataclass(frozen=True)
class NumberCheck:
    """What a NIK or KK number says, and everything wrong with it."""

    value: str
    issues: tuple[Issue, ...]
    district_code: str | None = None
    date: date | None = None
    sex: Sex | None = None
    serial: str | None = None

    @property
    def valid(self) -> bool:
        return not any(issue.severity == "error" for issue in self.issues)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "warning")

    @property
    def province_code(self) -> str | None:
        return self.district_code[:2] if self.district_code else None

    @property
    def regency_code(self) -> str | None:
        return self.district_code[:5] if self.district_code else None

    @property
    def birth_date(self) -> datetime.date | None:  # `date` here is the field
        """For a NIK: the birth date (for a KK number, :attr:`date` is the date of issue)."""
        return self.date


def parse_nik(value: str, codes: CodeBook, today: date, field: str = "nik") -> NumberCheck:
    digits, issues = _sixteen_digits(value, field, "NIK")
    if digits is None:
        return NumberCheck(value, tuple(issues))
    district, area_issues = _check_area(digits[:6], codes, field)
    issues += area_issues
    raw_day = int(digits[6:8])
    sex = Sex.female if raw_day > FEMALE_DAY_OFFSET else Sex.male
    day = raw_day - FEMALE_DAY_OFFSET if sex is Sex.female else raw_day
    birth_date = None
    if not (1 <= raw_day <= 31 or 41 <= raw_day <= 71):
        issues.append(
            Issue(
                field,
                "nik.birth_day",
                msg(
                    "Birth day {day} is impossible: it must be 01-31 for men or 41-71 for women (day + 40)",
                    day=digits[6:8],
                ),
            )
        )
    else:
        birth_date = _read_date(day, digits[8:10], digits[10:12], today, field, "nik", issues)
    serial = digits[12:]
    _check_serial(serial, field, "nik", issues)
    return NumberCheck(value, tuple(issues), district, birth_date, sex, serial)


def parse_kk(value: str, codes: CodeBook, today: date, field: str = "kk_number") -> NumberCheck:
    digits, issues = _sixteen_digits(value, field, "KK")
    if digits is None:
        return NumberCheck(value, tuple(issues))
    district, area_issues = _check_area(digits[:6], codes, field)
    issues += area_issues
    issued = _read_date(int(digits[6:8]), digits[8:10], digits[10:12], today, field, "kk", issues)
    serial = digits[12:]
    _check_serial(serial, field, "kk", issues)
    return NumberCheck(value, tuple(issues), district, issued, None, serial)


def format_nik(district_code: str, birth_date: date, sex: Sex, serial: int) -> str:
    """Build a NIK; ``district_code`` is dotted (``31.71.04``), ``serial`` 1-9999."""
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial {serial} outside 1-9999")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex is Sex.female else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth_date:%m%y}{serial:04d}"


def mask_nik(nik: str | None) -> str | None:
    """A NIK as lists show it: its area and serial digits only (the full number is on the person's own
    page); None for no number or one that is not 16 characters long."""
    return f"{nik[:6]}••••••{nik[12:]}" if nik and len(nik) == NIK_LENGTH else None


def format_kk(district_code: str, issued: date, serial: int) -> str:
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial {serial} outside 1-9999")
    return f"{district_code.replace('.', '')}{issued:%d%m%y}{serial:04d}"


def _sixteen_digits(value: str, field: str, label: str) -> tuple[str | None, list[Issue]]:
    text = value.strip() if isinstance(value, str) else ""
    code = label.lower()
    if not text:
        return None, [Issue(field, f"{code}.missing", msg("{label} is empty", label=label))]
    bad = next((c for c in text if not c.isascii() or not c.isdigit()), None)
    if bad is not None:
        return None, [
            Issue(
                field,
                f"{code}.not_digits",
                msg(
                    "{label} may contain only digits; found {char!r} at position {position}",
                    label=label,
                    char=bad,
                    position=text.index(bad) + 1,
                ),
            )
        ]
    if len(text) != NIK_LENGTH:
        return None, [
            Issue(
                field,
                f"{code}.length",
                msg(
                    "{label} must have 16 digits; this one has {length}",
                    label=label,
                    length=len(text),
                ),
            )
        ]
    return text, []


def _check_area(six: str, codes: CodeBook, field: str) -> tuple[str | None, list[Issue]]:
    province, regency, district = (
        six[:2],
        f"{six[:2]}.{six[2:4]}",
        f"{six[:2]}.{six[2:4]}.{six[4:6]}",
    )
    if province not in codes.known:
        issue = msg("Province code {code} does not exist", code=province)
        return None, [Issue(field, "area.province_unknown", issue)]
    retired = codes.retired.get(regency)
    if retired is not None:
        warning = msg(
            "Regency code {code} ({name}) no longer exists: it became {successor} in {year}. "
            "A NIK keeps the code of first registration, so this is not an error",
            code=regency,
            name=retired.name,
            successor=retired.successor_code,
            year=retired.year,
        )
        return district, [Issue(field, "area.regency_retired", warning, "warning")]
    if regency not in codes.known:
        issue = msg(
            "Regency code {code} does not exist in province {province}",
            code=regency,
            province=province,
        )
        return None, [Issue(field, "area.regency_unknown", issue)]
    if district not in codes.known:
        # Districts move to new regencies when a regency is split (pemekaran), and older NIKs keep the old
        # code; with no list of retired district codes, an unknown one in a known regency is a warning.
        warning = msg(
            "District code {code} is not in the current list of regency {regency}: it may have moved in a "
            "regional split, or be mistyped",
            code=district,
            regency=regency,
        )
        return district, [Issue(field, "area.district_unknown", warning, "warning")]
    return district, []


def _read_date(
    day: int, month: str, year: str, today: date, field: str, code: str, issues: list[Issue]
) -> date | None:
    if not 1 <= int(month) <= 12:
        issues.append(Issue(field, f"{code}.month", msg("Month {month} does not exist", month=month)))
        return None
    for century in (2000, 1900):
        try:
            candidate = date(century + int(year), int(month), day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    issues.append(
        Issue(
            field,
            f"{code}.date",
            msg("{day:02d}-{month}-{year} is not a valid date", day=day, month=month, year=year),
        )
    )
    return None


def _check_serial(serial: str, field: str, code: str, issues: list[Issue]) -> None:
    if serial == "0000":
        issues.append(Issue(field, f"{code}.serial", msg("Serial number 0000 is never issued")))
