"""Least-squares proxy-means models: national OLS, OLS with shrunk area effects, separate models per group.

A fitted model is plain data (:class:`LinearModel`, JSON-able): an intercept, a coefficient per numeric
proxy, a coefficient per answer of each categorical proxy (the most common answer is the reference, 0), and
optionally an effect per area, shrunk towards zero by a ridge penalty worth ``shrinkage`` households (areas
with few survey households borrow from the national level; an area never seen scores at the national level).
The same numbers score a NumPy frame (training, cross-validation), an Ibis table (the registry, on DuckDB or
Spark) and explain one household (contributions against the average household).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np

Frame = Mapping[str, np.ndarray]
NUMERIC_STABILITY = 1e-8


@dataclass(frozen=True)
class LinearModel:
    intercept: float
    numeric: dict[str, float]
    categorical: dict[str, dict[int, float]]
    area_column: str | None = None
    area_effects: dict[str, float] = field(default_factory=dict)
    # the training sample's averages: the "average household" explanations compare against
    numeric_means: dict[str, float] = field(default_factory=dict)
    categorical_shares: dict[str, dict[int, float]] = field(default_factory=dict)
    area_shares: dict[str, float] = field(default_factory=dict)

    # --- Fitting ------------------------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        frame: Frame,
        target: np.ndarray,
        weights: np.ndarray,
        numeric: Sequence[str],
        categorical: Sequence[str],
        area_column: str | None = None,
        shrinkage: float = 5.0,
    ) -> LinearModel:
        w = weights / weights.mean()
        columns, penalties = [np.ones(len(target))], [0.0]
        names: list[tuple[str, str, Any]] = [("intercept", "", None)]
        for name in numeric:
            columns.append(frame[name].astype(float))
            penalties.append(0.0)
            names.append(("numeric", name, None))
        levels: dict[str, list[int]] = {}
        for name in categorical:
            codes = frame[name].astype(np.int64)
            found, counts = np.unique(codes, return_counts=True)
            reference = found[np.argmax(counts)]
            levels[name] = [int(c) for c in found]
            for code in found:
                if code != reference:
                    columns.append((codes == code).astype(float))
                    penalties.append(0.0)
                    names.append(("categorical", name, int(code)))
        if area_column:
            for area in np.unique(frame[area_column]):
                columns.append((frame[area_column] == area).astype(float))
                penalties.append(shrinkage)
                names.append(("area", area_column, str(area)))
        x = np.column_stack(columns)
        gram = x.T @ (x * w[:, None]) + np.diag(np.array(penalties) + NUMERIC_STABILITY)
        beta = np.linalg.solve(gram, x.T @ (w * target))
        model = cls(
            intercept=float(beta[0]),
            numeric={},
            categorical={name: dict.fromkeys(levels[name], 0.0) for name in categorical},
            area_column=area_column,
        )
        for (kind, name, key), coefficient in zip(names[1:], beta[1:], strict=True):
            if kind == "numeric":
                model.numeric[name] = float(coefficient)
            elif kind == "categorical":
                model.categorical[name][key] = float(coefficient)
            else:
                model.area_effects[key] = float(coefficient)
        return model.with_averages(frame, w)

    def with_averages(self, frame: Frame, weights: np.ndarray) -> LinearModel:
        w = weights / weights.sum()
        self.numeric_means.update({n: float((w * frame[n]).sum()) for n in self.numeric})
        for name, coefficients in self.categorical.items():
            codes = frame[name].astype(np.int64)
            self.categorical_shares[name] = {c: float(w[codes == c].sum()) for c in coefficients}
        if self.area_column:
            areas = frame[self.area_column]
            self.area_shares.update({a: float(w[areas == a].sum()) for a in self.area_effects})
        return self

    # --- Scoring ------------------------------------------------------------------------------------

    def predict(self, frame: Frame) -> np.ndarray:
        n = len(next(iter(frame.values())))
        score = np.full(n, self.intercept)
        for name, coefficient in self.numeric.items():
            score += coefficient * frame[name]
        for name, coefficients in self.categorical.items():
            score += _lookup(frame[name].astype(np.int64), coefficients)
        if self.area_column:
            score += _lookup(np.asarray(frame[self.area_column]).astype(str), self.area_effects)
        return score

    def expression(self, table: ir.Table) -> ir.FloatingValue:
        """The score as an Ibis expression over a features table (the arithmetic order of :meth:`predict`)."""
        score: ir.FloatingValue = double(self.intercept)
        for name, coefficient in self.numeric.items():
            score = score + table[name].cast("float64") * double(coefficient)
        for name, coefficients in self.categorical.items():
            score = score + _cases(table[name].cast("int64"), coefficients)
        if self.area_column:
            score = score + _cases(table[self.area_column].cast("string"), self.area_effects)
        return score

    # --- Explaining ---------------------------------------------------------------------------------

    def baseline(self) -> float:
        value = self.intercept + sum(c * self.numeric_means.get(n, 0.0) for n, c in self.numeric.items())
        for name, coefficients in self.categorical.items():
            shares = self.categorical_shares.get(name, {})
            value += sum(coefficients[c] * shares.get(c, 0.0) for c in coefficients)
        value += sum(self.area_effects[a] * self.area_shares.get(a, 0.0) for a in self.area_effects)
        return value

    def contributions(self, row: Mapping[str, Any]) -> dict[str, float]:
        """Each proxy's (and the area's) move away from the average household; summing to score − baseline."""
        result = {n: c * (float(row[n]) - self.numeric_means.get(n, 0.0)) for n, c in self.numeric.items()}
        for name, coefficients in self.categorical.items():
            shares = self.categorical_shares.get(name, {})
            average = sum(coefficients[c] * shares.get(c, 0.0) for c in coefficients)
            result[name] = coefficients.get(int(row[name]), 0.0) - average
        if self.area_column:
            average = sum(self.area_effects[a] * self.area_shares.get(a, 0.0) for a in self.area_effects)
            result[self.area_column] = self.area_effects.get(str(row[self.area_column]), 0.0) - average
        return result

    # --- Storing ------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, object]:
        return {
            "intercept": self.intercept,
            "numeric": self.numeric,
            "categorical": {n: {str(k): v for k, v in c.items()} for n, c in self.categorical.items()},
            "area_column": self.area_column,
            "area_effects": self.area_effects,
            "numeric_means": self.numeric_means,
            "categorical_shares": {
                n: {str(k): v for k, v in c.items()} for n, c in self.categorical_shares.items()
            },
            "area_shares": self.area_shares,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        def keyed(mapping) -> dict[str, dict[int, float]]:
            return {n: {int(k): float(v) for k, v in c.items()} for n, c in mapping.items()}

        return cls(
            intercept=float(data["intercept"]),
            numeric={k: float(v) for k, v in data["numeric"].items()},
            categorical=keyed(data["categorical"]),
            area_column=data.get("area_column"),
            area_effects={k: float(v) for k, v in data.get("area_effects", {}).items()},
            numeric_means={k: float(v) for k, v in data.get("numeric_means", {}).items()},
            categorical_shares=keyed(data.get("categorical_shares", {})),
            area_shares={k: float(v) for k, v in data.get("area_shares", {}).items()},
        )


def _lookup(values: np.ndarray, table: Mapping) -> np.ndarray:
    out = np.zeros(len(values))
    for key, coefficient in table.items():
        out[values == key] = coefficient
    return out


def double(value: float) -> ir.FloatingValue:
    """A DOUBLE literal. SQL reads ``0.1`` as a DECIMAL, and CASE over decimals of different scales is
    computed in 128-bit decimals (four times slower on DuckDB); ``CAST('0.1' AS DOUBLE)`` is folded once
    and gives the same double on every engine (the text is Python's round-trip repr)."""
    return ibis.literal(repr(float(value))).cast("float64")


def _cases(column: ir.Value, table: Mapping) -> ir.FloatingValue:
    nonzero = {key: value for key, value in table.items() if value != 0.0}
    if not nonzero:
        return double(0.0)
    return column.substitute(
        {key: double(value) for key, value in nonzero.items()},
        else_=double(0.0),
    )


@dataclass(frozen=True)
class GroupedModel:
    """Separate linear models per group of areas (e.g. islands), a national model for the rest."""

    group_column: str
    group_of: dict[str, str]  # area code → group
    models: dict[str, LinearModel]
    fallback: LinearModel

    def _group(self, frame: Frame) -> np.ndarray:
        areas = np.asarray(frame[self.group_column]).astype(str)
        return np.array([self.group_of.get(a, "") for a in areas], dtype=object)

    def predict(self, frame: Frame) -> np.ndarray:
        groups = self._group(frame)
        score = self.fallback.predict(frame)
        for name, model in self.models.items():
            rows = groups == name
            if rows.any():
                score[rows] = model.predict({k: np.asarray(v)[rows] for k, v in frame.items()})
        return score

    def expression(self, table: ir.Table) -> ir.FloatingValue:
        area = table[self.group_column].cast("string")
        branches = [
            (area.isin([a for a, g in self.group_of.items() if g == name]), model.expression(table))
            for name, model in self.models.items()
        ]
        if not branches:
            return self.fallback.expression(table)
        return ibis.cases(*branches, else_=self.fallback.expression(table))

    def member(self, row: Mapping[str, object]) -> LinearModel:
        return self.models.get(self.group_of.get(str(row[self.group_column]), ""), self.fallback)

    def to_json(self) -> dict[str, object]:
        return {
            "group_column": self.group_column,
            "group_of": self.group_of,
            "models": {name: model.to_json() for name, model in self.models.items()},
            "fallback": self.fallback.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GroupedModel:
        return cls(
            group_column=str(data["group_column"]),
            group_of=dict(data["group_of"]),
            models={name: LinearModel.from_json(m) for name, m in data["models"].items()},
            fallback=LinearModel.from_json(data["fallback"]),
        )
