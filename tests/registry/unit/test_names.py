"""Names fold to comparable tokens (titles, spelling variants); typos are tolerated by length."""

from __future__ import annotations

import pytest

from inklusi.registry.names import close_enough, name_tokens, similarity


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Hj. Siti Aminah, S.Pd.", ["siti", "aminah"]),
        ("Dr. Ir. H. Budi Santoso, M.Sc.", ["budi", "santoso"]),
        ("Mochammad Djoko", ["muhamad", "joko"]),
        ("MUHAMMAD", ["muhamad"]),
        ("M. Yusuf", ["muhamad", "yusuf"]),
        ("Moh. Soekarno bin Abdul", ["muhamad", "sukarno", "abdul"]),
        ("Noor Hidayah", ["nur", "hidayah"]),
        ("Abd. Rahman", ["abdul", "rahman"]),
        ("H", ["h"]),  # a title alone is still a name
    ],
)
def test_names_fold_to_comparable_tokens(name, tokens):
    assert name_tokens(name) == tokens


def test_typos_are_tolerated_in_proportion_to_length():
    assert close_enough("santsoo", "santoso")  # transposition
    assert close_enough("lestary", "lestari")
    assert close_enough("kurniawaan", "kurniawan")
    assert not close_enough("ani", "ana")  # too short to guess
    assert not close_enough("budi", "bayu")
    assert similarity(["budi", "santoso"], ["budi", "santoso"]) == 1.0
    assert similarity(["budi", "santoso"], ["santoso", "budi"]) == 1.0
    assert 0.5 < similarity(["budi", "santsoo"], ["budi", "santoso"]) < 1.0
