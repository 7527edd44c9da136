"""Personal names by naming tradition, generation and religion, built as Arrow strings without a Python loop
per person.

Name lists live in ``data/names/<group>.csv`` (``name,kind,weight``; sources and licence in
``data/SOURCE.md``). A name is up to seven parts, each optional: hajj title (H./Hj.), noble or gender prefix
(Teuku/Cut, Andi, La/Wa, I/Ni, Ida Bagus …, Sri), Balinese birth-order name, Muhammad (in its spellings), the
given name, a second name, and a family name (Batak marga, Minahasa fam, NTT, Maluku, Papuan and Chinese-
Indonesian surnames), which children take from the head of the family. Older Javanese and Sundanese people
often have one name; younger people have longer, Arabic- and Western-influenced names.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.synth.regions import NAME_GROUPS
from inklusi.synth.sampling import Rng, weighted_pick

MUSLIM_SHARE = {
    "javanese": 0.95, "sundanese": 0.99, "malay": 0.98, "arabic": 1.0, "batak": 0.35, "bugis": 0.97,
    "balinese": 0.0, "chinese": 0.05, "papuan": 0.05, "ntt": 0.08, "minahasa": 0.05, "maluku": 0.5,
    "dayak": 0.1,
}  # fmt: skip
FAMILY_NAME_GROUPS = ("batak", "chinese", "papuan", "ntt", "minahasa", "maluku")
MUHAMMAD_GROUPS = ("javanese", "sundanese", "malay", "arabic", "bugis")
TITLES = (
    "H.", "Hj.", "Teuku", "Cut", "Andi", "La", "Wa", "I", "Ni", "Ida Bagus", "Ida Ayu", "Anak Agung",
    "Gusti Ngurah", "Gusti Ayu", "Sri", "Muhammad", "Mohammad", "Muhamad", "Mochammad",
)  # fmt: skip
MUHAMMAD_SPELLINGS = np.array([0.82, 0.07, 0.06, 0.05])
PARTS = ("title", "prefix", "order", "muhammad", "given", "second", "family")


@dataclass(frozen=True)
class NameLists:
    vocabulary: pa.Array
    lists: dict[tuple[str, str], tuple[int, np.ndarray]]  # (group, kind) -> (offset, cumulative weights)
    title_index: dict[str, int]
    starts_with_muhammad: np.ndarray

    def has(self, group: str, kind: str) -> bool:
        return (group, kind) in self.lists


def _read(name: str) -> list[dict[str, str]]:
    path = resources.files("inklusi.synth") / "data" / "names" / name
    # the files are on disk, and a Path's open takes newline (typeshed's Traversable.open does not)
    with path.open(encoding="utf-8", newline="") as handle:  # type: ignore[call-overload]
        return list(csv.DictReader(handle))


@cache
def name_lists() -> NameLists:
    entries: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for group in (*NAME_GROUPS, "modern"):
        for row in _read(f"{group}.csv"):
            entries.setdefault((group, row["kind"]), []).append((row["name"], float(row["weight"])))
    marga = {name for (group, _), rows in entries.items() if group == "batak" for name, _ in rows}
    seed_kinds = {
        "given_male": "male",
        "given_female": "female",
        "second_name_male": "second_male",
        "second_name_female": "second_female",
    }
    for row in _read("faker_id_ID.csv"):  # the MIT seed list: mostly Javanese, weight 1 each
        if row["name"] not in marga and row["name"] != "Latupono":
            entries[("javanese", seed_kinds[row["kind"]])].append((row["name"], 1.0))
    words: list[str] = list(TITLES)
    lists = {}
    for key, rows in entries.items():
        lists[key] = (len(words), np.cumsum([weight for _, weight in rows]))
        words.extend(name for name, _ in rows)
    return NameLists(
        vocabulary=pa.array(words, type=pa.string()),
        lists=lists,
        title_index={title: i for i, title in enumerate(TITLES)},
        starts_with_muhammad=np.array([w.split(" ")[0] in TITLES[15:] for w in words]),
    )


def draw_religion(rng: Rng, group: np.ndarray) -> np.ndarray:
    share = np.array([MUSLIM_SHARE[g] for g in NAME_GROUPS])
    return rng.random(len(group)) < share[group]


def _pick(
    rng: Rng, lists: NameLists, group: np.ndarray, kind: str, rows: np.ndarray, out: np.ndarray
) -> None:
    """Fill ``out[rows]`` with indices drawn from each row's group list of ``kind`` (if the group has one)."""
    for g, name in enumerate(NAME_GROUPS):
        if not lists.has(name, kind):
            continue
        chosen = rows[group[rows] == g]
        if len(chosen):
            offset, cumulative = lists.lists[(name, kind)]
            out[chosen] = offset + weighted_pick(rng, cumulative, len(chosen))


