"""Measure a generated population against its calibration targets (tests and docs/synthetic-data.md use it).

    .venv/bin/python -m inklusi.synth.measure DIR    # prints the markdown tables: national and by province

Every target names its source with the legend of ``indonesia_facts.md``: [S] seen in a source, [D] derived
from sourced figures, [M] general knowledge, [A] an assumption of this generator.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inklusi.registry.model import WASHINGTON_GROUP_FIELDS
from inklusi.synth.housing import improved_sanitation, improved_water
from inklusi.synth.regions import geography
from inklusi.synth.schooling import certificate_level
from inklusi.synth.welfare import gini, poverty_lines

EXTREME_POVERTY_LINE = 362_692.0  # US$1.9 PPP per capita per month, 2024


@dataclass(frozen=True)
class Target:
    value: float
    source: str
    kind: str = "share"  # share | ratio | number


TARGETS = {
    "poverty rate (people)": Target(0.0903, "[S] BPS Susenas Mar 2024"),
    "urban poverty rate": Target(0.0709, "[S] BPS Mar 2024"),
    "rural poverty rate": Target(0.1179, "[S] BPS Mar 2024"),
    "extreme poverty (US$1.9 PPP)": Target(0.0126, "[S] BPS Mar 2024"),
    "Gini (per-capita consumption)": Target(0.379, "[S] BPS Mar 2024", "ratio"),
    "Gini urban": Target(0.399, "[S] BPS Mar 2024", "ratio"),
    "Gini rural": Target(0.306, "[S] BPS Mar 2024", "ratio"),
    "bottom 40 % consumption share": Target(0.1841, "[S] BPS Sep 2024"),
    "urban share (people)": Target(0.600, "[S] BPS projection 2025"),
    "persons per household": Target(3.85, "[M] Susenas 3.8-3.9", "number"),
    "persons per KK": Target(3.14, "[D] Dukcapil Dec 2020", "number"),
    "size of poor households": Target(4.78, "[S] BPS Mar 2024", "number"),
    "one-person households": Target(0.11, "[M] 10-12 %"),
    "female-headed households": Target(0.155, "[M] 15-16 %"),
    "age 0-14": Target(0.2333, "[S] SP2020"),
    "age 65+": Target(0.0595, "[S] SP2020"),
    "age 60+": Target(0.1175, "[S] BPS lansia 2023"),
    "60-69 among 60+": Target(0.6359, "[S] BPS lansia 2023"),
    "80+ among 60+": Target(0.0865, "[S] BPS lansia 2023"),
    "women among 60+": Target(0.5282, "[S] BPS lansia 2023"),
    "widowed, women 60+": Target(0.4886, "[S] BPS lansia 2023"),
    "widowed, men 60+": Target(0.1310, "[S] BPS lansia 2023"),
    "male share": Target(0.5048, "[S] Dukcapil 2025 (penduduk_2025)"),
    "married, women 20-24": Target(0.342, "[S] SP2020 Long Form"),
    "married, men 20-24": Target(0.120, "[S] SP2020 Long Form"),
    "elderly living alone": Target(0.10, "[S] Susenas 2017, almost 10 %"),
    "households with an elderly member": Target(0.3316, "[S] BPS lansia 2023"),
    "own house": Target(0.8479, "[S] IPKL 2023"),
    "rented house": Target(0.0505, "[S] IPKL 2023"),
    "earth floor": Target(0.035, "[M] 3-4 %"),
    "PLN electricity": Target(0.9793, "[S] Susenas 2023"),
    "improved drinking water": Target(0.9264, "[S] BPS 2024"),
    "improved sanitation": Target(0.836, "[S] BPS 2024"),
    "cooking with LPG or gas": Target(0.8691, "[S] Susenas 2023"),
    "cooking with firewood": Target(0.0982, "[S] Susenas 2023"),
    "cooking with kerosene": Target(0.0245, "[S] Susenas 2023"),
    "owns a house elsewhere": Target(0.0868, "[S] IPKL 2022"),
    "JKN insured": Target(0.957, "[S] BPJS Mar 2024"),
    "PBI JKN": Target(0.495, "[D] BPJS Mar 2024"),
    "no certificate (15+)": Target(0.1226, "[S] Susenas Mar 2023"),
    "SD (15+)": Target(0.2462, "[S] Susenas Mar 2023"),
    "SMP (15+)": Target(0.2274, "[S] Susenas Mar 2023"),
    "SMA/SMK (15+)": Target(0.3022, "[S] Susenas Mar 2023"),
    "higher education (15+)": Target(0.1015, "[S] Susenas Mar 2023"),
    "employed (15+)": Target(0.6716, "[D] Sakernas Aug 2024"),
    "agriculture share of workers": Target(0.2818, "[S] Sakernas Aug 2024"),
    "trade share of workers": Target(0.1889, "[S] Sakernas Aug 2024"),
    "manufacturing share of workers": Target(0.1383, "[S] Sakernas Aug 2024"),
    "employees (incl. civil servants)": Target(0.3880, "[S] Sakernas Aug 2024"),
    "unpaid family workers": Target(0.1334, "[S] Sakernas Aug 2024"),
    "informal workers": Target(0.5796, "[D] Sakernas Aug 2024"),
    "any difficulty, 2-6": Target(0.0562, "[D] SUPAS 2015"),
    "any difficulty, 7-18": Target(0.0208, "[D] SUPAS 2015"),
    "any difficulty, 19-59": Target(0.0676, "[D] SUPAS 2015"),
    "any difficulty, 60+": Target(0.5818, "[D] SUPAS 2015"),
    "disability, WG cut-off (2+)": Target(0.0187, "[D] SUPAS 2015 severe"),
    "HIV prevalence": Target(540_000 / 284_973_643, "[S] Kemenkes 2022-2025"),
    "drug use past year (15-64)": Target(0.0173, "[S] BNN 2023"),
}


def _fill(table, name: str) -> np.ndarray:
    return table[name].fill_null(0).to_numpy()


def measure(directory: Path, as_of: str = "2025-06-30") -> dict[str, float]:
    households = pq.read_table(directory / "households.parquet")
    persons = pq.read_table(directory / "persons.parquet")
    truth = pq.read_table(directory / "truth_households.parquet")
    truth_persons = pq.read_table(directory / "truth_persons.parquet", columns=["hiv", "drug_use"]).slice(
        0, persons.num_rows
    )
    size = households["household_size"].to_numpy().astype(float)
    urban = households["urban"].to_numpy(zero_copy_only=False)
    consumption = truth["consumption_per_capita"].to_numpy()
    poor = consumption < poverty_lines(urban)
    household_of = pc.index_in(persons["household_id"], value_set=households["household_id"]).to_numpy()
    birth = persons["birth_date"].to_numpy().astype("datetime64[D]")
    age = (np.datetime64(as_of) - birth).astype(np.int64) / 365.2425
    sex, relationship = _fill(persons, "sex"), _fill(persons, "relationship")
    marital = _fill(persons, "marital_status")
    female, male = sex == 2, sex == 1
    elderly, adult = age >= 60, age >= 15
    is_main_head = (relationship == 1) & pc.ends_with(persons["family_id"], "-K1").to_numpy(
        zero_copy_only=False
    )
    level = certificate_level(_fill(persons, "education"))[adult]
    worked = _fill(persons, "worked_last_week") == 1
    industry, status = _fill(persons, "industry")[worked], _fill(persons, "employment_status")[worked]
    answers = np.stack([_fill(persons, name) for name in WASHINGTON_GROUP_FIELDS], axis=1)
    worst = np.where(answers == 0, 9, answers).min(axis=1)
    fuel = _fill(households, "cooking_fuel")
    insurance = _fill(persons, "health_insurance")
    known_insurance = insurance != 99
    order = np.argsort(consumption)
    people_sorted = np.cumsum(size[order]) / size.sum()
    spending = (consumption * size)[order]
    working_age = (age >= 15) & (age < 65)

    def share(mask: np.ndarray, among: np.ndarray | None = None) -> float:
        return float(np.mean(mask if among is None else mask[among]))

    return {
        "poverty rate (people)": float(np.average(poor, weights=size)),
        "urban poverty rate": float(np.average(poor[urban], weights=size[urban])),
        "rural poverty rate": float(np.average(poor[~urban], weights=size[~urban])),
        "extreme poverty (US$1.9 PPP)": float(np.average(consumption < EXTREME_POVERTY_LINE, weights=size)),
        "Gini (per-capita consumption)": gini(consumption, size),
        "Gini urban": gini(consumption[urban], size[urban]),
        "Gini rural": gini(consumption[~urban], size[~urban]),
        "bottom 40 % consumption share": float(spending[people_sorted <= 0.4].sum() / spending.sum()),
        "urban share (people)": float(np.average(urban, weights=size)),
        "persons per household": float(size.mean()),
        "persons per KK": persons.num_rows / pq.read_metadata(directory / "families.parquet").num_rows,
        "size of poor households": float(size[poor].mean()),
        "one-person households": share(size == 1),
        "female-headed households": share(female, is_main_head),
        "age 0-14": share(age < 15),
        "age 65+": share(age >= 65),
        "age 60+": share(elderly),
        "60-69 among 60+": share(age < 70, elderly),
        "80+ among 60+": share(age >= 80, elderly),
        "women among 60+": share(female, elderly),
        "widowed, women 60+": share(marital == 4, elderly & female),
        "widowed, men 60+": share(marital == 4, elderly & male),
        "male share": share(male),
        "married, women 20-24": share(marital == 2, female & (age >= 20) & (age < 25)),
        "married, men 20-24": share(marital == 2, male & (age >= 20) & (age < 25)),
        "elderly living alone": share(size[household_of] == 1, elderly),
        "households with an elderly member": share(
            np.bincount(household_of[elderly], minlength=len(size)) > 0
        ),
        "own house": share(_fill(households, "tenure") == 1),
        "rented house": share(_fill(households, "tenure") == 2),
        "earth floor": share(_fill(households, "floor_material") == 8),
        "PLN electricity": share(np.isin(_fill(households, "lighting"), (1, 2))),
        "improved drinking water": share(improved_water(_fill(households, "water_source"))),
        "improved sanitation": share(
            improved_sanitation(
                _fill(households, "toilet"),
                _fill(households, "toilet_type"),
                _fill(households, "excreta_disposal"),
                urban,
            )
        ),
        "cooking with LPG or gas": share(np.isin(fuel, (2, 3, 4, 5))),
        "cooking with firewood": share(fuel == 10),
        "cooking with kerosene": share(fuel == 7),
        "owns a house elsewhere": share(households["asset_other_house"].to_numpy() > 0),
        "JKN insured": share((insurance & 7) > 0, known_insurance),
        "PBI JKN": share((insurance & 1) > 0, known_insurance),
        "no certificate (15+)": share(level == 0),
        "SD (15+)": share(level == 1),
        "SMP (15+)": share(level == 2),
        "SMA/SMK (15+)": share(level == 3),
        "higher education (15+)": share(level == 4),
        "employed (15+)": share(worked, adult),
        "agriculture share of workers": share((industry >= 1) & (industry <= 6)),
        "trade share of workers": share(industry == 11),
        "manufacturing share of workers": share(industry == 8),
        "employees (incl. civil servants)": share(np.isin(status, (4, 5))),
        "unpaid family workers": share(status == 8),
        "informal workers": share(np.isin(status, (1, 2, 6, 7, 8))),
        "any difficulty, 2-6": share(worst <= 3, (age >= 2) & (age < 7)),
        "any difficulty, 7-18": share(worst <= 3, (age >= 7) & (age < 19)),
        "any difficulty, 19-59": share(worst <= 3, (age >= 19) & (age < 60)),
        "any difficulty, 60+": share(worst <= 3, elderly),
        "disability, WG cut-off (2+)": share(worst <= 2, age >= 2),
        "HIV prevalence": share(truth_persons["hiv"].to_numpy(zero_copy_only=False)),
        "drug use past year (15-64)": share(
            truth_persons["drug_use"].to_numpy(zero_copy_only=False), working_age
        ),
    }


def province_shares(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    """(generated, census) share of persons by province, in the order of ``geography().provinces``."""
    provinces = geography().provinces
    households = pq.read_table(directory / "households.parquet", columns=["province_code", "household_size"])
    index = np.searchsorted(provinces.code, households["province_code"].to_numpy(zero_copy_only=False))
    people = np.bincount(
        index, weights=households["household_size"].to_numpy(), minlength=len(provinces.code)
    )
    return people / people.sum(), provinces.population / provinces.population.sum()


def province_poverty(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    """(generated, target) poverty rate of people by province."""
    provinces = geography().provinces
    households = pq.read_table(
        directory / "households.parquet", columns=["province_code", "household_size", "urban"]
    )
    truth = pq.read_table(directory / "truth_households.parquet", columns=["poor"])
    index = np.searchsorted(provinces.code, households["province_code"].to_numpy(zero_copy_only=False))
    size = households["household_size"].to_numpy().astype(float)
    poor_people = np.bincount(
        index, weights=size * truth["poor"].to_numpy(zero_copy_only=False), minlength=38
    )
    people = np.bincount(index, weights=size, minlength=len(provinces.code))
    return poor_people / np.maximum(people, 1), provinces.poverty_rate


def _format(value: float, kind: str) -> str:
    if kind == "number":
        return f"{value:.2f}"
    if kind == "ratio":
        return f"{value:.3f}"
    return f"{value:.3%}" if value < 0.01 else f"{value:.2%}"


def markdown(directory: Path) -> str:
    measured = measure(directory)
    lines = ["| figure | target | generated | source |", "|---|---|---|---|"]
    for name, target in TARGETS.items():
        lines.append(
            f"| {name} | {_format(target.value, target.kind)} | {_format(measured[name], target.kind)} "
            f"| {target.source} |"
        )
    provinces = geography().provinces
    people, census = province_shares(directory)
    poverty, poverty_target = province_poverty(directory)
    lines += [
        "",
        "| province | share of people: census 2025 | generated | poverty Mar 2024 | generated |",
        "|---|---|---|---|---|",
    ]
    for i, name in enumerate(provinces.name):
        lines.append(
            f"| {provinces.code[i]} {name} | {census[i]:.2%} | {people[i]:.2%} "
            f"| {poverty_target[i]:.2%} | {poverty[i]:.2%} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(Path(sys.argv[1])))
