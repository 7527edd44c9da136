"""One chunk of the real run: simulate, then add ids, NIK/KK numbers, names and addresses, as Arrow tables.

Column names follow ``inklusi.registry.model`` (``Dwelling``, ``PersonData``, ``FamilyData``) plus ids;
assets are one ``asset_<key>`` column each. Code 0 means "not asked" and is written as null.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.registry.model import WASHINGTON_GROUP_FIELDS
from inklusi.synth import identity, names, vulnerability, welfare
from inklusi.synth.addresses import addresses, coordinates
from inklusi.synth.assets import ASSET_KEYS
from inklusi.synth.composition import CHILD, GRANDCHILD, HEAD, LEFT_GRANDCHILD
from inklusi.synth.pilot import Model
from inklusi.synth.population import Simulated, simulate
from inklusi.synth.sampling import Rng, categorical

DWELLING_CODES = (
    "tenure", "floor_material", "wall_material", "roof_material", "water_source", "lighting",
    "electricity_power", "cooking_fuel", "toilet", "toilet_type", "excreta_disposal",
)  # fmt: skip
PERSON_CODES = (
    "marital_status", "school_participation", "education", "worked_last_week", "employment_status",
    "industry",
    *WASHINGTON_GROUP_FIELDS, "chronic_illness", "health_insurance",
)  # fmt: skip
PERSON_PROGRAMMES = ("prakerja", "kur", "umi", "pip")
FAMILY_PROGRAMMES = (
    "bpnt", "pkh", "blt_desa", "electricity_subsidy", "regional_aid", "fertiliser_subsidy", "lpg_subsidy",
)  # fmt: skip
NO_NIK_IN_REMOTE_COMMUNITIES = 0.35


@dataclass
class Counters:
    """State carried from chunk to chunk: running person numbers and NIK/KK serial counters."""

    persons: int = 0
    outside: int = 0
    nik: identity.SerialCounter = field(default_factory=identity.SerialCounter)
    kk: identity.SerialCounter = field(default_factory=identity.SerialCounter)


@dataclass
class Chunk:
    simulated: Simulated
    tables: dict[str, pa.Table]
    person_ids: pa.Array
    household_ids: pa.Array


def coded(values: np.ndarray, dtype=pa.int16()) -> pa.Array:
    return pa.array(values, mask=values == 0, type=dtype)


def list_column(flags: dict[str, np.ndarray], keys: tuple[str, ...]) -> pa.Array:
    """A list<string> per row of the keys whose flag is set (vectorised)."""
    matrix = np.stack([flags[key] for key in keys], axis=1)
    rows, columns = np.nonzero(matrix)
    offsets = np.r_[0, np.cumsum(np.bincount(rows, minlength=len(matrix)))].astype(np.int32)
    values = pc.take(pa.array(keys), pa.array(columns, type=pa.int64()))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def make_chunk(model: Model, index: int, counters: Counters) -> Chunk:
    config = model.config
    geo = model.geography
    first = index * config.chunk_households
    numbers = np.arange(first, min(first + config.chunk_households, config.households))
    rng = np.random.default_rng([config.seed, index])
    regency = model.regency_of(numbers)
    sim = simulate(rng, model.calibration, geo, regency, urban_probability=model.regency_urban_probability)
    hh, pp, fam = sim.households, sim.persons, sim.families
    as_of = identity.days(config.as_of)
    household_ids = identity.text_ids("H", numbers, 9)
    person_numbers = counters.persons + np.arange(len(pp["age"]))
    counters.persons += len(pp["age"])
    person_ids = identity.text_ids("P", person_numbers, 10)
    h = pp["household"]
    family_ids = identity.family_ids(pc.take(household_ids, pa.array(h)), sim.composition.family_number)

    pp["birth_days"] = as_of - np.floor(pp["age"] * 365.2425).astype(np.int64)
    home_district = geo.village_district[hh["village"]]
    registered = identity.registration_district(
        rng, home_district[h], pp["age"], geo.district_regency, geo.regency_province, model.district_weights
    )
    native = registered == home_district[h]
    cells = identity.nik_cells(registered, pp["sex"], pp["birth_days"])
    serial = rng.integers(identity.MOVER_SERIAL_START, 10_000, len(cells))
    last_regency = int(regency[-1])
    serial[native] = counters.nik.assign(cells[native], regency[h][native], last_regency)
    nik = identity.nik_numbers(geo.district_number[registered], pp["birth_days"], pp["sex"], serial)
    missing_nik = pp["remote_community"] & (rng.random(len(cells)) < NO_NIK_IN_REMOTE_COMMUNITIES)
    nik = pc.if_else(pa.array(missing_nik), pa.scalar(None, pa.string()), nik)
    pp["registered_district"] = registered

    kk = _kk_numbers(rng, model, hh, pp, fam, home_district, regency, counters, as_of)
    head_row = np.r_[0, np.cumsum(hh["size"])[:-1]][h]
    parts = names.name_parts(
        rng,
        _person_groups(rng, model, hh, pp),
        pp["sex"],
        1970 + (pp["birth_days"] / 365.2425).astype(np.int64),
        hh["muslim"][h],  # families share a religion
        pp["birth_order"],
        pp["province_code"],
        pp["welfare"],
        head_row,
        np.isin(pp["role"], (HEAD, CHILD, GRANDCHILD, LEFT_GRANDCHILD)),
    )
    person_names = names.join_names(parts)
    birth_place = pc.take(pa.array(geo.regency_name), pa.array(geo.district_regency[registered]))
    province_code = geo.provinces.code[hh["province"]]
    address, sls = addresses(rng, hh["urban"], province_code, hh["village"])
    latitude, longitude = coordinates(
        rng, geo.village_latitude[hh["village"]], geo.village_longitude[hh["village"]]
    )

    households = {
        "household_id": household_ids,
        "village_code": pa.array(geo.village_code[hh["village"]]),
        "sls": sls,
        "address": address,
        "latitude": pa.array(latitude),
        "longitude": pa.array(longitude),
        **{name: coded(hh[name]) for name in DWELLING_CODES},
        "floor_area_m2": pa.array(hh["floor_area_m2"].astype(np.int16)),
        **{f"asset_{key}": pa.array(hh[f"asset_{key}"]) for key in ASSET_KEYS},
        "province_code": pa.array(province_code),
        "regency_code": pa.array(geo.regency_code[regency]),
        "district_code": pa.array(geo.district_code[home_district]),
        "urban": pa.array(hh["urban"].astype(bool)),
        "household_size": pa.array(hh["size"].astype(np.int16)),
        "families": pa.array(hh["families"].astype(np.int8)),
        "enumerated_on": pa.array(np.full(len(numbers), as_of, dtype=np.int32), type=pa.date32()),
    }
    family_household_ids = pc.take(household_ids, pa.array(fam["household"]))
    family_table_ids = identity.family_ids(family_household_ids, _family_numbers(hh["families"]))
    families = {
        "family_id": family_table_ids,
        "household_id": family_household_ids,
        "kk_number": kk,
        "programmes": list_column({k: fam[f"programme_{k}"] for k in FAMILY_PROGRAMMES}, FAMILY_PROGRAMMES),
        "family_size": pa.array(fam["size"].astype(np.int16)),
    }
    persons = {
        "person_id": person_ids,
        "household_id": pc.take(household_ids, pa.array(h)),
        "family_id": family_ids,
        "kk_number": pc.take(kk, pa.array(pp["family"])),
        "relationship": pa.array(pp["relationship"].astype(np.int8)),
        "nik": nik,
        "name": person_names,
        "sex": pa.array(pp["sex"].astype(np.int8)),
        "birth_date": pa.array(pp["birth_days"].astype(np.int32), type=pa.date32()),
        "birth_place": birth_place,
        **{name: coded(pp[name]) for name in PERSON_CODES},
        "programmes": list_column({k: pp[f"programme_{k}"] for k in PERSON_PROGRAMMES}, PERSON_PROGRAMMES),
    }
    in_survey = rng.random(len(numbers)) < config.survey_share
    observed = hh["consumption_per_capita"] * np.exp(
        rng.normal(0, welfare.SURVEY_MEASUREMENT_SD, len(numbers))
    )
    survey = pa.table(households).filter(pa.array(in_survey))
    survey = survey.append_column("consumption_per_capita", pa.array(observed[in_survey].round(0)))
    survey = survey.append_column(
        "weight", pa.array(np.full(int(in_survey.sum()), model.households_represented / config.survey_share))
    )
    truth_households = {
        "household_id": household_ids,
        "consumption_per_capita": pa.array(hh["consumption_per_capita"].round(0)),
        "welfare_index": pa.array(hh["welfare_index"]),
        "poor": pa.array(hh["poor"]),
        "extreme_poor": pa.array(hh["consumption_per_capita"] < 362_692.0),
        "remote_indigenous": pa.array(hh["remote_community"]),
    }
    truth_persons = {
        "person_id": person_ids,
        "household_id": persons["household_id"],
        **{flag: pa.array(sim.truth[flag]) for flag in vulnerability.TRUTH_FLAGS},
        "homeless": pa.array(np.zeros(len(h), dtype=bool)),
        "beggar": pa.array(np.zeros(len(h), dtype=bool)),
        "scavenger": pa.array(np.zeros(len(h), dtype=bool)),
    }
    outside, outside_truth = _outside_households(rng, model, hh, pp, counters, as_of)
    truth_persons_table = pa.concat_tables([pa.table(truth_persons), outside_truth])
    tables = {
        "households": pa.table(households),
        "families": pa.table(families),
        "persons": pa.table(persons),
        "survey_households": survey,
        "truth_households": pa.table(truth_households),
        "truth_persons": truth_persons_table,
        "outside_households": outside,
    }
    return Chunk(sim, tables, person_ids, household_ids)


def _family_numbers(families_per_household: np.ndarray) -> np.ndarray:
    starts = np.cumsum(families_per_household) - families_per_household
    return np.arange(int(families_per_household.sum())) - np.repeat(starts, families_per_household)


def _kk_numbers(rng, model, hh, pp, fam, home_district, regency, counters, as_of) -> pa.Array:
    geo = model.geography
    families = len(fam["household"])
    fam_household = fam["household"]
    heads = np.flatnonzero(pp["relationship"] == 1)
    head_birth = np.zeros(families, dtype=np.int64)
    head_birth[pp["family"][heads]] = pp["birth_days"][heads]
    earliest = np.maximum(head_birth + int(17 * 365.25), identity.days(date(2005, 1, 1)))
    earliest = np.minimum(earliest, as_of - 30)
    issued = earliest + (rng.random(families) * (as_of - earliest)).astype(np.int64)
    district = home_district[fam_household]
    cells = district.astype(np.int64) * 100_000 + issued
    serial = counters.kk.assign(cells, regency[fam_household], int(regency[-1]))
    numbers = identity.kk_numbers(geo.district_number[district], issued, serial)
    remote = hh["remote_community"][fam_household] & (rng.random(families) < NO_NIK_IN_REMOTE_COMMUNITIES)
    return pc.if_else(pa.array(remote), pa.scalar(None, pa.string()), numbers)


def _person_groups(rng: Rng, model: Model, hh, pp) -> np.ndarray:
    """Children share the head's naming tradition; others come from the province mix 15 % of the time."""
    h = pp["household"]
    own = categorical(rng, model.geography.provinces.name_mix[hh["province"][h]])
    mixed = ~np.isin(pp["role"], (HEAD, CHILD, GRANDCHILD, LEFT_GRANDCHILD)) & (rng.random(len(h)) < 0.15)
    return np.where(mixed, own, hh["group"][h])


