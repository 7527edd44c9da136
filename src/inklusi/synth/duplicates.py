"""Duplicates: households enumerated a second time, with the errors real re-enumeration makes.

A share of households (``duplicate_share``) is enumerated again — half of them after moving to another
village of the same regency (the classic source of double registration), half at the same address written
differently. Each member is listed again with probability 0.92, under a new record id, with realistic
noise: Muhammad spelled Muhamad/Mohammad/M./Moch., hajj titles dropped or added, name order swapped, old
spellings (Soe-, Dj-), typos (swapped, dropped or changed letters), capital letters; NIK digits swapped or
mistyped, or NIK missing; birth dates off by a year, with day and month swapped, or set to 1 July; sex
flipped rarely. Every record carries ``true_person_id`` / ``true_household_id`` and the ``errors`` applied.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.synth import identity
from inklusi.synth.addresses import addresses, coordinates
from inklusi.synth.chunks import Chunk
from inklusi.synth.pilot import Model
from inklusi.synth.population import draw_villages

MUHAMMAD_VARIANTS = ("Muhamad", "Mohammad", "Mohamad", "M.", "Moch.", "Muh.")
NAME_ERRORS = {  # error: share of duplicated person records
    "muhammad_spelling": 0.5,  # of those whose name has Muhammad
    "title_dropped": 0.5,  # of those with H./Hj.
    "title_added": 0.03,
    "name_order": 0.04,
    "old_spelling": 0.05,
    "typo": 0.12,
    "upper_case": 0.25,
}
NIK_ERRORS = {"nik_missing": 0.05, "nik_swap": 0.04, "nik_typo": 0.02}
DATE_ERRORS = {"birth_year": 0.04, "day_month_swap": 0.02, "birth_day_unknown": 0.03}


def duplicate_tables(model: Model, index: int, chunk: Chunk) -> dict[str, pa.Table]:
    config = model.config
    if config.duplicate_share <= 0:
        return {}
    rng = np.random.default_rng([config.seed, index, 2])
    households = chunk.tables["households"]
    persons = chunk.tables["persons"]
    hh = chunk.simulated.households
    n = households.num_rows
    chosen = np.flatnonzero(rng.random(n) < config.duplicate_share)
    ids = identity.text_ids("D", index * 1_000_000 + np.arange(len(chosen)), 12)
    moved = rng.random(len(chosen)) < 0.5
    dup = households.take(pa.array(chosen))
    geo = model.geography
    village = np.where(
        moved, draw_villages(rng, geo, hh["regency"][chosen], hh["urban"][chosen]), hh["village"][chosen]
    )
    province = geo.provinces.code[hh["province"][chosen]]
    address, sls = addresses(rng, hh["urban"][chosen], province, village)
    latitude, longitude = coordinates(rng, geo.village_latitude[village], geo.village_longitude[village])
    rewritten = pc.replace_substring(pc.replace_substring(dup["address"], "Jl.", "Jalan"), "Gg.", "Gang")
    same_address = pc.if_else(pa.array(rng.random(len(chosen)) < 0.5), rewritten, dup["address"])
    columns = {
        "household_id": ids,
        "village_code": pa.array(geo.village_code[village]),
        "sls": pc.if_else(pa.array(moved), sls, dup["sls"]),
        "address": pc.if_else(pa.array(moved), address, same_address),
        "latitude": pa.array(np.where(moved, latitude, dup["latitude"].to_numpy())),
        "longitude": pa.array(np.where(moved, longitude, dup["longitude"].to_numpy())),
        "district_code": pa.array(geo.district_code[geo.village_district[village]]),
    }
    for name, values in columns.items():
        dup = dup.set_column(dup.schema.get_field_index(name), name, values)
    dup = dup.append_column("true_household_id", households["household_id"].take(pa.array(chosen)))
    dup = dup.append_column("moved", pa.array(moved))

    position = np.full(n, -1)
    position[chosen] = np.arange(len(chosen))
    member_household = position[chunk.simulated.persons["household"]]
    rows = np.flatnonzero((member_household >= 0) & (rng.random(len(member_household)) < 0.92))
    people = persons.take(pa.array(rows))
    new_household = pc.take(ids, pa.array(member_household[rows]))
    family_number = chunk.simulated.composition.family_number[rows]
    people = _replace(people, "household_id", new_household)
    people = _replace(people, "family_id", identity.family_ids(new_household, family_number))
    people = _replace(
        people, "person_id", identity.text_ids("Q", index * 10_000_000 + np.arange(len(rows)), 12)
    )
    people = people.append_column("true_person_id", persons["person_id"].take(pa.array(rows)))
    people = people.append_column("true_household_id", persons["household_id"].take(pa.array(rows)))
    people, errors = _add_noise(rng, people, chunk.simulated.persons["age"][rows])
    people = people.append_column("errors", errors)
    return {"duplicate_households": dup, "duplicate_persons": people}


def _replace(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


def _add_noise(rng: np.random.Generator, people: pa.Table, age: np.ndarray) -> tuple[pa.Table, pa.Array]:
    n = people.num_rows
    applied: dict[str, np.ndarray] = {}
    name = people["name"].combine_chunks()

    has_muhammad = pc.match_substring_regex(name, r"\bMuhammad\b").to_numpy(zero_copy_only=False)
    mask = has_muhammad & (rng.random(n) < NAME_ERRORS["muhammad_spelling"])
    variant = rng.integers(0, len(MUHAMMAD_VARIANTS), n)
    for k, spelling in enumerate(MUHAMMAD_VARIANTS):
        rows = pa.array(mask & (variant == k))
        name = pc.if_else(rows, pc.replace_substring_regex(name, r"\bMuhammad\b", spelling), name)
    applied["muhammad_spelling"] = mask
    titled = pc.match_substring_regex(name, r"^(H|Hj)\. ").to_numpy(zero_copy_only=False)
    mask = titled & (rng.random(n) < NAME_ERRORS["title_dropped"])
    name = pc.if_else(pa.array(mask), pc.replace_substring_regex(name, r"^(H|Hj)\. ", ""), name)
    applied["title_dropped"] = mask
    sex = people["sex"].to_numpy()
    mask = ~titled & (age >= 40) & (rng.random(n) < NAME_ERRORS["title_added"])
    title = pc.if_else(pa.array(sex == 1), pa.scalar("H."), pa.scalar("Hj."))
    name = pc.if_else(pa.array(mask), pc.binary_join_element_wise(title, name, " "), name)
    applied["title_added"] = mask
    mask = rng.random(n) < NAME_ERRORS["name_order"]
    name = pc.if_else(pa.array(mask), pc.replace_substring_regex(name, r"^(\S+) (.+)$", r"\2 \1"), name)
    applied["name_order"] = mask
    mask = rng.random(n) < NAME_ERRORS["old_spelling"]
    old = pc.replace_substring_regex(pc.replace_substring_regex(name, r"\bSu", "Soe"), r"\bJ", "Dj")
    mask &= pc.not_equal(old, name).to_numpy(zero_copy_only=False)
    name = pc.if_else(pa.array(mask), old, name)
    applied["old_spelling"] = mask
    mask = rng.random(n) < NAME_ERRORS["typo"]
    name = pc.if_else(pa.array(mask), _typos(rng, name), name)
    applied["typo"] = mask
    mask = rng.random(n) < NAME_ERRORS["upper_case"]
    name = pc.if_else(pa.array(mask), pc.utf8_upper(name), name)
    applied["upper_case"] = mask

    nik = people["nik"].combine_chunks()
    present = nik.is_valid().to_numpy(zero_copy_only=False)
    draw = rng.random(n)
    missing = present & (draw < NIK_ERRORS["nik_missing"])
    swap = present & (draw >= 0.05) & (draw < 0.09)
    typo = present & (draw >= 0.09) & (draw < 0.11)
    nik = pc.if_else(pa.array(swap | typo), _digit_noise(rng, nik, swap), nik)
    nik = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), nik)
    applied.update(nik_missing=missing, nik_swap=swap, nik_typo=typo)

    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    draw = rng.random(n)
    year_off = draw < DATE_ERRORS["birth_year"]
    swapped = (draw >= 0.04) & (draw < 0.06)
    unknown_day = (draw >= 0.06) & (draw < 0.09)
    birth = _date_noise(rng, birth, year_off, swapped, unknown_day)
    applied.update(birth_year=year_off, day_month_swap=swapped, birth_day_unknown=unknown_day)
    flip = rng.random(n) < 0.005
    applied["sex_flipped"] = flip
    people = _replace(people, "name", name)
    people = _replace(people, "nik", nik)
    people = _replace(people, "birth_date", pa.array(birth, type=pa.date32()))
    people = _replace(people, "sex", pa.array(np.where(flip, 3 - sex, sex).astype(np.int8)))
    keys = tuple(applied)
    matrix = np.stack([applied[k] for k in keys], axis=1)
    row, column = np.nonzero(matrix)
    offsets = np.r_[0, np.cumsum(np.bincount(row, minlength=n))].astype(np.int32)
    errors = pa.ListArray.from_arrays(
        pa.array(offsets), pc.take(pa.array(keys), pa.array(column, type=pa.int64()))
    )
    return people, errors


def _typos(rng: np.random.Generator, names: pa.Array) -> pa.Array:
    """Swap two neighbouring letters, drop one, or double one, at a random position (vectorised)."""
    text = np.array(names.to_pylist(), dtype="U64")
    n = len(text)
    if n == 0:
        return names
    chars = text.view(np.uint32).reshape(n, 64).copy()
    length = np.char.str_len(text)
    position = (rng.random(n) * np.maximum(length - 1, 1)).astype(np.int64)
    kind = rng.integers(0, 3, n)
    columns = np.arange(64)[None, :]
    p = position[:, None]
    source = np.where(
        kind[:, None] == 0, np.where(columns == p, p + 1, np.where(columns == p + 1, p, columns)), columns
    )
    source = np.where(kind[:, None] == 1, columns + (columns >= p), source)
    source = np.where(kind[:, None] == 2, columns - (columns > p), source)
    chars = np.take_along_axis(chars, source.clip(0, 63), axis=1)
    result = chars.view("U64").reshape(n)
    return pa.array(result.tolist(), type=pa.string())


def _digit_noise(rng: np.random.Generator, nik: pa.Array, swap: np.ndarray) -> pa.Array:
    filled = pc.fill_null(nik, "0000000000000000").to_pylist()
    digits = np.array(filled, dtype="S16").view(np.uint8).reshape(-1, 16).copy()
    n = len(digits)
    position = rng.integers(6, 15, n)
    rows = np.arange(n)
    left, right = digits[rows, position].copy(), digits[rows, position + 1].copy()
    digits[rows, position] = np.where(swap, right, (left - 48 + rng.integers(1, 10, n)) % 10 + 48)
    digits[rows, position + 1] = np.where(swap, left, right)
    return pa.array(digits.view("S16").reshape(n).astype(str).tolist(), type=pa.string())


def _date_noise(rng, birth, year_off, swapped, unknown_day) -> np.ndarray:
    years = birth.astype("datetime64[Y]")
    months = birth.astype("datetime64[M]")
    day = (birth - months.astype("datetime64[D]")).astype(np.int64) + 1
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    shift = np.where(rng.random(len(birth)) < 0.5, -1, 1)
    out = birth.copy()
    moved_year = (years + shift).astype("datetime64[M]") + (month - 1)
    out = np.where(year_off, moved_year.astype("datetime64[D]") + np.minimum(day, 28) - 1, out)
    can_swap = swapped & (day <= 12) & (day != month)
    swapped_date = years.astype("datetime64[M]") + (day - 1)
    out = np.where(can_swap, swapped_date.astype("datetime64[D]") + month - 1, out)
    july = years.astype("datetime64[M]") + 6
    return np.where(unknown_day, july.astype("datetime64[D]"), out)
