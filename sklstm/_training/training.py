"""The compiled training loop, and its plain ``model.fit`` fallback.

On small data a Keras ``fit`` spends almost all its time in per-epoch Python
and data-iterator overhead. :func:`fit_compiled` instead runs many epochs
inside one ``tf.function``: full mini-batch steps, per-epoch shuffling from
a stateless seed, a validation split, early stopping with patience and
best-weight restoration, and a stop on a non-finite loss, all in the graph.
Python regains control between chunks of epochs (about a quarter of a second
each), to move the progress bar and to let Ctrl-C stop the fit.
:func:`fit_keras` is the plain ``model.fit`` path, used when callbacks need
Python every epoch; :func:`fit_multi_worker` replaces it under a
``tf.distribute.MultiWorkerMirroredStrategy``, where Keras 3's ``fit`` fails.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._tf import keras, tf
from .compiled_loop import EVAL_BATCH, CompiledLoop, EarlyStop, LoopSpec
from .memory import is_aligned
from .pool import POOL, TrainingPool

__all__ = ["POOL", "EarlyStop", "FitResult", "Schedule", "TrainingPool", "fit_compiled", "fit_keras", "fit_multi_worker",
           "multi_worker_strategy", "quiet_tf_logger"]


@dataclass
class FitResult:
    """What a training run reports back to the estimator."""

    history: dict[str, list[float]] = field(default_factory=dict)
    diverged: bool = False
    stopped_epoch: int | None = None


@contextlib.contextmanager
def quiet_tf_logger(verbose: int):
    """Hide TensorFlow's Python-side warnings (retracing notices) when ``verbose == 0``."""
    logger = tf.get_logger()
    old = logger.level
    if not verbose:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(old)


def _n_train(n: int, validation_split: float) -> int:
    """Keras' semantics: the last ``validation_split`` fraction is held out, before shuffling."""
    if not validation_split:
        return n
    n_train = int(math.floor(n * (1.0 - validation_split)))
    if n_train < 1 or n_train >= n:
        raise ValueError(
            f"validation_split={validation_split} leaves no training or no validation "
            f"samples out of {n}."
        )
    return n_train


_CHUNK_SECONDS = 0.25


@dataclass(frozen=True)
class Schedule:
    """What a training run shares between the compiled loop and ``model.fit``: epochs and batches."""

    epochs: int
    batch_size: int | None = None
    shuffle: bool = True
    validation_split: float = 0.0
    verbose: int = 0
    initial_epoch: int = 0


def fit_compiled(
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    schedule: Schedule,
    *,
    sample_weight: np.ndarray | None = None,
    early_stop: EarlyStop | None = None,
    seed: int = 0,
    window_steps: int | None = None,
    input_shape: tuple | None = None,
    window_segments: np.ndarray | None = None,
    window_level: int | None = None,
    cache_key: Any = None,
    pool: TrainingPool | None = None,
) -> FitResult:
    """Train a compiled Keras ``model`` for ``schedule.epochs`` epochs inside one ``tf.function``.

    ``X`` and ``y`` may already be float32 tensors (then no copy is made). With
    ``window_steps``, ``X`` is a series and the windows ``X[i : i + window_steps]``
    (reshaped to ``input_shape``) are gathered per batch instead of materialised;
    ``window_segments`` ``(first row, number of windows)`` per series puts
    several series end to end in ``X``, and ``window_level`` takes each
    window relative to the mean of its last rows (see :class:`~sklstm.preprocessing._windows.SeriesWindows`).

    With a hashable ``cache_key`` (the architecture and compile settings), the
    traced loop is kept in a small pool: the next fit with the same key runs
    the same graph on its own model's variables, skipping the tracing
    (0.1-0.5 s). The number of samples is not part of the key: every data
    length shares one trace.
    ``pool`` defaults to the package's :data:`POOL`.

    Returns the per-epoch history (``loss`` and, with a validation split,
    ``val_loss``), whether the loss became non-finite, and the epoch at which
    early stopping fired. Weights are restored to the best epoch when
    ``early_stop.restore_best_weights`` is set.
    """
    X = X if isinstance(X, tf.Tensor) and X.dtype == tf.float32 else np.asarray(X, dtype=np.float32)
    y = y if isinstance(y, tf.Tensor) and y.dtype == tf.float32 else np.asarray(y, dtype=np.float32)
    if early_stop is not None and early_stop.monitor not in ("loss", "val_loss"):
        raise ValueError(
            f"EarlyStopping monitor={early_stop.monitor!r} is not supported by the "
            "compiled loop; use 'loss' or 'val_loss', or fit_loop='keras'."
        )
    n_all = len(X) if window_steps is None else len(y)
    n = _n_train(n_all, schedule.validation_split)
    if early_stop is not None and early_stop.monitor == "val_loss" and n == n_all:
        raise ValueError("EarlyStopping(monitor='val_loss') needs validation data: set validation_split.")
    size = int(schedule.batch_size or 32)
    spec = LoopSpec(
        x_shape=tuple(X.shape[1:]),
        y_shape=tuple(y.shape[1:]),
        batch_size=size,
        shuffle=bool(schedule.shuffle) and size < n,
        full_batch=size >= n,
        validation=n < n_all,
        val_in_one_batch=n_all - n <= EVAL_BATCH,
        early_stop=None if early_stop is None else dataclasses.astuple(early_stop),
        sample_weight=sample_weight is not None,
        window_steps=window_steps,
        input_shape=None if input_shape is None else tuple(input_shape),
        window_segments=window_segments is not None,
        window_level=window_level,
        # A full batch (every sample in one step) runs about 25% faster per epoch with its size known to
        # the graph; such fits are small (at most batch_size samples), so they are traced per size.
        n_samples=n_all if size >= n and window_steps is None else None,
        n_train=n if size >= n and window_steps is None else None,
    )
    key = None if cache_key is None else (cache_key, spec)
    pool = POOL if pool is None else pool
    loop = pool.loop_for(key, model, spec)
    sw = np.zeros(0, np.float32) if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
    args = (as_tensor(X), tf.convert_to_tensor(y), tf.convert_to_tensor(sw), _segments(window_segments),
            tf.constant(int(seed), tf.int32), tf.constant(n, tf.int32))
    try:
        return _run_loop(loop, args, epochs=schedule.epochs, verbose=schedule.verbose,
                         initial_epoch=schedule.initial_epoch)
    finally:
        loop.busy.release()
        pool.checkin(key, loop)


