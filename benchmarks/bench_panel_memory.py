"""A large panel: peak-RSS growth of a GlobalLSTMForecaster fit, streamed windows against materialised ones.

A wide panel of ``--series`` series x ``--steps`` daily values (float64; 10,000 x 500 = 40 MB by
default), windows of ``--window`` steps. As ``bench_memory.py`` does, each mode runs in a fresh
subprocess: TensorFlow is imported and the loop traced on a small panel first, then the full fit
runs and the growth of peak RSS over that baseline is reported, in bytes and as a multiple of the
panel's values:

* ``streamed``: ``GlobalLSTMForecaster(VanillaLSTMRegressor(...)).fit(panel)``, what the default
  does: every series divided by its scale and put end to end (float32), the windows gathered by
  the training loop;
* ``materialised``: the same windows as one float32 array, fitted by the same estimator (what
  pooling dense windows costs).

One network, one window length, one epoch: the memory, not the accuracy, is measured.

    python benchmarks/bench_panel_memory.py                         # 10,000 x 500
    python benchmarks/bench_panel_memory.py --series 2000           # quicker
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

_CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
import sklstm
from sklstm.forecasting._global import GlobalLSTMForecaster, series_scale
from sklstm.forecasting._panels import read_panel
n_series, n_steps, window, mode = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(0)
t = np.arange(n_steps)
def panel(n):
    level = rng.uniform(10, 1000, size=n)
    values = level * (1 + 0.1 * np.sin(2 * np.pi * t[:, None] / 7)) + rng.normal(size=(n_steps, n)) * level / 20
    return pd.DataFrame(values, index=pd.date_range("2020-01-01", periods=n_steps, freq="D"))
net = sklstm.VanillaLSTMRegressor(units=8, epochs=1, batch_size=4096, random_state=0)
forecaster = GlobalLSTMForecaster(net, n_steps_in=window, n_models=1)
small = panel(100)
forecaster.fit(small)                                  # TensorFlow imported, streamed loop traced


def dense_windows(frame):  # the forecaster's windows of frame as one float32 array, and their targets
    p = read_panel(frame)
    forecaster.scales_ = np.array([series_scale(v, forecaster.season_length_) for v in p.values])
    X, y = forecaster._streamed_windows(p, forecaster._end_to_end(p), window)
    return np.asarray(X, dtype=np.float32), y


if mode == "materialised":
    sklstm.VanillaLSTMRegressor(units=8, epochs=1, batch_size=4096, random_state=0).fit(*dense_windows(small))
values = panel(n_series)
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = rss()
start = time.perf_counter()
if mode == "streamed":
    forecaster.fit(values)
    windows = sum(len(v) - window for v in forecaster._panel.values)
else:
    X, y = dense_windows(values)
    sklstm.VanillaLSTMRegressor(units=8, epochs=1, batch_size=4096, random_state=0).fit(X, y)
    windows = len(y)
print(json.dumps({"growth": rss() - before, "values_bytes": values.to_numpy().nbytes, "windows": windows,
                  "seconds": time.perf_counter() - start}))
"""


def _child(n_series: int, n_steps: int, window: int, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(n_series), str(n_steps), str(window), mode],
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--window", type=int, default=28)
    parser.add_argument("--skip-materialised", action="store_true")
    args = parser.parse_args()
    modes = ["streamed"] + ([] if args.skip_materialised else ["materialised"])
    print(f"panel: {args.series} series x {args.steps} steps, windows of {args.window} steps")
    print(f"{'mode':<14}{'windows':>10}{'growth MB':>11}{'x values':>10}{'fit s':>8}")
    for mode in modes:
        r = _child(args.series, args.steps, args.window, mode)
        print(f"{mode:<14}{r['windows']:>10}{r['growth'] / 2**20:>11.1f}{r['growth'] / r['values_bytes']:>10.2f}"
              f"{r['seconds']:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
