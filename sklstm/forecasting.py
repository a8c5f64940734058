"""From a raw series to a dated forecast: :class:`LSTMForecaster`, backtesting and intervals.

The estimators answer "given this window, what comes next". The forecaster
owns the windowing and the choices a careful practitioner makes around the
network: ``fit(y, X=None, X_past=None)`` on a raw series (with optional
future-known covariates ``X`` and past-only covariates ``X_past``),
``predict(horizon, X=None)`` for the next values with their future dates,
:func:`backtest` for a rolling-origin evaluation and ``predict_interval`` for
conformal prediction intervals whose width grows with the step.
"""

from __future__ import annotations

import dataclasses
import numbers
import sys
import warnings
from typing import Any, NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from sklearn.utils.validation import check_is_fitted

from ._validation import check_finite_numeric, check_positive_int
from .lags import TRANSFORMS, LagLayout, SeriesTransform, build_frame, forecast_paths, training_windows

__all__ = [
    "check_time_index",
    "LSTMForecaster",
    "SeasonalNaiveForecaster",
    "ForecasterSelection",
    "RollingOriginSplit",
    "backtest",
    "rank_weights",
    "season_length_from_index",
]

_RIDGE_ALPHAS = np.logspace(-6, 3, 19)
_RESIDUAL_WEIGHTS = (0.0, 0.5)  # "auto": drop the network's correction, or add half of it
_SEASONS = {"M": 12, "MS": 12, "ME": 12, "Q": 4, "QS": 4, "QE": 4, "D": 7, "B": 5, "h": 24, "H": 24, "W": 52}


def _is_pandas(obj: Any) -> bool:
    return hasattr(obj, "index") and hasattr(obj, "to_numpy")


def _as_matrix(obj: Any, name: str) -> tuple[np.ndarray, list]:
    """``(n_time, n_columns)`` float array and column names of a series/frame/array."""
    if hasattr(obj, "columns"):
        names = [str(c) for c in obj.columns]
        values = obj.to_numpy()
    elif _is_pandas(obj):
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
    """The season length implied by a pandas index's frequency (12 for monthly, 4 quarterly, 7 daily, ...); 1 if none.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.forecasting import season_length_from_index
    >>> season_length_from_index(pd.period_range("2020-01", periods=3, freq="M"))
    12
    >>> season_length_from_index(pd.RangeIndex(5))
    1
    """
    freq = getattr(index, "freqstr", None)
    if freq is None and index is not None and len(index) >= 3 and hasattr(index, "inferred_freq"):
        freq = index.inferred_freq
    if not freq:
        return 1
    base = freq.split("-")[0].lstrip("0123456789")
    return _SEASONS.get(base, 1)


def check_time_index(index: Any, name: str = "y") -> None:
    """Raise a clear error unless a pandas ``index`` runs forward in time, once per step, without gaps.

    Datetime and Period indexes must be strictly increasing and regularly
    spaced; other indexes (integers) strictly increasing. ``None`` (a plain
    array) passes.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.forecasting import check_time_index
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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            regular = index.freq is not None or (len(index) >= 3 and pd.infer_freq(index) is not None)
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


@dataclasses.dataclass(frozen=True)
class _Data:
    """Targets ``(n, k)``, past-only covariates ``(n, p)`` and future-known covariates ``(n + extra, f)``."""

    y: np.ndarray
    past: np.ndarray | None = None
    future: np.ndarray | None = None

    def head(self, stop: int, start: int = 0) -> _Data:
        past = None if self.past is None else self.past[start:stop]
        future = None if self.future is None else self.future[start:stop]
        return _Data(self.y[start:stop], past, future)

    def with_future(self, rows: np.ndarray | None) -> _Data:
        """The same history with known future covariate ``rows`` appended."""
        if rows is None or self.future is None:
            return self
        return _Data(self.y, self.past, np.concatenate([self.future[: len(self.y)], rows]))


@dataclasses.dataclass(frozen=True)
class ForecasterSelection:
    """What :class:`LSTMForecaster` chose on the held-out end of the training series.

    ``validation_mase`` is the mean absolute error of the chosen configuration
    over the validation forecasts, divided by the in-sample seasonal-naive error;
    ``linear_mase`` is the same without the network. ``combined_with`` lists the
    other configurations (ridge alone) whose forecasts are combined with it
    (weights in ``LSTMForecaster.combination_weights_``).
    """

    transform: str
    n_steps_in: int
    epochs: int | None
    residual_weight: float
    validation_mase: float
    linear_mase: float
    combined_with: tuple = ()


@dataclasses.dataclass
class _LagModel:
    """A fitted configuration: transform, layout, scaling, ridge and the networks that correct it."""

    transform: SeriesTransform
    layout: LagLayout
    offset: np.ndarray
    scale: np.ndarray
    linear: Any
    networks: list

    def predict_scaled(self, windows: np.ndarray, weight: float = 0.0) -> np.ndarray:
        """Scaled outputs of the ridge plus ``weight`` times the networks' mean correction."""
        n = len(windows)
        if self.linear is not None:
            out = np.asarray(self.linear.predict(windows.reshape(n, -1)), dtype=np.float64).reshape(n, -1)
        else:
            out = np.zeros((n, self.layout.n_outputs))
        if weight and self.networks:
            inputs = windows if self.linear is None else _network_inputs(windows, self.layout)
            correction = np.mean([_predict_network(e, inputs) for e in self.networks], axis=0)
            out = out + weight * correction
        return out

    def frame(self, data: _Data, n_rows: int) -> np.ndarray:
        z = self.transform.forward(data.y)
        raw = build_frame(z, data.past, data.future, self.layout, self.transform.diff, n_rows)
        return (raw - self.offset) / self.scale

    def forecast(self, data: _Data, origins: np.ndarray, horizon: int, weight: float = 0.0) -> np.ndarray:
        """Raw forecasts ``(len(origins), horizon, n_targets)`` from each origin (a time index into ``data``)."""
        origins = np.asarray(origins, dtype=int)
        d, k = self.transform.diff, self.layout.n_targets
        frame = self.frame(data, int(origins.max()) - d + horizon)
        paths = forecast_paths(frame, origins - d, horizon, self.layout, lambda w: self.predict_scaled(w, weight))
        return self.transform.inverse(paths * self.scale[:k] + self.offset[:k], data.y[origins - 1])