def as_tensor(array: Any) -> Any:
    """``array`` as a tensor: sharing its buffer when it is aligned float32 (no copy of the windows), else a copy."""
    if is_aligned(array) and array.dtype == np.float32 and array.size:
        return tf.experimental.dlpack.from_dlpack(array.__dlpack__())
    return tf.convert_to_tensor(array)


def _segments(segments: np.ndarray | None) -> Any:
    """``(first row, index of the first window)`` per segment, as the loop reads them (empty: one series)."""
    if segments is None:
        return tf.zeros([0, 2], tf.int32)
    segments = np.asarray(segments, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(segments[:, 1])[:-1]])
    if segments[:, 0].max(initial=0) + segments[:, 1].max(initial=0) >= 2**31:
        raise ValueError("A streamed panel of 2**31 rows or more is beyond the compiled loop's int32 indexes.")
    return tf.constant(np.column_stack([segments[:, 0], starts]), tf.int32)


def _run_loop(loop: CompiledLoop, args: tuple, *, epochs: int, verbose: int, initial_epoch: int) -> FitResult:
    history: dict[str, list[float]] = {"loss": []}
    validation = loop.spec.validation
    if validation:
        history["val_loss"] = []
    bar = keras.utils.Progbar(epochs, unit_name="epoch") if verbose == 1 else None
    # Python regains control between chunks of epochs, each about _CHUNK_SECONDS long: to move the
    # progress bar, and so that Ctrl-C (KeyboardInterrupt) takes effect within a fraction of a second.
    # verbose=2 prints one line per epoch, as Keras does, so its chunks are single epochs.
    most = {0: epochs, 1: max(1, math.ceil(epochs / 50))}.get(verbose, 1)
    chunk = min(4, most)
    done = 0
    while done < epochs:
        count = min(chunk, epochs - done)
        started = time.perf_counter()
        losses, val_losses = loop(*args, tf.constant(initial_epoch + done, tf.int32), tf.constant(count, tf.int32))
        per_epoch = (time.perf_counter() - started) / count
        chunk = int(min(most, max(1, _CHUNK_SECONDS / max(per_epoch, 1e-9))))
        losses = losses.numpy().tolist()
        history["loss"] += losses
        if validation:
            history["val_loss"] += val_losses.numpy().tolist()
        done += len(losses)
        if bar is not None:
            values = [(key, history[key][-1]) for key in history]
            bar.update(done, values=values, finalize=bool(loop.status.numpy()) or done >= epochs)
        elif verbose >= 2:
            print(f"Epoch {initial_epoch + done}/{initial_epoch + epochs} - "
                  + " - ".join(f"{key}: {history[key][-1]:.4g}" for key in history), flush=True)
        if int(loop.status.numpy()):
            break
    status = int(loop.status.numpy())
    if loop.best_weights is not None and int(loop.best_epoch.numpy()) >= 0:
        for saved, weight in zip(loop.best_weights, loop.bound.trainable_variables, strict=True):
            weight.assign(saved)
    return FitResult(
        history=history,
        diverged=status == 2,
        stopped_epoch=initial_epoch + done - 1 if status == 1 else None,
    )


