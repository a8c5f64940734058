"""Per-feature affine scaling of windows and of multi-step targets.

scikit-learn's ``StandardScaler`` refuses 3-D input. :class:`WindowScaler`
scales each feature (the last axis) of ``(samples, steps, features)``
windows with one mean and spread across every sample and step, so that the
same value means the same thing at every step. The estimators use the same
class internally (and :class:`TargetScaler` for ``y``) so that raw, unscaled
numbers of any magnitude train well. numpy and scikit-learn only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import StrOptions

__all__ = ["WindowScaler", "TargetScaler"]


_CHUNK_VALUES = 2**21  # values per chunk: 16 MB of float64 temporaries, however long the windows


def _affine_stats(values: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Offset and scale per column of a 2-D array; constant columns get scale 1."""
    if method == "standard":
        offset = values.mean(axis=0)
        scale = values.std(axis=0)
    else:  # minmax onto [0, 1]
        offset = values.min(axis=0)
        scale = values.max(axis=0) - offset
    return offset, nonzero_scale(offset, scale)


def row_chunks(X: np.ndarray) -> list[slice]:
    """Slices of ``X``'s first axis holding about ``_CHUNK_VALUES`` values each."""
    rows = max(1, _CHUNK_VALUES // max(1, int(np.prod(X.shape[1:]))))
    return [slice(i, min(i + rows, len(X))) for i in range(0, len(X), rows)]


def chunked_stats(chunks: Callable[[], Iterable[np.ndarray]], method: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_affine_stats` over the rows of 2-D chunks together, in float64, without holding them all.

    ``chunks`` makes a fresh iterable of the chunks for each pass: the
    standard deviation takes two (the mean, then the squared deviations from
    it), as numpy computes it.
    """
    as64 = lambda: (np.asarray(chunk, dtype=np.float64) for chunk in chunks())  # noqa: E731
    if method == "minmax":
        parts = [(chunk.min(axis=0), chunk.max(axis=0)) for chunk in as64()]
        low, high = np.min([p[0] for p in parts], axis=0), np.max([p[1] for p in parts], axis=0)
        return low, nonzero_scale(low, high - low)
    sums = [(len(chunk), chunk.sum(axis=0)) for chunk in as64()]
    count = sum(n for n, _ in sums)
    mean = np.sum([total for _, total in sums], axis=0) / count
    spread = np.sqrt(np.sum([((chunk - mean) ** 2).sum(axis=0) for chunk in as64()], axis=0) / count)
    return mean, nonzero_scale(mean, spread)


def nonzero_scale(offset: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``scale`` with 1 where it is negligible next to ``offset`` (a constant column)."""
    return np.where(scale > 1e-12 * np.maximum(1.0, np.abs(offset)), scale, 1.0)


class WindowScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each feature of 3-D windows with statistics shared across steps.

    A 2-D input is read as univariate windows ``(samples, steps)`` and scaled
    with one offset and scale for all its values. Only 2-D windows have
    feature names, so only they follow ``set_output(transform="pandas")`` (or
    the global ``transform_output`` setting); 3-D windows stay arrays.

    Parameters
    ----------
    method : {"standard", "minmax"}, default="standard"
        ``"standard"`` subtracts the mean and divides by the standard
        deviation; ``"minmax"`` maps the training range onto ``[0, 1]``
        (values outside the range extrapolate linearly).

    Attributes
    ----------
    offset_ : ndarray of shape (n_series,)
        Mean (or minimum) of each series.
    scale_ : ndarray of shape (n_series,)
        Standard deviation (or range) of each series; 1 where constant.
    n_features_in_ : int
        ``X.shape[1]`` seen during fit (the steps, for windows).
    n_dims_in_ : int
        2 or 3: the dimensions of the windows seen during fit.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import WindowScaler
    >>> X = np.array([[[10.0], [20.0], [30.0]], [[20.0], [30.0], [40.0]]])
    >>> WindowScaler(method="minmax").fit_transform(X)[:, :, 0]
    array([[0.        , 0.33333333, 0.66666667],
           [0.33333333, 0.66666667, 1.        ]])
    """

    _parameter_constraints: dict = {"method": [StrOptions({"standard", "minmax"})]}

    def __init__(self, method: str = "standard"):
        self.method = method

    def fit(self, X: Any, y: Any = None) -> WindowScaler:
        """Compute each series' offset and scale across samples and steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps, n_series) or (n_samples, n_series)
            Windows or rows of the series.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        X = validate_data(self, X, allow_nd=True, dtype=[np.float64, np.float32])
        self._check_ndim(X)
        self.n_dims_in_ = X.ndim
        self.offset_, self.scale_ = chunked_stats(lambda: (self._flat(X[rows]) for rows in row_chunks(X)), self.method)
        return self

    def _has_feature_names(self) -> bool:
        return getattr(self, "n_dims_in_", 2) == 2

    @available_if(_has_feature_names)
    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns (the input's): 2-D windows only."""
        return OneToOneFeatureMixin.get_feature_names_out(self, input_features)

    def transform(self, X: Any) -> np.ndarray:
        """Scale ``X``; same shape as the input.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps, n_series) or (n_samples, n_series)
            Windows or rows of the series.

        Returns
        -------
        ndarray
        """
        check_is_fitted(self)
        X = validate_data(self, X, allow_nd=True, dtype=[np.float64, np.float32], reset=False)
        self._check_ndim(X)
        offset, scale = self._stat(self.offset_, X), self._stat(self.scale_, X)
        out = np.empty(X.shape, dtype=X.dtype)  # float32 stays float32: one copy of the windows, chunk by chunk
        for rows in row_chunks(X):
            out[rows] = (np.asarray(X[rows], dtype=np.float64) - offset) / scale
        return out

    def inverse_transform(self, X: Any) -> np.ndarray:
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps, n_series) or (n_samples, n_series)
            Windows or rows of the series.

        Returns
        -------
        ndarray
        """
        check_is_fitted(self)
        X = np.asarray(X, dtype=np.float64)
        return X * self._stat(self.scale_, X) + self._stat(self.offset_, X)

    @staticmethod
    def _check_ndim(X: np.ndarray) -> None:
        if X.ndim not in (2, 3):
            raise ValueError(
                "X must be 2-D windows (samples, steps) or 3-D windows "
                f"(samples, steps, features); got shape {X.shape}."
            )

    @staticmethod
    def _flat(X: np.ndarray) -> np.ndarray:
        return X.reshape(-1, X.shape[2]) if X.ndim == 3 else X.reshape(-1, 1)

    @staticmethod
    def _stat(stat: np.ndarray, X: np.ndarray) -> np.ndarray:
        return stat if X.ndim == 3 else stat[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class TargetScaler:
    """Affine scaling of flattened multi-step targets, one offset/scale per target.

    ``y`` has ``n_steps * n_targets`` columns ordered step-major; every step
    of a target shares its statistics so the steps stay comparable.
    Internal helper of the estimators (not a scikit-learn estimator).
    """

    def __init__(self, method: str | None, n_targets: int):
        self.method = method
        self.n_targets = n_targets

    def fit(self, y: np.ndarray) -> TargetScaler:
        per_target = np.asarray(y, dtype=np.float64).reshape(-1, self.n_targets)  # float64 statistics
        if self.method is None:
            self.offset_ = np.zeros(self.n_targets)
            self.scale_ = np.ones(self.n_targets)
        else:
            self.offset_, self.scale_ = _affine_stats(per_target, self.method)
        return self

    def transform(self, y: np.ndarray) -> np.ndarray:
        shape = y.shape
        return ((y.reshape(-1, self.n_targets) - self.offset_) / self.scale_).reshape(shape)

    def inverse_transform(self, y: np.ndarray) -> np.ndarray:
        shape = y.shape
        return (y.reshape(-1, self.n_targets) * self.scale_ + self.offset_).reshape(shape)
