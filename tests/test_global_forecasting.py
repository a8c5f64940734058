"""GlobalLSTMForecaster: long and wide panels, series of different lengths, errors, intervals, backtest."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge

import sklstm
from sklstm.forecasting._backtesting import panel_backtest
from sklstm.forecasting._global import GlobalLSTMForecaster

PATTERN = np.array([0.0, 2.0, 5.0, 1.0])


def make_panel(n_series=6, n_time=40, noise=0.0, seed=0):
    """Quarterly series with one seasonal shape at different levels and sizes (wide)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_time)
    columns = {}
    for i in range(n_series):
        level, size = 10.0 * (i + 1), 1.0 + i
        columns[f"s{i}"] = level + size * PATTERN[t % 4] + noise * size * rng.normal(size=n_time)
    return pd.DataFrame(columns, index=pd.period_range("2000Q1", periods=n_time, freq="Q"))


def to_long(wide):
    frame = wide.stack().rename("y").rename_axis(["ds", "unique_id"]).reset_index()
    return frame[["unique_id", "ds", "y"]]


def ridge_forecaster(**kw):
    return GlobalLSTMForecaster(Ridge(alpha=1e-6), **{"n_steps_in": 4, "n_models": 1, "horizon": 4, **kw})


def test_a_shared_seasonal_shape_is_forecast_for_every_series():
    wide = make_panel()
    forecast = ridge_forecaster().fit(wide).predict()
    assert list(forecast.columns) == list(wide.columns)
    assert list(forecast.index) == list(pd.period_range("2010Q1", periods=4, freq="Q"))
    expected = wide.iloc[-4:].to_numpy()  # the seasonal pattern repeats
    np.testing.assert_allclose(forecast.to_numpy(), expected, atol=1e-3)


@pytest.mark.slow  # 4-7 s: the quick tier stays under 5 minutes
def test_long_and_wide_input_give_the_same_forecasts():
    wide = make_panel(noise=0.3)
    net = sklstm.VanillaLSTMRegressor(units=4, epochs=5, random_state=0)
    f_wide = GlobalLSTMForecaster(net, n_models=1, horizon=3).fit(wide)
    f_long = GlobalLSTMForecaster(net, n_models=1, horizon=3).fit(to_long(wide))
    assert f_wide.estimators_[0][0].streamed_  # an sklstm network streams the panel's windows
    out_wide, out_long = f_wide.predict(), f_long.predict()
    assert list(out_long.columns) == ["unique_id", "ds", "y"] and len(out_long) == 3 * wide.shape[1]
    back = out_long.pivot(index="ds", columns="unique_id", values="y")[list(wide.columns)]
    np.testing.assert_allclose(back.to_numpy(), out_wide.to_numpy(), rtol=1e-6)
    assert list(back.index) == list(out_wide.index)


def test_series_of_different_lengths_and_start_dates():
    wide = make_panel()
    wide.iloc[:30, 1] = np.nan  # "s1" starts late: 10 values, too short for 8- and 12-step windows
    wide.iloc[-2:, 2] = np.nan  # "s2" ends half a year early
    # Without deseasonalizing: "s1" is too short to be adjusted, and its 8-step network would then learn the
    # shape from its own two windows only (the others' are flat once adjusted).
    f = ridge_forecaster(n_steps_in="auto", deseasonalize="none").fit(wide)
    assert f.n_steps_in_ == [4, 8, 12, 16]
    out = f.predict(2)
    assert out["s2"].dropna().index[0] == pd.Period("2009Q3")  # dated after its own end
    assert out["s1"].dropna().index[0] == pd.Period("2010Q1")
    np.testing.assert_allclose(out["s2"].dropna().to_numpy(), wide["s2"].iloc[-6:-4].to_numpy(), atol=1e-3)
    np.testing.assert_allclose(out["s1"].dropna().to_numpy(), wide["s1"].iloc[-4:-2].to_numpy(), atol=1e-3)


