import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge

import sklstm
from sklstm.datasets import load_airline, load_energy
from sklstm.forecasting import LSTMForecaster, RollingOriginSplit, SeasonalNaiveForecaster, backtest
from sklstm.forecasting._series import resolve_season

LINE = np.arange(10.0, 310.0, 10.0)


def ridge(**kw):
    """The estimator alone on raw windows (no linear model under it, no selection)."""
    params = {"n_steps_in": 3, "transform": None, "linear_baseline": False, "n_models": 1, "early_stopping": False}
    return LSTMForecaster(Ridge(alpha=1e-6), **{**params, **kw})


def tiny_lstm():
    return sklstm.VanillaLSTMRegressor(units=4, epochs=20, linear_baseline=False)


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


def test_future_covariates_inform_the_step_they_describe():
    x = np.arange(len(LINE), dtype=float)
    y = 3 * x + 5
    f = ridge().fit(y, X=x)
    np.testing.assert_allclose(f.predict(2, X=[[30.0], [31.0]]), [95, 98], rtol=1e-4)
    with pytest.raises(ValueError, match="predict needs their values for the next 2 steps: pass X with 2 rows"):
        f.predict(2)
    with pytest.raises(ValueError, match=r"X must have shape \(2, 1\)"):
        f.predict(2, X=[[1.0]])


def test_parameters_reach_the_wrapped_estimator():
    f = LSTMForecaster(sklstm.VanillaLSTMRegressor())
    f.set_params(estimator__units=7, n_steps_in=5)
    assert clone(f).get_params()["estimator__units"] == 7


@pytest.mark.slow  # 3-5 s: the quick tier stays under 5 minutes
def test_lstm_forecaster_ensembles_seeds():
    y = load_airline()[:60]
    f = LSTMForecaster(tiny_lstm(), n_steps_in=12, transform="log", residual_weight=1.0, n_models=2).fit(y)
    assert len(f.estimators_) == 2 and f.transform_ == "log"
    assert [e.random_state for e in f.estimators_] == [0, 1]
    assert 1 <= f.epochs_ <= 20 and all(e.epochs == f.epochs_ for e in f.estimators_)
    assert np.isfinite(f.predict(12)).all()


def test_direct_strategy_with_encoder_decoder():
    est = sklstm.EncoderDecoderLSTMRegressor(units=4, epochs=5)
    f = LSTMForecaster(est, n_steps_in=6, strategy="direct", horizon=4, residual_weight=1.0, n_models=1).fit(LINE)
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


def test_a_window_too_long_for_the_series_is_named():
    with pytest.raises(ValueError, match=r"n_steps_in=50 is too long for y of 30 time steps with horizon=12 "
                                         r"\(recursive strategy\).*Use a shorter n_steps_in, or 'auto'"):
        ridge(n_steps_in=50).fit(LINE)


def test_a_series_too_short_for_every_window_length():
    with pytest.raises(ValueError, match=r"y has 9 time steps, too short to fit any window length with horizon=6 "
                                         r"\(direct strategy\)"):
        ridge(n_steps_in="auto", horizon=6, strategy="direct").fit(LINE[:9])


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


@pytest.mark.slow  # 3-6 s: the quick tier stays under 5 minutes
def test_ridge_forecaster_beats_seasonal_naive_on_airline():
    y = load_airline()
    naive = backtest(SeasonalNaiveForecaster(12), y, horizon=12, season_length=12)["mase"].mean()
    lagged = backtest(LSTMForecaster(residual_weight=0.0), y, horizon=12, season_length=12)["mase"].mean()
    assert lagged < 0.8 * naive


@pytest.mark.slow  # about 10 s each: the quick tier stays under 5 minutes
@pytest.mark.parametrize("method", ["holdout", "refit"])
def test_conformal_interval_coverage_on_synthetic_series(method):
    rng = np.random.default_rng(0)
    t = np.arange(400)
    y = 50 + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, len(t))
    # The refits fit every member n_folds times per origin: the quick statistical members only (ARIMA is slow).
    members = ("ridge", "ets", "theta") if method == "holdout" else ("ridge", "theta")
    f = LSTMForecaster(n_steps_in=12, transform=None, residual_weight=0.0, members=members)
    hits = []
    for origin in range(200, 400 - 6, 12):
        fitted = clone(f).fit(y[:origin])
        table = fitted.predict_interval(6, coverage=0.9, method=method, n_folds=8)
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


@pytest.mark.slow  # about 10 s
def test_energy_dataset_with_exogenous_columns():
    df = load_energy()
    f = LSTMForecaster(n_steps_in=7, residual_weight=0.0, members=("ridge", "ets", "theta"))
    f.fit(df["demand"], X=df[["temperature", "is_weekend"]])
    future = df[["temperature", "is_weekend"]].iloc[-3:]  # stand-ins for the next three days' covariates
    assert f.predict(3, X=future.to_numpy()).shape == (3,)  # arrays: the row rule
    dated = future.set_axis(pd.date_range("2024-01-01", periods=3, freq="D", name="date"))
    assert f.predict(3, X=dated).index[0] == pd.Timestamp("2024-01-01")
    with pytest.raises(ValueError, match="X is dated 2023-12-29 00:00:00 to 2023-12-31"):
        f.predict(3, X=future)  # dated in the past


