"""Later enumeration rounds of the same population: deaths, births, marriages, moves, household splits and
welfare changes over ``round_interval_days``, chunk by chunk.

Per year: mortality rises with age (Gompertz, about 6.5 deaths per 1,000); married women aged 15-49 give birth
at BPS-like age-specific rates (newborns get a NIK for their birth date and district); a never-married child
aged 20-34 marries at 8 % a year and the new spouse (from outside the population) joins the household;
a second family holding its own KK splits off into a new dwelling in the same village at 15 % a year; 3 % of
households move to another village of their regency; the welfare index follows an AR(1) (0.8), which moves
true consumption and, for 15 % of assets, what the household owns. Dwellings of split households copy their
parents' dwelling (a simplification). ``events`` lists what happened to whom.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.synth import identity, names, welfare
from inklusi.synth.addresses import addresses, coordinates
from inklusi.synth.assets import ASSET_KEYS, assets
from inklusi.synth.pilot import Model
from inklusi.synth.population import draw_villages

ASFR_AGES = [15, 17, 22, 27, 32, 37, 42, 47, 50]
ASFR = [0.0, 0.026, 0.10, 0.115, 0.095, 0.055, 0.018, 0.003, 0.0]


@dataclass
class RoundState:
    households: pa.Table
    persons: pa.Table
    families: pa.Table
    frame: dict[
        str, np.ndarray
    ]  # per household row: regency, province, village, urban, welfare_index, group, muslim
    tables: dict[str, pa.Table] = field(default_factory=dict)

    @classmethod
    def first(cls, model: Model, chunk) -> RoundState:
        hh = chunk.simulated.households
        keys = (
            "regency",
            "province",
            "village",
            "urban",
            "welfare_index",
            "group",
            "muslim",
            "adults",
            "size",
        )
        frame = {key: hh[key] for key in keys}
        frame["remote_community"] = hh["remote_community"]
        return cls(chunk.tables["households"], chunk.tables["persons"], chunk.tables["families"], frame)


def next_round(
    model: Model, index: int, state: RoundState, round_number: int, serials: identity.SerialCounter
) -> RoundState:
    """The chunk ``index`` one round later; ``serials`` numbers this round's newborn NIKs across chunks."""
    config = model.config
    rng = np.random.default_rng([config.seed, index, 100 + round_number])
    years = config.round_interval_days / 365.2425
    today = identity.days(config.round_date(round_number))
    start = identity.days(config.round_date(round_number - 1))
    persons, households, frame = state.persons, state.households, dict(state.frame)
    events: list[tuple[pa.Array, str]] = []

    birth = persons["birth_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    age = (today - birth) / 365.2425
    mortality = np.clip(0.0004 + 0.000035 * np.exp(0.094 * age) + 0.02 * (age < 1), 0, 0.9) * years
    dies = rng.random(len(age)) < mortality
    events.append((persons["person_id"].filter(pa.array(dies)), "death"))
    persons = persons.filter(pa.array(~dies))
    age = age[~dies]
    persons = _promote_heads(persons)

    household_index = _index_of(households["household_id"], persons["household_id"])
    sex = persons["sex"].to_numpy()
    marital = persons["marital_status"].fill_null(0).to_numpy()
    relationship = persons["relationship"].to_numpy()
    fertility = 1.3 * np.interp(age, ASFR_AGES, ASFR) * years
    mothers = np.flatnonzero((sex == 2) & (marital == 2) & (rng.random(len(age)) < fertility))
    babies = _newborns(
        rng, model, index, round_number, persons, mothers, household_index, frame, (start, today), serials
    )
    events.append((babies["person_id"], "birth"))

    marrying = np.flatnonzero(
        (relationship == 3)
        & (marital == 1)
        & (age >= 20)
        & (age < 35)
        & (rng.random(len(age)) < 0.08 * years)
    )
    spouses = _spouses(rng, model, index, round_number, persons, marrying, household_index, frame, age)
    marital_new = persons["marital_status"].to_numpy(zero_copy_only=False).copy()
    marital_new[marrying] = 2
    persons = persons.set_column(persons.schema.get_field_index("marital_status"), "marital_status",
                                 pa.array(marital_new, type=pa.int16()))  # fmt: skip
    events.append((persons["person_id"].take(pa.array(marrying, type=pa.int64())), "marriage"))
    persons = pa.concat_tables([persons, babies, spouses.select(persons.column_names)])

    households, persons, frame, split_events = _splits_and_moves(
        rng, model, index, round_number, households, persons, frame
    )
    events += split_events
    frame["welfare_index"] = 0.8 * frame["welfare_index"] + 0.6 * rng.normal(size=len(frame["welfare_index"]))
    sizes = pc.value_counts(persons["household_id"])
    where = pc.index_in(households["household_id"], value_set=sizes.field("values"))
    size = pc.fill_null(pc.take(sizes.field("counts"), where), 0).to_numpy()
    keep = size > 0
    households = households.filter(pa.array(keep))
    frame = {key: value[keep] for key, value in frame.items()}
    size = size[keep]
    households = households.set_column(
        households.schema.get_field_index("household_size"), "household_size", pa.array(size.astype(np.int16))
    )
    truth, households = _welfare(rng, model, households, frame, size)
    households = households.set_column(
        households.schema.get_field_index("enumerated_on"), "enumerated_on",
        pa.array(np.full(households.num_rows, today, dtype=np.int32), type=pa.date32()),
    )  # fmt: skip
    families = _families(persons, state.families)
    event_table = pa.table({
        "person_id": pa.chunked_array([_as_chunked(ids) for ids, _ in events], type=pa.string()),
        "event": pa.array([kind for ids, kind in events for _ in range(len(ids))]),
        "round": pa.array(np.full(sum(len(ids) for ids, _ in events), round_number, dtype=np.int8)),
    })  # fmt: skip
    tables = {"households": households, "families": families, "persons": persons,
              "truth_households": truth, "events": event_table}  # fmt: skip
    return RoundState(households, persons, families, frame, tables)


def _as_chunked(ids: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    chunked = pa.chunked_array([ids]) if isinstance(ids, pa.Array) else ids
    return chunked.cast(pa.string())


def _index_of(keys: pa.Array | pa.ChunkedArray, values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return pc.index_in(values, value_set=keys).to_numpy(zero_copy_only=False)


def _promote_heads(persons: pa.Table) -> pa.Table:
    """A family whose head died: the spouse, or else the eldest member, becomes head."""
    family = persons["family_id"].to_numpy(zero_copy_only=False)
    relationship = persons["relationship"].to_numpy().copy()
    birth = persons["birth_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    heads = persons["family_id"].filter(pa.array(relationship == 1))
    orphan = ~pc.is_in(persons["family_id"], value_set=heads.combine_chunks()).to_numpy(zero_copy_only=False)
    if orphan.any():
        rows = np.flatnonzero(orphan)
        priority = np.where(relationship[rows] == 2, -(10**9), birth[rows])
        order = rows[np.lexsort((priority, family[rows]))]
        first = np.r_[True, family[order][1:] != family[order][:-1]]
        relationship[order[first]] = 1
    return persons.set_column(persons.schema.get_field_index("relationship"), "relationship",
                              pa.array(relationship.astype(np.int8)))  # fmt: skip


def _newborns(
    rng, model, index, round_number, persons, mothers, household_index, frame, period, serials
) -> pa.Table:
    start, today = period
    n = len(mothers)
    geo = model.geography
    birth = start + 1 + (rng.random(n) * (today - start - 1)).astype(np.int64)
    sex = np.where(rng.random(n) < 0.512, 1, 2)
    h = household_index[mothers]
    district = geo.village_district[frame["village"][h]]
    cells = identity.nik_cells(district, sex, birth)
    serial = serials.assign(cells, frame["regency"][h], int(frame["regency"].max()))
    nik = identity.nik_numbers(geo.district_number[district], birth, sex, serial)
    parts = names.name_parts(
        rng, frame["group"][h], sex, 1970 + (birth / 365.2425).astype(np.int64), frame["muslim"][h],
        np.zeros(n, dtype=np.int64), geo.provinces.code[frame["province"][h]], np.zeros(n), np.arange(n),
        np.zeros(n, dtype=bool),
    )  # fmt: skip
    mother_relationship = persons["relationship"].to_numpy()[mothers]
    base = persons.take(pa.array(mothers, type=pa.int64()))
    columns = {name: pa.nulls(n, base.schema.field(name).type) for name in base.column_names}
    columns.update(
        person_id=identity.text_ids(f"B{round_number:02d}", index * 1_000_000 + np.arange(n), 12),
        household_id=base["household_id"], family_id=base["family_id"], kk_number=base["kk_number"],
        relationship=pa.array(np.where(np.isin(mother_relationship, (1, 2)), 3, 5).astype(np.int8)),
        nik=nik, name=names.join_names(parts), sex=pa.array(sex.astype(np.int8)),
        birth_date=pa.array(birth.astype(np.int32), type=pa.date32()), birth_place=base["birth_place"],
        marital_status=pa.array(np.ones(n, dtype=np.int16)), health_insurance=base["health_insurance"],
        programmes=pa.array([[] for _ in range(n)], type=pa.list_(pa.string())),
    )  # fmt: skip
    return pa.table(columns).select(persons.column_names).cast(persons.schema)


def _spouses(rng, model, index, round_number, persons, marrying, household_index, frame, age) -> pa.Table:
    n = len(marrying)
    geo = model.geography
    base = persons.take(pa.array(marrying, type=pa.int64()))
    sex = 3 - base["sex"].to_numpy()
    birth = base["birth_date"].to_numpy().astype("datetime64[D]").astype(np.int64) + (
        np.where(sex == 1, -3, 3) * 365 + rng.integers(-700, 700, n)
    )
    h = household_index[marrying]
    district = geo.village_district[frame["village"][h]]
    serial = rng.integers(identity.MOVER_SERIAL_START, 10_000, n)
    nik = identity.nik_numbers(geo.district_number[district], birth, sex, serial)
    parts = names.name_parts(
        rng, frame["group"][h], sex, 1970 + (birth / 365.2425).astype(np.int64), frame["muslim"][h],
        np.zeros(n, dtype=np.int64), geo.provinces.code[frame["province"][h]], np.zeros(n), np.arange(n),
        np.zeros(n, dtype=bool),
    )  # fmt: skip
    columns = {name: base[name] for name in base.column_names}
    columns.update(
        person_id=identity.text_ids(f"S{round_number:02d}", index * 1_000_000 + np.arange(n), 12),
        relationship=pa.array(np.full(n, 4, dtype=np.int8)), nik=nik, name=names.join_names(parts),
        sex=pa.array(sex.astype(np.int8)), birth_date=pa.array(birth.astype(np.int32), type=pa.date32()),
        marital_status=pa.array(np.full(n, 2, dtype=np.int16)),
        programmes=pa.array([[] for _ in range(n)], type=pa.list_(pa.string())),
    )  # fmt: skip
    return pa.table(columns).cast(persons.schema)


def _splits_and_moves(rng, model, index, round_number, households, persons, frame):
    geo = model.geography
    years = model.config.round_interval_days / 365.2425
    family_ids = persons["family_id"].combine_chunks()
    second = ~pc.ends_with(family_ids, "-K1").to_numpy(zero_copy_only=False)
    candidates = pc.unique(family_ids.filter(pa.array(second)))
    split_families = candidates.filter(pa.array(rng.random(len(candidates)) < 0.15 * years))
    family_number = pc.index_in(family_ids, value_set=split_families).to_numpy(zero_copy_only=False)
    movers = ~np.isnan(family_number.astype(float))
    household_index = _index_of(households["household_id"], persons["household_id"])
    mover_family = family_number[movers].astype(np.int64)
    _, first_row = np.unique(mover_family, return_index=True)
    split_parent = household_index[np.flatnonzero(movers)[first_row]]
    k = len(split_parent)
    new_ids = identity.text_ids(f"N{round_number:02d}", index * 1_000_000 + np.arange(k), 12)
    position = np.full(persons.num_rows, -1)
    position[movers] = mover_family  # split_families order = new_ids order (np.unique sorts 0..k-1)
    moved_ids = pc.take(new_ids, pa.array(position.clip(0, None)))
    household_ids = pc.if_else(pa.array(movers), moved_ids, persons["household_id"].combine_chunks())
    persons = persons.set_column(
        persons.schema.get_field_index("household_id"), "household_id", household_ids
    )
    new_households = households.take(pa.array(split_parent, type=pa.int64()))
    new_households = new_households.set_column(0, "household_id", new_ids)
    new_frame = {key: value[split_parent] for key, value in frame.items()}
    households = pa.concat_tables([households, new_households])
    frame = {key: np.concatenate([frame[key], new_frame[key]]) for key in frame}
    n = households.num_rows
    moving = rng.random(n) < 0.03 * years
    moving[len(moving) - k :] = True  # new households need an address of their own
    rows = np.flatnonzero(moving)
    village = frame["village"].copy()
    far = moving & (np.arange(n) < n - k)
    village[far] = draw_villages(rng, geo, frame["regency"][far], frame["urban"][far])
    frame["village"] = village
    address, sls = addresses(
        rng, frame["urban"][rows], geo.provinces.code[frame["province"][rows]], village[rows]
    )
    latitude, longitude = coordinates(
        rng, geo.village_latitude[village[rows]], geo.village_longitude[village[rows]]
    )
    updates = {
        "village_code": pa.array(geo.village_code[village]),
        "district_code": pa.array(geo.district_code[geo.village_district[village]]),
        "address": _patch(households["address"], rows, address),
        "sls": _patch(households["sls"], rows, sls),
        "latitude": _patch(households["latitude"], rows, pa.array(latitude)),
        "longitude": _patch(households["longitude"], rows, pa.array(longitude)),
    }
    for name, values in updates.items():
        households = households.set_column(households.schema.get_field_index(name), name, values)
    moved_ids = households["household_id"].filter(pa.array(far))
    return households, persons, frame, [(moved_ids, "household_moved"), (new_ids, "household_split")]


def _patch(column: pa.ChunkedArray, rows: np.ndarray, values: pa.Array) -> pa.Array:
    position = np.full(len(column), -1)
    position[rows] = np.arange(len(rows))
    replacement = pc.take(values, pa.array(position.clip(0, None)))
    return pc.if_else(pa.array(position >= 0), replacement, column.combine_chunks())


def _welfare(rng, model, households: pa.Table, frame, size: np.ndarray):
    provinces = model.geography.provinces
    mu = model.calibration.values["welfare.mu"]
    urban = frame["urban"].astype(bool)
    log_pc = welfare.log_consumption(
        mu, welfare.spreads(provinces), frame["province"], urban, frame["welfare_index"]
    )
    per_capita = np.exp(log_pc)
    hh = {
        "welfare": welfare.welfare_scale(log_pc), "urban": urban, "weight": np.ones(len(size)),
        "adults": np.maximum(frame["adults"], 1), "muslim": frame["muslim"],
    }  # fmt: skip
    dwelling = {
        "cooking_fuel": households["cooking_fuel"].fill_null(0).to_numpy(),
        "lighting": households["lighting"].fill_null(0).to_numpy(),
    }
    fresh = assets(rng, model.calibration, hh, dwelling)
    for key in ASSET_KEYS:
        name = f"asset_{key}"
        old = households[name].to_numpy()
        changed = (rng.random(len(old)) < 0.15) & (key != "gas_cylinder")
        values = pa.array(np.where(changed, fresh[name], old).astype(np.float32))
        households = households.set_column(households.schema.get_field_index(name), name, values)
    truth = pa.table({
        "household_id": households["household_id"],
        "consumption_per_capita": pa.array(per_capita.round(0)),
        "welfare_index": pa.array(frame["welfare_index"]),
        "poor": pa.array(per_capita < welfare.poverty_lines(urban)),
    })  # fmt: skip
    return truth, households


def _families(persons: pa.Table, previous: pa.Table) -> pa.Table:
    current = persons.group_by(["family_id", "household_id", "kk_number"]).aggregate([("person_id", "count")])
    current = current.rename_columns(["family_id", "household_id", "kk_number", "family_size"])
    position = pc.index_in(current["family_id"], value_set=previous["family_id"].combine_chunks())
    return current.append_column("programmes", pc.take(previous["programmes"], position))
