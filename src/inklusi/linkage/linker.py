"""The Splink side of linkage: one session per prepared table, on DuckDB (default) or Spark.

:class:`LinkSession` registers a prepared Arrow table with a Splink database API, builds the linker from
compiled settings (or a trained model), trains it (u by random sampling, the match prior from
deterministic rules, m by expectation maximisation and, when stewards have decided enough pairs, from
their labels), predicts pairs, scores given pairs (to complete small clusters) and links a new batch
against the existing records (``predict_between``). Only this module and :mod:`inklusi.linkage.spec`
import Splink; Splink creates its own DuckDB connection, and a Spark session comes from the caller
(``inklusi.analytics.engine`` in the application).
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker, block_on
from splink.internals.exceptions import SplinkException

from inklusi.errors import Invalid
from inklusi.i18n import msg
from inklusi.linkage.spec import (
    NEUTRAL_SLIP,
    LinkageSettings,
    WeakIdentifiersSpec,
    compile_settings,
    usable_rules,
)

LOG_LEVEL = logging.ERROR
for noisy in ("splink", "splink.internals"):
    logging.getLogger(noisy).setLevel(LOG_LEVEL)


@dataclass(frozen=True)
class Backend:
    """Where Splink runs: DuckDB in process (default), or the Spark session the caller hands over."""

    name: Literal["duckdb", "spark"] = "duckdb"
    spark: Any = None  # a pyspark.sql.SparkSession, when name == "spark"

    def database_api(self) -> Any:
        if self.name == "spark":
            if self.spark is None:
                raise ValueError("the Spark backend needs a SparkSession")
            from splink import SparkAPI

            # Splink breaks lineage with checkpoints when the session has a checkpoint directory
            checkpointed = self.spark.sparkContext.getCheckpointDir() is not None
            return SparkAPI(
                spark_session=self.spark, break_lineage_method=None if checkpointed else "persist"
            )
        return DuckDBAPI()


def spark_jar() -> str:
    """Splink's string-similarity UDFs (Jaro-Winkler, Damerau-Levenshtein …) for Spark: a session that
    runs linkage must be built with ``spark.jars`` set to this path."""
    from splink.backends.spark import similarity_jar_location

    return similarity_jar_location()


def to_arrow(frame: Any) -> pa.Table:
    """A Splink dataframe as an Arrow table, whatever the backend."""
    if hasattr(frame, "as_pyarrow_table"):
        return frame.as_pyarrow_table()
    return pa.Table.from_pandas(frame.as_pandas_dataframe(), preserve_index=False)


WITH_HOUSEHOLDS = ("household_ref", "address")  # prepared columns that tell family members apart


@dataclass
class TrainingReport:
    path: str = ""  # "identifiers" (m from pairs sharing one), "expectation maximisation", "names"
    anchored: bool = True  # the file has enough identity numbers (NIK, other id) to anchor the model
    blocking: list[list[str]] = field(default_factory=list)
    blocking_added: list[list[str]] = field(default_factory=list)  # rules for weak identifiers
    u_pairs: float = 0.0
    em_rules: list[list[str]] = field(default_factory=list)
    labels: int = 0
    prior: float | None = None
    label_column: str | None = None
    anchor_pairs: int = 0


def smooth(model: dict[str, Any], m_floor: float, u_floor: float) -> dict[str, Any]:
    """No level is certain or impossible: m and u below a floor (or never observed) are raised to it
    and the rest rescaled, so that an unseen level weighs a bounded amount instead of nothing. Levels
    marked neutral (a tolerated slip in a number) get m = u: no weight either way."""
    model = copy.deepcopy(model)
    for comparison in model["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for key, floor in (("m_probability", m_floor), ("u_probability", u_floor)):
            values = [level.get(key) for level in levels]
            numbers = [v if isinstance(v, (int, float)) and v > floor else floor for v in values]
            total = sum(numbers)
            for level, value in zip(levels, numbers, strict=True):
                level[key] = value / total
        neutral = [level for level in levels if level.get("label_for_charts") == NEUTRAL_SLIP]
        if neutral:
            others = [level for level in levels if level not in neutral]
            taken = sum(level["u_probability"] for level in neutral)
            rest = sum(level["m_probability"] for level in others)
            for level in others:
                level["m_probability"] *= (1 - taken) / rest
            for level in neutral:
                level["m_probability"] = level["u_probability"]
    return model


def _pairs_sharing(prepared: pa.Table, columns: list[str]) -> int:
    """How many pairs of records agree on every column (nulls never agree)."""
    keyed = prepared.select(columns)
    for column in columns:
        keyed = keyed.filter(pc.is_valid(keyed[column]))
    counts = keyed.group_by(columns).aggregate([([], "count_all")])["count_all"].to_numpy()
    return int((counts * (counts - 1) // 2).sum())


def _pair_table(prepared: pa.Table, columns: list[str]) -> pa.Table:
    """Every pair of records agreeing on ``columns``, as ``unique_id_l``/``unique_id_r``."""
    keyed = prepared.select(["unique_id", *columns])
    if "source_dataset" in prepared.column_names:
        keyed = keyed.append_column("source_dataset", prepared["source_dataset"])
    for column in columns:
        keyed = keyed.filter(pc.is_valid(keyed[column]))
    joined = keyed.join(keyed, columns, left_suffix="_l", right_suffix="_r")
    joined = joined.filter(pc.less(joined["unique_id_l"], joined["unique_id_r"]))
    out = {"unique_id_l": joined["unique_id_l"], "unique_id_r": joined["unique_id_r"]}
    if "source_dataset" in prepared.column_names:
        out = {
            "source_dataset_l": joined["source_dataset_l"],
            "unique_id_l": joined["unique_id_l"],
            "source_dataset_r": joined["source_dataset_r"],
            "unique_id_r": joined["unique_id_r"],
        }
    return pa.table(out)


def anchored(prepared: pa.Table, spec: WeakIdentifiersSpec) -> bool:
    """Whether enough records carry an identity number to anchor training and blocking."""
    n = prepared.num_rows
    return any(
        column in prepared.column_names
        and n
        and (n - prepared[column].null_count) / n >= spec.min_anchor_share
        for column in spec.anchors
    )


def choose_blocking(prepared: pa.Table, settings: LinkageSettings) -> tuple[list[list[str]], list[list[str]]]:
    """The blocking rules for this file: the settings' rules it can use and, when identity numbers are
    missing or few, the rules for weak identifiers, in order, while the comparisons they add (each rule
    counted alone) stay within the budget per record. Returns (all rules, the rules added)."""
    columns = set(prepared.column_names)
    rules = usable_rules(settings.blocking, columns)
    spec = settings.weak_identifiers
    if anchored(prepared, spec):
        return rules, []
    budget, used, added = spec.budget * prepared.num_rows, 0, []
    for rule in usable_rules(spec.rules, columns):
        if rule in rules:
            continue
        count = _pairs_sharing(prepared, rule)
        if used + count <= budget:
            used += count
            added.append(rule)
    return rules + added, added


class LinkSession:
    """One prepared table in one Splink database, with its model."""

    def __init__(
        self,
        prepared: pa.Table,
        settings: LinkageSettings,
        *,
        backend: Backend | None = None,
        model: dict[str, Any] | None = None,
        retain: list[str] | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend or Backend()
        self.columns = set(prepared.column_names)
        self.db = self.backend.database_api()
        self.prepared = prepared
        self.records = self.db.register(prepared, table_name="inklusi_records")
        dialect = "spark" if self.backend.name == "spark" else "duckdb"
        retain = retain if retain is not None else [c for c in ("name_raw",) if c in self.columns]
        self.report = TrainingReport(anchored=anchored(prepared, settings.weak_identifiers))
        creator: Any = model
        if model is None:
            blocking, added = choose_blocking(prepared, settings)
            self.report.blocking, self.report.blocking_added = blocking, added
            creator = compile_settings(
                settings, self.columns, dialect=dialect, retain_columns=retain, blocking=blocking
            )
        self.linker = Linker(self.records, creator, log_level=LOG_LEVEL)

    # --- training ------------------------------------------------------------------------------------

    def train(self, labels: pa.Table | None = None) -> TrainingReport:
        """Estimate the model: the match prior from deterministic rules, u by random sampling, m from
        pairs sharing an identifier (NIK) when there are enough, else by expectation maximisation.
        ``labels``: steward decisions "same person" (``unique_id_l``, ``unique_id_r``), which add
        their own estimate of m once there are ``min_labels`` of them."""
        training = self.linker.training
        spec = self.settings.training
        rules = [
            r for r in usable_rules(spec.deterministic, self.columns) if _pairs_sharing(self.prepared, r)
        ]
        if rules and spec.prior is None:
            training.estimate_probability_two_random_records_match(
                [block_on(*rule) for rule in rules], recall=spec.deterministic_recall
            )
            self.report.prior = self._prior()
        # a hundred pairs per record is plenty for small files, and much faster than the maximum
        u_pairs = min(spec.u_max_pairs, max(200_000, 100 * self.prepared.num_rows))
        training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=spec.seed)
        self.report.u_pairs = u_pairs
        # with identity numbers, m from the pairs sharing one (EM finds "same household" on family data);
        # without, EM over several blocking passes first (pairs agreeing on names and birth date are only
        # the easy ones), and those pairs as the last resort
        # Where household data exist (a household or an address), EM would learn "same family": there
        # the near-certain pairs train m as with identity numbers.
        em_first = not self.report.anchored and not self.columns & set(WITH_HOUSEHOLDS)
        steps = (
            [("expectation maximisation", self._m_by_em), ("names", self._m_from_identifiers)]
            if em_first
            else [("identifiers", self._m_from_identifiers), ("expectation maximisation", self._m_by_em)]
        )
        self.report.path = next((name for name, step in steps if step()), "")
        anchors = set(self.settings.weak_identifiers.anchors)
        if (
            self.report.path == "identifiers"
            and not set((self.report.label_column or "").split(",")) & anchors
        ):
            self.report.path = "names"  # the label rule used is the names one
        if not self.report.path:
            raise Invalid(
                msg(
                    "Not enough likely duplicates to train the linkage model: no identifier is shared by "
                    "{n} pairs and expectation maximisation found none",
                    n=spec.min_label_pairs,
                )
            )
        if labels is not None and labels.num_rows >= spec.min_labels:
            table = self.db.register(labels, table_name=None)
            self.linker.training.estimate_m_from_pairwise_labels(table)
            self.report.labels = labels.num_rows
        smoothed = smooth(self.model(), spec.m_floor, 0.5 / u_pairs)
        self.linker = Linker(self.records, smoothed, log_level=LOG_LEVEL)
        if self.report.path == "expectation maximisation" and not self.report.anchored and spec.prior is None:
            self._prior_from_the_model()
        return self.report

    def _prior_from_the_model(self, rounds: int = 100) -> None:
        """Without identity numbers, the deterministic rules (the same names and birth date) find only
        the easy matches and the prior comes out far too low. Here the prior is the share of matches the
        model itself expects among all pairs: with m and u fixed, λ ← Σ p(λ) over the blocked pairs /
        all pairs, until it settles (expectation maximisation on λ alone; pairs the blocking leaves out
        count as non-matches)."""
        predictions = self.predict()
        weights = self.query(f"SELECT match_weight FROM {predictions.physical_name}")["match_weight"]
        start = self._prior()
        factors = pc.fill_null(weights, -50.0).to_numpy() - np.log2(start / (1 - start))
        total = self._all_pairs()
        prior = start
        for _ in range(rounds):
            odds = prior / (1 - prior) * np.exp2(np.clip(factors, -200, 200))
            settled = float(np.clip((odds / (1 + odds)).sum() / total, 1e-12, 0.5))
            if abs(settled - prior) <= 1e-4 * prior:
                prior = settled
                break
            prior = settled
        model = self.model()
        model["probability_two_random_records_match"] = prior
        self.linker = Linker(self.records, model, log_level=LOG_LEVEL)
        self.report.prior = prior

    def _all_pairs(self) -> float:
        """How many pairs the link type compares without blocking."""
        n = self.prepared.num_rows
        if "source_dataset" not in self.columns or self.settings.link_type.value == "dedupe_only":
            return n * (n - 1) / 2
        sizes = self.prepared["source_dataset"].value_counts().field("counts").to_numpy().astype(float)
        across = (sizes.sum() ** 2 - (sizes**2).sum()) / 2
        if self.settings.link_type.value == "link_only":
            return across
        return n * (n - 1) / 2

    def _m_from_identifiers(self) -> bool:
        spec = self.settings.training
        for rule in spec.label_rules:
            if not set(rule.columns) <= self.columns:
                continue
            if _pairs_sharing(self.prepared, rule.columns) < spec.min_label_pairs:
                continue
            model = self._m_from_pairs(self.model(), rule.columns)
            comparisons = {c["output_column_name"]: c for c in model["comparisons"]}
            for biased in rule.biases:
                if biased not in comparisons:
                    continue
                used = self._columns_of(biased)
                for anchor in rule.anchors:
                    usable = set(anchor) <= self.columns and not used & set(anchor)
                    if usable and _pairs_sharing(self.prepared, anchor) >= spec.min_label_pairs:
                        estimated = self._m_from_pairs(model, anchor)
                        comparisons[biased] = next(
                            c for c in estimated["comparisons"] if c["output_column_name"] == biased
                        )
                        self.report.anchor_pairs += _pairs_sharing(self.prepared, anchor)
                        break
            model["comparisons"] = [comparisons[c["output_column_name"]] for c in model["comparisons"]]
            self.linker = Linker(self.records, model, log_level=LOG_LEVEL)
            self.report.label_column = ",".join(rule.columns)
            return True
        return False

    def _m_from_pairs(self, model: dict[str, Any], columns: list[str]) -> dict[str, Any]:
        """The model with m estimated from every pair agreeing on ``columns`` (taken as matches)."""
        helper = Linker(self.records, copy.deepcopy(model), log_level=LOG_LEVEL)
        pairs = self.db.register(_pair_table(self.prepared, columns), table_name=None)
        helper.training.estimate_m_from_pairwise_labels(pairs)
        return helper.misc.save_model_to_json()

    def _columns_of(self, comparison: str) -> set[str]:
        for candidate in self.linker._settings_obj.comparisons:
            if candidate.output_column_name == comparison:
                return {c.input_name for c in candidate._input_columns_used_by_case_statement}
        return set()

    def _m_by_em(self) -> bool:
        spec = self.settings.training
        estimated: set[str] = set()
        names = {c.output_column_name for c in self.linker._settings_obj.comparisons}
        for rule in usable_rules(spec.em_blocking, self.columns):
            fixed = {name for name in names if self._uses(name, rule)}
            if not (names - fixed) - estimated or _pairs_sharing(self.prepared, rule) < spec.min_label_pairs:
                continue
            try:
                self.linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*rule), estimate_without_term_frequencies=True, max_pairs=spec.em_max_pairs
                )
            except (ValueError, SplinkException):  # degenerate (no duplicates among the pairs)
                continue
            estimated |= names - fixed
            self.report.em_rules.append(rule)
            if estimated >= names:
                break
        return bool(self.report.em_rules)

    def _uses(self, comparison: str, rule: list[str]) -> bool:
        return bool(self._columns_of(comparison) & set(rule))

    def _prior(self) -> float:
        return float(self.linker._settings_obj._probability_two_random_records_match)

    def model(self) -> dict[str, Any]:
        """The trained model (Splink settings with m and u), to store and reload."""
        return self.linker.misc.save_model_to_json()

    # --- prediction ----------------------------------------------------------------------------------

    def predict(self, threshold: float | None = None) -> Any:
        """Every blocked pair, scored (a Splink dataframe: stays in the database)."""
        return self.linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")

    def query(self, sql: str) -> pa.Table:
        """Portable SQL over Splink tables (use ``{name}`` placeholders filled by the caller)."""
        return to_arrow(self.db.query_sql(sql))

    def score_pairs(self, pairs: pa.Table) -> pa.Table:
        """Score given pairs (``unique_id_l``, ``unique_id_r``) with the model, whatever the blocking."""
        if pairs.num_rows == 0:
            return pa.table(
                {"unique_id_l": pa.array([], pa.string()), "unique_id_r": pa.array([], pa.string())}
            )
        source = "source_dataset" in self.columns
        ids = self.records.physical_name
        keyed = self.db.register(pairs, table_name=None)
        left = "l.source_dataset || '-__-' || l.unique_id" if source else "l.unique_id"
        right = "r.source_dataset || '-__-' || r.unique_id" if source else "r.unique_id"
        blocked = self.db.query_sql(
            f"SELECT {left} AS join_key_l, {right} AS join_key_r, '0' AS match_key "
            f"FROM {keyed.physical_name} AS p "
            f"JOIN {ids} AS l ON l.unique_id = p.unique_id_l JOIN {ids} AS r ON r.unique_id = p.unique_id_r"
        )
        self.linker.table_management.register_blocked_pairs_for_predict(blocked)
        try:
            return to_arrow(self.predict())
        finally:
            self.linker.table_management.invalidate_cache()

    def predict_between(
        self, existing: pa.Table, new: pa.Table, threshold: float | None = None
    ) -> tuple[pa.Table, pa.Table]:
        """Pairs between ``new`` and ``existing`` records, and pairs within ``new`` (both tables part of
        this session's input, whose term frequencies are used)."""
        for column in self._tf_columns():
            self.linker.table_management.compute_tf_table(column)
        left = self.db.register(existing, table_name=None)
        right = self.db.register(new, table_name=None)
        inference = self.linker.inference
        between = inference.predict_between(
            left, right, threshold_match_probability=threshold, warning_mode="never"
        )
        within = inference.predict_within(right, threshold_match_probability=threshold, warning_mode="never")
        return to_arrow(between), to_arrow(within)

    def _tf_columns(self) -> list[str]:
        found = []
        for comparison in self.linker._settings_obj.comparisons:
            for level in comparison.comparison_levels:
                if level._has_tf_adjustments:
                    found.append(level._tf_adjustment_input_column.input_name)
        return sorted(set(found))
