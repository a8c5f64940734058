"""A small pretrained LSTM: zero-shot forecasts, optional fine-tuning, conformal intervals.

The network reads the last ``CONTEXT`` values of a series (their logarithms
when all are positive), normalised by
the level of its last season and the mean absolute step of the context
(:func:`network_inputs`, numpy only), with each value's value one season
earlier, and forecasts ``HORIZON`` steps as a correction to the seasonal
naive forecast. Two trainings of it ship in the package (``data/``), both
by ``python -m sklstm.pretrain``: ``pretrained_lstm.npz``
(:class:`PretrainedLSTMForecaster`'s) on :func:`sklstm.datasets.make_synthetic_series`
and the M1, M3 and tourism competitions' series, half the windows each;
``pretrained_lstm_synthetic.npz`` (the ``"pretrained"`` member of
``LSTMForecaster``) on the synthetic series only. Each was chosen on the
benchmark's tuning sets for its own use (``benchmarks/README.md``).
"""

from __future__ import annotations

import functools
import json
import numbers
from importlib import resources
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, StrOptions
from ._base import BaseForecaster
from ._intervals import check_coverage, conformal_bounds
from ._series import SeriesData, check_season_within, resolve_season

__all__ = ["CONTEXT", "HORIZON", "MEMBER_WEIGHTS", "WEIGHTS", "PretrainedLSTMForecaster", "build_pretrained_network",
           "forecast_from", "NumpyNetwork", "keras_network", "load_pretrained", "network_space",
           "network_inputs", "training_windows"]

#: Values the network reads, and steps it forecasts at once (longer horizons: recursively).
CONTEXT = 64
HORIZON = 24
N_FEATURES = 4  # value, observed, value one season earlier, that one observed
N_EXTRAS = 2  # log season / log 52, history length / 256
_CLIP = 50.0
WEIGHTS = "pretrained_lstm.npz"  # PretrainedLSTMForecaster's network: synthetic and real series
MEMBER_WEIGHTS = "pretrained_lstm_synthetic.npz"  # LSTMForecaster's "pretrained" member: synthetic series only


def _normalisation(history: np.ndarray, season: int) -> tuple[float, float]:
    """The level (mean of the last season) and the scale (mean absolute step of the context) of ``history``."""
    level = float(np.mean(history[-max(season, 1):]))
    ctx = history[-CONTEXT:]
    scale = float(np.mean(np.abs(np.diff(ctx)))) if len(ctx) > 1 else 0.0
    if not scale > 1e-9 * max(1.0, float(np.max(np.abs(ctx)))):
        scale = max(abs(level), 1.0) * 0.01
    return level, scale


def network_inputs(histories: list, seasons: list) -> tuple[dict, np.ndarray, np.ndarray]:
    """The network's inputs for forecasting after each of ``histories``, and the normalisation to undo.

    Parameters
    ----------
    histories : list of ndarray of shape (n_i,)
        Series, each forecast from its end.
    seasons : list of int
        Each series' season (1 for none).

    Returns
    -------
    inputs : dict
        ``"windows"`` ``(n, CONTEXT, 4)``, ``"baseline"`` ``(n, HORIZON)`` (the
        seasonal naive forecast, normalised) and ``"extras"`` ``(n, 2)``.
    level, scale : ndarray of shape (n,)
        A forecast is ``level + scale * output``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.forecasting._pretrained import network_inputs
    >>> inputs, level, scale = network_inputs([np.arange(10.0)], [1])
    >>> inputs["windows"].shape, float(level[0]), float(scale[0])
    ((1, 64, 4), 9.0, 1.0)
    >>> inputs["baseline"][0, :3].tolist()  # the last value, repeated: 0 after normalising
    [0.0, 0.0, 0.0]
    """
    n = len(histories)
    windows = np.zeros((n, CONTEXT, N_FEATURES), np.float32)
    baseline = np.empty((n, HORIZON), np.float32)
    extras = np.empty((n, N_EXTRAS), np.float32)
    level, scale = np.empty(n), np.empty(n)
    steps = np.arange(1, HORIZON + 1)
    for i, (history, season) in enumerate(zip(histories, seasons)):
        history = np.asarray(history, dtype=np.float64)
        m = int(season) if 1 < season < len(history) else 1
        level[i], scale[i] = _normalisation(history, m)
        z = np.clip((history[-(CONTEXT + m):] - level[i]) / scale[i], -_CLIP, _CLIP)
        k = min(CONTEXT, len(history))
        windows[i, -k:, 0] = z[-k:]
        windows[i, -k:, 1] = 1.0
        if m > 1:
            lagged = z[: len(z) - m][-k:]
            windows[i, CONTEXT - len(lagged):, 2] = lagged
            windows[i, CONTEXT - len(lagged):, 3] = 1.0
        baseline[i] = z[len(z) - 1 + steps - m * np.ceil(steps / m).astype(int)]
        extras[i] = np.log(m) / np.log(52.0), min(len(history), 256) / 256.0
    return {"windows": windows, "baseline": baseline, "extras": extras}, level, scale


