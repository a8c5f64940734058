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

from .._validation import check_finite_numeric, check_positive_int

__all__ = [
    "SeriesData",
    "as_matrix",
    "check_time_index",
    "detect_season",
    "frequency",
    "future_index",
    "index_from_state",
    "index_state",
    "is_pandas",
    "resolve_season",
    "season_length_from_index",
    "seasonal_indices",
    "week_of",
]

# Periods that a detected period this close to (3%) is snapped to: weekly data has 52.18 weeks a year.
_COMMON_PERIODS = (4, 5, 6, 7, 12, 24, 52, 60, 168, 365)

#: The week of sub-daily data, by the season that is its day: hourly, half-hourly and quarter-hourly steps.
_WEEKS = {24: 168, 48: 336, 96: 672}


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
        dated = [n for n, kind in zip(names, obj.dtypes) if getattr(kind, "kind", "") == "M"]
        if dated:  # a time column among the values: the index is where the time goes
            raise ValueError(f"{name} has a column of dates, {dated[0]!r}: make it the index "
                             f"({name}.set_index({dated[0]!r})), so that the values are numbers in time order.")
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
    if values.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {values.shape}): it needs at least one time step.")
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
    >>> from sklstm.forecasting._series import season_length_from_index
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


def _autocorrelation(x: np.ndarray, max_lag: int) -> np.ndarray:
    x = x - x.mean()
    spectrum = np.fft.rfft(x, 2 * len(x))
    acov = np.fft.irfft(spectrum * np.conj(spectrum))[: max_lag + 1]
    return acov / acov[0] if acov[0] > 0 else np.zeros(max_lag + 1)


def _season_of_column(y: np.ndarray, max_period: int | None) -> int:
    n = len(y)
    longest = n // 3 if max_period is None else min(n // 3, max_period)
    if longest < 2 or not np.all(np.isfinite(y)):
        return 1
    t = np.linspace(-1.0, 1.0, n)
    trend = np.column_stack([np.ones(n), t, t * t])
    detrended = y - trend @ np.linalg.lstsq(trend, y, rcond=None)[0]
    best, best_height = 1, 0.0
    threshold = max(3.0 / np.sqrt(n), 0.2)
    for x in (detrended, np.diff(y)):
        if not np.std(x) > 0:
            continue
        r = _autocorrelation(x, min(2 * longest + 1, len(x) - 1))
        for p in range(2, min(longest + 1, len(r) - 1)):
            peak = r[p] > r[p - 1] and r[p] >= r[p + 1] and (2 * p >= len(r) or r[2 * p] > 0)
            if peak and r[p] > threshold and r[p] - r[1:p].min() > 0.3 and r[p] > best_height:
                best, best_height = p, float(r[p])
    for common in _COMMON_PERIODS:
        if best > 1 and abs(best - common) <= 0.03 * common:
            return common
    return best


def detect_season(y: Any, max_period: int | None = None) -> int:
    """The dominant period of a series read from its autocorrelation, or 1 when it has none.

    What ``season_length="auto"`` uses when no pandas index gives the season
    (a plain array, or yearly data): R's ``findfrequency`` in spirit. The
    series is detrended (a quadratic trend removed) and, separately,
    differenced; the period is the lag of the highest autocorrelation peak of
    either, among peaks that stand above ``max(3 / sqrt(n), 0.2)``, rise at
    least 0.3 above the lowest autocorrelation before them and are echoed
    (positive autocorrelation) at twice their lag. Periods up to a third of
    the series (and ``max_period``) are considered; one within 3% of a
    common period (52 weeks a year) is snapped to it. For several columns,
    the period found in most of them (ties: the first column's).

    Parameters
    ----------
    y : array-like of shape (n_time,) or (n_time, n_columns)
        The series.
    max_period : int, default=None
        The longest period considered.

    Returns
    -------
    int
        The period, at least 1.

    Raises
    ------
    ValueError
        When ``y`` is empty, not numeric, holds NaN or infinity, or has more
        than two dimensions, or ``max_period`` is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.forecasting._series import detect_season
    >>> t = np.arange(120)
    >>> detect_season(10 + 0.1 * t + np.sin(2 * np.pi * t / 12))
    12
    >>> detect_season(np.random.default_rng(0).normal(size=120))
    1
    """
    values, _ = as_matrix(y, "y")
    if max_period is not None:
        max_period = check_positive_int(max_period, "max_period")
    seasons = [_season_of_column(values[:, j], max_period) for j in range(values.shape[1])]
    counts = {s: seasons.count(s) for s in seasons}
    return max(counts, key=lambda s: (counts[s], -seasons.index(s)))


