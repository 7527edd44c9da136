"""Linkage settings as data: YAML validated by pydantic, compiled to Splink settings for a backend.

A settings file (``linkage/settings/*.yaml``) names the comparisons by kind (``name``, ``birth_date``,
``nik`` …), the blocking rules as lists of prepared columns, the thresholds, the training and the
clustering. :func:`compile_settings` turns it into a Splink ``SettingsCreator`` for the columns a prepared
table actually has: a comparison or blocking rule whose columns are missing is left out, so one file serves
a registry export with NIKs and a benchmark file without them. Comparisons use Splink's comparison-level
library (dialect-aware: the same settings run on DuckDB and Spark) and portable SQL for the date rules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from splink import SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl

from inklusi.errors import Invalid, NotFound
from inklusi.i18n import msg
from inklusi.linkage.model import LinkType, Thresholds

if TYPE_CHECKING:
    from splink.internals.comparison_creator import ComparisonCreator

ComparisonKind = Literal[
    "name",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "nik",
    "kk",
    "area",
    "postcode",
    "address",
    "birth_place",
    "phone",
    "id_number",
    "extras",
]
Conflict = Literal["nik", "sex", "birth_date"]
CONFLICTS: tuple[Conflict, ...] = ("nik", "sex", "birth_date")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ComparisonSpec(Strict):
    kind: ComparisonKind
    term_frequency: bool = False


class LabelRule(Strict):
    """Pairs agreeing on ``columns`` are taken as matches to estimate the m probabilities. Comparisons in
    ``biases`` (which these columns decide) learn instead from pairs agreeing on the first ``anchors``
    rule that does not involve them."""

    columns: list[str]
    biases: list[str] = Field(default_factory=list)  # comparisons (output names) these labels would bias
    anchors: list[list[str]] = Field(default_factory=list)


class TrainingSpec(Strict):
    u_max_pairs: float = 2_000_000
    seed: int = 42
    # rules whose pairs are (almost) all true matches: estimate how often two random records match
    deterministic: list[list[str]] = Field(default_factory=lambda: [["nik_key"]])
    deterministic_recall: float = 0.9
    prior: float | None = None  # fallback: expected share of matching pairs among all pairs
    # near-certain matches (the same valid NIK …) as labels for the m probabilities; the first rule with
    # enough pairs is used, expectation maximisation only when none has
    label_rules: list[LabelRule] = Field(default_factory=list)
    min_label_pairs: int = 10
    m_floor: float = 1e-4  # no level is ever impossible among matches: smooth m up to this
    em_blocking: list[list[str]] = Field(default_factory=list)
    em_max_pairs: float | None = 5_000_000  # sample EM pairs above this many
    min_labels: int = 20  # steward decisions needed before they re-estimate the m probabilities


class WeakIdentifiersSpec(Strict):
    """Files whose identity numbers are missing or few (fewer than ``min_anchor_share`` of the records
    carry one of ``anchors``): the model learns m by expectation maximisation first, the blocking adds
    ``rules`` (phonetic name keys, partial dates, birth place, postcode) in order for as long as the
    comparisons they make (each rule counted alone, as Splink's ``count_comparisons_from_blocking_rule``
    does) stay within ``budget`` per record, and, unless labels exist, the auto-merge threshold comes from
    the model's own probabilities (``auto_threshold``)."""

    anchors: list[str] = Field(default_factory=lambda: ["nik_key", "id_number"])
    min_anchor_share: float = 0.5
    budget: float = 60.0  # comparisons per record, all added rules together
    rules: list[list[str]] = Field(default_factory=list)
    auto_threshold: bool = True
    threshold_range: tuple[float, float] = (0.5, 0.999)


class ClusteringSpec(Strict):
    method: Literal["constrained", "connected_components"] = "constrained"
    # two groups of records join only if the mean probability over all their pairs reaches this
    transitive_threshold: float = 0.6
    closure_limit: int = 60  # components up to this size have every missing pair scored
    conflicts: list[Conflict] = Field(default_factory=lambda: list(CONFLICTS))
    one_per_source: bool = False  # each source lists a person at most once (duplicate-free lists)


