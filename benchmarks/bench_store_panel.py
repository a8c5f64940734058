"""Issue 27's speed goal: a 20-store daily panel, fit plus a 90% interval, against importing TensorFlow.

The panel is synthetic and generated here (seeded): 20 stores x 2 years of daily sales, each store
with its own level, trend, weekly profile, yearly swing, promotion days (a future-known covariate
that lifts sales; the global model does not read it yet) and noise. The last 28 days are held out.

Prints, from one run: seconds for ``python -c "import tensorflow"`` (median of 3 fresh processes),
seconds for ``GlobalLSTMForecaster(horizon=28).fit(train)`` and for ``predict_interval(coverage=0.9)``,
their ratio to the import (goal: at most 10), and the mean MASE of the point forecast on the held-out
days (seasonal-naive scale, lag 7) beside seasonal naive's::

    python benchmarks/bench_store_panel.py
    python benchmarks/bench_store_panel.py --stores 5 --days 365   # a quick look
    python benchmarks/bench_store_panel.py --deseasonalize none    # the series as they are
    python benchmarks/bench_store_panel.py --deseasonalize all     # every network on the adjusted series
    python benchmarks/bench_store_panel.py --promo                  # the promotion days as future-known X
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd

HORIZON, SEASON = 28, 7


def store_panel(n_stores: int = 20, n_days: int = 730, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long frames (``unique_id, ds, y``) of daily sales, and the stores' promotion days (``unique_id, ds, promo``)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2022-01-01", periods=n_days, freq="D")
    t = np.arange(n_days)
    sales, promos = [], []
    for store in range(n_stores):
        level = rng.uniform(50, 500)
        weekly = 1 + rng.uniform(0.1, 0.4) * np.sin(2 * np.pi * (t + rng.integers(7)) / 7)
        yearly = 1 + rng.uniform(0.0, 0.2) * np.sin(2 * np.pi * t / 365.25 + rng.uniform(0, 2 * np.pi))
        trend = 1 + rng.uniform(-0.2, 0.4) * t / n_days
        promo = (rng.random(n_days) < 0.08).astype(float)
        noise = rng.normal(0, rng.uniform(0.03, 0.1), n_days)
        y = level * weekly * yearly * trend * (1 + 0.3 * promo) * (1 + noise)
        sales.append(pd.DataFrame({"unique_id": f"store_{store:02d}", "ds": days, "y": np.maximum(y, 0.0)}))
        promos.append(pd.DataFrame({"unique_id": f"store_{store:02d}", "ds": days, "promo": promo}))
    return pd.concat(sales, ignore_index=True), pd.concat(promos, ignore_index=True)


def import_seconds(repeats: int = 3) -> float:
    """Median seconds of ``python -c "import tensorflow"`` in fresh processes."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mase(actual: np.ndarray, forecast: np.ndarray, history: np.ndarray) -> float:
    scale = np.mean(np.abs(history[SEASON:] - history[:-SEASON]))
    return float(np.mean(np.abs(actual - forecast)) / scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--deseasonalize", choices=["auto", "all", "none"], default="auto")
    parser.add_argument("--promo", action="store_true", help="fit and forecast with the promotion days as X")
    args = parser.parse_args()
    from sklstm.forecasting._global import GlobalLSTMForecaster

    sales, promos = store_panel(args.stores, args.days)
    X = promos if args.promo else None
    last = sales.groupby("unique_id")["ds"].transform("max")
    train = sales[sales["ds"] <= last - pd.Timedelta(days=HORIZON)]
    test = sales[sales["ds"] > last - pd.Timedelta(days=HORIZON)]
    baseline = import_seconds()
    forecaster = GlobalLSTMForecaster(horizon=HORIZON, deseasonalize=args.deseasonalize)
    start = time.perf_counter()
    forecaster.fit(train, X=X)
    fitted = time.perf_counter() - start
    start = time.perf_counter()
    interval = forecaster.predict_interval(coverage=0.9, X=X)
    interval_s = time.perf_counter() - start
    scores, naive = [], []
    for key, history in train.groupby("unique_id")["y"]:
        actual = test.loc[test["unique_id"] == key, "y"].to_numpy()
        forecast = interval.loc[interval["unique_id"] == key, "y"].to_numpy()
        past = history.to_numpy()
        scores.append(mase(actual, forecast, past))
        naive.append(mase(actual, np.resize(past[-SEASON:], HORIZON), past))
    total = fitted + interval_s
    print(f"panel: {args.stores} stores x {args.days} days, horizon {HORIZON}; deseasonalize={args.deseasonalize}"
          + (", promotion days as X" if args.promo else ""))
    print(f"import tensorflow: {baseline:.2f} s")
    print(f"fit: {fitted:.1f} s, predict_interval: {interval_s:.1f} s, total {total:.1f} s = "
          f"{total / baseline:.1f} x the import (goal <= 10)")
    print(f"mean MASE: GlobalLSTMForecaster {np.mean(scores):.3f}, seasonal naive {np.mean(naive):.3f}")


if __name__ == "__main__":
    main()
