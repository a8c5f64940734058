"""How :class:`~sklstm.forecasting.LSTMForecaster` fits and chooses its configurations: a :class:`Configurator`.

The forecaster makes one per fit from its resolved settings
(:class:`FitSettings`) and the series, and keeps it for the refits of
``predict_interval``. Every transform and window length that applies gets a
ridge regression on its lag windows, scored by its forecasts from every
origin of the held-out end of the training series; the statistical members
are scored on the same origins; the best configuration also gets networks
that learn its ridge's residuals, and their correction is kept only at a
weight that validates.
"""

from __future__ import annotations

import dataclasses
import sys
import warnings
from typing import Any

import numpy as np
from sklearn.base import clone

from ._combination import LagModel, Plan, blend, combine, family_weights, label, mase_scale, network_inputs, scale_stats
from ._lags import LagLayout, SeriesTransform, build_frame, training_windows
from ._series import SeriesData
from ._statistical import fit_stat_member

__all__ = ["Configurator", "FitSettings", "default_network"]

_RIDGE_ALPHAS = np.logspace(-6, 3, 19)
_RESIDUAL_WEIGHTS = (0.0, 0.25, 0.5)  # "auto": drop the network's correction, or add a quarter or half of it
# The networks are trained only when the ridges carry at least this share of the forecast, and kept only when
# they lower the validation MASE of the whole forecast by at least this much. Chosen on the tuning half of
# benchmarks/bench_real.py: with a 2% margin the networks were kept in 1 of 75 fits (a 2.4% validation gain) and
# made that series 6% worse; no fit they were dropped from had gained more than 1.9%.
_MIN_RIDGE_SHARE = 0.2
_NETWORK_MARGIN = 0.05
# ... and only on at least this many training windows (on the tuning half, the one series the networks made
# more than 5% worse had fewer: 40 monthly values).
_MIN_NETWORK_WINDOWS = 50
# "auto" trains no network over windows this long or longer (a week of hours): an LSTM over hundreds of steps takes
# minutes per network on two cores (1,052 s against 275 s for a fit on taylor's 336-step week), and its ReLU
# recurrence can diverge (408 steps of hourly temperature, even at a learning rate of 1e-5). No benchmark window is
# this long: 3 seasons of 52 weeks are 156 steps.
_LONGEST_NETWORK_WINDOW = 168


def default_network() -> Any:
    """The network ``LSTMForecaster`` trains when ``estimator`` is None: a vanilla LSTM of 32 units, 300 epochs."""
    from ..estimators._regressors import VanillaLSTMRegressor

    return VanillaLSTMRegressor(units=32, epochs=300, linear_baseline=False)


@dataclasses.dataclass(frozen=True)
class FitSettings:
    """A forecaster's settings for one fit, with ``"auto"`` resolved where the data decides (season, nonnegative)."""

    horizon: int
    strategy: str
    transform: str | None
    n_steps_in: int | str
    season: int
    member_season: int  # the season of the statistical and pretrained members (:func:`model_season`)
    week: int  # the week of sub-daily data (:func:`week_of`; 1: none): a ridge window, and the seasonal naive's season
    linear_baseline: bool
    residual_weight: float | str
    early_stopping: bool
    members: tuple
    combination: str
    nonnegative: bool
    n_models: int
    estimator: Any  # the (unfitted) estimator the networks are cloned from; None: default_network()
    random_state: int | None
    verbose: int


