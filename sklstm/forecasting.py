"""From a raw series to a dated forecast: :class:`LSTMForecaster`, backtesting and intervals.

The estimators answer "given this window, what comes next". The forecaster
owns the windowing: ``fit(y, X=None)`` on a raw series (with optional
exogenous columns), ``predict(horizon)`` for the next values with their
future dates, :func:`backtest` for a rolling-origin evaluation and
``predict_interval`` for conformal prediction intervals.
"""

from __future__ import annotations

import dataclasses
import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._validation import check_finite_numeric
from .windows import make_windows

__all__ = ["LSTMForecaster", "SeasonalNaiveForecaster", "RollingOriginSplit", "backtest"]


def _is_pandas(obj: Any) -> bool:
    return hasattr(obj, "index") and hasattr(obj, "to_numpy")


def _as_matrix(obj: Any, name: str) -> tuple[np.ndarray, list]:
    """``(n_time, n_columns)`` float array and column names of a series/frame/array."""
    if hasattr(obj, "columns"):
        names = list(obj.columns)
        values = obj.to_numpy()
    elif _is_pandas(obj):
        names = [obj.name if obj.name is not None else "y"]
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


def future_index(index: Any, horizon: int) -> Any:
    """The ``horizon`` labels after a pandas ``index`` (Period, Datetime or Range), or None."""
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=horizon, freq=index.freq, name=index.name)
    if isinstance(index, pd.DatetimeIndex):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            return None
        return pd.date_range(index[-1], periods=horizon + 1, freq=freq, name=index.name)[1:]
    if isinstance(index, pd.RangeIndex):
        step = index.step
        return pd.RangeIndex(index.stop, index.stop + step * horizon, step, name=index.name)
    return None


