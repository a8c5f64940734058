"""Traced inference graphs shared by the models of one architecture.

Every traced ``tf.function`` that runs leaves entries in TensorFlow's function
library and kernel cache that are never freed (its name is new each time),
about 0.5 MB per trace at the estimators' default sizes. Tracing one inference
function per fitted model grew a process by that much at every fit of a
backtest or a grid search. An :class:`InferencePool` keeps one traced graph
per architecture (the model's configuration and input shape) and runs it on
each model's own variables, as :class:`~sklstm._training.pool.TrainingPool`
does for training loops.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .._compat import call_graph, nested_layers

__all__ = ["INFERENCE", "InferencePool", "SharedInference"]


class SharedInference:
    """``model(x, training=False)`` traced once on ``model``, runnable on any model with the same variables."""

    def __init__(self, model: Any, input_shape: tuple):
        from .._tf import tf

        ref = weakref.ref(model)  # the graph keeps the traced model's variables, not the model
        self.shapes = _shapes(model)
        self.handles = [v.value.handle for v in model.variables]  # what the graph captured
        signature = [tf.TensorSpec([None, *input_shape], tf.float32)]
        function = tf.function(lambda x: ref()(x, training=False), input_signature=signature, autograph=False)
        self.concrete = function.get_concrete_function()

    def bind(self, model: Any) -> Callable[[Any], Any]:
        """The graph as a function of ``x`` reading ``model``'s variables in place of the traced model's."""
        swap = {id(a): b.value.handle for a, b in zip(self.handles, model.variables, strict=True)}
        captures = [swap.get(id(c), c) for c in self.concrete.captured_inputs]
        concrete = self.concrete
        from .._tf import tf

        return lambda x: call_graph(concrete, [tf.convert_to_tensor(x, tf.float32)], captures)


class InferencePool:
    """Traced inference graphs by architecture, least recently used dropped beyond ``size``.

    ``size=0`` keeps none: every model traces its own graph. The package's
    pool is :data:`INFERENCE`; it lives as long as the process.
    """

    def __init__(self, size: int = 8):
        self.size = size
        self._graphs: OrderedDict = OrderedDict()
        self._bound: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> its function
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._graphs)

    def clear(self) -> None:
        """Drop every kept graph (functions already handed out keep theirs)."""
        with self._lock:
            self._graphs.clear()

    def function(self, model: Any, input_shape: tuple) -> Callable[[Any], Any]:
        """``model``'s inference function for inputs of ``input_shape`` per sample, traced once per architecture.

        Inside a ``tf.distribute`` strategy's scope the model is called as it is
        (its mirrored variables have no single handle to hand a shared graph).
        """
        from .._tf import tf

        if tf.distribute.has_strategy():
            return lambda x: model(x, training=False)
        with self._lock:
            bound = self._bound.get(model)
            if bound is not None and bound[0] == tuple(input_shape):
                return bound[1]
            architecture = _architecture(model)
            key = (architecture, tuple(input_shape))
            pooled = self.size > 0 and architecture is not None
            shared = self._graphs.get(key) if pooled else None
            if shared is None or shared.shapes != _shapes(model):
                shared = SharedInference(model, tuple(input_shape))
                if pooled:
                    self._graphs[key] = shared
            if pooled:
                self._graphs.move_to_end(key)
                while len(self._graphs) > self.size:
                    self._graphs.popitem(last=False)
            function = shared.bind(model)
            self._bound[model] = (tuple(input_shape), function)
            return function


def _architecture(model: Any) -> str | None:
    """What fixes a model's inference graph: its class and configuration, up to the names Keras numbers; or None.

    Names do not change the computation, and Keras numbers the unnamed
    (``repeat_vector_3``, ``functional_12``): each is replaced by its order of
    first appearance. None (never shared) for a model or layer of another
    library or of the user's own: its configuration need not hold all that
    its computation depends on.
    """
    if not all(_own_or_keras(m) for m in (model, *nested_layers(model))):
        return None
    config = model.get_config()
    text = json.dumps(config, sort_keys=True, default=repr)
    names = list(dict.fromkeys(_names(config)))
    for i, name in sorted(enumerate(names), key=lambda item: -len(item[1])):
        text = text.replace(json.dumps(name), f'"#{i}"')
    return type(model).__qualname__ + text


def _own_or_keras(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] in ("keras", "sklstm")


def _names(config: Any) -> list:
    """Every ``name`` in a nested configuration, in order."""
    if isinstance(config, dict):
        own = [config["name"]] if isinstance(config.get("name"), str) else []
        return own + [name for value in config.values() for name in _names(value)]
    if isinstance(config, list):
        return [name for value in config for name in _names(value)]
    return []


def _shapes(model: Any) -> list:
    return [(tuple(v.shape), str(v.dtype)) for v in model.variables]


INFERENCE = InferencePool()