def seasonal_indices(y: np.ndarray, season: int) -> tuple[str, np.ndarray]:
    """How to take the season out of a series, and its seasonal indices: the M4 competition's benchmark recipe.

    A series of at least three seasons whose autocorrelation at lag ``season``
    passes the 90% test of the M4 benchmarks (the Theta method's:
    ``|r_m| > 1.645 * sqrt((1 + 2 * sum(r_k ** 2 for k < m)) / n)``) gets the
    indices of a classical decomposition (a centred moving average of one
    season; statsmodels' ``seasonal_decompose``): multiplicative when every
    value is positive, else additive. Any other series is left as it is.

    Parameters
    ----------
    y : ndarray of shape (n,)
    season : int

    Returns
    -------
    kind : {"multiplicative", "additive", "none"}
    indices : ndarray of shape (season,)
        ``indices[j]`` belongs to the steps ``t`` (counted from ``y``'s first
        value) with ``t % season == j``: divide by them (multiplicative; they
        average 1) or subtract them (additive; they average 0). Ones or zeros
        with ``"none"``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.forecasting._series import seasonal_indices
    >>> t = np.arange(48)
    >>> kind, indices = seasonal_indices((100 + t) * (1 + 0.2 * (t % 4 == 0)), 4)
    >>> kind, indices.round(2)
    ('multiplicative', array([1.14, 0.95, 0.95, 0.95]))
    >>> seasonal_indices(np.random.default_rng(0).normal(size=48), 4)[0]
    'none'
    """
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    if season < 2 or n < 3 * season or not np.std(y) > 0:
        return "none", np.zeros(season)
    from statsmodels.tsa.seasonal import seasonal_decompose

    r = _autocorrelation(y, season)
    if not abs(r[season]) > 1.645 * np.sqrt((1 + 2 * np.sum(r[1:season] ** 2)) / n):
        return "none", np.zeros(season)
    kind = "multiplicative" if np.all(y > 0) else "additive"
    indices = np.asarray(seasonal_decompose(y, model=kind, period=season).seasonal[:season], dtype=np.float64)
    return kind, indices


def check_season_within(season_length: int, n: int, series: str) -> int:
    """``season_length``, or a ValueError when it is not shorter than ``n`` values (``series`` names them)."""
    if int(season_length) >= n:
        raise ValueError(
            f"season_length={season_length} is not shorter than {series} ({n} values): a season must repeat within "
            "it. Pass season_length=1 for no season, or 'auto' to find it from the dates or the values."
        )
    return int(season_length)


def resolve_season(season_length: int | str, index: Any, y: Any) -> int:
    """The season that ``season_length`` means for a series: the integer given, else (``"auto"``) its index's
    season (:func:`season_length_from_index`) when that is more than 1 and the series is longer than it, else
    :func:`detect_season` of the values (40 weekly values hold no yearly season of 52 to repeat).

    Every sklstm function and forecaster with a ``season_length`` parameter resolves ``"auto"`` here.

    Parameters
    ----------
    season_length : int or "auto"
    index : pandas Index or None
        The series' time index (None for a plain array).
    y : array-like of shape (n_time,) or (n_time, n_columns)

    Returns
    -------
    int
    """
    if season_length != "auto":
        return check_season_within(season_length, len(y), "the series")
    season = season_length_from_index(index) if index is not None else 1
    return season if 1 < season < len(y) else detect_season(y)


def week_of(season: int) -> int:
    """The week, in steps, of sub-daily data whose day is ``season`` steps (24, 48 or 96); 1 (none) otherwise.

    Demand, traffic and calls repeat by the day and again by the week (a Monday is not a Sunday): a forecaster
    that sees only the day's cycle forecasts every day of the week alike.

    Examples
    --------
    >>> week_of(24), week_of(48), week_of(12)
    (168, 336, 1)
    """
    return _WEEKS.get(int(season), 1)