def trending_seasonal_panel(n_time=48, noise=0.01, seed=0):
    """Quarterly series with a trend and a multiplicative season of their own shape each (wide)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_time)
    columns = {}
    for i in range(6):
        shape = 1 + 0.3 * rng.uniform(-1, 1, size=4)
        columns[f"s{i}"] = (50 + 10 * i + (1 + i) * t) * (shape / shape.mean())[t % 4] * (
            1 + noise * rng.normal(size=n_time))
    return pd.DataFrame(columns, index=pd.period_range("2000Q1", periods=n_time, freq="Q"))


def test_deseasonalizing_puts_back_a_season_the_windows_cannot_see():
    # Two-step windows cannot tell where in the year they are: the networks see each series without its
    # season, and the forecaster puts it back.
    wide = trending_seasonal_panel()
    train, test = wide.iloc[:-8], wide.iloc[-8:]
    scale = np.abs(np.diff(train.to_numpy(), axis=0)).mean(axis=0)
    errors = {}
    for mode in ("auto", "none"):
        f = ridge_forecaster(n_steps_in=2, horizon=8, deseasonalize=mode).fit(train)
        errors[mode] = np.mean(np.abs(f.predict().to_numpy() - test.to_numpy()) / scale)
    assert list(f.deseasonalized_) == ["none"] * 6 and not f.seasonal_indices_.any()
    assert errors["auto"] < 0.2 * errors["none"], errors


def test_how_each_series_season_is_taken_out():
    wide = trending_seasonal_panel()
    wide["below_zero"] = wide["s0"] - 100.0  # seasonal, with negative values: additive
    wide["noise"] = np.random.default_rng(1).normal(size=len(wide)) + 5.0  # no season
    wide.iloc[:-10, wide.columns.get_loc("s5")] = np.nan  # 10 values: under three seasons
    f = ridge_forecaster(n_steps_in=2).fit(wide)
    kinds = dict(zip(f.ids_, f.deseasonalized_))
    assert [kinds[f"s{i}"] for i in range(5)] == ["multiplicative"] * 5
    assert (kinds["below_zero"], kinds["noise"], kinds["s5"]) == ("additive", "none", "none")
    assert f.seasonal_indices_.shape == (8, 4)
    position = f.ids_.index("s0")
    np.testing.assert_allclose(f.seasonal_indices_[position].mean(), 1.0)
    np.testing.assert_allclose(f.seasonal_indices_[f.ids_.index("below_zero")].sum(), 0.0, atol=1e-9)


def test_a_late_series_is_deseasonalized_from_its_own_first_value():
    # A pure seasonal pattern starting one quarter late: its indices are counted from its own first value,
    # and the forecast continues the pattern in the right quarter.
    t = np.arange(40)
    wide = pd.DataFrame({"early": 10 + PATTERN[t % 4], "late": 20 + 2 * PATTERN[t % 4]},
                        index=pd.period_range("2000Q1", periods=40, freq="Q"))
    wide.iloc[:5, 1] = np.nan
    f = ridge_forecaster().fit(wide)
    assert list(f.deseasonalized_) == ["multiplicative", "multiplicative"]
    np.testing.assert_allclose(f.predict().to_numpy(), wide.iloc[-4:].to_numpy(), atol=1e-6)
    interval = f.predict_interval(coverage=0.8)
    np.testing.assert_allclose(interval["y"].to_numpy(), wide.iloc[-4:].to_numpy(), atol=1e-6)


def test_auto_averages_networks_on_the_adjusted_series_with_networks_on_the_series_as_given():
    wide = trending_seasonal_panel(noise=0.05)
    train = wide.iloc[:-8]
    mixed = ridge_forecaster(n_steps_in=2, horizon=8, n_models=2).fit(train)
    assert mixed.network_views_ == ["adjusted", "as given"]
    adjusted = ridge_forecaster(n_steps_in=2, horizon=8, deseasonalize="all").fit(train)
    as_given = ridge_forecaster(n_steps_in=2, horizon=8, deseasonalize="none").fit(train)
    assert adjusted.network_views_ == ["adjusted"] and as_given.network_views_ == ["as given"]
    # The mean of the two (up to the series' scales: the mixed fit divides both views by the adjusted series').
    one, other, forecast = adjusted.predict().to_numpy(), as_given.predict().to_numpy(), mixed.predict().to_numpy()
    gap = np.abs(forecast - (one + other) / 2).max()
    assert gap < 0.01 * np.abs(forecast).max() and gap < 0.2 * np.abs(one - other).max()
    # Every network adjusted with "all"; no network adjusted where no series shows a season.
    assert ridge_forecaster(n_models=3, deseasonalize="all").fit(train).network_views_ == ["adjusted"] * 3
    assert ridge_forecaster(n_models=2, season_length=1).fit(train).network_views_ == ["as given"] * 2


def test_deseasonalize_must_be_auto_all_or_none():
    with pytest.raises(ValueError, match="deseasonalize"):
        ridge_forecaster(deseasonalize="yes").fit(make_panel())


def test_a_series_too_short_for_one_window_is_named():
    wide = make_panel()
    wide.iloc[:-4, 3] = np.nan  # "s3" keeps 4 values: a 4-step window needs 5
    with pytest.raises(ValueError, match=r"Series 's3' has 4 values: too short for one window of n_steps_in=4"):
        ridge_forecaster().fit(wide)


def test_an_unknown_series_id_at_predict_time_is_a_clear_error():
    f = ridge_forecaster().fit(to_long(make_panel()))
    assert list(f.predict(ids=["s2", "s0"])["unique_id"].unique()) == ["s2", "s0"]
    with pytest.raises(ValueError, match=r"series 'nope' not in the fitted panel"):
        f.predict(ids=["s0", "nope"])
    with pytest.raises(ValueError, match=r"series 'nope' not in the fitted panel"):
        f.predict_interval(ids="nope")


def test_predict_before_fit_and_bad_parameters():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GlobalLSTMForecaster().predict()
    with pytest.raises(ValueError, match="n_models"):
        GlobalLSTMForecaster(n_models=0).fit(make_panel())
    with pytest.raises(ValueError, match="horizon must be a positive integer"):
        ridge_forecaster().fit(make_panel()).predict(0)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        ridge_forecaster().fit(np.ones((20, 3)))


def test_series_scaled_on_their_own_do_not_swamp_each_other():
    wide = make_panel()
    wide["big"] = 1e6 + 1e5 * PATTERN[np.arange(len(wide)) % 4]
    out = ridge_forecaster().fit(wide).predict()
    np.testing.assert_allclose(out["s0"].to_numpy(), wide["s0"].iloc[-4:].to_numpy(), rtol=1e-4)
    np.testing.assert_allclose(out["big"].to_numpy(), wide["big"].iloc[-4:].to_numpy(), rtol=1e-6)


def test_intervals_cover_about_as_asked_on_noisy_series():
    train = make_panel(n_series=80, n_time=44, noise=1.0, seed=1)
    full = make_panel(n_series=80, n_time=48, noise=1.0, seed=1)
    f = ridge_forecaster(n_steps_in=8).fit(train)
    out = f.predict_interval(4, coverage=0.9)
    assert set(out.columns.get_level_values(0)) == {"y", "lower", "upper"}
    actual = full.iloc[-4:].to_numpy()
    lower, upper = out["lower"].to_numpy(), out["upper"].to_numpy()
    assert np.all(lower <= out["y"].to_numpy()) and np.all(out["y"].to_numpy() <= upper)
    covered = np.mean((lower <= actual) & (actual <= upper))
    assert 0.8 <= covered <= 0.98
    width = (upper - lower)[0]  # first step, by series
    assert width[-1] > 5 * width[0]  # each series' interval in its own units (sizes 1 to 80)


def test_panel_backtest_rows_per_series_and_fold():
    wide = make_panel(noise=0.2)
    table = panel_backtest(ridge_forecaster(n_steps_in=12), wide, horizon=4, n_folds=2)
    assert len(table) == 2 * wide.shape[1] and set(table["series"]) == set(wide.columns)
    assert table.attrs["mean_mase"] == pytest.approx(table["mase"].mean())
    assert 0 < table.attrs["mean_mase"] < 1  # three seasons of lags average the noise out: better than seasonal naive
    assert table["test_start"].iloc[0] == pd.Period("2008Q1")
    too_short = r"Series 's0' \(\d+ series in all\) is too short for n_folds=20 folds of horizon=4: each series needs"
    with pytest.raises(ValueError, match=too_short + " more than 81 values"):
        panel_backtest(ridge_forecaster(), wide, horizon=4, n_folds=20)
    wide["s1"] = 3.0  # a series that never changes: its MASE is undefined, and said to be
    with pytest.warns(RuntimeWarning, match=r"MASE is undefined \(NaN\) for series 's1' fold 0, series 's1' fold 1"):
        table = panel_backtest(ridge_forecaster(n_steps_in=12), wide, horizon=4, n_folds=2)
    assert table.loc[table["series"] == "s1", "mase"].isna().all()


def test_a_new_fit_forgets_the_last_one():
    f = ridge_forecaster().fit(make_panel())
    f.predict_interval()
    f.fit(make_panel(n_series=2))
    assert f.ids_ == ["s0", "s1"] and f.scales_.shape == (2,)
    assert "_intervals" not in vars(f)
    assert list(f.predict().columns) == ["s0", "s1"]


def test_clone_and_pickle():
    f = ridge_forecaster(verbose=0)
    assert {k: v for k, v in clone(f).get_params(deep=False).items() if k != "estimator"} == {
        k: v for k, v in f.get_params(deep=False).items() if k != "estimator"}
    f.fit(make_panel())
    g = pickle.loads(pickle.dumps(f))
    pd.testing.assert_frame_equal(g.predict(), f.predict())


def test_verbose_says_what_trains_on_stderr(capsys):
    ridge_forecaster(verbose=1).fit(make_panel())
    captured = capsys.readouterr()
    assert "windows of 4 steps from 6 series" in captured.err and captured.out == ""


def _drifting_panel(n=6, n_time=20):
    """Half the series rise by 1 a step, half fall by 1: a window of one value cannot tell which."""
    t = np.arange(n_time, dtype=float)
    wide = pd.DataFrame({f"s{i}": 100.0 + (t if i % 2 == 0 else -t) for i in range(n)},
                        index=pd.RangeIndex(n_time, name="step"))
    static = pd.DataFrame({"rising": [1.0 - i % 2 for i in range(n)]}, index=wide.columns)
    return wide, static


def _one_lag(**kw):
    return GlobalLSTMForecaster(Ridge(alpha=1e-6), n_steps_in=1, season_length=1, n_models=1, horizon=3, **kw)


def test_static_covariates_tell_the_series_apart():
    wide, static = _drifting_panel()
    alone = _one_lag().fit(wide).predict()
    informed = _one_lag().fit(wide, static=static)
    assert informed.extra_names_ == ["rising"] and informed.estimators_[0][0].n_features_in_ == 2
    np.testing.assert_allclose(alone["s0"].to_numpy(), [119.0, 119.0, 119.0], atol=1e-6)  # no idea of the direction
    out = informed.predict()
    np.testing.assert_allclose(out["s0"].to_numpy(), [120.0, 121.0, 122.0], atol=1e-4)
    np.testing.assert_allclose(out["s1"].to_numpy(), [80.0, 79.0, 78.0], atol=1e-4)
    long_static = static.rename_axis("unique_id").reset_index()  # an id column works as well as the index
    out_long = _one_lag().fit(to_long(wide), static=long_static).predict(ids="s1")
    np.testing.assert_allclose(out_long["y"].to_numpy(), [80.0, 79.0, 78.0], atol=1e-4)


def test_one_hot_identity_learns_what_is_particular_to_each_series():
    wide, _ = _drifting_panel()
    f = _one_lag(series_identity="one-hot").fit(wide)
    assert f.extra_names_ == [f"series=s{i}" for i in range(6)]
    out = f.predict()
    np.testing.assert_allclose(out["s2"].to_numpy(), [120.0, 121.0, 122.0], atol=1e-4)
    np.testing.assert_allclose(out["s3"].to_numpy(), [80.0, 79.0, 78.0], atol=1e-4)
    table = panel_backtest(_one_lag(series_identity="one-hot"), wide, horizon=2, n_folds=2)
    assert table.attrs["mean_mase"] < 1e-3
    many = pd.DataFrame(np.ones((6, 1001)) + np.arange(6)[:, None])
    with pytest.raises(ValueError, match="1001 are too many"):
        _one_lag(series_identity="one-hot").fit(many)


def _embedding_lstm(**kw):
    net = sklstm.VanillaLSTMRegressor(units=8, epochs=80, batch_size=32, random_state=0)
    return GlobalLSTMForecaster(net, n_steps_in=1, season_length=1, n_models=1, horizon=3, **kw)


def test_an_embedding_learns_what_is_particular_to_each_series():
    wide, _ = _drifting_panel()
    truth = np.array([[120.0, 121.0, 122.0] if i % 2 == 0 else [80.0, 79.0, 78.0] for i in range(6)])
    f = _embedding_lstm(series_identity="embedding", embedding_dim=2).fit(wide)
    net = f.estimators_[0][0]
    assert f.embedding_dim_ == 2 and net.id_embedding == (6, 2) and net.streamed_ and net.n_series_in_ == 2
    assert f.extra_names_ == []
    error = np.abs(f.predict().to_numpy().T - truth).mean()
    blind = np.abs(_one_lag().fit(wide).predict().to_numpy().T - truth).mean()  # rising or falling? one can't tell
    assert blind > 1.9 and error < 0.25 * blind, (error, blind)
    with pytest.raises(ValueError, match="series 's9' not in the fitted panel"):
        f.predict(ids="s9")  # an unseen series has no embedding


def test_an_embedding_needs_an_sklstm_network():
    wide, _ = _drifting_panel()
    with pytest.raises(ValueError, match="series_identity='embedding' needs an sklstm network.*Ridge has none"):
        _one_lag(series_identity="embedding").fit(wide)
    with pytest.raises(ValueError, match="embedding_dim"):
        _embedding_lstm(series_identity="embedding", embedding_dim=0).fit(wide)


@pytest.mark.slow  # 1,001 series, and a second path through Keras' own loop
def test_an_embedding_serves_panels_beyond_one_hot_and_keras_own_loop():
    t = np.arange(12, dtype=float)
    many = pd.DataFrame({f"s{i}": 10.0 + (i % 3) * t for i in range(1001)})
    net = sklstm.VanillaLSTMRegressor(units=4, epochs=2, random_state=0)
    f = GlobalLSTMForecaster(net, n_steps_in=2, season_length=1, n_models=1, horizon=2,
                             series_identity="embedding").fit(many)
    assert f.embedding_dim_ == 16 and f.estimators_[0][0].id_embedding == (1001, 16)
    assert np.all(np.isfinite(f.predict().to_numpy()))
    wide, _ = _drifting_panel()
    keras_loop = _embedding_lstm(series_identity="embedding", embedding_dim=2)
    keras_loop.estimator.set_params(fit_loop="keras")
    out = keras_loop.fit(wide).predict()
    assert not keras_loop.estimators_[0][0].streamed_
    np.testing.assert_allclose(out["s0"].to_numpy(), [120.0, 121.0, 122.0], atol=2.0)
    np.testing.assert_allclose(out["s1"].to_numpy(), [80.0, 79.0, 78.0], atol=2.0)
    again = pickle.loads(pickle.dumps(keras_loop))
    pd.testing.assert_frame_equal(again.predict(), out)
    assert panel_backtest(_embedding_lstm(series_identity="embedding"), wide, horizon=2, n_folds=1).attrs["mean_mase"] < 0.5


def test_static_covariates_are_checked_by_series_and_column():
    wide, static = _drifting_panel()
    with pytest.raises(ValueError, match="static has no row for series 's5'"):
        _one_lag().fit(wide, static=static.iloc[:5])
    with pytest.raises(ValueError, match="static column 'size' has a missing or infinite value for series 's1'"):
        _one_lag().fit(wide, static=static.assign(size=[1.0, np.nan, 2.0, 3.0, 4.0, 5.0]))
    with pytest.raises(ValueError, match="static column 'kind' has a missing value for series 's2'"):
        _one_lag().fit(wide, static=static.assign(kind=["a", "b", None, "a", "b", "a"]))
    with pytest.raises(ValueError, match="several rows for series 's0'"):
        _one_lag().fit(wide, static=pd.concat([static, static.iloc[:1]]))
    with pytest.raises(TypeError, match="static must be a pandas DataFrame"):
        _one_lag().fit(wide, static=[1, 0, 1, 0, 1, 0])


def test_text_and_boolean_static_covariates_are_one_hot_encoded():
    wide, static = _drifting_panel()
    as_text = static.assign(rising=np.where(static["rising"] > 0, "up", "down"))
    f = _one_lag().fit(wide, static=as_text)
    assert f.extra_names_ == ["rising=down", "rising=up"]
    np.testing.assert_allclose(f.predict()["s0"].to_numpy(), [120.0, 121.0, 122.0], atol=1e-4)  # told apart
    g = _one_lag().fit(wide, static=static.assign(rising=static["rising"] > 0, kind=pd.Categorical(["x", "y"] * 3)))
    assert g.extra_names_ == ["rising=False", "rising=True", "kind=x", "kind=y"]


def test_streamed_networks_read_the_static_columns():
    wide, static = _drifting_panel()
    net = sklstm.VanillaLSTMRegressor(units=4, epochs=3, random_state=0)
    f = GlobalLSTMForecaster(net, n_steps_in=2, season_length=1, n_models=1, series_identity="one-hot").fit(wide, static)
    assert f.estimators_[0][0].streamed_ and f.estimators_[0][0].n_series_in_ == 1 + 1 + 6
    assert np.all(np.isfinite(f.predict(2).to_numpy()))


def test_a_series_never_negative_is_never_forecast_negative_even_beside_negative_ones():
    t = np.arange(24, dtype=float)
    wide = pd.DataFrame({"falling": np.maximum(12.0 - t, 0.0), "below": -5.0 - t})
    f = GlobalLSTMForecaster(Ridge(alpha=1e-6), n_steps_in=2, season_length=1, n_models=1, horizon=4).fit(wide)
    assert f.nonnegative_.tolist() == [True, False]
    out = f.predict()
    assert (out["falling"] >= 0).all() and (out["below"] < -28).all()
    assert (f.predict_interval()["lower"]["falling"] >= 0).all()
    assert not GlobalLSTMForecaster(Ridge(), n_steps_in=2, nonnegative=False).fit(wide).nonnegative_.any()


def test_interval_and_backtest_arguments_are_checked():
    wide = make_panel()
    f = ridge_forecaster().fit(wide)
    with pytest.raises(ValueError, match=r"coverage must be in \(0, 1\), got 1.5"):
        f.predict_interval(coverage=1.5)
    with pytest.raises(ValueError, match="No series is longer than horizon=40 plus one window"):
        f.predict_interval(40)
    with pytest.raises(TypeError, match="panel_backtest needs a GlobalLSTMForecaster; got LSTMForecaster"):
        panel_backtest(sklstm.LSTMForecaster(), wide)


def test_the_loop_refuses_a_panel_past_its_int32_indexes():
    from sklstm._training.training import _segments

    assert _segments(None).shape == (0, 2)
    assert _segments(np.array([[0, 3], [10, 4]])).numpy().tolist() == [[0, 0], [10, 3]]
    with pytest.raises(ValueError, match="2\\*\\*31 rows or more"):
        _segments(np.array([[2**31, 1]]))


def test_a_horizon_or_season_beyond_the_panel_is_refused():
    wide = make_panel()
    f = ridge_forecaster().fit(wide)
    with pytest.raises(ValueError, match=r"horizon=1000000000 is more than 10 times .* fitted on \(at most 400\)"):
        f.predict(10**9)
    with pytest.raises(ValueError, match=r"horizon=1000000000"):
        f.predict_interval(10**9)
    with pytest.raises(ValueError, match=r"season_length=40 is not shorter than the longest series \(40 values\)"):
        ridge_forecaster(season_length=40).fit(wide)


_GATE = __import__("threading").Event()


class _WaitingRidge(Ridge):
    """A ridge whose fit waits for the test's gate: a fit held open in another thread."""

    def fit(self, X, y, sample_weight=None):
        _GATE.wait(30)
        return super().fit(X, y, sample_weight)


