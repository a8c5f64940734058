"""The parameters every sklstm estimator shares: constraints, documentation, routing and checks.

An estimator's own hyperparameters are the keywords of its ``__init__``; the
training parameters all estimators share are those of
:class:`sklstm.estimators._base.LSTMRegressorBase` (documented once, in ``_SHARED_DOC``,
and added to each class by :func:`shared_parameters`); routed parameters
(``model__``, ``optimizer__``, ``fit__``, ...) are scikeras'. The functions here
read them (:func:`param_defaults`), validate them all at once with "did you
mean" hints (:func:`check_params`) and resolve the settings of one ``fit`` or
``predict`` (:func:`fit_settings`, :func:`predict_batch`).
"""

from __future__ import annotations

import difflib
import inspect
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._compat import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    route_params,
    unflatten_params,
    validate_parameter_constraints,
)

__all__ = [
    "COMMON_CONSTRAINTS", "PREDICT_BATCH", "check_compile_params", "check_params", "fit_settings", "is_routed",
    "param_defaults", "predict_batch", "routed", "shared_parameters",
]

ROUTING_PREFIXES = ("model", "fit", "compile", "predict", "optimizer", "loss", "metrics", "callbacks")
# Training settings a fit takes from its parameters, routed ``fit__<name>`` parameters or fit() keywords.
FIT_SETTINGS = ("epochs", "batch_size", "shuffle", "validation_split", "verbose", "callbacks")
PREDICT_BATCH = 8192

COMMON_CONSTRAINTS: dict[str, list] = {
    "n_steps_out": [Interval(numbers.Integral, 1, None, closed="left")],
    "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
    "batch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "optimizer": [str, type, HasMethods(["apply_gradients"])],  # a name, a Keras optimizer class or instance
    "loss": [str, callable],
    "metrics": [list, None],
    "scaling": [StrOptions({"minmax", "standard"}), None],
    "lag_order": [StrOptions({"oldest_first", "newest_first"})],
    "linear_baseline": ["boolean"],
    "validation_split": [Interval(numbers.Real, 0, 1, closed="left")],
    "shuffle": ["boolean"],
    "callbacks": "no_validation",  # a list, dict, class or instance: checked by _fit_settings
    "fit_loop": [StrOptions({"auto", "compiled", "keras"})],
    "warm_start": ["boolean"],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "id_embedding": [tuple, list, None],  # (n_ids, dim): its values are checked with the ids (check_ids)
}