class _Plan(NamedTuple):
    """Where the held-out end is scored: steps ahead, forecast origins, per-target MASE scale."""

    steps: int
    origins: np.ndarray
    scale: np.ndarray


def rank_weights(n: int) -> np.ndarray:
    """Combination weights of ``n`` configurations ranked best first: proportional to ``n, n - 1, ..., 1``.

    A middle way between the single best of a noisy validation (which
    forecasts worse than a combination on short series) and the plain mean
    (which gives a poor configuration as much say as the best).

    >>> rank_weights(3).round(3).tolist()
    [0.5, 0.333, 0.167]
    """
    w = np.arange(n, 0, -1, dtype=np.float64)
    return w / w.sum()


def _blend(paths: list, weights: np.ndarray, corrected: np.ndarray | None = None, weight: float = 0.0) -> np.ndarray:
    """Weighted mean of the members' ``paths``, plus ``weight`` times what the networks change in the first."""
    out = np.tensordot(np.asarray(weights, dtype=np.float64), np.asarray(paths), axes=1)
    return out if corrected is None or not weight else out + weight * (corrected - paths[0])


def _combine(members: list[_LagModel], weights: np.ndarray, data: _Data, origins: np.ndarray, horizon: int,
             weight: float) -> np.ndarray:
    """The members' weighted forecast, plus ``weight`` times what the first member's networks change in its own."""
    paths = [m.forecast(data, origins, horizon) for m in members]
    use = weight and members[0].networks
    corrected = members[0].forecast(data, origins, horizon, weight=1.0) if use else None
    return _blend(paths, weights, corrected, weight)


# predict and predict_interval forecast at most this many times the length of the training series.
_MAX_HORIZON_RATIO = 10


def _label(transform: SeriesTransform, n_steps_in: int) -> str:
    return f"{transform.name}, n_steps_in={n_steps_in}"


def _network_inputs(windows: np.ndarray, layout: LagLayout) -> np.ndarray:
    """Windows with each target (and past covariate) column taken relative to its last value.

    The network then sees the window's shape, not its level, and stays within
    the range it was trained on when a trending series moves past it; the
    ridge under it carries the level (without a ridge the network gets the
    windows as they are). Future covariates keep their values.
    """
    out = np.array(windows, dtype=np.float64)
    fed = layout.n_targets + layout.n_past
    out[:, :, :fed] -= out[:, -1:, :fed]
    return out


def _predict_network(est: Any, windows: np.ndarray) -> np.ndarray:
    inputs = windows if hasattr(est, "predict_steps") else windows.reshape(len(windows), -1)
    return np.asarray(est.predict(inputs), dtype=np.float64).reshape(len(windows), -1)


