"""How an sklstm estimator builds and trains its network.

:class:`TrainingMixin` builds the Keras model from the architecture's builder
(seeded through :mod:`sklstm._training.seeding`), picks the training loop (the compiled
loop of :mod:`sklstm._training.training`, or ``model.fit`` when callbacks or metrics need
Python every epoch), and retries a fit whose loss diverged with a smaller
learning rate.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from .._compat import route_params

__all__ = ["TrainingMixin"]

_MAX_RETRIES = 2


class TrainingMixin:
    """Building, seeding and training the network of :class:`~sklstm.estimators._base.LSTMRegressorBase`."""

    def _build_keras_model(self):
        params = self._architecture_params()
        params.update(route_params(self.get_params(), destination="model", pass_filter=set(), strict=True))
        meta = {
            "input_shape_": self.input_shape_,
            "n_steps_out_": self.n_steps_out,
            "n_targets_": self.n_targets_,
            "n_steps_in_": self.n_steps_in_,
            "n_series_in_": self.n_series_in_,
        }
        try:
            model = type(self)._builder(meta, **params)
        except ValueError as exc:
            raise ValueError(
                f"{type(self).__name__} cannot build its model for windows of shape "
                f"{self.input_shape_} with {params}: {exc}"
            ) from exc
        try:
            compile_kwargs = self._get_compile_kwargs()
        except (ValueError, TypeError) as exc:
            routed = {
                k: v for k, v in self.get_params().items() if k.split("__", 1)[0] in ("optimizer", "loss", "compile", "metrics")
            }
            raise ValueError(f"{type(self).__name__}: invalid optimizer, loss or compile parameters {routed}: {exc}") from exc
        model.compile(**self._stable_optimizer_name(compile_kwargs))
        return model

    def _stable_optimizer_name(self, compile_kwargs: dict) -> dict:
        """Name the optimizer scikeras made from a string or class by its class, not Keras' numbered name.

        The names of its slot variables derive from it, and every new name adds entries to
        TensorFlow's kernel cache that are never freed (see :mod:`sklstm.estimators._architectures`).
        A user's optimizer instance or ``optimizer__name`` is left as it is.
        """
        optimizer = compile_kwargs.get("optimizer")
        if isinstance(self.optimizer, (str, type)) and "optimizer__name" not in self.get_params():
            config = {**optimizer.get_config(), "name": type(optimizer).__name__.lower()}
            compile_kwargs = {**compile_kwargs, "optimizer": type(optimizer).from_config(config)}
        return compile_kwargs

    def _cache_key(self) -> tuple | None:
        """What determines the traced training graph (not data values, seed or epochs), or None."""
        # The training loop's own settings (batch size, shuffling, validation) are part of its spec.
        skip = {"random_state", "verbose", "epochs", "warm_start", "callbacks", "fit_loop", "validation_split",
                "shuffle", "batch_size"}
        items = []
        for name, value in sorted(self.get_params().items()):
            if name in skip:
                continue
            if not isinstance(value, (str, int, float, bool, type(None), tuple)):
                return None  # e.g. an optimizer instance: no reliable identity
            items.append((name, value))
        return (type(self).__qualname__, tuple(items), self.input_shape_, self.n_steps_out, self.n_targets_)

    def _training_seed(self) -> int | None:
        if self.random_state is None:
            return None
        return int(check_random_state(self.random_state).randint(2**31 - 1))

    def _choose_loop(self, callbacks: list) -> tuple[str, Any, list]:
        from .._tf import keras
        from .._training.training import EarlyStop

        if self.fit_loop == "keras" or keras.backend.backend() != "tensorflow":
            return "keras", None, callbacks
        early = [cb for cb in callbacks if isinstance(cb, keras.callbacks.EarlyStopping)]
        reason = _needs_keras_loop(self.metrics, callbacks, early)
        if reason:
            if self.fit_loop == "compiled":
                raise ValueError(f"fit_loop='compiled' cannot honour {reason}; use fit_loop='auto' or 'keras'.")
            return "keras", None, callbacks
        return "compiled", (EarlyStop.from_callback(early[0]) if early else None), []

    def _train(self, Xe, ye, sample_weight, *, settings: dict, warm: bool, stream: dict | None = None) -> None:
        """Train the network on encoded windows ``Xe`` and scaled residual targets ``ye``.

        A new network is built (seeded) unless ``warm``; a fit whose loss
        becomes non-finite is retried from scratch with a ten times smaller
        learning rate, at most ``_MAX_RETRIES`` times. With ``stream``
        (``window_steps`` and optionally ``window_segments``, ``window_level``),
        ``Xe`` is the scaled series and the windows are gathered in the loop.
        """
        from .._training.training import quiet_tf_logger

        loop, early, callbacks = self._choose_loop(settings["callbacks"])
        if stream and loop != "compiled":
            raise ValueError(
                "Windows streamed from a long series need the compiled loop: use fit_loop='auto' and at most "
                f"one EarlyStopping callback (got fit_loop={self.fit_loop!r}, callbacks={settings['callbacks']})."
            )
        seed = self._training_seed()
        initial_epoch = len(self.history_["loss"]) if warm and hasattr(self, "history_") else 0
        for attempt in range(_MAX_RETRIES + 1):
            with quiet_tf_logger(settings["verbose"]):
                if not warm or attempt:
                    self._new_network(seed, learning_rate_factor=0.1**attempt)
                    initial_epoch = 0
                result = self._run_training(Xe, ye, sample_weight, settings, loop=loop, early=early, callbacks=callbacks,
                                            seed=seed, initial_epoch=initial_epoch, stream=stream)
            if not (result.diverged or self._exploded(result, ye)):
                break
            self._report_divergence(result, attempt)
        if warm and initial_epoch and hasattr(self, "history_"):
            for key, values in result.history.items():
                self.history_.setdefault(key, []).extend(values)
        else:
            self.history_ = result.history
        self.fit_loop_ = loop
        self.stopped_epoch_ = result.stopped_epoch

    def _new_network(self, seed: int | None, learning_rate_factor: float = 1.0) -> None:
        """Build and compile a fresh network; with a seed, redraw its initial weights from it."""
        from .._training.seeding import reseed_weights

        self.model_ = self._build_keras_model()
        if seed is not None:
            reseed_weights(self.model_, seed)
        if learning_rate_factor != 1.0:
            rate = self.model_.optimizer.learning_rate
            self.model_.optimizer.learning_rate = float(np.asarray(rate)) * learning_rate_factor

    def _run_training(self, Xe, ye, sample_weight, settings: dict, *, loop: str, early: Any, callbacks: list,
                      seed: int | None, initial_epoch: int, stream: dict | None) -> Any:
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
            stream = {} if not stream else {**stream, "input_shape": self.input_shape_}
            return fit_compiled(self.model_, Xe, ye, schedule, sample_weight=sample_weight, early_stop=early,
                                seed=fresh_seed() if seed is None else seed, cache_key=self._cache_key(), **stream)
        with global_seed(seed):  # model.fit shuffles with TensorFlow's global generator
            return fit_keras(self.model_, Xe, ye, schedule, sample_weight=sample_weight, callbacks=callbacks)

    def _exploded(self, result: Any, ye: np.ndarray) -> bool:
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
            sample = ye[:: max(1, len(ye) // 2**16)]  # (an array or a tensor) at most 131,072 rows suffice for a scale
            zero_loss = float(np.mean(np.asarray(keras.losses.get(self.loss)(sample, sample * 0.0))))
        except (TypeError, ValueError):  # a loss that cannot score zeros: nothing to compare with
            return False
        floor = max(zero_loss, 1e-2)
        if losses[0] > 1e3 * floor:  # the first epoch's mean already holds a blow-up (mini-batches)
            return losses[-1] > 10.0 * floor
        return losses[-1] > max(10.0 * max(zero_loss, losses[0]), 1e-2)

    def _report_divergence(self, result: Any, attempt: int) -> None:
        """Warn that the loss became non-finite (a retry follows), or raise after the last attempt."""
        lr_now = float(np.asarray(self.model_.optimizer.learning_rate))
        if attempt == _MAX_RETRIES:
            raise RuntimeError(
                f"{type(self).__name__}: training diverged (the loss became NaN or inf, or exploded) "
                f"{_MAX_RETRIES + 1} times, last with learning rate {lr_now:g}. Check the data "
                "for extreme values, keep scaling='minmax', or lower optimizer__learning_rate."
            )
        warnings.warn(
            f"{type(self).__name__}: the loss became non-finite or exploded by epoch "
            f"{len(result.history['loss'])}; retrying with learning rate {lr_now / 10:g}.",
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
