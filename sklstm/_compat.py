"""Every private API of another library that sklstm uses, and why: the one place to look when a release breaks.

Each has a test in ``tests/test_compat.py`` that fails with a message naming
the API when it changes. The upper pins in ``pyproject.toml`` (scikit-learn
below 1.10, scikeras below 0.14, TensorFlow below 2.22, Keras below 3.16)
follow from this list. Importing this module imports scikit-learn only; the
TensorFlow, Keras and scikeras parts import on call.

- scikit-learn ``utils._param_validation``: the ``_parameter_constraints``
  machinery of scikit-learn's own estimators (no public equivalent), and
  ``utils.validation._check_sample_weight`` (the checks scikit-learn's own
  estimators apply to ``sample_weight``).
- scikeras ``_utils.route_params``/``unflatten_params`` (the ``model__``,
  ``optimizer__`` and ``callbacks__`` routing that scikeras' public wrappers
  apply), ``BaseWrapper._get_compile_kwargs`` (called with a ready optimizer,
  so that scikeras makes no numbered one) and ``_saving_utils`` (the model as
  ``.keras`` bytes for pickling).
- Keras ``keras.src...ConvLSTMCell`` (Keras exports no ConvLSTM cell), a
  layer's ``_tracker`` (to drop a replaced cell from its variables), a model's
  ``_flatten_layers`` (every nested layer, to tell whose configuration is
  complete enough to share a traced inference graph) and Adam's
  slot variables (``_get_variable_index``, ``_momentums``, ``_velocities``).
- TensorFlow ``ConcreteFunction._call_flat`` (a traced loop run on another
  model's variables), the eager context's function-call options (a lighter
  Grappler pass), and ``tf.raw_ops.ResourceApplyAdam`` (one fused Adam kernel
  per variable; ``tf.raw_ops`` is documented but unstable across releases).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "StrOptions",
    "adam_slots",
    "call_graph",
    "check_sample_weight",
    "compile_keywords",
    "conv_lstm_cell_class",
    "eager_context",
    "nested_layers",
    "pack_keras_model",
    "resource_apply_adam",
    "route_params",
    "unflatten_params",
    "unpack_keras_model",
    "untrack",
    "validate_parameter_constraints",
]


def check_sample_weight(sample_weight: Any, X: Any) -> Any:
    """``sample_weight`` as float64 of ``len(X)`` non-negative values (scikit-learn's ``_check_sample_weight``)."""
    return _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)


# ----------------------------------------------------------------- scikeras
def route_params(params: dict, destination: str, pass_filter: set, strict: bool) -> dict:
    """scikeras' routing of ``<destination>__<name>`` parameters (``scikeras._utils.route_params``)."""
    from scikeras._utils import route_params as route

    return route(params, destination=destination, pass_filter=pass_filter, strict=strict)


def unflatten_params(items: Any, params: dict) -> Any:
    """scikeras' ``name__0``/``name__key`` expansion into lists and dicts (``scikeras._utils.unflatten_params``)."""
    from scikeras._utils import unflatten_params as unflatten

    return unflatten(items=items, params=params)


def compile_keywords(estimator: Any, params: dict) -> dict:
    """scikeras' ``Model.compile`` keywords for ``params`` in place of ``estimator.get_params()``.

    ``scikeras.wrappers.BaseWrapper._get_compile_kwargs`` reads the
    parameters from ``get_params()``; it runs here on a view of
    ``estimator`` whose ``get_params()`` returns ``params``.
    """
    from scikeras.wrappers import BaseWrapper

    return BaseWrapper._get_compile_kwargs(_ParamsView(estimator, params))


class _ParamsView:
    """``estimator`` with ``get_params()`` answering ``params``."""

    def __init__(self, estimator: Any, params: dict):
        self._estimator, self._params = estimator, params

    def get_params(self, deep: bool = True) -> dict:
        return dict(self._params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._estimator, name)


def pack_keras_model(model: Any) -> Any:
    """A Keras model as a uint8 array of its ``.keras`` archive (``scikeras._saving_utils``)."""
    from scikeras._saving_utils import pack_keras_model as pack

    return pack(model)[1][0]


def unpack_keras_model(data: Any) -> Any:
    """The Keras model packed by :func:`pack_keras_model`."""
    from scikeras._saving_utils import unpack_keras_model as unpack

    return unpack(data)


# -------------------------------------------------------------------- Keras
def nested_layers(model: Any) -> list:
    """Every layer inside ``model``, nested ones included (``Layer._flatten_layers``; ``layers`` is the top level only)."""
    return list(model._flatten_layers(include_self=False, recursive=True))


def conv_lstm_cell_class() -> type:
    """Keras' ConvLSTM cell class (``keras.src.layers.rnn.conv_lstm.ConvLSTMCell``; Keras exports none)."""
    from keras.src.layers.rnn.conv_lstm import ConvLSTMCell

    return ConvLSTMCell


def untrack(layer: Any, child: Any) -> None:
    """Stop ``layer`` from counting ``child``'s variables as its own (``layer._tracker.untrack``)."""
    layer._tracker.untrack(child)


def adam_slots(optimizer: Any, weight: Any) -> tuple[Any, Any]:
    """Keras Adam's first- and second-moment variables of ``weight``."""
    index = optimizer._get_variable_index(weight)
    return optimizer._momentums[index], optimizer._velocities[index]


# --------------------------------------------------------------- TensorFlow
def call_graph(concrete: Any, args: list, captures: list) -> Any:
    """Run a traced ``ConcreteFunction`` with ``captures`` in place of the variables it captured."""
    return concrete._call_flat(args, captures)


def eager_context() -> Any:
    """TensorFlow's eager context (``tensorflow.python.eager.context``), whose ``function_call_options`` are per
    thread."""
    from tensorflow.python.eager import context

    return context.context()


def resource_apply_adam(**kwargs: Any) -> Any:
    """``tf.raw_ops.ResourceApplyAdam``: one fused Adam update of a resource variable."""
    from ._tf import tf

    return tf.raw_ops.ResourceApplyAdam(**kwargs)
