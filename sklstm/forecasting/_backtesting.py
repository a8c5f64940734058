"""Rolling-origin evaluation of a forecaster: folds over time, metrics per fold.

:class:`RollingOriginSplit` is a scikit-learn splitter (``TimeSeriesSplit``
with a forecast horizon as its test size); :func:`backtest` fits a clone of a
forecaster before each fold's origin and scores its forecast of the fold.
"""

from __future__ import annotations

import dataclasses
import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import BaseCrossValidator, TimeSeriesSplit

from .._compat import Interval, StrOptions, validate_parameter_constraints
from .._validation import check_positive_int
from ._base import BaseForecaster
from ._series import SeriesData, as_matrix, check_time_index, is_pandas, resolve_season

__all__ = ["FoldForecast", "RollingOriginSplit", "backtest", "panel_backtest"]


class RollingOriginSplit(BaseCrossValidator):
    """Rolling-origin folds over time: each test block is the ``horizon`` steps after its origin.

    The last ``n_splits * horizon`` steps are split into consecutive test
    blocks. The training part is everything before the origin (``window=
    "expanding"``) or the ``train_size`` steps before it (``"sliding"``),
    less a ``gap``. Works as a scikit-learn splitter on any array whose rows
    are in time order; the folds are scikit-learn's ``TimeSeriesSplit`` with
    ``test_size=horizon`` (and ``max_train_size=train_size`` when sliding),
    with a clear error when the series is too short.

    Parameters
    ----------
    n_splits : int, default=3
        Folds (test blocks).
    horizon : int, default=12
        Steps in each test block.
    window : {"expanding", "sliding"}, default="expanding"
        Train on everything before the origin, or on the ``train_size`` steps before it.
    train_size : int, default=None
        Training steps of a sliding window.
    gap : int, default=0
        Steps left out between the training part and the test block.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import RollingOriginSplit
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

    _parameter_constraints: dict = {
        "n_splits": [Interval(numbers.Integral, 1, None, closed="left")],
        "horizon": [Interval(numbers.Integral, 1, None, closed="left")],
        "window": [StrOptions({"expanding", "sliding"})],
        "train_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "gap": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def split(self, X: Any, y: Any = None, groups: Any = None):
        """Yield ``(train, test)`` index arrays, oldest fold first.

        Parameters
        ----------
        X : array-like of shape (n_time, ...)
            Rows in time order.
        y, groups : ignored
            Present for scikit-learn's splitter API.

        Yields
        ------
        train, test : ndarray of int
        """
        params = {name: getattr(self, name) for name in self._parameter_constraints}
        validate_parameter_constraints(self._parameter_constraints, params, caller_name=type(self).__name__)
        n = len(X)
        first = n - self.n_splits * self.horizon
        if first - self.gap < 1:
            raise ValueError(
                f"{n} time steps are too few for n_splits={self.n_splits} folds of horizon={self.horizon} "
                f"with gap={self.gap}."
            )
        sliding = self.window == "sliding"
        folds = TimeSeriesSplit(self.n_splits, test_size=self.horizon, gap=self.gap,
                                max_train_size=(self.train_size or first - self.gap) if sliding else None)
        yield from folds.split(np.zeros((n, 1)))

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """The number of folds.

        Parameters
        ----------
        X, y, groups : ignored
            Present for scikit-learn's splitter API.

        Returns
        -------
        int
        """
        return self.n_splits


def _run_backtest(forecaster: BaseForecaster, data: SeriesData, *, horizon: int, n_folds: int, refit: bool,
                  window: str = "expanding", train_size: int | None = None, season: int | None = None) -> list[dict]:
    """Fit (a clone of) ``forecaster`` before each fold's origin and forecast the fold."""
    splitter = RollingOriginSplit(n_folds, horizon, window, train_size)
    template = clone(forecaster)
    params = template.get_params()
    if "horizon" in params:
        template.set_params(horizon=horizon)  # the direct strategy then outputs exactly the fold's steps
    if params.get("season_length") == "auto" and season is not None:
        template.set_params(season_length=season)  # folds are fitted on plain arrays, all with one season
    folds = []
    fitted = None
    for k, (train, test) in enumerate(splitter.split(data.y)):
        start, end = int(train[0]), int(train[-1]) + 1
        history = data.head(end, start)
        last_window = None
        if refit or fitted is None:
            kwargs = {name: part for name, part in (("X", history.future), ("X_past", history.past)) if part is not None}
            fitted = clone(template).fit(history.y, **kwargs)
        else:  # the first fold's model, forecasting from this fold's origin
            last_window = np.column_stack([part for part in (history.y, history.past, history.future) if part is not None])
        future = None if data.future is None else data.future[end : end + horizon]
        forecast = np.asarray(fitted.predict(horizon, X=future, last_window=last_window)).reshape(horizon, -1)
        folds.append({"fold": k, "train": train, "test": test, "forecast": forecast, "actual": data.y[test]})
    return folds