def network_space(history: np.ndarray) -> tuple[np.ndarray, bool]:
    """``history`` as the network reads it: its logarithm when every value is positive (multiplicative
    trends and seasons become additive), else itself; and whether it was logged."""
    history = np.asarray(history, dtype=np.float64)
    logged = bool(len(history) and np.all(history > 0))
    return (np.log(history) if logged else history), logged


def training_windows(series: list, seasons: list, cuts: list) -> tuple[dict, np.ndarray]:
    """Inputs and targets for training: series ``i`` cut after ``cuts[i]`` values, its next ``HORIZON`` the target.

    Each history is taken to :func:`network_space` (logged when positive),
    as :func:`forecast_from` does.

    Returns
    -------
    inputs : dict
        As :func:`network_inputs` gives them.
    targets : ndarray of shape (n, 2 * HORIZON)
        The normalised future values (0 past the series' end), then 1 where
        a value was observed (the loss's mask).
    """
    spaces = [network_space(s[:c]) for s, c in zip(series, cuts)]
    inputs, level, scale = network_inputs([h for h, _ in spaces], seasons)
    targets = np.zeros((len(series), 2 * HORIZON), np.float32)
    for i, (s, c) in enumerate(zip(series, cuts)):
        future = np.asarray(s[c : c + HORIZON], dtype=np.float64)
        observed = np.ones(len(future), bool)
        if spaces[i][1]:  # a value at or below 0 after a positive history is left out of the loss
            observed = future > 0
            future = np.log(np.where(observed, future, 1.0))
        targets[i, : len(future)] = np.clip((future - level[i]) / scale[i], -_CLIP, _CLIP) * observed
        targets[i, HORIZON : HORIZON + len(future)] = observed
    return inputs, targets


def masked_mae(y_true: Any, y_pred: Any) -> Any:
    """The mean absolute error over the observed steps (``y_true``: values, then the mask)."""
    from .._tf import keras

    ops = keras.ops
    values, mask = y_true[:, :HORIZON], y_true[:, HORIZON:]
    return ops.sum(ops.abs(values - y_pred) * mask, axis=1) / ops.maximum(ops.sum(mask, axis=1), 1.0)


def build_pretrained_network(units: int = 64, hidden: int = 128) -> Any:
    """The network: an LSTM over the windows, then a dense correction to the seasonal naive baseline."""
    from .._tf import keras

    layers = keras.layers
    windows = keras.Input((CONTEXT, N_FEATURES), name="windows")
    baseline = keras.Input((HORIZON,), name="baseline")
    extras = keras.Input((N_EXTRAS,), name="extras")
    state = layers.LSTM(units, name="lstm")(windows)
    joined = layers.Concatenate(name="joined")([state, baseline, extras])
    correction = layers.Dense(HORIZON, name="correction")(layers.Dense(hidden, activation="relu", name="hidden")(joined))
    out = layers.Add(name="forecast")([baseline, correction])
    return keras.Model([windows, baseline, extras], out, name="pretrained_lstm")


def save_pretrained(model: Any, path: str, meta: dict) -> None:
    """Write ``model``'s weights and ``meta`` (with its ``units`` and ``hidden``) to an ``.npz`` file."""
    arrays = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), **arrays)


