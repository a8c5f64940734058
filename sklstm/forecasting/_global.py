"""Many series, one model: :class:`GlobalLSTMForecaster` (its backtest: :func:`sklstm.forecasting._backtesting.panel_backtest`).

One set of networks learns from the windows of every series of a panel. Each
series that shows a season has it taken out (:func:`panel_seasons`) for half
the networks (:func:`network_views`), whose forecasts get it back; the other
half read the series as given, and the two halves' forecasts are averaged.
Each series is put on a common footing before its windows are pooled: divided by
its own scale (the mean absolute seasonal difference, the denominator of its
MASE) and each window taken relative to its level (the mean of its last
season). The forecast is recursive, all series at once, and the networks'
forecasts are averaged over window lengths and seeds. An sklstm network
streams its windows: the scaled series are put end to end once (float32) and
the training loop gathers each batch of windows from them
(:class:`~sklstm.preprocessing._windows.SeriesWindows` with segments and a level), so a
panel's windows are never all in memory.
"""

from __future__ import annotations

import dataclasses
import numbers
import sys
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, StrOptions
from .._guards import one_fit_at_a_time
from ..preprocessing._windows import SeriesWindows
from ._base import FORECASTER_CONSTRAINTS, check_horizon_reach
from ._intervals import check_coverage, conformal_width
from ._panels import (
    Panel,
    covariate_table,
    cut_panel,
    lagged_rows,
    next_step_rows,
    panel_frame,
    read_panel,
    relative_windows,
    series_scale,
    static_table,
    with_constants,
)
from ._series import (
    check_season_within,
    detect_season,
    index_from_state,
    index_state,
    season_length_from_index,
    seasonal_indices,
)

__all__ = ["GlobalLSTMForecaster", "default_network", "network_views"]


def default_network() -> Any:
    """The network of ``GlobalLSTMForecaster(estimator=None)``: ``VanillaLSTMRegressor(units=32, epochs=100, batch_size=128)``."""
    from ..estimators._regressors import VanillaLSTMRegressor

    return VanillaLSTMRegressor(units=32, epochs=100, batch_size=128)


def _inputs(estimator: Any, X: Any) -> Any:
    """Windows as an sklstm estimator takes them (3-D, or streamed), flattened to 2-D for any other regressor."""
    return X if hasattr(estimator, "predict_steps") else X.reshape(len(X), -1)


MAX_ONE_HOT = 1000


def panel_season(season_length: int | str, panel: Panel) -> int:
    """The panel's season: the integer given, else the season of its time index's frequency when some series is
    longer than it, else the period detected in most of its series (at most 200, evenly spread;
    :func:`~sklstm.forecasting._series.detect_season`).

    Parameters
    ----------
    season_length : int or "auto"
    panel : Panel
        The series as :func:`~sklstm.forecasting._panels.read_panel` reads them.

    Returns
    -------
    int
    """
    if season_length != "auto":
        return check_season_within(season_length, max(len(values) for values in panel.values), "the longest series")
    season = season_length_from_index(panel.indexes[0])
    if 1 < season < max(len(values) for values in panel.values):  # a season some series is longer than
        return season
    picks = np.unique(np.linspace(0, len(panel.values) - 1, min(200, len(panel.values))).astype(int))
    found = [detect_season(panel.values[i]) for i in picks]
    return max(set(found), key=lambda s: (found.count(s), -s))


def panel_seasons(panel: Panel, season: int, deseasonalize: str) -> tuple[np.ndarray, np.ndarray]:
    """How each series' season is taken out, and its seasonal indices (:func:`~sklstm.forecasting._series.seasonal_indices`;
    ``"none"`` and zeros for every series with ``deseasonalize="none"``).

    Parameters
    ----------
    panel : Panel
    season : int
    deseasonalize : {"auto", "all", "none"}

    Returns
    -------
    kinds : ndarray of str of shape (n_series,)
    indices : ndarray of shape (n_series, season)
    """
    seasons = [seasonal_indices(y, season) if deseasonalize != "none" else ("none", np.zeros(season))
               for y in panel.values]
    return np.array([kind for kind, _ in seasons]), np.array([indices for _, indices in seasons])