class HouseholdSpec(Strict):
    min_shared: float = 0.5  # shared person entities / members of the larger (or smaller) household
    min_persons: int = 1
    denominator: Literal["larger", "smaller"] = "larger"
    # Pairs below ``review`` but at or above this go to the review queue when their two households hold
    # at least ``together`` such pairs: a household listed twice (typed from paper, no NIKs) shows in
    # several weak pairs at once. 1.0 turns it off.
    review_together: float = 0.1
    together: int = 2


class LinkageSettings(Strict):
    name: str
    version: int = 1
    description: str = ""
    link_type: LinkType = LinkType.dedupe
    auto_merge: float = 0.999
    review: float = 0.8
    comparisons: list[ComparisonSpec]
    blocking: list[list[str]]
    training: TrainingSpec = TrainingSpec()
    clustering: ClusteringSpec = ClusteringSpec()
    households: HouseholdSpec = HouseholdSpec()
    weak_identifiers: WeakIdentifiersSpec = WeakIdentifiersSpec()

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> LinkageSettings:
        Thresholds(self.auto_merge, self.review)  # raises ValueError when out of order
        return self

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.auto_merge, self.review)


def settings_names() -> list[str]:
    folder = resources.files("inklusi.linkage") / "settings"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def _packaged(name: str) -> str:
    return (resources.files("inklusi.linkage") / "settings" / f"{name}.yaml").read_text(encoding="utf-8")


def load_settings(name_or_path: str | Path = "persons") -> LinkageSettings:
    """A packaged settings file by name (``persons``), or a YAML/JSON file by path."""
    text = None
    if str(name_or_path) in settings_names():
        text = _packaged(str(name_or_path))
    elif Path(name_or_path).is_file():
        text = Path(name_or_path).read_text(encoding="utf-8")
    if text is None:
        known = ", ".join(settings_names())
        raise NotFound(
            msg("No linkage settings {name}; packaged: {known}", name=str(name_or_path), known=known)
        )
    return parse_settings(yaml.safe_load(text))


def parse_settings(data: object) -> LinkageSettings:
    try:
        return LinkageSettings.model_validate(data)
    except ValueError as error:
        raise Invalid(msg("The linkage settings are not valid: {error}", error=str(error))) from None


# --- Compiling to Splink ---------------------------------------------------------------------------


def _levels_name(tf: bool) -> cl.CustomComparison:
    same_given = "name_given_phonetic_l = name_given_phonetic_r"
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="Name: Indonesian-normalised tokens",
        comparison_levels=[
            cll.NullLevel("name_norm"),
            cll.ExactMatchLevel("name_norm", term_frequency_adjustments=tf),
            cll.Or(cll.ExactMatchLevel("name_sorted"), cll.ExactMatchLevel("name_joined")).configure(
                label_for_charts="same tokens, other order or spacing"
            ),
            cll.ExactMatchLevel("name_phonetic").configure(label_for_charts="same phonetic key"),
            cll.JaroWinklerLevel("name_sorted", 0.92),
            cll.And(cll.ArraySubsetLevel("name_tokens"), cll.CustomLevel(same_given)).configure(
                label_for_charts="one name within the other, same given name"
            ),
            cll.CustomLevel(same_given, "same given name, the rest differs"),
            cll.JaroWinklerLevel("name_sorted", 0.8),
            cll.ArrayIntersectLevel("name_tokens", 1).configure(
                label_for_charts="a shared token, given names differ"
            ),
            cll.ElseLevel(),
        ],
    )


def _jaro_winkler(column: str, output: str, tf: bool, swapped_with: str | None = None) -> cl.CustomComparison:
    swapped = (
        [cll.ColumnsReversedLevel(column, swapped_with).configure(label_for_charts="swapped with the other")]
        if swapped_with
        else []
    )
    return cl.CustomComparison(
        output_column_name=output,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=tf),
            *swapped,
            cll.JaroWinklerLevel(column, 0.92),
            cll.JaroWinklerLevel(column, 0.8),
            cll.ElseLevel(),
        ],
    )


