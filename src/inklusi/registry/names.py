"""Indonesian personal names: normalise them, and find names that are spelled a little differently.

The same person is "Muhammad", "Muhamad", "Mohammad" or "M."; "Soekarno" or "Sukarno"; "Hj. Siti Aminah,
S.Pd." or "Siti Aminah". :func:`name_tokens` turns a name into comparable tokens: titles and degrees
dropped, old spellings (EYD before 1972: oe, dj, tj) folded, doubled letters collapsed, the Muhammad family
and other common variants mapped to one form. Typos are left to :func:`variants` (a deletion
neighbourhood, as in SymSpell): two tokens within edit distance 2 share a variant, which makes fuzzy search
an indexed lookup on any database; :func:`close_enough` then checks the real distance.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from inklusi.wilayah.model import fold

# Titles before a name (gelar depan, sebutan) and particles that are not names.
TITLES = frozenset(
    "h hj haji hajjah kh dr drs dra ir prof ust ustad ustadz ustadzah tn ny nn sdr sdri bpk ibu".split()
)
PARTICLES = frozenset({"bin", "binti", "bt", "bn", "al"})
# Spelling families (keys written with doubled letters already collapsed): each form becomes the value.
FAMILIES = {
    **dict.fromkeys("m md mhd mhmd moh mohd muh mochd moch mochamad mohamad muhamad".split(), "muhamad"),
    **dict.fromkeys("abd abdl".split(), "abdul"),
    **dict.fromkeys("nor nurul".split(), "nur"),
}
_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("ch", "kh"), ("ph", "f"))
_DOUBLED = re.compile(r"(.)\1+")


def _fold_token(token: str) -> str:
    token = _DOUBLED.sub(r"\1", token)
    if token in FAMILIES:
        return FAMILIES[token]
    for old, new in _OLD_SPELLING:
        token = token.replace(old, new)
    return FAMILIES.get(token, token)


def name_tokens(name: str) -> list[str]:
    """Comparable tokens of a name.

    ``"Hj. Siti  Aminah, S.Pd."`` → ``["siti", "aminah"]``; ``"Mochammad Djoko"`` → ``["muhamad", "joko"]``.
    """
    return list(_tokens(name))


@lru_cache(maxsize=1 << 18)  # names repeat a lot (loads and imports fold the same ones again and again)
def _tokens(name: str) -> tuple[str, ...]:
    main = name.split(",", 1)[0]  # degrees follow a comma: "Budi Santoso, S.E., M.M."
    words = fold(main).split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    tokens = [_fold_token(word) for word in words if word not in PARTICLES]
    return tuple(token for token in tokens if token)


def normalised_name(name: str) -> str:
    return " ".join(name_tokens(name))


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def variants(token: str) -> set[str]:
    """The token and every string one deletion away from it (two, for long tokens).

    Two tokens within the distance :func:`allowed_distance` tolerates share at least one variant, so the
    candidates for a misspelt word come from one indexed lookup.
    """
    found = {token} | _deletions(token)
    if allowed_distance(token) > 1:
        found |= {shorter for once in _deletions(token) for shorter in _deletions(once)}
    return found


def allowed_distance(token: str) -> int:
    """Typos tolerated: none in very short tokens, one up to seven letters, two beyond."""
    if len(token) <= 3:
        return 0
    return 1 if len(token) <= 7 else 2


def token_distance(query_token: str, name_token: str) -> int:
    """Edits between two tokens (optimal string alignment: a swap of neighbours is one edit)."""
    return OSA.distance(query_token, name_token)


def close_enough(query_token: str, name_token: str) -> bool:
    return token_distance(query_token, name_token) <= allowed_distance(query_token)


def similarity(query: list[str], name: list[str]) -> float:
    """1.0 for the same tokens; lower for typos, missing or extra tokens (order does not matter)."""
    if not query or not name:
        return 0.0
    score = 0.0
    for token in query:
        score += max((1 - OSA.normalized_distance(token, other) for other in name), default=0.0)
    return score / max(len(query), len(name))
