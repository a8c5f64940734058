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


def _calibration(y, lag=1, horizon=2):
    """Naive forecasts (the value ``lag`` steps back, repeated) from every origin of ``y`` ``(n, 1)``."""
    origins = np.arange(lag, len(y))
    paths = np.repeat(y[origins - 1][:, np.newaxis], horizon, axis=1)
    return paths, origins


def test_a_series_growing_with_its_spread_gets_a_multiplicative_interval():
    # Relative noise on an exponential trend: log ratios are alike at every level, differences grow with it.
    rng = np.random.default_rng(0)
    y = (np.exp(0.03 * np.arange(200)) * np.exp(rng.normal(0, 0.05, 200)))[:, np.newaxis]
    paths, origins = _calibration(y)
    point = np.full((2, 1), y[-1, 0])
    lower, upper = conformal_bounds(point, paths, y, origins, 0.9, positive=True)
    ratio = conformal_width(forecast_errors(paths, y, origins, True), 0.9)
    np.testing.assert_allclose(upper, point * np.exp(ratio))
    # Asymmetric around the point, as a multiplicative interval is.
    assert np.all(upper - point > point - lower)


def test_a_series_that_falls_close_to_zero_gets_an_additive_interval():
    # A cycle whose troughs nearly touch zero (sunspot-like): log ratios explode there, differences do not.
    t = np.arange(240)
    y = (1.0 + 100 * (1 + np.sin(2 * np.pi * t / 11)) + np.random.default_rng(1).normal(0, 1, 240).clip(-0.9))[:, None]
    paths, origins = _calibration(y)
    point = np.full((2, 1), 150.0)
    lower, upper = conformal_bounds(point, paths, y, origins, 0.9, positive=True)
    additive = conformal_width(forecast_errors(paths, y, origins, False), 0.9)
    np.testing.assert_allclose(upper - point, additive)
    np.testing.assert_allclose(point - lower, additive)
    ratio = conformal_width(forecast_errors(paths, y, origins, True), 0.9)
    assert np.all(point * np.exp(ratio) > upper)  # the multiplicative one would have been wider


def test_each_target_chooses_and_a_series_with_zeros_is_additive():
    rng = np.random.default_rng(2)
    grow = np.exp(0.03 * np.arange(200)) * np.exp(rng.normal(0, 0.05, 200))
    trough = 1.0 + 100 * (1 + np.sin(2 * np.pi * np.arange(200) / 11))
    y = np.column_stack([grow, trough])
    paths, origins = _calibration(y)
    point = y[-1] * np.ones((2, 1))
    lower, upper = conformal_bounds(point, paths, y, origins, 0.9, positive=True)
    assert upper[0, 0] - point[0, 0] > point[0, 0] - lower[0, 0]  # multiplicative
    assert upper[0, 1] - point[0, 1] == pytest.approx(point[0, 1] - lower[0, 1])  # additive
    # Not positive (positive=False): differences only, for every target.
    lower, upper = conformal_bounds(point, paths, y, origins, 0.9, positive=False)
    np.testing.assert_allclose(upper - point, point - lower)
