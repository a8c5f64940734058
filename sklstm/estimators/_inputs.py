"""Checking an estimator's windows and targets, and preparing what its network trains on.

Windows are 2-D ``(samples, steps)`` or 3-D ``(samples, steps, series)``
arrays. 2-D windows are one series, oldest step first, unless their columns
are named by lag (a DataFrame from ``WindowTransformer``, or skforecast's
``lag_1, lag_2, ...``): then :class:`~sklstm.preprocessing._reshaping.ColumnLayout`
puts each step and series in place; targets are ``(samples, n_steps_out *
n_targets)``. :func:`prepare_dense` fits the feature encoder (per-series
scaling, :class:`~sklstm.preprocessing._scaling.WindowScaler`, then the
architecture's reshaping), the target scaler and the linear baseline, and
returns the encoded windows with the scaled residual targets as an
:class:`Inputs`; :func:`~sklstm.estimators._streaming.prepare_streamed` does
the same for windows streamed from a long series.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from .._training.memory import aligned_empty
from ..preprocessing._reshaping import ColumnLayout, to_sequences
from ..preprocessing._scaling import TargetScaler, WindowScaler, row_chunks
from ._baseline import WindowRidge

__all__ = ["Encoding", "Inputs", "baseline_of", "check_finite", "check_ids", "check_not_text", "check_targets", "check_windows",
           "encode_windows", "fit_feature_encoder", "input_types", "keep_ids_unscaled", "prepare_dense", "stream_when_too_large"]


@dataclasses.dataclass(frozen=True)
class Encoding:
    """How windows and targets are encoded: the estimator's settings that :func:`prepare_dense` needs."""

    scaling: str | None
    reshaper: Any  # an unfitted reshaper for the architecture
    linear_baseline: bool
    id_embedding: Any = None  # (n_ids, dim): the last feature is an id, neither scaled nor in the baseline


@dataclasses.dataclass
class Inputs:
    """What the network trains on, and the fitted state that produced it.

    ``features`` are the encoded windows (float32), or the scaled series when
    ``stream`` says how to gather the windows inside the training loop;
    ``residuals`` the scaled targets minus the baseline. ``fitted`` holds the
    estimator's fitted attributes this step sets (encoders, baseline, shapes).
    """

    features: Any
    residuals: Any
    sample_weight: Any
    stream: dict | None
    fitted: dict


def check_not_text(X: Any, name: str = "X") -> None:
    """Refuse text where numbers are expected, even text that reads as numbers (``"1.5"``).

    numpy casts an array of numeric strings to floats without a word; a column
    of text is almost always a parsing mistake upstream (a CSV read without
    its decimal mark, a header row among the values), so it is named here.
    """
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # a pandas DataFrame: its object columns
        dtypes = list(X.dtypes)
        objects = [c for c, d in zip(X.columns, dtypes, strict=True) if d.kind == "O"]
        sample = np.concatenate([np.asarray(X[c]).ravel()[:1000] for c in objects]) if objects else ()
    elif isinstance(X, np.ndarray) or hasattr(X, "iloc") or isinstance(X, (list, tuple)):  # arrays, Series, lists
        array = np.asarray(X)
        dtypes = [array.dtype]
        sample = array.ravel()[:1000] if array.dtype.kind == "O" else ()
    else:  # other containers (polars, ...): scikit-learn's conversion names their problems
        return
    text = next((v for v in sample if isinstance(v, (str, bytes))), None)
    if any(d.kind in "US" for d in dtypes) or text is not None:
        example = text if text is not None else np.asarray(X).ravel()[0] if np.asarray(X).size else ""
        raise ValueError(f"{name} holds text ({str(example)!r}), not numbers: convert it first, for example "
                         f"{name}.astype(float) (a CSV read with its decimal mark and without header rows).")


