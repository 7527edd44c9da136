"""A hard linkage scenario: lists without NIK or KK, many records per person, noise everywhere.

The people the registry most needs to find carry the weakest identifiers: homeless people, street
children, remote communities, paper lists typed in by a village officer, old programme lists. This
scenario takes people of a synthetic population (:mod:`inklusi.synth`) and lists each of them 3 to 20
times (``3 + Poisson(records_mean - 3)``, at most 20) as separate records, under shuffled random ids, with
no identity numbers at all:

- **names** split into ``given_name`` (every word but the last) and ``family_name`` (the last word, when
  there are two or more): typos in either (a letter swapped, dropped, doubled or changed, sometimes two),
  Muhammad spelled otherwise or abbreviated, given and family name swapped, a word of a longer given
  name dropped, the family name missing, the hajj title dropped or added;
- **birth dates** (ISO text): one digit off, day and month swapped, a year off, the day unknown (1 July),
  or missing;
- **sex** missing or, rarely, flipped; **birth place** with typos, missing or replaced by where the
  person lives now; **postcode** (five digits per district) missing, mistyped or another district's;
  **occupation** (the industry code, as text) often different;
- a share of the people live **outside households** (no household, no postcode on any record).

``truth`` is the person; ``household`` the household in the population (null outside households). Pure
function of the configuration: the same seed gives the same table.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from inklusi.synth.config import SynthConfig
from inklusi.synth.output import chunks

MUHAMMAD_FORMS = ("Muhamad", "Mohammad", "Mohamad", "M.", "Moch.", "Muh.", "Mhd")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
VOWELS = "aiueo"


@dataclass(frozen=True)
class WeakListsConfig:
    people: int = 5_000
    seed: int = 13
    records_mean: float = 10.0  # mean records per person (3 to 20 each)
    outside_households: float = 0.3  # share of people without a household (and without a postcode)
    name_typo: float = 0.3  # per name part and record
    second_typo: float = 0.3  # of those with a typo, a second one
    date_exact: float = 0.55  # the rest: one of the date errors below
    pilot_households: int = 200  # the generator's calibration sample (small: only names and dates used)


DATE_ERRORS = (  # error: weight among the noisy dates
    ("digit", 0.3),
    ("swap", 0.15),
    ("year", 0.2),
    ("july", 0.1),
    ("missing", 0.25),
)


def weak_lists(config: WeakListsConfig) -> pa.Table:
    """Records of ``config.people`` people, shuffled: ``record_id, truth, household, given_name,
    family_name, birth_date, sex, birth_place, postcode, occupation``."""
    rng = np.random.default_rng([config.seed, 13])
    households = max(1, int(config.people * 0.45))
    synth = SynthConfig(
        households=households,
        seed=config.seed,
        duplicate_share=0.0,
        pilot_households=config.pilot_households,
    )
    persons, homes = _population(synth)
    chosen = np.sort(rng.choice(persons.num_rows, size=min(config.people, persons.num_rows), replace=False))
    people = persons.take(pa.array(chosen)).to_pylist()
    places = sorted({p["birth_place"] for p in people if p["birth_place"]})
    postcodes = sorted(set(homes.values()))
    counts = np.minimum(3 + rng.poisson(max(config.records_mean - 3, 0), len(people)), 20)
    rows: list[dict[str, object]] = []
    for person, count in zip(people, counts.tolist(), strict=True):
        outside = bool(rng.random() < config.outside_households)
        home = None if outside else homes[person["household_id"]]
        lives_in = places[int(rng.integers(len(places)))] if places else None
        for _ in range(count):
            rows.append(_record(rng, config, person, home, lives_in, places, postcodes, outside))
    order = rng.permutation(len(rows))
    shuffled = [rows[i] for i in order.tolist()]
    ids = rng.permutation(len(shuffled) * 7)[: len(shuffled)]
    for row, number in zip(shuffled, ids.tolist(), strict=True):
        row["record_id"] = f"R{number:08d}"
    columns = ["record_id", "truth", "household", "given_name", "family_name", "birth_date"]
    columns += ["sex", "birth_place", "postcode", "occupation"]
    return pa.table({c: pa.array([row[c] for row in shuffled], pa.string()) for c in columns})


def _population(config: SynthConfig) -> tuple[pa.Table, dict[str, str]]:
    wanted = ["person_id", "household_id", "name", "sex", "birth_date", "birth_place", "industry"]
    persons, homes = [], {}
    for chunk in chunks(config):
        persons.append(chunk.tables["persons"].select(wanted))
        households = chunk.tables["households"]
        for household, district in zip(
            households["household_id"].to_pylist(), households["district_code"].to_pylist(), strict=True
        ):
            homes[household] = _postcode(district)
    return pa.concat_tables(persons), homes


def _postcode(district: str) -> str:
    """Five digits per district (the real postcodes are not in the generator)."""
    return f"{10000 + zlib.crc32(district.encode()) % 89_999:05d}"


def _record(rng, config, person, home, lives_in, places, postcodes, outside) -> dict[str, object]:
    given, family = _names(rng, config, person["name"])
    sex = person["sex"]
    draw = rng.random()
    sex_text = None if draw < 0.05 else str(3 - sex if draw < 0.06 else sex)
    place = person["birth_place"]
    draw = rng.random()
    if place and draw < 0.15:
        place = None
    elif place and draw < 0.25:
        place = lives_in
    elif place and draw < 0.4:
        place = _typo(rng, place)
    postcode = home
    draw = rng.random()
    if postcode and draw < 0.2:
        postcode = None
    elif postcode and draw < 0.3:
        postcode = postcodes[int(rng.integers(len(postcodes)))]
    elif postcode and draw < 0.35:
        postcode = _digit(rng, postcode)
    industry = person["industry"]
    occupation = None if industry is None or rng.random() < 0.2 else str(industry)
    if occupation and rng.random() < 0.25:
        occupation = str(int(rng.integers(1, 20)))
    return {
        "truth": person["person_id"],
        "household": None if outside else person["household_id"],
        "given_name": given,
        "family_name": family,
        "birth_date": _date(rng, config, person["birth_date"]),
        "sex": sex_text,
        "birth_place": place,
        "postcode": postcode,
        "occupation": occupation,
    }


def _names(rng, config: WeakListsConfig, name: str) -> tuple[str | None, str | None]:
    words = name.split()
    if words and words[0] in ("H.", "Hj.") and rng.random() < 0.5:
        words = words[1:]
    elif words and words[0] not in ("H.", "Hj.") and rng.random() < 0.02:
        words = ["H." if rng.random() < 0.5 else "Hj.", *words]
    words = [
        MUHAMMAD_FORMS[int(rng.integers(len(MUHAMMAD_FORMS)))]
        if w == "Muhammad" and rng.random() < 0.5
        else w
        for w in words
    ]
    given, family = (words[:-1], words[-1]) if len(words) > 1 else (words, None)
    if len(given) > 1 and rng.random() < 0.15:
        del given[int(rng.integers(len(given)))]
    given_text = " ".join(given) or None
    if given_text and rng.random() < config.name_typo:
        given_text = _typo(rng, given_text, config.second_typo)
    if family and rng.random() < config.name_typo:
        family = _typo(rng, family, config.second_typo)
    if family and rng.random() < 0.06:
        family = None
    if family and rng.random() < 0.08:
        given_text, family = family, given_text
    if given_text and rng.random() < 0.15:
        given_text = given_text.upper()
    return given_text, family


def _typo(rng, text: str, again: float = 0.0) -> str:
    """A letter swapped with the next, dropped, doubled or changed (a vowel for a vowel, usually)."""
    if len(text) < 3:
        return text
    position = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        text = text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    elif kind == 1:
        text = text[:position] + text[position + 1 :]
    elif kind == 2:
        text = text[:position] + text[position] + text[position:]
    else:
        pool = VOWELS if text[position].lower() in VOWELS else LETTERS
        text = text[:position] + pool[int(rng.integers(len(pool)))] + text[position + 1 :]
    return _typo(rng, text) if again and rng.random() < again else text


def _digit(rng, digits: str) -> str:
    position = int(rng.integers(len(digits)))
    changed = str((int(digits[position]) + int(rng.integers(1, 10))) % 10)
    return digits[:position] + changed + digits[position + 1 :]


def _date(rng, config: WeakListsConfig, born) -> str | None:
    if rng.random() < config.date_exact:
        return born.isoformat()
    kinds = [kind for kind, _ in DATE_ERRORS]
    weights = np.array([weight for _, weight in DATE_ERRORS])
    kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
    year, month, day = born.year, born.month, born.day
    if kind == "missing":
        return None
    if kind == "july":
        return f"{year:04d}-07-01"
    if kind == "year":
        year += 1 if rng.random() < 0.5 else -1
        return f"{year:04d}-{month:02d}-{min(day, 28):02d}"
    if kind == "swap" and day <= 12 and day != month:
        return f"{year:04d}-{day:02d}-{month:02d}"
    text = f"{year:04d}{month:02d}{day:02d}"
    for _ in range(20):  # one digit off, still a real date
        changed = _digit(rng, text)
        y, m, d = int(changed[:4]), int(changed[4:6]), int(changed[6:])
        if 1900 <= y <= 2025 and 1 <= m <= 12 and 1 <= d <= 28:
            return f"{y:04d}-{m:02d}-{d:02d}"
    return born.isoformat()
