"""The one scikit-learn / scikeras adapter every sklstm estimator inherits.

scikeras 0.13.0 is its last release. Its ``KerasRegressor`` puts
``RegressorMixin`` on the wrong side of the base class and declares tags only
through ``_more_tags``, so scikit-learn >= 1.6 does not see it as a
regressor. This module keeps scikeras' machinery (routed ``model__`` /
``optimizer__`` / ``compile__`` parameters, the build function that receives
``meta``, feature and target encoders, pickling of Keras models) and fixes
the rest in one place:

* ``class LSTMRegressorBase(RegressorMixin, BaseWrapper)``: mixin on the left;
* ``__sklearn_tags__`` (and ``_more_tags`` for scikit-learn 1.6.x);
* data validation through :func:`sklearn.utils.validation.validate_data`;
* parameter validation that lists every problem, with "did you mean" hints;
* training through :mod:`sklstm.training` (compiled loop or ``model.fit``).

Replacing scikeras means replacing this module only; the architectures and
estimators do not import it.
"""

from __future__ import annotations

import difflib
import numbers
import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _tf  # noqa: F401  (quiet TensorFlow before scikeras imports it)
from .reshaping import SequenceReshaper, to_sequences
from .scaling import TargetScaler, WindowScaler, _affine_stats

from scikeras._utils import route_params  # noqa: E402  isort: skip
from scikeras.wrappers import BaseWrapper  # noqa: E402  isort: skip

__all__ = ["LSTMRegressorBase", "shared_parameters"]

_ROUTING_PREFIXES = ("model", "fit", "compile", "predict", "optimizer", "loss", "metrics", "callbacks")


def _base_wrapper_sklearn_tags(self):
    return super(BaseWrapper, self).__sklearn_tags__()


# scikeras' BaseWrapper only has the legacy ``_more_tags``; give it the
# scikit-learn >= 1.6 protocol as well (it inherits BaseEstimator's tags).
if "__sklearn_tags__" not in vars(BaseWrapper):
    BaseWrapper.__sklearn_tags__ = _base_wrapper_sklearn_tags


COMMON_CONSTRAINTS: dict[str, list] = {
    "n_steps_out": [Interval(numbers.Integral, 1, None, closed="left")],
    "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
    "batch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "optimizer": "no_validation",
    "loss": "no_validation",
    "metrics": [list, None],
    "scaling": [StrOptions({"minmax", "standard"}), None],
    "linear_baseline": ["boolean"],
    "validation_split": [Interval(numbers.Real, 0, 1, closed="left")],
    "shuffle": ["boolean"],
    "callbacks": [list, None],
    "fit_loop": [StrOptions({"auto", "compiled", "keras"})],
    "warm_start": ["boolean"],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}

