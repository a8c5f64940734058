"""Conformal prediction intervals for :class:`~sklstm.forecasting.LSTMForecaster` and for panels.

The half-width at each step is a quantile of out-of-sample errors at that
step: from the models ``fit`` trained before the held-out end (no training),
or from refits at earlier cut-offs. For a positive series the errors are log
ratios and the interval is multiplicative.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._validation import check_positive_int
from ._series import SeriesData

__all__ = ["IntervalMixin", "PanelIntervalMixin", "conformal_width"]


class IntervalMixin:
    """``predict_interval`` for a forecaster with fitted members (``_members``) and a held-out end (``_held_out``)."""

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
        width = conformal_width(errors, coverage)
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

    def _forecast_errors(self, ensemble: Any, data: SeriesData, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Errors ``(len(origins), horizon, n_targets)`` of the ``ensemble``'s forecasts; NaN past the end of ``y``."""
        paths = self._clip(ensemble.forecast(data, origins, horizon))
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
            ensemble = self._ensemble(members, self._fit_stats(data, cut, self._weighted_stats()), self.residual_weight_)
            origins = np.arange(max(cut, first), n - horizon + 1)
            errors.append(self._forecast_errors(ensemble, data, origins, horizon))
        if not errors:
            raise ValueError(
                f"y has {n} time steps, too few to calibrate intervals for horizon={horizon}: the first "
                f"cut-off leaves too little to fit."
            )
        cache[horizon, n_folds] = np.concatenate(errors)
        return cache[horizon, n_folds]


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


class PanelIntervalMixin:
    """``predict_interval`` of :class:`~sklstm.forecasting._global.GlobalLSTMForecaster`: calibrated once per panel."""

    def predict_interval(self, horizon: int | None = None, coverage: float = 0.9, ids: Any = None) -> Any:
        """Forecast with conformal prediction intervals per series and step.

        Calibration costs one more fit of every network: a clone is fitted on
        each series without its last ``horizon`` values and forecasts them;
        the errors, divided by each series' scale, are pooled over the series
        per step, and each series' interval is that step's ``coverage``
        quantile times its own scale (never narrower than the step before).
        Computed once per horizon and kept.
        Series not longer than ``horizon`` plus one window take no part in
        the calibration.

        Returns the forecast and ``lower``/``upper`` bounds in the panel's
        layout (wide: a column MultiIndex ``(block, series)``).
        """
        check_is_fitted(self, "estimators_")
        horizon = self._check_horizon(horizon)
        if not 0 < coverage < 1:
            raise ValueError(f"coverage must be in (0, 1), got {coverage!r}.")
        positions = self._panel.position(ids)
        forecast = self._forecast(self._panel, positions, horizon)
        # One calibration error per series and step: the widths are kept from shrinking with the step.
        width = np.maximum.accumulate(conformal_width(self._scaled_errors(horizon)[..., np.newaxis], coverage)[:, 0])
        half = self.scales_[positions][:, np.newaxis] * width[np.newaxis, :]
        lower = forecast - half
        lower = np.where(self.nonnegative_[positions][:, np.newaxis], np.maximum(lower, 0.0), lower)
        blocks = {self._panel.columns[2]: forecast, "lower": lower, "upper": forecast + half}
        from ._panels import panel_frame

        return panel_frame(self._panel, positions, blocks, horizon)

    def _scaled_errors(self, horizon: int) -> np.ndarray:
        """Errors ``(n_series, horizon)`` of a fit without each series' last ``horizon`` values, over their scales."""
        cache = self.__dict__.setdefault("_intervals", {})
        if horizon not in cache:
            panel = self._panel
            keep = [i for i, y in enumerate(panel.values) if len(y) > horizon + min(self.n_steps_in_)]
            if not keep:
                raise ValueError(f"No series is longer than horizon={horizon} plus one window: nothing to calibrate "
                                 "the intervals on; use a shorter horizon.")
            from sklearn.base import clone

            from ._panels import cut_panel

            head = cut_panel(panel, keep, horizon)
            calibrator = clone(self).set_params(season_length=self.season_length_)
            calibrator._fit_panel(head, self._extras[keep], self.extra_names_)
            forecast = calibrator._forecast(head, list(range(len(keep))), horizon)
            actual = np.array([panel.values[i][-horizon:] for i in keep])
            cache[horizon] = (actual - forecast) / calibrator.scales_[:, np.newaxis]
        return cache[horizon]
