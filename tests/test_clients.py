"""Client code this project did not write: 2-D windows laid out by their column names."""

import numpy as np
import pandas as pd
import pytest

import sklstm
from sklstm import WindowTransformer, make_windows
from sklstm.preprocessing._reshaping import ColumnLayout

T = np.arange(80)
SERIES = np.column_stack([np.sin(T / 4.0), np.cos(T / 5.0), 0.01 * T])


def _small(**kw):
    return sklstm.VanillaLSTMRegressor(**{"units": 4, "epochs": 5, "random_state": 0, **kw})


def test_window_transformer_columns_give_steps_and_series():
    frame = WindowTransformer(n_steps_in=6).set_output(transform="pandas").fit_transform(pd.DataFrame(SERIES))
    X2, y = frame.iloc[5:-1], SERIES[6:, 0]
    est = _small().fit(X2, y)
    assert (est.n_steps_in_, est.n_series_in_) == (6, 3)
    X3, y3 = make_windows(SERIES, 6, targets=[0])
    np.testing.assert_array_equal(y3, y)
    direct = _small().fit(X3, y3)
    np.testing.assert_allclose(est.predict(X2), direct.predict(X3), rtol=1e-10)


def test_lag_names_that_disagree_are_a_clear_error():
    with pytest.raises(ValueError, match="every series needs the same lags"):
        ColumnLayout.from_names(["a_lag0", "a_lag1", "b_lag0"])
    assert ColumnLayout.from_names(["flag1", "temp"]) is None  # not lag names: one series, oldest first


def test_skforecast_multiseries_id_column_is_a_series_not_a_step():
    from skforecast.recursive import ForecasterRecursiveMultiSeries

    frame = pd.DataFrame({"a": SERIES[:, 0], "b": SERIES[:, 1]})
    forecaster = ForecasterRecursiveMultiSeries(estimator=_small(), lags=6, encoding="ordinal")
    forecaster.fit(series=frame)
    assert (forecaster.estimator.n_steps_in_, forecaster.estimator.n_series_in_) == (6, 2)
    assert forecaster.predict(steps=2).shape[0] == 4


def test_skforecast_single_series_lags_newest_first():
    # ForecasterRecursive passes its lag_1, lag_2, ... columns as a plain array, most recent first.
    from skforecast.recursive import ForecasterRecursive

    y = pd.Series(SERIES[:, 0])
    forecaster = ForecasterRecursive(estimator=_small(lag_order="newest_first"), lags=4)
    forecaster.fit(y)
    by_hand = _small().fit(*make_windows(SERIES[:, 0], 4))
    assert by_hand.predict(SERIES[-4:, :1].T)[0] == pytest.approx(forecaster.predict(1).iloc[0], rel=1e-6)
    reversed_in_time = ForecasterRecursive(estimator=_small(), lags=4)
    reversed_in_time.fit(y)
    assert reversed_in_time.predict(1).iloc[0] != pytest.approx(forecaster.predict(1).iloc[0], rel=1e-3)


@pytest.mark.parametrize("config", [{"transform_output": "pandas"}, {"transform_output": "polars"},
                                    {"assume_finite": True}, {"enable_metadata_routing": True}])
def test_global_scikit_learn_configuration_breaks_nothing(config):
    import sklearn

    X, y = make_windows(SERIES[:, 0], 5)
    before = _small().fit(X, y)  # fitted before the setting, used under it
    with sklearn.config_context(**config):
        est = _small().fit(X, y)
        np.testing.assert_allclose(est.predict(X[:3]), before.predict(X[:3]), rtol=1e-5)
        assert sklstm.WindowScaler().fit_transform(X).shape == X.shape
        forecaster = sklstm.LSTMForecaster(_small(), horizon=2, n_models=1, random_state=0).fit(pd.Series(SERIES[:, 0]))
        assert forecaster.predict(2).shape == (2,)


def test_sktime_make_reduction():
    from sktime.forecasting.compose import make_reduction

    y = pd.Series(SERIES[:60, 0])
    forecaster = make_reduction(_small(), window_length=6, strategy="recursive")
    forecaster.fit(y)
    by_hand = _small().fit(*make_windows(SERIES[:60, 0], 6))
    assert forecaster.predict(fh=[1]).iloc[0] == pytest.approx(by_hand.predict(SERIES[54:60, :1].T)[0], rel=1e-5)


def test_stacking_with_two_dimensional_windows():
    from sklearn.ensemble import StackingRegressor
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold

    X, y = make_windows(SERIES[:, 0], 5)
    X2 = X[:, :, 0]  # scikit-learn's meta-estimators take 2-D windows: (samples, steps), oldest first
    stack = StackingRegressor([("lstm", _small()), ("ridge", Ridge())], final_estimator=Ridge(), cv=KFold(3))
    stack.fit(X2, y)
    assert stack.named_estimators_["lstm"].n_steps_in_ == 5
    assert stack.predict(X2).shape == y.shape