def check_finite(array: np.ndarray, name: str = "X") -> None:
    """Refuse NaN and infinity, even under scikit-learn's ``assume_finite=True`` (which skips its own check).

    A NaN reaches the ridge baseline's solver as a ``LinAlgError`` or the
    network as a NaN loss; one sum (no copy, even of strided windows) finds
    that there is one, and a chunked search says where.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(array, dtype=np.float64)):
            return
    rows = max(1, _CHUNK_ELEMENTS // max(1, array[:1].size))
    for start in range(0, len(array), rows):
        bad = ~np.isfinite(array[start : start + rows])
        if bad.any():
            position = tuple(int(i) for i in np.argwhere(bad)[0])
            position = (position[0] + start, *position[1:])
            raise ValueError(f"{name} contains NaN or infinity: {float(array[position])!r} at index {position}. "
                             "Fill or drop missing values before fitting.")


_CHUNK_ELEMENTS = 1 << 22

#: Dense windows may take at most this share of the memory available when the fit starts; beyond it, windows
#: that are a view of one series (what ``make_windows`` returns) are fitted streamed.
DENSE_MEMORY_SHARE = 0.5


def stream_when_too_large(X: Any, available: int | None = None) -> Any:
    """``X``, or its streamed form when its float32 windows would take more than :data:`DENSE_MEMORY_SHARE` of
    the available memory and it is a view of one series' windows (which :class:`SeriesWindows` can stream).

    A dense fit holds the float32 windows about once more (1.13 times, ``benchmarks/bench_dense_memory.py``);
    the 2.5-million-row series of the scale benchmark would need 14.5 GB dense, 0.1 GB streamed. Windows
    that are not such a view (copied, reordered) are fitted dense, or refused with a MemoryError that names
    ``stream=True`` when even one float32 copy would not fit.
    """
    from .._training.memory import available_memory
    from ..preprocessing._windows import SeriesWindows

    if not isinstance(X, np.ndarray) or X.ndim != 3:
        return X
    available = available_memory() if available is None else available
    if available is None or 4 * X.size <= DENSE_MEMORY_SHARE * available:
        return X
    streamed = SeriesWindows.of_view(X)
    if streamed is None and 4 * X.size > available:
        raise MemoryError(
            f"X holds {X.size:,} values; a dense fit adds a float32 copy of {4 * X.size / 2**30:.3g} GiB, more than "
            f"the {available / 2**30:.3g} GiB available. Build the windows with make_windows(..., stream=True): "
            "the estimators then stream them from the series."
        )
    return X if streamed is None else streamed


def check_ids(features: np.ndarray, id_embedding: Any, owner: str) -> None:
    """With ``id_embedding=(n_ids, dim)``, the last feature of ``features`` (windows or a series, features on
    the last axis) must hold integer ids ``0 .. n_ids - 1`` and follow at least one other feature.

    Parameters
    ----------
    features : ndarray of shape (..., n_features)
    id_embedding : tuple of (int, int) or None
        The estimator's parameter (None: nothing to check).
    owner : str
        The class name the messages use.
    """
    if id_embedding is None:
        return
    shape_ok = isinstance(id_embedding, (tuple, list)) and len(id_embedding) == 2
    if not shape_ok or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1
                               for v in id_embedding):
        raise ValueError(f"{owner}: id_embedding must be (n_ids, dim), two positive integers; got {id_embedding!r}.")
    n_ids = int(id_embedding[0])
    if features.shape[-1] < 2:
        raise ValueError(f"{owner}: id_embedding reads the last feature of each step as an id, so X needs at least one "
                         f"more feature per step; it has {features.shape[-1]}.")
    ids = features[..., -1]
    bad = (ids < 0) | (ids >= n_ids) | (ids != np.round(ids))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{owner}: id_embedding={tuple(id_embedding)!r} reads the last feature of each step as an "
                         f"id, an integer from 0 to {n_ids - 1}; X has {float(ids[where])!r} there (index {where}).")


def keep_ids_unscaled(scaler: Any, encoding: Encoding) -> None:
    """With an id embedding, a fitted scaler leaves the last feature (the ids) as it is: offset 0, scale 1."""
    if encoding.id_embedding is not None and scaler != "passthrough":
        scaler.offset_ = np.append(scaler.offset_[:-1], 0.0)
        scaler.scale_ = np.append(scaler.scale_[:-1], 1.0)


def check_windows(X: np.ndarray, *, lag_order: str, layout: ColumnLayout | None) -> np.ndarray:
    """Windows as 3-D sequences ``(samples, steps, series)``, oldest step first.

    Parameters
    ----------
    X : ndarray
        Validated windows, 2-D or 3-D.
    lag_order : {"oldest_first", "newest_first"}
        The order of the steps in plain windows.
    layout : ColumnLayout or None
        Where each column of 2-D lag-named windows belongs.

    Returns
    -------
    ndarray of shape (n_samples, n_steps, n_series)
    """
    if X.ndim not in (2, 3):
        raise ValueError(
            f"X must be 2-D windows (samples, steps) or 3-D windows (samples, steps, features); got an array of "
            f"shape {X.shape}."
        )
    if X.ndim == 3 and 0 in X.shape[1:]:
        raise ValueError(f"X has windows of {X.shape[1]} steps and {X.shape[2]} features per step, shape {X.shape}: "
                         "each window needs at least one step and one feature.")
    if layout is not None and X.ndim == 2:
        return layout.to_sequences(X)
    seq = to_sequences(X)
    return seq[:, ::-1] if lag_order == "newest_first" else seq


def check_targets(y: np.ndarray, n_steps_out: int, fitted_outputs: int | None, owner: str,
                  dtype: Any = np.float64) -> np.ndarray:
    """``y`` as 2-D float64 ``(samples, n_steps_out * n_targets)``, checked against ``n_steps_out`` and the fit.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
    n_steps_out : int
    fitted_outputs : int or None
        The columns of the ``y`` the estimator was fitted on (None for a new fit).
    owner : str
        The class name the messages use.
    dtype : dtype or None, default=np.float64
        The result's dtype; None keeps ``y``'s (a long streamed ``y`` of float32 is not copied).

    Returns
    -------
    ndarray of shape (n_samples, n_outputs)
    """
    n_outputs = 1 if y.ndim == 1 else y.shape[1]
    if fitted_outputs is not None and n_outputs != fitted_outputs:
        raise ValueError(f"y has {n_outputs} columns, but {owner} was fitted with {fitted_outputs}.")
    if n_outputs % n_steps_out:
        raise ValueError(
            f"y has {n_outputs} columns, which is not n_steps_out={n_steps_out} steps of whole targets; y's columns "
            "must be n_steps_out * n_targets."
        )
    return np.asarray(y, dtype=dtype).reshape(len(y), n_outputs)


def input_types(X_shape: tuple, X_dtype: Any, y: np.ndarray) -> dict[str, Any]:
    """scikeras' fitted attributes that describe the (validated) training data.

    sklstm's targets are continuous: no scan of ``y`` (which may be a long
    series) to call them so.
    """
    return {
        "X_shape_": tuple(X_shape),
        "X_dtype_": np.dtype(X_dtype),
        "y_dtype_": y.dtype,
        "target_type_": "continuous-multioutput" if y.ndim == 2 and y.shape[1] > 1 else "continuous",
        "n_outputs_expected_": 1,  # the network has one output tensor
    }


def feature_encoder(encoding: Encoding) -> Pipeline:
    """The unfitted feature encoder: per-series scaling (or none), then the architecture's reshaping."""
    scaler = "passthrough" if encoding.scaling is None else WindowScaler(method=encoding.scaling)
    return Pipeline([("scale", scaler), ("reshape", encoding.reshaper)])


