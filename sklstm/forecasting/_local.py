"""From a raw series to a dated forecast: :class:`LSTMForecaster`.

The estimators answer "given this window, what comes next". The forecaster
owns the windowing and the choices a careful practitioner makes around the
network: ``fit(y, X=None, X_past=None)`` on a raw series (with optional
future-known covariates ``X`` and past-only covariates ``X_past``),
``predict(horizon, X=None)`` for the next values with their future dates and
``predict_interval`` for conformal prediction intervals whose width grows
with the step. Its parts live beside it: :mod:`sklstm.forecasting._base` (the
public ``fit``/``predict``), :mod:`sklstm.forecasting._configurations` (fitting and
choosing configurations), :mod:`sklstm.forecasting._combination` (how they combine),
:mod:`sklstm.forecasting._intervals` and :mod:`sklstm.forecasting._backtesting`.
"""

from __future__ import annotations

import difflib
import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, StrOptions
from .._validation import check_positive_int
from ._backtesting import FoldForecast, RollingOriginSplit, backtest
from ._base import FORECASTER_CONSTRAINTS, BaseForecaster, SeasonalNaiveForecaster
from ._combination import COMBINATIONS, Ensemble, ForecasterSelection, label, rank_weights, weighted_stats
from ._configurations import Configurator, FitSettings, default_network
from ._intervals import check_coverage, conformal_bounds, forecast_reached, held_out_origins
from ._lags import TRANSFORMS
from ._series import SeriesData, check_time_index, detect_season, model_season, resolve_season, season_length_from_index, week_of
from ._statistical import AUTO_MEMBERS, MEMBERS, SUB_DAILY_MEMBERS

# The forecasting API in one place (its parts live in the modules named above).
__all__ = [
    "FoldForecast",
    "ForecasterSelection",
    "LSTMForecaster",
    "RollingOriginSplit",
    "SeasonalNaiveForecaster",
    "backtest",
    "check_time_index",
    "detect_season",
    "rank_weights",
    "season_length_from_index",
]


