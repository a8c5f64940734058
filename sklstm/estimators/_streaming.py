"""The streaming path: windows of a long series gathered inside the training loop, never materialised.

An estimator streams when ``X`` is a :class:`~sklstm.preprocessing._windows.SeriesWindows`
(what ``make_windows(..., stream=True)`` returns), and only then: a fit, a
warm refit and ``partial_fit`` alike. It scales the series once (one float32
copy), fits the linear baseline chunk by chunk (:class:`~sklstm.estimators._baseline.WindowRidge`,
as the dense path does) and gives the compiled loop the series and the window
length; ``predict`` works chunk by chunk. The loop shuffles streamed windows
with a seeded permutation computed batch by batch (no index array of every
window) and holds the residual targets as its own float32 tensor. A panel's
series stream the same way, end to end (``SeriesWindows`` segments and level).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..preprocessing._scaling import TargetScaler, _affine_stats, nonzero_scale
from ..preprocessing._windows import SeriesWindows
from ._baseline import WindowRidge

__all__ = ["StreamingMixin"]

_CHUNK_ROWS = 2**16  # rows scaled at a time: float64 temporaries of a few MB
_CHUNK_WINDOWS = 2**14
_ALIGN = 64  # bytes: TensorFlow copies a misaligned array twice when it makes a tensor of it, an aligned one once


class StreamingMixin:
    """``_fit_streaming`` and ``_predict_streaming`` for :class:`~sklstm.estimators._base.LSTMRegressorBase`."""

    def _fit_streaming(self, X: SeriesWindows, y: Any, sample_weight: Any, *, settings: dict, warm: bool) -> Any:
        """Fit on the windows of ``X.series``; with ``warm``, keep the scaling and the baseline of the last fit."""
        from sklearn.utils import check_array

        n, steps, n_series = X.shape
        series = X.series
        if not all(np.isfinite(series[i : i + _CHUNK_ROWS]).all() for i in range(0, len(series), _CHUNK_ROWS)):
            raise ValueError("Input X contains NaN or infinity.")
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        if sample_weight is not None:
            raise ValueError("sample_weight is not supported for windows streamed from a long series.")
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        self._record_input_types(X.shape, X.dtype, y)
        if len(y) != n:
            raise ValueError(f"X has {n} windows but y has {len(y)} rows.")
        if warm and (steps, n_series) != (self.n_steps_in_, self.n_series_in_):
            raise ValueError(
                f"X has windows of {steps} steps x {n_series} series, but {type(self).__name__} was fitted on "
                f"{self.n_steps_in_} x {self.n_series_in_}."
            )
        if not warm:
            self.n_features_in_, self.n_steps_in_, self.n_series_in_ = steps, steps, n_series
        y2 = self._check_targets(y, reset=not warm)
        if not warm:
            self._fit_streamed_encoders(X, y2)
        scaled = self._scaled_series(series)
        windows = SeriesWindows(scaled, steps, X.segments, X.level)
        targets = _Scaled(y2, self.target_encoder_)
        if not warm:
            self.baseline_ = WindowRidge().fit(windows, targets) if self.linear_baseline else None
        ye = _aligned_empty(y2.shape)  # scaled residual targets, filled chunk by chunk
        for i in range(0, n, _CHUNK_WINDOWS):
            ye[i : i + _CHUNK_WINDOWS] = targets[i : i + _CHUNK_WINDOWS] - self._baseline(windows[i : i + _CHUNK_WINDOWS])
        del windows, targets
        reshaper = self.feature_encoder_.named_steps["reshape"]
        self.input_shape_ = tuple(reshaper._from_sequences(np.zeros((1, steps, n_series))).shape[1:])
        from .._tf import tf

        source = tf.convert_to_tensor(scaled)  # the training loop's copies; the numpy ones go now
        del scaled
        residuals = tf.convert_to_tensor(ye)
        del ye
        stream = {"window_steps": steps, "window_segments": X.segments, "window_level": X.level}
        self._train(source, residuals, None, settings=settings, warm=warm, stream=stream)
        self.streamed_ = True
        return self

    def _fit_streamed_encoders(self, X: SeriesWindows, y2: np.ndarray) -> None:
        """Feature scaling from the series (every window's rows), target scaling from ``y2``.

        Windows relative to their level are scaled from their own values, chunk
        by chunk, and not shifted (they are centred on their level already), so
        that the loop can take the level of the scaled rows.
        """
        self.feature_encoder_ = self._make_feature_encoder().fit(np.asarray(X[:2]))
        scaler = self.feature_encoder_.named_steps["scale"]
        if scaler == "passthrough":
            pass
        elif X.level is None:
            scaler.offset_, scaler.scale_ = _affine_stats(X.series, self.scaling)
        else:
            chunks = (X[i : i + _CHUNK_WINDOWS].reshape(-1, X.shape[2]) for i in range(0, len(X), _CHUNK_WINDOWS))
            offset, scaler.scale_ = _chunked_stats(chunks, self.scaling)
            scaler.offset_ = np.zeros_like(offset)
        self.target_encoder_ = TargetScaler(self.scaling, self.n_targets_).fit(y2)

    def _scaled_series(self, series: np.ndarray) -> np.ndarray:
        """The series scaled as the windows are (float32), chunk by chunk."""
        scaler = self.feature_encoder_.named_steps["scale"]
        offset, scale = (0.0, 1.0) if scaler == "passthrough" else (scaler.offset_, scaler.scale_)
        scaled = _aligned_empty(series.shape)
        for i in range(0, len(series), _CHUNK_ROWS):
            scaled[i : i + _CHUNK_ROWS] = (series[i : i + _CHUNK_ROWS] - offset) / scale
        return scaled

    def _predict_streaming(self, X: SeriesWindows, batch: int) -> np.ndarray:
        """Predictions for the windows of ``X.series``, one chunk of windows at a time."""
        chunks = (X[i : i + _CHUNK_WINDOWS] for i in range(0, len(X), _CHUNK_WINDOWS))  # copies of one chunk each
        return np.concatenate([self.predict(np.ascontiguousarray(chunk), batch_size=batch) for chunk in chunks])


def _chunked_stats(chunks: Any, method: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`~sklstm.preprocessing._scaling._affine_stats` over the rows of several chunks together."""
    count, low, high, total, squares = 0, np.inf, -np.inf, 0.0, 0.0
    for chunk in chunks:
        chunk = np.asarray(chunk, dtype=np.float64)
        count += len(chunk)
        low, high = np.minimum(low, chunk.min(axis=0)), np.maximum(high, chunk.max(axis=0))
        total, squares = total + chunk.sum(axis=0), squares + np.square(chunk).sum(axis=0)
    if method == "standard":
        offset = total / count
        scale = np.sqrt(np.maximum(squares / count - offset**2, 0.0))
    else:  # minmax
        offset, scale = low, high - low
    return offset, nonzero_scale(offset, scale)


def _aligned_empty(shape: tuple) -> np.ndarray:
    """An uninitialised float32 array whose data starts on a ``_ALIGN``-byte boundary."""
    size = int(np.prod(shape)) * 4
    buffer = np.empty(size + _ALIGN, dtype=np.uint8)
    start = -buffer.ctypes.data % _ALIGN
    return buffer[start : start + size].view(np.float32).reshape(shape)


class _Scaled:
    """``encoder.transform(y)``, computed a chunk at a time: the whole scaled copy is never held."""

    def __init__(self, y: np.ndarray, encoder: Any):
        self.y, self.encoder = y, encoder

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, rows: slice) -> np.ndarray:
        return self.encoder.transform(self.y[rows])
