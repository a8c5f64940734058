"""Seed ensembles: three networks trained as one graph (parallel branches) against three separate fits.

Both sides use sklstm's compiled training loop (``sklstm._training.training.fit_compiled``) on the same data:
110 windows of 24 steps, LSTM(32) -> Dense(1), 100 epochs. The separate fits share one traced loop
(the second and third skip tracing); the batched side is one Keras model with three branches and a
summed loss. Run 0 includes tracing (the first fit in a process), run 1 is warm::

    python benchmarks/bench_ensemble.py
"""

from __future__ import annotations

import time

import numpy as np

from sklstm._tf import keras
from sklstm._training.training import Schedule, fit_compiled


def member(inputs, units: int = 32):
    return keras.layers.Dense(1)(keras.layers.LSTM(units, unroll=True)(inputs))


def model(n_members: int, steps: int) -> keras.Model:
    inputs = keras.Input((steps, 1))
    outs = [member(inputs) for _ in range(n_members)]
    out = outs[0] if n_members == 1 else keras.layers.Concatenate()(outs)
    net = keras.Model(inputs, out)
    net.compile("adam", "mse")
    return net


def main() -> None:
    rng = np.random.default_rng(0)
    steps, n_members, epochs = 24, 3, 100
    X = rng.normal(size=(110, steps, 1)).astype("float32")
    y = rng.normal(size=(110, 1)).astype("float32")
    for run in range(2):
        start = time.perf_counter()
        for _ in range(n_members):
            fit_compiled(model(1, steps), X, y, Schedule(epochs), cache_key=("separate",))
        separate = time.perf_counter() - start
        start = time.perf_counter()
        fit_compiled(model(n_members, steps), X, np.tile(y, (1, n_members)), Schedule(epochs), cache_key=("batched",))
        batched = time.perf_counter() - start
        print(f"run {run}: {n_members} separate fits {separate:.2f} s, one {n_members}-branch graph {batched:.2f} s, "
              f"ratio batched/separate {batched / separate:.2f}")


if __name__ == "__main__":
    main()
