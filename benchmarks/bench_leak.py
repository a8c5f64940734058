"""Memory over many fits: RSS every 20 fits, in three modes, each in a fresh process.

- ``rotate``: the six architectures in turn, same data;
- ``lengths``: one architecture, a different number of windows at every fit (as a backtest or CV does);
- ``no-pool``: as ``lengths`` with the pool of traced training loops switched off (``sklstm._training.training.POOL.size = 0``);
- ``default``: the six architectures in turn at their default sizes (units 50-100), a new number of
  windows at every fit (issue 26's case: a backtest or a grid search over architectures).

Each fit is a tiny model (4 units; default sizes in ``default``), 3 epochs (``--epochs``), followed by a predict.
Prints the resident set size every 20 fits and the growth per fit from fit 20 (``--from``) to the
last::

    python benchmarks/bench_leak.py --fits 200
    python benchmarks/bench_leak.py --fits 60 --modes default   # issue 26: at most 0.3 MB per fit
    python benchmarks/bench_leak.py --fits 60 --modes default --epochs 200   # the default epochs
"""

from __future__ import annotations

import argparse
import subprocess
import sys

CHILD = """
import gc, os, sys
import numpy as np
import sklstm
from sklstm import make_windows

mode, fits, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if mode == "no-pool":
    from sklstm._training import training

    training.POOL.size = 0
page = os.sysconf("SC_PAGE_SIZE")


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page / 2**20


series = np.sin(np.arange(400) / 5.0)
classes = [sklstm.VanillaLSTMRegressor, sklstm.StackedLSTMRegressor, sklstm.BidirectionalLSTMRegressor,
           sklstm.CNNLSTMRegressor, sklstm.ConvLSTMRegressor, sklstm.EncoderDecoderLSTMRegressor]
small = {"VanillaLSTMRegressor": {"units": 4}, "StackedLSTMRegressor": {"units": 4},
         "BidirectionalLSTMRegressor": {"units": 4}, "CNNLSTMRegressor": {"units": 4, "filters": 4, "n_seq": 2},
         "ConvLSTMRegressor": {"filters": 4, "n_seq": 2}, "EncoderDecoderLSTMRegressor": {"units": 4}}
for i in range(1, fits + 1):
    if mode == "rotate":
        cls, n = classes[i % len(classes)], 300
    elif mode == "default":
        cls, n = classes[i % len(classes)], 200 + (i * 7) % 200
    else:
        cls, n = sklstm.VanillaLSTMRegressor, 100 + (i % 40) * 7
    X, y = make_windows(series[:n], 8)
    sizes = {} if mode == "default" else small[cls.__name__]
    est = cls(epochs=epochs, random_state=i, **sizes).fit(X, y)
    est.predict(X[-5:])
    del est
    if i % 20 == 0:
        gc.collect()
        print(i, round(rss_mb(), 1), flush=True)
"""


def run(mode: str, fits: int, epochs: int) -> list[tuple[int, float]]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(fits), str(epochs)], capture_output=True, text=True, check=True)
    return [(int(a), float(b)) for a, b in (line.split() for line in out.stdout.splitlines())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=200)
    parser.add_argument("--from", dest="start", type=int, default=20, help="the fit growth is measured from")
    parser.add_argument("--modes", nargs="+", default=["rotate", "lengths", "no-pool", "default"],
                        choices=["rotate", "lengths", "no-pool", "default"])
    parser.add_argument("--epochs", type=int, default=3,
                        help="epochs per fit (the estimators' default is 200; sklstm collects Keras' cyclic garbage "
                        "within 10%% of the training time, so short fits collect less often)")
    args = parser.parse_args()
    for mode in args.modes:
        points = run(mode, args.fits, args.epochs)
        print(f"{mode:8s} RSS MB: " + ", ".join(f"{i}:{mb:.1f}" for i, mb in points))
        warm = [(i, mb) for i, mb in points if i >= args.start]
        (i0, m0), (i1, m1) = warm[0], warm[-1]
        print(f"{mode:8s} growth from fit {i0} to {i1}: {(m1 - m0) / (i1 - i0):.2f} MB per fit (goal <= 0.3)",
              flush=True)


if __name__ == "__main__":
    main()
