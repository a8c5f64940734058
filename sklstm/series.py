"""A series as the forecasters hold it: values, covariates and pandas time stamps.

Plain functions on pandas indexes (their season length, the time stamps after
them, whether they run forward in time without gaps) and the small container
the forecasters and the backtest pass around. pandas is imported only when a
pandas object is given.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np

from ._validation import check_finite_numeric

__all__ = [
    "SeriesData",
    "as_matrix",
    "check_time_index",
    "frequency",
    "future_index",
    "index_from_state",
    "index_state",
    "is_pandas",
    "season_length_from_index",
]


def _seasons() -> list:
    from pandas.tseries import offsets

    return [
        ((offsets.MonthBegin, offsets.MonthEnd), 12),
        ((offsets.QuarterBegin, offsets.QuarterEnd), 4),
        (offsets.Week, 52),
        (offsets.BusinessDay, 5),
        (offsets.Day, 7),
        (offsets.Hour, 24),
        ((offsets.Minute, offsets.Second), 60),
    ]


def is_pandas(obj: Any) -> bool:
    return hasattr(obj, "index") and hasattr(obj, "to_numpy")


def as_matrix(obj: Any, name: str) -> tuple[np.ndarray, list]:
    """``(n_time, n_columns)`` float array and column names of a series/frame/array."""
    if hasattr(obj, "columns"):
        names = [str(c) for c in obj.columns]
        values = obj.to_numpy()
    elif is_pandas(obj):
        names = [str(obj.name) if obj.name is not None else "y"]
        values = obj.to_numpy()
    else:
        values = np.asarray(obj)
        names = None
    values = check_finite_numeric(values, name)
    if values.ndim == 1:
        values = values.reshape(-1, 1)
    if values.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D (time, columns); got shape {values.shape}.")
    if names is None:
        names = ["y"] if values.shape[1] == 1 and name == "y" else [f"{name}{i}" for i in range(values.shape[1])]
    return values, names


def season_length_from_index(index: Any) -> int:
    """The season length implied by a pandas index's frequency; 1 if it has none.

    12 for monthly, 4 quarterly, 52 weekly, 7 daily, 5 business-daily, 24
    hourly, 60 by the minute or second; 1 for yearly data. The frequency is
    the index's own or, for a Datetime index without one, what
    ``pandas.infer_freq`` reads from its time stamps.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.series import season_length_from_index
    >>> season_length_from_index(pd.period_range("2020-01", periods=3, freq="M"))
    12
    >>> season_length_from_index(pd.date_range("2020-01-06", periods=5, freq="W-MON"))
    52
    >>> season_length_from_index(pd.RangeIndex(5))
    1
    """
    offset = frequency(index)
    if offset is None:
        return 1
    for kind, season in _seasons():
        if isinstance(offset, kind):
            return season if offset.n == 1 else 1
    return 1


def frequency(index: Any) -> Any:
    """The pandas offset of a Period or Datetime index: its own, else inferred from at least 3 time stamps; or None."""
    import pandas as pd

    freq = getattr(index, "freq", None)
    if freq is None and isinstance(index, pd.DatetimeIndex) and len(index) >= 3:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            freq = pd.infer_freq(index)
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def check_time_index(index: Any, name: str = "y") -> None:
    """Raise a clear error unless a pandas ``index`` runs forward in time, once per step, without gaps.

    Datetime and Period indexes must be strictly increasing and regularly
    spaced; other indexes (integers) strictly increasing. ``None`` (a plain
    array) passes.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.series import check_time_index
    >>> check_time_index(pd.period_range("2020-01", periods=3, freq="M"))
    >>> check_time_index(pd.PeriodIndex(["2020-03", "2020-02"], freq="M"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: y's index is not in increasing time order: 2020-03 comes before 2020-02 (position 1); sort it first ...
    """
    import pandas as pd

    if index is None or len(index) < 2 or isinstance(index, pd.RangeIndex) and index.step > 0:
        return
    if not index.is_unique:
        raise ValueError(f"{name}'s index has duplicate time stamps (first: {index[index.duplicated()][0]}); "
                         "aggregate or drop them first.")
    if not index.is_monotonic_increasing:
        i = int(np.flatnonzero(~(index[1:] > index[:-1]))[0]) + 1
        raise ValueError(f"{name}'s index is not in increasing time order: {index[i - 1]} comes before "
                         f"{index[i]} (position {i}); sort it first ({name}.sort_index()).")
    if isinstance(index, pd.PeriodIndex):
        steps = np.diff(index.asi8)
    elif isinstance(index, pd.DatetimeIndex):
        regular = frequency(index) is not None
        steps = np.zeros(1) if regular else np.diff(index.asi8)
    else:
        return
    if np.any(steps != steps[0]):
        values, counts = np.unique(steps, return_counts=True)
        i = int(np.flatnonzero(steps != values[counts.argmax()])[0])
        raise ValueError(f"{name}'s time stamps are not regularly spaced (a gap or uneven step after {index[i]}); "
                         f"reindex to a regular frequency and fill the gaps first (for example {name}.asfreq(...)).")


def future_index(index: Any, horizon: int) -> Any:
    """The ``horizon`` labels after a pandas ``index`` (Period, Datetime or Range), or None."""
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=horizon, freq=index.freq, name=index.name)
    if isinstance(index, pd.DatetimeIndex):
        freq = frequency(index)
        if freq is None:
            return None
        return pd.date_range(index[-1], periods=horizon + 1, freq=freq, name=index.name)[1:]
    if isinstance(index, pd.RangeIndex):
        step = index.step
        return pd.RangeIndex(index.stop, index.stop + step * horizon, step, name=index.name)
    return None


def index_state(index: Any) -> Any:
    """A pandas time index (Period, Datetime without time zone, Range) as plain data, else as it is.

    Plain data (numbers, strings, an int64 array) is what ``skops.io`` stores
    without executing code on load; :func:`index_from_state` reverses it.
    """
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        return {"kind": "period", "values": index.asi8.copy(), "freq": index.freqstr, "name": index.name}
    if isinstance(index, pd.DatetimeIndex) and index.tz is None:
        return {"kind": "datetime", "values": index.asi8.copy(), "unit": index.unit, "freq": index.freqstr,
                "name": index.name}
    if isinstance(index, pd.RangeIndex):
        return {"kind": "range", "values": [index.start, index.stop, index.step], "name": index.name}
    return index


def index_from_state(state: Any) -> Any:
    """The pandas index that :func:`index_state` described."""
    if not isinstance(state, dict):
        return state
    import pandas as pd

    values, name = state["values"], state["name"]
    if state["kind"] == "period":
        return pd.PeriodIndex.from_ordinals(values, freq=state["freq"], name=name)
    if state["kind"] == "datetime":
        return pd.DatetimeIndex(values.view(f"M8[{state['unit']}]"), freq=state["freq"], name=name)
    return pd.RangeIndex(*values, name=name)


@dataclasses.dataclass(frozen=True)
class SeriesData:
    """Targets ``(n, k)``, past-only covariates ``(n, p)`` and future-known covariates ``(n + extra, f)``."""

    y: np.ndarray
    past: np.ndarray | None = None
    future: np.ndarray | None = None

    def head(self, stop: int, start: int = 0) -> SeriesData:
        past = None if self.past is None else self.past[start:stop]
        future = None if self.future is None else self.future[start:stop]
        return SeriesData(self.y[start:stop], past, future)

    def with_future(self, rows: np.ndarray | None) -> SeriesData:
        """The same history with known future covariate ``rows`` appended."""
        if rows is None or self.future is None:
            return self
        return SeriesData(self.y, self.past, np.concatenate([self.future[: len(self.y)], rows]))