def test_two_threads_cannot_fit_one_global_forecaster_at_once():
    import threading
    import time

    wide = make_panel()
    f = GlobalLSTMForecaster(_WaitingRidge(alpha=1e-6), n_steps_in=2, season_length=1, n_models=1, horizon=2)
    _GATE.clear()
    first = threading.Thread(target=f.fit, args=(wide,))
    first.start()
    while "_fit_lock" not in vars(f):
        time.sleep(0.01)
    with pytest.raises(RuntimeError, match="GlobalLSTMForecaster is already being fitted in another thread"):
        f.fit(wide)
    _GATE.set()
    first.join()
    assert "_fit_lock" not in vars(f) and f.predict().shape[0] == 2


def _promo_panel(n_series=6, n_time=80, horizon=4, seed=0):
    """Long sales with a known promotion effect (+10), the promotions of every day (past and forecast steps)."""
    rng = np.random.default_rng(seed)
    rows, promos = [], []
    for i in range(n_series):
        days = pd.date_range("2023-01-01", periods=n_time + horizon, freq="D")
        promo = (rng.random(n_time + horizon) < 0.3).astype(float)
        sales = 50.0 + 5 * i + 10.0 * promo + rng.normal(0, 0.5, n_time + horizon)
        rows.append(pd.DataFrame({"unique_id": f"s{i}", "ds": days, "y": sales}))
        promos.append(pd.DataFrame({"unique_id": f"s{i}", "ds": days, "promo": promo}))
    full, promo = pd.concat(rows, ignore_index=True), pd.concat(promos, ignore_index=True)
    last = full.groupby("unique_id")["ds"].transform("max") - pd.Timedelta(days=horizon)
    return full[full["ds"] <= last], full[full["ds"] > last], promo