def _scale_stats(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        offset = np.nan_to_num(np.nanmean(frame, axis=0))
        scale = np.nan_to_num(np.nanstd(frame, axis=0))
    scale = np.where(scale > 1e-12 * np.maximum(1.0, np.abs(offset)), scale, 1.0)
    return offset, scale


def _mase_scale(y: np.ndarray, season: int) -> np.ndarray:
    """Per-column in-sample MAE of the seasonal-naive forecast (lag ``season``, or 1 if too short)."""
    lag = season if len(y) > season else 1
    scale = np.mean(np.abs(y[lag:] - y[:-lag]), axis=0) if len(y) > lag else np.ones(y.shape[1])
    return np.where(scale > 0, scale, 1.0)


class LSTMForecaster(BaseEstimator):
    """Forecast a raw series: ridge regressions on lag windows, corrected by an LSTM where that validates.

    Every transform and window length that applies (``"auto"``) gets a ridge
    regression on its lag windows (transformed, standardised); their forecasts
    are combined with weights that fall with their validation rank
    (:func:`rank_weights`), because on short series the single best of a noisy
    validation forecasts worse than a combination. The configuration that
    validated best also gets ``n_models`` networks (``estimator``) that learn
    its ridge's residuals from windows taken relative to their last value;
    ``residual_weight`` times the change they make to its forecast is added.

    Everything ``"auto"`` is decided in ``fit`` on the held-out end of the
    training series (never on data passed later): the networks are trained
    on the windows before it (early stopping on the last fifth of those), and
    the weight, 0 (drop the network) or 0.5, is the one whose forecasts from
    every origin of the held-out stretch are more accurate. The ridges are
    then refitted on all the data; the networks are kept as validated. What
    was chosen is in ``selection_``. A parameter set explicitly is used
    exactly.

    Parameters
    ----------
    estimator : estimator, default=None
        The network that learns the linear model's residuals. ``None`` uses
        ``VanillaLSTMRegressor(units=32, epochs=300, linear_baseline=False)``.
        Any sklstm estimator, or any scikit-learn regressor (which receives
        the windows flattened to 2-D), works.
    n_steps_in : int or "auto", default="auto"
        Time steps in each input window. ``"auto"`` combines 1, 2 and 3
        seasons (3, 6 and 12 steps without a season) that the series can
        afford (at least ``horizon`` for the direct strategy with ``X``).
    strategy : {"recursive", "direct"}, default="recursive"
        ``"recursive"`` trains a one-step model and feeds it its own
        predictions; ``"direct"`` trains one multi-output model for all
        ``horizon`` steps (a vector output, or an encoder-decoder when the
        estimator is one).
    horizon : int, default=12
        Steps ahead that the validation scores (and that the direct model
        outputs; ``predict`` with the direct strategy may ask for at most this
        many).
    season_length : int or "auto", default="auto"
        Season of the series. ``"auto"`` reads it from a pandas index's
        frequency (12 monthly, 4 quarterly, 7 daily, 24 hourly), else 1.
    transform : {"auto", "none", "log", "diff", "log-diff"} or None, default="auto"
        Transform of the targets before windowing. ``"log"`` needs every value
        positive; ``"diff"`` models first differences. ``"auto"`` tries
        ``"none"`` and (for positive series) ``"log"``: first differences
        validated better but forecast worse on the real-data benchmark, so
        they are available only when asked for.
    linear_model : bool, default=True
        Fit the ridge regression under the network. ``False`` leaves the
        estimator alone on the windows (the tutorial's pure network).
    residual_weight : float in [0, 1] or "auto", default="auto"
        Weight of the network's correction. ``"auto"`` picks 0 or 0.5 by the
        validation error (0 drops the network: the forecast is the ridges').
    early_stopping : bool, default=True
        Choose the number of epochs (up to the estimator's ``epochs``) by
        early stopping on the last fifth of the training windows before the
        held-out end, and keep those networks. ``False`` trains the
        estimator's ``epochs`` (still before the held-out end when
        ``residual_weight="auto"``, on all the data otherwise).
    nonnegative : bool or "auto", default="auto"
        Clip forecasts (and interval bounds) at zero. ``"auto"``: when no
        training value is negative.
    n_models : int, default=3
        Networks with different seeds whose corrections are averaged.
    random_state : int or None, default=0
        Seed of the first network; network ``i`` uses ``random_state + i``.
    verbose : int, default=0
        0 is quiet. 1 says on stderr what will be fitted and which network is
        training, and shows each network's progress bar (Keras prints it to
        stdout).

    Attributes
    ----------
    selection_ : ForecasterSelection
        The transform, window length, epochs and residual weight used, and
        their validation scores.
    transform_ : str
    n_steps_in_ : int
    epochs_ : int or None
        Median best epoch of the networks (None without networks); the
        refits of ``predict_interval`` train this many.
    residual_weight_ : float
    season_length_ : int
    nonnegative_ : bool
    validation_scores_ : dict
        Validation MASE of each transform and window length tried (ridge alone).
    combination_weights_ : ndarray of shape (n_configurations,)
        Weight of each configuration's forecast, best-validated first (the
        order of ``selection_``: the chosen one, then ``combined_with``).
    estimators_ : list of fitted estimators
        The final networks (empty when the residual weight is 0).
    n_targets_ : int
    target_names_, future_names_, past_names_ : list of str

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklstm.forecasting import LSTMForecaster
    >>> y = [10.0, 20, 30, 40, 50, 60, 70, 80, 90]
    >>> f = LSTMForecaster(Ridge(alpha=1e-6), n_steps_in=3, transform=None, residual_weight=0.0).fit(y)
    >>> f.predict(2).round(1).tolist()
    [100.0, 110.0]
    """

    _parameter_constraints: dict = {
        "estimator": "no_validation",
        "n_steps_in": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "strategy": [StrOptions({"recursive", "direct"})],
        "horizon": [Interval(numbers.Integral, 1, None, closed="left")],
        "season_length": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "transform": [StrOptions({"auto", *TRANSFORMS}), None],
        "linear_model": ["boolean"],
        "residual_weight": [Interval(numbers.Real, 0, 1, closed="both"), StrOptions({"auto"})],
        "early_stopping": ["boolean"],
        "nonnegative": ["boolean", StrOptions({"auto"})],
        "n_models": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator: Any = None,
        n_steps_in: int | str = "auto",
        strategy: str = "recursive",
        horizon: int = 12,
        season_length: int | str = "auto",
        transform: str | None = "auto",
        linear_model: bool = True,
        residual_weight: float | str = "auto",
        early_stopping: bool = True,
        nonnegative: bool | str = "auto",
        n_models: int = 3,
        random_state: int | None = 0,
        verbose: int = 0,
    ):
        self.estimator = estimator
        self.n_steps_in = n_steps_in
        self.strategy = strategy
        self.horizon = horizon
        self.season_length = season_length
        self.transform = transform
        self.linear_model = linear_model
        self.residual_weight = residual_weight
        self.early_stopping = early_stopping
        self.nonnegative = nonnegative
        self.n_models = n_models
        self.random_state = random_state
        self.verbose = verbose

    # ----------------------------------------------------------------- fit
    def fit(self, y: Any, X: Any = None, X_past: Any = None) -> LSTMForecaster:
        """Fit on a raw series, choosing every ``"auto"`` setting on its held-out end.

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
        self : LSTMForecaster
        """
        self._validate_params()
        for name in ("_calibration", "_held_out"):
            self.__dict__.pop(name, None)
        data = self._check_fit_data(y, X, X_past)
        self.season_length_ = (
            season_length_from_index(self.index_) if self.season_length == "auto" else int(self.season_length)
        )
        self.nonnegative_ = bool(np.all(data.y >= 0)) if self.nonnegative == "auto" else bool(self.nonnegative)
        self._data = data
        split = self._validation_plan(len(data.y))
        self._say(
            f"{len(data.y)} steps, season {self.season_length_}: a ridge regression per transform and window length"
            + (f", scored on forecasts from the last {len(split[1])} origins" if split else "")
            + (f"; then {self.n_models} network(s) ({type(self._base_estimator()).__name__}) on the best"
               if self._uses_networks() else "")
        )
        members, paths, plan, held_out = self._select_linear(data)
        self.combination_weights_ = rank_weights(len(members))
        linear_mase = self._validation_mase(plan, _blend(paths, self.combination_weights_)) if plan else float("nan")
        weight, epochs, mase, validated = self._select_network(data, members, paths, plan, linear_mase)
        # The models fitted before the held-out end, as combined in the final forecast: what
        # ``predict_interval`` calibrates on (None when the networks were not fitted there).
        networks_held_out = weight == 0 or validated is not None
        self._held_out = None if plan is None or not networks_held_out else (
            [validated if validated is not None else held_out[0], *held_out[1:]], int(plan.origins[0])
        )
        (transform, n_steps_in), others = members[0], members[1:]
        self.transform_, self.n_steps_in_ = transform.name, n_steps_in
        self.residual_weight_, self.epochs_ = weight, epochs
        self.selection_ = ForecasterSelection(
            transform.name, n_steps_in, epochs, weight, mase, linear_mase, tuple(_label(t, L) for t, L in others)
        )
        if validated is None:
            self._members = self._fit_members(data, len(data.y), members, weight, epochs, self.n_models)
        else:  # keep the networks that were judged on the held-out end; refit the ridges on all the data
            self._members = self._fit_members(data, len(data.y), members, 0.0, None, 0, stats=validated)
            self._members[0].networks = validated.networks if weight > 0 else []
        self.estimators_ = self._members[0].networks
        return self

    def _fit_members(self, data: _Data, stop: int, members: list, weight: float, epochs: int | None,
                     n_models: int, stats: _LagModel | None = None) -> list[_LagModel]:
        """The primary configuration (with its networks when ``weight > 0``) and the other members of the combination.

        ``stats``: a fitted primary whose scaling the new primary keeps (so that its networks can be reused).
        """
        return [
            self._fit_model(data, stop, t, L, networks=weight > 0 and i == 0, epochs=epochs, n_models=n_models,
                            stats=stats if i == 0 else None)
            for i, (t, L) in enumerate(members)
        ]

    def _check_fit_data(self, y: Any, X: Any, X_past: Any) -> _Data:
        values, self.target_names_ = _as_matrix(y, "y")
        self.n_targets_ = values.shape[1]
        self.index_ = y.index if _is_pandas(y) else None
        check_time_index(self.index_)
        parts = {}
        for name, obj in (("X", X), ("X_past", X_past)):
            parts[name], names = (None, []) if obj is None else _as_matrix(obj, name)
            if obj is not None and len(parts[name]) != len(values):
                raise ValueError(
                    f"{name} has {len(parts[name])} rows, but y has {len(values)}; they must be aligned in time."
                )
            dated = self.index_ is not None and _is_pandas(obj) and hasattr(obj.index, "freq")
            if dated and not obj.index.equals(self.index_):
                raise ValueError(f"{name}'s time stamps differ from y's; they must be aligned in time (same index).")
            setattr(self, "future_names_" if name == "X" else "past_names_", names)
        if self.transform in ("log", "log-diff") and not np.all(values > 0):
            raise ValueError(f"transform={self.transform!r} needs every value of y to be positive; got min {values.min():g}.")
        return _Data(values, parts["X_past"], parts["X"])

    def _layout(self, data: _Data, n_steps_in: int) -> LagLayout:
        recursive = self.strategy == "recursive"
        past = 0 if data.past is None else data.past.shape[1]
        future = 0 if data.future is None else data.future.shape[1]
        return LagLayout(n_steps_in, self.horizon, recursive, data.y.shape[1], past, future)

    def _base_estimator(self) -> Any:
        if self.estimator is not None:
            return self.estimator
        from .estimators import VanillaLSTMRegressor

        return VanillaLSTMRegressor(units=32, epochs=300, linear_baseline=False)

    def set_params(self, **params) -> LSTMForecaster:
        """Set parameters; ``estimator__<name>`` also reaches the default network when ``estimator`` is None."""
        if self.estimator is None and params.get("estimator") is None and any(k.startswith("estimator__") for k in params):
            params = {"estimator": self._base_estimator(), **{k: v for k, v in params.items() if k != "estimator"}}
        return super().set_params(**params)

    def _say(self, message: str) -> None:
        if self.verbose:
            print(f"LSTMForecaster: {message}", file=sys.stderr, flush=True)

    def _uses_networks(self) -> bool:
        return not self.linear_model or self.residual_weight == "auto" or self.residual_weight > 0

    # ---------------------------------------------------------- selection
    def _validation_plan(self, n: int) -> tuple[int, np.ndarray] | None:
        """Validation horizon and forecast origins (every step of the last stretch) of a series of length ``n``."""
        steps = min(self.horizon, n // 6)
        if steps < 1:
            return None
        span = max(steps, n // 6)
        return steps, np.arange(n - steps - span, n - steps + 1)

    def _transform_candidates(self, y: np.ndarray) -> list[SeriesTransform]:
        if self.transform != "auto":
            return [SeriesTransform(self.transform or "none")]
        names = ["none", "log"] if np.all(y > 0) else ["none"]
        return [SeriesTransform(n) for n in names]

    def _window_candidates(self, stop: int, layout_steps: int, lost: int, shortest: int = 1) -> list[int]:
        """Window lengths of at least ``shortest`` that leave at least ``max(8, L)`` training windows before ``stop``."""
        if self.n_steps_in != "auto":
            return [int(self.n_steps_in)]
        m = self.season_length_
        base = sorted({max(L, shortest) for L in ([m, 2 * m, 3 * m] if m > 1 else [3, 6, 12])})
        fits = [L for L in base if stop - lost - L - layout_steps + 1 >= max(8, L)]
        return fits or [max(1, min(base[0], (stop - lost - layout_steps) // 3))]

    def _select_linear(self, data: _Data) -> tuple[list, list, _Plan | None, list]:
        """Every configuration (transform, window length), best first, with its validation forecasts
        and its ridge fitted before the held-out end.

        Each is scored by the validation MASE of its ridge alone; all are kept
        and combined with weights by rank, because on short series the single
        best of a noisy validation forecasts worse than a combination.
        """
        n = len(data.y)
        transforms = self._transform_candidates(data.y)
        split = self._validation_plan(n)
        self.validation_scores_ = {}
        steps_out = self.horizon if self.strategy == "direct" else 1
        # The direct model reads the future covariates of its whole horizon from the window's last rows.
        shortest = self.horizon if self.strategy == "direct" and data.future is not None else 1
        if split is None:
            t = transforms[0] if self.transform != "auto" or not np.all(data.y > 0) else SeriesTransform("log")
            return [(t, self._window_candidates(n, steps_out, t.diff, shortest)[-1])], [], None, []
        steps, origins = split
        plan = _Plan(steps, origins, _mase_scale(data.y[: origins[0]], self.season_length_))
        ranked = []
        for t in transforms:
            for L in self._window_candidates(int(origins[0]), steps_out, t.diff, shortest):
                try:
                    model = self._fit_model(data, n, t, L, val_start=int(origins[0]))
                    paths = self._validation_forecast(plan, model, data, 0.0)
                except ValueError:
                    continue
                score = self._validation_mase(plan, paths)
                self.validation_scores_[_label(t, L)] = score
                if np.isfinite(score):
                    ranked.append((score, len(ranked), t, L, paths, model))
        if not ranked:
            raise ValueError(
                f"y has {n} time steps, too short to fit any window length with horizon={self.horizon} "
                f"({'direct' if steps_out > 1 else 'recursive'} strategy)."
            )
        ranked.sort(key=lambda r: r[:2])
        return [(r[2], r[3]) for r in ranked], [r[4] for r in ranked], plan, [r[5] for r in ranked]

    def _validation_forecast(self, plan: _Plan, model: _LagModel, data: _Data, weight: float) -> np.ndarray:
        paths = _combine([model], np.ones(1), data, plan.origins, plan.steps, weight)
        return np.maximum(paths, 0.0) if self.nonnegative_ else paths

    def _validation_mase(self, plan: _Plan, paths: np.ndarray) -> float:
        """Validation MASE of forecasts ``paths`` from the plan's origins."""
        actual = self._data.y[plan.origins[:, np.newaxis] + np.arange(plan.steps)]
        err = np.abs(paths - actual) / plan.scale
        return float(np.mean(err)) if np.all(np.isfinite(err)) else float("inf")

    def _select_network(self, data: _Data, members: list, member_paths: list, plan: _Plan | None,
                        linear_mase: float) -> tuple[float, int | None, float, _LagModel | None]:
        """Weight of the primary member's networks, judged by forecasts on the held-out end.

        The ``n_models`` networks are trained on the windows before the held-out
        end (early stopping on the last fifth of them); the weight whose
        combined validation forecast is best wins. Returns the weight, the networks' median best
        epoch, the validation MASE and the fitted primary (None when nothing
        was validated).
        """
        fixed = None if self.residual_weight == "auto" else float(self.residual_weight)
        if not self.linear_model:
            fixed = 1.0
        if fixed == 0.0:
            return 0.0, None, linear_mase, None
        base = self._base_estimator()
        early = self.early_stopping and "epochs" in base.get_params() and "callbacks" in base.get_params()
        if plan is None or (fixed is not None and not early):
            return (1.0 if fixed is None else fixed), None, float("nan"), None
        transform, n_steps_in = members[0]
        model = self._fit_model(data, len(data.y), transform, n_steps_in, networks=True, val_start=int(plan.origins[0]),
                                n_models=self.n_models, early=early)
        best = [int(np.argmin(net.history_["val_loss"])) + 1 for net in model.networks] if early else []
        epochs = int(np.median(best)) if best else None
        corrected = self._validation_forecast(plan, model, data, 1.0)
        weights = rank_weights(len(member_paths))
        scores = {w: self._validation_mase(plan, _blend(member_paths, weights, corrected, w))
                  for w in ([fixed] if fixed is not None else _RESIDUAL_WEIGHTS)}
        weight = min(scores, key=lambda w: (scores[w], w))  # ties keep the smaller weight
        return weight, (epochs if weight > 0 else None), scores[weight], model

    def _fit_model(self, data: _Data, stop: int, transform: SeriesTransform, n_steps_in: int, *,
                   networks: bool = False, epochs: int | None = None, n_models: int = 1, val_start: int | None = None,
                   early: bool = False, stats: _LagModel | None = None) -> _LagModel:
        """Fit one configuration on ``data[:stop]``; with ``val_start``, windows whose targets start
        there are held out (from the ridge and the networks alike)."""
        layout = self._layout(data, n_steps_in)
        d = transform.diff
        history = data.head(stop)
        z = transform.forward(history.y)
        frame = build_frame(z, history.past, data.future, layout, d, stop - d)
        fit_stop = stop - d if val_start is None else val_start - d
        offset, scale = _scale_stats(frame[:fit_stop]) if stats is None else (stats.offset, stats.scale)
        frame = (frame - offset) / scale
        Xw, yw = training_windows(frame, layout, 0, fit_stop)
        if len(Xw) < 2:
            raise ValueError(
                f"y has {stop} time steps, too short for n_steps_in={n_steps_in} and {layout.steps_out} step(s) "
                f"out: at least {n_steps_in + layout.steps_out + d + 1} are needed."
            )
        linear = None
        if self.linear_model:
            from sklearn.linear_model import RidgeCV

            linear = RidgeCV(alphas=_RIDGE_ALPHAS).fit(Xw.reshape(len(Xw), -1), yw)
        model = _LagModel(transform, layout, offset, scale, linear, [])
        if not networks:
            return model
        # The networks never see the held-out windows: early stopping uses the last fifth of the training ones,
        # so that the held-out forecasts judge the network's weight without bias.
        X_fit, y_fit = (Xw, yw) if val_start is not None else training_windows(frame, layout, 0, stop - d)
        residual = y_fit - (0.0 if linear is None else linear.predict(X_fit.reshape(len(X_fit), -1)).reshape(y_fit.shape))
        n_val = max(1, len(X_fit) // 5) if early else 0
        inputs = X_fit if linear is None else _network_inputs(X_fit, layout)
        for i in range(n_models):
            self._say(f"network {i + 1}/{n_models}: {type(self._base_estimator()).__name__} on {len(inputs)} windows "
                      f"of {n_steps_in} steps" + (f", early stopping on the last {n_val}" if n_val else ""))
            model.networks.append(self._fit_network(inputs, residual, layout, i, epochs=epochs, n_val=n_val))
        return model

    def _fit_network(self, X: np.ndarray, y: np.ndarray, layout: LagLayout, i: int, *, epochs: int | None,
                     n_val: int) -> Any:
        est = clone(self._base_estimator())
        params = est.get_params()
        settings = {"random_state": None if self.random_state is None else self.random_state + i,
                    "n_steps_out": layout.steps_out, "epochs": epochs}
        est.set_params(**{k: v for k, v in settings.items() if k in params and v is not None})
        if self.verbose and "verbose" in params:
            est.set_params(verbose=self.verbose)
        if n_val:
            from ._tf import keras

            patience = max(10, int(params["epochs"]) // 10)
            stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
            est.set_params(validation_split=(n_val - 0.5) / len(X), callbacks=[stop])
        inputs = X if hasattr(est, "predict_steps") else X.reshape(len(X), -1)
        return est.fit(inputs, y if y.shape[1] > 1 or hasattr(est, "predict_steps") else y[:, 0])

    # ------------------------------------------------------------- predict
    def _check_horizon(self, horizon: int | None) -> int:
        horizon = self.horizon if horizon is None else horizon
        horizon = check_positive_int(horizon, "horizon")
        if self.strategy == "direct" and horizon > self.horizon:
            raise ValueError(
                f"horizon={horizon} exceeds the direct model's horizon={self.horizon}; refit with a larger "
                "horizon or use strategy='recursive'."
            )
        longest = _MAX_HORIZON_RATIO * len(self._data.y)
        if horizon > longest:
            raise ValueError(
                f"horizon={horizon} is more than {_MAX_HORIZON_RATIO} times the {len(self._data.y)} steps the "
                f"forecaster was fitted on (at most {longest}); a forecast that far ahead says nothing."
            )
        return int(horizon)

    def _check_future(self, X: Any, horizon: int) -> np.ndarray | None:
        """Validate the future covariates for a forecast of ``horizon`` steps."""
        if not self.future_names_:
            if X is not None:
                raise ValueError("X was given to predict, but the forecaster was fitted without future covariates X.")
            return None
        rows = horizon if self.strategy == "recursive" else self.horizon
        need = f"their values for the next {rows} steps: pass X with {rows} rows of {self.future_names_}"
        if self.strategy == "direct":
            need += f" (the direct model reads all {self.horizon} steps of its horizon)"
        if X is None:
            raise ValueError(f"The forecaster was fitted with future covariates X; predict needs {need}.")
        if hasattr(X, "columns"):
            names = [str(c) for c in X.columns]
            if sorted(names) != sorted(self.future_names_):
                raise ValueError(f"X has columns {names}, but the forecaster was fitted with X columns {self.future_names_}.")
            X = X[[c for n in self.future_names_ for c in X.columns if str(c) == n]]
        values, _ = _as_matrix(X, "X")
        if values.shape != (rows, len(self.future_names_)):
            raise ValueError(f"X must have shape ({rows}, {len(self.future_names_)}): predict needs {need}; got {values.shape}.")
        return values

    def _forecast_from(self, history: _Data, horizon: int, future: np.ndarray | None) -> np.ndarray:
        """Raw forecast ``(horizon, n_targets)`` from the end of ``history`` (aligned as in fit)."""
        data, origin = history.with_future(future), np.array([len(history.y)])
        weights = self.combination_weights_
        return self._clip(_combine(self._members, weights, data, origin, horizon, self.residual_weight_)[0])

    def _clip(self, values: np.ndarray) -> np.ndarray:
        if not np.all(np.isfinite(values)):
            raise RuntimeError(
                "The forecast is not finite (it overflowed); try transform='none' or a shorter horizon."
            )
        return np.maximum(values, 0.0) if self.nonnegative_ else values

    def predict(self, horizon: int | None = None, X: Any = None) -> Any:
        """Forecast the next ``horizon`` values (default: the ``horizon`` parameter).

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast: at most 10 times the length of the training
            series (and at most the ``horizon`` parameter for the direct strategy).
        X : array-like or DataFrame of shape (horizon, n_future), default=None
            The future-known covariates of the forecast steps, required when
            ``fit`` had ``X`` (the direct strategy needs all ``self.horizon``
            rows). DataFrame columns are matched by name.

        Returns
        -------
        Series, DataFrame or ndarray
            A pandas Series (one target) or DataFrame with the future index
            when ``y`` had a Period, Datetime or Range index; otherwise an
            array of shape (horizon,) or (horizon, n_targets).
        """
        check_is_fitted(self, "selection_")
        horizon = self._check_horizon(horizon)
        return self._wrap(self._forecast_from(self._data, horizon, self._check_future(X, horizon)))

    def _wrap(self, out: np.ndarray, suffix: str = "") -> Any:
        index = None if self.index_ is None else future_index(self.index_, len(out))
        if index is None:
            return out[:, 0] if self.n_targets_ == 1 else out
        import pandas as pd

        if self.n_targets_ == 1:
            return pd.Series(out[:, 0], index=index, name=f"{self.target_names_[0]}{suffix}")
        return pd.DataFrame(out, index=index, columns=[f"{n}{suffix}" for n in self.target_names_])

    # ----------------------------------------------------------- intervals
    def predict_interval(self, horizon: int | None = None, coverage: float = 0.9, X: Any = None,
                         method: str = "auto", n_folds: int = 3) -> Any:
        """Point forecast with split-conformal intervals whose width depends on the step.

        Each step's half-width is the ``coverage`` quantile (with the
        finite-sample correction) of out-of-sample absolute errors at that
        step; for a positive series the errors are log ratios and the interval
        multiplicative, so that its width follows the level of a growing
        series. Where the errors come from depends on ``method``:

        - ``"holdout"``: the models that ``fit`` trained before the held-out
          end of the series (ridges and networks, combined as in the final
          forecast) forecast ``horizon`` steps from every origin of that
          stretch. Costs only those forecasts: no training.
        - ``"refit"``: the chosen configuration (no new selection) is refitted
          at ``n_folds`` cut-offs ``horizon, 2 * horizon, ...`` steps before
          the end, with one network each, and forecasts from every origin
          after its cut-off. Costs ``n_folds`` network fits (none when the
          residual weight is 0); the refits are cached for later calls with
          the same ``horizon`` and ``n_folds``.
        - ``"auto"``: ``"holdout"`` when ``fit`` kept held-out models and
          every step has enough held-out errors for the quantile
          (``coverage / (1 - coverage)``, 9 for 90%), else ``"refit"``
          (series too short for a held-out end, ``early_stopping=False`` with
          a fixed residual weight, or a ``horizon`` much longer than the
          held-out stretch).

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast (default: the ``horizon`` parameter).
        coverage : float in (0, 1), default=0.9
            Target share of future values inside the interval.
        X : array-like or DataFrame, default=None
            Future covariates, as for :meth:`predict`.
        method : {"auto", "holdout", "refit"}, default="auto"
            Where the calibration errors come from (see above).
        n_folds : int, default=3
            Cut-offs of the ``"refit"`` method.

        Returns
        -------
        DataFrame or ndarray
            Columns ``<target>``, ``<target>_lower``, ``<target>_upper`` (or an
            array of shape (horizon, 3 * n_targets) in that order).
        """
        check_is_fitted(self, "selection_")
        if not 0 < coverage < 1:
            raise ValueError(f"coverage must be in (0, 1), got {coverage!r}.")
        horizon = self._check_horizon(horizon)
        if method not in ("auto", "holdout", "refit"):
            raise ValueError(f"method must be 'auto', 'holdout' or 'refit', got {method!r}.")
        n_folds = check_positive_int(n_folds, "n_folds")
        point = self._forecast_from(self._data, horizon, self._check_future(X, horizon))
        errors = None
        if method != "refit":
            errors = self._held_out_errors(horizon)
            enough = errors is not None and np.all(np.sum(~np.isnan(errors[..., 0]), axis=0) >= coverage / (1 - coverage))
            if method == "holdout" and errors is None:
                raise ValueError(
                    "method='holdout' needs the models fit() trained before the held-out end: the series was too "
                    "short to hold any out, or early_stopping=False with a fixed residual_weight; use method='refit'."
                )
            if method == "auto" and not enough:
                errors = None
        if errors is None:
            errors = self._calibration_errors(horizon, int(n_folds))
        width = _conformal_width(errors, coverage)
        if self._multiplicative():
            lower, upper = point * np.exp(-width), point * np.exp(width)
        else:
            lower, upper = point - width, point + width
        lower, upper = self._clip(lower), self._clip(upper)
        if self.index_ is None:
            return np.concatenate([point, lower, upper], axis=1)
        import pandas as pd

        return pd.concat([self._wrap(point), self._wrap(lower, "_lower"), self._wrap(upper, "_upper")], axis=1)

    def _multiplicative(self) -> bool:
        """Errors as log ratios (relative to the level) when every value of ``y`` is positive."""
        return bool(np.all(self._data.y > 0))

    def _member_configs(self) -> list:
        return [(m.transform, m.layout.n_steps_in) for m in self._members]

    def _forecast_errors(self, members: list, data: _Data, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Errors ``(len(origins), horizon, n_targets)`` of ``members``' forecasts; NaN past the end of ``y``."""
        paths = self._clip(_combine(members, self.combination_weights_, data, origins, horizon, self.residual_weight_))
        n = len(self._data.y)
        rows = origins[:, np.newaxis] + np.arange(horizon)
        actual = np.where((rows < n)[..., np.newaxis], self._data.y[np.minimum(rows, n - 1)], np.nan)
        if self._multiplicative():  # a forecast clipped to 0 is a (very) large relative error
            return np.log(actual / np.maximum(paths, 1e-6 * self._data.y.min(axis=0)))
        return actual - paths

    def _held_out_errors(self, horizon: int) -> np.ndarray | None:
        """Errors of the models fitted before the held-out end, from every origin after it (no training)."""
        if self._held_out is None:
            return None
        members, start = self._held_out
        data, n = self._data, len(self._data.y)
        last = n - 1
        if data.future is not None:
            if self.strategy == "direct":  # the direct model reads the covariates of its whole horizon
                last = n - self.horizon
            # Rows past the end only feed steps that are not scored; repeat the last known row.
            data = data.with_future(np.repeat(data.future[n - 1 : n], horizon + self.horizon, axis=0))
        if last < start:
            return None
        return self._forecast_errors(members, data, np.arange(start, last + 1), horizon)

    def _calibration_errors(self, horizon: int, n_folds: int) -> np.ndarray:
        """Out-of-sample errors ``(n_origins, horizon, n_targets)`` of refits at ``n_folds`` cut-offs."""
        cache = self.__dict__.setdefault("_calibration", {})
        if (horizon, n_folds) in cache:
            return cache[horizon, n_folds]
        data, n = self._data, len(self._data.y)
        first = max(m.layout.n_steps_in + m.transform.diff for m in self._members)
        errors = []
        for j in range(n_folds):
            self._say(f"interval calibration: refit {j + 1}/{n_folds}")
            cut = n - (j + 1) * horizon
            try:
                members = self._fit_members(data, cut, self._member_configs(), self.residual_weight_, self.epochs_, 1)
            except ValueError:
                break
            origins = np.arange(max(cut, first), n - horizon + 1)
            errors.append(self._forecast_errors(members, data, origins, horizon))
        if not errors:
            raise ValueError(
                f"y has {n} time steps, too few to calibrate intervals for horizon={horizon}: the first "
                f"cut-off leaves too little to fit."
            )
        cache[horizon, n_folds] = np.concatenate(errors)
        return cache[horizon, n_folds]


def _conformal_width(errors: np.ndarray, coverage: float) -> np.ndarray:
    """Per step and target, the ``coverage`` quantile of the absolute errors, with the finite-sample correction.

    ``errors`` is ``(n_origins, horizon, n_targets)``, NaN where a step was not observed.
    """
    width = np.empty(errors.shape[1:])
    for step in range(errors.shape[1]):
        for k in range(errors.shape[2]):
            e = np.abs(errors[:, step, k])
            e = e[~np.isnan(e)]
            if not len(e):
                raise ValueError(
                    f"No calibration error was observed {step + 1} steps ahead: the horizon is longer than the "
                    "held-out end of the series; use method='refit'."
                )
            level = min(1.0, np.ceil((len(e) + 1) * coverage) / len(e))
            width[step, k] = np.quantile(e, level, method="higher")
    return width


class SeasonalNaiveForecaster(BaseEstimator):
    """Repeat the last season: the benchmark every forecaster should beat.

    Parameters
    ----------
    season_length : int, default=12

    Examples
    --------
    >>> from sklstm.forecasting import SeasonalNaiveForecaster
    >>> SeasonalNaiveForecaster(2).fit([1.0, 2, 3, 4]).predict(3).tolist()
    [3.0, 4.0, 3.0]
    """

    def __init__(self, season_length: int = 12):
        self.season_length = season_length

    def fit(self, y: Any, X: Any = None, X_past: Any = None) -> SeasonalNaiveForecaster:
        """Remember the series (covariates are ignored)."""
        check_positive_int(self.season_length, "season_length")
        values, self.target_names_ = _as_matrix(y, "y")
        if len(values) < self.season_length:
            raise ValueError(f"y has {len(values)} steps, fewer than season_length={self.season_length}.")
        self._data = _Data(values)
        self.n_targets_ = values.shape[1]
        self.index_ = y.index if _is_pandas(y) else None
        check_time_index(self.index_)
        return self

    def _forecast_from(self, history: _Data, horizon: int, future: Any = None) -> np.ndarray:
        last = history.y[-self.season_length :]
        reps = int(np.ceil(horizon / self.season_length))
        return np.tile(last, (reps, 1))[:horizon]

    def predict(self, horizon: int = 12, X: Any = None) -> Any:
        """Repeat the last ``season_length`` values for ``horizon`` steps."""
        check_is_fitted(self, "_data")
        return LSTMForecaster._wrap(self, self._forecast_from(self._data, horizon))


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

    _parameter_constraints: dict = {
        "n_splits": [Interval(numbers.Integral, 1, None, closed="left")],
        "horizon": [Interval(numbers.Integral, 1, None, closed="left")],
        "window": [StrOptions({"expanding", "sliding"})],
        "train_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "gap": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def split(self, X: Any, y: Any = None, groups: Any = None):
        """Yield ``(train, test)`` index arrays, oldest fold first."""
        params = {name: getattr(self, name) for name in self._parameter_constraints}
        validate_parameter_constraints(self._parameter_constraints, params, caller_name=type(self).__name__)
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




def _run_backtest(forecaster, data: _Data, *, horizon, n_folds, refit, window="expanding", train_size=None, index=None):
    splitter = RollingOriginSplit(n_folds, horizon, window, train_size)
    template = clone(forecaster)
    params = template.get_params()
    if "horizon" in params:
        template.set_params(horizon=horizon)  # the direct strategy then outputs exactly the fold's steps
    if params.get("season_length") == "auto" and index is not None:
        template.set_params(season_length=season_length_from_index(index))  # folds are fitted on plain arrays
    folds = []
    fitted = None
    for k, (train, test) in enumerate(splitter.split(data.y)):
        start, end = int(train[0]), int(train[-1]) + 1
        history = data.head(end, start)
        if refit or fitted is None:
            kwargs = {name: part for name, part in (("X", history.future), ("X_past", history.past)) if part is not None}
            fitted = clone(template).fit(history.y, **kwargs)
        future = None
        if data.future is not None:
            rows = horizon if getattr(fitted, "strategy", "recursive") == "recursive" else fitted.horizon
            future = data.future[end : end + rows]
        forecast = fitted._forecast_from(history, horizon, future)
        folds.append({"fold": k, "train": train, "test": test, "forecast": forecast, "actual": data.y[test]})
    return folds


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
    season_length: int = 1,
) -> Any:
    """Rolling-origin evaluation: one row per fold with MAE, RMSE, MAPE (%) and MASE.

    Each fold fits a clone of ``forecaster`` (with its ``horizon`` set to the
    fold's) on the data before the fold's origin, with the future-known
    covariates ``X`` and past-only covariates ``X_past`` of that part, and
    forecasts ``horizon`` steps, reading ``X`` of the fold's steps. MASE
    divides the fold's MAE by the in-sample MAE of the seasonal-naive forecast
    (lag ``season_length``) on the fold's training part. With ``refit=False``
    the forecaster is fitted once, on the first fold's training data, and
    later folds only move the forecast origin.

    Returns a pandas DataFrame (its ``attrs["forecasts"]`` holds a
    :class:`FoldForecast` per fold) when pandas is installed, else a list of dicts.
    """
    targets, names = _as_matrix(y, "y")
    future = None if X is None else _as_matrix(X, "X")[0]
    past = None if X_past is None else _as_matrix(X_past, "X_past")[0]
    for name, part in (("X", future), ("X_past", past)):
        if part is not None and len(part) != len(targets):
            raise ValueError(f"{name} has {len(part)} rows, but y has {len(targets)}; they must be aligned in time.")
    index = y.index if _is_pandas(y) else None
    check_time_index(index)
    check_positive_int(season_length, "season_length")
    shortest = min(len(train) for train, _ in RollingOriginSplit(n_folds, horizon, window, train_size).split(targets))
    if season_length >= shortest:
        raise ValueError(f"season_length={season_length} leaves no seasonal-naive error to scale MASE by: the "
                         f"shortest training part has {shortest} steps.")
    folds = _run_backtest(forecaster, _Data(targets, past, future), horizon=horizon, n_folds=n_folds, refit=refit,
                          window=window, train_size=train_size, index=index)
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
