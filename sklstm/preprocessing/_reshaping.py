"""Reshape windows into the layout each of the tutorial's models reads.

* :class:`SequenceReshaper`: ``(samples, steps, features)`` for LSTM layers;
* :class:`SubsequenceReshaper`: ``(samples, n_seq, steps // n_seq, features)``
  for a TimeDistributed Conv1D (CNN-LSTM);
* :class:`ConvLSTMReshaper`: ``(samples, n_seq, 1, steps // n_seq, features)``
  for ConvLSTM2D.

Each accepts 2-D windows ``(samples, steps * n_features)``, flattened
step-major as :class:`~sklstm.WindowTransformer` writes them, or 3-D windows
``(samples, steps, features)`` as :func:`~sklstm.make_windows` returns them.
This module only needs numpy and scikit-learn.
"""

from __future__ import annotations

import dataclasses
import numbers
import re
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import Interval

__all__ = [
    "ColumnLayout",
    "SequenceReshaper",
    "SubsequenceReshaper",
    "ConvLSTMReshaper",
    "to_sequences",
]

# "<series>_lag<k>" (WindowTransformer: lag 0 is the last step), "lag_<k>" (skforecast: lag 1 is the last step).
_LAG = re.compile(r"^(?:(?P<series>.+)_)?lag_?(?P<lag>\d+)$")


@dataclasses.dataclass(frozen=True)
class ColumnLayout:
    """Where the steps and series of a window sit among 2-D columns named by their lag.

    ``index[s, j]`` is the column of step ``s`` (oldest first) of series ``j``;
    ``static`` are the columns without a lag (a series id, an exogenous value),
    read as extra series constant over the window. Built from column names by
    :meth:`from_names`, so that the flattened windows of several series
    (``WindowTransformer``) and newest-first lags (skforecast's ``lag_1``,
    ``lag_2``, ...) reach the network in time order.

    Examples
    --------
    >>> import numpy as np
    >>> layout = ColumnLayout.from_names(["lag_1", "lag_2", "lag_3", "level"])
    >>> layout.to_sequences(np.array([[30.0, 20.0, 10.0, 7.0]]))[0].tolist()
    [[10.0, 7.0], [20.0, 7.0], [30.0, 7.0]]
    """

    index: np.ndarray
    static: np.ndarray

    @classmethod
    def from_names(cls, names: Any) -> ColumnLayout | None:
        """The layout that column ``names`` describe, or None when no name carries a lag."""
        lags: dict[str, dict[int, int]] = {}
        static = []
        for position, name in enumerate(str(n) for n in names):
            match = _LAG.match(name)
            if match is None:
                static.append(position)
            else:
                lags.setdefault(match["series"] or "", {})[int(match["lag"])] = position
        if not lags:
            return None
        steps = sorted(next(iter(lags.values())), reverse=True)  # the largest lag is the oldest step
        uneven = [series for series, found in lags.items() if sorted(found, reverse=True) != steps]
        if uneven:
            raise ValueError(
                f"X's columns name lags {steps} for one series but other lags for {uneven}: every series "
                "needs the same lags (columns '<series>_lag<k>' or 'lag_<k>')."
            )
        index = np.array([[found[k] for found in lags.values()] for k in steps], dtype=int)
        return cls(index, np.array(static, dtype=int))

    @property
    def n_series(self) -> int:
        return self.index.shape[1] + len(self.static)

    def to_sequences(self, X: np.ndarray) -> np.ndarray:
        """``(samples, steps, series)`` windows from 2-D ``X`` laid out as described."""
        seq = X[:, self.index]
        if len(self.static):
            fixed = np.repeat(X[:, np.newaxis, self.static], self.index.shape[0], axis=1)
            seq = np.concatenate([seq, fixed], axis=2)
        return seq