_SHARED_DOC = """
    Other Parameters
    ----------------
    n_steps_out : int, default=1
        Future steps per target in ``y``: ``y`` has ``n_steps_out * n_targets``
        columns, flattened step-major (column ``s * n_targets + t``).
    batch_size : int or None, default=None
        Mini-batch size; ``None`` means 32 (Keras' default).
    optimizer : str or keras optimizer, default="adam"
        Optimizer; its arguments are routed, e.g. ``optimizer__learning_rate``.
    loss : str or callable, default="mse"
        Training loss.
    metrics : list or None, default=None
        Extra Keras metrics.
    scaling : {"minmax", "standard"} or None, default="minmax"
        Per-series affine scaling of inputs and targets inside the estimator
        (inverted on predict), so raw numbers of any magnitude train well.
        ``"minmax"`` maps the training range onto ``[0, 1]`` and extrapolates
        linearly beyond it.
    linear_baseline : bool, default=True
        Fit a ridge regression on the scaled windows first; the network
        learns its residuals (``model_`` predicts those scaled residuals,
        ``predict`` adds the baseline back).
    validation_split : float, default=0.0
        Fraction of the last samples held out for ``val_loss``.
    shuffle : bool, default=True
        Shuffle the mini-batches every epoch.
    callbacks : list or None, default=None
        Keras callbacks. A single ``EarlyStopping`` runs inside the compiled
        loop; any other callback switches to plain ``model.fit``.
    fit_loop : {"auto", "compiled", "keras"}, default="auto"
        ``"compiled"`` runs all epochs in one TensorFlow graph (much faster on
        small data); ``"keras"`` uses ``model.fit``; ``"auto"`` picks the
        compiled loop unless callbacks need Python every epoch.
    warm_start : bool, default=False
        Continue training the existing model on the next ``fit``.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial weights and the shuffling; an int gives
        bit-identical results on CPU.
    verbose : int, default=0
        ``1`` shows one progress bar for the whole fit; ``0`` prints nothing.
    **kwargs : dict
        Routed parameters: ``model__<arg>`` (builder), ``optimizer__<arg>``,
        ``compile__<arg>``, ``fit__<arg>``, ``predict__<arg>``, ``loss__<arg>``.

    Attributes
    ----------
    model_ : keras.Model
        The trained network.
    history_ : dict of list
        Per-epoch ``loss`` (and ``val_loss``), in scaled units.
    n_features_in_ : int
        ``X.shape[1]`` during fit (the window's steps).
    n_steps_in_ : int
        Time steps per window.
    n_series_in_ : int
        Series (features) per time step.
    n_targets_ : int
        Targets per step.
    input_shape_ : tuple of int
        Shape of one network input (after reshaping the window).
    feature_encoder_, target_encoder_ : transformers
        Fitted scaling and reshaping of ``X`` and ``y``.
    baseline_ : estimator or None
        The fitted linear baseline (``linear_baseline=True``).
    fit_loop_ : str
        The training path that was used.
    stopped_epoch_ : int or None
        The epoch at which early stopping ended the fit, if it did.
    streamed_ : bool
        Whether the windows were gathered from the series inside the
        training loop instead of being materialised.
"""


def shared_parameters(cls: type) -> type:
    """Declare on ``cls`` the parameters every sklstm estimator shares (its ``**kwargs``).

    The class docstring gains their documentation (before its Examples), and
    the signature that ``inspect``, ``help()`` and scikit-learn's ``repr`` read
    lists them after the class's own keywords. ``cls.__init__`` itself is the
    one written in the class.
    """
    import inspect

    head, sep, examples = cls.__doc__.partition("\n    Examples\n")
    cls.__doc__ = head.rstrip() + "\n" + _SHARED_DOC + sep + examples
    own = inspect.signature(cls.__init__).parameters
    shared = inspect.signature(LSTMRegressorBase.__init__).parameters
    params = [p for p in own.values() if p.kind is not p.VAR_KEYWORD]
    params += [p for name, p in shared.items() if name not in own]
    cls.__init__.__signature__ = inspect.Signature(params)
    return cls


