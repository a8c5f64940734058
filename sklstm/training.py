"""The compiled training loop, and its plain ``model.fit`` fallback.

On small data a Keras ``fit`` spends almost all its time in per-epoch Python
and data-iterator overhead. :func:`fit_compiled` instead runs many epochs
inside one ``tf.function``: full mini-batch steps, per-epoch shuffling from
a stateless seed, a validation split, early stopping with patience and
best-weight restoration, and a stop on a non-finite loss, all in the graph.
Python regains control between chunks of epochs (about a quarter of a second
each), to move the progress bar and to let Ctrl-C stop the fit.
:func:`fit_keras` is the plain ``model.fit`` path, used when callbacks need
Python every epoch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._tf import keras, tf

__all__ = ["POOL", "EarlyStop", "FitResult", "TrainingPool", "fit_compiled", "fit_keras", "quiet_tf_logger"]


@dataclass
class EarlyStop:
    """Early-stopping settings understood by the compiled loop."""

    monitor: str = "loss"
    patience: int = 0
    min_delta: float = 0.0
    restore_best_weights: bool = False

    @classmethod
    def from_callback(cls, callback: Any) -> EarlyStop:
        """Translate a ``keras.callbacks.EarlyStopping`` (mode min only)."""
        return cls(
            monitor=callback.monitor,
            patience=int(callback.patience),
            min_delta=abs(float(callback.min_delta)),
            restore_best_weights=bool(callback.restore_best_weights),
        )


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


_EVAL_BATCH = 8192
_CHUNK_SECONDS = 0.25


@dataclass(frozen=True)
class LoopSpec:
    """What fixes the traced graph of a training loop; never the number of samples.

    ``x_shape`` and ``y_shape`` are the per-sample shapes (for streamed windows,
    ``x_shape`` is one row of the series). Everything that depends on the
    number of samples (batches per epoch, validation size) is computed inside
    the graph, so that one trace serves every data length: a backtest, a
    search and an ensemble of the same architecture trace once. The exception
    is a full-batch fit (no more samples than ``batch_size``), whose
    ``n_samples`` and ``n_train`` are fixed: with the batch size known to the
    graph an epoch runs about 30% faster, and such fits are small.
    """

    x_shape: tuple
    y_shape: tuple
    batch_size: int
    shuffle: bool
    full_batch: bool
    validation: bool
    val_in_one_batch: bool
    early_stop: tuple | None
    sample_weight: bool
    window_steps: int | None = None
    input_shape: tuple | None = None
    n_samples: int | None = None
    n_train: int | None = None


class _CompiledLoop:
    """Holds the graph function and the early-stopping state across chunks.

    The data are arguments of the traced function (with an unknown number of
    samples), not part of the graph. Samples are addressed by index. With
    ``window_steps`` set, ``X`` is the scaled series ``(n_time, n_features)``
    and sample ``i`` is the window ``X[i : i + window_steps]``, gathered batch
    by batch inside the graph and reshaped to ``input_shape``: the windows are
    never materialised.

    The loop is written with explicit ``tf.while_loop`` and ``tf.cond`` and
    traced without AutoGraph, whose source transformation was most of the
    cost of a first fit in a process.
    """

    def __init__(self, model, spec: LoopSpec):
        self.model = model
        self.spec = spec
        self.busy = threading.Lock()
        self.early_stop = None if spec.early_stop is None else EarlyStop(*spec.early_stop)
        self.weights = model.trainable_variables
        model.optimizer.build(self.weights)
        self.best = tf.Variable(np.inf, dtype=tf.float32, trainable=False)
        self.wait = tf.Variable(0, dtype=tf.int32, trainable=False)
        self.best_epoch = tf.Variable(-1, dtype=tf.int32, trainable=False)
        self.status = tf.Variable(0, dtype=tf.int32, trainable=False)  # 1 stop, 2 diverged
        restore = self.early_stop is not None and self.early_stop.restore_best_weights
        self.best_weights = [tf.Variable(w, trainable=False) for w in self.weights] if restore else None
        scalar = tf.TensorSpec([], tf.int32)
        signature = [
            tf.TensorSpec([spec.n_samples, *spec.x_shape], tf.float32),
            tf.TensorSpec([spec.n_samples, *spec.y_shape], tf.float32),
            tf.TensorSpec([None], tf.float32),  # sample weights (empty when there are none)
            scalar, scalar, scalar, scalar,  # seed, training samples, first epoch, epochs to run
        ]
        self.run = tf.function(self._run, input_signature=signature, autograph=False)
        self.traces = 0

    def start(self, model=None) -> None:
        """Start a new fit: reset the early-stopping state; copy ``model``'s initial weights and optimizer state."""
        if model is not None and model is not self.model:
            _copy(model.weights, self.model.weights)
            model.optimizer.build(model.trainable_variables)
            _copy(model.optimizer.variables, self.model.optimizer.variables)
        self.best.assign(np.inf)
        self.wait.assign(0)
        self.best_epoch.assign(-1)
        self.status.assign(0)

    def export(self, model) -> None:
        """Copy the trained weights and optimizer state into ``model``."""
        _copy(self.model.weights, model.weights)
        _copy(self.model.optimizer.variables, model.optimizer.variables)

    # ------------------------------------------------------------ traced parts
    def _batch(self, source, y, sw, idx):
        """``(x, y, sample_weight)`` of the samples ``idx``."""
        spec = self.spec
        if spec.window_steps is None:
            x = tf.gather(source, idx)
        else:
            rows = idx[:, tf.newaxis] + tf.range(spec.window_steps)[tf.newaxis, :]
            x = tf.reshape(tf.gather(source, rows), [-1, *spec.input_shape])
        return x, tf.gather(y, idx), (tf.gather(sw, idx) if spec.sample_weight else None)

    def _loss(self, x, y, sw, training):
        pred = self.model(x, training=training)
        return self.model.compute_loss(x=x, y=y, y_pred=pred, sample_weight=sw, training=training)

    def _step(self, batch):
        with tf.GradientTape() as tape:
            loss = self._loss(*batch, True)
        self.model.optimizer.apply(tape.gradient(loss, self.weights), self.weights)
        return loss

    def _epoch(self, data, seed, n, epoch):
        """One pass over the ``n`` training samples; the mean loss."""
        if self.spec.full_batch:  # every training sample, in order (a static count when known)
            return self._step(self._batch(*data, tf.range(self.spec.n_train or n)))
        size = tf.minimum(self.spec.batch_size, n)
        n_batches = (n + size - 1) // size
        if self.spec.shuffle:
            order = tf.argsort(tf.random.stateless_uniform([n], seed=tf.stack([seed, epoch])))
        else:
            order = tf.range(n)

        def body(b, total):
            idx = order[b * size : (b + 1) * size]
            loss = self._step(self._batch(*data, idx))
            return b + 1, total + loss * tf.cast(tf.shape(idx)[0], tf.float32)

        _, total = tf.while_loop(lambda b, total: b < n_batches, body, (tf.constant(0), tf.constant(0.0)))
        return total / tf.cast(n, tf.float32)

    def _val_loss(self, data, n):
        n_all = tf.shape(data[1])[0]
        if self.spec.val_in_one_batch:
            return self._loss(*self._batch(*data, tf.range(n, n_all)), False)

        def body(start, total):
            idx = tf.range(start, tf.minimum(start + _EVAL_BATCH, n_all))
            loss = self._loss(*self._batch(*data, idx), False)
            return start + _EVAL_BATCH, total + loss * tf.cast(tf.shape(idx)[0], tf.float32)

        _, total = tf.while_loop(lambda start, total: start < n_all, body, (n, tf.constant(0.0)))
        return total / tf.cast(n_all - n, tf.float32)

    def _early_stop(self, current, epoch):
        """Update the early-stopping state; True when patience has run out."""
        rule = self.early_stop
        improved = current < self.best - rule.min_delta
        wait = tf.where(improved, 0, self.wait + 1)
        updates = [
            self.best.assign(tf.where(improved, current, self.best)),
            self.best_epoch.assign(tf.where(improved, epoch, self.best_epoch)),
            self.wait.assign(wait),
        ]
        if self.best_weights is not None:

            def save():
                with tf.control_dependencies([s.assign(w) for s, w in zip(self.best_weights, self.weights)]):
                    return tf.constant(True)

            updates.append(tf.cond(improved, save, lambda: tf.constant(False)))
        with tf.control_dependencies(updates):
            return wait >= max(rule.patience, 1)

    def _run(self, source, y, sw, seed, n, start, count):
        self.traces += 1
        data = (source, y, sw)
        validation = self.spec.validation

        def body(i, status, losses, val_losses):
            epoch = start + i
            loss = self._epoch(data, seed, n, epoch)
            val_loss = self._val_loss(data, n) if validation else loss
            finite = tf.math.is_finite(loss)
            if self.early_stop is None:
                status = tf.where(finite, 0, 2)
            else:
                current = val_loss if self.early_stop.monitor == "val_loss" else loss
                stop = tf.cond(finite, lambda: self._early_stop(current, epoch), lambda: tf.constant(False))
                status = tf.where(finite, tf.where(stop, 1, 0), 2)
            return i + 1, status, losses.write(i, loss), val_losses.write(i, val_loss)

        arrays = [tf.TensorArray(tf.float32, size=0, dynamic_size=True) for _ in range(2)]
        _, status, losses, val_losses = tf.while_loop(
            lambda i, status, *_: tf.logical_and(i < count, tf.equal(status, 0)),
            body, (tf.constant(0), tf.constant(0), *arrays),
        )
        with tf.control_dependencies([self.status.assign(status)]):
            return losses.stack(), val_losses.stack()