def _slip_sql(column: str, dialect: str) -> str:
    """One digit mistyped or two neighbours swapped (Damerau-Levenshtein <= 1). DuckDB's
    ``damerau_levenshtein`` costs 6 µs a pair, so there the cheap Hamming distance screens first."""
    left, right = f"{column}_l", f"{column}_r"
    if dialect != "duckdb":
        return f"damerau_levenshtein({left}, {right}) <= 1"
    same_length = f"length({left}) = length({right})"
    return (
        f"(({same_length} AND hamming({left}, {right}) <= 1) OR ({same_length} AND "
        f"hamming({left}, {right}) = 2 AND damerau_levenshtein({left}, {right}) = 1))"
    )


def _slip(column: str, dialect: str, label: str) -> Any:
    return cll.CustomLevel(_slip_sql(column, dialect), label, base_dialect_str=dialect)


def _birth_date(dialect: str) -> cl.CustomComparison:
    swap = (
        "birth_year_l = birth_year_r AND birth_day_l = birth_month_r AND birth_month_l = birth_day_r"
        " AND birth_day_l <> birth_month_l"
    )
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(swap, "day and month swapped"),
            _slip("birth_date", dialect, "one digit off or two swapped"),
            cll.CustomLevel(
                "birth_year_l = birth_year_r AND birth_month_l = birth_month_r", "same year and month"
            ),
            cll.CustomLevel(
                "abs(birth_year_l - birth_year_r) = 1 AND birth_month_l = birth_month_r",
                "a year apart, same month",
            ),
            cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 2", "within two years"),
            cll.ElseLevel(),
        ],
    )


# Levels whose weight is set to zero after training (m = u): tolerated, not evidence.
NEUTRAL_SLIP = "one slip: a digit mistyped or two swapped (tolerated)"


def _numbers(column: str, output: str, dialect: str, two_slips: bool = False) -> cl.CustomComparison:
    more = [cll.LevenshteinLevel(column, 2).configure(label_for_charts="two slips")] if two_slips else []
    return cl.CustomComparison(
        output_column_name=output,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            _slip(column, dialect, NEUTRAL_SLIP),
            *more,
            cll.ElseLevel(),
        ],
    )


def _nik(dialect: str) -> cl.CustomComparison:
    """The NIK: the same, one slip (neutral), or different (strong evidence of two people).

    One mistyped or swapped digit is tolerated but not counted for a match: neighbours born the same day
    in the same district have consecutive serials, and siblings born on the same day of the year differ
    in one year digit, so a slip is as likely a different person as a typo. The other fields decide. A
    slip that changes the sex digit (day + 40) is never a typo of the same person's number."""
    female = "substr(nik_{side}, 7, 1) IN ('4', '5', '6', '7')"
    same_sex = f"({female.format(side='l')}) = ({female.format(side='r')})"
    slip = _slip_sql("nik", dialect)
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_levels=[
            cll.NullLevel("nik"),
            cll.ExactMatchLevel("nik"),
            cll.CustomLevel(f"{slip} AND {same_sex}", NEUTRAL_SLIP, dialect),
            cll.ElseLevel(),
        ],
    )


def _area(with_kk: bool, with_place: bool) -> cl.CustomComparison:
    """Where the two records live, and whether they are on the same family card: one comparison, so
    that "same family" counts once, not once per correlated field."""
    family = (
        [cll.ExactMatchLevel("kk").configure(label_for_charts="same KK (family card)")] if with_kk else []
    )
    place = (
        [cll.ExactMatchLevel("birth_place").configure(label_for_charts="elsewhere, same birth place")]
        if with_place
        else []
    )
    return cl.CustomComparison(
        output_column_name="area",
        comparison_levels=[
            cll.CustomLevel(
                " AND ".join(
                    f"({c}_l IS NULL OR {c}_r IS NULL)"
                    for c in ["village_code", *(["kk"] if with_kk else [])]
                )
            ).configure(is_null_level=True),
            *family,
            cll.ExactMatchLevel("village_code").configure(label_for_charts="same village"),
            cll.ExactMatchLevel("district_code").configure(label_for_charts="same district"),
            cll.ExactMatchLevel("regency_code").configure(label_for_charts="same regency"),
            cll.ExactMatchLevel("province_code").configure(label_for_charts="same province"),
            *place,
            cll.ElseLevel(),
        ],
    )