class LSTMForecaster(BaseForecaster):
    """Forecast a raw series: ridges on lag windows and statistical models, corrected by an LSTM where that validates.

    The forecast is a weighted combination of members: the ridge regressions
    (every transform and window length that applies gets one on its lag
    windows, blended with weights that fall with their validation rank,
    :func:`rank_weights`) and statsforecast's automatic exponential smoothing,
    Theta and ARIMA models (``members``). Each member is scored by its
    forecasts from every origin of the held-out end of the training series,
    and weighted by that score (``combination``). The best ridge
    configuration can also get ``n_models`` networks (``estimator``) that
    learn its residuals from windows taken relative to their last value;
    ``residual_weight`` times the change they make is added to the forecast.

    Everything ``"auto"`` is decided in ``fit`` on the held-out end (never on
    data passed later). The networks cost the most, so they are trained only
    where they can matter (the ridges carry at least a fifth of the
    forecast), one first: the others follow only if that one lowers the
    validation MASE of the whole forecast by at least 5% at a weight of 0.25
    or 0.5, over all the held-out origins and in each half of them; the
    networks are kept at the weight that validates so, else dropped.
    ``selection_.networks`` says which, and why. The members are then refitted
    on all the data; the networks are kept as validated. A parameter set
    explicitly is used exactly.

    Parameters
    ----------
    estimator : estimator, default=None
        The network that learns the linear model's residuals. ``None`` uses
        ``VanillaLSTMRegressor(units=32, epochs=300, linear_baseline=False)``.
        Any sklstm estimator, or any scikit-learn regressor (which receives
        the windows flattened to 2-D), works.
    n_steps_in : int or "auto", default="auto"
        Time steps in each input window. ``"auto"`` combines 1, 2 and 3
        seasons (3, 6, 12 and 24 steps without a season) that the series can
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
        frequency (12 monthly, 4 quarterly, 7 daily, 24 hourly) and, where
        that gives none (a plain array, yearly data, a series not longer
        than that season), detects the dominant
        period from the series' autocorrelation (:func:`detect_season`; 1
        when there is none). A detected period that is no calendar period
        (4, 5, 6, 7, 12, 24, 52, 60, 168, 365) is taken as a cycle, like the
        10 years of the lynx and sunspot series: the windows cover it, but the
        statistical members are fitted without a season, which would repeat
        a cycle of drifting length exactly.
    transform : {"auto", "none", "log", "diff", "log-diff"} or None, default="auto"
        Transform of the targets before windowing. ``"log"`` needs every value
        positive; ``"diff"`` models first differences. ``"auto"`` tries
        ``"none"`` and (for positive series) ``"log"``: first differences
        validated better but forecast worse on the real-data benchmark, so
        they are available only when asked for.
    linear_baseline : bool, default=True
        Fit the ridge regression under the network (as the estimators'
        ``linear_baseline``), and the statistical members. ``False`` leaves
        the estimator alone on the windows (the tutorial's pure network).
    linear_model : bool, default="deprecated"
        The former name of ``linear_baseline`` (a ``FutureWarning``; it will
        be removed).
    residual_weight : float in [0, 1] or "auto", default="auto"
        Weight of the networks' correction. ``"auto"`` picks 0, 0.25 or 0.5
        by the validation error, 0 unless another weight beats it by 5%,
        over all the held-out origins and in each half of them (0
        drops the networks: the forecast is then exactly the members', as
        with ``residual_weight=0``; a series too short to hold any values
        out, under 6, gets 0 untrained). With ``linear_baseline=False`` there is
        no baseline to correct: "auto" (or 1) only.
    early_stopping : bool, default=True
        Choose the number of epochs (up to the estimator's ``epochs``) by
        early stopping on the last fifth of the training windows before the
        held-out end, and keep those networks. ``False`` trains the
        estimator's ``epochs`` (still before the held-out end when
        ``residual_weight="auto"``, on all the data otherwise).
    members : "auto" or tuple of str, default="auto"
        The members combined: ``"ridge"`` (the ridge regressions, with the
        networks), ``"ets"``, ``"theta"`` and ``"arima"`` (statsforecast's
        ``AutoETS``, ``AutoTheta`` and ``AutoARIMA``, per target; ARIMA
        reads the future-known covariates ``X`` as regressors, the others
        read no covariates; seasons over 24 are given to ETS and CES as none, over 12 to ARIMA),
        ``"pretrained"`` (the architecture of
        :class:`~sklstm.forecasting.PretrainedLSTMForecaster`, trained on
        synthetic series only, zero-shot, per target), ``"ces"`` (complex exponential
        smoothing, statsforecast's ``AutoCES``), ``"snaive"`` (seasonal
        naive, statsforecast's ``SeasonalNaive``; of the week for sub-daily
        data) and ``"mstl"`` (statsforecast's ``MSTL``: the day and the week of
        sub-daily data, else the season, taken out by loess, and ``AutoETS`` on
        the rest).
        ``"auto"``: all but ``"ces"``, ``"snaive"`` and ``"mstl"``, and
        ``"snaive"`` and ``"mstl"`` too for sub-daily data (a season of 24, 48
        or 96 steps, the day, and at least two weeks of values: the seasonal
        naive member then repeats the week, MSTL takes the day and the week,
        and a ridge window of a week joins the others; chosen on fpp2's
        ``elecdemand``) (only ``"ridge"`` with
        ``linear_baseline=False``; the pretrained member joined on the tuning
        half of ``benchmarks/bench_real.py``, where it lowered the mean MASE,
        and seasonal naive and CES stayed out, where they raised it).
        A member that fails to fit or forecast is dropped with a warning, and
        covariates that no chosen member reads (``X`` without ``"ridge"`` or
        ``"arima"``, ``X_past`` without ``"ridge"``) are ignored with one.
    combination : {"inverse", "rank", "equal", "best"}, default="inverse"
        How the members' validation MASE weights them: proportional to its
        inverse 4th power (mostly the best when one member validates clearly
        better, close to the mean when they tie; chosen on the tuning-only
        sets of ``benchmarks/bench_real.py``), by rank, equally, or the best
        alone (:func:`~sklstm.forecasting._combination.family_weights`).
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
        The members' validation scores and weights, the best ridge
        configuration, the networks' epochs and weight, and in words whether
        the networks were used (``selection_.networks``).
    member_weights_ : dict
        Weight of each member in the forecast.
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
    >>> f = LSTMForecaster(Ridge(alpha=1e-6), n_steps_in=3, transform=None, residual_weight=0.0, members=("ridge",))
    >>> f = f.fit(y)
    >>> f.predict(2).round(1).tolist()
    [100.0, 110.0]
    """

    _parameter_constraints: dict = {
        **FORECASTER_CONSTRAINTS,
        "strategy": [StrOptions({"recursive", "direct"})],
        "transform": [StrOptions({"auto", *TRANSFORMS}), None],
        "linear_baseline": ["boolean"],
        "linear_model": ["boolean", StrOptions({"deprecated"})],
        "residual_weight": [Interval(numbers.Real, 0, 1, closed="both"), StrOptions({"auto"})],
        "early_stopping": ["boolean"],
        "members": [StrOptions({"auto"}), list, tuple],
        "combination": [StrOptions(set(COMBINATIONS))],
    }

    def __init__(
        self,
        estimator: Any = None,
        n_steps_in: int | str = "auto",
        strategy: str = "recursive",
        horizon: int = 12,
        season_length: int | str = "auto",
        transform: str | None = "auto",
        linear_baseline: bool = True,
        residual_weight: float | str = "auto",
        early_stopping: bool = True,
        members: str | tuple = "auto",
        combination: str = "inverse",
        nonnegative: bool | str = "auto",
        n_models: int = 3,
        random_state: int | None = 0,
        verbose: int = 0,
        linear_model: bool | str = "deprecated",
    ):
        # Stored as given, validated in fit (scikit-learn's rule), grouped by what they set.
        self.estimator, self.n_steps_in, self.strategy, self.horizon = estimator, n_steps_in, strategy, horizon
        self.season_length, self.transform = season_length, transform
        self.linear_baseline, self.residual_weight, self.early_stopping = linear_baseline, residual_weight, early_stopping
        self.members, self.combination = members, combination
        self.nonnegative, self.n_models = nonnegative, n_models
        self.random_state, self.verbose = random_state, verbose
        self.linear_model = linear_model  # deprecated name of linear_baseline

    # ----------------------------------------------------------------- fit
    def _fit(self, data: SeriesData) -> None:
        """Choose every ``"auto"`` setting on the held-out end of ``data``, then fit the final models."""
        if self.transform in ("log", "log-diff") and not np.all(data.y > 0):
            raise ValueError(f"transform={self.transform!r} needs every value of y to be positive; got min {data.y.min():g}.")
        self._check_members()
        if not self._linear_baseline() and self.residual_weight not in ("auto", 1):
            raise ValueError(
                f"residual_weight={self.residual_weight!r} weighs the networks' correction of the linear baseline, "
                "but linear_baseline=False fits none: the networks' forecast is the whole forecast. Leave "
                "residual_weight='auto' (or 1), or set linear_baseline=True."
            )
        config = Configurator(self._settings(data), data)
        settings, n = config.settings, len(data.y)
        _warn_unread_covariates(data, settings.members)
        split = config.validation_plan(n)
        cycle = " (a cycle, not a calendar season: the statistical members model none)" if (
            settings.member_season != settings.season) else ""
        week = f" and a week of {settings.week}" if settings.week > 1 else ""
        config.say(
            f"{n} steps, season {settings.season}{cycle}{week}: members {', '.join(settings.members)}"
            + (f", scored on forecasts from the last {len(split[1])} origins" if split else "")
        )
        members, paths, plan, held_out = config.select_linear(data)
        ridge_weights = rank_weights(len(members))
        mix = config.weigh_members(plan, paths, ridge_weights)
        weight, epochs, mase, validated, networks = config.select_network(data, members, plan, mix)
        config.say(f"networks {networks}")
        member_weights = dict(mix["weights"])
        held = None  # the models fitted before the held-out end, as combined in the final forecast (for intervals)
        if plan is not None and (weight == 0 or validated is not None):
            ridges = [validated if validated is not None else held_out[0], *held_out[1:]]
            held = (Ensemble.of(ridges, ridge_weights, mix["stats"], member_weights, weight), int(plan.origins[0]))
        if validated is None or weight == 0:  # (without networks: the ridges alone, scaled on all the data)
            ridges = config.fit_members(data, n, members, weight, epochs, settings.n_models)
        else:  # keep the networks that were judged on the held-out end; refit the ridges on all the data
            ridges = config.fit_members(data, n, members, 0.0, None, 0, stats=validated)
            ridges[0].networks = validated.networks
        final = Ensemble.of(ridges, ridge_weights, config.fit_stats(data, n, weighted_stats(member_weights)), member_weights,
                            weight)
        (transform, n_steps_in), others = members[0], members[1:]
        selection = ForecasterSelection(
            transform.name, n_steps_in, epochs, weight, mase, mix["linear"], tuple(label(t, L) for t, L in others),
            dict(final.weights), dict(mix["scores"]), networks,
        )
        # Every fitted attribute, in one place.
        self.season_length_, self.nonnegative_ = settings.season, settings.nonnegative
        self.validation_scores_, self.combination_weights_ = config.validation_scores, ridge_weights
        self.transform_, self.n_steps_in_, self.residual_weight_, self.epochs_ = transform.name, n_steps_in, weight, epochs
        self.member_weights_, self.selection_, self.estimators_ = dict(final.weights), selection, ridges[0].networks
        self._config, self._members, self._final, self._held_out = config, ridges, final, held

    def _settings(self, data: SeriesData) -> FitSettings:
        """This fit's settings, with the season and the floor at zero resolved on ``data``."""
        linear = self._linear_baseline()
        season = resolve_season(self.season_length, self.index_, data.y)
        week = week_of(season)
        week = week if len(data.y) >= 2 * week + 2 else 1  # two weeks show one, as two seasons show a season
        return FitSettings(
            horizon=self.horizon, strategy=self.strategy, transform=self.transform, n_steps_in=self.n_steps_in,
            season=season, member_season=model_season(season, self.season_length, self.index_), week=week,
            linear_baseline=linear, residual_weight=self.residual_weight, early_stopping=self.early_stopping,
            members=self._member_names(linear, week),
            combination=self.combination,
            nonnegative=bool(np.all(data.y >= 0)) if self.nonnegative == "auto" else bool(self.nonnegative),
            n_models=self.n_models, estimator=self.estimator, random_state=self.random_state, verbose=self.verbose,
        )

    def _check_members(self) -> None:
        if self.members == "auto":
            return
        known = ("ridge", *MEMBERS)
        bad = [m for m in self.members if m not in known]
        if bad or not self.members or len(set(self.members)) != len(self.members):
            hints = "".join(
                f" {m!r}: did you mean {guess[0]!r}?"
                for m in bad if (guess := difflib.get_close_matches(str(m), known, n=1))
            )
            raise ValueError(f"members must be 'auto' or distinct names from {list(known)}; got {self.members!r}.{hints}")

    def _member_names(self, linear_baseline: bool, week: int) -> tuple:
        if self.members != "auto":
            return tuple(self.members)
        if not linear_baseline:
            return ("ridge",)
        return ("ridge", *AUTO_MEMBERS, *SUB_DAILY_MEMBERS) if week > 1 else ("ridge", *AUTO_MEMBERS)

    def _linear_baseline(self) -> bool:
        """``linear_baseline``, or the deprecated ``linear_model`` when it was given (with a FutureWarning)."""
        if self.linear_model == "deprecated":
            return bool(self.linear_baseline)
        warnings.warn("LSTMForecaster's linear_model was renamed linear_baseline (as the estimators call it); "
                      "linear_model will be removed.", FutureWarning, stacklevel=4)
        return bool(self.linear_model)

    def set_params(self, **params) -> LSTMForecaster:
        """Set parameters; ``estimator__<name>`` also reaches the default network when ``estimator`` is None.

        Parameters
        ----------
        **params : dict
            Parameter names and their values.

        Returns
        -------
        self : object
        """
        if self.estimator is None and params.get("estimator") is None and any(k.startswith("estimator__") for k in params):
            params = {"estimator": default_network(), **{k: v for k, v in params.items() if k != "estimator"}}
        return super().set_params(**params)

    # ------------------------------------------------------------- predict
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
        coverage = check_coverage(coverage)
        horizon = self._check_horizon(horizon)
        if method not in ("auto", "holdout", "refit"):
            raise ValueError(f"method must be 'auto', 'holdout' or 'refit', got {method!r}.")
        n_folds = check_positive_int(n_folds, "n_folds")
        point = self._forecast_from(self._data, horizon, self._check_future(X, horizon, self.index_))
        calibration = None
        if method != "refit":
            calibration = self._held_out_forecasts(horizon)
            enough = calibration is not None and np.all(
                np.sum(forecast_reached(calibration["origins"], horizon, len(self._data.y)), axis=0)
                >= coverage / (1 - coverage))
            if method == "holdout" and calibration is None:
                raise ValueError(
                    "method='holdout' needs the models fit() trained before the held-out end: the series was too "
                    "short to hold any out, or early_stopping=False with a fixed residual_weight; use method='refit'."
                )
            if method == "auto" and not enough:
                calibration = None
        if calibration is None:
            calibration = self._refit_forecasts(horizon, int(n_folds))
        lower, upper = conformal_bounds(point, calibration["paths"], self._data.y, calibration["origins"], coverage,
                                        self._positive())
        lower, upper = self._clip(lower), self._clip(upper)
        return self._wrap_interval(point, lower, upper)

    def _held_out_forecasts(self, horizon: int) -> dict | None:
        """Forecasts of the models fitted before the held-out end, from every origin after it (no training)."""
        if self._held_out is None:
            return None
        ensemble, start = self._held_out
        direct = self.horizon if self.strategy == "direct" else None
        data, origins = held_out_origins(self._data, start, horizon, direct)
        if not len(origins):
            return None
        return {"paths": self._clip(ensemble.forecast(data, origins, horizon)), "origins": origins}

    def _refit_forecasts(self, horizon: int, n_folds: int) -> dict:
        """Out-of-sample forecasts (``paths`` from ``origins``) of refits at ``n_folds`` cut-offs (cached)."""
        cache = self.__dict__.setdefault("_calibration", {})
        # A string key: skops.io stores dicts keyed by strings and numbers only. (Before 2026-12-07 the cache held
        # errors under "horizon,n_folds"; the new prefix never reads such an entry of a forecaster saved then.)
        key = f"forecasts {horizon},{n_folds}"
        if key not in cache:
            cache[key] = self._calibrate(horizon, n_folds)
        return cache[key]

    def _calibrate(self, horizon: int, n_folds: int) -> dict:
        data, n = self._data, len(self._data.y)
        configs = [(m.transform, m.layout.n_steps_in) for m in self._members]
        first = max(L + t.diff for t, L in configs)
        paths, origins = [], []
        for j in range(n_folds):
            self._config.say(f"interval calibration: refit {j + 1}/{n_folds}")
            cut = n - (j + 1) * horizon
            try:
                members = self._config.fit_members(data, cut, configs, self.residual_weight_, self.epochs_, 1)
            except ValueError:
                break
            stats = self._config.fit_stats(data, cut, weighted_stats(self.member_weights_))
            ensemble = Ensemble.of(members, self.combination_weights_, stats, self.member_weights_, self.residual_weight_)
            at = np.arange(max(cut, first), n - horizon + 1)
            paths.append(self._clip(ensemble.forecast(data, at, horizon)))
            origins.append(at)
        if not paths:
            raise ValueError(
                f"y has {n} time steps, too few to calibrate intervals for horizon={horizon}: the first "
                f"cut-off leaves too little to fit. Ask for fewer steps, or for points only (predict)."
            )
        return {"paths": np.concatenate(paths), "origins": np.concatenate(origins)}

    def _check_horizon(self, horizon: int | None) -> int:
        horizon = super()._check_horizon(horizon)
        if self.strategy == "direct" and horizon > self.horizon:
            raise ValueError(
                f"horizon={horizon} exceeds the direct model's horizon={self.horizon}; refit with a larger "
                "horizon or use strategy='recursive'."
            )
        return horizon

    def _future_rows(self, horizon: int) -> int:
        return horizon if self.strategy == "recursive" else self.horizon

    def _min_history(self) -> int:
        return max(m.layout.n_steps_in + m.transform.diff for m in self._members)

    def _forecast_from(self, history: SeriesData, horizon: int, future: np.ndarray | None) -> np.ndarray:
        """Raw forecast ``(horizon, n_targets)`` from the end of ``history`` (aligned as in fit)."""
        data, origin = history.with_future(future), np.array([len(history.y)])
        ensemble = self._final if history is self._data else self._on_rows(data, len(history.y))
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by _clip, in words
            paths = ensemble.forecast(data, origin, horizon)
        return self._clip(paths[0])

    def _on_rows(self, data: SeriesData, n: int) -> Ensemble:
        """The final members for other rows than the training series (``last_window``): the statistical ones
        fitted again on those ``n`` rows. Their states start at the first step they were fitted on, so they
        cannot filter rows that do not continue it (a window of 3 years of a monthly series was 9-26 off);
        the ridges and the networks read any window."""
        final = self._final
        if not final.stats:
            return final
        stats = self._config.fit_stats(data, n, tuple(member.name for member in final.stats))
        return Ensemble.of(final.ridges, final.ridge_weights, stats, final.weights, final.residual_weight)

    def _clip(self, values: np.ndarray) -> np.ndarray:
        if not np.all(np.isfinite(values)):
            raise ValueError(
                f"The forecast is not finite (it overflowed): the model fitted on {len(self._data.y)} time steps "
                "extrapolates explosively. Give a longer series, a shorter horizon or transform='none' (or use "
                "SeasonalNaiveForecaster, which needs one season)."
            )
        return np.maximum(values, 0.0) if self.nonnegative_ else values


#: Which members read each kind of covariate (the networks correct the ridges, so they come with ``"ridge"``).
_COVARIATE_READERS = {"X": ("ridge", "arima"), "X_past": ("ridge",)}


def _warn_unread_covariates(data: SeriesData, members: tuple) -> None:
    """Warn when covariates were given that none of ``members`` reads: the forecast would ignore them silently."""
    for name, given in (("X", data.future), ("X_past", data.past)):
        readers = _COVARIATE_READERS[name]
        if given is not None and given.shape[1] and not set(readers) & set(members):
            warnings.warn(f"LSTMForecaster: {name} is read only by the {' and '.join(map(repr, readers))} "
                          f"member{'s' if len(readers) > 1 else ''}, which members={members!r} leaves out: the "
                          f"forecast ignores {name}.", UserWarning, stacklevel=4)