def _error(forecast, actual):
    return float(np.mean(np.abs(forecast["y"].to_numpy() - actual["y"].to_numpy())))


def test_a_future_known_covariate_with_a_known_effect_improves_the_forecast():
    train, actual, promo = _promo_panel()
    without = _one_lag().set_params(n_steps_in=3, horizon=4).fit(train).predict()
    f = _one_lag().set_params(n_steps_in=3, horizon=4).fit(train, X=promo)
    with_promo = f.predict(X=promo)
    assert f.future_names_ == ["promo"] and f.estimators_[0][0].n_features_in_ == 3 * 2
    assert _error(with_promo, actual) < 0.3 * _error(without, actual)
    interval = f.predict_interval(X=promo)
    assert (interval["lower"] <= interval["y"]).all() and (interval["y"] <= interval["upper"]).all()
    table = panel_backtest(_one_lag().set_params(n_steps_in=3), train, X=promo, horizon=4, n_folds=2)
    plain = panel_backtest(_one_lag().set_params(n_steps_in=3), train, horizon=4, n_folds=2)
    assert table.attrs["mean_mase"] < 0.5 * plain.attrs["mean_mase"]


def test_an_lstm_streams_the_future_covariates():
    train, actual, promo = _promo_panel(n_series=3, n_time=60)
    net = sklstm.VanillaLSTMRegressor(units=4, epochs=3, random_state=0)
    f = GlobalLSTMForecaster(net, n_steps_in=3, season_length=1, n_models=1, horizon=4).fit(train, X=promo)
    assert f.estimators_[0][0].streamed_ and f.estimators_[0][0].n_series_in_ == 2
    assert np.isfinite(f.predict(X=promo)["y"]).all()