def _pick_all(rng: Rng, lists: NameLists, source: str, kind: str, rows: np.ndarray, out: np.ndarray) -> None:
    offset, cumulative = lists.lists[(source, kind)]
    out[rows] = offset + weighted_pick(rng, cumulative, len(rows))


def name_parts(
    rng: Rng,
    group: np.ndarray,
    sex: np.ndarray,
    birth_year: np.ndarray,
    muslim: np.ndarray,
    birth_order: np.ndarray,
    province_code: np.ndarray,
    welfare: np.ndarray,
    head_row: np.ndarray,
    inherits_family_name: np.ndarray,
) -> dict[str, np.ndarray]:
    """Vocabulary indices (-1 = absent) for each name part of each person."""
    lists = name_lists()
    n = len(group)
    parts = {part: np.full(n, -1, dtype=np.int64) for part in PARTS}
    male = sex == 1
    u = rng.random((6, n))
    everyone = np.arange(n)
    old, young = birth_year < 1970, birth_year >= 2005
    groups = np.array(NAME_GROUPS)
    in_group = {name: group == i for i, name in enumerate(NAME_GROUPS)}

    # given name: old-style lists for the old, modern names for many of the young, else the group's list
    for sex_mask, suffix in ((male, "male"), (~male, "female")):
        rows = everyone[sex_mask]
        _pick(rng, lists, group, suffix, rows, parts["given"])
        old_rows = rows[old[rows] & (u[0, rows] < 0.7)]
        _pick(rng, lists, group, f"{suffix}_old", old_rows, parts["given"])
        modern_share = np.where(np.isin(groups[group[rows]], MUHAMMAD_GROUPS), 0.55, 0.25)
        modern = rows[young[rows] & (u[1, rows] < modern_share)]
        _pick_all(rng, lists, "modern", suffix, modern, parts["given"])
        arabic = rows[muslim[rows] & ~np.isin(groups[group[rows]], MUHAMMAD_GROUPS) & (u[2, rows] < 0.5)]
        _pick_all(rng, lists, "arabic", suffix, arabic, parts["given"])

        second_share = np.where(old[rows], 0.25, np.where(young[rows], 0.97, 0.75))
        second = rows[(u[3, rows] < second_share) | (birth_year[rows] >= 2022)]
        _pick(rng, lists, group, f"second_{suffix}", second, parts["second"])
        balinese = second[in_group["balinese"][second] & (u[4, second] < 0.6)]
        _pick_all(rng, lists, "balinese", suffix, balinese, parts["second"])
        modern_second = second[young[second] & (u[4, second] < 0.4) & ~in_group["balinese"][second]]
        _pick_all(rng, lists, "modern", f"second_{suffix}", modern_second, parts["second"])
        arabic_second = second[muslim[second] & (u[5, second] < 0.2) & ~young[second]]
        _pick_all(rng, lists, "arabic", f"second_{suffix}", arabic_second, parts["second"])

    # family names, shared by the head's children and grandchildren
    for name in FAMILY_NAME_GROUPS:
        rows = everyone[in_group[name] & (u[4] < 0.95)]
        kind = "family"
        if name == "batak":
            muslim_rows = rows[muslim[rows]]
            _pick_all(rng, lists, "batak", "family_muslim", muslim_rows, parts["family"])
            rows = rows[~muslim[rows]]
        _pick_all(rng, lists, name, kind, rows, parts["family"])
    inherit = inherits_family_name & (parts["family"][head_row] >= 0)
    parts["family"] = np.where(inherit, parts["family"][head_row], parts["family"])

    _prefixes(rng, lists, parts, in_group, male, muslim, birth_year, birth_order, province_code, welfare)
    return parts