def read_weights(source: Any = None) -> tuple[list, dict]:
    """The weights and metadata of an ``.npz`` file written by :func:`save_pretrained`: a path, or the name of a
    shipped file (default: :data:`WEIGHTS`)."""
    if source is None or source in (WEIGHTS, MEMBER_WEIGHTS):
        source = resources.files(__package__).joinpath("data", source or WEIGHTS)
    with resources.as_file(source) if not isinstance(source, str) else _same(source) as path, np.load(path) as npz:
        meta = json.loads(str(npz["meta"]))
        weights = [npz[f"w{i}"] for i in range(sum(1 for k in npz.files if k.startswith("w")))]
    return weights, meta


class _same:
    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> str:
        return self.path

    def __exit__(self, *exc: Any) -> None:
        return None


class NumpyNetwork:
    """The shipped network's forward pass in numpy: zero-shot forecasts without importing TensorFlow.

    Computes what :func:`build_pretrained_network` computes with the same
    weights (Keras' gate order: input, forget, cell, output), for a batch of
    inputs as :func:`network_inputs` gives them. A test compares the two.

    Parameters
    ----------
    weights : list of ndarray
        As ``keras.Model.get_weights()`` returns them for the network.
    """

    def __init__(self, weights: list) -> None:
        self.weights = [np.asarray(w) for w in weights]
        self.units = self.weights[1].shape[0]
        self.hidden = self.weights[3].shape[1]

    def get_weights(self) -> list:
        """Copies of the weights, in Keras' order."""
        return [w.copy() for w in self.weights]

    def predict_on_batch(self, inputs: dict) -> np.ndarray:
        """The normalised forecasts ``(n, HORIZON)`` for ``inputs`` (see :func:`network_inputs`)."""
        kernel, recurrent, bias, w_hidden, b_hidden, w_out, b_out = self.weights
        windows = np.asarray(inputs["windows"], dtype=np.float32)
        n = len(windows)
        h = np.zeros((n, self.units), np.float32)
        c = np.zeros((n, self.units), np.float32)
        projected = windows @ kernel + bias  # (n, CONTEXT, 4 * units): the inputs' share, all steps at once
        for t in range(windows.shape[1]):
            z = projected[:, t] + h @ recurrent
            i, f, g, o = np.split(z, 4, axis=1)
            c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h = _sigmoid(o) * np.tanh(c)
        joined = np.concatenate([h, inputs["baseline"], inputs["extras"]], axis=1)
        return inputs["baseline"] + np.maximum(joined @ w_hidden + b_hidden, 0.0) @ w_out + b_out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # no overflow for large negative x


def load_pretrained(name: str = WEIGHTS) -> NumpyNetwork:
    """A shipped network (its numpy forward pass; ``name``: :data:`WEIGHTS` or :data:`MEMBER_WEIGHTS`), read once
    per process and shared (read only) by zero-shot forecasts."""
    return _shipped_network(name)


@functools.lru_cache(maxsize=2)
def _shipped_network(name: str) -> NumpyNetwork:
    weights, _ = read_weights(name)
    return NumpyNetwork(weights)


def keras_network(network: NumpyNetwork) -> Any:
    """A trainable Keras copy of ``network`` (for fine-tuning)."""
    model = build_pretrained_network(network.units, network.hidden)
    model.set_weights(network.get_weights())
    return model


def forecast_from(model: Any, histories: list, seasons: list, horizon: int) -> np.ndarray:
    """Forecasts ``(len(histories), horizon)``: ``HORIZON`` steps at a time, each block appended to the history.

    A positive history is forecast in logs (:func:`network_space`) and the forecast taken back.
    """
    out = np.empty((len(histories), horizon))
    histories = [np.asarray(h, dtype=np.float64) for h in histories]
    done = 0
    while done < horizon:
        spaces = [network_space(h) for h in histories]
        inputs, level, scale = network_inputs([h for h, _ in spaces], seasons)
        block = np.asarray(model.predict_on_batch(inputs), dtype=np.float64)  # numpy, or a fine-tuned Keras model
        block = level[:, None] + scale[:, None] * block
        logged = np.array([lg for _, lg in spaces])
        block[logged] = np.exp(np.minimum(block[logged], 700.0))
        take = min(HORIZON, horizon - done)
        out[:, done : done + take] = block[:, :take]
        histories = [np.concatenate([h, b]) for h, b in zip(histories, block)]
        done += take
    return out


