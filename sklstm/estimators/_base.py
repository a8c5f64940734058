"""The one scikit-learn / scikeras adapter every sklstm estimator inherits.

scikeras 0.13.0 is its last release. Its ``KerasRegressor`` puts
``RegressorMixin`` on the wrong side of the base class and declares tags only
through ``_more_tags``, so scikit-learn >= 1.6 does not see it as a
regressor. This module keeps scikeras' machinery (routed ``model__`` /
``optimizer__`` / ``compile__`` parameters, the build function that receives
``meta``, feature and target encoders, pickling of Keras models) and fixes
the rest in one place:

* ``class LSTMRegressorBase(..., RegressorMixin, BaseWrapper)``: mixins on the left;
* ``__sklearn_tags__`` (and ``_more_tags`` for scikit-learn 1.6.x), without
  patching scikeras' classes for their other users;
* the public ``fit``, ``partial_fit`` and ``predict``, with one fit at a time
  per instance and no half-trained state after a failed fit.

Each other concern is a mixin in its own module: parameters
(:mod:`sklstm.estimators._parameters`), inputs (:mod:`sklstm.estimators._inputs`), building and
training the network (:mod:`sklstm.estimators._fitting`), long series
(:mod:`sklstm.estimators._streaming`); the linear baseline is :mod:`sklstm.estimators._baseline`.

Replacing scikeras means replacing this module only; the architectures and
estimators do not import it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .. import _tf  # noqa: F401  (TensorFlow before scikeras imports it)
from .._guards import one_fit_at_a_time
from ..preprocessing._reshaping import SequenceReshaper
from ..preprocessing._scaling import TargetScaler
from ..preprocessing._windows import SeriesWindows
from ._baseline import WindowRidge
from ._fitting import TrainingMixin
from ._inputs import InputMixin
from ._parameters import COMMON_CONSTRAINTS, PREDICT_BATCH, ParameterMixin, shared_parameters
from ._streaming import StreamingMixin

from scikeras.wrappers import BaseWrapper  # noqa: E402  isort: skip

__all__ = ["LSTMRegressorBase", "shared_parameters"]

# One compiled inference function per fitted Keras model, kept outside the
# estimator so that predict does not change the estimator's state; an entry
# lives as long as its model.
_PREDICT_FNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _predict_function(model: Any, input_shape: tuple) -> Any:
    """``model``'s compiled inference function, traced once for any number of windows."""
    predict_fn = _PREDICT_FNS.get(model)
    if predict_fn is None:
        from .._tf import tf

        ref = weakref.ref(model)
        signature = [tf.TensorSpec([None, *input_shape], tf.float32)]
        predict_fn = tf.function(lambda x: ref()(x, training=False), input_signature=signature)
        _PREDICT_FNS[model] = predict_fn
    return predict_fn