def _prefixes(
    rng, lists, parts, in_group, male, muslim, birth_year, birth_order, province_code, welfare
) -> None:
    n = len(male)
    u = rng.random((5, n))
    title = lists.title_index

    def put(part: str, mask: np.ndarray, male_title: str, female_title: str) -> None:
        parts[part] = np.where(mask, np.where(male, title[male_title], title[female_title]), parts[part])

    age = 2025 - birth_year
    put("title", muslim & (age >= 45) & (u[0] < 0.05 * np.exp(0.5 * np.clip(welfare, -2, 2))), "H.", "Hj.")
    put("prefix", in_group["malay"] & (province_code == "11") & (u[1] < 0.06), "Teuku", "Cut")
    put("prefix", in_group["bugis"] & (province_code != "74") & (u[1] < 0.07), "Andi", "Andi")
    put("prefix", in_group["bugis"] & (province_code == "74") & (u[1] < 0.30), "La", "Wa")
    put("prefix", in_group["javanese"] & ~male & (u[1] < 0.12), "Sri", "Sri")
    bali = in_group["balinese"]
    put("prefix", bali, "I", "Ni")
    put("prefix", bali & (u[2] < 0.04), "Ida Bagus", "Ida Ayu")
    put("prefix", bali & (u[2] >= 0.04) & (u[2] < 0.07), "Anak Agung", "Anak Agung")
    put("prefix", bali & (u[2] >= 0.07) & (u[2] < 0.10), "Gusti Ngurah", "Gusti Ayu")
    commoner = bali & (u[2] >= 0.10)
    order = np.where(birth_order > 0, (birth_order - 1) % 4 + 1, rng.integers(1, 5, n))
    for k in range(1, 5):
        rows = np.flatnonzero(commoner & (order == k))
        offset, cumulative = lists.lists[("balinese", f"birth_order_{k}")]
        parts["order"][rows] = offset + weighted_pick(rng, cumulative, len(rows))
    groups_with_muhammad = np.zeros(n, dtype=bool)
    for name in MUHAMMAD_GROUPS:
        groups_with_muhammad |= in_group[name]
    share = np.where(birth_year >= 2005, 0.33, np.where(birth_year >= 1985, 0.12, 0.05))
    wants = male & muslim & groups_with_muhammad & (u[3] < share)
    wants &= ~lists.starts_with_muhammad[np.maximum(parts["given"], 0)]
    spelling = np.searchsorted(np.cumsum(MUHAMMAD_SPELLINGS), u[4] * MUHAMMAD_SPELLINGS.sum(), side="right")
    parts["muhammad"] = np.where(wants, title["Muhammad"] + spelling.clip(0, 3), -1)


def join_names(parts: dict[str, np.ndarray], order: tuple[str, ...] = PARTS) -> pa.Array:
    """Assemble the parts (in ``order``) into one string per person."""
    vocabulary = name_lists().vocabulary
    columns = [
        pc.take(vocabulary, pa.array(parts[part], mask=parts[part] < 0, type=pa.int64())) for part in order
    ]
    return pc.binary_join_element_wise(*columns, " ", null_handling="skip")