def fit_compiled(
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    validation_split: float = 0.0,
    sample_weight: np.ndarray | None = None,
    early_stop: EarlyStop | None = None,
    seed: int = 0,
    verbose: int = 0,
    initial_epoch: int = 0,
    window_steps: int | None = None,
    input_shape: tuple | None = None,
    cache_key: Any = None,
    pool: TrainingPool | None = None,
) -> FitResult:
    """Train a compiled Keras ``model`` for ``epochs`` epochs inside one ``tf.function``.

    With ``window_steps``, ``X`` is a series and the windows ``X[i : i + window_steps]``
    (reshaped to ``input_shape``) are gathered per batch instead of materialised.

    With a hashable ``cache_key`` (the architecture and compile settings), the
    traced loop is kept in a small pool, bound to a private copy of the model:
    the next fit with the same key copies its fresh weights in, trains, and
    copies the result back, skipping the tracing (0.3-0.5 s). The number of
    samples is not part of the key: every data length shares one trace.
    ``pool`` defaults to the package's :data:`POOL`.

    Returns the per-epoch history (``loss`` and, with a validation split,
    ``val_loss``), whether the loss became non-finite, and the epoch at which
    early stopping fired. Weights are restored to the best epoch when
    ``early_stop.restore_best_weights`` is set.
    """
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    if early_stop is not None and early_stop.monitor not in ("loss", "val_loss"):
        raise ValueError(
            f"EarlyStopping monitor={early_stop.monitor!r} is not supported by the "
            "compiled loop; use 'loss' or 'val_loss', or fit_loop='keras'."
        )
    n_all = len(X) if window_steps is None else len(y)
    n = _n_train(n_all, validation_split)
    if early_stop is not None and early_stop.monitor == "val_loss" and n == n_all:
        raise ValueError("EarlyStopping(monitor='val_loss') needs validation data: set validation_split.")
    size = int(batch_size or 32)
    spec = LoopSpec(
        x_shape=X.shape[1:],
        y_shape=y.shape[1:],
        batch_size=size,
        shuffle=bool(shuffle) and size < n,
        full_batch=size >= n,
        validation=n < n_all,
        val_in_one_batch=n_all - n <= _EVAL_BATCH,
        early_stop=None if early_stop is None else dataclasses.astuple(early_stop),
        sample_weight=sample_weight is not None,
        window_steps=window_steps,
        input_shape=None if input_shape is None else tuple(input_shape),
        # A full batch (every sample in one step) runs about 25% faster per epoch with its size known to
        # the graph; such fits are small (at most batch_size samples), so they are traced per size.
        n_samples=n_all if size >= n and window_steps is None else None,
        n_train=n if size >= n and window_steps is None else None,
    )
    key = None if cache_key is None else (cache_key, spec)
    pool = POOL if pool is None else pool
    loop = pool.checkout(key)
    if loop is None:
        loop = _CompiledLoop(_clone_compiled(model) if key is not None else model, spec)
        loop.busy.acquire()
    loop.start(model)
    sw = np.zeros(0, np.float32) if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
    args = (tf.convert_to_tensor(X), tf.convert_to_tensor(y), tf.convert_to_tensor(sw),
            tf.constant(int(seed), tf.int32), tf.constant(n, tf.int32))
    try:
        return _run_loop(loop, args, epochs=epochs, verbose=verbose, initial_epoch=initial_epoch)
    finally:
        if loop.model is not model:
            loop.export(model)
        loop.busy.release()
        pool.checkin(key, loop)


