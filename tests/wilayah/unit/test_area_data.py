"""The shipped area data (Kemendagri 2025) and the folding of area names, without a database."""

from collections import Counter

from inklusi.wilayah import reference
from inklusi.wilayah.model import AreaLevel, NameQuery, fold, search_key, split_kind


def test_search_is_accent_insensitive():
    assert fold("Bélo Ñusa") == "belo nusa"
    assert search_key("Kota Administrasi Jakarta Utara ") == "jakarta utara"
    assert split_kind("Kab. Aceh Selatan") == ("kabupaten", "aceh selatan")
    assert NameQuery.parse("Desa Sukamaju").level is AreaLevel.village


def test_shipped_data_is_complete_and_nests():
    areas = list(reference.areas())
    assert Counter(a.level for a in areas) == reference.EXPECTED_COUNTS
    codes = {a.code for a in areas}
    assert all(a.parent_code in codes for a in areas if a.parent_code)


def test_retired_codes_are_gone_and_their_successors_carry_the_same_name():
    names = {a.code: a.name for a in reference.areas()}
    retired = reference.retired_codes()
    assert len(retired) == 31
    for code, entry in retired.items():
        assert code not in names
        assert names[entry.successor_code] == entry.name