@pytest.mark.slow  # two LSTM panels
def test_an_embedding_reads_its_id_after_the_future_covariates():
    train, actual, promo = _promo_panel(n_series=4, n_time=60)
    net = sklstm.VanillaLSTMRegressor(units=8, epochs=60, random_state=0)
    kw = {"n_steps_in": 3, "season_length": 1, "n_models": 1, "horizon": 4, "series_identity": "embedding"}
    f = GlobalLSTMForecaster(net, **kw).fit(train, X=promo)
    fitted = f.estimators_[0][0]
    assert fitted.n_series_in_ == 3 and fitted.id_embedding == (4, f.embedding_dim_)  # value, promo, id
    with_promo, without = f.predict(X=promo), GlobalLSTMForecaster(net, **kw).fit(train).predict()
    assert _error(with_promo, actual) < 0.5 * _error(without, actual)


def test_future_covariate_mismatches_are_named():
    train, _, promo = _promo_panel()
    f = _one_lag().set_params(horizon=4).fit(train, X=promo)
    with pytest.raises(ValueError, match=r"fitted with future-known covariates \['promo'\]: pass X"):
        f.predict()
    with pytest.raises(ValueError, match="X has no value of 'promo' for series 's0' at 2023-03-22"):
        f.predict(X=promo[promo["ds"] < "2023-03-22"])
    with pytest.raises(ValueError, match="X has no rows for series 's5'"):
        f.predict(X=promo[promo["unique_id"] != "s5"])
    with pytest.raises(ValueError, match="X has no covariate column 'promo'"):
        f.predict(X=promo.rename(columns={"promo": "price"}))
    with pytest.raises(ValueError, match="at 2023-01-05 .* at each of its time stamps"):
        _one_lag().fit(train, X=promo.drop(index=4))
    with pytest.raises(ValueError, match="X column 'kind' is not numeric"):
        _one_lag().fit(train, X=promo.assign(kind="a"))
    with pytest.raises(ValueError, match="fitted without future-known covariates"):
        _one_lag().fit(train).predict(X=promo)


