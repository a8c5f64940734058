import pandas as pd

from sklstm.datasets import load_airline, load_energy, load_lung_deaths


def test_airline_is_box_jenkins_series_g():
    y = load_airline()
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr == "M"
    assert y.iloc[:3].tolist() == [112, 118, 132] and y.sum() == 40363


def test_energy_has_target_and_related_columns():
    df = load_energy()
    assert isinstance(df.index, pd.DatetimeIndex) and df.index.freqstr == "D"
    assert df.notna().all().all() and set(df["is_weekend"].unique()) == {0.0, 1.0}


def test_lung_deaths_is_diggles_long_panel():
    df = load_lung_deaths()
    assert list(df.columns) == ["sex", "month", "deaths"]
    male = df[df["sex"] == "male"]
    assert len(male) == 72 and male["month"].is_monotonic_increasing
    assert male["deaths"].iloc[:3].tolist() == [2134, 1863, 1877]  # R's mdeaths
    assert df.loc[df["sex"] == "female", "deaths"].iloc[0] == 901  # R's fdeaths