def model_season(season: int, season_length: int | str, index: Any) -> int:
    """The season that seasonal statistical models get: ``season`` unless it was found in the values alone
    (``season_length="auto"`` and no index season) and is not a calendar period (:data:`_COMMON_PERIODS`).

    A period read from the values that no calendar explains (the 10 or 11 years of the sunspot and lynx
    cycles) is a cycle whose length drifts, not a season: seasonal ETS, ARIMA and Theta models would
    repeat it exactly. Such a cycle is left to what reads it without assuming a fixed period (the ridges'
    windows, which still cover it).

    Examples
    --------
    >>> model_season(12, "auto", None), model_season(10, "auto", None), model_season(10, 10, None)
    (12, 1, 10)
    """
    if season_length != "auto" or season <= 1 or season in _COMMON_PERIODS:
        return season
    return season if index is not None and season_length_from_index(index) == season else 1


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
    >>> from sklstm.forecasting._series import check_time_index
    >>> check_time_index(pd.period_range("2020-01", periods=3, freq="M"))
    >>> check_time_index(pd.PeriodIndex(["2020-03", "2020-02"], freq="M"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: y's index is not in increasing time order: 2020-03 comes before 2020-02 (position 1); sort it first ...
    """
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        raise ValueError(f"{name} has a MultiIndex ({index.nlevels} levels): a forecaster here fits one series over "
                         "time. For many series, give GlobalLSTMForecaster a long panel (columns unique_id, ds, y), "
                         "or forecast each series (one level) on its own.")
    if index is None or len(index) < 2 or isinstance(index, pd.RangeIndex) and index.step > 0:
        return
    if text_reads_as_dates(index):
        raise ValueError(f"{name}'s index holds text that reads as dates ({index[0]!r}, {index[1]!r}, ...): convert it "
                         f"first ({name}.index = pd.to_datetime({name}.index)), so that the forecasts are dated and the "
                         f"season comes from the dates; or pass {name}.to_numpy() to forecast by position.")
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


def text_reads_as_dates(labels: Any) -> bool:
    """Whether an index or column of text (as ``read_csv`` leaves dates) starts with dates."""
    import warnings

    import pandas as pd

    if not (pd.api.types.is_object_dtype(labels.dtype) or pd.api.types.is_string_dtype(labels.dtype)):
        return False
    head = list(labels[:3])
    if not all(isinstance(label, str) for label in head):
        return False
    with warnings.catch_warnings():  # pandas warns when it cannot infer one format
        warnings.simplefilter("ignore")
        return bool(pd.to_datetime(pd.Index(head), errors="coerce").notna().all())


def future_index(index: Any, horizon: int) -> Any:
    """The ``horizon`` labels after a pandas ``index`` (Period, Datetime, Range, or integers in equal
    steps), or None when the index says nothing about the labels to come."""
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
    if pd.api.types.is_integer_dtype(index.dtype) and len(index) > 1:
        steps = np.diff(np.asarray(index, dtype=np.int64))
        if steps[0] > 0 and np.all(steps == steps[0]):
            return pd.Index(index[-1] + steps[0] * np.arange(1, horizon + 1), name=index.name)
    return None


def index_state(index: Any) -> Any:
    """A pandas time index (Period, Datetime with or without a time zone, Range) as plain data, else as it is.

    Plain data (numbers, strings, an int64 array) is what ``skops.io`` stores
    without executing code on load; :func:`index_from_state` reverses it.
    """
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        return {"kind": "period", "values": index.asi8.copy(), "freq": index.freqstr, "name": index.name}
    if isinstance(index, pd.DatetimeIndex):  # the instants in UTC, and the zone's name
        return {"kind": "datetime", "values": index.asi8.copy(), "unit": index.unit, "freq": index.freqstr,
                "name": index.name, "tz": None if index.tz is None else str(index.tz)}
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
        index = pd.DatetimeIndex(values.view(f"M8[{state['unit']}]"), name=name)
        if state.get("tz") is not None:
            index = index.tz_localize("UTC").tz_convert(state["tz"])
        return pd.DatetimeIndex(index, freq=state["freq"])
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
