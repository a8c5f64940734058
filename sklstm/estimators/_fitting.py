"""How an sklstm estimator builds and trains its network: functions of a :class:`NetworkSpec` and :class:`Inputs`.

:func:`build_network` builds and compiles the Keras model from the
architecture's builder (seeded through :mod:`sklstm._training.seeding`);
:func:`train_network` picks the training loop (the compiled loop of
:mod:`sklstm._training.training`, or ``model.fit`` when callbacks or metrics
need Python every epoch), trains, and retries a fit whose loss diverged with a
smaller learning rate. Both return what they made; the estimator stores it.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ._inputs import Inputs

__all__ = ["NetworkSpec", "Training", "build_network", "cache_key", "check_network_size", "choose_loop", "train_network"]

_MAX_RETRIES = 2


@dataclasses.dataclass(frozen=True)
class NetworkSpec:
    """Everything that builds and compiles one estimator's network.

    ``compile_kwargs`` makes Keras' compile keywords afresh for each network
    (an optimizer instance serves one model); ``cache_key`` names the traced
    training graph (None: never shared); ``run_eagerly`` is
    ``compile__run_eagerly`` (Keras' own loop, step by step).
    """

    owner: str
    builder: Callable[..., Any]
    meta: dict
    params: dict
    compile_kwargs: Callable[[], dict]
    loss: Any
    cache_key: tuple | None
    run_eagerly: bool = False


@dataclasses.dataclass
class Training:
    """What :func:`train_network` returns: the trained model, its history, the loop used, where it stopped."""

    model: Any
    history: dict
    loop: str
    stopped_epoch: int | None


def build_network(spec: NetworkSpec, seed: int | None, learning_rate_factor: float = 1.0) -> Any:
    """A fresh compiled network; with a seed, its initial weights redrawn from it.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int or None
    learning_rate_factor : float, default=1.0
        Multiplies the optimizer's learning rate (a retry after divergence).

    Returns
    -------
    keras.Model
    """
    from .._tf import tf
    from .._training.seeding import reseed_weights

    check_network_size(spec.owner, spec.params, spec.meta["input_shape_"])
    try:
        model = spec.builder(spec.meta, **spec.params)
    except tf.errors.ResourceExhaustedError as exc:
        raise MemoryError(f"{spec.owner}: the network built with {spec.params} does not fit in memory; make it "
                          "smaller (units, filters, n_layers).") from exc
    except ValueError as exc:
        raise ValueError(
            f"{spec.owner} cannot build its model for windows of shape {spec.meta['input_shape_']} with "
            f"{spec.params}: {exc}"
        ) from exc
    model.compile(**spec.compile_kwargs())
    if seed is not None:
        reseed_weights(model, seed)
    if learning_rate_factor != 1.0:
        model.optimizer.learning_rate = float(np.asarray(model.optimizer.learning_rate)) * learning_rate_factor
    return model


def check_network_size(owner: str, params: dict, input_shape: tuple) -> None:
    """Refuse, before building it, a network whose training could not fit in this machine's memory.

    A recurrent or convolutional layer of ``u`` units (or filters) reading ``f``
    features holds about ``4 u (u + f + 1)`` weights; training keeps four
    float32 copies (weights, gradients, Adam's two moments). ``units=2**40``
    otherwise ended in TensorFlow's out-of-memory error from inside Keras.

    Parameters
    ----------
    owner : str
        The class name the message uses.
    params : dict
        The builder's arguments (``units``, ``filters``, ...).
    input_shape : tuple
        The network's input shape per sample.
    """
    import math
    import os

    sizes = {k: v for k, v in params.items() if k in ("units", "filters") and isinstance(v, int)}
    if not sizes:
        return
    name, units = max(sizes.items(), key=lambda item: item[1])
    features = int(math.prod(input_shape[1:])) if len(input_shape) > 1 else 1
    weights = 4 * units * (units + features + 1)
    needed = 16 * weights
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # no sysconf (Windows): only the absurd is refused
        memory = 2**40
    if needed > memory:
        raise MemoryError(
            f"{owner}: {name}={units} makes a network of about {weights:.3g} weights, {needed / 2**30:.3g} GiB to "
            f"train, more than this machine's {memory / 2**30:.3g} GiB of memory; lower {name}."
        )


def cache_key(owner_class: type, params: dict, input_shape: tuple, n_steps_out: int, n_targets: int) -> tuple | None:
    """What determines the traced training graph (not data values, seed or epochs), or None.

    Parameters
    ----------
    owner_class : type
        The estimator's class.
    params : dict
        Its parameters (``get_params()``).
    input_shape, n_steps_out, n_targets
        The network's input shape and outputs.

    Returns
    -------
    tuple or None
        None when a parameter has no reliable identity (an optimizer instance).
    """
    # The training loop's own settings (batch size, shuffling, validation) are part of its spec.
    skip = {"random_state", "verbose", "epochs", "warm_start", "callbacks", "fit_loop", "validation_split",
            "shuffle", "batch_size"}
    items = []
    for name, value in sorted(params.items()):
        if name in skip:
            continue
        if not isinstance(value, (str, int, float, bool, type(None), tuple)):
            return None
        items.append((name, value))
    return (owner_class.__qualname__, tuple(items), input_shape, n_steps_out, n_targets)


def choose_loop(fit_loop: str, metrics: Any, callbacks: list, run_eagerly: bool = False) -> tuple[str, Any, list]:
    """The training loop for these settings: ``(loop, early_stop, callbacks for model.fit)``.

    Parameters
    ----------
    fit_loop : {"auto", "compiled", "keras"}
    metrics : list or None
    callbacks : list of keras callbacks
    run_eagerly : bool, default=False
        ``compile__run_eagerly``: Keras' loop, step by step in Python.

    Returns
    -------
    tuple
        ``"compiled"`` with the single EarlyStopping it runs (or None) and no
        callbacks, ``"keras"`` with None and the callbacks, or, under a
        ``MultiWorkerMirroredStrategy``, ``"multi-worker"`` with neither.
    """
    from .._tf import keras
    from .._training.training import EarlyStop

    if keras.backend.backend() == "tensorflow":
        from .._training.training import multi_worker_strategy

        if multi_worker_strategy() is not None:
            problems = [p for p, bad in (("fit_loop='compiled'", fit_loop == "compiled"), (f"callbacks={callbacks}", callbacks),
                                         (f"metrics={metrics}", metrics), ("compile__run_eagerly=True", run_eagerly)) if bad]
            if problems:
                raise ValueError("Under a MultiWorkerMirroredStrategy sklstm trains with its own distributed step "
                                 f"loop, which takes epochs, batch_size and shuffle only: remove {', '.join(problems)}.")
            return "multi-worker", None, []
    if fit_loop == "keras" or keras.backend.backend() != "tensorflow":
        return "keras", None, callbacks
    early = [cb for cb in callbacks if isinstance(cb, keras.callbacks.EarlyStopping)]
    reason = _needs_keras_loop(metrics, callbacks, early) or (
        "compile__run_eagerly=True (the compiled loop is one graph)" if run_eagerly else None)
    if reason:
        if fit_loop == "compiled":
            raise ValueError(f"fit_loop='compiled' cannot honour {reason}; use fit_loop='auto' or 'keras'.")
        return "keras", None, callbacks
    return "compiled", (EarlyStop.from_callback(early[0]) if early else None), []


def train_network(spec: NetworkSpec, inputs: Inputs, settings: dict, *, fit_loop: str, metrics: Any, seed: int | None,
                  model: Any = None, history: dict | None = None) -> Training:
    """Train a network on ``inputs``: a new one (seeded), or ``model`` further (a warm fit).

    A fit whose loss becomes non-finite, or explodes, is retried from scratch
    with a ten times smaller learning rate, at most ``_MAX_RETRIES`` times.

    Parameters
    ----------
    spec : NetworkSpec
    inputs : Inputs
        Encoded windows (or a streamed series) and scaled residual targets.
    settings : dict
        This fit's ``epochs``, ``batch_size``, ``shuffle``,
        ``validation_split``, ``verbose`` and ``callbacks``.
    fit_loop : {"auto", "compiled", "keras"}
    metrics : list or None
    seed : int or None
    model : keras.Model, default=None
        The network to train further (a warm fit), or None for a new one.
    history : dict, default=None
        The warm network's history, which this fit's epochs extend.

    Returns
    -------
    Training
    """
    from .._training.memory import GARBAGE
    from .._training.training import quiet_tf_logger

    started = time.perf_counter()
    loop, early, callbacks = choose_loop(fit_loop, metrics, settings["callbacks"], bool(spec.run_eagerly))
    if loop == "multi-worker":
        _check_multi_worker(inputs, settings)
    if inputs.stream and loop != "compiled":
        raise ValueError(
            "Windows streamed from a long series need the compiled loop: use fit_loop='auto' and at most "
            f"one EarlyStopping callback (got fit_loop={fit_loop!r}, callbacks={settings['callbacks']})."
        )
    initial_epoch = len(history["loss"]) if model is not None and history is not None else 0
    for attempt in range(_MAX_RETRIES + 1):
        with quiet_tf_logger(settings["verbose"]):
            if model is None or attempt:
                model = build_network(spec, seed, learning_rate_factor=0.1**attempt)
                initial_epoch = 0
            result = _run_training(spec, model, inputs, settings, loop=loop, early=early, callbacks=callbacks, seed=seed,
                                   initial_epoch=initial_epoch)
        if not (result.diverged or _exploded(result, inputs.residuals, spec.loss)):
            break
        _report_divergence(spec.owner, model, result, attempt)
    GARBAGE.spent(time.perf_counter() - started)  # frees the networks earlier fits discarded
    if initial_epoch and history is not None:
        merged = {key: list(values) for key, values in history.items()}
        for key, values in result.history.items():
            merged.setdefault(key, []).extend(values)
    else:
        merged = result.history
    return Training(model, merged, loop, result.stopped_epoch)


def _check_multi_worker(inputs: Inputs, settings: dict) -> None:
    """What the multi-worker step loop cannot take besides what :func:`choose_loop` refuses: streamed windows,
    a validation split."""
    if inputs.stream:
        raise ValueError("Windows streamed from a long series cannot be split between workers: under a "
                         "MultiWorkerMirroredStrategy pass windows (GlobalLSTMForecaster takes them so from a network "
                         "with fit_loop='keras').")
    if settings["validation_split"]:
        raise ValueError(f"validation_split={settings['validation_split']} is not supported under a "
                         "MultiWorkerMirroredStrategy; use 0.0.")


def _run_training(spec: NetworkSpec, model: Any, inputs: Inputs, settings: dict, *, loop: str, early: Any,
                  callbacks: list, seed: int | None, initial_epoch: int) -> Any:
    """One training run with the compiled loop or ``model.fit``; its :class:`~sklstm._training.training.FitResult`."""
    from .._training.seeding import fresh_seed, global_seed
    from .._training.training import Schedule, fit_compiled, fit_keras

    schedule = Schedule(
        epochs=settings["epochs"],
        batch_size=settings["batch_size"],
        shuffle=settings["shuffle"],
        validation_split=settings["validation_split"],
        verbose=settings["verbose"],
        initial_epoch=initial_epoch,
    )
    if loop == "compiled":
        stream = {} if not inputs.stream else {**inputs.stream, "input_shape": spec.meta["input_shape_"]}
        return fit_compiled(model, inputs.features, inputs.residuals, schedule, sample_weight=inputs.sample_weight,
                            early_stop=early, seed=fresh_seed() if seed is None else seed, cache_key=spec.cache_key,
                            **stream)
    if loop == "multi-worker":
        from .._training.training import fit_multi_worker, multi_worker_strategy

        return fit_multi_worker(model, inputs.features, inputs.residuals, schedule, multi_worker_strategy(),
                                seed=fresh_seed() if seed is None else seed, sample_weight=inputs.sample_weight)
    with global_seed(seed):  # model.fit shuffles with TensorFlow's global generator
        return fit_keras(model, inputs.features, inputs.residuals, schedule, sample_weight=inputs.sample_weight,
                         callbacks=callbacks)


def _exploded(result: Any, residuals: Any, loss: Any) -> bool:
    """Whether training ended with a finite loss far above where it started (a learning rate far too large).

    The network starts near zero, the output the linear baseline needs, so
    a last loss more than ten times both the first epoch's and the loss of
    predicting zero (and above 0.01, in scaled units) means the updates
    blew the weights up. When the first epoch's mean loss is itself a
    thousand times that of predicting zero (or of 0.01), the blow-up
    happened inside it (mini-batches): then ten times is enough.
    """
    losses = result.history.get("loss") or []
    if not losses or result.stopped_epoch is not None:  # early stopping kept its best epoch
        return False
    from .._tf import keras

    try:
        sample = residuals[:: max(1, len(residuals) // 2**16)]  # (an array or a tensor) at most 131,072 rows suffice
        zero_loss = float(np.mean(np.asarray(keras.losses.get(loss)(sample, sample * 0.0))))
    except (TypeError, ValueError):  # a loss that cannot score zeros: nothing to compare with
        return False
    floor = max(zero_loss, 1e-2)
    if losses[0] > 1e3 * floor:  # the first epoch's mean already holds a blow-up (mini-batches)
        return losses[-1] > 10.0 * floor
    return losses[-1] > max(10.0 * max(zero_loss, losses[0]), 1e-2)


def _report_divergence(owner: str, model: Any, result: Any, attempt: int) -> None:
    """Warn that the loss became non-finite (a retry follows), or raise after the last attempt."""
    lr_now = float(np.asarray(model.optimizer.learning_rate))
    if attempt == _MAX_RETRIES:
        raise RuntimeError(
            f"{owner}: training diverged (the loss became NaN or inf, or exploded) {_MAX_RETRIES + 1} times, last "
            f"with learning rate {lr_now:g}. Check the data for extreme values, keep scaling='minmax', or lower "
            "optimizer__learning_rate."
        )
    warnings.warn(
        f"{owner}: the loss became non-finite or exploded by epoch {len(result.history['loss'])}; retrying with "
        f"learning rate {lr_now / 10:g}.",
        RuntimeWarning,
        stacklevel=4,
    )


def _needs_keras_loop(metrics: Any, callbacks: list, early: list) -> str | None:
    """Why a fit needs Keras' own ``model.fit`` (per-epoch Python), or None when the compiled loop does it all."""
    if metrics:
        return f"metrics={metrics!r} (the compiled loop tracks the loss only)"
    if len(callbacks) > len(early) or len(early) > 1:
        return f"callbacks {callbacks} (the compiled loop runs a single EarlyStopping only)"
    for cb in early:
        if cb.monitor not in ("loss", "val_loss") or getattr(cb, "mode", "min") == "max":
            return f"EarlyStopping(monitor={cb.monitor!r}, mode={cb.mode!r}) (the compiled loop minimises loss or val_loss)"
        if getattr(cb, "start_from_epoch", 0) or getattr(cb, "baseline", None) is not None:
            return "EarlyStopping with start_from_epoch or baseline"
    return None