def fit_feature_encoder(encoding: Encoding, seq: np.ndarray) -> Pipeline:
    """The feature encoder fitted on windows ``seq``: the scaler on all of them (chunk by chunk, no copy), the
    reshaper on the layout of one (it learns only the shape)."""
    encoder = feature_encoder(encoding)
    scaler, reshaper = (step for _, step in encoder.steps)
    first = seq[:1]
    if scaler != "passthrough":
        scaler.fit(seq)
        keep_ids_unscaled(scaler, encoding)
        first = scaler.transform(first)
    reshaper.fit(first)
    return encoder


def encode_windows(encoder: Pipeline, seq: np.ndarray) -> np.ndarray:
    """``encoder.transform(seq)`` as one aligned float32 array, written chunk by chunk.

    The result is the only full copy of the windows a dense fit makes: the
    engine hands it to TensorFlow without another
    (:func:`sklstm._training.memory.aligned_empty`).
    """
    first = np.asarray(encoder.transform(seq[:1]), dtype=np.float32)
    out = aligned_empty((len(seq), *first.shape[1:]), np.float32)
    for rows in row_chunks(seq):  # the chunks the scaler works in: a reshape keeps the values per window
        out[rows] = encoder.transform(seq[rows])
    return out


def baseline_of(baseline: WindowRidge | None, Xe: Any) -> Any:
    """The linear baseline's scaled prediction for encoded windows ``Xe`` (0 without a baseline)."""
    return 0.0 if baseline is None else baseline.predict(Xe)


def prepare_dense(seq: np.ndarray, y2: np.ndarray, sample_weight: Any, *, encoding: Encoding, n_targets: int,
                  fitted: dict | None) -> Inputs:
    """Encode windows ``seq`` and targets ``y2``; fit the encoders and the baseline unless ``fitted`` has them.

    Parameters
    ----------
    seq : ndarray of shape (n_samples, n_steps, n_series)
    y2 : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray or None
        Validated per-sample weights.
    encoding : Encoding
    n_targets : int
    fitted : dict or None
        The ``feature_encoder_``, ``target_encoder_`` and ``baseline_`` of the
        last fit, to reuse (a warm refit or ``partial_fit``); None to fit them.

    Returns
    -------
    Inputs
    """
    if fitted is None:
        fitted = {"feature_encoder_": fit_feature_encoder(encoding, seq),
                  "target_encoder_": TargetScaler(encoding.scaling, n_targets).fit(y2)}
    Xe = encode_windows(fitted["feature_encoder_"], seq)
    ye = fitted["target_encoder_"].transform(y2)
    if "baseline_" not in fitted:
        fitted["baseline_"] = (WindowRidge(exclude_last=encoding.id_embedding is not None).fit(Xe, ye, sample_weight)
                               if encoding.linear_baseline else None)
    fitted["input_shape_"] = tuple(Xe.shape[1:])
    residuals = np.asarray(ye - baseline_of(fitted["baseline_"], Xe), dtype=np.float32)
    return Inputs(Xe, residuals, sample_weight, None, fitted)