def _metrics(actual: np.ndarray, forecast: np.ndarray, scale: float) -> dict[str, float]:
    """MAE, RMSE, MAPE (%, NaN when an actual value is 0) and MASE (MAE over ``scale``) of one fold."""
    from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, root_mean_squared_error

    mae = float(mean_absolute_error(actual, forecast))
    mape = float("nan") if np.any(actual == 0) else 100 * float(mean_absolute_percentage_error(actual, forecast))
    return {
        "mae": mae,
        "rmse": float(root_mean_squared_error(actual, forecast)),
        "mape": mape,
        "mase": mae / scale if scale > 0 else float("nan"),
    }


def backtest(
    forecaster: Any,
    y: Any,
    X: Any = None,
    X_past: Any = None,
    *,
    horizon: int = 12,
    n_folds: int = 3,
    window: str = "expanding",
    train_size: int | None = None,
    refit: bool = True,
    season_length: int | str = "auto",
) -> Any:
    """Rolling-origin evaluation: one row per fold with MAE, RMSE, MAPE (%) and MASE.

    Each fold fits a clone of ``forecaster`` (with its ``horizon`` set to the
    fold's) on the data before the fold's origin, with the future-known
    covariates ``X`` and past-only covariates ``X_past`` of that part, and
    forecasts ``horizon`` steps, reading ``X`` of the fold's steps. MASE
    divides the fold's MAE by the in-sample MAE of the seasonal-naive forecast
    (lag ``season_length``) on the fold's training part; ``"auto"`` resolves
    the season as the forecasters do (the index's frequency, else the period
    detected in the series), once, on the data before the first fold's test,
    and fits every fold with it (a forecaster whose ``season_length`` is
    ``"auto"`` gets it too). With ``refit=False``
    the forecaster is fitted once, on the first fold's training data, and
    later folds only move the forecast origin.

    Returns a pandas DataFrame (its ``attrs["season_length"]`` is the season
    MASE used, and ``attrs["forecasts"]`` holds a
    :class:`FoldForecast` per fold) when pandas is installed, else a list of dicts.

    Parameters
    ----------
    forecaster : BaseForecaster
        An sklstm forecaster (a clone is fitted per fold).
    y : array-like or pandas Series/DataFrame of shape (n_time,) or (n_time, n_targets)
        The series.
    X : array-like or DataFrame of shape (n_time, n_future), default=None
        Future-known covariates.
    X_past : array-like or DataFrame of shape (n_time, n_past), default=None
        Past-only covariates.
    horizon : int, default=12
        Steps per fold.
    n_folds : int, default=3
        Folds.
    window : {"expanding", "sliding"}, default="expanding"
        As for :class:`RollingOriginSplit`.
    train_size : int, default=None
        Training steps of a sliding window.
    refit : bool, default=True
        Fit every fold, or only the first.
    season_length : int or "auto", default="auto"
        The seasonal-naive lag of MASE.

    Returns
    -------
    DataFrame or list of dict
        One row per fold: its MAE, RMSE, MAPE and MASE.
    """
    if not isinstance(forecaster, BaseForecaster):
        raise TypeError(
            f"backtest needs an sklstm forecaster (LSTMForecaster, SeasonalNaiveForecaster or a BaseForecaster "
            f"subclass); got {type(forecaster).__name__}. Wrap a regressor in LSTMForecaster(estimator)."
        )
    check_positive_int(horizon, "horizon")
    check_positive_int(n_folds, "n_folds")
    if not isinstance(refit, (bool, np.bool_)):
        raise ValueError(f"refit must be True or False, got {refit!r}.")
    targets, names = as_matrix(y, "y")
    future = None if X is None else as_matrix(X, "X")[0]
    past = None if X_past is None else as_matrix(X_past, "X_past")[0]
    for name, part in (("X", future), ("X_past", past)):
        if part is not None and len(part) != len(targets):
            raise ValueError(f"{name} has {len(part)} rows, but y has {len(targets)}; they must be aligned in time.")
    index = y.index if is_pandas(y) else None
    check_time_index(index)
    if len(targets) <= n_folds * horizon:
        raise ValueError(f"y has {len(targets)} time steps, too few for n_folds={n_folds} folds of horizon={horizon}: "
                         f"they test the last {n_folds * horizon} and leave none to fit on. Ask for fewer folds or a "
                         "shorter horizon.")
    shortest = min(len(train) for train, _ in RollingOriginSplit(n_folds, horizon, window, train_size).split(targets))
    if season_length == "auto":
        first_test = len(targets) - n_folds * horizon
        season_length = resolve_season("auto", index, targets[:first_test])
    check_positive_int(season_length, "season_length")
    if season_length >= shortest:
        raise ValueError(f"season_length={season_length} leaves no seasonal-naive error to scale MASE by: the "
                         f"shortest training part has {shortest} steps.")
    folds = _run_backtest(forecaster, SeriesData(targets, past, future), horizon=horizon, n_folds=n_folds, refit=refit,
                          window=window, train_size=train_size, season=int(season_length))
    rows = []
    for f in folds:
        train_vals = targets[f["train"]]
        scale = np.mean(np.abs(train_vals[season_length:] - train_vals[:-season_length]))
        label = (lambda i: index[i]) if index is not None else (lambda i: int(i))
        rows.append({
            "fold": f["fold"],
            "train_start": label(f["train"][0]),
            "train_end": label(f["train"][-1]),
            "test_start": label(f["test"][0]),
            "test_end": label(f["test"][-1]),
            **_metrics(f["actual"], f["forecast"], scale),
        })
    warn_undefined_mase([f"fold {r['fold']}" for r in rows if np.isnan(r["mase"])], int(season_length))
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return rows
    table = pd.DataFrame(rows)
    table.attrs["season_length"] = int(season_length)
    table.attrs["forecasts"] = [
        FoldForecast(index[f["test"]] if index is not None else f["test"], f["forecast"], f["actual"], names)
        for f in folds
    ]
    return table


