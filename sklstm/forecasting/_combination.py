"""The forecaster's fitted configurations and how their forecasts are combined.

A configuration is a transform and a window length; fitted, it is a
:class:`LagModel`: the scaling of its lag frame, a ridge regression on the
windows and the networks that learn the ridge's residuals. The forecast
combines the configurations with weights by validation rank
(:func:`rank_weights`), plus a share of what the networks change in the
best one. numpy only: the networks are whatever estimators were fitted.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any, NamedTuple

import numpy as np

from ._lags import LagLayout, SeriesTransform, build_frame, forecast_paths
from ._series import SeriesData

__all__ = [
    "COMBINATIONS",
    "Ensemble",
    "ForecasterSelection",
    "LagModel",
    "Plan",
    "blend",
    "combine",
    "family_weights",
    "label",
    "mase_scale",
    "network_inputs",
    "predict_network",
    "rank_weights",
    "scale_stats",
    "weighted_stats",
]


@dataclasses.dataclass(frozen=True)
class ForecasterSelection:
    """What :class:`LSTMForecaster` chose on the held-out end of the training series.

    ``transform`` and ``n_steps_in`` name the best-validated ridge
    configuration (the one the networks correct); ``combined_with`` lists the
    other ridge configurations blended with it (weights in
    ``LSTMForecaster.combination_weights_``). ``member_scores`` is each
    member's validation MASE (``"ridge"``: the blended ridges; ``"ets"``,
    ``"theta"``, ``"arima"``: the statistical models) and ``member_weights``
    its weight in the forecast. ``linear_mase`` is the validation MASE of the
    weighted members without the networks, ``validation_mase`` with the
    networks at ``residual_weight`` (the same when they were dropped), and
    ``networks`` says in words whether they were used and why.

    Parameters
    ----------
    transform : str
    n_steps_in : int
    epochs : int or None
    residual_weight : float
    validation_mase : float
    linear_mase : float
        The validation MASE with and without the networks.
    combined_with : tuple of str
    member_weights, member_scores : dict
    networks : str
        Whether the networks were used, and why, in words.
    """

    transform: str
    n_steps_in: int
    epochs: int | None
    residual_weight: float
    validation_mase: float
    linear_mase: float
    combined_with: tuple = ()
    member_weights: dict = dataclasses.field(default_factory=dict)
    member_scores: dict = dataclasses.field(default_factory=dict)
    networks: str = ""

    @property
    def uses_networks(self) -> bool:
        """Whether the forecast includes the networks' correction."""
        return self.residual_weight > 0


@dataclasses.dataclass
class LagModel:
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
            inputs = windows if self.linear is None else network_inputs(windows, self.layout)
            correction = np.mean([predict_network(e, inputs) for e in self.networks], axis=0)
            out = out + weight * correction
        return out

    def frame(self, data: SeriesData, n_rows: int) -> np.ndarray:
        z = self.transform.forward(data.y)
        raw = build_frame(z, data.past, data.future, self.layout, self.transform.diff, n_rows)
        return (raw - self.offset) / self.scale

    def forecast(self, data: SeriesData, origins: np.ndarray, horizon: int, weight: float = 0.0) -> np.ndarray:
        """Raw forecasts ``(len(origins), horizon, n_targets)`` from each origin (a time index into ``data``)."""
        origins = np.asarray(origins, dtype=int)
        d, k = self.transform.diff, self.layout.n_targets
        frame = self.frame(data, int(origins.max()) - d + horizon)
        paths = forecast_paths(frame, origins - d, horizon, self.layout, lambda w: self.predict_scaled(w, weight))
        return self.transform.inverse(paths * self.scale[:k] + self.offset[:k], data.y[origins - 1])


class Plan(NamedTuple):
    """Where the held-out end is scored: steps ahead, forecast origins, per-target MASE scale."""

    steps: int
    origins: np.ndarray
    scale: np.ndarray


def rank_weights(n: int) -> np.ndarray:
    """Combination weights of ``n`` configurations ranked best first: proportional to ``n**1.25, ..., 1``.

    A middle way between the single best of a noisy validation (which
    forecasts worse than a combination on short series) and the plain mean
    (which gives a poor configuration as much say as the best). The power
    1.25 (between linear and squared ranks) was chosen on the ten series of
    ``benchmarks/bench_real.py``.

    >>> rank_weights(3).round(3).tolist()
    [0.539, 0.325, 0.136]
    """
    w = np.arange(n, 0, -1, dtype=np.float64) ** 1.25
    return w / w.sum()


def blend(paths: list, weights: np.ndarray, corrected: np.ndarray | None = None, weight: float = 0.0) -> np.ndarray:
    """Weighted mean of the members' ``paths``, plus ``weight`` times what the networks change in the first."""
    out = np.tensordot(np.asarray(weights, dtype=np.float64), np.asarray(paths), axes=1)
    return out if corrected is None or not weight else out + weight * (corrected - paths[0])


def combine(members: list[LagModel], weights: np.ndarray, data: SeriesData, origins: np.ndarray, horizon: int,
             weight: float) -> np.ndarray:
    """The members' weighted forecast, plus ``weight`` times what the first member's networks change in its own."""
    paths = [m.forecast(data, origins, horizon) for m in members]
    use = weight and members[0].networks
    corrected = members[0].forecast(data, origins, horizon, weight=1.0) if use else None
    return blend(paths, weights, corrected, weight)


_INVERSE_POWER = 4

#: How the members' forecasts are weighted from their validation MASE (``LSTMForecaster(combination=...)``).
COMBINATIONS = ("inverse", "rank", "equal", "best")