def _outside_households(rng, model, hh, pp, counters, as_of) -> tuple[pa.Table, pa.Table]:
    geo = model.geography
    city = geo.regency_is_city[hh["regency"]] & hh["urban"].astype(bool)
    n = vulnerability.homeless_count(rng, int(hh["size"][city].sum())) if city.any() else 0
    where = rng.choice(np.flatnonzero(city), n) if n else np.zeros(0, dtype=np.int64)
    roles = vulnerability.homeless_roles(rng, n)
    numbers = counters.outside + np.arange(n)
    counters.outside += n
    ids = identity.text_ids("G", numbers, 9)
    birth_days = as_of - np.floor(roles["age"] * 365.2425).astype(np.int64)
    district = geo.village_district[hh["village"][where]]
    serial = rng.integers(identity.MOVER_SERIAL_START, 10_000, n)
    nik = identity.nik_numbers(geo.district_number[district], birth_days, roles["sex"], serial)
    nik = pc.if_else(pa.array(rng.random(n) < 0.5), pa.scalar(None, pa.string()), nik)
    group = hh["group"][where]
    parts = names.name_parts(
        rng,
        group,
        roles["sex"],
        1970 + (birth_days / 365.2425).astype(np.int64),
        hh["muslim"][where],
        np.zeros(n, dtype=np.int64),
        geo.provinces.code[hh["province"][where]],
        np.full(n, -2.0),
        np.arange(n),
        np.zeros(n, dtype=bool),
    )
    single = rng.random(n) < 0.4  # often known by one name only
    parts["second"] = np.where(single, -1, parts["second"])
    parts["family"] = np.where(single, -1, parts["family"])
    table = pa.table({
        "person_id": ids,
        "nik": nik,
        "name": names.join_names(parts),
        "sex": pa.array(roles["sex"].astype(np.int8)),
        "birth_date": pa.array(birth_days.astype(np.int32), type=pa.date32()),
        "village_code": pa.array(geo.village_code[hh["village"][where]], type=pa.string()),
    })  # fmt: skip
    false = np.zeros(n, dtype=bool)
    truth = {"person_id": ids, "household_id": pa.nulls(n, pa.string())}
    for flag in vulnerability.TRUTH_FLAGS:
        truth[flag] = pa.array(roles.get(flag, false))
    truth["poor"] = pa.array(~false)
    truth["homeless"] = pa.array(~false)
    truth["beggar"] = pa.array(roles["beggar"])
    truth["scavenger"] = pa.array(roles["scavenger"])
    return table, pa.table(truth)
