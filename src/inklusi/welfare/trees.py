"""Gradient-boosted trees (LightGBM) as a proxy-means model, and their explanations (``pred_contrib``).

Categorical proxies and the area (province) enter as LightGBM categorical features (integer codes; a
missing answer, -1, is LightGBM's "missing"). Training is deterministic (fixed seed, row-wise histograms,
``deterministic=True``), so the same survey gives the same model. A fitted model is stored as LightGBM's own
text format inside the model artifact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np

Frame = Mapping[str, np.ndarray]
THREADS = 2


@dataclass
class TreeModel:
    booster: lgb.Booster
    features: tuple[str, ...]
    categorical: tuple[str, ...]
    area_column: str | None

    @classmethod
    def fit(
        cls,
        frame: Frame,
        target: np.ndarray,
        weights: np.ndarray,
        numeric: Sequence[str],
        categorical: Sequence[str],
        area_column: str | None,
        *,
        rounds: int = 400,
        learning_rate: float = 0.04,
        leaves: int = 31,
        min_households_per_leaf: int = 20,
        feature_fraction: float = 0.8,
        l2: float = 1.0,
        seed: int = 1,
    ) -> TreeModel:
        features = (*numeric, *categorical, *((area_column,) if area_column else ()))
        kinds = (*categorical, *((area_column,) if area_column else ()))
        data = lgb.Dataset(
            _matrix(frame, features, area_column, kinds),
            label=target,
            weight=weights / weights.mean(),
            feature_name=list(features),
            categorical_feature=list(kinds),
            free_raw_data=True,
            params={"verbose": -1, "max_cat_to_onehot": 8, "min_data_per_group": 20},
        )
        params = {
            "objective": "regression",
            "learning_rate": learning_rate,
            "num_leaves": leaves,
            "min_data_in_leaf": min_households_per_leaf,
            "feature_fraction": feature_fraction,
            "bagging_fraction": 1.0,
            "lambda_l2": l2,
            "cat_smooth": 20.0,
            "cat_l2": 10.0,
            "seed": seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": THREADS,
            "verbose": -1,
        }
        booster = lgb.train(params, data, num_boost_round=rounds)
        return cls(booster, features, tuple(kinds), area_column)

    def predict(self, frame: Frame) -> np.ndarray:
        matrix = _matrix(frame, self.features, self.area_column, self.categorical)
        return np.asarray(self.booster.predict(matrix, num_threads=THREADS))  # dense in, an array out

    def contributions(self, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
        """Per-row SHAP contributions of each feature (columns in :attr:`features` order) and the expected
        value (the trees' baseline)."""
        raw = np.asarray(
            self.booster.predict(
                _matrix(frame, self.features, self.area_column, self.categorical),
                pred_contrib=True,
                num_threads=THREADS,
            )
        )
        return raw[:, :-1], raw[:, -1]

    def to_json(self) -> dict[str, object]:
        return {
            "booster": self.booster.model_to_string(),
            "features": list(self.features),
            "categorical": list(self.categorical),
            "area_column": self.area_column,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TreeModel:
        return cls(
            lgb.Booster(model_str=str(data["booster"])),
            tuple(data["features"]),
            tuple(data["categorical"]),
            data.get("area_column"),
        )


def area_code_number(values: np.ndarray) -> np.ndarray:
    """Area codes (``"32"``, ``"32.73"``) as integers LightGBM can take as categories."""
    distinct, inverse = np.unique(np.asarray(values).astype(str), return_inverse=True)
    digits = [code.replace(".", "") for code in distinct]
    numbers = np.array([int(d) if d.isdigit() else np.nan for d in digits], dtype=np.float64)
    return numbers[inverse]


def _matrix(
    frame: Frame, features: Sequence[str], area_column: str | None, categorical: Sequence[str] = ()
) -> np.ndarray:
    """The features as one float matrix; a negative category code (no answer) becomes NaN, which is how
    LightGBM reads a missing category."""
    columns = []
    for name in features:
        if name == area_column:
            columns.append(area_code_number(frame[name]))
        else:
            column = np.asarray(frame[name], dtype=np.float64)
            columns.append(np.where(column < 0, np.nan, column) if name in categorical else column)
    return np.column_stack(columns)
