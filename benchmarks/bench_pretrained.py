"""The pretrained LSTM (zero-shot and fine-tuned) against the statistical peers on bench_real's halves, in one run.

Issue 28's evaluation: :class:`~sklstm.forecasting.PretrainedLSTMForecaster` on plain numpy arrays (the
season detected, as for a scikit-learn user), zero-shot and with ``fine_tune=True``, beside seasonal naive,
ridge on lag windows, statsforecast's AutoETS and AutoARIMA, on the same series, folds (3 rolling origins)
and MASE as ``benchmarks/bench_real.py`` (whose cases and contenders it imports). The network, its corpus
and its training schedule were chosen without the confirmation half; ``--half tuning`` is what was looked
at. Prints a table per series, the mean MASE per contender, how often the pretrained forecaster beats
each, and the seconds per series.

    python benchmarks/bench_pretrained.py --half confirmation
    python benchmarks/bench_pretrained.py --half tuning --skip fine-tuned
    python benchmarks/bench_pretrained.py --timing-only   # zero-shot seconds for one 150-point series
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_real import (  # noqa: E402
    OTHER_SETS,
    RollingOriginSplit,
    load_set,
    mase,
    ridge_lags,
    ridge_windows,
    seasonal_naive,
    statsforecast_model,
)

from sklstm.forecasting import PretrainedLSTMForecaster  # noqa: E402


def pretrained(fine_tune: bool):
    def run(case, y_train, X_train, X_test, h, lags):
        f = PretrainedLSTMForecaster(horizon=h, fine_tune=fine_tune, random_state=0)
        return np.asarray(f.fit(y_train).predict(h)).reshape(h, -1)

    return run


TIMING = """
import time
import numpy as np
t0 = time.perf_counter()
from sklstm.forecasting import PretrainedLSTMForecaster  # TensorFlow is not needed for zero-shot forecasts
t1 = time.perf_counter()
t = np.arange(150)
y = 100 + 0.3 * t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 2, 150)
first = PretrainedLSTMForecaster(horizon=12).fit(y).predict()
t2 = time.perf_counter()
PretrainedLSTMForecaster(horizon=12).fit(y[:-1]).predict()
t3 = time.perf_counter()
import sys
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {'tensorflow' in sys.modules}")
"""


def zero_shot_timing() -> None:
    """Seconds of a zero-shot fit+forecast of a 150-point monthly series in a fresh process, after the imports."""
    import subprocess

    out = subprocess.run([sys.executable, "-c", TIMING], capture_output=True, text=True, check=True)
    *times, tensorflow = out.stdout.split()[-4:]
    imports, first, second = map(float, times)
    print(f"zero-shot fit+forecast of a 150-point series in a fresh process: first {first:.3f} s (loads the "
          f"network; goal < 1 s), next {second:.3f} s; the imports before it {imports:.2f} s; TensorFlow "
          f"imported: {tensorflow == 'True'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tuning", "confirmation", *OTHER_SETS],
                        default="confirmation")
    parser.add_argument("--series", nargs="*", help="only these series")
    parser.add_argument("--skip", nargs="*", default=[], help="contenders to skip: fine-tuned, arima, ets, ridge")
    parser.add_argument("--timing-only", action="store_true", help="only the zero-shot time of one series")
    args = parser.parse_args()
    zero_shot_timing()
    if args.timing_only:
        return
    cases = load_set(args.half)
    cases = [c for c in cases if not args.series or c.name in args.series]
    contenders = {"seasonal naive": seasonal_naive, "ridge": ridge_windows, "AutoETS": statsforecast_model("ets"),
                  "AutoARIMA": statsforecast_model("arima"), "zero-shot": pretrained(False),
                  "fine-tuned": pretrained(True)}
    skip = {"fine-tuned": "fine-tuned", "arima": "AutoARIMA", "ets": "AutoETS", "ridge": "ridge"}
    for s in args.skip:
        contenders.pop(skip.get(s, s), None)
    rows, seconds = [], {name: [] for name in contenders}
    start = time.perf_counter()
    for case in cases:
        y_all = case.y.to_numpy(dtype=float)
        X_all = None if case.X is None else case.X.to_numpy(dtype=float)
        scores = {name: [] for name in contenders}
        for train, test in RollingOriginSplit(3, horizon=case.horizon).split(y_all):
            y_train, y_test = y_all[train], y_all[test]
            X_train = None if X_all is None else X_all[train]
            X_test = None if X_all is None else X_all[test]
            for name, fn in contenders.items():
                t = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pred = fn(case, y_train, X_train, X_test, case.horizon, ridge_lags(case, len(y_train)))
                seconds[name].append(time.perf_counter() - t)
                scores[name].append(mase(y_test, np.asarray(pred, float).reshape(case.horizon, -1), y_train, case.season))
        row = {"series": case.name, "freq": case.freq, "n": len(case.y)} | {k: float(np.mean(v)) for k, v in scores.items()}
        rows.append(row)
        print(f"  {case.name}: " + ", ".join(f"{k} {row[k]:.3f}" for k in contenders), file=sys.stderr, flush=True)
    table = pd.DataFrame(rows).set_index("series")
    numeric = table[list(contenders)]
    table.loc["mean"] = numeric.mean()
    pd.set_option("display.width", 250)
    print(f"\n### {args.half} half: {len(cases)} series, MASE (mean over 3 rolling origins)")
    print(table.round(3).to_string())
    print("mean MASE: " + ", ".join(f"{k} {v:.3f}" for k, v in sorted(numeric.mean().items(), key=lambda kv: kv[1])))
    for mine in ("zero-shot", "fine-tuned"):
        if mine in numeric:
            wins = {k: int((numeric[mine] < numeric[k]).sum()) for k in contenders if k != mine}
            print(f"{mine} better on: " + ", ".join(f"{w}/{len(numeric)} vs {k}" for k, w in wins.items()))
    print("seconds per fit+forecast: " + ", ".join(f"{k} {np.mean(v):.2f}" for k, v in seconds.items()))
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
