"""Rolling-origin folds and the backtest's metrics."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit

from sklstm import RollingOriginSplit, SeasonalNaiveForecaster, backtest


@pytest.mark.parametrize("window, train_size, gap", [("expanding", None, 0), ("sliding", 20, 2), ("sliding", None, 1)])
def test_folds_are_scikit_learns_time_series_split(window, train_size, gap):
    X = np.zeros(60)
    ours = list(RollingOriginSplit(3, horizon=5, window=window, train_size=train_size, gap=gap).split(X))
    first = 60 - 3 * 5
    theirs = TimeSeriesSplit(3, test_size=5, gap=gap,
                             max_train_size=(train_size or first - gap) if window == "sliding" else None).split(X)
    for (a, b), (c, d) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


def test_too_short_a_series_names_the_settings():
    with pytest.raises(ValueError, match="too few for n_splits=3 folds of horizon=5"):
        list(RollingOriginSplit(3, horizon=5).split(np.zeros(15)))


def test_mape_is_nan_when_an_actual_value_is_zero():
    y = np.tile([0.0, 1.0, 2.0, 3.0], 10)
    table = backtest(SeasonalNaiveForecaster(4), y, horizon=4, n_folds=2, season_length=4)
    assert table["mae"].tolist() == [0.0, 0.0] and table["mape"].isna().all()
    shifted = backtest(SeasonalNaiveForecaster(4), y + 1, horizon=4, n_folds=2, season_length=4)
    assert shifted["mape"].tolist() == [0.0, 0.0]


def test_backtest_needs_a_forecaster():
    with pytest.raises(TypeError, match="needs an sklstm forecaster.*got Ridge"):
        backtest(Ridge(), np.arange(50.0), horizon=5)


@pytest.mark.parametrize("kwargs, message", [
    ({"refit": "no"}, "refit must be True or False, got 'no'"),
    ({"n_folds": 0}, "n_folds must be a positive integer, got 0"),
    ({"horizon": 0}, "horizon must be a positive integer, got 0"),
    ({"n_folds": 20, "horizon": 3}, r"y has 60 time steps, too few for n_folds=20 folds of horizon=3: they test the "
                                    r"last 60 and leave none to fit on"),
])
def test_backtest_settings_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        backtest(SeasonalNaiveForecaster(), np.arange(60.0), **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_folds": 0}, "n_folds must be a positive integer, got 0"),
    ({"horizon": -1}, "horizon must be a positive integer, got -1"),
    ({"season_length": 0}, "season_length must be a positive integer, got 0"),
])
def test_panel_backtest_settings_are_named_before_any_fit(kwargs, message):
    import pandas as pd

    from sklstm import GlobalLSTMForecaster
    from sklstm.forecasting import panel_backtest

    frame = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020", periods=40, freq="MS"), "y": np.arange(40.0)})
    with pytest.raises(ValueError, match=message):
        panel_backtest(GlobalLSTMForecaster(), frame, **kwargs)


def test_a_fold_whose_training_part_never_changes_warns_that_its_mase_is_undefined():
    y = np.r_[np.full(50, 5.0), np.arange(10.0)]  # constant while the first two folds train
    with pytest.warns(RuntimeWarning, match=r"MASE is undefined \(NaN\) for fold 0, fold 1: .* over 4 steps"):
        table = backtest(SeasonalNaiveForecaster(4), y, horizon=5, n_folds=3, window="sliding", train_size=30,
                         season_length=4)
    assert table["mase"].iloc[:2].isna().all() and np.isfinite(table["mase"].iloc[2])
    assert np.isfinite(table["mae"]).all()