def test_future_covariates_with_a_wide_panel():
    train, actual, promo = _promo_panel(n_series=3)
    wide = train.pivot(index="ds", columns="unique_id", values="y")
    wide.index = pd.DatetimeIndex(wide.index, freq="D")
    f = _one_lag().set_params(n_steps_in=3, horizon=4).fit(wide, X=promo)
    forecast = f.predict(X=promo)
    assert list(forecast.columns) == ["s0", "s1", "s2"] and len(forecast) == 4
    expected = actual.pivot(index="ds", columns="unique_id", values="y").to_numpy()
    assert np.mean(np.abs(forecast.to_numpy() - expected)) < 2.0  # the promotions' +10 is read, not guessed


def _leading_panel(n_series=6, n_time=100, horizon=4, seed=0):
    """Long sales that follow a past-only indicator ``horizon`` days later, and the indicator at every day."""
    rng = np.random.default_rng(seed)
    rows, leads = [], []
    for i in range(n_series):
        days = pd.date_range("2023-01-01", periods=n_time + horizon, freq="D")
        lead = rng.normal(0, 1, n_time + horizon)
        sales = 50.0 + 5 * i + 8.0 * np.concatenate([np.zeros(horizon), lead[:-horizon]]) + rng.normal(0, 0.3, n_time + horizon)
        rows.append(pd.DataFrame({"unique_id": f"s{i}", "ds": days, "y": sales}))
        leads.append(pd.DataFrame({"unique_id": f"s{i}", "ds": days, "visits": lead}))
    full, lead = pd.concat(rows, ignore_index=True), pd.concat(leads, ignore_index=True)
    last = full.groupby("unique_id")["ds"].transform("max") - pd.Timedelta(days=horizon)
    observed = lead[lead["ds"] <= lead.groupby("unique_id")["ds"].transform("max") - pd.Timedelta(days=horizon)]
    return full[full["ds"] <= last], full[full["ds"] > last], observed