def _run_loop(loop: _CompiledLoop, args: tuple, *, epochs: int, verbose: int, initial_epoch: int) -> FitResult:
    history: dict[str, list[float]] = {"loss": []}
    validation = loop.spec.validation
    if validation:
        history["val_loss"] = []
    bar = keras.utils.Progbar(epochs, unit_name="epoch") if verbose else None
    # Python regains control between chunks of epochs, each about _CHUNK_SECONDS long: to move the
    # progress bar, and so that Ctrl-C (KeyboardInterrupt) takes effect within a fraction of a second.
    most = max(1, math.ceil(epochs / 50)) if verbose else epochs
    chunk = min(4, most)
    done = 0
    while done < epochs:
        count = min(chunk, epochs - done)
        started = time.perf_counter()
        losses, val_losses = loop.run(*args, tf.constant(initial_epoch + done, tf.int32), tf.constant(count, tf.int32))
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
        if int(loop.status.numpy()):
            break
    status = int(loop.status.numpy())
    if loop.best_weights is not None and int(loop.best_epoch.numpy()) >= 0:
        for saved, weight in zip(loop.best_weights, loop.weights):
            weight.assign(saved)
    return FitResult(
        history=history,
        diverged=status == 2,
        stopped_epoch=initial_epoch + done - 1 if status == 1 else None,
    )


