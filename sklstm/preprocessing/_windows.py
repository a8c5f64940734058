"""Sliding windows over raw series: the tutorial's ``split_sequence`` family in one function.

This module only needs numpy and scikit-learn; it never imports TensorFlow.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import Interval
from .._validation import check_finite_numeric, check_positive_int
from ._series_windows import SeriesWindows, _windows

__all__ = ["SeriesWindows", "WindowTransformer", "make_windows"]


def _as_2d_series(data: Any) -> tuple[np.ndarray, list | None]:
    """Return ``data`` as a ``(n_time, n_columns)`` float array and its column names."""
    columns = None
    if hasattr(data, "columns") and hasattr(data, "to_numpy"):  # pandas DataFrame
        columns = list(data.columns)
        values = data.to_numpy()
    elif hasattr(data, "to_numpy"):  # pandas Series
        columns = [data.name] if data.name is not None else None
        values = data.to_numpy()
    else:
        values = np.asarray(data)
    values = check_finite_numeric(values, "data")
    if values.ndim == 1:
        values = values.reshape(-1, 1)
    elif values.ndim != 2:
        raise ValueError(
            f"data must be a 1-D series or a 2-D array (time, columns); got shape {values.shape}."
        )
    return values, columns


def _select(spec: Any, columns: list | None, n_columns: int, name: str) -> list[int]:
    """Resolve a column selection (positions or, for DataFrames, names) to positions."""
    if spec is None:
        return list(range(n_columns))
    if isinstance(spec, (str, numbers.Integral)) or not isinstance(spec, (Sequence, np.ndarray)):
        spec = [spec]
    positions = []
    for item in spec:
        if isinstance(item, numbers.Integral) and not isinstance(item, bool):
            if not -n_columns <= item < n_columns:
                raise ValueError(
                    f"{name} position {item} is out of range for data with {n_columns} column(s)."
                )
            positions.append(int(item) % n_columns)
        elif columns is not None and item in columns:
            positions.append(columns.index(item))
        else:
            known = columns if columns is not None else list(range(n_columns))
            raise ValueError(f"{name} column {item!r} does not exist; available columns: {known}.")
    if not positions:
        raise ValueError(f"{name} selects no columns.")
    return positions


def make_windows(
    data: Any,
    n_steps_in: int,
    n_steps_out: int = 1,
    *,
    features: Any = None,
    targets: Any = None,
    lead: int = 1,
    stream: bool = False,
) -> tuple[np.ndarray | SeriesWindows, np.ndarray]:
    """Cut a raw series into supervised ``(X, y)`` windows.

    Window ``i`` holds rows ``i .. i + n_steps_in - 1`` of the ``features``
    columns as input. Its target is ``n_steps_out`` consecutive rows of the
    ``targets`` columns starting ``lead`` rows after the window's last row.

    Parameters
    ----------
    data : array-like, pandas Series or DataFrame of shape (n_time,) or (n_time, n_columns)
        The raw series. A 1-D input is one series.
    n_steps_in : int
        Number of time steps in each input window.
    n_steps_out : int, default=1
        Number of future steps in each target.
    features, targets : int, str or list of them, default=None
        Columns used as inputs and as targets, by position or (DataFrame) by
        name. ``None`` selects every column.
    lead : int, default=1
        Offset of the first target row from the window's last row. ``1``
        forecasts the next step; ``0`` predicts a dependent column at the same
        step as the last input (the tutorial's "multiple input series").
    stream : bool, default=False
        Return ``X`` as :class:`SeriesWindows`: the sklstm estimators then
        stream the windows from the series (for series whose windows would
        not fit in memory) instead of materialising them.

    Returns
    -------
    X : ndarray or SeriesWindows of shape (n_windows, n_steps_in, n_features)
        Read-only zero-copy view on the selected columns (``SeriesWindows``
        over them with ``stream=True``).
    y : ndarray of shape (n_windows,) or (n_windows, n_steps_out * n_targets)
        Targets flattened step-major: column ``s * n_targets + t`` is step
        ``s`` of target ``t``; ``y.reshape(len(y), n_steps_out, n_targets)``
        restores the 3-D view. 1-D when there is one step of one target.

    Examples
    --------
    >>> from sklstm import make_windows
    >>> X, y = make_windows([10, 20, 30, 40, 50, 60], n_steps_in=3)
    >>> X.shape, y.tolist()
    ((3, 3, 1), [40.0, 50.0, 60.0])
    >>> X, y = make_windows([10, 20, 30, 40, 50, 60], 3, n_steps_out=2)
    >>> y.tolist()
    [[40.0, 50.0], [50.0, 60.0]]
    """
    n_steps_in = check_positive_int(n_steps_in, "n_steps_in")
    n_steps_out = check_positive_int(n_steps_out, "n_steps_out")
    if isinstance(lead, bool) or not isinstance(lead, numbers.Integral) or lead < 0:
        raise ValueError(f"lead must be a non-negative integer, got {lead!r}.")
    _check_time_index(data)
    values, columns = _as_2d_series(data)
    n_time, n_columns = values.shape
    feat = _select(features, columns, n_columns, "features")
    targ = _select(targets, columns, n_columns, "targets")
    needed = n_steps_in + lead - 1 + n_steps_out
    if n_time < needed:
        raise ValueError(
            f"data has {n_time} time steps, but n_steps_in={n_steps_in}, "
            f"n_steps_out={n_steps_out} and lead={lead} need at least {needed}."
        )
    n_windows = n_time - needed + 1
    inputs = _columns(values, feat)
    X = SeriesWindows(inputs[: n_windows + n_steps_in - 1], n_steps_in) if stream else _windows(inputs, n_steps_in)[:n_windows]
    offset = n_steps_in - 1 + lead
    y = _windows(_columns(values, targ), n_steps_out)[offset : offset + n_windows]
    y = y.reshape(n_windows, n_steps_out * len(targ))
    if y.shape[1] == 1:
        y = y[:, 0]
    return X, y


def _check_time_index(data: Any) -> None:
    """A dated Series or DataFrame must be in time order without repeats; uneven dates are warned about.

    Windows count rows, so rows out of order or repeated make windows that
    mix times silently. Uneven spacing (a missing month) is legitimate data
    but makes some windows span more time than others: a warning says where.
    """
    index = getattr(data, "index", None)
    if type(index).__name__ not in ("DatetimeIndex", "PeriodIndex") or len(index) < 2:
        return
    if index.has_duplicates:
        first = index[index.duplicated()][0]
        raise ValueError(f"data's time index repeats {first} (rows {np.flatnonzero(index == first).tolist()}): one row "
                         "per time step; aggregate the repeats first (for example data.groupby(level=0).mean()).")
    if not index.is_monotonic_increasing:
        row = int(np.flatnonzero(np.diff(index.asi8 if hasattr(index, "asi8") else np.arange(len(index))) < 0)[0]) + 1
        raise ValueError(f"data's time index is not in time order: {index[row]} (row {row}) comes after "
                         f"{index[row - 1]}. Sort it first: data.sort_index().")
    if type(index).__name__ == "PeriodIndex":
        steps = np.diff(index.asi8)
        gap = int(np.argmax(steps)) if steps.max() > 1 else None
    elif len(index) >= 3 and index.inferred_freq is None:
        steps = np.diff(index.asi8)
        gap = int(np.argmax(steps))
        if steps[gap] <= 1.5 * np.median(steps):  # calendar months and years vary a little: not a gap
            gap = None
    else:
        gap = None
    if gap is not None:
        warnings.warn(f"data's dates are unevenly spaced (a gap between {index[gap]} and {index[gap + 1]}): windows "
                      "count rows, not time. Fill the gaps (for example data.asfreq(...)) or pass the values "
                      "without dates.", UserWarning, stacklevel=3)


def _columns(values: np.ndarray, positions: list[int]) -> np.ndarray:
    """Select columns, as a view when they are one contiguous run."""
    start = positions[0]
    if positions == list(range(start, start + len(positions))):
        return values[:, start : start + len(positions)]
    return values[:, positions]


class WindowTransformer(TransformerMixin, BaseEstimator):
    """Turn a raw series into one flattened input window per time step.

    Row ``t`` of the output is the window of ``n_steps_in`` rows ending at row
    ``t`` of the input, flattened step-major (oldest step first). The last row
    is the most recent window: pass it to an estimator's ``predict`` to
    forecast beyond the data. The first ``n_steps_in - 1`` rows have no full
    window and are filled with ``fill_value``.

    Parameters
    ----------
    n_steps_in : int, default=3
        Number of time steps in each window.
    fill_value : float, default=nan
        Value for the positions of incomplete windows at the start.

    Attributes
    ----------
    n_features_in_ : int
        Number of series (columns) seen during fit.
    feature_names_in_ : ndarray of str
        Column names seen during fit, for DataFrame input.

    Examples
    --------
    >>> from sklstm import WindowTransformer
    >>> WindowTransformer(n_steps_in=3).fit_transform([[10], [20], [30], [40]])[-1]
    array([20., 30., 40.])
    """

    _parameter_constraints: dict = {
        "n_steps_in": [Interval(numbers.Integral, 1, None, closed="left")],
        "fill_value": [numbers.Real],
    }
    # A raw series is usually 1-D; accepting it is the point of this transformer.
    _expected_failed_checks = {
        "check_fit1d": "accepts a raw 1-D series (read as one column) by design",
        "check_fit2d_predict1d": "accepts a raw 1-D series (read as one column) by design",
    }

    def __init__(self, n_steps_in: int = 3, fill_value: float = np.nan):
        self.n_steps_in = n_steps_in
        self.fill_value = fill_value

    def fit(self, X: Any, y: Any = None) -> WindowTransformer:
        """Record the number (and names) of the input series.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_time, n_features)
            The series.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        validate_data(self, _as_column(X), dtype=np.float64)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Return ``(n_time, n_steps_in * n_features)`` windows, one per row of ``X``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_time, n_features)
            The series.

        Returns
        -------
        ndarray of shape (n_time, n_steps_in * n_features)
        """
        check_is_fitted(self)
        values = validate_data(self, _as_column(X), dtype=np.float64, reset=False)
        n_time, n_features = values.shape
        out = np.full((n_time, self.n_steps_in * n_features), self.fill_value, dtype=np.float64)
        if n_time >= self.n_steps_in:
            windows = _windows(values, self.n_steps_in)
            out[self.n_steps_in - 1 :] = windows.reshape(len(windows), -1)
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names ``<series>_lag<k>``, where lag 0 is the window's last step.

        Parameters
        ----------
        input_features : array-like of str, default=None
            The input series' names (default: those seen in ``fit``).

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self, "n_features_in_")
        if input_features is None:
            input_features = getattr(
                self, "feature_names_in_", [f"x{i}" for i in range(self.n_features_in_)]
            )
        return np.asarray(
            [
                f"{name}_lag{self.n_steps_in - 1 - step}"
                for step in range(self.n_steps_in)
                for name in input_features
            ],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


def _as_column(X: Any) -> Any:
    """Let a raw 1-D series through ``validate_data`` as one column."""
    if hasattr(X, "to_frame") and not hasattr(X, "columns"):
        return X.to_frame()
    if not hasattr(X, "columns"):
        arr = np.asarray(X)
        if arr.ndim == 1:
            return arr.reshape(-1, 1)
    return X
