"""Indonesian personal names for record linkage: comparable tokens and a phonetic key. Pure.

Builds on :func:`inklusi.registry.names.name_tokens` (titles, degrees after a comma, particles, pre-1972
spellings, doubled letters, the Muhammad/Abdul/Nur families) and adds what linkage needs beyond search:

- degrees written without a comma at the end (``"Siti Aminah S.Pd"``, ``"Budi SE"``);
- the patronymic after *bin*/*binti* kept apart from the person's own name (``"Ahmad bin Hasan"`` is
  ``ahmad`` with father ``hasan``), so ``"Ahmad"`` and ``"Ahmad bin Hasan"`` compare as the same core;
- more spelling families (Achmad/Akhmad/Ahmad, Khairul/Hairul, Mukhammad …): ``kh`` is folded to ``h``;
- :func:`phonetic_key`, a key for Indonesian spelling: vowels and ``h`` after the first letter dropped
  (Fatimah/Fatima, Rahmat/Ramat), f/v/p, z/j, q/k, sy/sh/s, ts/s, th/t, dh/d merged, initial vowels as one
  class (Umar/Omar, Erwin/Irwin).

Name order swaps and single names are handled by the comparisons (sorted tokens, subsets), not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from inklusi.registry.names import PARTICLES, TITLES, name_tokens

# Degrees written after the name without a comma (folded forms: letters only, lower case).
DEGREES = frozenset(
    """
    sh se st sp spd spdi sag sh skom skm ssos ssi sked sip shi sap sth sikom sst ssit stp spt sfarm sgz
    mm mh mt msi mpd mag mkom mkes mkm ma mba msc bsc ba phd amd amdkeb amdkep amdkom ners apt drg
    """.split()
)
# Words that open many names without telling people apart (Muhammad, Siti, Nur, Abdul; Balinese I/Ni,
# Bugis Andi, Buton La/Wa, Aceh Teuku/Cut, Javanese Raden): the given name is the first word after them.
NAME_PREFIXES = frozenset(
    "muhamad siti nur abdul i ni ida ayu anak agung gusti andi la wa teuku cut raden rr tengku".split()
)
PATRONYMIC_PARTICLES = frozenset({"bin", "binti", "bt", "bn", "binte"})
EXTRA_FAMILIES = {
    **dict.fromkeys("ahmat ahmed achmad akhmad ahmat".split(), "ahmad"),
    **dict.fromkeys("mukhamad muhamed mohamed muhammed muchamad mukhammad mochamat".split(), "muhamad"),
    **dict.fromkeys("sity".split(), "siti"),
}
_DEGREE_WORD = re.compile(r"^(?:[A-Za-z]{1,4}\.){1,3}[A-Za-z]{0,5}\.?$")
_SEPARATORS = re.compile(r"[\s,]+")
_VOWELS = frozenset("aeiouy")
_PLAIN = re.compile(r"^[A-Za-z]+(?: [A-Za-z]+)*$")


@dataclass(frozen=True)
class NameParts:
    """A name as linkage compares it."""

    tokens: tuple[str, ...]  # the person's own name, in written order
    patronymic: tuple[str, ...]  # after bin/binti

    @property
    def given(self) -> str | None:
        """The first token that is not a common opening word (``muhamad fathan`` → ``fathan``)."""
        return next(
            (t for t in self.tokens if t not in NAME_PREFIXES), self.tokens[0] if self.tokens else None
        )

    @property
    def core(self) -> tuple[str, ...]:
        """Tokens without the common opening words: what two different people rarely share by chance."""
        kept = tuple(t for t in self.tokens if t not in NAME_PREFIXES)
        return kept or self.tokens

    @property
    def normalised(self) -> str:
        return " ".join(self.tokens)

    @property
    def sorted_tokens(self) -> str:
        """Order-free form: ``"santoso budi"`` and ``"budi santoso"`` agree."""
        return " ".join(sorted(self.tokens))

    @property
    def joined(self) -> str:
        """Without spaces: ``"Abdul Rahman"`` and ``"Abdulrahman"`` agree."""
        return "".join(self.tokens)

    @property
    def phonetic(self) -> str:
        return " ".join(sorted(phonetic_key(token) for token in self.tokens))


def _strip_trailing_degrees(words: list[str]) -> list[str]:
    while len(words) > 1:
        last = words[-1]
        letters = re.sub(r"[^a-z]", "", last.lower())
        dotted = "." in last and bool(_DEGREE_WORD.match(last)) and len(letters) >= 2
        if letters in DEGREES or dotted:
            words = words[:-1]
        else:
            break
    return words


@lru_cache(maxsize=100_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(_fold_more(token) for token in name_tokens(word))


def _fold_more(token: str) -> str:
    token = token.replace("kh", "h")
    return EXTRA_FAMILIES.get(token, token)


def _tokens(text: str) -> tuple[str, ...]:
    """:func:`name_tokens` plus :func:`_fold_more`; plain names (letters and single spaces, the usual
    case) go word by word through a cache, with the same title and particle rules."""
    if not _PLAIN.match(text):
        return tuple(_fold_more(token) for token in name_tokens(text))
    words = text.lower().split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return tuple(token for word in words if word not in PARTICLES for token in _word_tokens(word))


@lru_cache(maxsize=200_000)
def name_parts(name: str | None) -> NameParts:
    """Tokens of a name and of the patronymic after bin/binti.

    ``"Hj. Siti Aminah S.Pd"`` → ``(siti, aminah)``; ``"Ahmad bin Hasan"`` → ``(ahmad)`` + ``(hasan)``;
    ``"Achmad Khairul"`` → ``(ahmad, hairul)``.
    """
    if not name:
        return NameParts((), ())
    main = name.split(",", 1)[0]
    words = _strip_trailing_degrees([w for w in _SEPARATORS.split(main) if w])
    lowered = [re.sub(r"[^a-z]", "", word.lower()) for word in words]
    cut = next((i for i, word in enumerate(lowered) if i > 0 and word in PATRONYMIC_PARTICLES), None)
    own, father = (words, []) if cut is None else (words[:cut], words[cut + 1 :])
    tokens = _tokens(" ".join(own))
    patronymic = _tokens(" ".join(father)) if father else ()
    return NameParts(tokens, patronymic)


_DIGRAPHS = (
    ("sy", "s"),
    ("sh", "s"),
    ("ts", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("dz", "z"),
    ("kh", "h"),
    ("ck", "k"),
    ("ph", "f"),
    ("q", "k"),
    ("x", "ks"),
    ("v", "f"),
    ("f", "p"),
    ("z", "j"),
)


@lru_cache(maxsize=100_000)
def phonetic_key(token: str) -> str:
    """A key that spelling variants of an Indonesian name token share.

    ``fatimah``, ``fatima`` → ``ptm``; ``yusuf``, ``yusup`` → ``ysp``; ``umar``, ``omar`` → ``amr``;
    ``zainal``, ``jainal`` → ``jnl``. Doubled letters are already single in normalised tokens.
    """
    if not token:
        return ""
    for old, new in _DIGRAPHS:
        token = token.replace(old, new)
    head, rest = token[0], token[1:]
    if head in _VOWELS - {"y"}:
        head = "a"
    consonants = [c for c in rest if c not in _VOWELS and c != "h"]
    collapsed = [c for i, c in enumerate(consonants) if i == 0 or c != consonants[i - 1]]
    return head + "".join(collapsed)
