"""Repeatable randomness that leaves the process's global generators alone.

A seeded fit draws its random numbers from its own seed. The initial weights
are redrawn by the layers' own initialisers, each given an explicit seed
(:func:`reseed_weights`); the compiled training loop shuffles with stateless
ops seeded per epoch. Only the plain ``model.fit`` path (``fit_loop="keras"``)
shuffles with TensorFlow's global generator: :func:`global_seed` seeds it for
that one fit, under a lock, and restores Python's and NumPy's generators after.
An unseeded fit takes no lock and draws a fresh seed from the operating system.
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from .._tf import keras

__all__ = ["fresh_seed", "global_seed", "reseed_weights"]

# The variable each initialiser fills, when its name is not the initialiser's name without "_initializer".
_VARIABLE_OF = {"recurrent_initializer": "recurrent_kernel"}
_GLOBAL_LOCK = threading.Lock()


def fresh_seed() -> int:
    """A seed from the operating system's entropy (the global generators are not touched)."""
    return int(np.random.default_rng().integers(2**31 - 1))


def _layers(root: Any) -> Iterator[Any]:
    """``root`` and every layer inside it (cells, wrapped and stacked layers), each once, in a fixed order."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        yield layer
        children = []
        for value in vars(layer).values():
            items = value if isinstance(value, (list, tuple)) else [value]
            children += [v for v in items if isinstance(v, keras.layers.Layer)]
        stack.extend(reversed(children))


def reseed_weights(model: Any, seed: int) -> int:
    """Redraw every randomly initialised weight of ``model`` from initialisers seeded by ``seed``.

    Each random initialiser (``kernel_initializer``, ``recurrent_initializer``,
    ...) of every layer is rebuilt with an explicit seed drawn in a fixed order
    from ``seed``, and refills its variable. Constant initialisers (biases,
    the LSTM's unit forget bias) keep their values. Returns the number of
    weights redrawn.

    >>> from sklstm._tf import keras
    >>> def build():
    ...     return keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    >>> a, b = build(), build()
    >>> reseed_weights(a, 7), reseed_weights(b, 7)
    (3, 3)
    >>> all((x == y).all() for x, y in zip(a.get_weights(), b.get_weights()))
    True
    """
    rng = np.random.default_rng(int(seed))
    redrawn = 0
    for layer in _layers(model):
        for name, initializer in sorted(vars(layer).items()):
            if not name.endswith("_initializer") or not hasattr(initializer, "seed"):
                continue  # constant initialisers have no seed
            variable = getattr(layer, _VARIABLE_OF.get(name, name[: -len("_initializer")]), None)
            if not isinstance(variable, keras.Variable):
                continue
            config = {**initializer.get_config(), "seed": int(rng.integers(1, 2**31 - 1))}
            fresh = type(initializer).from_config(config)
            variable.assign(fresh(variable.shape, dtype=variable.dtype))
            redrawn += 1
    return redrawn


@contextlib.contextmanager
def global_seed(seed: int | None) -> Iterator[None]:
    """Seed Python, NumPy and TensorFlow's global generators for one ``model.fit``; restore Python's and NumPy's after.

    Only the plain Keras loop needs it (it shuffles with ``tf.random.shuffle``).
    Seeded sections run one at a time, since the generators are shared by every
    thread; an unseeded one takes no lock and changes nothing.
    """
    if seed is None:
        yield
        return
    with _GLOBAL_LOCK:
        py_state, np_state = random.getstate(), np.random.get_state()
        try:
            keras.utils.set_random_seed(int(seed))
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)