def network_views(deseasonalize: str, n_models: int, any_adjusted: bool) -> list[str]:
    """What the networks of each seed read: ``"adjusted"`` (the series with their seasons out) or ``"as given"``.

    ``"auto"`` alternates, starting with the adjusted series; ``"all"`` adjusts
    for every network; without an adjusted series every network reads the
    series as given.

    Parameters
    ----------
    deseasonalize : {"auto", "all", "none"}
    n_models : int
    any_adjusted : bool
        Whether some series has its season taken out.

    Returns
    -------
    list of str

    Examples
    --------
    >>> network_views("auto", 3, True)
    ['adjusted', 'as given', 'adjusted']
    """
    if not any_adjusted or deseasonalize == "none":
        return ["as given"] * n_models
    return ["adjusted" if deseasonalize == "all" or i % 2 == 0 else "as given" for i in range(n_models)]


class GlobalLSTMForecaster(BaseEstimator):
    """Forecast every series of a panel with one set of networks trained on all of them.

    Each window length gets ``n_models`` networks (``estimator``, seeds
    ``random_state + i``), trained on the windows of every series long
    enough for it. Where a series shows a season, every other network
    reads it seasonally adjusted (``deseasonalize``) and forecasts it with the
    season put back; the others read it as it is.
    Before pooling, each series is divided by its scale (the
    mean absolute seasonal difference) and each window is taken relative to
    its level (the mean of its last season), so that series of any size and
    level teach one model. A series forecasts with every network whose
    window it can fill; their forecasts are averaged. sklstm networks stream
    the windows from the series (never all in memory); any other regressor
    gets them materialised, flattened to 2-D.

    Parameters
    ----------
    estimator : estimator, default=None
        The network. ``None`` uses ``VanillaLSTMRegressor(units=32,
        epochs=100, batch_size=128)`` (with its linear baseline). Any sklstm
        estimator or scikit-learn regressor taking windows ``(n, steps, 1)``.
    n_steps_in : int or "auto", default="auto"
        Window length. ``"auto"``: 1, 2, 3 and 4 seasons (3, 6, 9 and 12 steps
        without a season), those that some series is long enough for.
    horizon : int, default=12
        Default number of steps of ``predict`` and ``predict_interval``.
    season_length : int or "auto", default="auto"
        ``"auto"`` reads it from the time stamps (12 monthly, 4 quarterly, 7
        daily, ...) when some series is longer than that, else detects the
        period most series show
        (:func:`panel_season`).
    deseasonalize : {"auto", "all", "none"}, default="auto"
        Take the season out of every series that shows one before the networks
        see it, and put it back into their forecasts, as the M4 competition's
        benchmarks did (:func:`~sklstm.forecasting._series.seasonal_indices`:
        a series of at least three seasons whose autocorrelation at
        ``season_length`` passes a 90% test is divided by the seasonal indices
        of a classical decomposition, or has them subtracted when it has a
        value of zero or less). ``"auto"``: for the networks of even seeds
        (``random_state``, ``random_state + 2``, ...; all of them with
        ``n_models=1``); the others read the series as they are, and each
        forecast is the mean of the two groups' (on tuning panels this kept
        most of what the adjustment gains where seasons are regular, and it
        hedges where they are not: see ``benchmarks/README.md``). ``"all"``:
        for every network. ``"none"``: the networks read the series as they
        are.
    n_models : int, default=2
        Networks per window length, with different seeds.
    max_steps : int or None, default=1000
        At most this many gradient steps per network (as neuralforecast's
        ``max_steps``): a network whose ``epochs`` would take more batches of
        ``batch_size`` windows trains fewer epochs (at least one), so that a
        large panel costs about what a small one does. ``None`` keeps the
        network's ``epochs``. Networks without integer ``epochs`` and
        ``batch_size`` are not affected.
    nonnegative : bool or "auto", default="auto"
        Clip forecasts (and interval bounds) at zero; ``"auto"``: for each
        series none of whose training values is negative.
    series_identity : {"none", "one-hot", "embedding"}, default="none"
        Give the networks each series' identity, so that they can learn what
        is particular to each. ``"one-hot"``: one more input column per series
        (panels of at most 1,000 series). ``"embedding"``: the series' position
        as one input column that the network reads as ``embedding_dim``
        learned values (sklstm networks only: their ``id_embedding``), for
        panels of any size. Series unseen in ``fit`` cannot be forecast.
    embedding_dim : int or "auto", default="auto"
        Learned values per series with ``series_identity="embedding"``;
        ``"auto"``: ``min(16, round(1.6 * n_series ** 0.56))`` (fastai's rule
        for categorical embeddings, capped at half the default network's
        units).
    id_col, time_col, target_col : str, default="unique_id", "ds", "y"
        Column names of a long panel. A DataFrame without ``id_col`` is read
        as wide: one column per series, time stamps as the index.
    random_state : int or None, default=0
    verbose : int, default=0
        1 says on stderr which networks are training.

    Attributes
    ----------
    ids_ : list
        The series, in the order of the panel.
    n_steps_in_ : list of int
        The window lengths used.
    epochs_ : list of int or None
        The epochs each window length's networks trained (None for networks
        without ``epochs``).
    season_length_ : int
    deseasonalized_ : ndarray of str of shape (n_series,)
        How each series' season was taken out: ``"multiplicative"``,
        ``"additive"`` or ``"none"``.
    network_views_ : list of str
        What the networks of each seed read (``network_views_[i]`` for seed
        ``random_state + i``): ``"adjusted"`` (the series with their seasons
        taken out) or ``"as given"``; all ``"as given"`` when no series was
        adjusted.
    seasonal_indices_ : ndarray of shape (n_series, season_length_)
        Each series' seasonal indices (``seasonal_indices_[i, j]``: the steps
        ``j``, ``j + season_length_``, ... counted from the series' first
        value); zeros for a series left as it is.
    nonnegative_ : ndarray of bool of shape (n_series,)
        Whether each series' forecasts are clipped at zero.
    scales_ : ndarray of shape (n_series,)
        Each series' scale.
    extra_names_ : list of str
        The input columns after the series' values: static covariates (as
        passed to ``fit``, standardised across series), then identities.
    future_names_ : list of str
        The future-known covariates passed to ``fit`` as ``X`` (empty without).
    past_names_ : list of str
        The past-only covariates passed to ``fit`` as ``X_past`` (empty without).
    embedding_dim_ : int or None
        The learned values per series (None without an embedding).
    future_stats_ : ndarray of shape (2, n_future + n_past)
        The means and standard deviations over the panel that standardise the
        future-known covariates, then the past-only ones.
    estimators_ : list of list of fitted estimators
        ``estimators_[j]`` are the networks of window length ``n_steps_in_[j]``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> from sklstm.forecasting._global import GlobalLSTMForecaster
    >>> t = np.arange(40)
    >>> wide = pd.DataFrame({"a": 10 + t % 4, "b": 100 + 10 * (t % 4)},
    ...                     index=pd.period_range("2010Q1", periods=40, freq="Q"))
    >>> f = GlobalLSTMForecaster(Ridge(alpha=1e-6), n_steps_in=4, n_models=1).fit(wide)
    >>> f.predict(4).round(1)
               a      b
    2020Q1  10.0  100.0
    2020Q2  11.0  110.0
    2020Q3  12.0  120.0
    2020Q4  13.0  130.0
    """

    _parameter_constraints: dict = {
        **FORECASTER_CONSTRAINTS,
        "series_identity": [StrOptions({"none", "one-hot", "embedding"})],
        "deseasonalize": [StrOptions({"auto", "all", "none"})],
        "embedding_dim": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "max_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "id_col": [str],
        "time_col": [str],
        "target_col": [str],
    }

    def __init__(
        self,
        estimator: Any = None,
        n_steps_in: int | str = "auto",
        horizon: int = 12,
        season_length: int | str = "auto",
        deseasonalize: str = "auto",
        n_models: int = 2,
        max_steps: int | None = 1000,
        nonnegative: bool | str = "auto",
        series_identity: str = "none",
        embedding_dim: int | str = "auto",
        id_col: str = "unique_id",
        time_col: str = "ds",
        target_col: str = "y",
        random_state: int | None = 0,
        verbose: int = 0,
    ):
        self.estimator, self.n_steps_in, self.horizon, self.season_length = estimator, n_steps_in, horizon, season_length
        self.deseasonalize, self.n_models, self.max_steps = deseasonalize, n_models, max_steps
        self.nonnegative, self.series_identity, self.embedding_dim = nonnegative, series_identity, embedding_dim
        self.id_col, self.time_col, self.target_col = id_col, time_col, target_col
        self.random_state, self.verbose = random_state, verbose

    # ----------------------------------------------------------- persistence
    def __getstate__(self) -> dict:
        """The state with the panel's time indexes as plain data, so that ``skops.io`` stores it as pickle does."""
        state = super().__getstate__()
        panel = state.get("_panel")
        if panel is not None:
            state = {**state, "_panel": dataclasses.replace(panel, indexes=[index_state(i) for i in panel.indexes])}
        return state

    def __setstate__(self, state: dict) -> None:
        panel = state.get("_panel")
        if panel is not None:
            state = {**state, "_panel": dataclasses.replace(panel, indexes=[index_from_state(i) for i in panel.indexes])}
        super().__setstate__(state)

    # ----------------------------------------------------------------- fit
    def fit(self, Y: Any, static: Any = None, X: Any = None, X_past: Any = None) -> GlobalLSTMForecaster:
        """Fit on a panel: a long DataFrame (id, time, value columns) or a wide one (a column per series).

        Parameters
        ----------
        Y : DataFrame
            The panel, long or wide.
        static : DataFrame, default=None
            Static covariates: one row per series (indexed by its id, or with
            an ``id_col`` column): numbers (standardised across series), or text,
            categories and booleans (one 0/1 column per level, ``"region=north"``).
        X : DataFrame, default=None
            Future-known covariates that change over time (a promotion
            calendar, prices, holidays): a long DataFrame with ``id_col``,
            ``time_col`` and one numeric column per covariate, with a value at
            every time stamp of every series (rows at other times are
            ignored). Each window also reads the covariates of the step it
            forecasts; ``predict`` then needs their values for the forecast
            steps.
        X_past : DataFrame, default=None
            Past-only covariates (observed with the series, unknown ahead: a
            competitor's sales, the weather, web traffic), long like ``X``,
            with a value at every time stamp of every series. Each window reads
            them lagged by ``horizon`` steps, the value ``horizon`` steps
            before the step it forecasts, which is observed for every step up
            to ``horizon``: ``predict`` needs nothing more, and forecasts at
            most ``horizon`` steps.

        Returns
        -------
        self : object
        """
        with one_fit_at_a_time(self, "forecaster"):
            self._validate_params()
            for name in [n for n in vars(self) if n.endswith("_") and not n.startswith("_")] + ["_panel", "_intervals"]:
                self.__dict__.pop(name, None)
            self._check_embedding()
            panel = read_panel(Y, self.id_col, self.time_col, self.target_col)
            covariates = self._fit_covariates(panel, X, X_past)
            self._fit_panel(panel, *self._series_extras(panel, static), covariates)
        return self

    def _series_extras(self, panel: Panel, static: Any) -> tuple[np.ndarray, list[str]]:
        """The constant input columns of each series: static covariates, then one-hot identities."""
        blocks, names = [np.zeros((len(panel.ids), 0))], []
        if static is not None:
            values, columns = static_table(static, panel.ids, self.id_col)
            blocks.append(values)
            names += columns
        if self.series_identity == "one-hot":
            if len(panel.ids) > MAX_ONE_HOT:
                raise ValueError(f"series_identity='one-hot' adds one input column per series: {len(panel.ids)} are "
                                 f"too many (at most {MAX_ONE_HOT}); use series_identity='embedding' or describe the "
                                 "series by static covariates instead.")
            blocks.append(np.eye(len(panel.ids)))
            names += [f"series={key}" for key in panel.ids]
        return np.hstack(blocks), names

    def _check_embedding(self) -> None:
        """``series_identity="embedding"`` needs a network that embeds ids: an sklstm estimator."""
        if self.series_identity == "embedding" and self.estimator is not None and \
                "id_embedding" not in self.estimator.get_params():
            raise ValueError(f"series_identity='embedding' needs an sklstm network (its id_embedding learns the "
                             f"series' embedding); {type(self.estimator).__name__} has none: use "
                             "series_identity='one-hot' or an sklstm estimator.")

    def _fit_covariates(self, panel: Panel, X: Any, X_past: Any = None) -> list[np.ndarray] | None:
        """Every series' standardised covariates (None without any): the future-known ones, then the past-only
        ones lagged by ``horizon``; sets their names and stats."""
        positions = list(range(len(panel.ids)))
        tables = [np.zeros((len(y), 0)) for y in panel.values]
        self.future_names_, self.past_names_, self._past = [], [], None
        if X is not None:
            tables, self.future_names_ = covariate_table(X, panel, positions, self.id_col, self.time_col)
        if X_past is not None:
            self._past, self.past_names_ = covariate_table(X_past, panel, positions, self.id_col, self.time_col,
                                                           argument="X_past")
            tables = [np.hstack([t, lagged_rows(p, self.horizon)]) for t, p in zip(tables, self._past)]
        if X is None and X_past is None:
            self.future_stats_ = np.zeros((2, 0))
            return None
        stacked = np.concatenate(tables)
        spread = stacked.std(axis=0)
        self.future_stats_ = np.vstack([stacked.mean(axis=0), np.where(spread > 0, spread, 1.0)])
        return [self._standardised(t) for t in tables]

    def _standardised(self, table: np.ndarray) -> np.ndarray:
        return (table - self.future_stats_[0]) / self.future_stats_[1]

    def _future(self, X: Any, positions: list[int], horizon: int) -> list[np.ndarray] | None:
        """The standardised covariates of the ``horizon`` forecast steps of each series at ``positions``."""
        if not self.future_names_:
            if X is not None:
                raise ValueError("X was given, but the forecaster was fitted without future-known covariates.")
            if not self.past_names_:
                return None
        elif X is None:
            raise ValueError(f"The forecaster was fitted with future-known covariates {self.future_names_}: pass X "
                             f"with their values for the next {horizon} steps of each series.")
        tables = [np.zeros((horizon, 0)) for _ in positions]
        if self.future_names_:
            tables, _ = covariate_table(X, self._panel, positions, self.id_col, self.time_col, horizon,
                                        self.future_names_)
        if self.past_names_:
            if horizon > self.horizon:
                raise ValueError(f"horizon={horizon} is beyond the fit's horizon={self.horizon}: the past-only "
                                 f"covariates {self.past_names_} enter lagged by {self.horizon} steps, so they cover "
                                 f"at most {self.horizon}; refit with horizon={horizon}.")
            # Each step after a series' end reads the past-only values self.horizon steps before it: observed ones.
            tables = [np.hstack([t, lagged_rows(self._past[p], self.horizon, ahead=horizon)[-horizon:]])
                      for t, p in zip(tables, positions)]
        return [self._standardised(t) for t in tables]

    def _fit_panel(self, panel: Panel, extras: np.ndarray, extra_names: list[str],
                   covariates: list[np.ndarray] | None = None) -> None:
        season = panel_season(self.season_length, panel)
        lengths = self._window_lengths(panel, season)
        self.season_length_, self.n_steps_in_, self.ids_ = season, lengths, list(panel.ids)
        self.deseasonalized_, self.seasonal_indices_ = panel_seasons(panel, season, self.deseasonalize)
        adjusted = sum(self.deseasonalized_ != "none")
        self.network_views_ = network_views(self.deseasonalize, self.n_models, adjusted > 0)
        if adjusted:
            share = "every network" if "as given" not in self.network_views_ else "the networks of even seeds"
            self._say(f"took the season ({season} steps) out of {adjusted} of {len(panel.ids)} series for {share}")
        adjusted_panel = dataclasses.replace(
            panel, values=[self._seasonal(y, p, out=True) for p, y in enumerate(panel.values)])
        # What the networks read, by view; one scale per series for both: the adjusted series' (the same as
        # given where none is adjusted).
        views = {view: adjusted_panel if view == "adjusted" else panel for view in dict.fromkeys(self.network_views_)}
        self.scales_ = np.array([series_scale(y, season) for y in adjusted_panel.values])
        self._extras, self.extra_names_, self._covariates = extras, list(extra_names), covariates
        self.nonnegative_ = (np.array([bool(np.all(y >= 0)) for y in panel.values]) if self.nonnegative == "auto"
                             else np.full(len(panel.ids), bool(self.nonnegative)))
        self.embedding_dim_ = None
        if self.series_identity == "embedding":
            n = len(panel.ids)
            self.embedding_dim_ = min(16, max(1, round(1.6 * n**0.56))) if self.embedding_dim == "auto" else self.embedding_dim
        self.estimators_, self.epochs_ = [], []
        first = self._network(0)
        # An sklstm estimator streams the windows, unless it trains through Keras' own loop (fit_loop="keras",
        # which a tf.distribute strategy needs): that one takes them materialised.
        streamed = hasattr(first, "predict_steps") and first.get_params().get("fit_loop") != "keras"
        series = {view: self._end_to_end(p) for view, p in views.items()} if streamed else None
        for n_steps in lengths:
            windows = {view: self._streamed_windows(p, series[view], n_steps) if streamed
                       else self._pooled_windows(p, n_steps) for view, p in views.items()}
            n_windows = len(next(iter(windows.values()))[1])
            identity = "" if self.embedding_dim_ is None else f", each series embedded in {self.embedding_dim_} values"
            self._say(f"{n_windows} windows of {n_steps} steps from {len(panel.ids)} series: {self.n_models} "
                      "network(s)" + identity)
            networks = [self._network(i, n_windows) for i in range(self.n_models)]
            self.epochs_.append(networks[0].get_params().get("epochs"))
            self.estimators_.append([net.fit(_inputs(net, windows[view][0]), windows[view][1])
                                     for net, view in zip(networks, self.network_views_)])
        self._panel = panel

    def _seasonal(self, values: np.ndarray, p: int, start: int = 0, out: bool = False) -> np.ndarray:
        """Series ``p``'s ``values``, its steps ``start``, ``start + 1``, ... (counted from its first value), with
        its season put back (``out=False``: forecasts) or taken out (``out=True``: history)."""
        kind = self.deseasonalized_[p]
        if kind == "none":
            return values
        indices = self.seasonal_indices_[p][(start + np.arange(values.shape[-1])) % self.season_length_]
        if kind == "multiplicative":
            return values / indices if out else values * indices
        return values - indices if out else values + indices

    def _window_lengths(self, panel: Panel, season: int) -> list[int]:
        """The window lengths to train; a clear error naming a series too short for the shortest."""
        if self.n_steps_in == "auto":
            candidates = [season * k for k in range(1, 5)] if season > 1 else [3, 6, 9, 12]
        else:
            candidates = [int(self.n_steps_in)]
        shortest = min(candidates)
        for key, y in zip(panel.ids, panel.values):
            if len(y) < shortest + 1:
                raise ValueError(
                    f"Series {key!r} has {len(y)} values: too short for one window of n_steps_in={shortest} "
                    f"and the value after it (at least {shortest + 1}). Drop it or lower n_steps_in."
                )
        longest = max(len(y) for y in panel.values)
        return [n for n in candidates if n + 1 <= longest]

    def _level(self, n_steps: int) -> int:
        return min(self.season_length_, n_steps)

    def _step_rows(self, p: int) -> np.ndarray | None:
        """Series ``p``'s per-step input columns: each step's next-step covariates (None without covariates)."""
        return None if self._covariates is None else next_step_rows(self._covariates[p])

    def _identity(self, positions: Any) -> np.ndarray | None:
        """The id column of the series at ``positions`` (their positions) with an embedding, else None."""
        return None if self.embedding_dim_ is None else np.asarray(positions, dtype=np.float64)

    def _pooled_windows(self, panel: Panel, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
        parts = [relative_windows(y, n_steps, self._level(n_steps), s, extras, self._step_rows(p), self._identity(p))
                 for p, (y, s, extras) in enumerate(zip(panel.values, self.scales_, self._extras)) if len(y) > n_steps]
        return np.concatenate([X for X, _ in parts]), np.concatenate([y for _, y in parts])

    def _end_to_end(self, panel: Panel) -> np.ndarray:
        """Every series divided by its scale, end to end, then its constant columns: what the windows stream from.

        ``(n_values, 1 + n_extras + n_future)`` float32: the next step's future-known covariates, then (with
        an embedding) the series' id.
        """
        n_extras, n_future = self._extras.shape[1], self.future_stats_.shape[1]
        id_columns = 0 if self.embedding_dim_ is None else 1
        series = np.empty((sum(len(y) for y in panel.values), 1 + n_extras + n_future + id_columns), dtype=np.float32)
        row = 0
        for p, (y, scale, extras) in enumerate(zip(panel.values, self.scales_, self._extras)):
            series[row : row + len(y), 0] = y / scale
            series[row : row + len(y), 1 : 1 + n_extras] = extras
            if self._covariates is not None:
                series[row : row + len(y), 1 + n_extras : 1 + n_extras + n_future] = self._step_rows(p)
            if id_columns:
                series[row : row + len(y), -1] = p
            row += len(y)
        return series

    def _streamed_windows(self, panel: Panel, series: np.ndarray, n_steps: int) -> tuple[Any, np.ndarray]:
        """The windows of every series long enough, streamed from ``series``, and their relative targets."""
        level = self._level(n_steps)
        targets = np.empty(sum(max(len(y) - n_steps, 0) for y in panel.values))  # float64: the estimator's dtype
        segments, row, done = [], 0, 0
        for y in panel.values:
            if len(y) > n_steps:
                values = series[row : row + len(y), 0].astype(np.float64)
                sums = np.concatenate([[0.0], np.cumsum(values)])
                ends = np.arange(n_steps, len(y))  # each window's target row
                targets[done : done + len(ends)] = values[n_steps:] - (sums[ends] - sums[ends - level]) / level
                segments.append((row, len(ends)))
                done += len(ends)
            row += len(y)
        return SeriesWindows(series, n_steps, segments, level=level), targets

    def _network(self, i: int, n_windows: int = 1) -> Any:
        """Network ``i`` of a window length with ``n_windows`` windows: seeded, its epochs within ``max_steps``."""
        base = default_network() if self.estimator is None else clone(self.estimator)
        params = base.get_params()
        if self.random_state is not None and "random_state" in params:
            base.set_params(random_state=self.random_state + i)
        if getattr(self, "embedding_dim_", None) is not None:  # fitting (unfitted: the network as configured)
            base.set_params(id_embedding=(len(self.ids_), self.embedding_dim_))
        if self.max_steps is not None and isinstance(params.get("epochs"), numbers.Integral) and isinstance(
                params.get("batch_size"), numbers.Integral):
            batches = -(-n_windows // params["batch_size"])  # per epoch
            base.set_params(epochs=int(max(1, min(params["epochs"], self.max_steps // batches))))
        return base

    def _say(self, message: str) -> None:
        if self.verbose:
            print(f"GlobalLSTMForecaster: {message}", file=sys.stderr, flush=True)

    # ------------------------------------------------------------- predict
    def predict(self, horizon: int | None = None, ids: Any = None, X: Any = None) -> Any:
        """Forecast ``horizon`` steps of every series (or of ``ids``), dated after each series' end.

        Returns the forecast in the panel's layout: long (id, time and value
        columns) or wide (future time stamps by series).

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast (default: the ``horizon`` parameter).
        ids : label or list of labels, default=None
            The series to forecast (default: all).
        X : DataFrame, default=None
            With a fit on future-known covariates: their values at the
            forecast steps of each series forecast (long, as ``fit`` took
            them; rows at other times are ignored).

        Returns
        -------
        DataFrame
        """
        check_is_fitted(self, "estimators_")
        horizon = self._check_horizon(horizon)
        positions = self._panel.position(ids)
        forecast = self._forecast(self._panel, positions, horizon, self._future(X, positions, horizon))
        return panel_frame(self._panel, positions, {self._panel.columns[2]: forecast}, horizon)

    def predict_interval(self, horizon: int | None = None, coverage: float = 0.9, ids: Any = None,
                         X: Any = None) -> Any:
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

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast (default: the ``horizon`` parameter).
        coverage : float in (0, 1), default=0.9
        ids : label or list of labels, default=None
            The series to forecast (default: all).
        X : DataFrame, default=None
            With a fit on future-known covariates: their values at the
            forecast steps of each series forecast (long, as ``fit`` took
            them; rows at other times are ignored).

        Returns
        -------
        DataFrame
        """
        check_is_fitted(self, "estimators_")
        horizon = self._check_horizon(horizon)
        coverage = check_coverage(coverage)
        positions = self._panel.position(ids)
        forecast = self._forecast(self._panel, positions, horizon, self._future(X, positions, horizon))
        # One calibration error per series and step: the widths are kept from shrinking with the step.
        width = np.maximum.accumulate(conformal_width(self._scaled_errors(horizon)[..., np.newaxis], coverage)[:, 0])
        half = self.scales_[positions][:, np.newaxis] * width[np.newaxis, :]
        lower = forecast - half
        lower = np.where(self.nonnegative_[positions][:, np.newaxis], np.maximum(lower, 0.0), lower)
        blocks = {self._panel.columns[2]: forecast, "lower": lower, "upper": forecast + half}
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
            head = cut_panel(panel, keep, horizon)
            calibrator = clone(self).set_params(season_length=self.season_length_)
            calibrator.future_names_, calibrator.future_stats_ = self.future_names_, self.future_stats_
            calibrator.past_names_ = self.past_names_
            covariates = None if self._covariates is None else [self._covariates[i] for i in keep]
            calibrator._fit_panel(head, self._extras[keep], self.extra_names_,
                                  None if covariates is None else [c[:-horizon] for c in covariates])
            future = None if covariates is None else [c[-horizon:] for c in covariates]
            forecast = calibrator._forecast(head, list(range(len(keep))), horizon, future)
            actual = np.array([panel.values[i][-horizon:] for i in keep])
            cache[horizon] = (actual - forecast) / calibrator.scales_[:, np.newaxis]
        return cache[horizon]

    def _check_horizon(self, horizon: int | None) -> int:
        horizon = self.horizon if horizon is None else horizon
        if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral) or horizon < 1:
            raise ValueError(f"horizon must be a positive integer, got {horizon!r}.")
        return check_horizon_reach(horizon, max(len(values) for values in self._panel.values), "the longest series")

    def _forecast(self, panel: Panel, positions: list[int], horizon: int,
                  future: list[np.ndarray] | None = None) -> np.ndarray:
        """Raw forecasts ``(len(positions), horizon)`` from the end of each series of ``panel``.

        ``future``: each series' standardised covariates at the forecast steps (when fitted with some).
        """
        forecast = np.mean([self._recursion(panel, positions, horizon, future, view)
                            for view in dict.fromkeys(self.network_views_)], axis=0)
        if not np.all(np.isfinite(forecast)):
            raise RuntimeError("The forecast is not finite (it overflowed); check the panel for extreme values.")
        return np.where(self.nonnegative_[positions][:, np.newaxis], np.maximum(forecast, 0.0), forecast)

    def _recursion(self, panel: Panel, positions: list[int], horizon: int, future: list[np.ndarray] | None,
                   view: str) -> np.ndarray:
        """The forecasts ``(len(positions), horizon)`` of the networks that read the series as ``view`` (one of
        ``network_views_``), each step fed back; adjusted series get their season back at the end."""
        seeds = [i for i, v in enumerate(self.network_views_) if v == view]
        adjusted = view == "adjusted"
        scales = self.scales_[positions][:, np.newaxis]
        ids = self._identity(positions)
        longest = max(self.n_steps_in_)
        history = np.full((len(positions), longest + horizon), np.nan)
        # Column j of the timelines is the time step j - longest after each series' last value.
        timeline = None if future is None else np.zeros((len(positions), longest + horizon, self.future_stats_.shape[1]))
        for row, p in enumerate(positions):
            values = panel.values[p][-longest:]
            tail = self._seasonal(values, p, start=max(len(panel.values[p]) - longest, 0), out=True) if adjusted \
                else values
            history[row, longest - len(tail) : longest] = tail
            if timeline is not None:
                timeline[row, longest - len(tail) : longest] = self._covariates[p][-len(tail):]
                timeline[row, longest:] = future[row]
        for step in range(horizon):
            end = longest + step
            total, count = np.zeros(len(positions)), np.zeros(len(positions))
            for n_steps, networks in zip(self.n_steps_in_, self.estimators_):
                windows = history[:, end - n_steps : end]
                usable = ~np.isnan(windows).any(axis=1)
                if not usable.any():
                    continue
                offset = windows[usable, -self._level(n_steps):].mean(axis=1, keepdims=True)
                steps = None if timeline is None else timeline[usable, end - n_steps + 1 : end + 1]  # next-step values
                X = with_constants((windows[usable] - offset) / scales[usable], self._extras[positions][usable], steps,
                                   None if ids is None else ids[usable])
                out = np.mean([np.ravel(networks[i].predict(_inputs(networks[i], X))) for i in seeds], axis=0)
                total[usable] += out * scales[usable, 0] + offset[:, 0]
                count[usable] += 1
            history[:, end] = total / count
        if not adjusted:
            return history[:, longest:]
        return np.array([self._seasonal(history[row, longest:], p, start=len(panel.values[p]))
                         for row, p in enumerate(positions)])
