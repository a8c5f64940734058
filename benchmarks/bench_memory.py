"""Long series: peak-RSS growth and epoch throughput, streamed windows against materialised ones.

Part 1 (memory). A series of ``--points`` rows and ``--features`` columns, windows of ``--steps``.
In a fresh subprocess per mode, TensorFlow is imported and a model built and traced on a small
slice; then the full fit runs and the growth of peak RSS over that baseline is reported, in bytes
and as a multiple of the series' own size:

* ``streamed``: ``est.fit(X, y)`` with ``X`` from ``make_windows(..., stream=True)``;
* ``materialised``: ``np.ascontiguousarray(X)`` first (what a plain Keras user does), at a size
  that fits in memory (``--materialised-points``), reported per point for comparison.

Part 2 (throughput). Epoch time per million windows: sklstm streaming from the series against
plain Keras ``model.fit`` on pre-materialised float32 arrays, same architecture and batch size, on
``--throughput-points`` rows. The epoch time is the difference between a 2-epoch and a 1-epoch fit,
so one-off costs (tracing, the linear baseline) cancel.

    python benchmarks/bench_memory.py                       # 10M points x 64 steps x 4 features
    python benchmarks/bench_memory.py --points 1000000      # quicker
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

_CHILD = r"""
import json, resource, sys, time
import numpy as np
import sklstm
from sklstm import make_windows
points, steps, features, mode, units, batch, dtype = sys.argv[1:8]
points, steps, features, units, batch = int(points), int(steps), int(features), int(units), int(batch)
series = np.random.default_rng(0).normal(size=(points, features)).astype(dtype)
X, y = make_windows(series, steps, targets=[0], stream=True)
est = sklstm.VanillaLSTMRegressor(units=units, epochs=1, batch_size=batch, random_state=0)
est.fit(X[:4096], y[:4096])          # TensorFlow imported, model traced
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = rss()
start = time.perf_counter()
if mode == "materialised":
    X = np.ascontiguousarray(X, dtype=np.float32)
est.fit(X, y)
print(json.dumps({"growth": rss() - before, "series_bytes": series.nbytes, "seconds": time.perf_counter() - start,
                  "streamed": bool(est.streamed_)}))
"""


def _child(points: int, steps: int, features: int, mode: str, units: int, batch: int, dtype: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(points), str(steps), str(features), mode, str(units),
                          str(batch), dtype], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _throughput(points: int, steps: int, features: int, units: int, batch: int) -> tuple[float, float, int]:
    import numpy as np

    import sklstm
    from sklstm import make_windows
    from sklstm._tf import keras

    series = np.random.default_rng(0).normal(size=(points, features))
    X, y = make_windows(series, steps, targets=[0], stream=True)
    Xm = np.asarray(X, dtype=np.float32)
    ym = y.astype(np.float32)

    def keras_fit(epochs: int) -> float:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((steps, features)), keras.layers.LSTM(units, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        start = time.perf_counter()
        model.fit(Xm, ym, batch_size=batch, epochs=epochs, verbose=0)
        return time.perf_counter() - start

    def sklstm_fit(epochs: int) -> float:
        start = time.perf_counter()
        est = sklstm.VanillaLSTMRegressor(units=units, epochs=epochs, batch_size=batch, random_state=0).fit(X, y)
        assert est.streamed_
        return time.perf_counter() - start

    k = keras_fit(2) - keras_fit(1)
    s = sklstm_fit(2) - sklstm_fit(1)
    return k, s, len(X)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--materialised-points", type=int, default=1_000_000)
    parser.add_argument("--throughput-points", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=64)
    parser.add_argument("--features", type=int, default=4)
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64", help="the series' dtype")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    print(f"windows of {args.steps} steps x {args.features} features, LSTM({args.units}), batch {args.batch}, 1 epoch")
    for mode, points in (("streamed", args.points), ("materialised", args.materialised_points)):
        r = _child(points, args.steps, args.features, mode, args.units, args.batch, args.dtype)
        print(f"{mode:<13} {points:>11,} points: series {r['series_bytes'] / 1e6:8.1f} MB, peak RSS growth "
              f"{r['growth'] / 1e6:9.1f} MB = {r['growth'] / r['series_bytes']:6.2f}x the series "
              f"({r['seconds']:.1f} s, streamed={r['streamed']})", flush=True)
    if not args.skip_throughput:
        k, s, n = _throughput(args.throughput_points, args.steps, args.features, args.units, args.batch)
        print(f"throughput on {n:,} windows: epoch per million windows keras {k / n * 1e6:.2f} s, "
              f"sklstm {s / n * 1e6:.2f} s, ratio sklstm/keras {s / k:.3f}")


if __name__ == "__main__":
    main()