class PretrainedLSTMForecaster(BaseForecaster):
    """An LSTM pretrained on 4.5 million windows of synthetic and real series: forecasts any series zero-shot, or fine-tuned.

    The network (one LSTM layer and a dense correction to the seasonal naive
    forecast, 32 thousand weights) was trained by ``python -m
    sklstm.pretrain --real-share 0.5``: half the windows from series drawn by
    :func:`~sklstm.datasets.make_synthetic_series` (trends, seasons, cycles,
    shifts, autoregressive noise and Gaussian-process shapes), half from the
    M1, M3 and tourism competitions' series (none holding a benchmark
    series), each window normalised by its own level and scale. ``fit`` only reads the
    series (and detects its season) unless ``fine_tune=True``; several
    target columns are forecast one by one. Covariates are accepted and
    ignored (``fit`` warns that they are).

    Parameters
    ----------
    horizon : int, default=None
        Default steps for ``predict``.
    season_length : int or "auto", default="auto"
        Steps per season: from the pandas index (when the series is longer
        than that season), else detected in the series.
    fine_tune : bool, default=False
        Train a copy of the network further on the windows of this series
        (every cut of it, ``fine_tune_epochs`` epochs) and forecast with both
        (``fine_tune_mix``).
    fine_tune_epochs : int, default=10
    fine_tune_learning_rate : float, default=1e-4
    fine_tune_mix : float in (0, 1], default=0.5
        With ``fine_tune=True``, the weight of the fine-tuned copy's forecast;
        the rest is the zero-shot forecast's. On ``benchmarks/bench_real.py``'s
        tuning half, where it was chosen (with the network trained on
        synthetic series alone), the even mix had mean MASE 1.205 against
        1.215 for the fine-tuned copy alone (``fine_tune_mix=1``) and 1.229
        for zero-shot: a copy trained on one short series overfits it, and
        averaging with the network it started from keeps what it learned
        without most of that. With the shipped network: 1.182 against 1.195
        zero-shot there, 1.198 against 1.178 on the confirmation half.
    random_state : int, default=None
        Seeds the fine-tuning.
    verbose : int, default=0

    Attributes
    ----------
    season_length_ : int
    network_ : NumpyNetwork
        The network used, as a numpy forward pass: the shipped one, shared
        by zero-shot forecasters (TensorFlow is not imported), or the
        weights of a fine-tuned copy (its forecasts mixed with the shipped
        one's by ``fine_tune_mix``). A fitted forecaster pickles and
        forecasts without TensorFlow either way.
    history_ : dict or None
        The fine-tuning loss per epoch (None without fine-tuning; empty when
        the series was too short to fine-tune on).
    n_targets_, target_names_, index_

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.forecasting import PretrainedLSTMForecaster
    >>> t = np.arange(120)
    >>> y = 50 + 0.2 * t + 5 * np.sin(2 * np.pi * t / 12)
    >>> f = PretrainedLSTMForecaster(horizon=12).fit(y)
    >>> f.season_length_, f.predict().shape
    (12, (12,))
    """

    _uses_covariates = False
    _parameter_constraints: dict = {
        "horizon": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "season_length": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "fine_tune": ["boolean"],
        "fine_tune_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "fine_tune_learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "fine_tune_mix": [Interval(numbers.Real, 0, 1, closed="right")],
        "random_state": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "verbose": ["verbose"],
    }

    def __init__(self, horizon: int | None = None, season_length: int | str = "auto", fine_tune: bool = False,
                 fine_tune_epochs: int = 10, fine_tune_learning_rate: float = 1e-4, fine_tune_mix: float = 0.5,
                 random_state: int | None = None, verbose: int = 0):
        self.horizon = horizon
        self.season_length = season_length
        self.fine_tune = fine_tune
        self.fine_tune_epochs = fine_tune_epochs
        self.fine_tune_learning_rate = fine_tune_learning_rate
        self.fine_tune_mix = fine_tune_mix
        self.random_state = random_state
        self.verbose = verbose

    def _fit(self, data: SeriesData) -> None:
        y = data.y
        if len(y) < 3:
            raise ValueError(f"y has {len(y)} steps; PretrainedLSTMForecaster needs at least 3.")
        if not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinite values; fill or drop them before fit.")
        season = resolve_season(self.season_length, self.index_, y)
        self.season_length_ = check_season_within(season, len(y), f"y's {len(y)} steps")
        self.history_ = None
        if self.fine_tune:
            self.network_, self.history_ = self._fine_tuned(y)
        else:
            self.network_ = load_pretrained()

    def _fine_tuned(self, y: np.ndarray) -> tuple[Any, dict]:
        """A copy of the pretrained network trained further on every cut of every column of ``y``."""
        from .._tf import keras
        from .._training.seeding import global_seed

        series = [y[:, k] for k in range(y.shape[1])]
        cuts = [(s, c) for s in series for c in range(max(3, self.season_length_ + 1), len(s))]
        if not cuts:
            return load_pretrained(), {}
        inputs, targets = training_windows([s for s, _ in cuts], [self.season_length_] * len(cuts), [c for _, c in cuts])
        with global_seed(self.random_state):
            model = keras_network(load_pretrained())
            model.compile(optimizer=keras.optimizers.Adam(self.fine_tune_learning_rate), loss=masked_mae)
            fitted = model.fit(inputs, targets, epochs=self.fine_tune_epochs, batch_size=32, shuffle=True,
                               verbose=2 if self.verbose >= 2 else 0)
        # Kept as numpy weights: a Keras model in the fitted state would not unpickle (its loss is a custom
        # function) and would need TensorFlow to forecast.
        return NumpyNetwork(model.get_weights()), {k: [float(v) for v in vals] for k, vals in fitted.history.items()}

    def _default_horizon(self) -> int | None:
        return self.horizon

    def _min_history(self) -> int:
        return max(3, self.season_length_ + 1)

    def _paths(self, histories: list, horizon: int) -> np.ndarray:
        """Forecasts ``(len(histories), horizon)``: the network's, mixed with zero-shot's when fine-tuned."""
        seasons = [self.season_length_] * len(histories)
        out = forecast_from(self.network_, histories, seasons, horizon)
        if self.history_ and self.fine_tune_mix < 1:  # fine-tuned
            zero_shot = forecast_from(load_pretrained(), histories, seasons, horizon)
            out = self.fine_tune_mix * out + (1 - self.fine_tune_mix) * zero_shot
        return out

    def _forecast_from(self, history: SeriesData, horizon: int, future: Any = None) -> np.ndarray:
        return self._paths([history.y[:, k] for k in range(history.y.shape[1])], horizon).T

    def predict_interval(self, horizon: int | None = None, coverage: float = 0.9, X: Any = None) -> Any:
        """Point forecast with split-conformal intervals from the network's errors at earlier origins of the series.

        The network (zero-shot or fine-tuned) forecasts ``horizon`` steps from
        every origin of the last half of the series (at most 100 origins;
        earlier ones too when ``horizon`` is longer than that half);
        each step's half-width is the ``coverage`` quantile of the absolute
        errors at that step (log ratios, and a multiplicative interval, for a
        positive series). A fine-tuned network saw those values in training,
        so its intervals may be narrow.

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast (default: the ``horizon`` parameter).
        coverage : float in (0, 1), default=0.9
            Target share of future values inside the interval.
        X : ignored
            Covariates are not used.

        Returns
        -------
        DataFrame or ndarray
            As :meth:`LSTMForecaster.predict_interval <sklstm.forecasting.LSTMForecaster.predict_interval>`:
            the points, the lower and the upper bounds, per target.
        """
        check_is_fitted(self, "network_")
        coverage = check_coverage(coverage)
        horizon = self._check_horizon(horizon)
        y = self._data.y
        point = self._forecast_from(self._data, horizon)
        # The last half of the series, or earlier origins when the horizon is longer than that half.
        first = max(self._min_history(), min(len(y) // 2, len(y) - horizon))
        reach = max(0, len(y) - first)  # steps the earliest origin's forecast can be scored on
        if reach < horizon:
            raise ValueError(
                f"horizon={horizon} is longer than the {reach} steps after the first origin the network forecasts "
                f"from ({first} of y's {len(y)} values): no earlier forecast reached that far to calibrate the "
                f"interval on. Ask for at most {reach} steps, or use predict() for points without an interval.")
        origins = np.arange(first, len(y))[-max(100, horizon):]
        paths = np.stack([self._paths([y[:o, k] for o in origins], horizon) for k in range(y.shape[1])], axis=-1)
        lower, upper = conformal_bounds(point, paths, y, origins, coverage, self._positive())
        return self._wrap_interval(point, lower, upper)