class Configurator:
    """Fitting and selecting configurations (transform, window length, members, networks) on the held-out end.

    Parameters
    ----------
    settings : FitSettings
    data : SeriesData
        The training series.
    """

    def __init__(self, settings: FitSettings, data: SeriesData):
        self.settings, self.data = settings, data
        self.validation_scores: dict = {}

    def say(self, message: str) -> None:
        """A progress message on stderr, with ``verbose``."""
        if self.settings.verbose:
            print(f"LSTMForecaster: {message}", file=sys.stderr, flush=True)

    def network(self) -> Any:
        """The estimator the networks are cloned from (TensorFlow is imported only when one is needed)."""
        return default_network() if self.settings.estimator is None else self.settings.estimator

    def layout(self, data: SeriesData, n_steps_in: int) -> LagLayout:
        """The lag layout of windows of ``n_steps_in`` steps of ``data``."""
        past = 0 if data.past is None else data.past.shape[1]
        future = 0 if data.future is None else data.future.shape[1]
        return LagLayout(n_steps_in, self.settings.horizon, self.settings.strategy == "recursive", data.y.shape[1], past,
                         future)

    def validation_plan(self, n: int) -> tuple[int, np.ndarray] | None:
        """Validation horizon and forecast origins (every step of the last stretch) of a series of length ``n``."""
        steps = min(self.settings.horizon, n // 6)
        if steps < 1:
            return None
        span = max(steps, n // 6)
        return steps, np.arange(n - steps - span, n - steps + 1)

    def _transform_candidates(self, y: np.ndarray) -> list[SeriesTransform]:
        if self.settings.transform != "auto":
            return [SeriesTransform(self.settings.transform or "none")]
        names = ["none", "log"] if np.all(y > 0) else ["none"]
        return [SeriesTransform(n) for n in names]

    def _window_candidates(self, stop: int, layout_steps: int, lost: int, shortest: int = 1) -> list[int]:
        """Window lengths of at least ``shortest`` that leave at least ``max(8, L)`` training windows before ``stop``."""
        if self.settings.n_steps_in != "auto":
            return [int(self.settings.n_steps_in)]
        m = self.settings.season
        # Without a season, 24 steps too: cycles longer than a year of months (chosen on bench_real's tuning half).
        # Sub-daily data: a window of a week as well (chosen on elecdemand; benchmarks/README.md).
        week = [self.settings.week] if self.settings.week > 1 else []
        base = sorted({max(L, shortest) for L in ([m, 2 * m, 3 * m, *week] if m > 1 else [3, 6, 12, 24])})
        fits = [L for L in base if stop - lost - L - layout_steps + 1 >= max(8, L)]
        return fits or [max(1, min(base[0], (stop - lost - layout_steps) // 3))]

    def select_linear(self, data: SeriesData) -> tuple[list, list, Plan | None, list]:
        """Every configuration (transform, window length), best first, with its validation forecasts
        and its ridge fitted before the held-out end.

        Each is scored by the validation MASE of its ridge alone; all are kept
        and combined with weights by rank, because on short series the single
        best of a noisy validation forecasts worse than a combination.
        """
        n = len(data.y)
        transforms = self._transform_candidates(data.y)
        split = self.validation_plan(n)
        self.validation_scores = {}
        steps_out = self.settings.horizon if self.settings.strategy == "direct" else 1
        # The direct model reads the future covariates of its whole horizon from the window's last rows.
        shortest = self.settings.horizon if self.settings.strategy == "direct" and data.future is not None else 1
        if split is None:
            t = transforms[0] if self.settings.transform != "auto" or not np.all(data.y > 0) else SeriesTransform("log")
            return [(t, self._window_candidates(n, steps_out, t.diff, shortest)[-1])], [], None, []
        steps, origins = split
        plan = Plan(steps, origins, mase_scale(data.y[: origins[0]], self.settings.season))
        ranked = []
        for t in transforms:
            for L in self._window_candidates(int(origins[0]), steps_out, t.diff, shortest):
                try:
                    model = self.fit_model(data, n, t, L, val_start=int(origins[0]))
                    paths = self._validation_forecast(plan, model, data, 0.0)
                except ValueError:
                    continue
                score = self.validation_mase(plan, paths)
                self.validation_scores[label(t, L)] = score
                if np.isfinite(score):
                    ranked.append((score, len(ranked), t, L, paths, model))
        if not ranked:
            strategy = f"horizon={self.settings.horizon} ({'direct' if steps_out > 1 else 'recursive'} strategy)"
            if self.settings.n_steps_in != "auto":
                raise ValueError(
                    f"n_steps_in={self.settings.n_steps_in} is too long for y of {n} time steps with {strategy}: "
                    "its windows leave too few to fit and judge. Use a shorter n_steps_in, or 'auto'."
                )
            raise ValueError(f"y has {n} time steps, too short to fit any window length with {strategy}.")
        ranked.sort(key=lambda r: r[:2])
        return [(r[2], r[3]) for r in ranked], [r[4] for r in ranked], plan, [r[5] for r in ranked]

    def _validation_forecast(self, plan: Plan, model: LagModel, data: SeriesData, weight: float) -> np.ndarray:
        paths = combine([model], np.ones(1), data, plan.origins, plan.steps, weight)
        return self.floor(paths)

    def floor(self, paths: np.ndarray) -> np.ndarray:
        """Validation forecasts clipped at zero when the forecaster is nonnegative (as its forecasts are)."""
        return np.maximum(paths, 0.0) if self.settings.nonnegative else paths

    def validation_mase(self, plan: Plan, paths: np.ndarray) -> float:
        """Validation MASE of forecasts ``paths`` from the plan's origins."""
        actual = self.data.y[plan.origins[:, np.newaxis] + np.arange(plan.steps)]
        err = np.abs(paths - actual) / plan.scale
        return float(np.mean(err)) if np.all(np.isfinite(err)) else float("inf")

    def fit_stats(self, data: SeriesData, stop: int, names: tuple | None = None) -> list:
        """The statistical members ``names`` (default: those in ``members``), fitted on ``data.y[:stop]``; a
        member that fails is dropped with a warning."""
        fitted = []
        for name in self.settings.members if names is None else names:
            if name == "ridge":
                continue
            try:
                fitted.append(fit_stat_member(name, data.y[:stop], self.settings.member_season, data.future,
                                              self.settings.week))
            except Exception as exc:  # any failure of the statistical library: the member is dropped, never a crash
                warnings.warn(f"LSTMForecaster: the {name!r} member could not be fitted and is dropped "
                              f"({type(exc).__name__}: {exc}).", RuntimeWarning, stacklevel=3)
        return fitted

    def weigh_members(self, plan: Plan | None, ridge_paths: list, ridge_weights: np.ndarray) -> dict:
        """Each member's validation forecasts and MASE, and the members' weights (``combination``).

        Returns a dict: ``weights`` and ``scores`` by member, the validation
        ``paths`` by member, ``ridge_paths`` (per ridge configuration), the
        fitted statistical members ``stats`` and the validation MASE of the
        weighted forecast, ``linear``.
        """
        if plan is None:  # too short to validate: the ridges alone
            return {"weights": {"ridge": 1.0}, "scores": {}, "paths": {}, "ridge_paths": [], "stats": [],
                    "linear": float("nan")}
        stats, paths = self.stat_paths(plan, self.fit_stats(self.data, int(plan.origins[0])))
        if "ridge" in self.settings.members or not paths:
            paths = {"ridge": blend(ridge_paths, ridge_weights), **paths}
        scores = {name: self.validation_mase(plan, p) for name, p in paths.items()}
        weights = family_weights(scores, self.settings.combination)
        linear = self.validation_mase(plan, sum(weights[name] * p for name, p in paths.items()))
        self.say("validation MASE " + ", ".join(f"{k} {v:.3f} (weight {weights[k]:.2f})" for k, v in scores.items()))
        return {"weights": weights, "scores": scores, "paths": paths, "ridge_paths": ridge_paths, "stats": stats,
                "linear": linear}

    def stat_paths(self, plan: Plan, stats: list) -> tuple[list, dict]:
        """Members that forecast the validation origins (a failing one is dropped with a warning) and their scores."""
        kept, paths = [], {}
        for member in stats:
            try:
                forecast = member.forecast(self.data.y, plan.origins, plan.steps, self.data.future)
            except Exception as exc:
                warnings.warn(f"LSTMForecaster: the {member.name!r} member failed to forecast and is dropped "
                              f"({type(exc).__name__}: {exc}).", RuntimeWarning, stacklevel=3)
                continue
            kept.append(member)
            paths[member.name] = self.floor(forecast)
        return kept, paths

    def select_network(self, data: SeriesData, members: list, plan: Plan | None, mix: dict,
                        ) -> tuple[float, int | None, float, LagModel | None, str]:
        """Weight of the networks' correction of the first ridge, judged by forecasts on the held-out end.

        ``mix`` holds the members' validation forecasts (``paths``, ridge
        configurations in ``ridge_paths``), their weights and the validation
        MASE without networks (``linear``). The networks are trained only
        where they can change the forecast: the ridges must carry at least
        :data:`_MIN_RIDGE_SHARE` of the weight (and the first ridge must read
        fewer than :data:`_LONGEST_NETWORK_WINDOW` steps). The ``n_models`` networks are
        trained on the windows before the held-out end (early stopping on the
        last fifth of them); a weight is kept only if it lowers the
        validation MASE of the whole forecast by at least
        :data:`_NETWORK_MARGIN` (relative), over all the origins and over
        each half of them. Returns the weight, the networks'
        median best epoch, the validation MASE, the fitted first ridge with its
        networks (None when none were trained) and the reason, in words.
        """
        fixed = None if self.settings.residual_weight == "auto" else float(self.settings.residual_weight)
        if not self.settings.linear_baseline:
            fixed = 1.0
        if fixed == 0.0:
            return 0.0, None, mix["linear"], None, "not used (residual_weight=0)"
        if fixed is None and plan is None:  # nothing held out to judge them on: never trained unjudged
            return 0.0, None, mix["linear"], None, (f"not trained: {len(data.y)} values are too few to hold any out "
                                                   "and judge them on")
        share = mix["weights"].get("ridge", 0.0)
        if fixed is None and plan is not None and share < _MIN_RIDGE_SHARE:  # decided before TensorFlow is imported
            return 0.0, None, mix["linear"], None, (f"not trained: the ridges carry {share:.0%} of the forecast "
                                                   f"(under {_MIN_RIDGE_SHARE:.0%}), too little for a correction to matter")
        transform, n_steps_in = members[0]
        if fixed is None and n_steps_in >= _LONGEST_NETWORK_WINDOW:
            return 0.0, None, mix["linear"], None, (f"not trained: the best ridge reads {n_steps_in} steps, a window "
                                                   f"too long (>= {_LONGEST_NETWORK_WINDOW}) for the networks to "
                                                   "train in reasonable time")
        windows = int(plan.origins[0]) - n_steps_in - transform.diff if plan is not None else 0
        if fixed is None and plan is not None and windows < _MIN_NETWORK_WINDOWS:
            return 0.0, None, mix["linear"], None, (f"not trained: {windows} training windows, under the "
                                                   f"{_MIN_NETWORK_WINDOWS} a network needs to learn from")
        base = self.network()
        early = self.settings.early_stopping and "epochs" in base.get_params() and "callbacks" in base.get_params()
        if plan is None or (fixed is not None and not early):
            return (1.0 if fixed is None else fixed), None, float("nan"), None, "used (weight set, not validated)"
        fit = dict(networks=True, val_start=int(plan.origins[0]), early=early)
        try:  # one network first: when it cannot earn its place, the others are never trained
            model = self.fit_model(data, len(data.y), transform, n_steps_in, n_models=self.settings.n_models, last=1,
                                   **fit)
            scores, halves = self._network_scores(plan, data, model, mix, fixed)
            if self.settings.n_models > 1 and (fixed is not None or self._network_weight(scores, halves) > 0):
                more = self.fit_model(data, len(data.y), transform, n_steps_in, n_models=self.settings.n_models,
                                       first=1, stats=model, **fit)
                model.networks += more.networks
                scores, halves = self._network_scores(plan, data, model, mix, fixed)
        except RuntimeError as exc:  # training diverged at every learning rate tried: the forecast goes on without
            if fixed is not None:  # a weight set explicitly is used exactly, or fails
                raise
            warnings.warn(f"LSTMForecaster: the networks are dropped: {exc}", RuntimeWarning, stacklevel=3)
            return 0.0, None, mix["linear"], None, f"dropped: training failed ({exc})"
        best = [int(np.argmin(net.history_["val_loss"])) + 1 for net in model.networks] if early else []
        epochs = int(np.median(best)) if best else None
        if fixed is not None:
            return fixed, epochs, scores[fixed], model, "used (weight set)"
        weight = self._network_weight(scores, halves)
        top = min((w for w in scores if w > 0), key=lambda w: (scores[w], w))  # the networks' best, even a loss
        gains = [1 - h / h0 if h0 > 0 else 0.0 for h, h0 in zip(halves[top], halves[0.0])]
        trained = f"{len(model.networks)} network{'s' if len(model.networks) > 1 else ''}"
        split = f"{gains[0]:+.1%} and {gains[1]:+.1%} in the earlier and later half of the origins"
        reason = (f"used at weight {weight}: {trained} lowered the validation MASE by "
                  f"{1 - scores[weight] / scores[0.0]:.1%} ({split})" if weight > 0 else
                  f"trained and dropped: {trained} did not lower the validation MASE by {_NETWORK_MARGIN:.0%} over "
                  f"all the origins and in each half of them (best {1 - scores[top] / scores[0.0]:+.1%}: {split})")
        return weight, (epochs if weight > 0 else None), scores[weight], model, reason

    def _network_scores(self, plan: Plan, data: SeriesData, model: LagModel, mix: dict, fixed: float | None,
                        ) -> tuple[dict, dict]:
        """Validation MASE of the whole forecast with the networks' correction at each candidate weight: over all
        the origins, and over the earlier and the later half of them."""
        correction = self._validation_forecast(plan, model, data, 1.0) - mix["ridge_paths"][0]
        base_paths = sum(mix["weights"][n] * p for n, p in mix["paths"].items())
        earlier = np.arange(len(plan.origins)) < len(plan.origins) // 2
        scores, halves = {}, {}
        for w in [fixed] if fixed is not None else _RESIDUAL_WEIGHTS:
            paths = self.floor(base_paths + w * correction)
            scores[w] = self.validation_mase(plan, paths)
            halves[w] = [self.validation_mase(plan._replace(origins=plan.origins[part]), paths[part])
                         for part in (earlier, ~earlier)]
        return scores, halves

    @staticmethod
    def _network_weight(scores: dict, halves: dict) -> float:
        """The best-validated weight, or 0 unless it beats the forecast without networks (weight 0) by the margin
        over all the origins and in each half of them: a gain that one stretch of the held-out end makes is
        not kept."""
        weight = min(scores, key=lambda w: (scores[w], w))  # ties keep the smaller weight
        beats = [h <= (1 - _NETWORK_MARGIN) * h0 for h, h0 in zip([scores[weight], *halves[weight]],
                                                                  [scores[0.0], *halves[0.0]])]
        return weight if weight > 0 and all(beats) else 0.0

    def fit_model(self, data: SeriesData, stop: int, transform: SeriesTransform, n_steps_in: int, *,
                   networks: bool = False, epochs: int | None = None, n_models: int = 1, val_start: int | None = None,
                   early: bool = False, stats: LagModel | None = None, first: int = 0,
                   last: int | None = None) -> LagModel:
        """Fit one configuration on ``data[:stop]``; with ``val_start``, windows whose targets start
        there are held out (from the ridge and the networks alike). With ``networks``, networks ``first``
        to ``last`` (default: ``n_models``) of ``n_models`` are trained."""
        layout = self.layout(data, n_steps_in)
        d = transform.diff
        history = data.head(stop)
        z = transform.forward(history.y)
        frame = build_frame(z, history.past, data.future, layout, d, stop - d)
        fit_stop = stop - d if val_start is None else val_start - d
        offset, scale = scale_stats(frame[:fit_stop]) if stats is None else (stats.offset, stats.scale)
        frame = (frame - offset) / scale
        Xw, yw = training_windows(frame, layout, 0, fit_stop)
        if len(Xw) < 2:
            raise ValueError(
                f"y has {stop} time steps, too short for n_steps_in={n_steps_in} and {layout.steps_out} step(s) "
                f"out: at least {n_steps_in + layout.steps_out + d + 1} are needed."
            )
        linear = None
        if self.settings.linear_baseline:
            from sklearn.linear_model import RidgeCV

            linear = RidgeCV(alphas=_RIDGE_ALPHAS).fit(Xw.reshape(len(Xw), -1), yw)
        model = LagModel(transform, layout, offset, scale, linear, [])
        if not networks:
            return model
        # The networks never see the held-out windows: early stopping uses the last fifth of the training ones,
        # so that the held-out forecasts judge the network's weight without bias.
        X_fit, y_fit = (Xw, yw) if val_start is not None else training_windows(frame, layout, 0, stop - d)
        residual = y_fit - (0.0 if linear is None else linear.predict(X_fit.reshape(len(X_fit), -1)).reshape(y_fit.shape))
        n_val = max(1, len(X_fit) // 5) if early else 0
        inputs = X_fit if linear is None else network_inputs(X_fit, layout)
        for i in range(first, n_models if last is None else last):
            self.say(f"network {i + 1}/{n_models}: {type(self.network()).__name__} on {len(inputs)} windows "
                      f"of {n_steps_in} steps" + (f", early stopping on the last {n_val}" if n_val else ""))
            model.networks.append(self._fit_network(inputs, residual, layout, i, epochs=epochs, n_val=n_val))
        return model

    def _fit_network(self, X: np.ndarray, y: np.ndarray, layout: LagLayout, i: int, *, epochs: int | None,
                     n_val: int) -> Any:
        est = clone(self.network())
        params = est.get_params()
        settings = {"random_state": None if self.settings.random_state is None else self.settings.random_state + i,
                    "n_steps_out": layout.steps_out, "epochs": epochs}
        est.set_params(**{k: v for k, v in settings.items() if k in params and v is not None})
        if self.settings.verbose and "verbose" in params:
            est.set_params(verbose=self.settings.verbose)
        if n_val:
            from .._tf import keras

            patience = max(10, int(params["epochs"]) // 10)
            stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
            est.set_params(validation_split=(n_val - 0.5) / len(X), callbacks=[stop])
        inputs = X if hasattr(est, "predict_steps") else X.reshape(len(X), -1)
        return est.fit(inputs, y if y.shape[1] > 1 or hasattr(est, "predict_steps") else y[:, 0])

    def fit_members(self, data: SeriesData, stop: int, members: list, weight: float, epochs: int | None,
                     n_models: int, stats: LagModel | None = None) -> list[LagModel]:
        """The primary configuration (with its networks when ``weight > 0``) and the other members of the combination.

        ``stats``: a fitted primary whose scaling the new primary keeps (so that its networks can be reused).
        """
        return [
            self.fit_model(data, stop, t, L, networks=weight > 0 and i == 0, epochs=epochs, n_models=n_models,
                            stats=stats if i == 0 else None)
            for i, (t, L) in enumerate(members)
        ]
