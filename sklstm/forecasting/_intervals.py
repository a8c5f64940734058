"""Conformal prediction intervals for :class:`~sklstm.forecasting.LSTMForecaster` and for panels.

The half-width at each step is a quantile of out-of-sample errors at that
step: from the models ``fit`` trained before the held-out end (no training),
or from refits at earlier cut-offs. For a positive series the errors are
taken on a Box-Cox scale whose power stabilises the series' spread
(Guerrero's method): log ratios and a multiplicative interval when the spread
grows with the level, differences when it does not.
"""

from __future__ import annotations

import numpy as np

from ._series import SeriesData

__all__ = ["box_cox", "check_coverage", "conformal_bounds", "conformal_width", "forecast_errors", "forecast_reached",
           "guerrero_power", "held_out_origins", "interval_bounds", "inverse_box_cox"]


def forecast_reached(origins: np.ndarray, horizon: int, n_time: int) -> np.ndarray:
    """``(len(origins), horizon)``: whether the step ahead of each origin is inside a series of ``n_time`` steps."""
    return (np.asarray(origins)[:, np.newaxis] + np.arange(horizon)) < n_time


def box_cox(v: np.ndarray, power: np.ndarray) -> np.ndarray:
    """Box-Cox transform of positive ``v`` with ``power`` per target (last axis): ``log v`` at 0."""
    power = np.broadcast_to(np.asarray(power, dtype=np.float64), v.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(power == 0, np.log(v), (v ** power - 1) / np.where(power == 0, 1.0, power))


def inverse_box_cox(z: np.ndarray, power: np.ndarray) -> np.ndarray:
    """The inverse of :func:`box_cox` (0 below the transform's range)."""
    power = np.broadcast_to(np.asarray(power, dtype=np.float64), z.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        safe = np.where(power == 0, 1.0, power)
        return np.where(power == 0, np.exp(z), np.maximum(power * z + 1, 0.0) ** (1 / safe))


def guerrero_power(y: np.ndarray, season: int) -> np.ndarray:
    """Per target of ``y`` ``(n_time, n_targets)`` (positive), the Box-Cox power in [0, 1] that stabilises its spread.

    Guerrero's method (1993; R's ``forecast::BoxCox.lambda`` default): cut the
    series into subseries of one season (at least 2 steps; a tenth of the
    series when that leaves fewer than 3), and choose the power whose ratio
    of each subseries' standard deviation to its mean to the ``1 - power``
    varies least. 0 is the log (a spread that grows with the level), 1 none.

    >>> t = np.arange(120.0)
    >>> float(guerrero_power((np.exp(t / 30) * (1 + 0.2 * np.sin(t)))[:, None], 12)[0])
    0.0
    """
    n = len(y)
    period = max(2, int(season))
    if n // period < 3:
        period = max(2, n // 10)
    k = n // period
    if k < 2:
        return np.ones(y.shape[1])
    blocks = y[n - k * period:].reshape(k, period, -1)
    mean, spread = blocks.mean(axis=1), blocks.std(axis=1, ddof=1)
    grid = np.linspace(0.0, 1.0, 21)
    out = np.ones(y.shape[1])
    for j in range(y.shape[1]):
        ratios = spread[:, j][np.newaxis, :] / mean[:, j][np.newaxis, :] ** (1 - grid[:, np.newaxis])
        with np.errstate(divide="ignore", invalid="ignore"):
            variation = ratios.std(axis=1, ddof=1) / ratios.mean(axis=1)
        if np.any(np.isfinite(variation)):
            out[j] = grid[int(np.nanargmin(np.where(np.isfinite(variation), variation, np.nan)))]
    return out


def forecast_errors(paths: np.ndarray, y: np.ndarray, origins: np.ndarray, power: np.ndarray | None) -> np.ndarray:
    """Errors ``(len(origins), horizon, n_targets)`` of forecasts ``paths`` from ``origins`` of ``y``; NaN past its end.

    Parameters
    ----------
    paths : ndarray of shape (n_origins, horizon, n_targets)
        Forecasts, as the forecaster gives them (clipped).
    y : ndarray of shape (n_time, n_targets)
    origins : ndarray of int
    power : ndarray of shape (n_targets,) or None
        Errors on the Box-Cox scale of this power (0: log ratios; a positive
        series), or differences (None).

    Returns
    -------
    ndarray of shape (n_origins, horizon, n_targets)
    """
    n, horizon = len(y), paths.shape[1]
    rows = origins[:, np.newaxis] + np.arange(horizon)
    actual = np.where(forecast_reached(origins, horizon, n)[..., np.newaxis], y[np.minimum(rows, n - 1)], np.nan)
    if power is None:
        return actual - paths
    # A forecast below the series' smallest value (one clipped to 0, say) is scored as that value: its log
    # ratio is otherwise unbounded, and one such origin made the upper bound of lynx's interval 10**10.
    return box_cox(actual, power) - box_cox(np.maximum(paths, y.min(axis=0)), power)


def conformal_bounds(point: np.ndarray, paths: np.ndarray, y: np.ndarray, origins: np.ndarray, coverage: float,
                     power: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds around ``point`` ``(horizon, n_targets)`` from calibration forecasts ``paths``.

    The half-widths are conformal quantiles (:func:`conformal_width`) of the
    errors of ``paths`` from ``origins`` of ``y``, on the Box-Cox scale of
    ``power`` (a positive series: :func:`guerrero_power`) or as differences
    (None).

    Parameters
    ----------
    point : ndarray of shape (horizon, n_targets)
    paths : ndarray of shape (n_origins, horizon, n_targets)
        Calibration forecasts, as the forecaster gives them (clipped).
    y : ndarray of shape (n_time, n_targets)
    origins : ndarray of int
    coverage : float in (0, 1)
    power : ndarray of shape (n_targets,) or None

    Returns
    -------
    lower, upper : ndarray of shape (horizon, n_targets)
    """
    width = conformal_width(forecast_errors(paths, y, origins, power), coverage)
    return interval_bounds(point, width, power)


def held_out_origins(data: SeriesData, start: int, horizon: int, direct_horizon: int | None) -> tuple[SeriesData, np.ndarray]:
    """The data and origins from which models fitted before ``start`` forecast every step after it.

    With future covariates, rows past the end only feed steps that are not
    scored: the last known row is repeated. A direct model
    (``direct_horizon``) reads the covariates of its whole horizon, so its
    last origin is earlier.

    Returns
    -------
    data : SeriesData
    origins : ndarray of int (empty when none is left)
    """
    n = len(data.y)
    last = n - 1
    if data.future is not None:
        if direct_horizon is not None:
            last = n - direct_horizon
        data = data.with_future(np.repeat(data.future[n - 1 : n], horizon + (direct_horizon or 0), axis=0))
    return data, np.arange(start, last + 1)


def interval_bounds(point: np.ndarray, width: np.ndarray, power: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds around ``point``: ``point -+ width``, or the same on the Box-Cox scale of ``power``."""
    if power is None:
        return point - width, point + width
    z = box_cox(np.maximum(point, 0.0), power)
    return inverse_box_cox(z - width, power), inverse_box_cox(z + width, power)


def check_coverage(coverage: object) -> float:
    """``coverage`` as a float in (0, 1), or a ValueError naming what was given (a string, a bool, 90, NaN)."""
    import numbers

    if isinstance(coverage, bool) or not isinstance(coverage, numbers.Real):
        raise ValueError(f"coverage must be a number in (0, 1) (0.9 for a 90% interval), got {coverage!r} "
                         f"(a {type(coverage).__name__}).")
    if not 0 < coverage < 1:
        hint = f"; for {coverage:g}% pass {coverage / 100:g}" if 1 < coverage < 100 else ""
        raise ValueError(f"coverage must be in (0, 1), got {coverage!r}{hint}.")
    return float(coverage)


def conformal_width(errors: np.ndarray, coverage: float) -> np.ndarray:
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
