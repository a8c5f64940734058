"""What every sklstm forecaster shares, and the seasonal-naive forecaster built on it.

:class:`BaseForecaster` owns the public ``fit`` and ``predict``: it checks
the series and its covariates, resets every fitted attribute on a new fit,
checks the horizon and the future covariates, and dates the output. A
subclass implements two steps, as sktime's forecasters do:

* ``_fit(data)``: fit on a :class:`~sklstm.forecasting._series.SeriesData` (targets
  ``(n_time, n_targets)`` and the covariates);
* ``_forecast_from(history, horizon, future)``: the raw forecast
  ``(horizon, n_targets)`` from the end of ``history``, with ``future`` the
  covariate rows of the forecast steps.

:func:`sklstm.forecasting._backtesting.backtest` relies on exactly these, and on
``_future_rows(horizon)`` (how many future covariate rows a forecast reads).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, StrOptions
from .._guards import one_fit_at_a_time
from .._validation import check_positive_int
from ._intervals import check_coverage, conformal_bounds
from ._series import (
    SeriesData,
    as_matrix,
    check_time_index,
    future_index,
    index_from_state,
    index_state,
    is_pandas,
    resolve_season,
)

__all__ = ["FORECASTER_CONSTRAINTS", "BaseForecaster", "SeasonalNaiveForecaster"]

#: The parameters the LSTM forecasters share (single series and panels), as ``_parameter_constraints``.
FORECASTER_CONSTRAINTS: dict = {
    "estimator": "no_validation",
    "n_steps_in": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "horizon": [Interval(numbers.Integral, 1, None, closed="left")],
    "season_length": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "nonnegative": ["boolean", StrOptions({"auto"})],
    "n_models": [Interval(numbers.Integral, 1, None, closed="left")],
    "random_state": [Interval(numbers.Integral, 0, None, closed="left"), None],
    "verbose": ["verbose"],
}

# predict and predict_interval forecast at most this many times the length of the training series.
_MAX_HORIZON_RATIO = 10


def check_horizon_reach(horizon: int, n_fitted: int, fitted: str) -> int:
    """``horizon``, or a ValueError when it reaches more than ``_MAX_HORIZON_RATIO`` times ``n_fitted`` steps
    (``fitted`` says what they are in the message)."""
    longest = _MAX_HORIZON_RATIO * n_fitted
    if horizon > longest:
        raise ValueError(f"horizon={horizon} is more than {_MAX_HORIZON_RATIO} times {fitted} the forecaster was "
                         f"fitted on (at most {longest}); a forecast that far ahead says nothing.")
    return int(horizon)


class BaseForecaster(BaseEstimator):
    """Base class of the sklstm forecasters: public ``fit``/``predict`` around ``_fit``/``_forecast_from``.

    Attributes set by ``fit`` (besides the subclass's own): ``n_targets_``,
    ``target_names_``, ``future_names_``, ``past_names_`` and ``index_`` (the
    pandas index of ``y``, or None).
    """

    #: Whether the forecaster reads covariates; one that does not accepts and ignores them.
    _uses_covariates = True

    # ----------------------------------------------------------- persistence
    def __getstate__(self) -> dict:
        """The state with ``index_`` as plain data, so that ``skops.io`` stores it as pickle does."""
        state = super().__getstate__()
        return {**state, "index_": index_state(state["index_"])} if "index_" in state else state

    def __setstate__(self, state: dict) -> None:
        if "index_" in state:
            state = {**state, "index_": index_from_state(state["index_"])}
        super().__setstate__(state)

    # ----------------------------------------------------------------- fit
    def fit(self, y: Any, X: Any = None, X_past: Any = None) -> BaseForecaster:
        """Fit on a raw series; a new fit starts from scratch (every attribute of an earlier fit is dropped).

        Parameters
        ----------
        y : array-like or pandas Series/DataFrame of shape (n_time,) or (n_time, n_targets)
            The series; several columns are forecast together.
        X : array-like or DataFrame of shape (n_time, n_future), default=None
            Future-known covariates (calendar, prices, planned promotions,
            weather forecasts): the value of row ``t`` informs the forecast of
            ``y[t]``. ``predict`` then needs their values for the forecast steps.
        X_past : array-like or DataFrame of shape (n_time, n_past), default=None
            Past-only covariates, observed with ``y`` and unknown in the
            future. The recursive strategy forecasts them alongside ``y``.

        Returns
        -------
        self : object
        """
        with one_fit_at_a_time(self, "forecaster"):
            self._validate_params()
            self._reset()
            try:
                self._data = self._check_fit_data(y, X, X_past)
                self._fit(self._data)
            except BaseException:  # an error or Ctrl-C: never leave a half-fitted forecaster that looks fitted
                self._reset()
                raise
        return self

    def _fit(self, data: SeriesData) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _reset(self) -> None:
        """Drop the state of an earlier fit: everything but the parameters and scikit-learn's configuration."""
        keep = set(self.get_params(deep=False))
        for name in [n for n in vars(self) if n not in keep and not n.startswith(("_sklearn", "_metadata", "_fit_lock"))]:
            delattr(self, name)

    def _check_fit_data(self, y: Any, X: Any, X_past: Any) -> SeriesData:
        values, self.target_names_ = as_matrix(y, "y")
        self.n_targets_ = values.shape[1]
        self.index_ = y.index if is_pandas(y) else None
        check_time_index(self.index_)
        parts = {}
        ignored = [name for name, obj in (("X", X), ("X_past", X_past)) if obj is not None and not self._uses_covariates]
        if ignored:
            warnings.warn(f"{type(self).__name__} reads no covariates: {' and '.join(ignored)} "
                          f"{'is' if len(ignored) == 1 else 'are'} ignored (LSTMForecaster reads them).",
                          UserWarning, stacklevel=3)
        for name, obj in (("X", X), ("X_past", X_past)):
            parts[name], names = (None, []) if obj is None or not self._uses_covariates else as_matrix(obj, name)
            if parts[name] is not None and len(parts[name]) != len(values):
                raise ValueError(
                    f"{name} has {len(parts[name])} rows, but y has {len(values)}; they must be aligned in time."
                )
            dated = self.index_ is not None and is_pandas(obj) and hasattr(obj.index, "freq")
            if parts[name] is not None and dated and not obj.index.equals(self.index_):
                raise ValueError(f"{name}'s time stamps differ from y's; they must be aligned in time (same index).")
            setattr(self, "future_names_" if name == "X" else "past_names_", names)
        return SeriesData(values, parts["X_past"], parts["X"])

    # ------------------------------------------------------------- predict
    def predict(self, horizon: int | None = None, X: Any = None, last_window: Any = None) -> Any:
        """Forecast the next ``horizon`` values.

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast (default: the ``horizon`` parameter, if any):
            at most 10 times the length of the training series.
        X : array-like or DataFrame of shape (horizon, n_future), default=None
            The future-known covariates of the forecast steps, required when
            ``fit`` had ``X``. DataFrame columns are matched by name.
        last_window : array-like or DataFrame, default=None
            Forecast from these most recent rows instead of the end of the
            training series (skforecast's ``last_window``): the targets, then
            the past-only and the future-known covariates, in the order (or
            with the column names) of ``fit``. With a pandas index, the
            forecast is dated after it. ``LSTMForecaster`` fits its
            statistical members again on these rows (their states start at
            the first row they read).

        Returns
        -------
        Series, DataFrame or ndarray
            A pandas Series (one target) or DataFrame with the future index
            when the series had a Period, Datetime or Range index; otherwise
            an array of shape (horizon,) or (horizon, n_targets).
        """
        check_is_fitted(self, "n_targets_")
        horizon = self._check_horizon(horizon)
        history, index = self._history(last_window)
        return self._wrap(self._forecast_from(history, horizon, self._check_future(X, horizon, index)), index=index)

    def _forecast_from(self, history: SeriesData, horizon: int, future: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover - abstract

    def _default_horizon(self) -> int | None:
        return getattr(self, "horizon", None)

    def _future_rows(self, horizon: int) -> int:
        """Rows of future covariates a forecast of ``horizon`` steps reads."""
        return horizon

    def _min_history(self) -> int:
        """The fewest recent rows a forecast needs."""
        return 1

    def _check_horizon(self, horizon: int | None) -> int:
        horizon = self._default_horizon() if horizon is None else horizon
        if horizon is None:
            raise ValueError(f"{type(self).__name__}.predict needs a horizon (the steps to forecast).")
        horizon = check_positive_int(horizon, "horizon")
        return check_horizon_reach(horizon, len(self._data.y), f"the {len(self._data.y)} steps")

    def _check_future(self, X: Any, horizon: int, index: Any = None) -> np.ndarray | None:
        """Validate the future covariates for a forecast of ``horizon`` steps after ``index`` (dated ``X`` must follow it)."""
        if not self._uses_covariates:
            return None
        if not self.future_names_:
            if X is not None:
                raise ValueError("X was given to predict, but the forecaster was fitted without future covariates X.")
            return None
        rows = self._future_rows(horizon)
        need = f"their values for the next {rows} steps: pass X with {rows} rows of {self.future_names_}"
        if rows != horizon:
            need += f" (the direct model reads all {rows} steps of its horizon)"
        if X is None:
            raise ValueError(f"The forecaster was fitted with future covariates X; predict needs {need}.")
        values = self._columns(X, "X", self.future_names_, "X columns")
        if values.shape != (rows, len(self.future_names_)):
            raise ValueError(f"X must have shape ({rows}, {len(self.future_names_)}): predict needs {need}; got {values.shape}.")
        self._check_future_dates(X, rows, index)
        return values

    @staticmethod
    def _check_future_dates(X: Any, rows: int, index: Any) -> None:
        """Dated covariates of a forecast must be dated at its steps: the ``rows`` labels right after ``index``."""
        import pandas as pd

        dated = (pd.PeriodIndex, pd.DatetimeIndex)
        if not (is_pandas(X) and isinstance(X.index, dated) and isinstance(index, dated)):
            return  # plain arrays (or an undated series): the row rule alone
        expected = future_index(index, rows)
        if expected is None or X.index.equals(expected):
            return
        raise ValueError(f"X is dated {X.index[0]} to {X.index[-1]}, but the forecast's steps are {expected[0]} to "
                         f"{expected[-1]}: pass the covariates of the forecast steps, starting right after the "
                         f"series' last date {index[-1]}.")

    @staticmethod
    def _columns(obj: Any, name: str, expected: list, fitted_as: str) -> np.ndarray:
        """``obj`` as a matrix whose columns are ``expected`` (matched by name for a DataFrame)."""
        if hasattr(obj, "columns"):
            names = [str(c) for c in obj.columns]
            if sorted(names) != sorted(expected):
                raise ValueError(f"{name} has columns {names}, but the forecaster was fitted with {fitted_as} {expected}.")
            obj = obj[[c for n in expected for c in obj.columns if str(c) == n]]
        return as_matrix(obj, name)[0]

    def _history(self, last_window: Any) -> tuple[SeriesData, Any]:
        """The data to forecast from, and the index the forecast continues."""
        if last_window is None:
            return self._data, self.index_
        k, p = self.n_targets_, len(self.past_names_)
        expected = [*self.target_names_, *self.past_names_, *self.future_names_]
        values = self._columns(last_window, "last_window", expected, "y, X_past and X columns")
        if values.shape[1] != len(expected):
            raise ValueError(f"last_window must have {len(expected)} column(s) ({expected}); got {values.shape[1]}.")
        if len(values) < self._min_history():
            raise ValueError(f"last_window has {len(values)} rows; the forecaster needs at least {self._min_history()}.")
        index = last_window.index if is_pandas(last_window) else None
        check_time_index(index, "last_window")
        past = values[:, k : k + p] if p else None
        future = values[:, k + p :] if self.future_names_ else None
        return SeriesData(values[:, :k], past, future), index

    def _positive(self) -> bool:
        """Whether every value of ``y`` is positive: the interval is then multiplicative (``conformal_bounds``)."""
        return bool(np.all(self._data.y > 0))

    def _wrap_interval(self, point: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> Any:
        """``predict_interval``'s result: the points, lowers and uppers side by side, dated and named when fitted on pandas."""
        if self.index_ is None or future_index(self.index_, len(point)) is None:
            return np.concatenate([point, lower, upper], axis=1)
        import pandas as pd

        return pd.concat([self._wrap(point), self._wrap(lower, "_lower"), self._wrap(upper, "_upper")], axis=1)

    def _wrap(self, out: np.ndarray, suffix: str = "", index: Any = None) -> Any:
        index = self.index_ if index is None else index
        dates = None if index is None else future_index(index, len(out))
        if dates is None:
            return out[:, 0] if self.n_targets_ == 1 else out
        import pandas as pd

        if self.n_targets_ == 1:
            return pd.Series(out[:, 0], index=dates, name=f"{self.target_names_[0]}{suffix}")
        return pd.DataFrame(out, index=dates, columns=[f"{n}{suffix}" for n in self.target_names_])


class SeasonalNaiveForecaster(BaseForecaster):
    """Repeat the last season: the benchmark every forecaster should beat.

    Covariates given to ``fit`` or ``predict`` are accepted and ignored (``fit`` warns that they are).

    Parameters
    ----------
    season_length : int or "auto", default="auto"
        Steps per season; the forecast repeats the last this many values.
        ``"auto"``: the season of the index's frequency (when the series is
        longer than it), else the period detected in the series (:func:`~sklstm.forecasting._series.resolve_season`, as
        every sklstm forecaster resolves it).

    Attributes
    ----------
    season_length_ : int
        The season used.
    n_targets_ : int
    target_names_ : list of str
    index_ : pandas Index or None

    Examples
    --------
    >>> from sklstm import SeasonalNaiveForecaster
    >>> SeasonalNaiveForecaster(2).fit([1.0, 2, 3, 4]).predict(3).tolist()
    [3.0, 4.0, 3.0]
    """

    _uses_covariates = False
    _parameter_constraints: dict = {
        "season_length": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
    }

    def __init__(self, season_length: int | str = "auto"):
        self.season_length = season_length

    def _fit(self, data: SeriesData) -> None:
        self.season_length_ = resolve_season(self.season_length, self.index_, data.y)
        if len(data.y) < self.season_length_:
            raise ValueError(f"y has {len(data.y)} steps, fewer than season_length={self.season_length_}.")

    def _default_horizon(self) -> int:
        return 12

    def _min_history(self) -> int:
        return self.season_length_

    def _forecast_from(self, history: SeriesData, horizon: int, future: Any = None) -> np.ndarray:
        last = history.y[-self.season_length_ :]
        reps = int(np.ceil(horizon / self.season_length_))
        return np.tile(last, (reps, 1))[:horizon]

    def predict_interval(self, horizon: int | None = None, coverage: float = 0.9, X: Any = None) -> Any:
        """Point forecast with split-conformal intervals from the seasonal naive errors at every earlier origin.

        From every origin with a full season behind it, the seasonal naive
        forecast is scored against what followed; each step's half-width is
        the ``coverage`` quantile of the absolute errors at that step (log
        ratios, and a multiplicative interval, for a positive series), as
        :meth:`LSTMForecaster.predict_interval
        <sklstm.forecasting.LSTMForecaster.predict_interval>` calibrates its own.

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast; 12 when not given.
        coverage : float in (0, 1), default=0.9
            The share of future values the interval should hold.
        X : ignored
            Accepted and ignored, as in ``fit``.

        Returns
        -------
        DataFrame or ndarray
            The points, the lower and the upper bounds, per target: columns
            ``name``, ``name_lower``, ``name_upper`` with a pandas index,
            else an array ``(horizon, 3 * n_targets)`` in that order.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import SeasonalNaiveForecaster
        >>> y = np.tile([1.0, 5.0], 10) + np.random.default_rng(0).normal(0, 0.1, 20)
        >>> out = SeasonalNaiveForecaster(2).fit(y).predict_interval(2, coverage=0.8)
        >>> bool(np.all(out[:, 1] < out[:, 0])), bool(np.all(out[:, 0] < out[:, 2]))
        (True, True)
        """
        check_is_fitted(self, "season_length_")
        coverage = check_coverage(coverage)
        horizon = self._check_horizon(horizon)
        y, season = self._data.y, self.season_length_
        point = self._forecast_from(self._data, horizon)
        if horizon > len(y) - season:
            raise ValueError(f"horizon={horizon} is longer than the {len(y) - season} steps after y's first season "
                             f"(season_length={season}): no earlier forecast reached that far to calibrate the "
                             f"interval on. Ask for at most {len(y) - season} steps.")
        origins = np.arange(season, len(y))
        paths = y[origins[:, np.newaxis] - season + np.arange(horizon) % season]  # (n_origins, horizon, n_targets)
        lower, upper = conformal_bounds(point, paths, y, origins, coverage, self._positive())
        return self._wrap_interval(point, lower, upper)
