"""The training loop compiled into one TensorFlow graph.

:class:`CompiledLoop` runs many epochs inside one ``tf.function``: full
mini-batch steps, per-epoch shuffling from a stateless seed, a validation
split, early stopping with patience and best-weight restoration, and a stop
on a non-finite loss, all in the graph. The data are arguments of the traced
function (any number of samples), so that one trace serves every data length;
:class:`LoopSpec` is what fixes the graph.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._compat import call_graph, eager_context
from .._tf import tf
from .fused_adam import apply_adam, plain_adam

__all__ = ["CompiledLoop", "EarlyStop", "LoopSpec", "lean_call_options"]

EVAL_BATCH = 8192


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
    window_segments: bool = False
    window_level: int | None = None
    n_samples: int | None = None
    n_train: int | None = None


class CompiledLoop:
    """Holds the graph function and the early-stopping state across chunks.

    The data are arguments of the traced function (with an unknown number of
    samples), not part of the graph. Samples are addressed by index. With
    ``window_steps`` set, ``X`` is the scaled series ``(n_time, n_features)``
    and sample ``i`` is the window ``X[i : i + window_steps]``, gathered batch
    by batch inside the graph and reshaped to ``input_shape``: the windows are
    never materialised. With ``window_segments`` (several series end to end)
    window ``i`` starts at the row its segment assigns it; with
    ``window_level`` its first column is taken relative to the mean of its last rows.

    The loop is written with explicit ``tf.while_loop`` and ``tf.cond`` and
    traced without AutoGraph, whose source transformation was most of the
    cost of a first fit in a process.

    The graph is traced on one model; :meth:`start` binds another of the same
    architecture by handing the graph that model's variable handles in place
    of the captured ones, so a pooled loop trains each fit's own model with no
    copy of weights or optimizer state, and the first fit of an architecture
    needs no private copy of its model.
    """

    def __init__(self, model, spec: LoopSpec):
        self.model = model  # the model the loop is traced on: its variables are the graph's captures
        self.spec = spec
        self.busy = threading.Lock()
        self.early_stop = None if spec.early_stop is None else EarlyStop(*spec.early_stop)
        self.weights = model.trainable_variables
        model.optimizer.build(self.weights)
        self.fused_adam = plain_adam(model.optimizer, self.weights)
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
            tf.TensorSpec([None, 2], tf.int32),  # streamed segments: first row, first window (empty: one series)
            scalar, scalar, scalar, scalar,  # seed, training samples, first epoch, epochs to run
        ]
        self.run = tf.function(self._run, input_signature=signature, autograph=False)
        self.traces = 0
        self.bound = model
        self._captures: list | None = None
        self.lean = not tf.config.list_logical_devices("GPU")  # measured on CPUs only: see lean_call_options

    def compatible(self, model) -> bool:
        """Whether ``model`` has this loop's variables (count, shapes and types), so that it can be bound."""
        own, theirs = _state(self.model), _state(model)
        return len(own) == len(theirs) and all(
            a.shape == b.shape and a.dtype == b.dtype for a, b in zip(own, theirs, strict=True)
        )

    def start(self, model) -> None:
        """Bind ``model`` (a :meth:`compatible` one, its optimizer built) for the next fit; reset the early stopping.

        The traced graph reads and writes ``model``'s own weights and optimizer
        state in place of those of the model it was traced on: nothing is copied.
        """
        self.bound = model
        self._captures = None
        if model is not self.model:
            swap = {id(a.value.handle): b.value.handle for a, b in zip(_state(self.model), _state(model), strict=True)}
            self._captures = [swap.get(id(c), c) for c in self._concrete().captured_inputs]
        self.best.assign(np.inf)
        self.wait.assign(0)
        self.best_epoch.assign(-1)
        self.status.assign(0)

    def __call__(self, *args: Any) -> tuple:
        """Run the traced loop on the bound model: ``(losses, val_losses)`` of the epochs run."""
        concrete = self._concrete()
        captures = concrete.captured_inputs if self._captures is None else self._captures
        context = eager_context()
        options = context.function_call_options  # this thread's, restored below
        if self.lean:
            context.function_call_options = lean_call_options(options)
        try:
            return call_graph(concrete, list(args), captures)  # the graph with other captured variables
        finally:
            context.function_call_options = options

    def _concrete(self) -> Any:
        return self.run.get_concrete_function()

    # ------------------------------------------------------------ traced parts
    def _batch(self, source, y, sw, segments, idx):
        """``(x, y, sample_weight)`` of the samples ``idx``."""
        spec = self.spec
        if spec.window_steps is None:
            x = tf.gather(source, idx)
        else:
            first = idx
            if spec.window_segments:  # several series end to end: window idx of segment s starts at its row
                segment = tf.searchsorted(segments[:, 1], idx, side="right") - 1
                first = tf.gather(segments[:, 0], segment) + idx - tf.gather(segments[:, 1], segment)
            x = tf.gather(source, first[:, tf.newaxis] + tf.range(spec.window_steps)[tf.newaxis, :])
            if spec.window_level is not None:  # the first column relative to the window's level
                level = tf.reduce_mean(x[:, -spec.window_level :, :1], axis=1, keepdims=True)
                x = tf.concat([x[:, :, :1] - level, x[:, :, 1:]], axis=2)
            x = tf.reshape(x, [-1, *spec.input_shape])
        return x, tf.gather(y, idx), (tf.gather(sw, idx) if spec.sample_weight else None)

    def _loss(self, x, y, sw, training):
        pred = self.model(x, training=training)
        return self.model.compute_loss(x=x, y=y, y_pred=pred, sample_weight=sw, training=training)

    def _step(self, batch):
        with tf.GradientTape() as tape:
            loss = self._loss(*batch, True)
        grads = tape.gradient(loss, self.weights)
        replica = tf.distribute.get_replica_context()
        if replica is None or tf.distribute.has_strategy():  # a user's distribution strategy: Keras' own path
            self.model.optimizer.apply(grads, self.weights)
        elif self.fused_adam:
            with tf.control_dependencies([apply_adam(self.model.optimizer, grads, self.weights)]):
                return tf.identity(loss)
        else:
            # With one replica the gradients' all-reduce is the identity, but TensorFlow registers a new
            # custom gradient for it in a process-wide registry at every trace and never removes it (about
            # 5 MB per traced loop). Applied from the cross-replica context, Keras skips that all-reduce.
            replica.merge_call(lambda _strategy: self.model.optimizer.apply(grads, self.weights))
        return loss

    def _epoch(self, data, seed, n, epoch):
        """One pass over the ``n`` training samples; the mean loss."""
        if self.spec.full_batch:  # every training sample, in order (a static count when known)
            return self._step(self._batch(*data, tf.range(self.spec.n_train or n)))
        size = tf.minimum(self.spec.batch_size, n)
        n_batches = (n + size - 1) // size
        # Streamed windows are permuted batch by batch (no index array of every window); others by one argsort.
        streamed = self.spec.window_steps is not None
        order = None
        if self.spec.shuffle and not streamed:
            order = tf.argsort(tf.random.stateless_uniform([n], seed=tf.stack([seed, epoch])))

        def body(b, total):
            if order is not None:
                idx = order[b * size : (b + 1) * size]
            else:
                idx = tf.range(b * size, tf.minimum((b + 1) * size, n))
                if self.spec.shuffle:
                    idx = tf.random.experimental.index_shuffle(idx, tf.stack([seed, epoch]), n - 1)
            loss = self._step(self._batch(*data, idx))
            return b + 1, total + loss * tf.cast(tf.shape(idx)[0], tf.float32)

        _, total = tf.while_loop(lambda b, total: b < n_batches, body, (tf.constant(0), tf.constant(0.0)))
        return total / tf.cast(n, tf.float32)

    def _val_loss(self, data, n):
        n_all = tf.shape(data[1])[0]
        if self.spec.val_in_one_batch:
            return self._loss(*self._batch(*data, tf.range(n, n_all)), False)

        def body(start, total):
            idx = tf.range(start, tf.minimum(start + EVAL_BATCH, n_all))
            loss = self._loss(*self._batch(*data, idx), False)
            return start + EVAL_BATCH, total + loss * tf.cast(tf.shape(idx)[0], tf.float32)

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

    def _run(self, source, y, sw, segments, seed, n, start, count):
        self.traces += 1
        data = (source, y, sw, segments)
        validation = self.spec.validation

        def body(i, status, *arrays):
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
            return i + 1, status, *(array.write(i, value) for array, value in zip(arrays, (loss, val_loss)))

        # The per-epoch losses (and validation losses); each TensorArray costs a few ms to trace and optimise.
        arrays = [tf.TensorArray(tf.float32, size=0, dynamic_size=True) for _ in range(1 + validation)]
        _, status, *arrays = tf.while_loop(
            lambda i, status, *_: tf.logical_and(i < count, tf.equal(status, 0)),
            body, (tf.constant(0), tf.constant(0), *arrays),
        )
        with tf.control_dependencies([self.status.assign(status)]):
            losses = arrays[0].stack()
            return losses, (arrays[1].stack() if validation else losses)