def warn_undefined_mase(where: list, season: int | None) -> None:
    """Warn, naming them (the first five), about folds whose MASE is NaN: a training part that does not change."""
    if not where:
        return
    lag = f"over {season} steps (season_length)" if season else "over the season"
    named = ", ".join(where[:5]) + (f" and {len(where) - 5} more" if len(where) > 5 else "")
    warnings.warn(f"MASE is undefined (NaN) for {named}: the training values do not change {lag}, so the "
                  "seasonal-naive error that scales MASE is 0. The mean MASE leaves them out; MAE and RMSE are given.",
                  RuntimeWarning, stacklevel=3)


@dataclasses.dataclass(eq=False)  # compared by identity, so pandas can copy and compare ``attrs``
class FoldForecast:
    """One backtest fold's test labels, forecast and actual values ``(horizon, n_targets)``."""

    test: Any
    forecast: np.ndarray
    actual: np.ndarray
    names: list


def panel_backtest(forecaster: Any, Y: Any, static: Any = None, *, X: Any = None, X_past: Any = None,
                   horizon: int = 12, n_folds: int = 3, season_length: int | str = "auto") -> Any:
    """Rolling-origin evaluation of a panel forecaster: one row per series and fold, MAE and MASE.

    Fold ``k`` of ``n_folds`` fits a clone of ``forecaster`` on every series
    without its last ``(n_folds - k) * horizon`` values and forecasts the next
    ``horizon`` (with the static covariates ``static``, as ``fit`` takes
    them). MASE divides a series' MAE by the in-sample MAE of its
    seasonal-naive forecast (lag ``season_length``; ``"auto"``: the season
    the fitted forecaster resolved, from the index or the data) on the
    fold's training part. The DataFrame's
    ``attrs["mean_mase"]`` is the mean over series and folds, and
    ``attrs["forecasts"]`` the forecasts ``(n_series, horizon)`` per fold.

    Parameters
    ----------
    forecaster : GlobalLSTMForecaster
    Y : DataFrame
        The panel, long or wide, as ``fit`` takes it.
    static : DataFrame, default=None
        Static covariates per series.
    X : DataFrame, default=None
        Future-known covariates (long: id, time and one column each) at every
        time stamp of ``Y``: each fold fits on its part and forecasts with the
        values of its test steps.
    X_past : DataFrame, default=None
        Past-only covariates, long like ``X``, at every time stamp of ``Y``:
        each fold fits on its part (they enter lagged by ``horizon``) and
        reads nothing of them after its origin.
    horizon : int, default=12
        Steps per fold; each fold's clone of ``forecaster`` is fitted with
        this ``horizon``.
    n_folds : int, default=3
    season_length : int or "auto", default="auto"

    Returns
    -------
    DataFrame
        Columns ``series``, ``fold``, ``test_start``, ``mae``, ``mase``.
    """
    import pandas as pd

    from ._global import GlobalLSTMForecaster
    from ._panels import cut_panel, panel_history, read_panel

    if not isinstance(forecaster, GlobalLSTMForecaster):
        raise TypeError(f"panel_backtest needs a GlobalLSTMForecaster; got {type(forecaster).__name__}.")
    check_positive_int(horizon, "horizon")
    check_positive_int(n_folds, "n_folds")
    if season_length != "auto":
        check_positive_int(season_length, "season_length")
    panel = read_panel(Y, forecaster.id_col, forecaster.time_col, forecaster.target_col)
    too_short = [k for k, y in zip(panel.ids, panel.values) if len(y) <= n_folds * horizon + 1]
    if too_short:
        counted = f" ({len(too_short)} series in all)" if len(too_short) > 1 else ""
        raise ValueError(f"Series {too_short[0]!r}{counted} is too short for n_folds={n_folds} folds of "
                         f"horizon={horizon}: each series needs more than {n_folds * horizon + 1} values. Ask for "
                         "fewer folds or a shorter horizon.")
    rows, forecasts = [], []
    for fold in range(n_folds):
        cut = (n_folds - fold) * horizon
        head = cut_panel(panel, list(range(len(panel.ids))), cut)
        fitted = clone(forecaster).set_params(horizon=horizon).fit(panel_history(head), static, X=X, X_past=X_past)
        season = fitted.season_length_ if season_length == "auto" else int(season_length)
        forecast = read_panel(fitted.predict(horizon, X=X), *panel.columns).values
        forecasts.append(np.vstack(forecast))
        for i, key in enumerate(panel.ids):
            train, actual = head.values[i], panel.values[i][len(head.values[i]) : len(head.values[i]) + horizon]
            lag = season if len(train) > season else 1
            mae = float(np.mean(np.abs(actual - forecast[i])))
            scale = float(np.mean(np.abs(train[lag:] - train[:-lag])))
            rows.append({"series": key, "fold": fold, "test_start": panel.indexes[i][len(train)], "mae": mae,
                         "mase": mae / scale if scale > 0 else float("nan")})
    table = pd.DataFrame(rows)
    warn_undefined_mase([f"series {r['series']!r} fold {r['fold']}" for r in rows if np.isnan(r["mase"])], None)
    table.attrs["mean_mase"] = float(table["mase"].mean())
    table.attrs["forecasts"] = forecasts
    return table
