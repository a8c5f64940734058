"""A larger case: 20,000 points, 48-step windows, batches of 256, a few epochs.

Here framework overhead is small and compute dominates; sklstm's compiled loop must be no slower
than plain Keras ``model.fit`` on the same architecture (ratio sklstm / keras <= 1.05). Runs are
interleaved in one process and the median is reported.

    python benchmarks/bench_large.py --repeats 3 --epochs 3
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import sklstm
from sklstm import make_windows
from sklstm._tf import keras


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--steps", type=int, default=48)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    t = np.arange(args.points)
    series = 100 + 0.01 * t + 10 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 1, len(t))
    X, y = make_windows(series, args.steps)
    X = np.ascontiguousarray(X, dtype=np.float32)
    Xs = (X - series.mean()) / series.std()  # plain Keras gets standardised data too
    ys = ((y - series.mean()) / series.std()).astype(np.float32)
    k_times, s_times = [], []
    for seed in range(args.repeats):
        keras.utils.set_random_seed(seed)
        start = time.perf_counter()
        model = keras.Sequential([keras.Input((args.steps, 1)), keras.layers.LSTM(50, activation="relu"), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(Xs, ys, batch_size=256, epochs=args.epochs, verbose=0)
        k_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        sklstm.VanillaLSTMRegressor(epochs=args.epochs, batch_size=256, random_state=seed).fit(X, y)
        s_times.append(time.perf_counter() - start)
        print(f"run {seed}: keras {k_times[-1]:.2f}s  sklstm {s_times[-1]:.2f}s", flush=True)
    k, s = float(np.median(k_times)), float(np.median(s_times))
    print(f"{len(X)} windows x {args.steps} steps, batch 256, {args.epochs} epochs: "
          f"keras {k:.2f}s, sklstm {s:.2f}s, ratio sklstm/keras {s / k:.3f} "
          f"(per epoch per million windows: keras {k / args.epochs / len(X) * 1e6:.1f}s, "
          f"sklstm {s / args.epochs / len(X) * 1e6:.1f}s)")


if __name__ == "__main__":
    main()
