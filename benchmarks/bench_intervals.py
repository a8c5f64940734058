"""Prediction intervals on real series: coverage and interval score of ``LSTMForecaster()`` against its peers.

On ``bench_real.py``'s series and folds (3 rolling origins, its horizons), each contender gives a 90% interval
(``coverage=0.9``) and is scored on the test values:

* **coverage**: the share of test values inside the interval (0.90 is the target);
* **MSIS**, the M4 competition's mean scaled interval score: the width, plus ``2 / 0.1`` times how far a
  value falls outside, divided by the in-sample seasonal naive MAE (as MASE is); lower is better.

Contenders: ``LSTMForecaster()`` on plain arrays (the default, conformal intervals from its held-out
origins), ``SeasonalNaiveForecaster(season).predict_interval`` (conformal, from every earlier origin) and
statsforecast's ``AutoETS`` (its model-based interval, ``level=[90]``). Nothing is chosen from this script.

    python benchmarks/bench_intervals.py --half tuning
    python benchmarks/bench_intervals.py --half confirmation --series a10 lynx
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd

from sklstm import LSTMForecaster, SeasonalNaiveForecaster
from sklstm.forecasting import RollingOriginSplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_real import OTHER_SETS, load_set  # noqa: E402

LEVEL = 0.9


def msis(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray, train: np.ndarray, season: int) -> float:
    """Mean scaled interval score over targets (M4): width plus 2/alpha times the misses, over the naive MAE."""
    alpha = 1.0 - LEVEL
    score = (upper - lower) + 2.0 / alpha * ((lower - actual) * (actual < lower) + (actual - upper) * (actual > upper))
    scale = np.mean(np.abs(train[season:] - train[:-season]), axis=0)
    return float(np.mean(np.mean(score, axis=0) / scale))


def split_bounds(out: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds ``(h, k)`` from sklstm's ``predict_interval`` array (points, lowers, uppers)."""
    out = np.asarray(out, dtype=float)
    return out[:, k : 2 * k], out[:, 2 * k : 3 * k]


def sklstm_default(case, y_train, X_train, X_test, h):
    f = LSTMForecaster(horizon=h).fit(y_train, X=X_train)
    return split_bounds(f.predict_interval(h, coverage=LEVEL, X=X_test), y_train.shape[1])


def seasonal_naive(case, y_train, X_train, X_test, h):
    f = SeasonalNaiveForecaster(case.season).fit(y_train)
    return split_bounds(f.predict_interval(h, coverage=LEVEL), y_train.shape[1])


def auto_ets(case, y_train, X_train, X_test, h):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    season = case.season if case.season <= 24 else 1  # as bench_real.py's peer: ETS refuses m > 24
    lows, highs = [], []
    for j in range(y_train.shape[1]):
        frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y_train)), "y": y_train[:, j]})
        fc = StatsForecast(models=[AutoETS(season_length=season)], freq=1).forecast(df=frame, h=h, level=[90])
        lows.append(fc["AutoETS-lo-90"].to_numpy())
        highs.append(fc["AutoETS-hi-90"].to_numpy())
    return np.column_stack(lows), np.column_stack(highs)


CONTENDERS = {"LSTMForecaster()": sklstm_default, "seasonal naive": seasonal_naive, "AutoETS": auto_ets}


def run_case(case) -> dict:
    y_all = case.y.to_numpy(dtype=float)
    X_all = None if case.X is None else case.X.to_numpy(dtype=float)
    h, scores = case.horizon, {}
    for train, test in RollingOriginSplit(3, horizon=h).split(y_all):
        y_train, y_test = y_all[train], y_all[test]
        X_train = None if X_all is None else X_all[train]
        X_test = None if X_all is None else X_all[test]
        for name, fn in CONTENDERS.items():
            start = time.perf_counter()
            lower, upper = fn(case, y_train, X_train, X_test, h)
            scores.setdefault(f"{name} coverage", []).append(float(np.mean((lower <= y_test) & (y_test <= upper))))
            scores.setdefault(f"{name} MSIS", []).append(msis(y_test, lower, upper, y_train, case.season))
            scores.setdefault(f"{name} s", []).append(time.perf_counter() - start)
    return {key: float(np.mean(v)) for key, v in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tuning", "confirmation", *OTHER_SETS], default="tuning")
    parser.add_argument("--series", nargs="*", help="only these series (of the chosen half)")
    args = parser.parse_args()
    cases = [c for c in load_set(args.half) if not args.series or c.name in args.series]
    start, rows = time.perf_counter(), {}
    for case in cases:
        print(f"== {case.name} ({case.freq}, n={len(case.y)}, h={case.horizon})", file=sys.stderr, flush=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows[case.name] = run_case(case)
    table = pd.DataFrame(rows).T
    order = [f"{n} {m}" for m in ("coverage", "MSIS") for n in CONTENDERS]
    print(f"\n### {args.half}: {len(cases)} series, 90% intervals, 3 folds (coverage: share of test values inside; "
          "MSIS: M4's scaled interval score, lower is better)")
    summary = table[order].copy()
    summary.loc["mean"] = table[order].mean()
    print(summary.round(3).to_string())
    naive = table["seasonal naive MSIS"]
    for name in CONTENDERS:
        ratio = float(np.exp(np.mean(np.log(table[f"{name} MSIS"] / naive))))
        print(f"{name}: coverage {table[f'{name} coverage'].mean():.3f}, mean MSIS {table[f'{name} MSIS'].mean():.3f}, "
              f"geometric-mean MSIS / seasonal naive {ratio:.3f}, {table[f'{name} s'].mean():.2f} s per fold")
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
