"""The compiled training loop, and its plain ``model.fit`` fallback.

On small data a Keras ``fit`` spends almost all its time in per-epoch Python
and data-iterator overhead. :func:`fit_compiled` instead runs many epochs
inside one ``tf.function``: full mini-batch steps, per-epoch shuffling from
a stateless seed, a validation split, early stopping with patience and
best-weight restoration, and a stop on a non-finite loss, all in the graph.
Python only regains control between chunks of epochs, to move the progress
bar. :func:`fit_keras` is the plain ``model.fit`` path, used when callbacks
need Python every epoch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import os
import random
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._tf import keras, tf

__all__ = ["EarlyStop", "FitResult", "fit_compiled", "fit_keras", "seeded"]


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


_SEED_LOCK = threading.RLock()


@contextlib.contextmanager
def seeded(seed: int | None):
    """Seed Python, numpy, TensorFlow and Keras; restore Python's and numpy's state after.

    Keras draws weight-initialiser seeds from Python's ``random``, so a seeded
    build is repeatable. The global generators are shared by every thread, so
    seeded sections are serialised with a lock (schedulers such as Dask may
    run several fits in one process at once). TensorFlow op determinism is
    *not* switched on: the compiled loop uses stateless random ops only.
    """
    with _SEED_LOCK:
        if seed is None:
            yield
            return
        from keras.src.backend import random as keras_random
        from keras.src.random import seed_generator

        # Keras draws initialiser seeds from the *global* ``random`` module, which other threads
        # of the process (a Dask worker's event loop, say) may also draw from mid-build. Give the
        # build a private generator with the same sequence instead.
        private = random.Random(int(seed))
        saved = keras_random.make_default_seed, seed_generator.make_default_seed
        py_state, np_state = random.getstate(), np.random.get_state()
        try:
            keras.utils.set_random_seed(int(seed))
            keras_random.make_default_seed = seed_generator.make_default_seed = lambda: private.randint(1, int(1e9))
            yield
        finally:
            keras_random.make_default_seed, seed_generator.make_default_seed = saved
            random.setstate(py_state)
            np.random.set_state(np_state)


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


class _CompiledLoop:
    """Holds the graph function and the early-stopping state across chunks.

    Samples are addressed by index. With ``window_steps`` set, ``X`` is the
    scaled series ``(n_time, n_features)`` and sample ``i`` is the window
    ``X[i : i + window_steps]``, gathered batch by batch inside the graph and
    reshaped to ``input_shape``: the windows are never materialised.
    """

    def __init__(self, model, X, y, sw, *, validation_split, batch_size, shuffle, seed, early_stop,
                 window_steps=None, input_shape=None, poolable=False):
        self.model = model
        # A pooled loop keeps data and seed in variables, to be reused with new values; otherwise
        # plain tensors, which can share the numpy buffers (no copy of a long series).
        hold = (lambda a: tf.Variable(a, trainable=False)) if poolable else tf.convert_to_tensor
        self.source = hold(np.asarray(X, dtype=np.float32))
        self.y = hold(np.asarray(y, dtype=np.float32))
        self.sw = None if sw is None else hold(np.asarray(sw, dtype=np.float32))
        self.busy = threading.Lock()
        self.window_steps = window_steps
        if window_steps is not None:
            self.window_offsets = tf.range(window_steps)
            self.input_shape = [-1, *input_shape]
        n_all = int(self.y.shape[0])
        self.n = _n_train(n_all, validation_split)
        self.n_val = n_all - self.n
        self.val = self.n_val > 0
        self.batch_size = min(int(batch_size), self.n)
        self.n_batches = -(-self.n // self.batch_size)
        self.shuffle = bool(shuffle) and self.n_batches > 1
        self.seed = tf.Variable(int(seed), dtype=tf.int32, trainable=False) if poolable else tf.constant(int(seed))
        self.early_stop = early_stop
        if early_stop is not None and early_stop.monitor not in ("loss", "val_loss"):
            raise ValueError(
                f"EarlyStopping monitor={early_stop.monitor!r} is not supported by the "
                "compiled loop; use 'loss' or 'val_loss', or fit_loop='keras'."
            )
        if early_stop is not None and early_stop.monitor == "val_loss" and not self.val:
            raise ValueError(
                "EarlyStopping(monitor='val_loss') needs validation data: set validation_split."
            )
        self.weights = model.trainable_variables
        model.optimizer.build(self.weights)
        self.best = tf.Variable(np.inf, dtype=tf.float32, trainable=False)
        self.wait = tf.Variable(0, dtype=tf.int32, trainable=False)
        self.best_epoch = tf.Variable(-1, dtype=tf.int32, trainable=False)
        self.status = tf.Variable(0, dtype=tf.int32, trainable=False)  # 1 stop, 2 diverged
        restore = early_stop is not None and early_stop.restore_best_weights
        self.best_weights = (
            [tf.Variable(w, trainable=False) for w in self.weights] if restore else None
        )
        self.run = tf.function(self._run)

    def load(self, model, X, y, sw, seed) -> None:
        """Start a new fit: data, seed, ``model``'s initial weights and optimizer state."""
        self.source.assign(np.asarray(X, dtype=np.float32))
        self.y.assign(np.asarray(y, dtype=np.float32))
        if self.sw is not None:
            self.sw.assign(np.asarray(sw, dtype=np.float32))
        self.seed.assign(int(seed))
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

    def _batch(self, idx):
        """``(x, y, sample_weight)`` of the samples ``idx``."""
        if self.window_steps is None:
            x = tf.gather(self.source, idx)
        else:
            rows = idx[:, tf.newaxis] + self.window_offsets[tf.newaxis, :]
            x = tf.reshape(tf.gather(self.source, rows), self.input_shape)
        sw = None if self.sw is None else tf.gather(self.sw, idx)
        return x, tf.gather(self.y, idx), sw

    def _val_loss(self):
        if self.n_val <= _EVAL_BATCH:
            return self._loss(*self._batch(tf.range(self.n, self.n + self.n_val)), False)
        total = tf.constant(0.0)
        for b in tf.range(-(-self.n_val // _EVAL_BATCH)):
            idx = tf.range(self.n + b * _EVAL_BATCH, tf.minimum(self.n + (b + 1) * _EVAL_BATCH, self.n + self.n_val))
            total += self._loss(*self._batch(idx), False) * tf.cast(tf.shape(idx)[0], tf.float32)
        return total / self.n_val

    @tf.autograph.experimental.do_not_convert
    def _loss(self, x, y, sw, training):
        pred = self.model(x, training=training)
        return self.model.compute_loss(x=x, y=y, y_pred=pred, sample_weight=sw, training=training)

    @tf.autograph.experimental.do_not_convert
    def _apply(self, grads):
        self.model.optimizer.apply(grads, self.weights)

    def _epoch(self, epoch):
        if self.shuffle:
            noise = tf.random.stateless_uniform([self.n], seed=tf.stack([self.seed, epoch]))
            order = tf.argsort(noise)
        else:
            order = tf.range(self.n)
        if self.n_batches == 1:  # full batch: no inner loop to trace
            return self._step(*self._batch(order))
        total = tf.constant(0.0)
        for b in tf.range(self.n_batches):
            idx = order[b * self.batch_size : (b + 1) * self.batch_size]
            loss = self._step(*self._batch(idx))
            total += loss * tf.cast(tf.shape(idx)[0], tf.float32)
        return total / self.n

    def _step(self, xb, yb, swb):
        with tf.GradientTape() as tape:
            loss = self._loss(xb, yb, swb, True)
        self._apply(tape.gradient(loss, self.weights))
        return loss

    def _run(self, start, count):
        losses = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        val_losses = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(count):
            epoch = start + i
            loss = self._epoch(epoch)
            val_loss = self._val_loss() if self.val else loss
            losses = losses.write(i, loss)
            val_losses = val_losses.write(i, val_loss)
            if not tf.math.is_finite(loss):
                self.status.assign(2)
                break
            if self.early_stop is not None:
                current = val_loss if self.early_stop.monitor == "val_loss" else loss
                if current < self.best - self.early_stop.min_delta:
                    self.best.assign(current)
                    self.wait.assign(0)
                    self.best_epoch.assign(epoch)
                    if self.best_weights is not None:
                        for saved, weight in zip(self.best_weights, self.weights):
                            saved.assign(weight)
                else:
                    self.wait.assign_add(1)
                    if self.wait >= max(self.early_stop.patience, 1):
                        self.status.assign(1)
                        break
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
) -> FitResult:
    """Train a compiled Keras ``model`` for ``epochs`` epochs inside one ``tf.function``.

    With ``window_steps``, ``X`` is a series and the windows ``X[i : i + window_steps]``
    (reshaped to ``input_shape``) are gathered per batch instead of materialised.

    With a hashable ``cache_key`` (the architecture and compile settings), the
    traced loop is kept in a small pool, bound to a private copy of the model:
    the next fit with the same key and data shapes copies its fresh weights in,
    trains, and copies the result back, skipping the ~0.2-0.5 s of tracing.

    Returns the per-epoch history (``loss`` and, with a validation split,
    ``val_loss``), whether the loss became non-finite, and the epoch at which
    early stopping fired. Weights are restored to the best epoch when
    ``early_stop.restore_best_weights`` is set.
    """
    config = dict(
        validation_split=validation_split,
        batch_size=batch_size or 32,
        shuffle=shuffle,
        seed=seed,
        early_stop=early_stop,
        window_steps=window_steps,
        input_shape=input_shape,
    )
    key = None
    if cache_key is not None and np.asarray(X).nbytes <= _POOL_MAX_BYTES:
        static = {k: v for k, v in config.items() if k != "seed"}
        static["early_stop"] = None if early_stop is None else dataclasses.astuple(early_stop)
        key = (cache_key, np.shape(X), np.shape(y), sample_weight is None, tuple(sorted(static.items())))
    loop = _checkout(key)
    if loop is None:
        trainer = _clone_compiled(model) if key is not None else model
        loop = _CompiledLoop(trainer, X, y, sample_weight, poolable=key is not None, **config)
        loop.busy.acquire()
    if loop.model is not model:
        loop.load(model, X, y, sample_weight, seed)
    try:
        return _run_loop(loop, model, epochs=epochs, verbose=verbose, initial_epoch=initial_epoch)
    finally:
        if loop.model is not model:
            loop.export(model)
        loop.busy.release()
        if key is not None and _POOL_SIZE > 0:
            _checkin(key, loop)


def _run_loop(loop: _CompiledLoop, model: Any, *, epochs: int, verbose: int, initial_epoch: int) -> FitResult:
    history: dict[str, list[float]] = {"loss": []}
    if loop.val:
        history["val_loss"] = []
    bar = keras.utils.Progbar(epochs, unit_name="epoch") if verbose else None
    chunk = epochs if not verbose else max(1, math.ceil(epochs / 50))
    done = 0
    while done < epochs:
        count = min(chunk, epochs - done)
        losses, val_losses = loop.run(
            tf.constant(initial_epoch + done, tf.int32), tf.constant(count, tf.int32)
        )
        losses = losses.numpy().tolist()
        history["loss"] += losses
        if loop.val:
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


_POOL: OrderedDict = OrderedDict()
_POOL_SIZE = int(os.environ.get("SKLSTM_TRAINING_POOL", "8"))  # 0 switches pooling off
_POOL_LOCK = threading.Lock()
_POOL_MAX_BYTES = 2**25  # larger training sets are not pooled: the pool would keep their data alive


def _checkout(key: Any) -> _CompiledLoop | None:
    """A pooled loop for ``key``, locked for this fit, or None."""
    if key is None or _POOL_SIZE <= 0:
        return None
    with _POOL_LOCK:
        loop = _POOL.get(key)
        if loop is None or not loop.busy.acquire(blocking=False):
            return None
        _POOL.move_to_end(key)
        return loop


def _checkin(key: Any, loop: _CompiledLoop) -> None:
    with _POOL_LOCK:
        _POOL[key] = loop
        _POOL.move_to_end(key)
        while len(_POOL) > _POOL_SIZE:
            _POOL.popitem(last=False)


def _clone_compiled(model: Any) -> Any:
    """A private copy of a compiled model (same layers, loss and optimizer configuration)."""
    with _SEED_LOCK:  # the clone's initialisers draw from the global generators
        trainer = keras.models.clone_model(model)
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