class LSTMForecaster(BaseEstimator):
    """Forecast a raw series with any sklstm estimator (or any scikit-learn regressor).

    Parameters
    ----------
    estimator : estimator, default=None
        The window regressor. ``None`` uses ``VanillaLSTMRegressor(units=32,
        epochs=300)``. Non-sklstm regressors (e.g. ``Ridge``) receive the
        windows flattened to 2-D.
    n_steps_in : int, default=24
        Time steps in each input window.
    strategy : {"recursive", "direct"}, default="recursive"
        ``"recursive"`` trains a one-step model and feeds it its own
        predictions; ``"direct"`` trains one multi-output model for all
        ``horizon`` steps (a vector output, or an encoder-decoder when the
        estimator is one).
    horizon : int, default=12
        Steps the direct model outputs; ``predict`` with the direct strategy
        may ask for at most this many.
    transform : {"log"} or None, default="log"
        ``"log"`` models ``log(y)`` when every target value is positive
        (multiplicative seasonality becomes additive); otherwise no transform.
    n_models : int, default=3
        Number of models with different seeds whose forecasts are averaged.
    random_state : int or None, default=0
        Seed of the first model; model ``i`` uses ``random_state + i``.

    Attributes
    ----------
    estimators_ : list of fitted estimators
    n_targets_ : int
    target_names_ : list of str
    exog_names_ : list of str
    log_ : bool
        Whether the log transform was applied.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklstm.forecasting import LSTMForecaster
    >>> y = [10.0, 20, 30, 40, 50, 60, 70, 80, 90]
    >>> f = LSTMForecaster(Ridge(alpha=1e-6), n_steps_in=3, transform=None, n_models=1).fit(y)
    >>> f.predict(2).round(1).tolist()
    [100.0, 110.0]
    """

    _parameter_constraints: dict = {
        "estimator": "no_validation",
        "n_steps_in": [Interval(numbers.Integral, 1, None, closed="left")],
        "strategy": [StrOptions({"recursive", "direct"})],
        "horizon": [Interval(numbers.Integral, 1, None, closed="left")],
        "transform": [StrOptions({"log"}), None],
        "n_models": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": [Interval(numbers.Integral, 0, None, closed="left"), None],
    }

    def __init__(
        self,
        estimator: Any = None,
        n_steps_in: int = 24,
        strategy: str = "recursive",
        horizon: int = 12,
        transform: str | None = "log",
        n_models: int = 3,
        random_state: int | None = 0,
    ):
        self.estimator = estimator
        self.n_steps_in = n_steps_in
        self.strategy = strategy
        self.horizon = horizon
        self.transform = transform
        self.n_models = n_models
        self.random_state = random_state

    # ------------------------------------------------------------- helpers
    def _base_estimator(self) -> Any:
        if self.estimator is not None:
            return self.estimator
        from .estimators import VanillaLSTMRegressor

        return VanillaLSTMRegressor(units=32, epochs=300)

    def _forward(self, values: np.ndarray) -> np.ndarray:
        return np.log(values) if self.log_ else values

    def _inverse(self, values: np.ndarray) -> np.ndarray:
        return np.exp(values) if self.log_ else values

    def _windows_for(self, est: Any, X3: np.ndarray) -> np.ndarray:
        return X3 if hasattr(est, "predict_steps") else X3.reshape(len(X3), -1)

    # ----------------------------------------------------------------- fit
    def fit(self, y: Any, X: Any = None) -> LSTMForecaster:
        """Fit on a raw series ``y`` (n_time,) or (n_time, n_targets), with optional exogenous ``X``."""
        self._validate_params()
        values, self.target_names_ = _as_matrix(y, "y")
        self.n_targets_ = values.shape[1]
        self.index_ = y.index if _is_pandas(y) else None
        self.log_ = self.transform == "log" and bool(np.all(values > 0))
        exog = None
        self.exog_names_ = []
        if X is not None:
            exog, self.exog_names_ = _as_matrix(X, "X")
            if len(exog) != len(values):
                raise ValueError(f"X has {len(exog)} rows, but y has {len(values)}; they must be aligned in time.")
        self._history = self._stack(self._forward(values), exog)
        steps_out = self.horizon if self.strategy == "direct" else 1
        needed = self.n_steps_in + steps_out
        if len(values) < needed + 1:
            raise ValueError(
                f"y has {len(values)} time steps, too short for n_steps_in={self.n_steps_in} and "
                f"{steps_out} step(s) out: at least {needed + 1} are needed."
            )
        Xw, yw = make_windows(self._history, self.n_steps_in, steps_out, targets=list(range(self.n_targets_)))
        self.estimators_ = []
        base = self._base_estimator()
        for i in range(self.n_models):
            est = clone(base)
            params = est.get_params()
            if "random_state" in params and self.random_state is not None:
                est.set_params(random_state=self.random_state + i)
            if "n_steps_out" in params:
                est.set_params(n_steps_out=steps_out)
            self.estimators_.append(est.fit(self._windows_for(est, np.asarray(Xw)), yw))
        return self

    def _stack(self, targets: np.ndarray, exog: np.ndarray | None) -> np.ndarray:
        return targets if exog is None else np.column_stack([targets, exog])

    def _predict_window(self, window: np.ndarray) -> np.ndarray:
        preds = [np.asarray(e.predict(self._windows_for(e, window[np.newaxis]))) for e in self.estimators_]
        return np.mean(preds, axis=0).reshape(-1)

    def _forecast(self, history: np.ndarray, horizon: int, exog_future: np.ndarray | None) -> np.ndarray:
        """Transformed-space forecast ``(horizon, n_targets)`` from ``history`` rows."""
        nt = self.n_targets_
        if self.strategy == "direct":
            if horizon > self.horizon:
                raise ValueError(
                    f"horizon={horizon} exceeds the direct model's horizon={self.horizon}; refit with a larger "
                    "horizon or use strategy='recursive'."
                )
            out = self._predict_window(history[-self.n_steps_in :]).reshape(self.horizon, nt)
            return out[:horizon]
        rows = list(history[-self.n_steps_in :])
        out = []
        for h in range(horizon):
            step = self._predict_window(np.asarray(rows[-self.n_steps_in :]))
            out.append(step)
            if exog_future is not None:
                step = np.concatenate([step, exog_future[h]])
            rows.append(step)
        return np.asarray(out)

    def _check_exog_future(self, X: Any, horizon: int) -> np.ndarray | None:
        if not self.exog_names_:
            if X is not None:
                raise ValueError("X was given to predict, but the forecaster was fitted without exogenous columns.")
            return None
        if self.strategy == "direct":
            return None  # the direct model uses past exogenous values only
        if X is None:
            raise ValueError(
                f"The forecaster was fitted with exogenous columns {self.exog_names_}; the recursive strategy "
                f"needs their future values: pass X with {horizon} rows."
            )
        exog, _ = _as_matrix(X, "X")
        if exog.shape != (horizon, len(self.exog_names_)):
            raise ValueError(
                f"X must have shape ({horizon}, {len(self.exog_names_)}) (horizon rows of {self.exog_names_}); "
                f"got {exog.shape}."
            )
        return exog

    def predict(self, horizon: int | None = None, X: Any = None) -> Any:
        """Forecast the next ``horizon`` values (default: the ``horizon`` parameter).

        Returns a pandas Series (one target) or DataFrame with the future index
        when ``y`` had a Period, Datetime or Range index; otherwise an array of
        shape (horizon,) or (horizon, n_targets).
        """
        check_is_fitted(self, "estimators_")
        horizon = self._check_horizon(horizon)
        out = self._inverse(self._forecast(self._history, horizon, self._check_exog_future(X, horizon)))
        return self._wrap(out)

    def _check_horizon(self, horizon: int | None) -> int:
        horizon = self.horizon if horizon is None else horizon
        if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral) or horizon < 1:
            raise ValueError(f"horizon must be a positive integer, got {horizon!r}.")
        return int(horizon)

    def _wrap(self, out: np.ndarray, suffix: str = "") -> Any:
        index = None if self.index_ is None else future_index(self.index_, len(out))
        if index is None:
            return out[:, 0] if self.n_targets_ == 1 else out
        import pandas as pd

        if self.n_targets_ == 1:
            return pd.Series(out[:, 0], index=index, name=f"{self.target_names_[0]}{suffix}")
        return pd.DataFrame(out, index=index, columns=[f"{n}{suffix}" for n in self.target_names_])

    def predict_interval(self, horizon: int | None = None, coverage: float = 0.9, X: Any = None, n_folds: int = 3) -> Any:
        """Point forecast with split-conformal intervals from backtest residuals.

        The absolute errors of a ``n_folds``-fold rolling-origin backtest on the
        training series (refitting a clone each fold) give, per target, the
        ``coverage`` quantile (with the finite-sample correction) that is added
        to and subtracted from the forecast.

        Returns
        -------
        DataFrame or ndarray
            Columns ``<target>``, ``<target>_lower``, ``<target>_upper`` (or an
            array of shape (horizon, 3 * n_targets) in that order).
        """
        check_is_fitted(self, "estimators_")
        if not 0 < coverage < 1:
            raise ValueError(f"coverage must be in (0, 1), got {coverage!r}.")
        horizon = self._check_horizon(horizon)
        point = self._inverse(self._forecast(self._history, horizon, self._check_exog_future(X, horizon)))
        width = self._conformal_width(horizon, coverage, n_folds)
        lower, upper = point - width, point + width
        if self.index_ is None:
            return np.concatenate([point, lower, upper], axis=1)
        import pandas as pd

        return pd.concat([self._wrap(point), self._wrap(lower, "_lower"), self._wrap(upper, "_upper")], axis=1)

    def _conformal_width(self, horizon: int, coverage: float, n_folds: int) -> np.ndarray:
        key = (horizon, n_folds)
        cache = self.__dict__.setdefault("_residual_cache", {})
        if key not in cache:
            targets = self._inverse(self._history[:, : self.n_targets_])
            exog = self._history[:, self.n_targets_ :] if self.exog_names_ else None
            result = _run_backtest(self, targets, exog, horizon=horizon, n_folds=n_folds, refit=True)
            cache[key] = np.concatenate([np.abs(r["actual"] - r["forecast"]) for r in result])
        residuals = cache[key]
        n = len(residuals)
        level = min(1.0, np.ceil((n + 1) * coverage) / n)
        return np.quantile(residuals, level, axis=0, method="higher")


