"""Conformal interval helpers (``sklstm/forecasting/_intervals.py``)."""

import numpy as np
import pytest

from sklstm.forecasting._intervals import conformal_bounds, conformal_width, forecast_errors, interval_bounds


def test_errors_are_differences_or_log_ratios_nan_past_the_end():
    y = np.array([[10.0], [20.0], [40.0], [80.0]])
    paths = np.array([[[20.0], [20.0]], [[40.0], [40.0]]])  # from origins 1 and 2, two steps each
    additive = forecast_errors(paths, y, np.array([1, 2]), multiplicative=False)
    np.testing.assert_allclose(additive[:, :, 0], [[0.0, 20.0], [0.0, 40.0]])
    ratio = forecast_errors(paths, y, np.array([2, 3]), multiplicative=True)
    np.testing.assert_allclose(ratio[0, :, 0], [np.log(40 / 20), np.log(80 / 20)])
    assert np.isnan(ratio[1, 1, 0])  # past the end of the series


def test_a_forecast_clipped_to_zero_counts_as_the_series_smallest_value():
    # One origin forecast 0 for a series never below 10: its log ratio is log(20 / 10), not log(20 / 1e-5).
    y = np.array([[10.0], [30.0], [20.0]])
    errors = forecast_errors(np.array([[[0.0]]]), y, np.array([2]), multiplicative=True)
    assert errors[0, 0, 0] == pytest.approx(np.log(2.0))
    lower, upper = interval_bounds(np.array([[20.0]]), np.abs(errors[0]), multiplicative=True)
    assert (lower[0, 0], upper[0, 0]) == pytest.approx((10.0, 40.0))


def test_a_point_forecast_below_the_smallest_value_keeps_an_upper_bound_from_there():
    # A falling positive series whose forecast is clipped to 0: the interval was [0, 0] (no width at 90%).
    y = np.linspace(100.0, 10.0, 40)[:, np.newaxis]
    origins = np.arange(20, 40)
    paths = np.repeat(y[origins - 1][:, np.newaxis], 1, axis=1) * 0.9  # every calibration forecast 10% low
    width = conformal_width(forecast_errors(paths, y, origins, True), 0.9)
    lower, upper = conformal_bounds(np.array([[0.0]]), paths, y, origins, 0.9, positive=True)
    assert lower[0, 0] == 0.0 and upper[0, 0] == pytest.approx(10.0 * np.exp(width[0, 0]))
    lower, upper = conformal_bounds(np.array([[5.0]]), paths, y, origins, 0.9, positive=True)
    assert lower[0, 0] == pytest.approx(5.0 * np.exp(-width[0, 0])) and upper[0, 0] == pytest.approx(10.0 * np.exp(width[0, 0]))
    lower, upper = conformal_bounds(np.array([[20.0]]), paths, y, origins, 0.9, positive=True)  # above: unchanged
    assert (lower[0, 0], upper[0, 0]) == pytest.approx((20.0 * np.exp(-width[0, 0]), 20.0 * np.exp(width[0, 0])))


def test_a_forecaster_clipped_to_zero_gives_an_interval_with_width():
    from sklstm import LSTMForecaster

    y = np.linspace(160.0, 10.0, 41)  # a positive series falling steadily: the linear forecast crosses zero
    f = LSTMForecaster(horizon=4, members=("ridge",), residual_weight=0.0, random_state=0).fit(y)
    bounds = f.predict_interval(4, coverage=0.9)
    point, lower, upper = bounds[:, 0], bounds[:, 1], bounds[:, 2]
    assert point[-1] == 0.0  # clipped (nonnegative="auto": no training value is negative)
    assert np.all(lower <= point) and np.all(point <= upper) and np.all(upper > 0)



def test_conformal_bounds_are_multiplicative_for_a_positive_series_else_additive():
    rng = np.random.default_rng(0)
    y = (np.exp(0.03 * np.arange(200)) * np.exp(rng.normal(0, 0.05, 200)))[:, np.newaxis]
    origins = np.arange(1, 200)
    paths = np.repeat(y[origins - 1][:, np.newaxis], 2, axis=1)  # the naive forecast from every origin
    point = np.full((2, 1), y[-1, 0])
    lower, upper = conformal_bounds(point, paths, y, origins, 0.9, positive=True)
    ratio = conformal_width(forecast_errors(paths, y, origins, True), 0.9)
    np.testing.assert_allclose(lower, point * np.exp(-ratio))
    np.testing.assert_allclose(upper, point * np.exp(ratio))
    lower, upper = conformal_bounds(point, paths, y, origins, 0.9, positive=False)
    additive = conformal_width(forecast_errors(paths, y, origins, False), 0.9)
    np.testing.assert_allclose(upper - point, additive)
    np.testing.assert_allclose(point - lower, additive)
