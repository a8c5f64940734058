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

from .._training.memory import aligned_empty
from ..preprocessing._scaling import TargetScaler, _affine_stats, chunked_stats
from ..preprocessing._windows import SeriesWindows
from ._baseline import WindowRidge
from ._inputs import Encoding, Inputs, baseline_of, check_targets, feature_encoder, input_types, keep_ids_unscaled

__all__ = ["predict_streamed", "prepare_streamed"]

_CHUNK_ROWS = 2**16  # rows scaled at a time: float64 temporaries of a few MB
_CHUNK_WINDOWS = 2**14


def prepare_streamed(X: SeriesWindows, y: Any, sample_weight: Any, *, encoding: Encoding, n_steps_out: int,
                     fitted: dict | None, owner: str) -> Inputs:
    """What the network trains on for the windows of ``X.series``: the scaled series and the residual targets.

    With ``fitted`` (a warm refit or ``partial_fit``: the last fit's
    attributes), its scaling and baseline are kept and the windows must have
    the same shape.

    Parameters
    ----------
    X : SeriesWindows
        The windows of a long series (``make_windows(..., stream=True)``).
    y : array-like of shape (n_windows,) or (n_windows, n_outputs)
    sample_weight : None
        Not supported when streaming (an error otherwise).
    encoding : Encoding
    n_steps_out : int
    fitted : dict or None
    owner : str
        The class name the messages use.

    Returns
    -------
    Inputs
        ``features`` and ``residuals`` are TensorFlow tensors; ``stream``
        tells the training loop how to gather the windows.
    """
    from sklearn.utils import check_array

    n, steps, n_series = X.shape
    series = X.series
    if not all(np.isfinite(series[i : i + _CHUNK_ROWS]).all() for i in range(0, len(series), _CHUNK_ROWS)):
        raise ValueError("Input X contains NaN or infinity.")
    if y is None:
        raise ValueError(f"{owner} requires y to be passed, but the target y is None.")
    if sample_weight is not None:
        raise ValueError("sample_weight is not supported for windows streamed from a long series.")
    y = check_array(y, ensure_2d=False, dtype=[np.float64, np.float32], input_name="y")  # no float64 copy
    if len(y) != n:
        raise ValueError(f"X has {n} windows but y has {len(y)} rows.")
    if fitted is not None and (steps, n_series) != (fitted["n_steps_in_"], fitted["n_series_in_"]):
        raise ValueError(
            f"X has windows of {steps} steps x {n_series} series, but {owner} was fitted on "
            f"{fitted['n_steps_in_']} x {fitted['n_series_in_']}."
        )
    y2 = check_targets(y, n_steps_out, None if fitted is None else n_steps_out * fitted["n_targets_"], owner, dtype=None)
    state = input_types(X.shape, X.dtype, y)
    if fitted is None:
        state.update(n_features_in_=steps, n_steps_in_=steps, n_series_in_=n_series, y_ndim_=y.ndim,
                     n_targets_=y2.shape[1] // n_steps_out, column_layout_=None)
        state.update(_fit_streamed_encoders(X, y2, encoding, state["n_targets_"]))
    else:
        state.update({k: fitted[k] for k in ("feature_encoder_", "target_encoder_", "baseline_")})
    scaled = _scaled_series(series, state["feature_encoder_"])
    windows = SeriesWindows(scaled, steps, X.segments, X.level)
    targets = _Scaled(y2, state["target_encoder_"])
    if fitted is None:
        state["baseline_"] = (WindowRidge(exclude_last=encoding.id_embedding is not None).fit(windows, targets)
                              if encoding.linear_baseline else None)
    ye = aligned_empty(y2.shape)  # scaled residual targets, filled chunk by chunk
    for i in range(0, n, _CHUNK_WINDOWS):
        ye[i : i + _CHUNK_WINDOWS] = targets[i : i + _CHUNK_WINDOWS] - baseline_of(state["baseline_"],
                                                                                   windows[i : i + _CHUNK_WINDOWS])
    del windows, targets
    reshaper = state["feature_encoder_"].named_steps["reshape"]
    state["input_shape_"] = tuple(reshaper._from_sequences(np.zeros((1, steps, n_series))).shape[1:])
    from .._training.training import as_tensor

    source, residuals = as_tensor(scaled), as_tensor(ye)  # shared with TensorFlow (aligned float32): no copies
    stream = {"window_steps": steps, "window_segments": X.segments, "window_level": X.level}
    return Inputs(source, residuals, None, stream, state)


def _fit_streamed_encoders(X: SeriesWindows, y2: np.ndarray, encoding: Encoding, n_targets: int) -> dict:
    """Feature scaling from the series (every window's rows), target scaling from ``y2``.

    Windows relative to their level are scaled from their own values, chunk
    by chunk, and not shifted (they are centred on their level already), so
    that the loop can take the level of the scaled rows.
    """
    encoder = feature_encoder(encoding).fit(np.asarray(X[:2]))
    scaler = encoder.named_steps["scale"]
    if scaler == "passthrough":
        pass
    elif X.level is None:
        scaler.offset_, scaler.scale_ = _affine_stats(X.series, encoding.scaling)
    else:
        chunks = lambda: (X[i : i + _CHUNK_WINDOWS].reshape(-1, X.shape[2]) for i in range(0, len(X), _CHUNK_WINDOWS))  # noqa: E731
        offset, scaler.scale_ = chunked_stats(chunks, encoding.scaling)
        scaler.offset_ = np.zeros_like(offset)
    keep_ids_unscaled(scaler, encoding)
    return {"feature_encoder_": encoder, "target_encoder_": TargetScaler(encoding.scaling, n_targets).fit(y2)}


def _scaled_series(series: np.ndarray, encoder: Any) -> np.ndarray:
    """The series scaled as the windows are (float32), chunk by chunk."""
    scaler = encoder.named_steps["scale"]
    offset, scale = (0.0, 1.0) if scaler == "passthrough" else (scaler.offset_, scaler.scale_)
    scaled = aligned_empty(series.shape)
    for i in range(0, len(series), _CHUNK_ROWS):
        scaled[i : i + _CHUNK_ROWS] = (series[i : i + _CHUNK_ROWS] - offset) / scale
    return scaled


def predict_streamed(predict: Any, X: SeriesWindows, batch: int) -> np.ndarray:
    """``predict`` (an estimator's) over the windows of ``X.series``, one chunk of windows at a time."""
    chunks = (X[i : i + _CHUNK_WINDOWS] for i in range(0, len(X), _CHUNK_WINDOWS))  # copies of one chunk each
    return np.concatenate([predict(np.ascontiguousarray(chunk), batch_size=batch) for chunk in chunks])


class _Scaled:
    """``encoder.transform(y)``, computed a chunk at a time: the whole scaled copy is never held."""

    def __init__(self, y: np.ndarray, encoder: Any):
        self.y, self.encoder = y, encoder

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, rows: slice) -> np.ndarray:
        return self.encoder.transform(self.y[rows])