def test_a_past_only_covariate_that_leads_the_series_improves_the_forecast():
    train, actual, visits = _leading_panel()  # the indicator only up to each series' last value
    without = _one_lag().set_params(n_steps_in=3, horizon=4).fit(train).predict()
    f = _one_lag().set_params(n_steps_in=3, horizon=4).fit(train, X_past=visits)
    with_visits = f.predict()  # nothing more to pass: the values read are observed
    assert f.past_names_ == ["visits"] and f.future_names_ == [] and f.future_stats_.shape == (2, 1)
    assert _error(with_visits, actual) < 0.3 * _error(without, actual)
    assert f.predict(2)["y"].tolist() == with_visits.groupby("unique_id").head(2)["y"].tolist()
    interval = f.predict_interval()
    assert (interval["lower"] <= interval["y"]).all() and (interval["y"] <= interval["upper"]).all()
    table = panel_backtest(_one_lag().set_params(n_steps_in=3), train, X_past=visits, horizon=4, n_folds=2)
    plain = panel_backtest(_one_lag().set_params(n_steps_in=3), train, horizon=4, n_folds=2)
    assert table.attrs["mean_mase"] < 0.5 * plain.attrs["mean_mase"]


def test_past_only_and_future_known_covariates_together():
    train, actual, visits = _leading_panel(n_series=3)
    promo = visits.rename(columns={"visits": "promo"}).assign(promo=0.0)
    promo = pd.concat([promo, actual[["unique_id", "ds"]].assign(promo=0.0)], ignore_index=True)
    f = _one_lag().set_params(n_steps_in=3, horizon=4).fit(train, X=promo, X_past=visits)
    assert f.future_names_ == ["promo"] and f.past_names_ == ["visits"]
    assert f.estimators_[0][0].n_features_in_ == 3 * 3  # value, promo, lagged visits per step
    assert np.mean(np.abs(f.predict(X=promo)["y"].to_numpy() - actual["y"].to_numpy())) < 2.0


