"""Lag features for forecasting: series transforms, the feature frame and forecasts from many origins.

numpy only. A forecaster turns a raw series into a *frame*: one row per time
step holding the transformed targets, the past-only covariates of that step
and the future-known covariates of the step ``lead`` ahead. Windows of
``n_steps_in`` consecutive rows are the model's input, so a future-known
covariate of the step being forecast sits in the window's last row (recursive
strategy, ``lead=1``), or the covariates of every step of the horizon sit in
its last ``horizon`` rows (direct strategy, ``lead=horizon``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

__all__ = ["TRANSFORMS", "SeriesTransform", "LagLayout", "build_frame", "training_windows", "forecast_paths"]

TRANSFORMS = ("none", "log", "diff", "log-diff")


@dataclasses.dataclass(frozen=True)
class SeriesTransform:
    """A transform of the target columns: ``log`` and/or first differences.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.forecasting._lags import SeriesTransform
    >>> t = SeriesTransform("log-diff")
    >>> z = t.forward(np.array([[1.0], [2.0], [4.0]]))
    >>> z.ravel().round(3).tolist()
    [0.693, 0.693]
    >>> t.inverse(z[np.newaxis], np.array([[1.0]])).ravel().tolist()
    [2.0, 4.0]
    """

    name: str = "none"

    def __post_init__(self):
        if self.name not in TRANSFORMS:
            raise ValueError(f"transform must be one of {TRANSFORMS}, got {self.name!r}.")

    @property
    def log(self) -> bool:
        return self.name.startswith("log")

    @property
    def diff(self) -> int:
        """Time steps lost at the start (1 when differencing)."""
        return int(self.name.endswith("diff"))

    def forward(self, y: np.ndarray) -> np.ndarray:
        """``(n, k)`` raw values to ``(n - diff, k)`` transformed values."""
        z = np.log(y) if self.log else np.asarray(y, dtype=np.float64)
        return np.diff(z, axis=0) if self.diff else z

    def inverse(self, z: np.ndarray, y_last: np.ndarray) -> np.ndarray:
        """Transformed paths ``(b, h, k)`` back to raw values, given the raw value before each path ``(b, k)``."""
        if self.diff:
            base = np.log(y_last) if self.log else y_last
            z = base[:, np.newaxis, :] + np.cumsum(z, axis=1)
        if not self.log:
            return z
        with np.errstate(over="ignore"):
            return np.exp(z)


@dataclasses.dataclass(frozen=True)
class LagLayout:
    """Shape bookkeeping of a lag model: window length, strategy and column groups."""

    n_steps_in: int
    horizon: int
    recursive: bool
    n_targets: int
    n_past: int = 0
    n_future: int = 0

    @property
    def lead(self) -> int:
        """How far ahead the future-known covariates of a row are."""
        return 1 if self.recursive else self.horizon

    @property
    def steps_out(self) -> int:
        return 1 if self.recursive else self.horizon

    @property
    def n_outputs(self) -> int:
        """Model outputs: targets and past covariates (recursive), or ``horizon`` steps of targets (direct)."""
        return self.n_targets + self.n_past if self.recursive else self.horizon * self.n_targets

    @property
    def n_columns(self) -> int:
        return self.n_targets + self.n_past + self.n_future


def build_frame(
    z: np.ndarray, past: np.ndarray | None, future: np.ndarray | None, layout: LagLayout, lost: int, n_rows: int
) -> np.ndarray:
    """The ``(n_rows, n_columns)`` frame; row ``r`` describes time ``r + lost``.

    ``z`` holds the transformed targets of times ``lost, lost + 1, ...``; ``past``
    and ``future`` are indexed by time from 0 (``future`` may run past the
    targets when future values are known). Unknown cells are NaN.
    """
    frame = np.full((n_rows, layout.n_columns), np.nan)
    k, p = layout.n_targets, layout.n_past
    m = min(len(z), n_rows)
    frame[:m, :k] = z[:m]
    if p:
        rows = min(len(past) - lost, n_rows)
        frame[:rows, k : k + p] = past[lost : lost + rows]
    if layout.n_future:
        start = lost + layout.lead
        rows = max(0, min(len(future) - start, n_rows))
        frame[:rows, k + p :] = future[start : start + rows]
    return frame


def training_windows(frame: np.ndarray, layout: LagLayout, first: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows ``(n, n_steps_in, n_columns)`` and targets ``(n, n_outputs)`` whose targets start in ``[first, stop)``.

    For the direct strategy every target row of a window must lie before ``stop``.
    """
    L, k = layout.n_steps_in, layout.n_targets
    first = max(first, L)
    last = stop - layout.steps_out  # last start row whose targets all lie before stop
    starts = np.arange(first, last + 1)
    if not len(starts):
        return np.empty((0, L, layout.n_columns)), np.empty((0, layout.n_outputs))
    X = frame[starts[:, np.newaxis] + np.arange(-L, 0)]
    if layout.recursive:
        y = frame[starts, : k + layout.n_past]
    else:
        y = frame[starts[:, np.newaxis] + np.arange(layout.horizon), :k].reshape(len(starts), -1)
    return X, y


def forecast_paths(
    frame: np.ndarray, starts: np.ndarray, horizon: int, layout: LagLayout, predict: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Forecast ``horizon`` target rows from each start row at once: ``(len(starts), horizon, n_targets)``.

    ``predict`` maps windows ``(b, n_steps_in, n_columns)`` to outputs
    ``(b, n_outputs)``. The recursive strategy feeds each step's targets (and
    past covariates) back and takes the future-known covariates from the frame.
    """
    L, k = layout.n_steps_in, layout.n_targets
    starts = np.asarray(starts, dtype=int)
    windows = frame[starts[:, np.newaxis] + np.arange(-L, 0)]
    if not layout.recursive:
        return predict(windows).reshape(len(starts), layout.horizon, k)[:, :horizon]
    fed = k + layout.n_past
    out = np.empty((len(starts), horizon, k))
    for step in range(horizon):
        pred = predict(windows)
        out[:, step] = pred[:, :k]
        if step + 1 < horizon:
            row = frame[starts + step].copy()
            row[:, :fed] = pred
            windows = np.concatenate([windows[:, 1:], row[:, np.newaxis]], axis=1)
    return out