_MAX_RETRIES = 2
_PREDICT_BATCH = 8192
# Training settings a fit takes from its parameters, routed ``fit__<name>`` parameters or fit() keywords.
_FIT_SETTINGS = ("epochs", "batch_size", "shuffle", "validation_split", "verbose", "callbacks")
# One compiled inference function per fitted Keras model, kept outside the
# estimator so that predict does not change the estimator's state.
_PREDICT_FNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class LSTMRegressorBase(RegressorMixin, BaseWrapper):
    """Shared behaviour of the sklstm estimators; subclasses set ``_builder``.

    A subclass names its builder (a function of :mod:`sklstm.architectures`)
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
        self.n_steps_out = n_steps_out
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.scaling = scaling
        self.linear_baseline = linear_baseline
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.callbacks = callbacks
        self.fit_loop = fit_loop
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        vars(self).update(kwargs)  # routed (or misspelt) parameters, checked in fit

    # ----------------------------------------------------------------- params
    @classmethod
    def _param_defaults(cls) -> dict[str, Any]:
        """Every named parameter of ``cls.__init__`` and of the shared ``__init__``, with its default."""
        import inspect

        defaults = {}
        for init in (cls.__init__, LSTMRegressorBase.__init__):
            for name, p in inspect.signature(init).parameters.items():
                if name != "self" and p.kind is not p.VAR_KEYWORD:
                    defaults.setdefault(name, p.default)
        return defaults

    def _get_param_names(self) -> list[str]:
        known = self._param_defaults()
        routed = [k for k in vars(self) if not k.startswith("_") and not k.endswith("_") and k not in known]
        return sorted(known) + sorted(routed)

    def _architecture_params(self) -> dict[str, Any]:
        names = [n for n in self._builder_params() if n != "meta"]
        known = self._param_defaults()
        return {n: getattr(self, n) for n in names if n in known}

    def _builder_params(self) -> list[str]:
        import inspect

        return list(inspect.signature(type(self)._builder).parameters)

    def _validate_params(self) -> None:
        """Validate every parameter; raise one error that lists every problem."""
        params = self.get_params(deep=False)
        problems = []
        for name, constraint in self._parameter_constraints.items():
            if name not in params:
                continue
            try:
                validate_parameter_constraints(
                    {name: constraint}, {name: params[name]}, caller_name=type(self).__name__
                )
            except InvalidParameterError as exc:
                problems.append(str(exc))
        known = set(self._param_defaults())
        for name in params:
            if name in known:
                continue
            prefix = name.split("__", 1)[0]
            if "__" in name and prefix in _ROUTING_PREFIXES:
                continue
            candidates = sorted(known) + [c for c in [name.replace("_", "__", 1)] if c != name]
            guess = [
                g
                for g in difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
                if g in known or g.split("__", 1)[0] in _ROUTING_PREFIXES
            ]
            hint = f" Did you mean {guess[0]!r}?" if guess else ""
            problems.append(
                f"Unknown parameter {name!r} for {type(self).__name__}.{hint} Routed parameters "
                f"start with one of {', '.join(p + '__' for p in _ROUTING_PREFIXES)}."
            )
        rate = params.get("optimizer__learning_rate")
        if isinstance(rate, numbers.Real) and not isinstance(rate, bool) and not (0 < rate < np.inf):
            problems.append(f"optimizer__learning_rate must be a positive finite number, got {rate!r}.")
        if problems:
            raise InvalidParameterError(
                f"{type(self).__name__} got {len(problems)} invalid parameter(s):\n- "
                + "\n- ".join(problems)
            )

    def set_params(self, **params) -> LSTMRegressorBase:
        """Set parameters, including routed ones such as ``optimizer__learning_rate``."""
        for name, value in params.items():
            if "__" in name and name.split("__", 1)[0] in _ROUTING_PREFIXES:
                setattr(self, name, value)
            else:
                BaseEstimator.set_params(self, **{name: value})
        return self

    __repr__ = BaseEstimator.__repr__

    # Checks a float32 network trained by mini-batch gradient descent cannot honestly pass.
    _expected_failed_checks = {
        "check_sample_weight_equivalence_on_dense_data": (
            "gradient training: a sample weight of 2 is not the same as repeating the sample"
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

    # ------------------------------------------------------------------ data
    def _validate_X(self, X: Any, *, reset: bool) -> np.ndarray:
        X = validate_data(self, X, reset=reset, allow_nd=True, dtype=[np.float64, np.float32])
        return self._check_windows(X, reset=reset)

    def _check_windows(self, X: np.ndarray, *, reset: bool) -> np.ndarray:
        if X.ndim not in (2, 3):
            raise ValueError(
                f"X must be 2-D windows (samples, steps) or 3-D windows (samples, steps, features); "
                f"got an array of shape {X.shape}."
            )
        seq = to_sequences(X)
        if reset:
            self.n_steps_in_, self.n_series_in_ = seq.shape[1], seq.shape[2]
        elif seq.shape[2] != self.n_series_in_:
            raise ValueError(
                f"X has {seq.shape[2]} features per time step, but {type(self).__name__} "
                f"was fitted with {self.n_series_in_}."
            )
        return seq

    def _validate_Xy(self, X: Any, y: Any, reset: bool = True) -> tuple[np.ndarray, np.ndarray]:
        y_shape = None if y is None else np.asarray(y).shape
        if y_shape is not None and len(y_shape) > 2:
            raise ValueError(
                f"y must be 1-D or 2-D (samples, n_steps_out * n_targets); got shape {y_shape}. "
                "Flatten multi-step targets with y.reshape(len(y), -1)."
            )
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            allow_nd=True,
            multi_output=True,
            y_numeric=True,
            dtype=[np.float64, np.float32],
        )
        seq = self._check_windows(X, reset=reset)
        return seq, self._check_targets(y, reset)

    def _check_targets(self, y: np.ndarray, reset: bool) -> np.ndarray:
        """Check y's columns against ``n_steps_out`` (and the fit); return it 2-D float64."""
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if not reset:
            if n_outputs != self.n_steps_out * self.n_targets_:
                raise ValueError(
                    f"y has {n_outputs} columns, but {type(self).__name__} was fitted with "
                    f"{self.n_steps_out * self.n_targets_}."
                )
            return np.asarray(y, dtype=np.float64).reshape(len(y), n_outputs)
        if n_outputs % self.n_steps_out:
            raise ValueError(
                f"y has {n_outputs} columns, which is not n_steps_out={self.n_steps_out} "
                "steps of whole targets; y's columns must be n_steps_out * n_targets."
            )
        self.y_ndim_ = y.ndim
        self.n_targets_ = n_outputs // self.n_steps_out
        return np.asarray(y, dtype=np.float64).reshape(len(y), n_outputs)

    def _make_feature_encoder(self) -> Pipeline:
        scaler = "passthrough" if self.scaling is None else WindowScaler(method=self.scaling)
        return Pipeline([("scale", scaler), ("reshape", self._make_reshaper())])

    def _make_reshaper(self):
        if "n_seq" in self._param_defaults():
            return self._reshaper(n_seq=self.n_seq)
        return self._reshaper()

    # ------------------------------------------------------------ build/fit
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
        model.compile(**compile_kwargs)
        return model

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

    def _routed(self, destination: str) -> dict[str, Any]:
        """The routed ``<destination>__<name>`` parameters set on this instance, by ``<name>``."""
        prefix = f"{destination}__"
        return {k[len(prefix):]: v for k, v in vars(self).items() if k.startswith(prefix)}

    def _fit_settings(self, overrides: dict[str, Any]) -> dict[str, Any]:
        """This fit's training settings: the parameters, then routed ``fit__<name>``, then ``fit()``'s keywords.

        Callbacks from all three are combined. Any other name is an error
        (never accepted and ignored).
        """
        routed = self._routed("fit")
        problems = [
            f"{prefix}{name!r}" for prefix, given in (("fit__", routed), ("fit() keyword ", overrides))
            for name in sorted(set(given) - set(_FIT_SETTINGS))
        ]
        if problems:
            raise ValueError(
                f"{type(self).__name__}: unsupported training setting(s) {', '.join(problems)}; "
                f"the settings that fit accepts (as parameters, fit__<name> or fit keywords) are {list(_FIT_SETTINGS)}."
            )
        settings = {name: getattr(self, name) for name in _FIT_SETTINGS}
        for given in (routed, overrides):
            settings.update({k: v for k, v in given.items() if k != "callbacks"})
        callbacks = []
        for given in (self.callbacks, routed.get("callbacks"), overrides.get("callbacks")):
            callbacks += [] if given is None else list(given) if isinstance(given, (list, tuple)) else [given]
        settings["callbacks"] = callbacks
        checked = {k: v for k, v in settings.items() if k != "callbacks"}
        validate_parameter_constraints(
            {k: COMMON_CONSTRAINTS[k] for k in checked}, checked, caller_name=f"{type(self).__name__}.fit"
        )
        return settings

    def _choose_loop(self, callbacks: list) -> tuple[str, Any, list]:
        from ._tf import keras
        from .training import EarlyStop

        if self.fit_loop == "keras" or keras.backend.backend() != "tensorflow":
            return "keras", None, callbacks
        early = [cb for cb in callbacks if isinstance(cb, keras.callbacks.EarlyStopping)]
        reason = _needs_keras_loop(self.metrics, callbacks, early)
        if reason:
            if self.fit_loop == "compiled":
                raise ValueError(f"fit_loop='compiled' cannot honour {reason}; use fit_loop='auto' or 'keras'.")
            return "keras", None, callbacks
        return "compiled", (EarlyStop.from_callback(early[0]) if early else None), []

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
        # One fit at a time per instance: two threads fitting it at once would mix their state.
        lock = self.__dict__.setdefault("_fit_lock", threading.Lock())
        if not lock.acquire(blocking=False):
            raise RuntimeError(
                f"{type(self).__name__} is already being fitted in another thread; give each thread its own "
                "estimator (sklearn.base.clone)."
            )
        try:
            return self._fit_once(X, y, sample_weight, settings=settings, warm=warm)
        except BaseException:  # an error or Ctrl-C: never leave a half-trained model that looks fitted
            if not warm:
                for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
                    delattr(self, name)
            raise
        finally:
            self.__dict__.pop("_fit_lock", None)
            lock.release()

    def _fit_once(self, X: Any, y: Any, sample_weight: Any, *, settings: dict, warm: bool) -> LSTMRegressorBase:
        series = _streamable_series(X)
        if series is not None and not warm:
            return self._fit_streaming(X, series, y, sample_weight, settings=settings)
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
        ye = np.asarray(ye - self._baseline(Xe), dtype=np.float32)
        self.input_shape_ = tuple(Xe.shape[1:])
        self._train(Xe, ye, sample_weight, settings=settings, warm=warm)
        self.streamed_ = False
        return self

    def _fit_streaming(self, X: np.ndarray, series: np.ndarray, y: Any, sample_weight: Any, *, settings: dict):
        """Fit on a long sliding-window view without materialising its windows.

        The scaled series (float32) is the only copy made; windows are gathered
        per batch inside the compiled loop and per chunk for the linear baseline.
        """
        from sklearn.utils import check_array

        n, steps, n_series = X.shape
        if not all(np.isfinite(series[i : i + _CHUNK_ROWS]).all() for i in range(0, len(series), _CHUNK_ROWS)):
            raise ValueError("Input X contains NaN or infinity.")
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        if len(y) != n:
            raise ValueError(f"X has {n} windows but y has {len(y)} rows.")
        self.n_features_in_, self.n_steps_in_, self.n_series_in_ = steps, steps, n_series
        y2 = self._check_targets(y, reset=True)
        if sample_weight is not None:
            raise ValueError("sample_weight is not supported for windows streamed from a long series.")
        self.feature_encoder_ = self._make_feature_encoder().fit(np.asarray(X[:2]))
        scaler = self.feature_encoder_.named_steps["scale"]
        offset = np.zeros(n_series)
        scale = np.ones(n_series)
        if scaler != "passthrough":
            offset, scale = _affine_stats(series, self.scaling)
            scaler.offset_, scaler.scale_ = offset, scale
        scaled = np.empty(series.shape, dtype=np.float32)
        for i in range(0, len(series), _CHUNK_ROWS):
            scaled[i : i + _CHUNK_ROWS] = (series[i : i + _CHUNK_ROWS] - offset) / scale
        windows = sliding_window_view(scaled, steps, axis=0).transpose(0, 2, 1)
        self.target_encoder_ = TargetScaler(self.scaling, self.n_targets_).fit(y2)
        self.baseline_ = _ChunkedRidge().fit(windows, self.target_encoder_, y2) if self.linear_baseline else None
        ye = np.empty(y2.shape, dtype=np.float32)  # scaled residual targets, filled chunk by chunk
        for i in range(0, n, _CHUNK_WINDOWS):
            part = self.target_encoder_.transform(y2[i : i + _CHUNK_WINDOWS])
            ye[i : i + _CHUNK_WINDOWS] = part - self._baseline(windows[i : i + _CHUNK_WINDOWS])
        del windows
        reshaper = self.feature_encoder_.named_steps["reshape"]
        self.input_shape_ = tuple(reshaper._from_sequences(np.zeros((1, steps, n_series))).shape[1:])
        self._train(scaled, ye, None, settings=settings, warm=False, window_steps=steps)
        self.streamed_ = True
        return self

    def _fit_baseline(self, Xe: np.ndarray, ye: np.ndarray, sample_weight: Any):
        """Ridge regression (alpha by leave-one-out) on the scaled windows, or None."""
        if not self.linear_baseline:
            return None
        ridge = RidgeCV(alphas=np.logspace(-6, 2, 9))
        return ridge.fit(Xe.reshape(len(Xe), -1).astype(np.float64), ye, sample_weight=sample_weight)

    def _baseline(self, Xe: np.ndarray) -> np.ndarray:
        if getattr(self, "baseline_", None) is None:
            return 0.0
        pred = self.baseline_.predict(Xe.reshape(len(Xe), -1).astype(np.float64))
        return pred.reshape(len(Xe), -1)

    def _train(self, Xe, ye, sample_weight, *, settings: dict, warm: bool, window_steps: int | None = None) -> None:
        from .seeding import fresh_seed, global_seed, reseed_weights
        from .training import fit_compiled, fit_keras, quiet_tf_logger

        loop, early, callbacks = self._choose_loop(settings["callbacks"])
        stream = {}
        if window_steps is not None:
            if loop != "compiled":
                raise ValueError(
                    "Windows streamed from a long series need the compiled loop: use fit_loop='auto' and at most "
                    f"one EarlyStopping callback (got fit_loop={self.fit_loop!r}, callbacks={settings['callbacks']})."
                )
            stream = {"window_steps": window_steps, "input_shape": self.input_shape_}
        seed = self._training_seed()
        initial_epoch = len(self.history_["loss"]) if warm and hasattr(self, "history_") else 0
        factor = 1.0
        for attempt in range(_MAX_RETRIES + 1):
            with quiet_tf_logger(settings["verbose"]):
                if not warm or attempt:
                    self.model_ = self._build_keras_model()
                    if seed is not None:
                        reseed_weights(self.model_, seed)
                    initial_epoch = 0
                if factor != 1.0:
                    lr = self.model_.optimizer.learning_rate
                    self.model_.optimizer.learning_rate = float(np.asarray(lr)) * factor
                common = dict(
                    epochs=settings["epochs"],
                    batch_size=settings["batch_size"],
                    shuffle=settings["shuffle"],
                    validation_split=settings["validation_split"],
                    sample_weight=sample_weight,
                    verbose=settings["verbose"],
                    initial_epoch=initial_epoch,
                )
                if loop == "compiled":
                    result = fit_compiled(
                        self.model_, Xe, ye, early_stop=early, seed=fresh_seed() if seed is None else seed,
                        cache_key=self._cache_key(), **common, **stream
                    )
                else:
                    with global_seed(seed):  # model.fit shuffles with TensorFlow's global generator
                        result = fit_keras(self.model_, Xe, ye, callbacks=callbacks, **common)
            if not result.diverged:
                break
            lr_now = float(np.asarray(self.model_.optimizer.learning_rate))
            if attempt == _MAX_RETRIES:
                raise RuntimeError(
                    f"{type(self).__name__}: training diverged (loss became NaN or inf) "
                    f"{_MAX_RETRIES + 1} times, last with learning rate {lr_now:g}. Check the data "
                    "for extreme values, keep scaling='minmax', or lower optimizer__learning_rate."
                )
            factor /= 10.0
            warnings.warn(
                f"{type(self).__name__}: loss became non-finite at epoch "
                f"{len(result.history['loss'])}; retrying with learning rate {lr_now / 10:g}.",
                RuntimeWarning,
                stacklevel=3,
            )
        if warm and initial_epoch and hasattr(self, "history_"):
            for key, values in result.history.items():
                self.history_.setdefault(key, []).extend(values)
        else:
            self.history_ = result.history
        self.fit_loop_ = loop
        self.stopped_epoch_ = result.stopped_epoch

    # --------------------------------------------------------------- predict
    def _encode(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        seq = self._validate_X(X, reset=False)
        return np.asarray(self.feature_encoder_.transform(seq), dtype=np.float32)

    def _predict_batch(self, overrides: dict[str, Any]) -> int:
        """Windows per inference call: ``predict(batch_size=)``, else routed ``predict__batch_size``, else 8192."""
        routed = self._routed("predict")
        unknown = [f"predict__{k!r}" for k in sorted(set(routed) - {"batch_size"})]
        unknown += [f"predict() keyword {k!r}" for k in sorted(set(overrides) - {"batch_size"})]
        if unknown:
            raise ValueError(f"{type(self).__name__}: unsupported prediction setting(s) {', '.join(unknown)}; "
                             "predict accepts only batch_size.")
        batch = overrides.get("batch_size", routed.get("batch_size"))
        if batch is None:
            return _PREDICT_BATCH
        validate_parameter_constraints({"batch_size": COMMON_CONSTRAINTS["batch_size"]}, {"batch_size": batch},
                                       caller_name=f"{type(self).__name__}.predict")
        return int(batch)

    def _predict_encoded(self, Xe: np.ndarray, batch: int = _PREDICT_BATCH) -> np.ndarray:
        from ._tf import tf
        from .training import quiet_tf_logger

        model = self.model_
        if model not in _PREDICT_FNS:
            ref = weakref.ref(model)
            _PREDICT_FNS[model] = tf.function(lambda x: ref()(x, training=False), reduce_retracing=True)
        predict_fn = _PREDICT_FNS[model]
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
        if _streamable_series(X) is not None:
            check_is_fitted(self, "model_")
            chunks = (np.array(X[i : i + _CHUNK_WINDOWS]) for i in range(0, len(X), _CHUNK_WINDOWS))  # copies
            return np.concatenate([self.predict(chunk, batch_size=batch) for chunk in chunks])
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


# Sliding-window views with more values than this are streamed from their series, not copied.
STREAM_MIN_VALUES = 2**25
_CHUNK_ROWS = 2**20
_CHUNK_WINDOWS = 2**14


def _streamable_series(X: Any) -> np.ndarray | None:
    """The ``(n_time, n_features)`` series behind a large sliding-window view, as a zero-copy view.

    ``make_windows`` returns windows whose first two strides are equal (window
    ``i + 1`` starts one row after window ``i``). For such an array with more
    than :data:`STREAM_MIN_VALUES` values, return the series it slides over;
    otherwise None (the array is validated and copied as usual).
    """
    if not isinstance(X, np.ndarray) or X.ndim != 3 or X.shape[1] < 2 or X.dtype.kind != "f":
        return None
    if X.size < STREAM_MIN_VALUES or X.strides[0] != X.strides[1]:
        return None
    n, steps, n_series = X.shape
    return as_strided(X, shape=(n + steps - 1, n_series), strides=(X.strides[0], X.strides[2]), writeable=False)


class _ChunkedRidge:
    """Ridge regression from normal equations accumulated over chunks of windows (constant memory)."""

    def __init__(self, alpha: float = 1e-3):
        self.alpha = alpha

    def fit(self, windows: np.ndarray, target_encoder: Any, y: np.ndarray) -> _ChunkedRidge:
        """Fit on ``windows`` and the scaled targets ``target_encoder.transform(y)``, chunk by chunk."""
        n = len(windows)
        p = int(np.prod(windows.shape[1:]))
        xtx = np.zeros((p + 1, p + 1))
        xty = np.zeros((p + 1, y.shape[1]))
        for i in range(0, n, _CHUNK_WINDOWS):
            chunk = np.asarray(windows[i : i + _CHUNK_WINDOWS], dtype=np.float64).reshape(-1, p)
            design = np.column_stack([chunk, np.ones(len(chunk))])
            xtx += design.T @ design
            xty += design.T @ target_encoder.transform(y[i : i + _CHUNK_WINDOWS])
        penalty = self.alpha * np.eye(p + 1)
        penalty[-1, -1] = 0.0
        solution = np.linalg.solve(xtx + penalty, xty)
        self.coef_, self.intercept_ = solution[:-1].T, solution[-1]
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=np.float64).reshape(len(X), -1) @ self.coef_.T + self.intercept_