def test_past_only_covariates_with_a_wide_panel():
    train, actual, visits = _leading_panel(n_series=3)
    wide = train.pivot(index="ds", columns="unique_id", values="y")
    wide.index = pd.DatetimeIndex(wide.index, freq="D")
    long = _one_lag().set_params(n_steps_in=3, horizon=4).fit(train, X_past=visits).predict()
    forecast = _one_lag().set_params(n_steps_in=3, horizon=4).fit(wide, X_past=visits).predict()
    assert list(forecast.columns) == ["s0", "s1", "s2"] and len(forecast) == 4
    np.testing.assert_allclose(forecast.to_numpy().T.ravel(), long["y"].to_numpy())


def test_an_lstm_streams_the_past_only_covariates():
    train, _, visits = _leading_panel(n_series=3, n_time=60)
    net = sklstm.VanillaLSTMRegressor(units=4, epochs=3, random_state=0)
    f = GlobalLSTMForecaster(net, n_steps_in=3, season_length=1, n_models=1, horizon=4).fit(train, X_past=visits)
    assert f.estimators_[0][0].streamed_ and np.isfinite(f.predict()["y"]).all()


def test_past_covariate_mismatches_are_named():
    train, _, visits = _leading_panel()
    f = _one_lag().set_params(horizon=4).fit(train, X_past=visits)
    with pytest.raises(ValueError, match=r"horizon=5 is beyond the fit's horizon=4: the past-only covariates \['visits'\]"):
        f.predict(5)
    with pytest.raises(ValueError, match="X was given, but the forecaster was fitted without future-known"):
        f.predict(X=visits)
    with pytest.raises(ValueError, match="X_past has no value of 'visits' for series 's0' at 2023-01-05"):
        _one_lag().fit(train, X_past=visits.drop(index=4))
    with pytest.raises(ValueError, match="X_past has no rows for series 's5'"):
        _one_lag().fit(train, X_past=visits[visits["unique_id"] != "s5"])
    with pytest.raises(ValueError, match="X_past column 'kind' is not numeric"):
        _one_lag().fit(train, X_past=visits.assign(kind="a"))
    with pytest.raises(ValueError, match="X_past must be a long DataFrame"):
        _one_lag().fit(train, X_past=visits.to_numpy())


def test_max_steps_cuts_the_epochs_of_a_large_panel():
    wide = make_panel(n_series=6, n_time=40, noise=0.3)  # 6 x 36 = 216 windows of 4 steps: 27 batches of 8
    net = sklstm.VanillaLSTMRegressor(units=2, epochs=20, batch_size=8, random_state=0)
    budget = GlobalLSTMForecaster(net, n_steps_in=4, n_models=1, horizon=2, max_steps=60).fit(wide)
    assert budget.epochs_ == [2]  # 60 // 27
    assert len(budget.estimators_[0][0].history_["loss"]) == 2
    tiny = GlobalLSTMForecaster(net, n_steps_in=4, n_models=1, horizon=2, max_steps=5).fit(wide)
    assert tiny.epochs_ == [1]  # never fewer than one epoch


def test_max_steps_none_or_a_regressor_without_epochs_keeps_them():
    wide = make_panel()
    net = sklstm.VanillaLSTMRegressor(units=2, epochs=3, batch_size=8, random_state=0)
    assert GlobalLSTMForecaster(net, n_steps_in=4, n_models=1, max_steps=None).fit(wide).epochs_ == [3]
    assert GlobalLSTMForecaster(net, n_steps_in=4, n_models=1, max_steps=10**6).fit(wide).epochs_ == [3]
    assert ridge_forecaster(max_steps=1).fit(wide).epochs_ == [None]


@pytest.mark.parametrize("bad", [0, -5, 2.5, "many"])
def test_a_bad_max_steps_is_named(bad):
    with pytest.raises(ValueError, match="max_steps"):
        ridge_forecaster(max_steps=bad).fit(make_panel())