def lean_call_options(options: Any) -> Any:
    """``options`` (a thread's function-call options) with a lighter Grappler pass for the training loop.

    One round of graph optimisation instead of two, and neither the memory
    optimiser nor the remapper, where the user's configuration leaves them at
    their defaults. Grappler runs once, on a loop's first call; measured on
    2 CPU cores (used only where no GPU is visible), on the tutorial's
    setups, a first fit 6-14% faster (vanilla 0.27 -> 0.24 s),
    repeated fits and larger models (LSTM(128), 6,000 windows) the same
    (``benchmarks/README.md``).
    """
    from tensorflow.core.protobuf import config_pb2, rewriter_config_pb2

    config = config_pb2.ConfigProto()
    config.ParseFromString(options.config_proto_serialized)
    rewrite, rewriter = config.graph_options.rewrite_options, rewriter_config_pb2.RewriterConfig
    if rewrite.meta_optimizer_iterations == rewriter.DEFAULT_NUM_ITERS:
        rewrite.meta_optimizer_iterations = rewriter.ONE
    if rewrite.memory_optimization == rewriter.DEFAULT_MEM_OPT:
        rewrite.memory_optimization = rewriter.NO_MEM_OPT
    if rewrite.remapping == rewriter.DEFAULT:
        rewrite.remapping = rewriter.OFF
    return type(options)(executor_type=options.executor_type, config_proto=config)


def _state(model) -> list:
    """A compiled model's variables and its optimizer's, in the order both are created."""
    return [*model.variables, *model.optimizer.variables]