class _EpochProgress(keras.callbacks.Callback):
    """One progress bar over the whole ``model.fit``, one tick per epoch."""

    def __init__(self, epochs: int):
        super().__init__()
        self.bar = keras.utils.Progbar(epochs, unit_name="epoch")

    def on_epoch_end(self, epoch, logs=None):
        values = [(k, v) for k, v in (logs or {}).items() if k in ("loss", "val_loss")]
        self.bar.update(epoch + 1, values=values)


def fit_keras(model: Any, X: np.ndarray, y: np.ndarray, schedule: Schedule, *, sample_weight: np.ndarray | None = None,
              callbacks: list | None = None) -> FitResult:
    """Plain ``model.fit``, with a NaN guard and a whole-fit progress bar."""
    callbacks = list(callbacks or []) + [keras.callbacks.TerminateOnNaN()]
    if schedule.verbose == 1:
        callbacks.append(_EpochProgress(schedule.epochs))
    initial_epoch = schedule.initial_epoch
    hist = model.fit(
        X,
        y,
        epochs=initial_epoch + schedule.epochs,
        initial_epoch=initial_epoch,
        batch_size=schedule.batch_size,
        shuffle=schedule.shuffle,
        validation_split=schedule.validation_split,
        sample_weight=sample_weight,
        callbacks=callbacks,
        verbose=2 if schedule.verbose >= 2 else 0,  # Keras' own line per epoch
    )
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    diverged = not all(math.isfinite(v) for v in history.get("loss", []))
    stopped = getattr(model, "stop_training", False) and not diverged
    return FitResult(
        history=history,
        diverged=diverged,
        stopped_epoch=initial_epoch + len(history.get("loss", [])) - 1 if stopped else None,
    )


def multi_worker_strategy() -> Any:
    """The active ``tf.distribute.MultiWorkerMirroredStrategy`` (its ``scope()`` entered), else None."""
    strategy = tf.distribute.get_strategy()
    return strategy if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) else None


def fit_multi_worker(model: Any, X: np.ndarray, y: np.ndarray, schedule: Schedule, strategy: Any, *, seed: int,
                     sample_weight: np.ndarray | None = None) -> FitResult:
    """``model.fit``'s job under a ``MultiWorkerMirroredStrategy``, by TensorFlow's custom-loop recipe.

    Keras 3's own ``fit`` fails under that strategy with more than one worker
    (keras-team/keras#20585: it reduces the first batch's per-replica values
    eagerly). Here every worker holds the same windows and shuffles them with
    the same seed; each global batch of ``batch_size`` windows is split
    between the workers (``AutoShardPolicy.DATA``), each computes the
    gradient of its share, and Keras' optimizer sums them across workers
    (all-reduce) before one identical update everywhere. A last global batch
    smaller than ``batch_size`` is dropped each epoch (with shuffling, other
    windows each epoch), so that no worker gets an empty share.

    Returns
    -------
    FitResult
        The mean loss per epoch (over the workers' shares), a NaN guard.
    """
    n = len(X)
    batch = min(schedule.batch_size or 32, n)
    arrays = (np.asarray(X, np.float32), np.asarray(y, np.float32).reshape(n, -1))
    if sample_weight is not None:
        arrays = (*arrays, np.asarray(sample_weight, np.float32))
    data = tf.data.Dataset.from_tensor_slices(arrays)
    if schedule.shuffle:
        data = data.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    data = data.batch(batch, drop_remainder=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = strategy.experimental_distribute_dataset(data.with_options(options))
    weights = model.trainable_variables

    def replica_step(*batch_data):
        x, target = batch_data[0], batch_data[1]
        with tf.GradientTape() as tape:
            pred = model(x, training=True)  # compute_loss divides by the replicas: the all-reduced sum is the mean
            loss = model.compute_loss(x=x, y=target, y_pred=pred, sample_weight=batch_data[2] if len(batch_data) > 2
                                      else None, training=True)
        model.optimizer.apply(tape.gradient(loss, weights), weights)
        return loss

    @tf.function(autograph=False)
    def step(batch_data):
        return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(replica_step, args=batch_data), axis=None)

    history: dict[str, list[float]] = {"loss": []}
    for _ in range(schedule.epochs):
        losses = [float(step(batch_data)) for batch_data in batches]
        history["loss"].append(float(np.mean(losses)))
        if schedule.verbose >= 1:
            print(f"Epoch {len(history['loss'])}/{schedule.epochs} - loss: {history['loss'][-1]:.4g}", flush=True)
        if not math.isfinite(history["loss"][-1]):
            return FitResult(history=history, diverged=True)
    return FitResult(history=history)

