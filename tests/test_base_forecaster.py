"""The forecaster protocol: fit/predict around _fit/_forecast_from, state reset, last_window."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from sklstm import LSTMForecaster, SeasonalNaiveForecaster
from sklstm.datasets import load_airline
from sklstm.forecasting._base import BaseForecaster

LINE = np.arange(10.0, 310.0, 10.0)


def ridge(**kw):
    params = {"n_steps_in": 3, "transform": None, "linear_baseline": False, "n_models": 1, "early_stopping": False}
    return LSTMForecaster(Ridge(alpha=1e-6), **{**params, **kw})


class MeanForecaster(BaseForecaster):
    """A forecaster written against the protocol only: the mean of the last ``window`` values."""

    def __init__(self, window: int = 3):
        self.window = window

    _parameter_constraints: dict = {"window": [int]}

    def _fit(self, data):
        self.level_ = float(data.y[-self.window :].mean())

    def _min_history(self):
        return self.window

    def _forecast_from(self, history, horizon, future):
        return np.full((horizon, 1), history.y[-self.window :].mean())


def test_a_subclass_gets_fit_predict_dates_and_checks():
    y = pd.Series([1.0, 2.0, 3.0, 4.0], index=pd.period_range("2020-01", periods=4, freq="M"))
    f = MeanForecaster(2).fit(y)
    out = f.predict(2)
    assert out.tolist() == [3.5, 3.5] and str(out.index[0]) == "2020-05"
    with pytest.raises(ValueError, match="needs a horizon"):
        f.predict()
    with pytest.raises(ValueError, match="fitted without future covariates"):
        f.predict(2, X=np.zeros((2, 1)))
    assert f.predict(1, last_window=[10.0, 20.0]).tolist() == [15.0]


@pytest.mark.slow  # 4-7 s: the quick tier stays under 5 minutes
def test_refit_drops_the_state_of_the_previous_fit():
    y = load_airline()
    f = LSTMForecaster(residual_weight=0.0).fit(y, X=np.arange(len(y), dtype=float))
    assert f.future_names_ == ["X0"]
    f.predict_interval(3, X=np.arange(3.0).reshape(-1, 1), method="refit")
    assert f.__dict__.get("_calibration")
    f.fit(y)
    assert f.future_names_ == [] and "_calibration" not in f.__dict__
    assert f.predict(3).shape == (3,)


def test_last_window_forecasts_from_given_rows():
    f = ridge().fit(LINE)
    np.testing.assert_allclose(f.predict(2, last_window=[500.0, 510.0, 520.0]), [530.0, 540.0], rtol=1e-4)
    dated = pd.Series([500.0, 510.0, 520.0], index=pd.period_range("2030-01", periods=3, freq="M"))
    out = f.predict(2, last_window=dated)
    assert isinstance(out, pd.Series) and str(out.index[0]) == "2030-04"
    with pytest.raises(ValueError, match="at least 3"):
        f.predict(1, last_window=[500.0, 510.0])


def test_last_window_carries_the_covariates_by_name():
    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    y = pd.Series(np.cumsum(rng.normal(size=60)) + 3 * x, name="y")
    f = ridge().fit(y, X=pd.DataFrame({"x": x}))
    window = pd.DataFrame({"x": x[-3:], "y": y.to_numpy()[-3:]})
    np.testing.assert_allclose(
        f.predict(2, X=pd.DataFrame({"x": [0.5, 1.0]}), last_window=window),
        f.predict(2, X=pd.DataFrame({"x": [0.5, 1.0]})),
    )
    with pytest.raises(ValueError, match="last_window has columns"):
        f.predict(2, X=pd.DataFrame({"x": [0.5, 1.0]}), last_window=window[["y"]])


def test_seasonal_naive_accepts_and_ignores_covariates_with_a_warning():
    with pytest.warns(UserWarning, match=r"SeasonalNaiveForecaster reads no covariates: X and X_past are ignored"):
        f = SeasonalNaiveForecaster(2).fit([1.0, 2.0, 3.0, 4.0], X=np.zeros((4, 1)), X_past=np.zeros((4, 1)))
    assert f.predict(3, X=np.zeros((3, 1))).tolist() == [3.0, 4.0, 3.0]
    with pytest.raises(ValueError, match="season_length"):
        SeasonalNaiveForecaster(0).fit([1.0, 2.0])


class GatedForecaster(MeanForecaster):
    """``_fit`` waits until the test lets it finish (or raises when told to)."""

    def __init__(self, window: int = 3, gate=None, fail: bool = False):
        self.window = window
        self.gate = gate
        self.fail = fail

    _parameter_constraints: dict = {"window": [int], "gate": "no_validation", "fail": ["boolean"]}

    def _fit(self, data):
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail:
            raise ValueError("the fit failed")
        super()._fit(data)


def test_two_threads_cannot_fit_one_forecaster_at_once():
    import threading
    import time

    gate = threading.Event()
    f = GatedForecaster(2, gate=gate)
    first = threading.Thread(target=f.fit, args=([1.0, 2.0, 3.0],))
    first.start()
    while "_fit_lock" not in vars(f):
        time.sleep(0.01)
    with pytest.raises(RuntimeError, match="already being fitted in another thread"):
        f.fit([5.0, 6.0, 7.0])
    gate.set()
    first.join()
    assert f.level_ == 2.5 and "_fit_lock" not in vars(f)


def test_a_failed_fit_leaves_no_fitted_state():
    f = GatedForecaster(2).fit([1.0, 2.0, 3.0])
    assert f.n_targets_ == 1
    f.set_params(fail=True)
    with pytest.raises(ValueError, match="the fit failed"):
        f.fit([1.0, 2.0, 3.0])
    assert not hasattr(f, "n_targets_") and not hasattr(f, "level_")


def test_dated_covariates_must_be_dated_at_the_forecast_steps():
    months = pd.period_range("2020-01", periods=40, freq="M")
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"x": rng.normal(size=40)}, index=months)
    y = pd.Series(np.cumsum(rng.normal(size=40)) + 3 * x["x"].to_numpy(), index=months, name="y")
    f = ridge().fit(y, X=x)
    ahead = pd.DataFrame({"x": [0.5, 1.0]}, index=pd.period_range("2023-05", periods=2, freq="M"))
    np.testing.assert_allclose(f.predict(2, X=ahead), f.predict(2, X=ahead.to_numpy()))  # arrays: the row rule
    past = ahead.set_axis(pd.period_range("2022-01", periods=2, freq="M"))
    with pytest.raises(ValueError, match="X is dated 2022-01 to 2022-02, but the forecast's steps are 2023-05 to 2023-06"):
        f.predict(2, X=past)
    with pytest.raises(ValueError, match="right after the series' last date 2023-04"):
        f.predict_interval(2, X=past)


def test_seasonal_naive_intervals_cover_about_as_asked():
    rng = np.random.default_rng(0)
    hits, widths = [], []
    for _ in range(100):
        y = 10 + np.tile(np.sin(np.arange(12)), 12) + rng.normal(size=144)
        out = SeasonalNaiveForecaster(12).fit(y[:-6]).predict_interval(6, coverage=0.8)
        np.testing.assert_array_equal(out[:, 0], y[-18:-12])  # the points are predict's: the last season
        hits.append(np.mean((out[:, 1] <= y[-6:]) & (y[-6:] <= out[:, 2])))
        widths.append(out[:, 2] - out[:, 1])
    assert 0.75 < np.mean(hits) < 0.88
    # A seasonal naive error is the difference of two noise draws (sd sqrt(2)); around a level of 10 the 80%
    # interval spans about 2 * 1.28 * sqrt(2) = 3.6, a third of the level.
    assert 0.25 < np.mean(widths) / 10 < 0.5


def test_seasonal_naive_intervals_are_dated_and_named():
    y = load_airline()
    out = SeasonalNaiveForecaster().fit(y[:-12]).predict_interval(12)
    assert list(out.columns) == ["passengers", "passengers_lower", "passengers_upper"]
    assert out.index[0] == y.index[-12] and len(out) == 12
    assert np.all(out["passengers_lower"] < out["passengers"]) and np.all(out["passengers"] < out["passengers_upper"])


def test_intervals_of_a_series_with_an_integer_index_continue_it_or_come_back_as_arrays():
    y = 10 + np.sin(np.arange(40.0))
    stepped = SeasonalNaiveForecaster(4).fit(pd.Series(y, index=np.arange(40) * 2, name="load"))
    out = stepped.predict_interval(3)
    assert list(out.index) == [80, 82, 84] and list(out.columns) == ["load", "load_lower", "load_upper"]
    assert list(stepped.predict(3).index) == [80, 82, 84]
    # Uneven integer labels say nothing about the labels to come: arrays, as predict returns them.
    uneven = SeasonalNaiveForecaster(4).fit(pd.Series(y, index=np.r_[0, np.arange(2, 41)]))
    np.testing.assert_array_equal(uneven.predict_interval(3)[:, 0], uneven.predict(3))


@pytest.mark.parametrize(("kw", "message"), [
    ({"horizon": 3}, r"horizon=3 is longer than the 2 steps after y's first season \(season_length=4\)"),
    ({"horizon": 2, "coverage": 90}, r"coverage must be in \(0, 1\), got 90"),
])
def test_seasonal_naive_interval_errors_name_the_problem(kw, message):
    f = SeasonalNaiveForecaster(4).fit(np.arange(1.0, 7.0))
    with pytest.raises(ValueError, match=message):
        f.predict_interval(**kw)
