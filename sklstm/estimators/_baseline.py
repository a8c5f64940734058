"""The linear baseline under every network: a ridge regression on the scaled windows.

:class:`WindowRidge` is scikit-learn's ``RidgeCV`` (efficient leave-one-out
choice of ``alpha``, unpenalised intercept, sample weights) computed from
sums over chunks of windows, so that the windows of a long series, streamed
from a sliding-window view, are never materialised. Dense and streamed fits
use it alike. numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["WindowRidge"]

_CHUNK = 2**12  # windows per chunk: a few MB of float64 temporaries for windows of a few hundred values
_ALPHAS = tuple(float(a) for a in np.logspace(-6, 2, 9))


class WindowRidge:
    """Ridge regression on windows with ``alpha`` chosen by exact leave-one-out error, chunk by chunk.

    Equivalent to ``sklearn.linear_model.RidgeCV(alphas)`` (one ``alpha`` for
    every target), in two passes over the windows: the first accumulates the
    weighted sums and cross-products, the second the leave-one-out errors of
    every ``alpha`` from the eigen-decomposition of the centred
    cross-product matrix.

    Parameters
    ----------
    alphas : array-like of float, default=(1e-6, 1e-5, ..., 1e2)
        Candidate regularisation strengths.
    exclude_last : bool, default=False
        Leave out the last feature of every step (an id that the network
        embeds: a number without a linear meaning).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(40.0).reshape(20, 2)
    >>> y = X @ [1.0, 2.0] + 3.0
    >>> model = WindowRidge().fit(X, y[:, None])
    >>> model.predict(X[:2]).round(3).ravel().tolist()
    [5.0, 11.0]
    """

    def __init__(self, alphas: Any = _ALPHAS, exclude_last: bool = False):
        self.alphas, self.exclude_last = alphas, exclude_last

    def _flat(self, windows: Any) -> np.ndarray:
        """Windows as float64 rows, without each step's last feature with ``exclude_last``."""
        windows = np.asarray(windows, dtype=np.float64)
        if getattr(self, "exclude_last", False):  # models pickled before the parameter existed have none
            windows = windows[..., :-1]
        return windows.reshape(len(windows), -1)

    def fit(self, windows: Any, targets: Any, sample_weight: np.ndarray | None = None) -> WindowRidge:
        """Fit on ``windows`` and ``targets`` ``(n, k)``: any array-likes of ``n`` rows, read a chunk at a time."""
        n = len(targets)
        sums = self._sums(windows, targets, sample_weight)
        total, x_mean, y_mean = sums["w"], sums["x"] / sums["w"], sums["y"] / sums["w"]
        xtx = sums["xx"] - total * np.outer(x_mean, x_mean)
        xty = sums["xy"] - total * np.outer(x_mean, y_mean)
        eigval, eigvec = np.linalg.eigh(xtx)
        eigval = np.maximum(eigval, 0.0)
        alphas = np.asarray(self.alphas, dtype=np.float64)
        rotated = eigvec.T @ xty  # (p, k)
        errors = np.zeros(len(alphas))
        for rows in _chunks(n):
            w = _chunk_weights(sample_weight, rows)
            z = (self._flat(windows[rows]) - x_mean) @ eigvec * np.sqrt(w)[:, None]  # (m, p)
            r = (_rows(targets, rows) - y_mean) * np.sqrt(w)[:, None]  # (m, k)
            for j, alpha in enumerate(alphas):
                inverse = 1.0 / (eigval + alpha)
                fitted = z @ (inverse[:, None] * rotated)
                leverage = w / total + (z**2) @ inverse
                with np.errstate(divide="ignore", invalid="ignore"):  # leverage 1: undefined, made inf below
                    errors[j] += np.sum(((r - fitted) / (1.0 - leverage)[:, None]) ** 2)
        # A leave-one-out error is undefined where a window's leverage is 1 (a single window; two with a tiny alpha):
        # such an alpha counts as no better than any other, and with every error undefined the first is kept.
        errors = np.where(np.isfinite(errors), errors, np.inf)
        best = int(np.argmin(errors))
        self.alpha_ = float(alphas[best])
        self.coef_ = (eigvec @ (rotated / (eigval + self.alpha_)[:, None])).T  # (k, p)
        self.intercept_ = y_mean - self.coef_ @ x_mean
        return self

    def _sums(self, windows: Any, targets: Any, sample_weight: np.ndarray | None) -> dict[str, Any]:
        sums: dict[str, Any] = {"w": 0.0, "x": 0.0, "y": 0.0, "xx": 0.0, "xy": 0.0}
        for rows in _chunks(len(targets)):
            x, y, w = self._flat(windows[rows]), _rows(targets, rows), _chunk_weights(sample_weight, rows)
            wx = x * w[:, None]
            sums["w"] += float(w.sum())
            sums["x"] = sums["x"] + wx.sum(axis=0)
            sums["y"] = sums["y"] + w @ y
            sums["xx"] = sums["xx"] + wx.T @ x
            sums["xy"] = sums["xy"] + wx.T @ y
        return sums

    def predict(self, windows: np.ndarray) -> np.ndarray:
        """Predictions ``(n, k)`` for ``windows``."""
        windows = np.asarray(windows)  # a float32 view stays one: each chunk is flattened in float64 on its own
        out = np.empty((len(windows), self.coef_.shape[0]))
        for rows in _chunks(len(windows)):
            out[rows] = self._flat(windows[rows]) @ self.coef_.T + self.intercept_
        return out


def _chunks(n: int) -> list[slice]:
    return [slice(i, min(i + _CHUNK, n)) for i in range(0, n, _CHUNK)]


def _rows(targets: Any, rows: slice) -> np.ndarray:
    part = np.asarray(targets[rows], dtype=np.float64)
    return part.reshape(len(part), -1)


def _chunk_weights(sample_weight: np.ndarray | None, rows: slice) -> np.ndarray:
    if sample_weight is None:
        return np.ones(rows.stop - rows.start)
    return np.asarray(sample_weight[rows], dtype=np.float64)

