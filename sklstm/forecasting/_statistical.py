"""Statistical members of :class:`~sklstm.forecasting.LSTMForecaster`: exponential smoothing, Theta, ARIMA and
seasonal naive, and the pretrained network.

Each member is statsforecast's model (``AutoETS``, ``AutoTheta``,
``AutoARIMA``, ``SeasonalNaive``) fitted per target column. Like the
ridges, a member is fitted once before the held-out end and then forecasts
from every origin after it by filtering the new observations through the
fitted model (statsforecast's ``forward``: no re-estimation), so all members
are scored on the same validation forecasts. statsforecast is imported only when a member is fitted.

The ``"pretrained"`` member is :class:`~sklstm.forecasting.PretrainedLSTMForecaster`'s
network, zero-shot: nothing is fitted, and it forecasts from every origin in one batch.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np

__all__ = ["AUTO_MEMBERS", "MEMBERS", "PretrainedMember", "STATISTICAL_MEMBERS", "StatMember", "fit_stat_member"]

#: The statistical members, by the name ``LSTMForecaster(members=...)`` takes.
STATISTICAL_MEMBERS = ("ets", "theta", "arima", "snaive")

#: Every member besides the ridges that ``LSTMForecaster(members=...)`` takes.
MEMBERS = (*STATISTICAL_MEMBERS, "pretrained")

#: The members besides the ridges of ``LSTMForecaster(members="auto")`` (chosen on bench_real.py's tuning half).
AUTO_MEMBERS = ("ets", "theta", "arima", "pretrained")

# Seasonal ETS and ARIMA are slow and poorly identified beyond this period (R's forecast::ets refuses m > 24);
# longer seasons are given to them as non-seasonal. Theta deseasonalises by classical decomposition at any period.
_LONGEST_MODEL_SEASON = 24


def _model(name: str, season: int) -> Any:
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    if name == "theta":
        return AutoTheta(season_length=season)
    if name == "snaive":
        return SeasonalNaive(season_length=season)
    season = season if season <= _LONGEST_MODEL_SEASON else 1
    return AutoETS(season_length=season) if name == "ets" else AutoARIMA(season_length=season)


@dataclasses.dataclass
class StatMember:
    """A fitted statistical member: one statsforecast model per target column."""

    name: str
    season: int
    models: list

    def forecast(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts ``(len(origins), horizon, n_targets)`` from each origin (a time index into ``y``)."""
        out = np.empty((len(origins), horizon, len(self.models)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i, origin in enumerate(np.asarray(origins, dtype=int)):
                for j, model in enumerate(self.models):
                    out[i, :, j] = model.forward(y=np.ascontiguousarray(y[:origin, j]), h=horizon)["mean"]
        if not np.all(np.isfinite(out)):
            raise FloatingPointError(f"the {self.name} member's forecast is not finite")
        return out


@dataclasses.dataclass
class PretrainedMember:
    """The pretrained network as a member: zero-shot forecasts, per target column, from any origin."""

    name: str
    season: int

    def forecast(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts ``(len(origins), horizon, n_targets)`` from each origin (a time index into ``y``)."""
        from ._pretrained import forecast_from, load_pretrained

        origins = np.asarray(origins, dtype=int)
        out = np.stack([forecast_from(load_pretrained(), [y[:o, j] for o in origins], [self.season] * len(origins),
                                      horizon) for j in range(y.shape[1])], axis=-1)
        if not np.all(np.isfinite(out)):
            raise FloatingPointError("the pretrained member's forecast is not finite")
        return out


def fit_stat_member(name: str, y: np.ndarray, season: int) -> StatMember | PretrainedMember:
    """Fit member ``name`` (one of :data:`STATISTICAL_MEMBERS`) on ``y`` ``(n_time, n_targets)``.

    A seasonal model needs two full seasons: with fewer, the member is fitted
    without its season. Errors of the underlying library propagate; the
    forecaster turns them into a warning and drops the member.

    Parameters
    ----------
    name : {"ets", "theta", "arima", "snaive", "pretrained"}
    y : ndarray of shape (n_time, n_targets)
    season : int
        The season length (ETS and ARIMA take none beyond 24).

    Returns
    -------
    StatMember or PretrainedMember
    """
    if name == "pretrained":
        return PretrainedMember(name, season if season < len(y) else 1)
    if name not in STATISTICAL_MEMBERS:
        raise ValueError(f"Unknown statistical member {name!r}; choose from {list(MEMBERS)}.")
    season = season if len(y) >= 2 * season + 2 else 1
    models = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for j in range(y.shape[1]):
            models.append(_model(name, season).fit(y=np.ascontiguousarray(y[:, j], dtype=np.float64)))
    return StatMember(name, season, models)