# ---------------------------------------------------------------- covariates
def _driven_series(n=160, seed=0):
    """y[t] = 0.5 y[t-1] + 4 x[t] + noise, with x known in advance (say, a planned promotion)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n + 12)
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = 0.5 * y[t - 1] + 4 * x[t] + rng.normal(0, 0.1)
    return y + 50, x[:, np.newaxis]


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_future_covariates_change_the_first_forecast_step(strategy):
    y, x = _driven_series()
    f = LSTMForecaster(strategy=strategy, horizon=4, residual_weight=0.0).fit(y, X=x[: len(y)])
    future = x[len(y) : len(y) + 4].copy()
    base = f.predict(4, X=future)
    future[0] += 1.0
    moved = f.predict(4, X=future)
    assert moved[0] - base[0] == pytest.approx(4.0, rel=0.1)  # the first step reads X of that step
    naive = LSTMForecaster(strategy=strategy, horizon=4, residual_weight=0.0).fit(y)
    actual = 0.5 * (y[-1] - 50) + 4 * x[len(y), 0] + 50
    assert abs(base[0] - actual) < 0.2 * abs(naive.predict(1)[0] - actual) + 0.5


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
@pytest.mark.parametrize(
    "future, match",
    [
        (None, "fitted with future covariates X; predict needs their values for the next 3 steps"),
        (np.zeros((2, 1)), r"X must have shape \(3, 1\).*got \(2, 1\)"),
        (np.zeros((4, 1)), r"X must have shape \(3, 1\).*got \(4, 1\)"),
        (np.zeros((3, 2)), r"X must have shape \(3, 1\).*got \(3, 2\)"),
        (pd.DataFrame({"humidity": np.zeros(3)}), r"X has columns \['humidity'\], but the forecaster was fitted with X col"),
        (np.full((3, 1), np.nan), "X contains NaN or infinity"),
    ],
)
def test_mismatched_future_covariates_raise(strategy, future, match):
    y, x = _driven_series(80)
    f = LSTMForecaster(strategy=strategy, horizon=3, residual_weight=0.0).fit(y, X=pd.DataFrame({"temp": x[:80, 0]}))
    with pytest.raises(ValueError, match=match):
        f.predict(3, X=future)


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_covariates_at_fit_must_match(strategy):
    y, x = _driven_series(80)
    with pytest.raises(ValueError, match="X has 79 rows, but y has 80"):
        LSTMForecaster(strategy=strategy, horizon=3).fit(y, X=x[:79])
    with pytest.raises(ValueError, match="X_past has 81 rows, but y has 80"):
        LSTMForecaster(strategy=strategy, horizon=3).fit(y, X_past=x[:81])
    f = LSTMForecaster(strategy=strategy, horizon=3, residual_weight=0.0).fit(y)
    with pytest.raises(ValueError, match="fitted without future covariates X"):
        f.predict(3, X=x[:3])


def test_dataframe_covariates_are_matched_by_name():
    y, x = _driven_series(80)
    X = pd.DataFrame({"temp": x[:80, 0], "flag": np.arange(80) % 2})
    f = LSTMForecaster(horizon=3, residual_weight=0.0).fit(y, X=X)
    future = pd.DataFrame({"temp": [0.1, 0.2, 0.3], "flag": [1, 0, 1]})
    np.testing.assert_allclose(f.predict(3, X=future[["flag", "temp"]]), f.predict(3, X=future))


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_past_only_covariates_need_no_future_values(strategy):
    rng = np.random.default_rng(1)
    driver = np.cumsum(rng.normal(size=120)) + 20
    y = np.concatenate([[20.0], driver[:-1]]) * 2  # y follows the driver one step late
    f = LSTMForecaster(strategy=strategy, horizon=3, residual_weight=0.0).fit(y, X_past=driver)
    assert f.past_names_ == ["X_past0"] and f.future_names_ == []
    assert f.predict(1)[0] == pytest.approx(2 * driver[-1], rel=0.05)
    assert f.predict(3).shape == (3,)


# ---------------------------------------------------------------- selection
@pytest.mark.slow  # 3-6 s: the quick tier stays under 5 minutes
def test_a_dropped_network_forecasts_exactly_as_the_ridges_alone():
    y = load_airline()
    net = sklstm.VanillaLSTMRegressor(units=2, epochs=2)
    auto = LSTMForecaster(net, horizon=6, n_models=1, random_state=0).fit(y)
    assert auto.residual_weight_ == 0.0
    ridges = LSTMForecaster(net, horizon=6, n_models=1, random_state=0, residual_weight=0.0).fit(y)
    pd.testing.assert_series_equal(auto.predict(6), ridges.predict(6))


def test_selection_is_visible_and_explicit_parameters_are_kept():
    y = load_airline()
    f = LSTMForecaster(residual_weight=0.0).fit(y)
    assert f.season_length_ == 12
    assert f.transform_ in ("none", "log") and f.n_steps_in_ in (12, 24, 36)
    assert f.selection_.transform == f.transform_ and f.selection_.n_steps_in == f.n_steps_in_
    assert "ForecasterSelection(transform=" in repr(f.selection_)
    assert len(f.validation_scores_) == 6 and len(f.selection_.combined_with) == 5
    assert f.residual_weight_ == 0.0 and f.estimators_ == [] and f.epochs_ is None
    fixed = LSTMForecaster(n_steps_in=5, transform="log", residual_weight=0.0, season_length=4).fit(y)
    assert (fixed.n_steps_in_, fixed.transform_, fixed.season_length_) == (5, "log", 4)
    assert fixed.selection_.combined_with == ()



def test_a_series_without_a_season_gets_windows_up_to_24_steps_when_long_enough():
    rng = np.random.default_rng(0)
    y = np.cumsum(rng.normal(size=200)) + 50 * np.sin(np.arange(200) / 6.0) + 200  # a cycle, no season
    f = LSTMForecaster(residual_weight=0.0, members=("ridge",), season_length=1, transform=None).fit(y)
    assert sorted(int(k.split("=")[1]) for k in f.validation_scores_) == [3, 6, 12, 24]
    short = LSTMForecaster(residual_weight=0.0, members=("ridge",), season_length=1, transform=None).fit(y[:60])
    assert 24 not in [int(k.split("=")[1]) for k in short.validation_scores_]


def test_configurations_are_combined_with_weights_falling_by_validation_rank():
    y = load_airline()
    f = LSTMForecaster(residual_weight=0.0, members=("ridge",)).fit(y)
    weights = f.combination_weights_
    assert weights.shape == (6,) and weights.sum() == pytest.approx(1.0)
    assert np.all(np.diff(weights) < 0)  # the best-validated configuration weighs most
    labels = [f"{f.transform_}, n_steps_in={f.n_steps_in_}", *f.selection_.combined_with]
    assert [f.validation_scores_[label] for label in labels] == sorted(f.validation_scores_.values())
    singles = []
    for label in labels:
        name, steps = label.split(", n_steps_in=")
        single = LSTMForecaster(n_steps_in=int(steps), transform=name, residual_weight=0.0, members=("ridge",)).fit(y)
        singles.append(np.asarray(single.predict(12)))
    np.testing.assert_allclose(np.asarray(f.predict(12)), weights @ np.array(singles), rtol=1e-6)

def test_selection_and_forecast_are_reproducible_with_random_state():
    y = load_airline()[:96]
    first = LSTMForecaster(tiny_lstm(), n_models=2, random_state=3).fit(y)
    second = LSTMForecaster(tiny_lstm(), n_models=2, random_state=3).fit(y)
    assert first.selection_ == second.selection_
    np.testing.assert_array_equal(first.predict(6), second.predict(6))


def test_network_weight_is_chosen_on_validation():
    y = load_airline()[:96]
    f = LSTMForecaster(tiny_lstm(), n_models=1).fit(y)
    assert f.residual_weight_ in (0.0, 0.5, 1.0)
    assert (f.epochs_ is None) == (f.residual_weight_ == 0.0)
    assert len(f.estimators_) == (0 if f.residual_weight_ == 0.0 else 1)
    assert f.selection_.validation_mase <= f.selection_.linear_mase + 1e-12


def test_log_transform_needs_positive_values():
    with pytest.raises(ValueError, match="transform='log' needs every value of y to be positive"):
        LSTMForecaster(transform="log").fit(LINE - 100)


# ---------------------------------------------------------------- outputs
@pytest.mark.slow  # 3-5 s: the quick tier stays under 5 minutes
def test_no_negative_forecasts_for_a_nonnegative_series():
    y = np.concatenate([np.linspace(60, 2, 40), np.zeros(3)])  # a count that fell to zero
    for strategy in ("recursive", "direct"):
        f = LSTMForecaster(n_steps_in=3, transform="none", strategy=strategy, horizon=6, residual_weight=0.0).fit(y)
        assert f.nonnegative_ and (f.predict(6) >= 0).all()
        assert (f.predict_interval(6)[:, 1] >= 0).all()
    free = LSTMForecaster(n_steps_in=3, transform="none", residual_weight=0.0, nonnegative=False).fit(np.linspace(60, 2, 40))
    assert free.predict(6).min() < 0


def test_interval_width_grows_with_the_step_on_a_random_walk():
    y = np.cumsum(np.random.default_rng(0).normal(size=300))
    f = LSTMForecaster(n_steps_in=4, transform="none", residual_weight=0.0).fit(y)
    table = f.predict_interval(12, coverage=0.9)
    width = table[:, 2] - table[:, 1]
    assert width[-1] > 2 * width[0]
    assert np.all((table[:, 1] < table[:, 0]) & (table[:, 0] < table[:, 2]))


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_backtest_feeds_each_fold_its_covariates(strategy):
    y, x = _driven_series(120)
    f = LSTMForecaster(strategy=strategy, horizon=12, residual_weight=0.0)
    with_x = backtest(f, y, X=x[:120], horizon=4, n_folds=3)
    without = backtest(f, y, horizon=4, n_folds=3)
    assert with_x["mae"].mean() < 0.5 * without["mae"].mean()
    with pytest.raises(ValueError, match="X has 119 rows, but y has 120"):
        backtest(f, y, X=x[:119], horizon=4)


class _RecordingRidge(Ridge):
    """A Ridge that keeps the inputs it was fitted on."""

    def fit(self, X, y, sample_weight=None):
        self.seen_ = np.array(X)
        return super().fit(X, y, sample_weight)


def test_network_sees_windows_relative_to_their_last_value():
    trend = np.arange(100.0) * 3 + 50
    temp = np.sin(np.arange(100.0))[:, None] + 20
    f = LSTMForecaster(_RecordingRidge(), n_steps_in=4, transform="none", residual_weight=1.0).fit(trend, X=temp)
    seen = f.estimators_[0].seen_.reshape(-1, 4, 2)  # windows of (target, future covariate)
    assert np.all(seen[:, -1, 0] == 0) and np.ptp(seen[:, :, 0]) < 0.5  # the trend's level is gone
    assert np.ptp(seen[:, :, 1]) > 1  # covariates keep their values
    pure = LSTMForecaster(_RecordingRidge(), n_steps_in=4, transform="none", linear_baseline=False).fit(trend)
    assert np.ptp(pure.estimators_[0].seen_[:, -1]) > 1  # without a ridge the network gets the levels


@pytest.mark.slow  # 3-6 s: the quick tier stays under 5 minutes
def test_default_interval_trains_nothing_after_fit(monkeypatch):
    f = LSTMForecaster(tiny_lstm(), n_models=1, residual_weight=0.5).fit(load_airline())
    assert len(f.estimators_) == 1

    def no_training(*args, **kwargs):
        raise AssertionError("predict_interval trained a model")

    from sklstm.forecasting._configurations import Configurator

    monkeypatch.setattr(Configurator, "fit_model", no_training)
    table = f.predict_interval(12, coverage=0.9)
    assert (table["passengers_lower"] < table["passengers"]).all() and (table["passengers"] < table["passengers_upper"]).all()
    with pytest.raises(AssertionError, match="trained a model"):
        f.predict_interval(12, coverage=0.9, method="refit")


def test_an_interval_no_refit_can_calibrate_is_named_with_what_to_do():
    f = LSTMForecaster(residual_weight=0.0, members=("ridge",)).fit([3.0, 1.0, 4.0, 1.0, 5.0])
    with pytest.raises(ValueError, match=r"y has 5 time steps, too few to calibrate intervals for horizon=4: .* "
                                         r"Ask for fewer steps, or for points only \(predict\)"):
        f.predict_interval(4)
    assert f.predict(4).shape == (4,)


@pytest.mark.slow  # 3-5 s: the quick tier stays under 5 minutes
def test_interval_falls_back_to_refits_when_the_held_out_end_is_too_short():
    y = load_airline()
    f = ridge(n_steps_in=12).fit(y)  # no selection: nothing held out
    with pytest.raises(ValueError, match="method='holdout' needs the models fit"):
        f.predict_interval(3, method="holdout")
    assert len(f.predict_interval(3)) == 3  # "auto" refits
    auto = LSTMForecaster(residual_weight=0.0).fit(y)
    auto.predict_interval(12)
    assert not getattr(auto, "_calibration", None)  # held-out errors sufficed
    long = auto.predict_interval(40)  # longer than the held-out end: refits
    assert len(long) == 40 and "forecasts 40,3" in auto._calibration
    with pytest.raises(ValueError, match="longer than the held-out end"):
        auto.predict_interval(40, method="holdout")
    with pytest.raises(ValueError, match="method must be"):
        auto.predict_interval(3, method="bootstrap")


def test_global_pandas_output_setting_does_not_break_the_forecaster():
    from sklearn import config_context

    y = load_airline()[:96]
    expected = LSTMForecaster(tiny_lstm(), n_models=1).fit(y).predict(6)
    with config_context(transform_output="pandas"):
        f = LSTMForecaster(tiny_lstm(), n_models=1).fit(y)
        pd.testing.assert_series_equal(f.predict(6), expected)
        assert len(f.predict_interval(6)) == 6


# ------------------------------------------------------------- time order
def _dated(index):
    return pd.Series(np.arange(len(index), dtype=float) + 10, index=index)


@pytest.mark.parametrize(
    "index, match",
    [
        (pd.date_range("2020-01-01", periods=30, freq="D")[::-1], "not in increasing time order.*sort it first"),
        (pd.date_range("2020-01-01", periods=30, freq="D")[np.random.default_rng(0).permutation(30)],
         "not in increasing time order"),
        (pd.date_range("2020-01-01", periods=30, freq="D").repeat(2)[:30], "duplicate time stamps"),
        (pd.date_range("2020-01-01", periods=31, freq="D").delete(10), r"not regularly spaced .*after 2020-01-10"),
        (pd.period_range("2020-01", periods=31, freq="M").delete(5), r"not regularly spaced .*after 2020-05"),
        (pd.Index(np.arange(30)[::-1]), "not in increasing time order"),
    ],
    ids=["decreasing", "permuted", "duplicated", "gap", "period-gap", "integer-decreasing"],
)
def test_time_order_and_spacing_are_checked(index, match):
    for forecaster in (ridge(), SeasonalNaiveForecaster(7)):
        with pytest.raises(ValueError, match=match):
            forecaster.fit(_dated(index))


def test_covariates_with_other_time_stamps_raise():
    y = _dated(pd.date_range("2020-01-01", periods=30, freq="D"))
    X = pd.DataFrame({"x": np.arange(30.0)}, index=y.index + pd.Timedelta(days=1))
    with pytest.raises(ValueError, match="X's time stamps differ from y's"):
        ridge().fit(y, X=X)
    positional = pd.DataFrame({"x": np.arange(30.0)})  # no time stamps: aligned by position
    assert len(ridge().fit(y, X=positional).predict(2, X=pd.DataFrame({"x": [30.0, 31.0]}))) == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"horizon": 0}, "horizon must be a positive integer, got 0"),
        ({"n_folds": 0}, "n_folds must be a positive integer, got 0"),  # backtest's name, not the splitter's
        ({"season_length": -1}, "season_length must be a positive integer"),
        ({"season_length": 1000}, "season_length=1000 leaves no seasonal-naive error"),
    ],
)
def test_backtest_rejects_harmful_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        backtest(SeasonalNaiveForecaster(12), load_airline(), **{"horizon": 12, **kwargs})


def test_splitter_rejects_a_negative_gap_and_complex_input_is_refused():
    with pytest.raises(ValueError, match="'gap' parameter of RollingOriginSplit must be an int in the range"):
        list(RollingOriginSplit(2, horizon=3, gap=-3).split(np.zeros(20)))
    with pytest.raises(ValueError, match="y must be real numbers; got complex values"):
        ridge().fit(LINE + 1j)


def test_estimator_parameters_reach_the_default_network():
    f = LSTMForecaster(n_models=1).set_params(estimator__verbose=1, estimator__units=8)
    net = f.get_params()["estimator"]
    assert isinstance(net, sklstm.VanillaLSTMRegressor) and (net.units, net.verbose, net.epochs) == (8, 1, 300)
    assert LSTMForecaster().get_params()["estimator"] is None  # untouched until asked


@pytest.mark.slow  # 3-5 s: the quick tier stays under 5 minutes
def test_verbose_says_what_is_fitted_on_stderr(capsys):
    y = load_airline()[:96]
    LSTMForecaster(tiny_lstm(), n_models=2, residual_weight=0.5, verbose=1).fit(y)
    err = capsys.readouterr().err.splitlines()
    assert "96 steps, season 12: members ridge, ets, theta, arima" in err[0]
    assert any(line.startswith("LSTMForecaster: validation MASE ridge ") for line in err)
    assert any("network 1/2: VanillaLSTMRegressor" in line for line in err)
    assert any("network 2/2" in line for line in err)
    assert any(line.startswith("LSTMForecaster: networks used (weight set)") for line in err)
    LSTMForecaster(tiny_lstm(), n_models=1).fit(y)
    assert capsys.readouterr().err == ""


def test_horizon_has_an_upper_bound_relative_to_the_series():
    f = ridge().fit(LINE)
    assert len(f.predict(10 * len(LINE))) == 10 * len(LINE)
    with pytest.raises(ValueError, match=r"horizon=10000000 is more than 10 times the 30 steps"):
        f.predict(10**7)
    with pytest.raises(ValueError, match="is more than 10 times"):
        f.predict_interval(10**7)


def _seasonal_array(n=144, period=12, seed=0):
    t = np.arange(n)
    return 50 + 0.5 * t + 8 * np.sin(2 * np.pi * t / period) + np.random.default_rng(seed).normal(size=n)


def test_a_detected_cycle_sets_the_windows_but_not_the_members_season(capsys):
    # A period of 10 found in the values alone is a cycle: the windows read it, the statistical members get none.
    f = LSTMForecaster(residual_weight=0.0, members=("ridge", "ets"), verbose=1).fit(_seasonal_array(n=150, period=10))
    assert f.season_length_ == 10 and f.n_steps_in_ in (10, 20, 30)
    assert [m.season for m in f._final.stats] == [1]
    assert "season 10 (a cycle, not a calendar season: the statistical members model none)" in capsys.readouterr().err
    # Given explicitly, or a calendar period, the members get it.
    given = LSTMForecaster(season_length=10, residual_weight=0.0, members=("ridge", "ets")).fit(_seasonal_array(n=150, period=10))
    monthly = LSTMForecaster(residual_weight=0.0, members=("ridge", "ets")).fit(_seasonal_array())
    assert [m.season for m in given._final.stats] == [10] and [m.season for m in monthly._final.stats] == [12]


def test_members_are_weighted_by_validation_and_reported():
    f = LSTMForecaster(residual_weight=0.0).fit(_seasonal_array())
    chosen = f.selection_
    assert set(chosen.member_weights) == {"ridge", "ets", "theta", "arima", "pretrained"} == set(chosen.member_scores)
    assert sum(chosen.member_weights.values()) == pytest.approx(1.0)
    best = min(chosen.member_scores, key=chosen.member_scores.get)
    assert chosen.member_weights[best] == max(chosen.member_weights.values())  # "inverse": the best weighs most
    assert f.member_weights_ == chosen.member_weights
    assert chosen.networks == "not used (residual_weight=0)" and not chosen.uses_networks
    only = LSTMForecaster(residual_weight=0.0, members=("ets",)).fit(_seasonal_array())
    assert only.selection_.member_weights == {"ets": 1.0}
    ridges = LSTMForecaster(residual_weight=0.0, members=("ridge",)).fit(_seasonal_array())
    assert ridges.selection_.member_weights == {"ridge": 1.0}
    assert not np.allclose(only.predict(12), ridges.predict(12))


@pytest.mark.parametrize("rule", ["rank", "equal", "best"])
def test_combination_rules(rule):
    f = LSTMForecaster(residual_weight=0.0, combination=rule, members=("ridge", "ets", "theta")).fit(_seasonal_array())
    weights = np.array(list(f.selection_.member_weights.values()))
    if rule == "equal":
        np.testing.assert_allclose(weights, 1 / 3)
    elif rule == "best":
        assert sorted(weights.tolist()) == [0.0, 0.0, 1.0]
    else:
        assert len(set(np.round(weights, 6))) == 3


def test_networks_are_kept_only_when_they_gain_in_each_half_of_the_origins():
    from sklstm.forecasting._configurations import Configurator

    without = {0.0: 1.0, 0.25: 0.95, 0.5: 0.9}
    # 10% better over all the origins, but all of it in the later half: dropped.
    assert Configurator._network_weight(without, {0.0: [1.0, 1.0], 0.25: [1.0, 0.9], 0.5: [0.99, 0.81]}) == 0.0
    # The same gain in both halves: kept at the best weight.
    assert Configurator._network_weight(without, {0.0: [1.0, 1.0], 0.25: [0.95, 0.95], 0.5: [0.9, 0.9]}) == 0.5
    # Under the 5% margin over all the origins: dropped whatever the halves say.
    assert Configurator._network_weight({0.0: 1.0, 0.25: 0.97, 0.5: 0.98},
                                        {0.0: [1.0, 1.0], 0.25: [0.9, 0.9], 0.5: [0.9, 0.9]}) == 0.0


def test_networks_keep_or_drop_is_reported_in_selection():
    y = load_airline()[:96]
    f = LSTMForecaster(tiny_lstm(), n_models=2, random_state=0).fit(y)
    chosen = f.selection_
    if chosen.uses_networks:
        assert chosen.networks.startswith("used at weight") and len(f.estimators_) == 2
        assert chosen.validation_mase <= 0.95 * chosen.linear_mase
    else:
        assert chosen.networks.startswith(("trained and dropped", "not trained")) and f.estimators_ == []
        assert chosen.validation_mase == chosen.linear_mase and f.residual_weight_ == 0.0
    assert LSTMForecaster(residual_weight=0.0).fit(y).selection_.networks.startswith("not used")


def test_dropped_networks_report_their_best_effect_even_a_loss():
    from sklearn.dummy import DummyRegressor

    harmful = DummyRegressor(strategy="constant", constant=3.0)  # a correction of three standard deviations
    f = LSTMForecaster(harmful, members=("ridge",), n_models=1).fit(_seasonal_array())
    assert re.match(r"trained and dropped: 1 network did not lower .* \(best -\d+\.\d%: -\d+\.\d% and "
                    r"-\d+\.\d% in the earlier", f.selection_.networks), f.selection_.networks


class _Diverging(Ridge):
    """A network whose training always diverges, as an LSTM over hundreds of steps can."""

    def fit(self, X, y, sample_weight=None):
        raise RuntimeError("VanillaLSTMRegressor: training diverged (the loss became NaN or inf, or exploded) 3 times")


def test_networks_whose_training_diverges_are_dropped_with_a_warning_not_a_crash():
    with pytest.warns(RuntimeWarning, match="the networks are dropped: VanillaLSTMRegressor: training diverged"):
        f = LSTMForecaster(_Diverging(), members=("ridge",), n_models=1).fit(_seasonal_array())
    assert f.selection_.networks.startswith("dropped: training failed") and f.estimators_ == []
    assert np.all(np.isfinite(f.predict(12)))
    with pytest.raises(RuntimeError, match="training diverged"):  # a weight set explicitly is used, or fails
        LSTMForecaster(_Diverging(), members=("ridge",), n_models=1, residual_weight=0.5).fit(_seasonal_array())


def test_no_network_is_trained_over_a_window_of_168_steps_or_more():
    f = LSTMForecaster(tiny_lstm(), n_steps_in=168, members=("ridge",), n_models=1).fit(_seasonal_array(n=1200))
    assert f.selection_.networks.startswith("not trained: the best ridge reads 168 steps, a window too long")


def test_networks_are_not_trained_where_the_ridges_carry_little_weight():
    f = LSTMForecaster(tiny_lstm(), members=("ets", "theta")).fit(_seasonal_array())
    assert f.selection_.networks.startswith("not trained: the ridges carry 0%") and f.estimators_ == []


def test_networks_are_not_trained_unjudged_on_a_series_too_short_to_hold_any_out():
    # Five values hold nothing out: the networks were trained and used at weight 1.0, unvalidated.
    f = LSTMForecaster(tiny_lstm()).fit([3.0, 1.0, 4.0, 1.0, 5.0])
    assert f.selection_.networks == "not trained: 5 values are too few to hold any out and judge them on"
    assert f.estimators_ == [] and f.residual_weight_ == 0.0 and np.all(np.isfinite(f.predict(3)))
    fixed = LSTMForecaster(tiny_lstm(), residual_weight=0.5).fit([3.0, 1.0, 4.0, 1.0, 5.0])
    assert fixed.selection_.networks.startswith("used (weight set") and len(fixed.estimators_) > 0


def test_a_member_that_fails_is_dropped_with_a_warning(monkeypatch):
    import sklstm.forecasting._configurations as configurations

    real = configurations.fit_stat_member

    def flaky(name, y, season, future=None, week=1):
        if name == "arima":
            raise np.linalg.LinAlgError("did not converge")
        return real(name, y, season, future, week)

    monkeypatch.setattr(configurations, "fit_stat_member", flaky)
    with pytest.warns(RuntimeWarning, match="'arima' member could not be fitted and is dropped .*did not converge"):
        f = LSTMForecaster(residual_weight=0.0).fit(_seasonal_array())
    assert "arima" not in f.selection_.member_weights
    assert np.all(np.isfinite(f.predict(12)))


def test_a_member_whose_forecast_fails_is_dropped_with_a_warning(monkeypatch):
    from sklstm.forecasting._statistical import StatMember

    real = StatMember.forecast

    def broken(self, y, origins, horizon, future=None):
        if self.name == "theta":
            raise FloatingPointError("the theta member's forecast is not finite")
        return real(self, y, origins, horizon, future)

    monkeypatch.setattr(StatMember, "forecast", broken)
    with pytest.warns(RuntimeWarning, match="'theta' member failed to forecast and is dropped"):
        f = LSTMForecaster(residual_weight=0.0, members=("ridge", "ets", "theta")).fit(_seasonal_array())
    assert "theta" not in f.selection_.member_weights and np.all(np.isfinite(f.predict(12)))


@pytest.mark.parametrize("members", [(), ("ridge", "prophet"), ("ets", "ets")])
def test_bad_members_are_an_error(members):
    with pytest.raises(ValueError, match="members must be 'auto' or distinct names from"):
        LSTMForecaster(members=members).fit(_seasonal_array())


@pytest.mark.parametrize("fit", [
    lambda y: LSTMForecaster(residual_weight=0.0).fit(y),
    lambda y: SeasonalNaiveForecaster().fit(y),
    lambda y: backtest(SeasonalNaiveForecaster(), y),
])
def test_an_empty_series_is_named_before_any_work(fit):
    with pytest.raises(ValueError, match="y is empty"):
        fit(np.array([]))


@pytest.mark.parametrize(("members", "kw", "unread"), [
    (("ets", "theta"), {"X": True, "X_past": True}, ["X", "X_past"]),
    (("ets", "arima"), {"X": True, "X_past": True}, ["X_past"]),  # ARIMA reads X, no one X_past
    (("ridge", "ets"), {"X": True, "X_past": True}, []),
])
def test_covariates_that_no_chosen_member_reads_get_a_warning(members, kw, unread):
    y = _seasonal_array()[:72]
    x = np.random.default_rng(0).normal(size=(72, 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LSTMForecaster(horizon=3, residual_weight=0.0, members=members).fit(
            y, x if kw.get("X") else None, X_past=x if kw.get("X_past") else None)
    said = [str(w.message) for w in caught if "the forecast ignores" in str(w.message)]
    assert [m.rsplit(" ", 1)[-1].rstrip(".") for m in said] == unread
    assert all(f"members={members!r} leaves out" in m for m in said)


def test_a_misspelt_member_gets_a_did_you_mean():
    with pytest.raises(ValueError, match=r"got \('ridge', 'thetta', 'xyz'\)\. 'thetta': did you mean 'theta'\?$"):
        LSTMForecaster(members=("ridge", "thetta", "xyz")).fit(_seasonal_array())


def test_every_season_parameter_defaults_to_auto_and_agrees():
    import inspect

    from sklstm import GlobalLSTMForecaster, panel_backtest
    from sklstm.forecasting._global import panel_season
    from sklstm.forecasting._panels import read_panel

    for fn in (LSTMForecaster, SeasonalNaiveForecaster, GlobalLSTMForecaster, backtest, panel_backtest):
        assert inspect.signature(fn).parameters["season_length"].default == "auto", fn
    y = _seasonal_array(period=7, n=140)
    assert LSTMForecaster(residual_weight=0.0).fit(y).season_length_ == 7
    assert SeasonalNaiveForecaster().fit(y).season_length_ == 7
    wide = pd.DataFrame({"a": y, "b": _seasonal_array(period=7, n=140, seed=1)})
    assert panel_season("auto", read_panel(wide, "unique_id", "ds", "y")) == 7
    auto = backtest(SeasonalNaiveForecaster(), y, horizon=7)
    explicit = backtest(SeasonalNaiveForecaster(7), y, horizon=7, season_length=7)
    pd.testing.assert_frame_equal(auto, explicit)


def test_a_dated_series_shorter_than_its_calendar_season_gets_the_season_of_its_values():
    """40 weekly values cannot repeat a year of 52 weeks: "auto" reads the season from the values (a period of
    4 here) in every forecaster and function, instead of failing on 52 (as each did before)."""
    from sklstm import GlobalLSTMForecaster
    from sklstm.forecasting._global import panel_season
    from sklstm.forecasting._panels import read_panel

    weeks = pd.date_range("2020-01-05", periods=40, freq="W")
    y = pd.Series(_seasonal_array(period=4, n=40), index=weeks)
    assert resolve_season("auto", weeks, y.to_numpy()) == 4
    assert resolve_season("auto", weeks, np.r_[y.to_numpy(), y.to_numpy()[:13]]) == 52  # 53 weeks: the calendar's
    assert SeasonalNaiveForecaster().fit(y).season_length_ == 4
    assert LSTMForecaster(residual_weight=0.0, members=("ridge",)).fit(y).season_length_ == 4
    assert backtest(SeasonalNaiveForecaster(), y, horizon=4, n_folds=2).attrs["season_length"] == 4
    long = pd.DataFrame({"unique_id": np.repeat(["a", "b"], 40), "ds": np.tile(weeks, 2),
                         "y": np.r_[y.to_numpy(), _seasonal_array(period=4, n=40, seed=1)]})
    assert panel_season("auto", read_panel(long, "unique_id", "ds", "y")) == 4
    forecast = GlobalLSTMForecaster(Ridge(alpha=1e-6), n_models=1, horizon=4).fit(long).predict()
    assert len(forecast) == 8


def test_a_member_that_fails_on_all_the_data_leaves_its_weight_to_the_others(monkeypatch):
    import sklstm.forecasting._configurations as configurations

    real, calls = configurations.fit_stat_member, []

    def fails_the_second_time(name, y, season, future=None, week=1):
        calls.append(name)
        if name == "ets" and calls.count("ets") == 2:  # the final fit, on all the data
            raise ValueError("no convergence")
        return real(name, y, season, future, week)

    monkeypatch.setattr(configurations, "fit_stat_member", fails_the_second_time)
    y = _seasonal_array()
    with pytest.warns(RuntimeWarning, match="'ets' member could not be fitted"):
        f = LSTMForecaster(residual_weight=0.0, members=("ridge", "ets", "theta"), combination="equal").fit(y)
    assert f.member_weights_ == {"ridge": 0.5, "ets": 0.0, "theta": 0.5} == f.selection_.member_weights
    monkeypatch.undo()
    both = LSTMForecaster(residual_weight=0.0, members=("ridge", "theta"), combination="equal").fit(y)
    np.testing.assert_allclose(f.predict(12), both.predict(12))  # a weighted mean, not a forecast scaled down


def test_linear_model_is_the_deprecated_name_of_linear_baseline():
    y = np.arange(40.0) + np.sin(np.arange(40.0))
    with pytest.warns(FutureWarning, match="linear_model was renamed linear_baseline"):
        old = LSTMForecaster(Ridge(1e-3), n_steps_in=3, linear_model=False, residual_weight=1.0, n_models=1,
                             early_stopping=False).fit(y)
    new = LSTMForecaster(Ridge(1e-3), n_steps_in=3, linear_baseline=False, residual_weight=1.0, n_models=1,
                         early_stopping=False).fit(y)
    np.testing.assert_allclose(old.predict(4), new.predict(4))
    assert old.selection_.member_weights == {"ridge": 1.0}


def test_a_fit_without_networks_never_imports_tensorflow():
    import subprocess
    import sys

    code = ("import sys, numpy as np; from sklstm import LSTMForecaster; "
            "f = LSTMForecaster(residual_weight=0.0, members=('ridge', 'theta', 'pretrained'))"
            ".fit(np.arange(60.0) % 12 + np.arange(60.0)); "
            "f.predict(6); print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"], out


def test_an_explosive_fit_on_three_values_is_a_clear_error_not_an_overflow(recwarn):
    f = LSTMForecaster(members=("ridge",), residual_weight=0.0).fit([206.1, 206.3, 225.9])
    with pytest.raises(ValueError, match="not finite .* fitted on 3 time steps extrapolates explosively"):
        f.predict(6)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning) and "overflow" in str(w.message)]


@pytest.mark.parametrize(
    ("coverage", "message"),
    [("0.9", r"coverage must be a number in \(0, 1\) .* got '0.9' \(a str\)"),
     (True, r"got True \(a bool\)"),
     (90, r"coverage must be in \(0, 1\), got 90; for 90% pass 0.9"),
     (float("nan"), r"coverage must be in \(0, 1\), got nan")],
)
def test_interval_coverage_that_is_not_a_fraction_is_named(coverage, message):
    with pytest.raises(ValueError, match=message):
        ridge().fit(LINE).predict_interval(2, coverage=coverage)


def test_a_residual_weight_without_a_baseline_is_refused():
    with pytest.raises(ValueError, match="residual_weight=0.3 weighs the networks' correction .* linear_baseline=False"):
        LSTMForecaster(Ridge(), linear_baseline=False, residual_weight=0.3).fit(LINE)


def test_a_season_as_long_as_the_series_is_refused():
    with pytest.raises(ValueError, match=r"season_length=1000000 is not shorter than the series \(30 values\)"):
        ridge(season_length=10**6).fit(LINE)
    with pytest.raises(ValueError, match=r"season_length=30 leaves no seasonal-naive error"):
        backtest(ridge(), LINE, horizon=2, season_length=30)


def _half_hourly_week(days=28, seed=0):
    """Half-hourly demand: a daily shape, 30% lower on Saturdays and Sundays (the series starts on a Monday)."""
    t = np.arange(48 * days)
    day = 1 + 0.3 * np.sin(2 * np.pi * t / 48)
    weekend = np.where((t // 48) % 7 >= 5, 0.7, 1.0)
    return 100 * day * weekend * (1 + 0.01 * np.random.default_rng(seed).normal(size=len(t)))


def test_sub_daily_series_forecast_the_week_not_only_the_day(capsys):
    y = _half_hourly_week(days=26)  # ends on a Friday: the next 48 steps are a Saturday
    saturday = _half_hourly_week(days=27)[-48:]
    f = LSTMForecaster(residual_weight=0.0, verbose=1).fit(y)
    assert "season 48" in capsys.readouterr().err and f.selection_.member_weights.get("snaive", 0) > 0
    assert "mstl" in f.selection_.member_scores  # MSTL of the day and the week joins "auto" too
    assert 336 in (f.n_steps_in_, *[int(c.split("=")[1]) for c in f.selection_.combined_with])
    forecast = f.predict(48)
    assert np.mean(np.abs(forecast - saturday)) < 0.1 * saturday.mean()  # 5% with the week, 40% without it


def test_only_the_day_of_sub_daily_data_two_weeks_long_brings_the_week():
    f = LSTMForecaster(residual_weight=0.0).fit(_seasonal_array(period=12, n=144))
    assert not {"snaive", "mstl"} & set(f.selection_.member_weights)
    assert all(int(c.split("=")[1]) <= 36 for c in f.selection_.combined_with)
    ten_days = LSTMForecaster(residual_weight=0.0).fit(_half_hourly_week(days=10))  # too short to show a week
    assert ten_days.season_length_ == 48 and not {"snaive", "mstl"} & set(ten_days.selection_.member_weights)


def test_last_window_forecasts_the_statistical_members_from_its_own_rows():
    # Their states start at the first step they were fitted on: filtering a window of other rows from there
    # forecast a trending monthly series 9-26 off (ETS's level and season out of place); fitted on the window,
    # it is as close as the forecast from the training series' end.
    t = np.arange(132)
    truth = 100 + t + 20 * np.sin(2 * np.pi * t / 12)
    y = truth[:120] + np.random.default_rng(0).normal(0, 1, 120)
    f = LSTMForecaster(horizon=12, residual_weight=0.0, random_state=0).fit(y)
    assert sum(w for name, w in f.member_weights_.items() if name != "ridge") > 0.5
    for rows in (36, 42, 66):
        forecast = f.predict(12, last_window=y[-rows:])
        assert np.max(np.abs(forecast - truth[120:])) < 2.5, rows
    np.testing.assert_allclose(f.predict(12, last_window=y), f.predict(12))
