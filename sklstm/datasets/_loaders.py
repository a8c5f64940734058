"""The loaders of the datasets shipped in ``sklstm/datasets/data`` (CSV files read with pandas)."""

from __future__ import annotations

from importlib import resources
from typing import Any

__all__ = ["load_airline", "load_energy", "load_lung_deaths"]


def _pandas():
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - exercised only without pandas
        raise ImportError('The dataset loaders need pandas: pip install "sklstm[pandas]".') from exc
    return pd


def _read(name: str) -> Any:
    pd = _pandas()
    with resources.files(__package__).joinpath("data", name).open("r") as fh:
        return pd.read_csv(fh)


def load_airline() -> Any:
    """Monthly international airline passengers (thousands), January 1949 to December 1960.

    The classic series of Box, G. E. P. and Jenkins, G. M. (1976), *Time Series
    Analysis, Forecasting and Control*, Series G (also R's ``AirPassengers``).
    144 observations with trend and multiplicative yearly seasonality.

    Returns
    -------
    pandas.Series
        Named ``"passengers"``, with a monthly ``PeriodIndex`` named ``"month"``.

    Examples
    --------
    >>> from sklstm.datasets import load_airline
    >>> y = load_airline()
    >>> len(y), str(y.index[0]), int(y.iloc[-1])
    (144, '1949-01', 432)
    """
    pd = _pandas()
    df = _read("airline_passengers.csv")
    index = pd.PeriodIndex(df["month"], freq="M", name="month")
    return pd.Series(df["passengers"].to_numpy(dtype=float), index=index, name="passengers")


def load_energy() -> Any:
    """Daily electricity demand with temperature and a weekend flag, 2022-01-01 to 2023-12-31.

    A *synthetic* multivariate series generated once (seeded, deterministic)
    for sklstm's examples and tests; it is not measured data. With ``t`` the
    day number, ``temperature = 11 + 9 sin(2 pi (t - 110) / 365.25) + N(0, 2)``
    and ``demand = 300 + 0.08 t + 4 |temperature - 17| ** 1.3 - 35 is_weekend
    + N(0, 6)``: a trend, a heating/cooling response to temperature and a
    weekly pattern.

    Returns
    -------
    pandas.DataFrame
        Columns ``demand`` (the target), ``temperature`` and ``is_weekend``,
        with a daily ``DatetimeIndex`` named ``"date"``.

    Examples
    --------
    >>> from sklstm.datasets import load_energy
    >>> df = load_energy()
    >>> df.shape, list(df.columns)
    ((730, 3), ['demand', 'temperature', 'is_weekend'])
    """
    pd = _pandas()
    df = _read("energy_demand.csv")
    df.index = pd.DatetimeIndex(pd.to_datetime(df.pop("date")), name="date", freq="D")
    return df.astype(float)


def load_lung_deaths() -> Any:
    """Monthly deaths from lung diseases in the UK, male and female, 1974 to 1979: a long panel of two series.

    Measured data: R's ``mdeaths`` and ``fdeaths`` (Diggle, P. J. (1990),
    *Time Series: A Biostatistical Introduction*, Oxford, table A.3), 72
    months each, with a strong yearly season.

    Returns
    -------
    pandas.DataFrame
        144 rows in long format: ``sex`` (``"male"``, ``"female"``), ``month``
        (the first day of the month) and ``deaths``.

    Examples
    --------
    >>> from sklstm.datasets import load_lung_deaths
    >>> df = load_lung_deaths()
    >>> df.shape, df["sex"].unique().tolist(), str(df["month"].iloc[0].date())
    ((144, 3), ['male', 'female'], '1974-01-01')
    """
    pd = _pandas()
    df = _read("lung_deaths.csv")
    return df.assign(month=pd.to_datetime(df["month"], format="%Y-%m"), deaths=df["deaths"].astype(float))
