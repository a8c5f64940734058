"""Streamed windows: :class:`SeriesWindows`, the windows of one long series or of a panel end to end.

numpy only. The sklstm estimators stream when given one as ``X``
(:mod:`sklstm.estimators._streaming`); :func:`sklstm.make_windows` returns one with ``stream=True``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._validation import check_positive_int

__all__ = ["SeriesWindows"]


def _windows(values: np.ndarray, n_steps: int) -> np.ndarray:
    """``(n_time - n_steps + 1, n_steps, n_columns)`` read-only view of ``values``."""
    return sliding_window_view(values, n_steps, axis=0).transpose(0, 2, 1)


class SeriesWindows:
    """The windows of a long series, streamed: what ``make_windows(..., stream=True)`` returns as ``X``.

    It holds the series (no copy) and the window length, and reads like the
    read-only array of windows ``(n_windows, n_steps, n_columns)``: ``len``,
    ``shape``, slicing (which returns windows as an array) and
    ``numpy.asarray`` (which materialises them all). Given one as ``X``, the
    sklstm estimators stream: ``fit``, a warm refit, ``partial_fit`` and
    ``predict`` gather the windows from the series batch by batch and never
    hold them all in memory.

    Parameters
    ----------
    series : ndarray of shape (n_time, n_columns)
        The rows the windows cover.
    n_steps : int
        Time steps per window.
    segments : array-like of shape (n_segments, 2), default=None
        For several series end to end in ``series`` (a panel): the first row
        and the number of windows of each. Windows never cross from one
        segment into the next. ``None``: one segment, every window.
    level : int, default=None
        Take the first column of each window (the series' values) relative to
        its level: minus the mean of its last ``level`` rows. Other columns
        (covariates, constants per series) are left as they are.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.preprocessing._windows import SeriesWindows
    >>> windows = SeriesWindows(np.arange(10.0).reshape(5, 2), n_steps=3)
    >>> windows.shape, windows[-1].tolist()
    ((3, 3, 2), [[4.0, 5.0], [6.0, 7.0], [8.0, 9.0]])
    >>> panel = SeriesWindows(np.array([[1.0], [2], [3], [10], [20], [30], [40]]), 2, segments=[(0, 1), (3, 3)], level=1)
    >>> panel.shape, panel[:2, :, 0].tolist()
    ((4, 2, 1), [[-1.0, 0.0], [-10.0, 0.0]])
    """

    ndim = 3

    def __init__(self, series: np.ndarray, n_steps: int, segments: Any = None, level: int | None = None):
        self.series = np.asarray(series)
        self.n_steps = check_positive_int(n_steps, "n_steps")
        if self.series.ndim != 2 or len(self.series) < self.n_steps:
            raise ValueError(
                f"series must be 2-D (time, columns) with at least n_steps={self.n_steps} rows; got shape {self.series.shape}."
            )
        self.level = None if level is None else check_positive_int(level, "level")
        if self.level is not None and self.level > self.n_steps:
            raise ValueError(f"level={self.level} exceeds the window length n_steps={self.n_steps}.")
        self.segments = None if segments is None else self._check_segments(segments)
        if self.segments is not None:  # window index where each segment starts
            self._offsets = np.concatenate([[0], np.cumsum(self.segments[:, 1])])

    def _check_segments(self, segments: Any) -> np.ndarray:
        segments = np.asarray(segments, dtype=np.int64).reshape(-1, 2)
        first, count = segments[:, 0], segments[:, 1]
        bad = (first < 0) | (count < 0) | (first + count + self.n_steps - 1 > len(self.series))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"segment {i} (first row {first[i]}, {count[i]} windows of {self.n_steps} steps) "
                             f"runs past the series' {len(self.series)} rows.")
        return segments

    @classmethod
    def of_view(cls, X: Any) -> SeriesWindows | None:
        """The streamed form of ``X`` when it is a strided view of consecutive windows of one series (what
        ``make_windows`` returns), else None.

        Window ``i + 1`` of such a view starts one row after window ``i``, so
        the rows they cover are a view too: nothing is copied.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm.preprocessing._windows import SeriesWindows, make_windows
        >>> X, y = make_windows(np.arange(8.0), 3)
        >>> SeriesWindows.of_view(X).series.ravel().tolist()
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        >>> SeriesWindows.of_view(np.ascontiguousarray(X)) is None
        True
        """
        if not isinstance(X, np.ndarray) or X.ndim != 3 or len(X) < 2 or X.shape[1] < 2 or 0 in X.shape:
            return None
        if X.strides[0] != X.strides[1]:  # not one row apart: copied windows, or another layout
            return None
        n, steps, columns = X.shape
        rows = np.lib.stride_tricks.as_strided(X, shape=(n + steps - 1, columns), strides=X.strides[1:], writeable=False)
        return cls(rows, steps)

    @property
    def shape(self) -> tuple[int, int, int]:
        n = len(self.series) - self.n_steps + 1 if self.segments is None else int(self._offsets[-1])
        return (n, self.n_steps, self.series.shape[1])

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def dtype(self) -> np.dtype:
        return self.series.dtype

    def __len__(self) -> int:
        return self.shape[0]

    def view(self) -> np.ndarray:
        """The windows as a read-only zero-copy view of the series (one segment, no level only).

        Returns
        -------
        ndarray of shape (n_windows, n_steps, n_series)
        """
        if self.segments is not None or self.level is not None:
            raise ValueError("Windows of several segments or relative to their level are no view of the series.")
        return _windows(self.series, self.n_steps)

    def first_rows(self, positions: np.ndarray) -> np.ndarray:
        """The series row where each window of ``positions`` starts.

        Parameters
        ----------
        positions : ndarray of int
            Window positions.

        Returns
        -------
        ndarray of int
        """
        if self.segments is None:
            return positions
        segment = np.searchsorted(self._offsets, positions, side="right") - 1
        return self.segments[segment, 0] + positions - self._offsets[segment]

    def __getitem__(self, key: Any) -> np.ndarray:
        if self.segments is None and self.level is None:
            return self.view()[key]
        rest = ()
        if isinstance(key, tuple):
            key, rest = key[0], key[1:]
        if isinstance(key, slice):  # a range of windows, without an index array of them all
            start, stop, step = key.indices(len(self))
            positions = np.arange(start, stop, step)
        else:
            positions = np.arange(len(self))[key]
        windows = self.series[self.first_rows(positions)[..., np.newaxis] + np.arange(self.n_steps)]  # a copy
        if self.level is not None:
            windows[..., :1] -= windows[..., -self.level :, :1].mean(axis=-2, keepdims=True)
        if not rest:
            return windows
        return windows[rest] if np.ndim(positions) == 0 else windows[(slice(None), *rest)]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.array(self[:], dtype=dtype)

    def __repr__(self) -> str:
        return f"SeriesWindows(shape={self.shape}, dtype={self.dtype})"