_SHARED_DOC = """
    Other Parameters
    ----------------
    epochs : int
        Training epochs; the default is the tutorial's for the architecture
        (see the signature).
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
    lag_order : {"oldest_first", "newest_first"}, default="oldest_first"
        Time order of the steps in windows given as plain arrays, as
        ``make_windows`` and the tutorial lay them out (``"oldest_first"``),
        or most recent first (``"newest_first"``: skforecast's ``lag_1,
        lag_2, ...`` columns, which it passes as numpy arrays). 2-D columns
        named by their lag (a DataFrame from ``WindowTransformer`` or with
        ``lag_<k>`` names) are put in time order by their names instead.
    linear_baseline : bool, default=True
        Fit a ridge regression on the scaled windows first; the network
        learns its residuals (``model_`` predicts those scaled residuals,
        ``predict`` adds the baseline back).
    validation_split : float, default=0.0
        Fraction of the last samples held out for ``val_loss``.
    shuffle : bool, default=True
        Shuffle the mini-batches every epoch.
    callbacks : list, dict, callback, class or None, default=None
        Keras callbacks, in any form scikeras takes (a class is built with its
        routed ``callbacks__<arg>`` parameters). A single ``EarlyStopping``
        runs inside the compiled loop; any other callback switches to plain
        ``model.fit``.
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
        ``0`` prints nothing; ``1`` shows one progress bar for the whole fit;
        ``2`` prints one line per epoch (as Keras does).
    id_embedding : tuple of (int, int) or None, default=None
        ``(n_ids, dim)``: the last feature of every step is an integer id
        (``0 .. n_ids - 1``, a series of a panel) that the network reads as
        ``dim`` learned values (an embedding) instead of a number; it is not
        scaled and the linear baseline does not see it.
        ``GlobalLSTMForecaster(series_identity="embedding")`` sets it.
    **kwargs : dict
        Routed parameters: ``model__<arg>`` (builder), ``optimizer__<arg>``,
        ``compile__<arg>``, ``fit__<arg>``, ``predict__<arg>``, ``loss__<arg>``.

    Attributes
    ----------
    model_ : keras.Model
        The trained network alone: with ``linear_baseline=True`` it predicts
        the scaled residual of the baseline. ``export_model()`` returns the
        whole predictor (scaling, reshaping, baseline, network) as one model.
    history_ : dict of list
        Per-epoch ``loss`` (and ``val_loss``), in scaled units.
    n_features_in_ : int
        ``X.shape[1]`` during fit (the window's steps).
    n_steps_in_ : int
        Time steps per window.
    n_series_in_ : int
        Series (features) per time step.
    column_layout_ : ColumnLayout or None
        How 2-D windows with lag-named columns were read (None otherwise).
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
    head, sep, examples = cls.__doc__.partition("\n    Examples\n")
    cls.__doc__ = head.rstrip() + "\n" + _SHARED_DOC + sep + examples
    own = inspect.signature(cls.__init__).parameters
    shared = inspect.signature(super(cls, cls).__init__).parameters
    params = [p for p in own.values() if p.kind is not p.VAR_KEYWORD]
    params += [p for name, p in shared.items() if name not in own]
    cls.__init__.__signature__ = inspect.Signature(params)
    return cls


def param_defaults(cls: type, base: type) -> dict[str, Any]:
    """Every named parameter of the ``__init__`` of ``cls`` and of its bases derived from ``base``, with its default.

    Parameters
    ----------
    cls : type
        An estimator class.
    base : type
        The sklstm base class whose ``__init__`` holds the shared parameters.

    Returns
    -------
    dict
        Parameter name to default, the most derived class's first.
    """
    defaults = {}
    for klass in cls.__mro__:
        if not issubclass(klass, base) or "__init__" not in vars(klass):
            continue
        for name, p in inspect.signature(vars(klass)["__init__"]).parameters.items():
            if name != "self" and p.kind is not p.VAR_KEYWORD:
                defaults.setdefault(name, p.default)
    return defaults


# Keras arguments that people pass as estimator parameters, and where they belong instead.
KERAS_HINTS = {
    "run_eagerly": " Did you mean 'compile__run_eagerly' (Keras' step-by-step loop)?",
    "jit_compile": " Did you mean 'compile__jit_compile'?",
    "steps_per_execution": " Did you mean 'compile__steps_per_execution'?",
    "validation_batch_size": " Did you mean 'batch_size'?",
    "validation_data": " Did you mean 'validation_split' (the last fraction of the windows)?",
    "class_weight": " Did you mean fit(X, y, sample_weight=...)? Class weights are for classifiers.",
    "sample_weight": " Did you mean fit(X, y, sample_weight=...)?",
}


def check_params(owner: str, params: dict[str, Any], constraints: dict[str, Any], known: set[str]) -> None:
    """Validate every parameter of ``owner``; raise one error that lists every problem, with "did you mean" hints.

    Parameters
    ----------
    owner : str
        The class name the messages use.
    params : dict
        The parameters (``get_params(deep=False)``), routed ones included.
    constraints : dict
        scikit-learn's ``_parameter_constraints`` of the class.
    known : set of str
        The named parameters of the class's ``__init__`` methods.
    """
    problems = []
    for name, constraint in constraints.items():
        if name not in params:
            continue
        if isinstance(params[name], bool) and _numeric_only(constraint):
            problems.append(f"The {name!r} parameter of {owner} must be a number, got {params[name]!r} (a bool).")
            continue
        try:
            validate_parameter_constraints({name: constraint}, {name: params[name]}, caller_name=owner)
        except InvalidParameterError as exc:
            problems.append(str(exc))
    for name in params:
        if name in known:
            continue
        prefix = name.split("__", 1)[0]
        if "__" in name and prefix in ROUTING_PREFIXES:
            continue
        candidates = sorted(known) + [c for c in [name.replace("_", "__", 1)] if c != name]
        guess = [
            g
            for g in difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
            if g in known or g.split("__", 1)[0] in ROUTING_PREFIXES
        ]
        hint = KERAS_HINTS.get(name) or (f" Did you mean {guess[0]!r}?" if guess else "")
        problems.append(
            f"Unknown parameter {name!r} for {owner}.{hint} Routed parameters "
            f"start with one of {', '.join(p + '__' for p in ROUTING_PREFIXES)}."
        )
    problems += _optimizer_problems(params)
    if problems:
        raise InvalidParameterError(f"{owner} got {len(problems)} invalid parameter(s):\n- " + "\n- ".join(problems))


# The ranges of the Keras optimizers' usual hyperparameters (Adam, AdamW, Nadam, RMSprop, SGD, ...): Keras
# accepts any number and trains to nonsense outside them (beta_1=2.0 makes Adam's moments grow without bound).
_OPTIMIZER_RANGES = {
    "learning_rate": (0.0, np.inf, "a positive finite number", False, False),
    "beta_1": (0.0, 1.0, "in [0, 1)", True, False),
    "beta_2": (0.0, 1.0, "in [0, 1)", True, False),
    "rho": (0.0, 1.0, "in [0, 1)", True, False),
    "momentum": (0.0, 1.0, "in [0, 1)", True, False),
    "epsilon": (0.0, np.inf, "a positive finite number", False, False),
    "weight_decay": (0.0, np.inf, "a finite number >= 0", True, False),
    "clipnorm": (0.0, np.inf, "a positive finite number", False, False),
    "global_clipnorm": (0.0, np.inf, "a positive finite number", False, False),
    "clipvalue": (0.0, np.inf, "a positive finite number", False, False),
}


def _optimizer_problems(params: dict[str, Any]) -> list[str]:
    """Routed optimizer hyperparameters outside their range (numbers only: schedules are the optimizer's)."""
    problems = []
    for name, (low, high, wanted, low_closed, _high_closed) in _OPTIMIZER_RANGES.items():
        value = params.get(f"optimizer__{name}")
        if value is None or not isinstance(value, numbers.Real):
            continue
        if isinstance(value, bool):
            problems.append(f"optimizer__{name} must be a number, got {value!r} (a bool).")
        elif not ((low <= value if low_closed else low < value) and value < high):
            problems.append(f"optimizer__{name} must be {wanted}, got {value!r}.")
    return problems


def _numeric_only(constraint: Any) -> bool:
    """Whether a constraint list admits numbers (an ``Interval``) but not booleans (Python's bool is an int)."""
    options = constraint if isinstance(constraint, list) else [constraint]
    return any(isinstance(c, Interval) for c in options) and not any(c in ("boolean", bool) for c in options)


def is_routed(name: str) -> bool:
    """Whether ``name`` is a routed parameter (``optimizer__learning_rate``, ``model__units``, ...)."""
    return "__" in name and name.split("__", 1)[0] in ROUTING_PREFIXES


def routed(params: dict[str, Any], destination: str) -> dict[str, Any]:
    """The routed ``<destination>__<name>`` parameters in ``params``, by ``<name>``."""
    prefix = f"{destination}__"
    return {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}


def fit_settings(owner: str, params: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """One fit's training settings: the parameters, then routed ``fit__<name>``, then ``fit()``'s keywords.

    Callbacks from all three are combined. Any other name is an error
    (never accepted and ignored).

    Parameters
    ----------
    owner : str
        The class name the messages use.
    params : dict
        The estimator's parameters (``get_params()``), routed ones included.
    overrides : dict
        The keywords given to ``fit``.

    Returns
    -------
    dict
        ``epochs``, ``batch_size``, ``shuffle``, ``validation_split``,
        ``verbose`` and ``callbacks`` (a list of instances).
    """
    given_fit = routed(params, "fit")
    problems = [
        f"{prefix}{name!r}" for prefix, given in (("fit__", given_fit), ("fit() keyword ", overrides))
        for name in sorted(set(given) - set(FIT_SETTINGS))
    ]
    if problems:
        hint = " For validation_data, set validation_split (the last fraction of the windows)." if any(
            "validation_data" in p for p in problems) else ""
        raise ValueError(
            f"{owner}: unsupported training setting(s) {', '.join(problems)}; "
            f"the settings that fit accepts (as parameters, fit__<name> or fit keywords) are {list(FIT_SETTINGS)}."
            + hint
        )
    settings = {name: params[name] for name in FIT_SETTINGS}
    for given in (given_fit, overrides):
        settings.update({k: v for k, v in given.items() if k != "callbacks"})
    own = route_params(params, destination="callbacks", pass_filter=set(), strict=False)
    settings["callbacks"] = [
        callback
        for given, kwargs in ((params["callbacks"], own), (given_fit.get("callbacks"), {}), (overrides.get("callbacks"), {}))
        for callback in _callback_list(given, kwargs)
    ]
    checked = {k: v for k, v in settings.items() if k != "callbacks"}
    validate_parameter_constraints({k: COMMON_CONSTRAINTS[k] for k in checked}, checked, caller_name=f"{owner}.fit")
    check_early_stopping(owner, settings["callbacks"], params.get("metrics"))
    return settings


def check_compile_params(owner: str, params: dict[str, Any]) -> None:
    """Refuse a ``compile__<name>`` that ``keras.Model.compile`` does not take, with a "did you mean" hint.

    Parameters
    ----------
    owner : str
        The class name the message uses.
    params : dict
        The estimator's parameters, routed ones included.
    """
    import inspect

    from .._tf import keras

    known = [n for n in inspect.signature(keras.Model.compile).parameters if n not in ("self", "kwargs")]
    for name in sorted(routed(params, "compile")):
        if "__" in name or name in known:
            continue
        guess = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean 'compile__{guess[0]}'?" if guess else ""
        raise ValueError(f"{owner}: compile__{name} is not an argument of keras.Model.compile, which takes "
                         f"{', '.join(known)}.{hint}")


def check_early_stopping(owner: str, callbacks: list, metrics: Any) -> None:
    """Refuse an EarlyStopping that could never act: a negative patience or a quantity no fit reports.

    Keras accepts ``patience=-1`` (it stops after the first epoch), and an
    unknown ``monitor`` either fails inside Keras' training loop or only
    warns at each epoch and never stops.

    Parameters
    ----------
    owner : str
        The class name the messages use.
    callbacks : list of keras callbacks
    metrics : list, str or None
        The estimator's ``metrics``: their names (and ``val_`` names) can be monitored too.
    """
    from .._tf import keras

    names = ["loss"] + [_metric_name(m) for m in (metrics if isinstance(metrics, (list, tuple)) else [metrics])
                        if m is not None]
    available = names + [f"val_{n}" for n in names]
    for callback in callbacks:
        if not isinstance(callback, keras.callbacks.EarlyStopping):
            continue
        if callback.patience < 0:
            raise ValueError(f"{owner}: EarlyStopping(patience={callback.patience}) must be at least 0 (epochs "
                             "without improvement before stopping).")
        if callback.monitor not in available:
            prefix = "val_" if callback.monitor.startswith("val_") else ""
            alias = prefix + _metric_name(callback.monitor.removeprefix("val_"))  # "val_mae" is logged by its full name
            guess = [alias] if alias in available else difflib.get_close_matches(callback.monitor, available, n=1)
            hint = f" Did you mean {guess[0]!r}?" if guess else ""
            raise ValueError(f"{owner}: EarlyStopping(monitor={callback.monitor!r}) watches a quantity this fit "
                             f"does not report; it reports {', '.join(map(repr, available))} (val_ ones with "
                             f"validation_split).{hint}")


def _metric_name(metric: Any) -> str:
    """The name a metric's values have in the training history (``"mae"`` is logged as ``mean_absolute_error``)."""
    from .._tf import keras

    if isinstance(metric, str):
        try:
            metric = keras.metrics.get(metric)
        except ValueError:
            return metric
    if isinstance(metric, type):
        metric = metric()
    return str(getattr(metric, "name", None) or getattr(metric, "__name__", type(metric).__name__))


def predict_batch(owner: str, params: dict[str, Any], overrides: dict[str, Any]) -> int:
    """Windows per inference call: ``predict(batch_size=)``, else routed ``predict__batch_size``, else 8192.

    Parameters
    ----------
    owner : str
        The class name the messages use.
    params : dict
        The estimator's parameters, routed ones included.
    overrides : dict
        The keywords given to ``predict``.

    Returns
    -------
    int
    """
    given = routed(params, "predict")
    unknown = [f"predict__{k!r}" for k in sorted(set(given) - {"batch_size"})]
    unknown += [f"predict() keyword {k!r}" for k in sorted(set(overrides) - {"batch_size"})]
    if unknown:
        raise ValueError(f"{owner}: unsupported prediction setting(s) {', '.join(unknown)}; predict accepts only batch_size.")
    batch = overrides.get("batch_size", given.get("batch_size"))
    if batch is None:
        return PREDICT_BATCH
    validate_parameter_constraints({"batch_size": COMMON_CONSTRAINTS["batch_size"]}, {"batch_size": batch},
                                   caller_name=f"{owner}.predict")
    return int(batch)


def _callback_list(given: Any, kwargs: dict) -> list:
    """Callbacks in any form scikeras takes, as a list of instances.

    A list or tuple, a dict (its values) or a single callback; a class is
    built with its routed ``callbacks__<arg>`` keywords (``callbacks__<key>__<arg>``
    inside a list or dict), as scikeras builds it.
    """
    from .._tf import keras

    if given is None:
        return []
    built = unflatten_params(items=given, params=kwargs)
    if isinstance(built, Mapping):
        built = list(built.values())
    built = list(built) if isinstance(built, (list, tuple)) else [built]
    bad = [cb for cb in built if not isinstance(cb, keras.callbacks.Callback)]
    if bad:
        raise ValueError(
            f"callbacks must be Keras callbacks: instances, classes (with callbacks__<arg> parameters), or a "
            f"list or dict of them; got {bad!r}."
        )
    return built
