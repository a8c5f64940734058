import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge

import sklstm
from sklstm.datasets import load_airline, load_energy
from sklstm.forecasting import LSTMForecaster, RollingOriginSplit, SeasonalNaiveForecaster, backtest

LINE = np.arange(10.0, 310.0, 10.0)


def ridge(**kw):
    return LSTMForecaster(Ridge(alpha=1e-6), **{"n_steps_in": 3, "transform": None, "n_models": 1, **kw})


def test_recursive_and_direct_on_a_line():
    np.testing.assert_allclose(ridge().fit(LINE).predict(3), [310, 320, 330], rtol=1e-4)
    np.testing.assert_allclose(ridge(strategy="direct", horizon=3).fit(LINE).predict(3), [310, 320, 330], rtol=1e-4)


def test_list_input_returns_array_and_pandas_input_carries_future_index():
    assert isinstance(ridge().fit(list(LINE)).predict(2), np.ndarray)
    y = load_airline()
    out = ridge(n_steps_in=12).fit(y).predict(3)
    assert isinstance(out, pd.Series) and [str(p) for p in out.index] == ["1961-01", "1961-02", "1961-03"]
    daily = pd.Series(LINE, index=pd.date_range("2024-01-01", periods=len(LINE), freq="D"))
    assert ridge().fit(daily).predict(2).index[0] == pd.Timestamp("2024-01-31")
    ranged = pd.Series(LINE, index=pd.RangeIndex(100, 100 + len(LINE)))
    assert list(ridge().fit(ranged).predict(2).index) == [130, 131]


def test_several_target_series():
    df = pd.DataFrame({"a": LINE, "b": 2 * LINE})
    out = ridge().fit(df).predict(2)
    assert list(out.columns) == ["a", "b"]
    np.testing.assert_allclose(out.to_numpy(), [[310, 620], [320, 640]], rtol=1e-4)


def test_exogenous_past_and_future_values():
    x = np.arange(len(LINE), dtype=float)
    y = 3 * x + 5
    f = ridge().fit(y, X=x)
    np.testing.assert_allclose(f.predict(2, X=[[30.0], [31.0]]), [95, 98], rtol=1e-4)
    with pytest.raises(ValueError, match="needs their future values: pass X with 2 rows"):
        f.predict(2)
    with pytest.raises(ValueError, match=r"X must have shape \(2, 1\)"):
        f.predict(2, X=[[1.0]])


def test_parameters_reach_the_wrapped_estimator():
    f = LSTMForecaster(sklstm.VanillaLSTMRegressor())
    f.set_params(estimator__units=7, n_steps_in=5)
    assert clone(f).get_params()["estimator__units"] == 7


def test_default_lstm_forecaster_runs_and_ensembles():
    y = load_airline()[:60]
    f = LSTMForecaster(sklstm.VanillaLSTMRegressor(units=4, epochs=5), n_steps_in=12, n_models=2).fit(y)
    assert len(f.estimators_) == 2 and f.log_
    assert [e.random_state for e in f.estimators_] == [0, 1]
    assert np.isfinite(f.predict(12)).all()


def test_direct_strategy_with_encoder_decoder():
    est = sklstm.EncoderDecoderLSTMRegressor(units=4, epochs=5)
    f = LSTMForecaster(est, n_steps_in=6, strategy="direct", horizon=4, n_models=1).fit(LINE)
    assert f.estimators_[0].n_steps_out == 4 and f.predict(4).shape == (4,)
    with pytest.raises(ValueError, match="horizon=5 exceeds the direct model's horizon=4"):
        f.predict(5)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"horizon": 0}, "horizon must be a positive integer")],
)
def test_bad_predict_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ridge().fit(LINE).predict(**kwargs)


def test_series_too_short():
    with pytest.raises(ValueError, match="y has 4 time steps, too short for n_steps_in=3"):
        ridge().fit(LINE[:4])


def test_rolling_origin_split_expanding_and_sliding():
    folds = list(RollingOriginSplit(3, horizon=2).split(np.zeros(10)))
    assert [te.tolist() for _, te in folds] == [[4, 5], [6, 7], [8, 9]]
    assert [len(tr) for tr, _ in folds] == [4, 6, 8]
    sliding = list(RollingOriginSplit(3, horizon=2, window="sliding", train_size=3).split(np.zeros(10)))
    assert [tr.tolist() for tr, _ in sliding] == [[1, 2, 3], [3, 4, 5], [5, 6, 7]]
    with pytest.raises(ValueError, match="too few"):
        list(RollingOriginSplit(5, horizon=3).split(np.zeros(10)))


def test_backtest_table_and_metrics():
    y = load_airline()
    table = backtest(SeasonalNaiveForecaster(12), y, horizon=12, n_folds=3, season_length=12)
    assert list(table.columns) == ["fold", "train_start", "train_end", "test_start", "test_end", "mae", "rmse", "mape", "mase"]
    values = y.to_numpy()
    err = values[-12:] - values[-24:-12]
    assert table["mae"].iloc[-1] == pytest.approx(np.mean(np.abs(err)))
    scale = np.mean(np.abs(values[12:-12] - values[:-24]))
    assert table["mase"].iloc[-1] == pytest.approx(np.mean(np.abs(err)) / scale)
    no_refit = backtest(ridge(n_steps_in=12), y, horizon=12, n_folds=3, refit=False, season_length=12)
    assert len(no_refit) == 3 and no_refit["mase"].notna().all()


def test_ridge_forecaster_beats_seasonal_naive_on_airline():
    y = load_airline()
    naive = backtest(SeasonalNaiveForecaster(12), y, horizon=12, season_length=12)["mase"].mean()
    lagged = backtest(LSTMForecaster(Ridge(1.0), n_models=1), y, horizon=12, season_length=12)["mase"].mean()
    assert lagged < 0.8 * naive


def test_conformal_interval_coverage_on_synthetic_series():
    rng = np.random.default_rng(0)
    t = np.arange(400)
    y = 50 + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, len(t))
    f = LSTMForecaster(Ridge(1.0), n_steps_in=12, transform=None, n_models=1)
    hits = []
    for origin in range(200, 400 - 6, 12):
        fitted = clone(f).fit(y[:origin])
        table = fitted.predict_interval(6, coverage=0.9, n_folds=8)
        lower, upper = table[:, 1], table[:, 2]
        actual = y[origin : origin + 6]
        hits.extend((actual >= lower) & (actual <= upper))
    assert 0.8 <= np.mean(hits) <= 0.99


def test_interval_columns_with_pandas():
    out = ridge(n_steps_in=12).fit(load_airline()).predict_interval(3, coverage=0.8)
    assert list(out.columns) == ["passengers", "passengers_lower", "passengers_upper"]
    assert (out["passengers_lower"] < out["passengers"]).all() and (out["passengers"] < out["passengers_upper"]).all()
    with pytest.raises(ValueError, match="coverage must be in"):
        ridge().fit(LINE).predict_interval(2, coverage=1.5)


def test_energy_dataset_with_exogenous_columns():
    df = load_energy()
    f = LSTMForecaster(Ridge(1.0), n_steps_in=7, n_models=1).fit(df["demand"], X=df[["temperature", "is_weekend"]])
    future = df[["temperature", "is_weekend"]].iloc[-3:]
    assert f.predict(3, X=future).shape == (3,)
