"""Seasonal adjustment for ``GlobalLSTMForecaster``, scored before the library had it, on tuning panels only.

Each series of a panel (``tune_panel.py``'s loaders) is seasonally adjusted here, the default global model
(``deseasonalize="none"``: the series as given) is fitted on the adjusted panel and the season is put back
into its forecasts. Kinds: ``add`` / ``mul`` (classical decomposition, additive / multiplicative; ``mul``
falls back to additive for a series with a value of zero or less), ``stl`` (statsforecast's ``mstl``,
additive, the last season's component repeated), ``m4`` (the M4 benchmarks' 90% autocorrelation test, then
``mul``: what ``deseasonalize="all"`` does for every network, and ``"auto"`` for half of them) and
``default`` (no adjustment). Mean MASE per panel over its folds (seasonal-naive scale), and seconds per
fold::

    python benchmarks/tune_deseasonalize.py arrivals,accommodation,births_daily,births_monthly 0 add,mul
    python benchmarks/tune_deseasonalize.py arrivals,accommodation,macro,births_daily,births_monthly 1 default,m4
"""
from __future__ import annotations

import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tune_panel as tp  # noqa: E402
from bench_panel import folds, global_lstm, mase  # noqa: E402

warnings.filterwarnings("ignore")


def profile(y: np.ndarray, m: int, kind: str) -> np.ndarray:
    """Classical seasonal indices by position ``t % m`` (``t`` from the first value): a centred moving average."""
    n = len(y)
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    half = (len(weights) - 1) // 2
    trend = np.full(n, np.nan)
    trend[half : half + n - len(weights) + 1] = np.convolve(y, weights, mode="valid")
    detrended = y / trend if kind == "mul" else y - trend
    position = np.arange(n) % m
    indices = np.array([np.nanmean(detrended[position == j]) for j in range(m)])
    return indices / indices.mean() if kind == "mul" else indices - indices.mean()


def seasonal_test(y: np.ndarray, m: int) -> bool:
    """The M4 benchmarks' 90% autocorrelation test for a season at lag ``m``."""
    n = len(y)
    if n < 3 * m:
        return False
    d = y - y.mean()
    acf = np.array([np.sum(d[k:] * d[: n - k]) for k in range(m + 1)]) / np.sum(d * d)
    return abs(acf[m]) > 1.645 * np.sqrt((1 + 2 * np.sum(acf[1:m] ** 2)) / n)


def stl_season(y: np.ndarray, m: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """statsforecast's STL seasonal component, and its last season repeated over ``h`` steps."""
    from statsforecast.mstl import mstl

    seasonal = mstl(y, m)["seasonal"].to_numpy()
    return seasonal, np.resize(seasonal[-m:], h)


def adjusted(seed: int, kind: str):
    def run(case, train):
        from sklstm.forecasting import GlobalLSTMForecaster

        m, h = case.season, case.horizon
        frame, future = train.copy(), []
        for c in train.columns:
            y = train[c].to_numpy(float)
            if kind == "stl":
                seasonal, ahead = stl_season(y, m, h)
                frame[c] = y - seasonal
                future.append(("add", ahead))
                continue
            if kind == "m4" and not seasonal_test(y, m):
                future.append(("add", np.zeros(h)))
                continue
            here = "mul" if kind in ("mul", "m4") and np.all(y > 0) else "add"
            indices = profile(y, m, here)
            past, ahead = indices[np.arange(len(y)) % m], indices[np.arange(len(y), len(y) + h) % m]
            frame[c] = y / past if here == "mul" else y - past
            future.append((here, ahead))
        model = GlobalLSTMForecaster(horizon=h, random_state=seed, season_length=m, deseasonalize="none")
        forecast = model.fit(frame).predict().to_numpy().T
        return np.array([f * s if k == "mul" else f + s for f, (k, s) in zip(forecast, future)])

    return run


def main() -> None:
    panels, seeds = sys.argv[1].split(","), [int(s) for s in sys.argv[2].split(",")]
    kinds = sys.argv[3].split(",") if len(sys.argv) > 3 else ["add", "mul"]
    for name in panels:
        case = tp.load(name)
        scores, seconds = {}, {}
        for _, train, test in folds(case):
            runs = [(f"default s{s}", global_lstm(s, deseasonalize="none")) for s in seeds if "default" in kinds]
            runs += [(f"{kind} s{s}", adjusted(s, kind)) for s in seeds for kind in kinds if kind != "default"]
            for label, run in runs:
                start = time.perf_counter()
                forecast = run(case, train)
                seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - start
                scores.setdefault(label, []).extend(
                    mase(test[c].to_numpy(), forecast[i], train[c].to_numpy(), case.season)
                    for i, c in enumerate(case.frame.columns))
        print(name, {k: f"{np.mean(v):.3f} ({seconds[k] / case.folds:.1f}s)" for k, v in scores.items()}, flush=True)


if __name__ == "__main__":
    main()
