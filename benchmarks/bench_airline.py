"""The default forecaster on the bundled airline series against two baselines, same backtest.

Last three years, three 12-month folds, expanding window, MASE against the in-sample seasonal-naive
error (season 12). Baselines: the seasonal-naive forecast, and a ridge regression on the same
24-month lag windows (``LSTMForecaster(Ridge(1.0), n_models=1)``, log transform included).

    python benchmarks/bench_airline.py
"""

from __future__ import annotations

import time

from sklearn.linear_model import Ridge

from sklstm.datasets import load_airline
from sklstm.forecasting import LSTMForecaster, SeasonalNaiveForecaster, backtest


def main() -> None:
    y = load_airline()
    contenders = [
        ("seasonal naive", SeasonalNaiveForecaster(12)),
        ("ridge on windows", LSTMForecaster(Ridge(1.0), n_steps_in=24, transform="log", linear_baseline=False,
                                            residual_weight=1.0, early_stopping=False, n_models=1)),
        ("LSTMForecaster()", LSTMForecaster()),
    ]
    for name, forecaster in contenders:
        start = time.perf_counter()
        table = backtest(forecaster, y, horizon=12, n_folds=3, season_length=12)
        seconds = time.perf_counter() - start
        print(f"== {name} ({seconds:.1f} s)")
        metrics = {c: 3 for c in ("mae", "rmse", "mape", "mase")}
        print(table[["fold", "test_start", "test_end", *metrics]].round(metrics).to_string(index=False))
        print(f"mean MASE {table['mase'].mean():.3f}\n", flush=True)


if __name__ == "__main__":
    main()