def to_sequences(X: np.ndarray, n_features: int = 1) -> np.ndarray:
    """Return 2-D or 3-D windows as ``(samples, steps, features)``.

    A 2-D ``X`` is read as flattened windows of ``n_features`` series.

    Examples
    --------
    >>> import numpy as np
    >>> to_sequences(np.arange(6.0).reshape(1, 6), n_features=2)[0]
    array([[0., 1.],
           [2., 3.],
           [4., 5.]])
    """
    if X.ndim == 3:
        return X
    if X.ndim != 2:
        raise ValueError(
            "X must be 2-D windows (samples, steps * features) or 3-D windows "
            f"(samples, steps, features); got an array of shape {X.shape}."
        )
    if X.shape[1] % n_features:
        raise ValueError(
            f"X has {X.shape[1]} columns, which is not a whole number of steps "
            f"of n_features={n_features} series."
        )
    return X.reshape(X.shape[0], X.shape[1] // n_features, n_features)


def check_n_seq(n_seq: int, n_steps: int) -> int:
    """Return the sub-sequence length, or raise naming ``n_seq`` and the steps."""
    if n_steps % n_seq:
        raise ValueError(
            f"n_seq={n_seq} does not divide the window's {n_steps} time steps; "
            f"choose n_seq among {[d for d in range(1, n_steps + 1) if n_steps % d == 0]}."
        )
    return n_steps // n_seq


class _BaseReshaper(TransformerMixin, BaseEstimator):
    """Shared fit/transform: validate, view as 3-D, then ``_from_sequences``."""

    _parameter_constraints: dict = {
        "n_features": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def fit(self, X: Any, y: Any = None) -> _BaseReshaper:
        """Check that the windows can be reshaped and record their layout."""
        self._validate_params()
        X = validate_data(self, X, allow_nd=True, dtype=[np.float64, np.float32])
        seq = to_sequences(X, self.n_features)
        self.n_steps_ = seq.shape[1]
        self._check_layout(self.n_steps_)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Return the windows in the model's layout (a view where possible)."""
        check_is_fitted(self)
        X = validate_data(self, X, allow_nd=True, dtype=[np.float64, np.float32], reset=False)
        return self._from_sequences(to_sequences(X, self.n_features))

    def _check_layout(self, n_steps: int) -> None:
        """Raise if windows of ``n_steps`` cannot take this layout."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]  # a reshape: float32 windows stay float32
        return tags

    def _from_sequences(self, seq: np.ndarray) -> np.ndarray:
        return seq


class SequenceReshaper(_BaseReshaper):
    """Reshape windows to ``(samples, steps, features)`` for LSTM layers.

    Parameters
    ----------
    n_features : int, default=1
        Number of series interleaved in 2-D input; ignored for 3-D input.

    Examples
    --------
    >>> from sklstm import SequenceReshaper
    >>> SequenceReshaper().fit_transform([[10, 20, 30], [20, 30, 40]]).shape
    (2, 3, 1)
    """

    def __init__(self, n_features: int = 1):
        self.n_features = n_features


class SubsequenceReshaper(_BaseReshaper):
    """Split each window into ``n_seq`` sub-sequences for a CNN-LSTM.

    Output shape ``(samples, n_seq, steps // n_seq, features)``.

    Parameters
    ----------
    n_seq : int, default=2
        Number of sub-sequences; must divide the window's steps.
    n_features : int, default=1
        Number of series interleaved in 2-D input; ignored for 3-D input.

    Examples
    --------
    >>> from sklstm import SubsequenceReshaper
    >>> SubsequenceReshaper(n_seq=2).fit_transform([[60, 70, 80, 90]]).shape
    (1, 2, 2, 1)
    """

    _parameter_constraints: dict = {
        **_BaseReshaper._parameter_constraints,
        "n_seq": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(self, n_seq: int = 2, n_features: int = 1):
        self.n_seq = n_seq
        self.n_features = n_features

    def _check_layout(self, n_steps: int) -> None:
        check_n_seq(self.n_seq, n_steps)

    def _from_sequences(self, seq: np.ndarray) -> np.ndarray:
        n, steps, features = seq.shape
        return seq.reshape(n, self.n_seq, check_n_seq(self.n_seq, steps), features)


class ConvLSTMReshaper(SubsequenceReshaper):
    """Split each window into ``n_seq`` one-row frames for ConvLSTM2D.

    Output shape ``(samples, n_seq, 1, steps // n_seq, features)``: the
    sub-sequences of :class:`SubsequenceReshaper`, each a frame of one row.
    ``n_seq`` (the number of frames, which must divide the window's steps)
    and ``n_features`` (series interleaved in 2-D input) are its parameters.

    Parameters
    ----------
    n_seq : int, default=2
        Frames per window; must divide the window's steps.
    n_features : int, default=1
        Series interleaved in 2-D input.

    Examples
    --------
    >>> from sklstm import ConvLSTMReshaper
    >>> ConvLSTMReshaper(n_seq=2).fit_transform([[60, 70, 80, 90]]).shape
    (1, 2, 1, 2, 1)
    """

    def _from_sequences(self, seq: np.ndarray) -> np.ndarray:
        sub = super()._from_sequences(seq)
        return sub[:, :, np.newaxis]