class SeasonalNaiveForecaster(BaseEstimator):
    """Repeat the last season: the benchmark every forecaster should beat.

    Parameters
    ----------
    season_length : int, default=12
    """

    strategy = "direct"  # forecasts every step at once; backtest feeds it no exogenous values

    def __init__(self, season_length: int = 12):
        self.season_length = season_length

    def fit(self, y: Any, X: Any = None) -> SeasonalNaiveForecaster:
        values, self.target_names_ = _as_matrix(y, "y")
        if len(values) < self.season_length:
            raise ValueError(f"y has {len(values)} steps, fewer than season_length={self.season_length}.")
        self._history = values
        self.n_targets_ = values.shape[1]
        self.index_ = y.index if _is_pandas(y) else None
        self.exog_names_ = []
        return self

    def _forecast(self, history: np.ndarray, horizon: int, exog_future: Any = None) -> np.ndarray:
        last = history[-self.season_length :]
        reps = int(np.ceil(horizon / self.season_length))
        return np.tile(last, (reps, 1))[:horizon]

    def _inverse(self, values: np.ndarray) -> np.ndarray:
        return values

    def _forward(self, values: np.ndarray) -> np.ndarray:
        return values

    def _stack(self, targets: np.ndarray, exog: Any) -> np.ndarray:
        return targets

    def predict(self, horizon: int = 12, X: Any = None) -> Any:
        check_is_fitted(self, "_history")
        return LSTMForecaster._wrap(self, self._forecast(self._history, horizon))


