import pandas as pd

from sklstm.datasets import load_airline, load_energy


def test_airline_is_box_jenkins_series_g():
    y = load_airline()
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr == "M"
    assert y.iloc[:3].tolist() == [112, 118, 132] and y.sum() == 40363


def test_energy_has_target_and_related_columns():
    df = load_energy()
    assert isinstance(df.index, pd.DatetimeIndex) and df.index.freqstr == "D"
    assert df.notna().all().all() and set(df["is_weekend"].unique()) == {0.0, 1.0}
