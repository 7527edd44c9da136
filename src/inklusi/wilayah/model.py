"""Areas (wilayah): Kemendagri codes, levels, nesting and name matching. Pure rules, no I/O.

Codes are dotted: province ``PP``, regency ``PP.RR``, district ``PP.RR.DD``, village ``PP.RR.DD.VVVV``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class AreaLevel(StrEnum):
    province = "province"
    regency = "regency"
    district = "district"
    village = "village"

    @property
    def depth(self) -> int:
        return _LEVELS.index(self)


_LEVELS = list(AreaLevel)
_CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_LEVEL_BY_LENGTH = {
    2: AreaLevel.province,
    5: AreaLevel.regency,
    8: AreaLevel.district,
    13: AreaLevel.village,
}


def level_of(code: str) -> AreaLevel | None:
    """The level a well-formed code belongs to, or None if the code is malformed."""
    if not _CODE_PATTERN.match(code):
        return None
    return _LEVEL_BY_LENGTH[len(code)]


def parent_code(code: str) -> str | None:
    head, dot, _ = code.rpartition(".")
    return head if dot else None


def ancestor_codes(code: str) -> list[str]:
    """The codes above ``code``, province first: ``31.71.04`` → ``["31", "31.71"]``."""
    parts = code.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts))]


def is_within(code: str, scope: str) -> bool:
    """True if ``code`` is ``scope`` itself or lies inside it (``31.71.04.1001`` is within ``31``)."""
    return code == scope or code.startswith(scope + ".")


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: AreaLevel
    parent_code: str | None
    population: int | None = None
    population_male: int | None = None
    population_female: int | None = None
    land_area_km2: float | None = None

    @property
    def kind(self) -> str | None:
        """``kabupaten`` or ``kota`` for a regency; ``kelurahan`` (1xxx) or ``desa`` (2xxx) for a village."""
        if self.level is AreaLevel.regency:
            return split_kind(self.name)[0]
        if self.level is AreaLevel.village:
            return "kelurahan" if self.code[9] == "1" else "desa"
        return None


@dataclass(frozen=True)
class RetiredCode:
    """A regency code that older NIKs carry but the current list no longer has (the regency moved)."""

    code: str
    name: str
    successor_code: str
    year: int


@dataclass(frozen=True)
class CodeBook:
    """The province, regency and district codes a NIK or KK number may start with."""

    known: frozenset[str]
    retired: dict[str, RetiredCode]


# --- Name matching ----------------------------------------------------------------------------------

_KIND_WORDS = {
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
    "kota": "kota",
    "kodya": "kota",
    "kotamadya": "kota",
    "kecamatan": "kecamatan",
    "kec": "kecamatan",
    "desa": "desa",
    "kelurahan": "kelurahan",
    "kel": "kelurahan",
    "provinsi": "provinsi",
    "prov": "provinsi",
}
_FILLER_AFTER_KIND = {"administrasi", "adm"}
_LEVEL_OF_KIND = {
    "kabupaten": AreaLevel.regency,
    "kota": AreaLevel.regency,
    "kecamatan": AreaLevel.district,
    "desa": AreaLevel.village,
    "kelurahan": AreaLevel.village,
    "provinsi": AreaLevel.province,
}


def fold(text: str) -> str:
    """Lower case, accents and apostrophes removed, punctuation as spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = re.sub(r"[’'`´ʼ]", "", ascii_only.lower())
    return " ".join(re.sub(r"[^0-9a-z]+", " ", ascii_only).split())


def split_kind(name: str) -> tuple[str | None, str]:
    """Split a leading kind word off a name: ``"Kab. Bandung"`` → ``("kabupaten", "bandung")``.

    ``Kota Administrasi Jakarta Pusat``, ``Kota Adm. Jakarta Pusat`` and ``Kodya Jakarta Pusat`` all give
    ``("kota", "jakarta pusat")``. A name without a kind word gives ``(None, folded name)``.
    """
    words = fold(name).split()
    if len(words) > 1 and words[0] in _KIND_WORDS:
        kind = _KIND_WORDS[words[0]]
        rest = words[1:]
        if len(rest) > 1 and rest[0] in _FILLER_AFTER_KIND:
            rest = rest[1:]
        return kind, " ".join(rest)
    return None, " ".join(words)


def search_key(name: str) -> str:
    """The key stored for an area name and matched against queries: the folded name without its kind."""
    return split_kind(name)[1]


@dataclass(frozen=True)
class NameQuery:
    """A parsed search: the folded words to look for and, if the user said so, the kind of area."""

    key: str
    kind: str | None
    level: AreaLevel | None

    @classmethod
    def parse(cls, text: str) -> NameQuery:
        kind, key = split_kind(text)
        return cls(key=key, kind=kind, level=_LEVEL_OF_KIND.get(kind) if kind else None)

    def accepts_kind(self, area_name: str) -> bool:
        """Kabupaten and Kota of the same name (Bandung, Kota Bandung) are told apart by the kind word."""
        if self.kind not in ("kabupaten", "kota"):
            return True
        return split_kind(area_name)[0] == self.kind
