"""Dense fit memory: peak-RSS growth of a fit on ``make_windows`` windows, as a multiple of the float32 windows.

Issue 26's case: a ``--points`` x ``--features`` float32 series, windows of ``--steps`` from
``make_windows(series, steps, targets=[0])`` (a strided view: no copy yet), and
``VanillaLSTMRegressor(units=2, epochs=1, batch_size=4096).fit(X, y)`` on them (the dense path,
not ``stream=True``). Each mode runs in a fresh subprocess; TensorFlow is imported and a model
built and traced on a small slice first, so the growth is the fit's own:

* ``sklstm``: the fit above;
* ``keras``: the peer, plain Keras ``model.fit`` on the same windows made contiguous float32 (what a
  Keras user does), same architecture, batch and epoch; the contiguous copy is counted.

    python benchmarks/bench_dense_memory.py                  # 300,000 x 4, windows of 64 (307 MB)
    python benchmarks/bench_dense_memory.py --points 100000  # quicker
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

_CHILD = r"""
import json, resource, sys
import numpy as np
points, steps, features, mode = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
from sklstm import VanillaLSTMRegressor, make_windows
from sklstm._tf import keras
series = np.random.default_rng(0).normal(size=(points, features)).astype(np.float32)
X, y = make_windows(series, steps, targets=[0])
if mode == "sklstm":
    est = VanillaLSTMRegressor(units=2, epochs=1, batch_size=4096, random_state=0)
    est.fit(X[:4096], y[:4096])
    fit = lambda: est.fit(X, y)
else:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((steps, features)), keras.layers.LSTM(2, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ascontiguousarray(X[:4096]), y[:4096], batch_size=4096, epochs=1, verbose=0)
    fit = lambda: model.fit(np.ascontiguousarray(X), y, batch_size=4096, epochs=1, verbose=0)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
fit()
growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
print(json.dumps({"growth": growth, "windows": X.shape[0] * X.shape[1] * X.shape[2] * 4}))
"""


def _child(points: int, steps: int, features: int, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(points), str(steps), str(features), mode],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=300_000)
    parser.add_argument("--steps", type=int, default=64)
    parser.add_argument("--features", type=int, default=4)
    args = parser.parse_args()
    results = {mode: _child(args.points, args.steps, args.features, mode) for mode in ("sklstm", "keras")}
    windows = results["sklstm"]["windows"]
    print(f"{args.points:,} x {args.features} float32 series, windows of {args.steps}: {windows / 1e6:.0f} MB of "
          "float32 windows; one epoch, LSTM(2), batch 4096")
    print(f"{'mode':<8} {'peak RSS growth':>16} {'x windows':>10}")
    for mode, r in results.items():
        print(f"{mode:<8} {r['growth'] / 1e6:13.0f} MB {r['growth'] / windows:10.2f}")
    print(f"ratio sklstm/keras {results['sklstm']['growth'] / results['keras']['growth']:.2f}")


if __name__ == "__main__":
    main()
