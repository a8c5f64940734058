"""sklstm estimators inside scikit-learn's pipelines, searches, cross-validation and persistence."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline

import sklstm
from sklstm import WindowScaler, make_windows
from sklstm.tutorial import tutorial_data

LONG = 50 + 10 * np.sin(np.arange(120) / 4.0) + np.arange(120) * 0.5


def small(cls=sklstm.VanillaLSTMRegressor, **kw):
    return cls(**{"units": 4, "epochs": 5, "random_state": 0, **kw})


def test_pipeline_with_window_scaler():
    X, y = make_windows(LONG, 6)
    pipe = make_pipeline(WindowScaler(), small()).fit(X, y)
    assert pipe.predict(X).shape == y.shape


@pytest.mark.slow  # about 10 s
def test_grid_search_over_architecture_training_and_reshape_params():
    X, y = make_windows(LONG, 4)
    grid = {
        "n_seq": [1, 2],
        "units": [2, 4],
        "epochs": [3],
        "optimizer__learning_rate": [0.001, 0.01],
    }
    search = GridSearchCV(small(sklstm.CNNLSTMRegressor, filters=2), grid, cv=TimeSeriesSplit(3, gap=2))
    search.fit(X, y)
    assert set(search.best_params_) == set(grid)
    assert len(search.cv_results_["params"]) == 8


@pytest.mark.slow  # 3-6 s: the quick tier stays under 5 minutes
def test_randomized_search_with_time_series_split_gap():
    X, y = make_windows(LONG, 4)
    space = {"units": [2, 4, 8], "epochs": [3, 5], "n_seq": [1, 2, 4], "optimizer__learning_rate": [0.001, 0.01, 0.05]}
    search = RandomizedSearchCV(
        small(sklstm.CNNLSTMRegressor, filters=2), space, n_iter=3, random_state=0, cv=TimeSeriesSplit(2, gap=3),
        scoring="neg_mean_absolute_error",
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 3
    assert search.best_estimator_.n_seq in (1, 2, 4)
    assert np.isfinite(search.best_score_)


def test_cross_validate_multistep_multitarget_scorers():
    X, y = make_windows(tutorial_data(True), 3, 2)
    X = np.concatenate([X, X + 100, X + 200])
    y = np.concatenate([y, y + 100, y + 200])
    res = cross_validate(
        small(sklstm.EncoderDecoderLSTMRegressor, n_steps_out=2),
        X,
        y,
        cv=3,
        scoring=["neg_mean_absolute_error", "r2"],
    )
    assert np.isfinite(res["test_neg_mean_absolute_error"]).all()


def test_pickle_and_joblib_round_trip(tmp_path):
    X, y = make_windows(LONG, 5)
    est = small().fit(X, y)
    expected = est.predict(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(est)).predict(X), expected)
    joblib.dump(est, tmp_path / "model.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "model.joblib").predict(X), expected)


def _skops_round_trip(obj, path):
    import skops.io as sio

    sio.dump(obj, path)
    trusted = sio.get_untrusted_types(file=path)
    allowed = ("sklstm.", "numpy.", "keras.src.callbacks.", "statsforecast.models.", "statsforecast.utils.results")
    assert all(name.startswith(allowed) for name in trusted), trusted
    return sio.load(path, trusted=trusted)


def test_skops_round_trip(tmp_path):
    X, y = make_windows(LONG, 5)
    est = small().fit(X, y)
    np.testing.assert_array_equal(_skops_round_trip(est, tmp_path / "model.skops").predict(X), est.predict(X))


@pytest.mark.slow  # 4-6 s of fitting: the quick tier stays under 5 minutes
def test_skops_round_trip_of_a_forecaster_on_dated_series(tmp_path):
    from sklstm.datasets import load_airline

    y = load_airline()  # a PeriodIndex
    for series in (y, y.to_timestamp()):  # and a DatetimeIndex
        f = sklstm.LSTMForecaster(small(), horizon=3, n_models=1, random_state=0).fit(series)
        loaded = _skops_round_trip(f, tmp_path / "forecaster.skops")
        pd.testing.assert_series_equal(loaded.predict(3), f.predict(3))


@pytest.mark.slow  # 4-6 s of fitting: the quick tier stays under 5 minutes
def test_skops_round_trip_of_a_tz_aware_forecaster_after_refit_intervals(tmp_path):
    from sklstm.datasets import load_airline

    y = load_airline().to_timestamp().tz_localize("Europe/Paris")
    f = sklstm.LSTMForecaster(small(), horizon=3, n_models=1, random_state=0).fit(y)
    interval = f.predict_interval(3, method="refit")  # leaves a cache of refit errors in the state
    loaded = _skops_round_trip(f, tmp_path / "forecaster.skops")
    pd.testing.assert_series_equal(loaded.predict(3), f.predict(3))
    assert str(loaded.predict(3).index.tz) == "Europe/Paris"
    pd.testing.assert_frame_equal(loaded.predict_interval(3, method="refit"), interval)


def test_skops_round_trip_of_a_forecaster_whose_arima_reads_covariates(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(86, 1))
    y = 50 + np.cumsum(rng.normal(scale=0.3, size=86)) + 5 * x[:, 0]
    f = sklstm.LSTMForecaster(horizon=6, members=("arima",), residual_weight=0.0).fit(y[:80], X=x[:80])
    loaded = _skops_round_trip(f, tmp_path / "arimax.skops")
    np.testing.assert_array_equal(loaded.predict(6, X=x[80:] + 1), f.predict(6, X=x[80:] + 1))


def test_skops_round_trip_of_a_global_forecaster(tmp_path):
    from sklearn.linear_model import Ridge

    months = pd.date_range("2000-01", periods=48, freq="MS", tz="UTC")
    wide = pd.DataFrame({"a": np.sin(np.arange(48) / 2) + 5, "b": np.cos(np.arange(48) / 3) + 5}, index=months)
    f = sklstm.GlobalLSTMForecaster(Ridge(), n_steps_in=4, n_models=1, horizon=3).fit(wide)
    loaded = _skops_round_trip(f, tmp_path / "global.skops")
    pd.testing.assert_frame_equal(loaded.predict(), f.predict())
    pd.testing.assert_frame_equal(loaded.predict_interval(), f.predict_interval())


_LOAD_IN_A_NEW_PROCESS = """
import sys
import numpy as np
import skops.io as sio
est = sio.load(sys.argv[1], trusted=sio.get_untrusted_types(file=sys.argv[1]))
np.save(sys.argv[2], est.predict(np.load(sys.argv[3])))
"""


@pytest.mark.slow
def test_skops_predictions_identical_in_a_new_process(tmp_path):
    import subprocess
    import sys

    import skops.io as sio

    X, y = make_windows(LONG, 5)
    est = small().fit(X, y)
    sio.dump(est, tmp_path / "model.skops")
    np.save(tmp_path / "X.npy", X)
    subprocess.run([sys.executable, "-c", _LOAD_IN_A_NEW_PROCESS, str(tmp_path / "model.skops"),
                    str(tmp_path / "out.npy"), str(tmp_path / "X.npy")], check=True, capture_output=True)
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), est.predict(X))


def test_clone_is_unfitted_with_equal_params():
    est = small().fit(*make_windows(LONG, 5))
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "model_")


def test_transformed_target_regressor():
    X, y = make_windows(LONG, 5)
    ttr = TransformedTargetRegressor(regressor=small(), func=np.log, inverse_func=np.exp).fit(X, y)
    assert ttr.predict(X).shape == y.shape


def test_pandas_dataframe_input():
    df = pd.DataFrame({"a": LONG, "b": LONG * 2})
    X, y = make_windows(df, 4, features=["a"], targets="b", lead=0)
    est = small().fit(pd.DataFrame(X[:, :, 0]), pd.Series(y))
    assert est.predict(pd.DataFrame(X[:, :, 0])).shape == (len(X),)


def test_window_transformer_set_output_pandas():
    wt = sklstm.WindowTransformer(3).set_output(transform="pandas")
    out = wt.fit_transform(pd.DataFrame({"a": LONG}))
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["a_lag2", "a_lag1", "a_lag0"]


@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [2])
def test_grid_search_in_worker_processes_matches_serial(n_jobs):
    X, y = make_windows(LONG, 4)
    grid = {"units": [2, 4], "optimizer__learning_rate": [0.001, 0.05]}
    serial = GridSearchCV(small(), grid, cv=TimeSeriesSplit(2)).fit(X, y)
    parallel = GridSearchCV(small(), grid, cv=TimeSeriesSplit(2), n_jobs=n_jobs).fit(X, y)
    assert parallel.best_params_ == serial.best_params_
    np.testing.assert_allclose(parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"])