class RollingOriginSplit(BaseCrossValidator):
    """Rolling-origin folds over time: each test block is the ``horizon`` steps after its origin.

    The last ``n_splits * horizon`` steps are split into consecutive test
    blocks. The training part is everything before the origin (``window=
    "expanding"``) or the ``train_size`` steps before it (``"sliding"``),
    less a ``gap``. Works as a scikit-learn splitter on any array whose rows
    are in time order.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.forecasting import RollingOriginSplit
    >>> [(len(tr), te.tolist()) for tr, te in RollingOriginSplit(2, horizon=2).split(np.zeros(8))]
    [(4, [4, 5]), (6, [6, 7])]
    """

    def __init__(self, n_splits: int = 3, horizon: int = 12, window: str = "expanding", train_size: int | None = None,
                 gap: int = 0):
        self.n_splits = n_splits
        self.horizon = horizon
        self.window = window
        self.train_size = train_size
        self.gap = gap

    def split(self, X: Any, y: Any = None, groups: Any = None):
        n = len(X)
        first = n - self.n_splits * self.horizon
        if first - self.gap < 1:
            raise ValueError(
                f"{n} time steps are too few for n_splits={self.n_splits} folds of horizon={self.horizon} "
                f"with gap={self.gap}."
            )
        if self.window not in ("expanding", "sliding"):
            raise ValueError(f"window must be 'expanding' or 'sliding', got {self.window!r}.")
        for k in range(self.n_splits):
            origin = first + k * self.horizon
            end = origin - self.gap
            start = 0 if self.window == "expanding" else max(0, end - (self.train_size or first - self.gap))
            yield np.arange(start, end), np.arange(origin, origin + self.horizon)

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        return self.n_splits


def _run_backtest(forecaster, targets, exog, *, horizon, n_folds, refit, window="expanding", train_size=None):
    splitter = RollingOriginSplit(n_folds, horizon, window, train_size)
    folds = []
    fitted = None
    for k, (train, test) in enumerate(splitter.split(targets)):
        if refit or fitted is None:
            fitted = clone(forecaster).fit(targets[train], None if exog is None else exog[train])
        end = train[-1] + 1
        if refit:
            history = fitted._history
        else:
            history = fitted._stack(fitted._forward(targets[:end]), None if exog is None else exog[:end])
        exog_future = None if exog is None or fitted.strategy == "direct" else exog[test]
        forecast = fitted._inverse(fitted._forecast(history, horizon, exog_future))
        folds.append({"fold": k, "train": train, "test": test, "forecast": forecast, "actual": targets[test]})
    return folds


def backtest(
    forecaster: Any,
    y: Any,
    X: Any = None,
    *,
    horizon: int = 12,
    n_folds: int = 3,
    window: str = "expanding",
    train_size: int | None = None,
    refit: bool = True,
    season_length: int = 1,
) -> Any:
    """Rolling-origin evaluation: one row per fold with MAE, RMSE, MAPE (%) and MASE.

    MASE divides the fold's MAE by the in-sample MAE of the seasonal-naive
    forecast (lag ``season_length``) on the fold's training part. With
    ``refit=False`` the forecaster is fitted once, on the first fold's
    training data, and later folds only move the forecast origin.

    Returns a pandas DataFrame (its ``attrs["forecasts"]`` holds a
    :class:`FoldForecast` per fold) when pandas is installed, else a list of dicts.
    """
    targets, names = _as_matrix(y, "y")
    exog = None if X is None else _as_matrix(X, "X")[0]
    folds = _run_backtest(forecaster, targets, exog, horizon=horizon, n_folds=n_folds, refit=refit, window=window,
                          train_size=train_size)
    index = y.index if _is_pandas(y) else None
    rows = []
    for f in folds:
        err = f["actual"] - f["forecast"]
        train_vals = targets[f["train"]]
        scale = np.mean(np.abs(train_vals[season_length:] - train_vals[:-season_length]))
        label = (lambda i: index[i]) if index is not None else (lambda i: int(i))
        rows.append({
            "fold": f["fold"],
            "train_start": label(f["train"][0]),
            "train_end": label(f["train"][-1]),
            "test_start": label(f["test"][0]),
            "test_end": label(f["test"][-1]),
            "mae": float(np.mean(np.abs(err))),
            "rmse": float(np.sqrt(np.mean(err**2))),
            "mape": float(100 * np.mean(np.abs(err / f["actual"]))),
            "mase": float(np.mean(np.abs(err)) / scale) if scale > 0 else float("nan"),
        })
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return rows
    table = pd.DataFrame(rows)
    table.attrs["forecasts"] = [
        FoldForecast(index[f["test"]] if index is not None else f["test"], f["forecast"], f["actual"], names)
        for f in folds
    ]
    return table


@dataclasses.dataclass(eq=False)  # compared by identity, so pandas can copy and compare ``attrs``
class FoldForecast:
    """One backtest fold's test labels, forecast and actual values ``(horizon, n_targets)``."""

    test: Any
    forecast: np.ndarray
    actual: np.ndarray
    names: list