class TrainingPool:
    """Traced training loops kept for reuse, keyed by architecture and loop settings.

    Tracing a training loop costs 0.2-0.5 s; a pooled loop is bound to a
    private copy of its model, and each fit with the same key copies its
    fresh weights in, trains, and copies the result back. The least recently
    used loop goes first once more than ``size`` are kept; ``size=0`` keeps
    none (every fit traces its own loop). The package's pool is
    :data:`sklstm.training.POOL`, which lives as long as the process: set its
    ``size`` or call :meth:`clear` to release the traced graphs' memory.
    """

    def __init__(self, size: int = 8):
        self.size = size
        self._loops: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._loops)

    def loops(self) -> dict:
        """The pooled loops by key, least recently used first (a copy)."""
        with self._lock:
            return dict(self._loops)

    def clear(self) -> None:
        """Drop every pooled loop."""
        with self._lock:
            self._loops.clear()

    def checkout(self, key: Any) -> _CompiledLoop | None:
        """A pooled loop for ``key``, locked for this fit, or None."""
        if key is None or self.size <= 0:
            return None
        with self._lock:
            loop = self._loops.get(key)
            if loop is None or not loop.busy.acquire(blocking=False):
                return None
            self._loops.move_to_end(key)
            return loop

    def checkin(self, key: Any, loop: _CompiledLoop) -> None:
        """Keep ``loop`` (released by the caller) for the next fit with ``key``."""
        if key is None or self.size <= 0:
            return
        with self._lock:
            self._loops[key] = loop
            self._loops.move_to_end(key)
            while len(self._loops) > self.size:
                self._loops.popitem(last=False)


POOL = TrainingPool()


def _clone_compiled(model: Any) -> Any:
    """A private copy of a compiled model (same layers, loss and optimizer configuration)."""
    trainer = keras.models.clone_model(model)  # its initial weights are replaced by each fit's
    optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
    trainer.compile(optimizer=optimizer, loss=model.loss)
    return trainer


def _copy(sources: list, targets: list) -> None:
    for source, target in zip(sources, targets, strict=True):
        target.assign(source)


class _EpochProgress(keras.callbacks.Callback):
    """One progress bar over the whole ``model.fit``, one tick per epoch."""

    def __init__(self, epochs: int):
        super().__init__()
        self.bar = keras.utils.Progbar(epochs, unit_name="epoch")

    def on_epoch_end(self, epoch, logs=None):
        values = [(k, v) for k, v in (logs or {}).items() if k in ("loss", "val_loss")]
        self.bar.update(epoch + 1, values=values)


def fit_keras(
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    validation_split: float = 0.0,
    sample_weight: np.ndarray | None = None,
    callbacks: list | None = None,
    verbose: int = 0,
    initial_epoch: int = 0,
) -> FitResult:
    """Plain ``model.fit``, with a NaN guard and a whole-fit progress bar."""
    callbacks = list(callbacks or []) + [keras.callbacks.TerminateOnNaN()]
    if verbose:
        callbacks.append(_EpochProgress(epochs))
    hist = model.fit(
        X,
        y,
        epochs=initial_epoch + epochs,
        initial_epoch=initial_epoch,
        batch_size=batch_size,
        shuffle=shuffle,
        validation_split=validation_split,
        sample_weight=sample_weight,
        callbacks=callbacks,
        verbose=0,
    )
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    diverged = not all(math.isfinite(v) for v in history.get("loss", []))
    stopped = getattr(model, "stop_training", False) and not diverged
    return FitResult(
        history=history,
        diverged=diverged,
        stopped_epoch=initial_epoch + len(history.get("loss", [])) - 1 if stopped else None,
    )