def family_weights(scores: dict, rule: str) -> dict:
    """Weight of each member from its validation MASE ``scores`` (members with an infinite score get 0).

    ``"inverse"``: proportional to ``score**-4``, mostly the best member when one validates clearly
    better and close to the plain mean when they tie (the power was chosen on the three tuning-only
    sets of ``benchmarks/bench_real.py``, against powers 1 to 4, 8 and 12, ranks, the mean and the best alone);
    ``"rank"``: :func:`rank_weights` by score; ``"equal"``: the plain mean; ``"best"``: the single best.

    Parameters
    ----------
    scores : dict of str to float
        Each member's validation MASE.
    rule : {"inverse", "rank", "equal", "best"}

    Returns
    -------
    dict of str to float
        Each member's weight (summing to 1), in the order of ``scores``.

    Examples
    --------
    >>> family_weights({"ridge": 1.0, "ets": 1.1}, "inverse")
    {'ridge': 0.594172314435, 'ets': 0.405827685565}
    """
    names = [n for n in scores if np.isfinite(scores[n])] or list(scores)[:1]
    if len(names) == 1 or rule == "best":
        best = min(names, key=lambda n: scores[n])
        return {n: float(n == best) for n in scores}
    if rule == "equal":
        raw = {n: 1.0 for n in names}
    elif rule == "rank":
        ranked = sorted(names, key=lambda n: scores[n])
        raw = dict(zip(ranked, rank_weights(len(ranked))))
    else:
        low = min(scores[n] for n in names)
        raw = {n: (max(low, 1e-12) / max(scores[n], 1e-12)) ** _INVERSE_POWER for n in names}
    total = sum(raw.values())
    return {n: round(float(raw.get(n, 0.0) / total), 12) for n in scores}


@dataclasses.dataclass
class Ensemble:
    """The fitted members of a forecast and their weights.

    ``ridges`` (best-validated first, with the networks on the first) are
    blended by ``ridge_weights``; that blend and each statistical member in
    ``stats`` are weighted by ``weights`` (by member name), and
    ``residual_weight`` times the networks' correction of the first ridge is added.
    """

    ridges: list
    ridge_weights: np.ndarray
    stats: list
    weights: dict
    residual_weight: float

    @classmethod
    def of(cls, ridges: list, ridge_weights: np.ndarray, stats: list, weights: dict, residual_weight: float) -> Ensemble:
        """The members with ``weights``; the weight of a statistical member missing from ``stats`` (it failed to
        fit) is shared by the others in proportion."""
        kept = [m for m in stats if weights.get(m.name, 0.0) > 0]
        present = {"ridge", *(m.name for m in kept)}
        total = sum(w for name, w in weights.items() if name in present)
        if total > 0 and any(w > 0 and name not in present for name, w in weights.items()):
            weights = {name: (w / total if name in present else 0.0) for name, w in weights.items()}
        return cls(ridges, ridge_weights, kept, dict(weights), residual_weight)

    def member_paths(self, data: SeriesData, origins: np.ndarray, horizon: int) -> dict:
        """Each member's forecasts ``(len(origins), horizon, n_targets)`` (the ridges blended, without networks)."""
        out = {}
        if self.weights.get("ridge", 0.0) > 0 or not self.stats:
            out["ridge"] = combine(self.ridges, self.ridge_weights, data, origins, horizon, 0.0)
        for member in self.stats:
            out[member.name] = member.forecast(data.y, origins, horizon, data.future)
        return out

    def forecast(self, data: SeriesData, origins: np.ndarray, horizon: int) -> np.ndarray:
        """The weighted members plus ``residual_weight`` times what the networks change in the first ridge."""
        paths = self.member_paths(data, origins, horizon)
        out = sum(self.weights.get(name, 1.0 if len(paths) == 1 else 0.0) * p for name, p in paths.items())
        if self.residual_weight and self.ridges[0].networks:
            first = self.ridges[0]
            out = out + self.residual_weight * (first.forecast(data, origins, horizon, weight=1.0)
                                                - first.forecast(data, origins, horizon))
        return out


def weighted_stats(weights: dict) -> tuple:
    """The statistical members (not the ridge) that carry weight."""
    return tuple(name for name, w in weights.items() if name != "ridge" and w > 0)


def label(transform: SeriesTransform, n_steps_in: int) -> str:
    return f"{transform.name}, n_steps_in={n_steps_in}"


def network_inputs(windows: np.ndarray, layout: LagLayout) -> np.ndarray:
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


def predict_network(est: Any, windows: np.ndarray) -> np.ndarray:
    inputs = windows if hasattr(est, "predict_steps") else windows.reshape(len(windows), -1)
    return np.asarray(est.predict(inputs), dtype=np.float64).reshape(len(windows), -1)


def scale_stats(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        offset = np.nan_to_num(np.nanmean(frame, axis=0))
        scale = np.nan_to_num(np.nanstd(frame, axis=0))
    scale = np.where(scale > 1e-12 * np.maximum(1.0, np.abs(offset)), scale, 1.0)
    return offset, scale


def mase_scale(y: np.ndarray, season: int) -> np.ndarray:
    """Per-column in-sample MAE of the seasonal-naive forecast (lag ``season``, or 1 if too short)."""
    lag = season if len(y) > season else 1
    scale = np.mean(np.abs(y[lag:] - y[:-lag]), axis=0) if len(y) > lag else np.ones(y.shape[1])
    return np.where(scale > 0, scale, 1.0)
