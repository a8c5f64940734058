"""Checking an estimator's windows and targets, and the encoders that scale and reshape them.

Windows are 2-D ``(samples, steps)`` or 3-D ``(samples, steps, series)``
arrays, validated with scikit-learn's ``validate_data``. 2-D windows are one
series, oldest step first, unless their columns are named by lag (a
DataFrame from ``WindowTransformer``, or skforecast's ``lag_1, lag_2, ...``):
then :class:`~sklstm.preprocessing._reshaping.ColumnLayout` puts each step and series in
place; targets are ``(samples,
n_steps_out * n_targets)``. The feature encoder scales each series
(:class:`~sklstm.preprocessing._scaling.WindowScaler`) and reshapes the windows for the
architecture (:mod:`sklstm.preprocessing._reshaping`); the target encoder scales the targets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted, validate_data

from ..preprocessing._reshaping import ColumnLayout, to_sequences
from ..preprocessing._scaling import WindowScaler

__all__ = ["InputMixin"]


class InputMixin:
    """Validation and encoding of ``X`` and ``y`` for :class:`~sklstm.estimators._base.LSTMRegressorBase`."""

    def _validate_X(self, X: Any, *, reset: bool) -> np.ndarray:
        X = validate_data(self, X, reset=reset, allow_nd=True, dtype=[np.float64, np.float32])
        return self._check_windows(X, reset=reset)

    def _check_windows(self, X: np.ndarray, *, reset: bool) -> np.ndarray:
        if X.ndim not in (2, 3):
            raise ValueError(
                f"X must be 2-D windows (samples, steps) or 3-D windows (samples, steps, features); "
                f"got an array of shape {X.shape}."
            )
        if reset:  # 2-D columns named by lag (a DataFrame) say which step and series each one is
            names = getattr(self, "feature_names_in_", None) if X.ndim == 2 else None
            self.column_layout_ = None if names is None else ColumnLayout.from_names(names)
        layout = getattr(self, "column_layout_", None)
        if layout is not None and X.ndim == 2:
            seq = layout.to_sequences(X)
        else:
            seq = to_sequences(X)
            seq = seq[:, ::-1] if self.lag_order == "newest_first" else seq
        if reset:
            self.n_steps_in_, self.n_series_in_ = seq.shape[1], seq.shape[2]
        elif seq.shape[2] != self.n_series_in_:
            raise ValueError(
                f"X has {seq.shape[2]} features per time step, but {type(self).__name__} "
                f"was fitted with {self.n_series_in_}."
            )
        return seq

    def _validate_Xy(self, X: Any, y: Any, reset: bool = True) -> tuple[np.ndarray, np.ndarray]:
        y_shape = None if y is None else np.asarray(y).shape
        if y_shape is not None and len(y_shape) > 2:
            raise ValueError(
                f"y must be 1-D or 2-D (samples, n_steps_out * n_targets); got shape {y_shape}. "
                "Flatten multi-step targets with y.reshape(len(y), -1)."
            )
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            allow_nd=True,
            multi_output=True,
            y_numeric=True,
            dtype=[np.float64, np.float32],
        )
        seq = self._check_windows(X, reset=reset)
        y2 = self._check_targets(y, reset)
        if reset:
            self._record_input_types(X.shape, X.dtype, y2)
        return seq, y2

    def _check_targets(self, y: np.ndarray, reset: bool) -> np.ndarray:
        """Check y's columns against ``n_steps_out`` (and the fit); return it 2-D float64."""
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if not reset:
            if n_outputs != self.n_steps_out * self.n_targets_:
                raise ValueError(
                    f"y has {n_outputs} columns, but {type(self).__name__} was fitted with "
                    f"{self.n_steps_out * self.n_targets_}."
                )
            return np.asarray(y, dtype=np.float64).reshape(len(y), n_outputs)
        if n_outputs % self.n_steps_out:
            raise ValueError(
                f"y has {n_outputs} columns, which is not n_steps_out={self.n_steps_out} "
                "steps of whole targets; y's columns must be n_steps_out * n_targets."
            )
        self.y_ndim_ = y.ndim
        self.n_targets_ = n_outputs // self.n_steps_out
        return np.asarray(y, dtype=np.float64).reshape(len(y), n_outputs)

    def _record_input_types(self, X_shape: tuple, X_dtype: Any, y: Any) -> None:
        """scikeras' fitted attributes that describe the (validated) training data."""
        self.X_shape_, self.X_dtype_ = tuple(X_shape), np.dtype(X_dtype)
        # sklstm's targets are continuous: no scan of y (which may be a long series) to call them so
        self.y_dtype_ = y.dtype
        self.target_type_ = "continuous-multioutput" if y.ndim == 2 and y.shape[1] > 1 else "continuous"
        self.n_outputs_expected_ = 1  # the network has one output tensor

    def _make_feature_encoder(self) -> Pipeline:
        scaler = "passthrough" if self.scaling is None else WindowScaler(method=self.scaling)
        return Pipeline([("scale", scaler), ("reshape", self._make_reshaper())])

    def _make_reshaper(self):
        if "n_seq" in self._param_defaults():
            return self._reshaper(n_seq=self.n_seq)
        return self._reshaper()

    def _encode(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        seq = self._validate_X(X, reset=False)
        return np.asarray(self.feature_encoder_.transform(seq), dtype=np.float32)
