"""Statistical members of :class:`~sklstm.forecasting.LSTMForecaster`: exponential smoothing, Theta, ARIMA,
complex exponential smoothing, seasonal naive and MSTL, and the pretrained network.

Each member is statsforecast's model (``AutoETS``, ``AutoTheta``,
``AutoARIMA``, ``AutoCES``, ``SeasonalNaive``) fitted per target column. Like the
ridges, a member is fitted once before the held-out end and then forecasts
from every origin after it by filtering the new observations through the
fitted model (statsforecast's ``forward``: no re-estimation), so all members
are scored on the same validation forecasts. ARIMA reads the future-known
covariates as regressors (``AutoARIMA``'s ``X``: regression with ARIMA
errors); the other models take none. statsforecast is imported only when a
member is fitted.

``"mstl"`` is statsforecast's ``MSTL`` (seasonal-trend decomposition by
loess of one or several seasons, the day and the week of sub-daily data,
with ``AutoETS`` on the seasonally adjusted series). Its own ``forward``
decomposes the whole history again at each origin (1.4 s for 3,300
half-hourly values: minutes over hundreds of validation origins), so this
member keeps the decomposition of its fit: after the fit's end each season
repeats its last cycle, and from each origin ``AutoETS`` filters the
adjusted series (no re-estimation, as for the other members).

The ``"pretrained"`` member is the architecture of :class:`~sklstm.forecasting.PretrainedLSTMForecaster`,
trained on synthetic series only (``MEMBER_WEIGHTS``), zero-shot: nothing is fitted, and it forecasts from
every origin in one batch.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np

__all__ = ["AUTO_MEMBERS", "MEMBERS", "MSTLMember", "PretrainedMember", "STATISTICAL_MEMBERS", "SUB_DAILY_MEMBERS",
           "StatMember", "fit_stat_member"]

#: The statistical members, by the name ``LSTMForecaster(members=...)`` takes.
STATISTICAL_MEMBERS = ("ets", "theta", "arima", "ces", "snaive", "mstl")

#: Every member besides the ridges that ``LSTMForecaster(members=...)`` takes.
MEMBERS = (*STATISTICAL_MEMBERS, "pretrained")

#: The members besides the ridges of ``LSTMForecaster(members="auto")`` (chosen on bench_real.py's tuning half).
AUTO_MEMBERS = ("ets", "theta", "arima", "pretrained")

#: The members ``members="auto"`` adds for sub-daily data with a week (chosen on fpp2's ``elecdemand``).
SUB_DAILY_MEMBERS = ("snaive", "mstl")

# The longest season each model is given; longer ones are given as none. Seasonal ETS and CES are slow and poorly
# identified beyond 24 (R's forecast::ets refuses m > 24). Seasonal ARIMA's search is far slower still:
# statsforecast's AutoARIMA with season 24 took 5-10 s on 240-480 hourly values and 62-92 s on 600-1,000 (2 cores),
# twice per fit, so hourly and other periods over 12 fit it without its season, the other members and the ridges'
# windows carrying the day's cycle. Theta deseasonalises by classical decomposition at any period.
_LONGEST_SEASON = {"ets": 24, "ces": 24, "arima": 12}


# The statistical models are fitted on at most the last 1,000 values (or 4 seasons, where longer) and filter from
# there to each origin (from the same step, so the fitted states keep their season's phase): their cost grows with
# the length (statsforecast's AutoARIMA with season 7: 41 s to fit 4,700 daily values, 6 s on the last 1,000;
# AutoTheta's filtering from one origin 18 ms against 1.2 ms, times hundreds of validation origins), and what they
# forecast from is the recent past. The seasonal naive reads one season; MSTL and the pretrained network are not
# limited. No series of any bench_real.py set is longer than 520 values.
_LONGEST_HISTORY = 1000
_HISTORY_SEASONS = 4


def _model(name: str, season: int) -> Any:
    from statsforecast.models import AutoARIMA, AutoCES, AutoETS, AutoTheta, SeasonalNaive

    if name == "theta":
        return AutoTheta(season_length=season)
    if name == "snaive":
        return SeasonalNaive(season_length=season)
    season = season if season <= _LONGEST_SEASON[name] else 1
    return {"ets": AutoETS, "ces": AutoCES, "arima": AutoARIMA}[name](season_length=season)


@dataclasses.dataclass
class StatMember:
    """A fitted statistical member: one statsforecast model per target column."""

    name: str
    season: int
    models: list
    exogenous: bool = False
    first: int = 0  # the first time step it was fitted on: it filters from there to each origin (the fit's states)

    def forecast(self, y: np.ndarray, origins: np.ndarray, horizon: int, future: np.ndarray | None = None,
                 ) -> np.ndarray:
        """Forecasts ``(len(origins), horizon, n_targets)`` from each origin (a time index into ``y``).

        A member fitted with future-known covariates (``exogenous``) reads
        ``future`` ``(n_time, n_features)``, which must reach ``horizon``
        steps past every origin."""
        out = np.empty((len(origins), horizon, len(self.models)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i, origin in enumerate(np.asarray(origins, dtype=int)):
                start = self.first if origin > self.first else 0  # 0: a series shorter than the fit's
                exog = _exogenous(future, start, origin, horizon) if self.exogenous else {}
                for j, model in enumerate(self.models):
                    z = np.ascontiguousarray(y[start:origin, j])
                    out[i, :, j] = model.forward(y=z, h=horizon, **exog)["mean"]
        if not np.all(np.isfinite(out)):
            raise FloatingPointError(f"the {self.name} member's forecast is not finite")
        return out


@dataclasses.dataclass
class MSTLMember:
    """A fitted MSTL member: per target column, the seasonal part of its fit and AutoETS on the adjusted series.

    ``seasonal`` holds each column's summed seasonal components over the fitted
    steps, ``cycles`` each component's last cycle, which repeats after them,
    and ``models`` the fitted ``AutoETS`` of each column's adjusted series.
    """

    name: str
    season: int
    periods: tuple
    seasonal: list
    cycles: list
    models: list

    def seasonal_part(self, j: int, length: int) -> np.ndarray:
        """The seasonal part of column ``j`` over the first ``length`` steps (the fitted ones, then repeated)."""
        fitted = self.seasonal[j]
        if length <= len(fitted):
            return fitted[:length]
        after = np.arange(length - len(fitted))
        return np.concatenate([fitted, sum(cycle[after % len(cycle)] for cycle in self.cycles[j])])

    def forecast(self, y: np.ndarray, origins: np.ndarray, horizon: int, future: np.ndarray | None = None,
                 ) -> np.ndarray:
        """Forecasts ``(len(origins), horizon, n_targets)`` from each origin (a time index into ``y``; it reads
        no covariates)."""
        origins = np.asarray(origins, dtype=int)
        out = np.empty((len(origins), horizon, len(self.models)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for j, trend in enumerate(self.models):
                seasonal = self.seasonal_part(j, max(len(y), int(origins.max()) + horizon))
                adjusted = np.asarray(y[:, j], dtype=np.float64) - seasonal[: len(y)]
                for i, origin in enumerate(origins):
                    forecast = trend.forward(y=np.ascontiguousarray(adjusted[:origin]), h=horizon)["mean"]
                    out[i, :, j] = forecast + seasonal[origin: origin + horizon]
        if not np.all(np.isfinite(out)):
            raise FloatingPointError("the mstl member's forecast is not finite")
        return out


def _fit_mstl(y: np.ndarray, periods: tuple) -> MSTLMember:
    """statsforecast's ``MSTL`` of the ``periods`` (each at most half the series) fitted on each column of ``y``."""
    from statsforecast.models import MSTL

    periods = tuple(p for p in periods if p > 1 and len(y) >= 2 * p + 2)
    if not periods:
        raise ValueError("MSTL needs a season (two full cycles of it) in the series")
    seasonal, cycles, models = [], [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for j in range(y.shape[1]):
            model = MSTL(season_length=list(periods)).fit(y=np.ascontiguousarray(y[:, j], dtype=np.float64))
            parts = model.model_.filter(like="seasonal")
            seasonal.append(parts.sum(axis=1).to_numpy(np.float64))
            cycles.append([parts[c].to_numpy(np.float64)[-p:] for c, p in zip(parts.columns, periods)])
            models.append(model.trend_forecaster)
    return MSTLMember("mstl", periods[0], periods, seasonal, cycles, models)


@dataclasses.dataclass
class PretrainedMember:
    """The pretrained network as a member: zero-shot forecasts, per target column, from any origin.

    It runs the network trained on synthetic series only (``MEMBER_WEIGHTS``): the one trained on real series
    too made the combination worse on one of the four tuning sets with both training seeds tried.
    """

    name: str
    season: int

    def forecast(self, y: np.ndarray, origins: np.ndarray, horizon: int, future: np.ndarray | None = None,
                 ) -> np.ndarray:
        """Forecasts ``(len(origins), horizon, n_targets)`` from each origin (a time index into ``y``; it reads
        no covariates)."""
        from ._pretrained import MEMBER_WEIGHTS, forecast_from, load_pretrained

        origins = np.asarray(origins, dtype=int)
        network = load_pretrained(MEMBER_WEIGHTS)
        out = np.stack([forecast_from(network, [y[:o, j] for o in origins], [self.season] * len(origins),
                                      horizon) for j in range(y.shape[1])], axis=-1)
        if not np.all(np.isfinite(out)):
            raise FloatingPointError("the pretrained member's forecast is not finite")
        return out


def _exogenous(future: np.ndarray | None, start: int, origin: int, horizon: int) -> dict:
    """statsforecast's ``X`` (the covariates from ``start`` up to ``origin``) and ``X_future`` (the ``horizon``
    rows after it)."""
    if future is None or len(future) < origin + horizon:
        raise ValueError(f"the ARIMA member reads the future-known covariates X of the {horizon} steps it forecasts, "
                         f"but X has {0 if future is None else len(future)} rows, not {origin + horizon}.")
    return {"X": np.ascontiguousarray(future[start:origin], dtype=np.float64),
            "X_future": np.ascontiguousarray(future[origin: origin + horizon], dtype=np.float64)}


def fit_stat_member(name: str, y: np.ndarray, season: int, future: np.ndarray | None = None, week: int = 1,
                    ) -> StatMember | MSTLMember | PretrainedMember:
    """Fit member ``name`` (one of :data:`STATISTICAL_MEMBERS`) on ``y`` ``(n_time, n_targets)``.

    A seasonal model needs two full seasons: with fewer, the member is fitted
    without its season. Errors of the underlying library propagate; the
    forecaster turns them into a warning and drops the member.

    ARIMA takes the future-known covariates ``future`` as regressors
    (regression with ARIMA errors, as statsforecast's ``AutoARIMA`` does with
    ``X``); the other members ignore them, as they take none.

    Parameters
    ----------
    name : {"ets", "theta", "arima", "ces", "snaive", "mstl", "pretrained"}
    y : ndarray of shape (n_time, n_targets)
    season : int
        The season length (ETS and CES take none beyond 24, ARIMA none beyond 12).
    future : ndarray of shape (n_time, n_features), default=None
        Future-known covariates of the same time steps as ``y`` (rows beyond them are not read).
    week : int, default=1
        The week of sub-daily data (1: none): the seasonal naive repeats it, and MSTL takes the day
        (``week // 7``) and the week as its seasons.

    Returns
    -------
    StatMember, MSTLMember or PretrainedMember
    """
    if name == "pretrained":
        return PretrainedMember(name, season if season < len(y) else 1)
    if name not in STATISTICAL_MEMBERS:
        raise ValueError(f"Unknown statistical member {name!r}; choose from {list(MEMBERS)}.")
    if name == "mstl":  # the day and the week of sub-daily data (the day even where it is no calendar season)
        return _fit_mstl(y, (week // 7, week) if week > 1 else (season,))
    season = week if name == "snaive" and week > 1 else season
    season = season if len(y) >= 2 * season + 2 else 1
    start = 0 if name == "snaive" else max(0, len(y) - max(_LONGEST_HISTORY, _HISTORY_SEASONS * season))
    if name == "arima" and future is not None and future.shape[1] > 0:
        try:
            models = _fit_models(name, season, y[start:], future[start: len(y)])
            return StatMember(name, season, models, exogenous=True, first=start)
        except Exception as exc:  # for example collinear covariates: ARIMA without them is still a member
            warnings.warn(f"LSTMForecaster: the 'arima' member could not use the covariates X and is fitted without "
                          f"them ({type(exc).__name__}: {exc}).", RuntimeWarning, stacklevel=2)
    return StatMember(name, season, _fit_models(name, season, y[start:], None), first=start)


def _fit_models(name: str, season: int, y: np.ndarray, X: np.ndarray | None) -> list:
    """One fitted statsforecast model per target column (with regressors ``X`` when given)."""
    exog = {} if X is None else {"X": np.ascontiguousarray(X, dtype=np.float64)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [_model(name, season).fit(y=np.ascontiguousarray(y[:, j], dtype=np.float64), **exog)
                for j in range(y.shape[1])]