def _exact(column: str, tf: bool) -> ComparisonCreator:
    return cl.ExactMatch(column).configure(term_frequency_adjustments=tf)


def _comparisons(spec: ComparisonSpec, columns: set[str], dialect: str) -> list:
    """The Splink comparisons of one spec, or none when the prepared table lacks its columns."""
    tf = spec.term_frequency
    builders: dict[str, tuple[list[str], Callable[[], list[ComparisonCreator]]]] = {
        "name": (
            ["name_norm", "name_sorted", "name_joined", "name_phonetic", "name_tokens"],
            lambda: [_levels_name(tf)],
        ),
        "given_name": (
            ["given_norm", "family_norm"],
            lambda: [_jaro_winkler("given_norm", "given_name", tf, swapped_with="family_norm")],
        ),
        "family_name": (["family_norm"], lambda: [_jaro_winkler("family_norm", "family_name", tf)]),
        "birth_date": (
            ["birth_date", "birth_year", "birth_month", "birth_day"],
            lambda: [_birth_date(dialect)],
        ),
        "sex": (["sex"], lambda: [_exact("sex", False)]),
        "nik": (["nik"], lambda: [_nik(dialect)]),
        "kk": (["kk"], lambda: [] if "village_code" in columns else [_numbers("kk", "kk", dialect)]),
        "area": (
            ["village_code", "district_code", "regency_code", "province_code"],
            lambda: [_area("kk" in columns, "birth_place" in columns)],
        ),
        "postcode": (["postcode"], lambda: [_exact("postcode", tf)]),
        "address": (["address"], lambda: [_jaro_winkler("address", "address", tf)]),
        "birth_place": (
            ["birth_place"],
            lambda: [] if "village_code" in columns else [_jaro_winkler("birth_place", "birth_place", tf)],
        ),
        "phone": (["phone"], lambda: [_numbers("phone", "phone", dialect)]),
        "id_number": (["id_number"], lambda: [_numbers("id_number", "id_number", dialect, two_slips=True)]),
        "extras": (
            [],
            lambda: [_exact(c, tf) for c in sorted(columns) if c.startswith("extra_")],
        ),
    }
    needed, build = builders[spec.kind]
    if spec.kind == "name" and {"given_norm", "family_norm"} <= columns:
        return []  # given and family names are compared apart, swaps included
    return build() if set(needed) <= columns else []


def usable_rules(rules: list[list[str]], columns: set[str]) -> list[list[str]]:
    return [rule for rule in rules if rule and set(rule) <= columns]


def compile_settings(
    settings: LinkageSettings,
    columns: set[str],
    *,
    dialect: str = "duckdb",
    retain_columns: list[str] | None = None,
    blocking: list[list[str]] | None = None,
) -> SettingsCreator:
    """Splink settings for a prepared table with ``columns``, for the ``dialect`` of the backend
    (``blocking``: the rules chosen for this file; default: the settings' rules it can use)."""
    comparisons = [c for spec in settings.comparisons for c in _comparisons(spec, columns, dialect)]
    if not comparisons:
        raise Invalid(msg("None of the compared fields is in the data: map at least a name or a birth date"))
    rules = blocking if blocking is not None else usable_rules(settings.blocking, columns)
    if not rules:
        raise Invalid(msg("No blocking rule can be used with these columns"))
    link_type = settings.link_type.value
    if link_type != LinkType.dedupe.value and "source_dataset" not in columns:
        link_type = LinkType.dedupe.value
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]  # LinkType's values are splink's link types
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in rules],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=retain_columns or [],
        probability_two_random_records_match=settings.training.prior or 1e-4,
    )