class LSTMRegressorBase(ParameterMixin, InputMixin, TrainingMixin, StreamingMixin, RegressorMixin, BaseWrapper):
    """Shared behaviour of the sklstm estimators; subclasses set ``_builder``.

    A subclass names its builder (a function of :mod:`sklstm.estimators._architectures`)
    in ``_builder``, takes its own hyperparameters in an explicit keyword-only
    ``__init__`` that stores them, and passes everything else to this
    ``__init__``: the training parameters every estimator shares, and routed
    parameters (``model__``, ``optimizer__``, ...) as extra keywords, checked
    in ``fit``. ``get_params`` reads both signatures.
    """

    _builder: Callable[..., Any]
    _reshaper: type = SequenceReshaper
    _parameter_constraints: dict = COMMON_CONSTRAINTS

    def __init__(
        self,
        *,
        n_steps_out: int = 1,
        epochs: int = 200,
        batch_size: int | None = None,
        optimizer: Any = "adam",
        loss: Any = "mse",
        metrics: list | None = None,
        scaling: str | None = "minmax",
        lag_order: str = "oldest_first",
        linear_baseline: bool = True,
        validation_split: float = 0.0,
        shuffle: bool = True,
        callbacks: list | None = None,
        fit_loop: str = "auto",
        warm_start: bool = False,
        random_state: Any = None,
        verbose: int = 0,
        **kwargs: Any,
    ):
        # Stored as given, validated in fit (scikit-learn's rule), grouped by what they set.
        self.n_steps_out, self.epochs, self.batch_size = n_steps_out, epochs, batch_size
        self.optimizer, self.loss, self.metrics = optimizer, loss, metrics
        self.scaling, self.lag_order, self.linear_baseline = scaling, lag_order, linear_baseline
        self.validation_split, self.shuffle, self.callbacks = validation_split, shuffle, callbacks
        self.fit_loop, self.warm_start = fit_loop, warm_start
        self.random_state, self.verbose = random_state, verbose
        vars(self).update(kwargs)  # routed (or misspelt) parameters, checked in fit

    __repr__ = BaseEstimator.__repr__

    # ----------------------------------------------------------- persistence
    def __getstate__(self) -> dict:
        """The estimator's state with the Keras model as the bytes of a ``.keras`` archive (a uint8 array).

        Plain data, so that pickle, joblib and ``skops.io`` store it alike.
        """
        state = super().__getstate__()
        if state.get("model_") is not None:
            from .._compat import pack_keras_model

            state = {**state, "model_": pack_keras_model(state["model_"])}
        return state

    def __setstate__(self, state: dict) -> None:
        if isinstance(state.get("model_"), np.ndarray):
            from .._compat import unpack_keras_model
            from . import _layers as layers  # noqa: F401  (registers sklstm's own Keras layers for loading)

            state = {**state, "model_": unpack_keras_model(state["model_"])}
        super().__setstate__(state)

    # Checks a float32 network trained by mini-batch gradient descent cannot honestly pass.
    _expected_failed_checks = {
        "check_sample_weight_equivalence_on_dense_data": (
            "gradient training: a sample weight of 2 is not the same as repeating the sample"
        ),
        "check_estimator_tags_renamed": (
            "scikeras' BaseWrapper (0.13.0, its last release) defines only _more_tags; sklstm's classes define "
            "__sklearn_tags__ and do not patch scikeras for its other users"
        ),
    }

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.target_tags.required = True
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = True
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"multioutput": True, "poor_score": True, "requires_y": True}

    # ------------------------------------------------------------------- fit
    def fit(self, X: Any, y: Any, sample_weight: Any = None, **fit_params) -> LSTMRegressorBase:
        """Fit the network on windows ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, n_features)
            Input windows; 2-D is read as univariate windows.
        y : array-like of shape (n_samples,) or (n_samples, n_steps_out * n_targets)
            Targets, flattened step-major as :func:`sklstm.make_windows` returns them.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **fit_params : dict
            Training settings for this call only: ``epochs``, ``batch_size``,
            ``shuffle``, ``validation_split``, ``verbose`` (they override the
            parameters and routed ``fit__<name>`` parameters) and
            ``callbacks`` (added to the others). Anything else is an error.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        settings = self._fit_settings(fit_params)
        return self._fit(X, y, sample_weight, settings=settings, warm=self.warm_start and hasattr(self, "model_"))

    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> LSTMRegressorBase:
        """Train for one more epoch, keeping the model, scaling and history."""
        self._validate_params()
        return self._fit(X, y, sample_weight, settings=self._fit_settings({"epochs": 1}), warm=hasattr(self, "model_"))

    def _fit(self, X: Any, y: Any, sample_weight: Any, *, settings: dict, warm: bool) -> LSTMRegressorBase:
        with one_fit_at_a_time(self):
            try:
                return self._fit_once(X, y, sample_weight, settings=settings, warm=warm)
            except BaseException:  # an error or Ctrl-C: never leave a half-trained model that looks fitted
                if not warm:
                    for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
                        delattr(self, name)
                raise

    def initialize(self, X: Any, y: Any) -> LSTMRegressorBase:
        """Fit the scaling and the linear baseline and build the network, without training it (scikeras' ``initialize``).

        ``predict`` then works (the untrained network adds little to the
        baseline); a later ``fit`` starts over unless ``warm_start=True``.
        """
        self._validate_params()
        if isinstance(X, SeriesWindows):
            raise ValueError("initialize takes windows as an array; streamed windows (SeriesWindows) are for fit.")
        with one_fit_at_a_time(self):
            self._prepare(X, y, None, warm=False)
            self._new_network(self._training_seed())
            self.history_, self.fit_loop_, self.stopped_epoch_, self.streamed_ = {"loss": []}, None, None, False
        return self

    def _fit_once(self, X: Any, y: Any, sample_weight: Any, *, settings: dict, warm: bool) -> LSTMRegressorBase:
        if isinstance(X, SeriesWindows):
            return self._fit_streaming(X, y, sample_weight, settings=settings, warm=warm)
        Xe, ye, sample_weight = self._prepare(X, y, sample_weight, warm=warm)
        self._train(Xe, ye, sample_weight, settings=settings, warm=warm)
        self.streamed_ = False
        return self

    def _prepare(self, X: Any, y: Any, sample_weight: Any, *, warm: bool) -> tuple[np.ndarray, np.ndarray, Any]:
        """Validate, fit the encoders and the baseline (unless ``warm``); the encoded windows and residual targets."""
        seq, y2 = self._validate_Xy(X, y, reset=not warm)
        if sample_weight is not None:
            from sklearn.utils.validation import _check_sample_weight

            sample_weight = _check_sample_weight(sample_weight, seq, dtype=np.float64, ensure_non_negative=True)
            if not np.any(sample_weight):
                raise ValueError("sample_weight is zero for every sample; there is nothing to fit.")
        if not warm:
            self.feature_encoder_ = self._make_feature_encoder().fit(seq)
            self.target_encoder_ = TargetScaler(self.scaling, self.n_targets_).fit(y2)
        Xe = np.asarray(self.feature_encoder_.transform(seq), dtype=np.float32)
        ye = self.target_encoder_.transform(y2)
        if not warm:
            self.baseline_ = self._fit_baseline(Xe, ye, sample_weight)
        self.input_shape_ = tuple(Xe.shape[1:])
        return Xe, np.asarray(ye - self._baseline(Xe), dtype=np.float32), sample_weight

    def _fit_baseline(self, Xe: np.ndarray, ye: np.ndarray, sample_weight: Any) -> WindowRidge | None:
        """Ridge regression (alpha by leave-one-out) on the scaled windows, or None."""
        return WindowRidge().fit(Xe, ye, sample_weight) if self.linear_baseline else None

    def _baseline(self, Xe: np.ndarray) -> np.ndarray:
        if getattr(self, "baseline_", None) is None:
            return 0.0
        return self.baseline_.predict(Xe)

    def export_model(self) -> Any:
        """The whole predictor (scaling, reshaping, baseline, network) as one Keras model.

        See :func:`sklstm.estimators._export.export_model`: windows ``(samples, n_steps_in_,
        n_series_in_)`` in, ``predict``'s outputs ``(samples, n_steps_out *
        n_targets_)`` out. ``model_`` alone predicts only the scaled residual.
        """
        from ._export import export_model

        return export_model(self)

    # --------------------------------------------------------------- predict
    def _predict_encoded(self, Xe: np.ndarray, batch: int = PREDICT_BATCH) -> np.ndarray:
        from .._tf import tf
        from .._training.training import quiet_tf_logger

        Xe = np.asarray(Xe, dtype=np.float32)
        predict_fn = _predict_function(self.model_, Xe.shape[1:])
        with quiet_tf_logger(self.verbose):
            outs = [
                predict_fn(tf.convert_to_tensor(Xe[i : i + batch])).numpy()
                for i in range(0, len(Xe), batch)
            ]
        out = np.concatenate(outs) if outs else np.empty((0, self.n_steps_out * self.n_targets_))
        return np.asarray(out, dtype=np.float64)

    def predict(self, X: Any, **predict_params) -> np.ndarray:
        """Predict the targets of windows ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, n_features)
            Input windows, as in :meth:`fit`.
        **predict_params : dict
            ``batch_size``: windows per inference call (overrides a routed
            ``predict__batch_size``; default 8192). Anything else is an error.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_steps_out * n_targets)
            Same layout as the ``y`` passed to :meth:`fit`; use
            :meth:`predict_steps` for ``(n_samples, n_steps_out, n_targets)``.
        """
        batch = self._predict_batch(predict_params)
        if isinstance(X, SeriesWindows):
            check_is_fitted(self, "model_")
            return self._predict_streaming(X, batch)
        Xe = self._encode(X)
        out = self.target_encoder_.inverse_transform(self._predict_encoded(Xe, batch) + self._baseline(Xe))
        if not np.all(np.isfinite(out)):
            raise RuntimeError(
                f"{type(self).__name__} produced non-finite predictions; the input windows are "
                "probably far outside the training range."
            )
        return out[:, 0] if self.y_ndim_ == 1 else out

    def predict_steps(self, X: Any, **predict_params) -> np.ndarray:
        """Predict as a ``(n_samples, n_steps_out, n_targets)`` array (``predict_params`` as in :meth:`predict`)."""
        out = self.predict(X, **predict_params)
        return out.reshape(len(out), self.n_steps_out, self.n_targets_)
