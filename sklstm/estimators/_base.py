"""The one scikit-learn / scikeras adapter every sklstm estimator inherits.

scikeras 0.13.0 is its last release. Its ``KerasRegressor`` puts
``RegressorMixin`` on the wrong side of the base class and declares tags only
through ``_more_tags``, so scikit-learn >= 1.6 does not see it as a
regressor. This module keeps scikeras' machinery (routed ``model__`` /
``optimizer__`` / ``compile__`` parameters, the build function that receives
``meta``, feature and target encoders, pickling of Keras models) and fixes
the rest in one place:

* ``class LSTMRegressorBase(RegressorMixin, BaseWrapper)``: scikit-learn's mixin on the left;
* ``__sklearn_tags__`` (and ``_more_tags`` for scikit-learn 1.6.x), without
  patching scikeras' classes for their other users;
* the public ``fit``, ``partial_fit`` and ``predict``, with one fit at a time
  per instance and no half-trained state after a failed fit.

``fit`` reads as its steps, each a function of another module that takes what
it needs and returns what it made: check the parameters and this fit's
settings (:mod:`~sklstm.estimators._parameters`), validate the windows, prepare
the inputs (scaling and linear baseline: :func:`~sklstm.estimators._inputs.prepare_dense`,
or :func:`~sklstm.estimators._streaming.prepare_streamed` for a long series),
build and train the network (:func:`~sklstm.estimators._fitting.train_network`),
then store every fitted attribute in one place (``_store``).

Replacing scikeras means replacing this module only; the architectures and
estimators do not import it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _tf  # noqa: F401  (TensorFlow before scikeras imports it)
from .._compat import compile_keywords
from .._guards import one_fit_at_a_time
from .._training.inference import INFERENCE
from ..preprocessing._reshaping import ColumnLayout, SequenceReshaper
from ..preprocessing._windows import SeriesWindows
from ._fitting import NetworkSpec, Training, build_network, cache_key, train_network
from ._inputs import (
    Encoding,
    Inputs,
    baseline_of,
    check_finite,
    check_ids,
    check_not_text,
    check_targets,
    check_windows,
    encode_windows,
    input_types,
    prepare_dense,
    stream_when_too_large,
)
from ._parameters import (
    COMMON_CONSTRAINTS,
    PREDICT_BATCH,
    check_compile_params,
    check_params,
    fit_settings,
    is_routed,
    param_defaults,
    predict_batch,
    shared_parameters,
)
from ._streaming import predict_streamed, prepare_streamed

from scikeras.wrappers import BaseWrapper  # noqa: E402  isort: skip

__all__ = ["LSTMRegressorBase", "shared_parameters"]


class LSTMRegressorBase(RegressorMixin, BaseWrapper):
    """Shared behaviour of the sklstm estimators; subclasses set ``_builder``.

    A subclass names its builder (a function of :mod:`sklstm.estimators._architectures`)
    in ``_builder``, takes its own hyperparameters in an explicit keyword-only
    ``__init__`` that stores them, and passes everything else to this
    ``__init__``: the training parameters every estimator shares, and routed
    parameters (``model__``, ``optimizer__``, ...) as extra keywords, checked
    in ``fit``. ``get_params`` reads both signatures.

    Parameters
    ----------
    **kwargs : dict
        The shared training parameters (``n_steps_out``, ``epochs``,
        ``batch_size``, ``optimizer``, ``loss``, ``metrics``, ``scaling``,
        ``lag_order``, ``linear_baseline``, ``validation_split``, ``shuffle``,
        ``callbacks``, ``fit_loop``, ``warm_start``, ``random_state``,
        ``verbose``, ``id_embedding``) and routed parameters, documented on each estimator.
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
        id_embedding: tuple[int, int] | None = None,
        **kwargs: Any,
    ):
        # Stored as given, validated in fit (scikit-learn's rule), grouped by what they set.
        self.n_steps_out, self.epochs, self.batch_size = n_steps_out, epochs, batch_size
        self.optimizer, self.loss, self.metrics = optimizer, loss, metrics
        self.scaling, self.lag_order, self.linear_baseline = scaling, lag_order, linear_baseline
        self.validation_split, self.shuffle, self.callbacks = validation_split, shuffle, callbacks
        self.fit_loop, self.warm_start = fit_loop, warm_start
        self.random_state, self.verbose = random_state, verbose
        self.id_embedding = id_embedding
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

    # ------------------------------------------------------------ parameters
    @classmethod
    def _param_defaults(cls) -> dict[str, Any]:
        """Every named parameter of the ``__init__`` methods of ``cls`` and its sklstm bases, with its default."""
        return param_defaults(cls, LSTMRegressorBase)

    def _get_param_names(self) -> list[str]:
        known = self._param_defaults()
        routed = [k for k in vars(self) if not k.startswith("_") and not k.endswith("_") and k not in known]
        return sorted(known) + sorted(routed)

    def _validate_params(self) -> None:
        """Validate every parameter; raise one error that lists every problem."""
        check_params(type(self).__name__, self.get_params(deep=False), self._parameter_constraints,
                     set(self._param_defaults()))

    def set_params(self, **params) -> Any:
        """Set parameters, including routed ones such as ``optimizer__learning_rate``.

        Parameters
        ----------
        **params : dict
            Parameter names (routed ones included) and their values.

        Returns
        -------
        self : object
        """
        for name, value in params.items():
            if is_routed(name):
                setattr(self, name, value)
            else:
                BaseEstimator.set_params(self, **{name: value})
        return self

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
        settings = fit_settings(type(self).__name__, self.get_params(), fit_params)
        return self._fit(X, y, sample_weight, settings=settings, warm=self.warm_start and hasattr(self, "model_"))

    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> LSTMRegressorBase:
        """Train for one more epoch, keeping the model, scaling and history.

        Parameters
        ----------
        X, y, sample_weight
            As for :meth:`fit`.

        Returns
        -------
        self : object
        """
        self._validate_params()
        settings = fit_settings(type(self).__name__, self.get_params(), {"epochs": 1})
        return self._fit(X, y, sample_weight, settings=settings, warm=hasattr(self, "model_"))

    def _fit(self, X: Any, y: Any, sample_weight: Any, *, settings: dict, warm: bool) -> LSTMRegressorBase:
        with one_fit_at_a_time(self):
            try:
                return self._fit_once(X, y, sample_weight, settings=settings, warm=warm)
            except BaseException:  # an error or Ctrl-C: never leave a half-trained model that looks fitted
                if not warm:
                    for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
                        delattr(self, name)
                raise

    def _fit_once(self, X: Any, y: Any, sample_weight: Any, *, settings: dict, warm: bool) -> LSTMRegressorBase:
        """Prepare the inputs (dense or streamed), train the network, store the fitted attributes."""
        inputs = self._prepare(X, y, sample_weight, warm=warm)
        spec = self._network_spec(inputs.fitted)
        training = train_network(spec, inputs, settings, fit_loop=self.fit_loop, metrics=self.metrics,
                                 seed=self._training_seed(), model=self.model_ if warm else None,
                                 history=getattr(self, "history_", None) if warm else None)
        self._store(inputs, training)
        return self

    def initialize(self, X: Any, y: Any) -> LSTMRegressorBase:
        """Fit the scaling and the linear baseline and build the network, without training it (scikeras' ``initialize``).

        ``predict`` then works (the untrained network adds little to the
        baseline); a later ``fit`` starts over unless ``warm_start=True``.

        Parameters
        ----------
        X, y
            Windows and targets, as for :meth:`fit` (not streamed).

        Returns
        -------
        self : object
        """
        self._validate_params()
        if isinstance(X, SeriesWindows):
            raise ValueError("initialize takes windows as an array; streamed windows (SeriesWindows) are for fit.")
        with one_fit_at_a_time(self):
            inputs = self._prepare(X, y, None, warm=False)
            model = build_network(self._network_spec(inputs.fitted), self._training_seed())
            self._store(inputs, Training(model, {"loss": []}, None, None))
        return self

    def _encoding(self) -> Encoding:
        reshaper = self._reshaper(n_seq=self.n_seq) if "n_seq" in self._param_defaults() else self._reshaper()
        return Encoding(self.scaling, reshaper, self.linear_baseline, self.id_embedding)

    def _prepare(self, X: Any, y: Any, sample_weight: Any, *, warm: bool) -> Inputs:
        """Validate ``X`` and ``y``; the network's inputs, with the encoders and baseline of the last fit if ``warm``."""
        fitted = None
        if warm:
            fitted = {name: getattr(self, name) for name in ("feature_encoder_", "target_encoder_", "baseline_",
                                                               "n_steps_in_", "n_series_in_", "n_targets_")}
        if not isinstance(X, SeriesWindows) and self.lag_order == "oldest_first":
            X = stream_when_too_large(X)
        if isinstance(X, SeriesWindows):
            check_ids(X.series, self.id_embedding, type(self).__name__)
            return prepare_streamed(X, y, sample_weight, encoding=self._encoding(), n_steps_out=self.n_steps_out,
                                    fitted=fitted, owner=type(self).__name__)
        seq, y2, state = self._validate_Xy(X, y, reset=not warm)
        check_ids(seq, self.id_embedding, type(self).__name__)
        if sample_weight is not None:
            from .._compat import check_sample_weight

            sample_weight = check_sample_weight(sample_weight, seq)
            if not np.any(sample_weight):
                raise ValueError("sample_weight is zero for every sample; there is nothing to fit.")
        n_targets = state.get("n_targets_", getattr(self, "n_targets_", None))
        encoders = None if fitted is None else {k: fitted[k] for k in ("feature_encoder_", "target_encoder_", "baseline_")}
        inputs = prepare_dense(seq, y2, sample_weight, encoding=self._encoding(), n_targets=n_targets, fitted=encoders)
        inputs.fitted.update(state)
        return inputs

    def _network_spec(self, fitted: dict) -> NetworkSpec:
        """How to build this estimator's network for inputs of the shape in ``fitted`` (or of the last fit)."""
        from .._compat import route_params

        get = lambda name: fitted[name] if name in fitted else getattr(self, name)  # noqa: E731
        meta = {"input_shape_": get("input_shape_"), "n_steps_out_": self.n_steps_out, "n_targets_": get("n_targets_"),
                "n_steps_in_": get("n_steps_in_"), "n_series_in_": get("n_series_in_"), "id_embedding_": self.id_embedding}
        params = self.get_params()
        known = self._param_defaults()
        arguments = {n: getattr(self, n) for n in inspect.signature(type(self)._builder).parameters
                     if n != "meta" and n in known}
        arguments.update(route_params(params, destination="model", pass_filter=set(), strict=True))
        key = cache_key(type(self), params, meta["input_shape_"], self.n_steps_out, meta["n_targets_"])
        return NetworkSpec(type(self).__name__, type(self)._builder, meta, arguments, self._compile_keywords, self.loss, key,
                           run_eagerly=bool(params.get("compile__run_eagerly", False)))

    def _compile_keywords(self) -> dict:
        """scikeras' compile keywords, with the optimizer named by its class rather than Keras' numbered name.

        Every variable name TensorFlow has not seen adds entries to its kernel
        cache that are never freed (about 35 KB each; see
        :mod:`sklstm.estimators._architectures`), and Keras numbers the names
        of unnamed optimizers (``adam_17/iteration``). scikeras makes two
        such optimizers per fit (one to look the class up, one to keep), so
        an optimizer given by name or class is built here, once, with its
        class's name, and handed to scikeras ready. A user's optimizer
        instance, ``optimizer__name`` and nested optimizer parameters are
        left to scikeras.
        """
        params = self.get_params()
        check_compile_params(type(self).__name__, params)
        try:
            optimizer = self._named_optimizer(params)
            if optimizer is not None:
                params = {k: v for k, v in params.items() if not k.startswith("optimizer__")}
                params["optimizer"] = optimizer
            return compile_keywords(self, params)
        except (ValueError, TypeError) as exc:
            routed = {k: v for k, v in self.get_params().items()
                      if k.split("__", 1)[0] in ("optimizer", "loss", "compile", "metrics")}
            raise ValueError(f"{type(self).__name__}: invalid optimizer, loss or compile parameters {routed}: {exc}") from exc

    def _named_optimizer(self, params: dict) -> Any:
        """The optimizer given by name or class, built with its class's name; None when scikeras should build it."""
        routed = {k.split("__", 1)[1]: v for k, v in params.items() if k.startswith("optimizer__")}
        if not isinstance(self.optimizer, (str, type)) or "name" in routed or any("__" in k for k in routed):
            return None
        import keras

        cls = self.optimizer
        if isinstance(cls, str):  # the class behind the name, from an instance with a fixed name
            cls = type(keras.optimizers.get({"class_name": cls, "config": {"name": cls.lower()}}))
        return cls(**routed, name=cls.__name__.lower())

    def _training_seed(self) -> int | None:
        if self.random_state is None:
            return None
        from sklearn.utils import check_random_state

        return int(check_random_state(self.random_state).randint(2**31 - 1))

    def _store(self, inputs: Inputs, training: Training) -> None:
        """Write the fitted attributes of one fit: the only place a fit sets them."""
        for name, value in inputs.fitted.items():
            setattr(self, name, value)
        self.model_, self.history_ = training.model, training.history
        self.fit_loop_, self.stopped_epoch_ = training.loop, training.stopped_epoch
        self.streamed_ = inputs.stream is not None

    # ------------------------------------------------------------ validation
    def _validate_X(self, X: Any) -> np.ndarray:
        """Windows given to ``predict``, checked against the fit: 3-D sequences."""
        check_not_text(X)
        X = validate_data(self, X, reset=False, allow_nd=True, dtype=[np.float64, np.float32])
        check_finite(X)
        seq = check_windows(X, lag_order=self.lag_order, layout=self.column_layout_)
        if seq.shape[2] != self.n_series_in_:
            raise ValueError(
                f"X has {seq.shape[2]} features per time step, but {type(self).__name__} was fitted with "
                f"{self.n_series_in_}."
            )
        check_ids(seq, self.id_embedding, type(self).__name__)
        return seq

    def _validate_Xy(self, X: Any, y: Any, reset: bool = True) -> tuple[np.ndarray, np.ndarray, dict]:
        """Windows as 3-D sequences, targets 2-D, and (with ``reset``) the fitted attributes they define."""
        y_shape = None if y is None else np.asarray(y).shape
        if y_shape is not None and len(y_shape) > 2:
            raise ValueError(
                f"y must be 1-D or 2-D (samples, n_steps_out * n_targets); got shape {y_shape}. "
                "Flatten multi-step targets with y.reshape(len(y), -1)."
            )
        check_not_text(X)
        check_not_text(y, "y")
        X, y = validate_data(self, X, y, reset=reset, allow_nd=True, multi_output=True, y_numeric=True,
                             dtype=[np.float64, np.float32])
        check_finite(X)
        check_finite(y, "y")
        names = getattr(self, "feature_names_in_", None) if X.ndim == 2 else None
        layout = (None if names is None else ColumnLayout.from_names(names)) if reset else self.column_layout_
        seq = check_windows(X, lag_order=self.lag_order, layout=layout)
        owner = type(self).__name__
        if not reset:
            if seq.shape[2] != self.n_series_in_:
                raise ValueError(f"X has {seq.shape[2]} features per time step, but {owner} was fitted with "
                                 f"{self.n_series_in_}.")
            return seq, check_targets(y, self.n_steps_out, self.n_steps_out * self.n_targets_, owner), {}
        y2 = check_targets(y, self.n_steps_out, None, owner)
        state = {"column_layout_": layout, "n_steps_in_": seq.shape[1], "n_series_in_": seq.shape[2],
                 "y_ndim_": y.ndim, "n_targets_": y2.shape[1] // self.n_steps_out, **input_types(X.shape, X.dtype, y2)}
        return seq, y2, state

    def _encode(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        return encode_windows(self.feature_encoder_, self._validate_X(X))

    def export_model(self) -> Any:
        """The whole predictor (scaling, reshaping, baseline, network) as one Keras model.

        See :func:`sklstm.estimators._export.export_model`: windows ``(samples, n_steps_in_,
        n_series_in_)`` in, ``predict``'s outputs ``(samples, n_steps_out *
        n_targets_)`` out. ``model_`` alone predicts only the scaled residual.

        Returns
        -------
        keras.Model
        """
        from ._export import export_model

        return export_model(self)

    # --------------------------------------------------------------- predict
    def _predict_encoded(self, Xe: np.ndarray, batch: int = PREDICT_BATCH) -> np.ndarray:
        from .._tf import tf
        from .._training.training import quiet_tf_logger

        Xe = np.asarray(Xe, dtype=np.float32)
        predict_fn = INFERENCE.function(self.model_, Xe.shape[1:])
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
        batch = predict_batch(type(self).__name__, vars(self), predict_params)  # routed predict__ names live in vars
        if isinstance(X, SeriesWindows):
            check_is_fitted(self, "model_")
            return predict_streamed(self.predict, X, batch)
        Xe = self._encode(X)
        out = self.target_encoder_.inverse_transform(self._predict_encoded(Xe, batch) + baseline_of(self.baseline_, Xe))
        if not np.all(np.isfinite(out)):
            raise RuntimeError(
                f"{type(self).__name__} produced non-finite predictions; the input windows are "
                "probably far outside the training range."
            )
        return out[:, 0] if self.y_ndim_ == 1 else out

    def predict_steps(self, X: Any, **predict_params) -> np.ndarray:
        """Predict as a ``(n_samples, n_steps_out, n_targets)`` array (``predict_params`` as in :meth:`predict`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, n_features)
            Input windows, as in :meth:`fit`.
        **predict_params : dict
            As for :meth:`predict`.

        Returns
        -------
        ndarray of shape (n_samples, n_steps_out, n_targets)
        """
        out = self.predict(X, **predict_params)
        return out.reshape(len(out), self.n_steps_out, self.n_targets_)
