"""Conformal interval helpers (``sklstm/forecasting/_intervals.py``)."""

import numpy as np
import pytest

from sklstm.forecasting._intervals import (
    box_cox,
    conformal_bounds,
    conformal_width,
    forecast_errors,
    guerrero_power,
    interval_bounds,
    inverse_box_cox,
)


def test_errors_are_differences_or_log_ratios_nan_past_the_end():
    y = np.array([[10.0], [20.0], [40.0], [80.0]])
    paths = np.array([[[20.0], [20.0]], [[40.0], [40.0]]])  # from origins 1 and 2, two steps each
    additive = forecast_errors(paths, y, np.array([1, 2]), power=None)
    np.testing.assert_allclose(additive[:, :, 0], [[0.0, 20.0], [0.0, 40.0]])
    ratio = forecast_errors(paths, y, np.array([2, 3]), power=np.zeros(1))
    np.testing.assert_allclose(ratio[0, :, 0], [np.log(40 / 20), np.log(80 / 20)])
    assert np.isnan(ratio[1, 1, 0])  # past the end of the series


def test_a_forecast_clipped_to_zero_counts_as_the_series_smallest_value():
    # One origin forecast 0 for a series never below 10: its log ratio is log(20 / 10), not log(20 / 1e-5).
    y = np.array([[10.0], [30.0], [20.0]])
    errors = forecast_errors(np.array([[[0.0]]]), y, np.array([2]), power=np.zeros(1))
    assert errors[0, 0, 0] == pytest.approx(np.log(2.0))
    lower, upper = interval_bounds(np.array([[20.0]]), np.abs(errors[0]), power=np.zeros(1))
    assert (lower[0, 0], upper[0, 0]) == pytest.approx((10.0, 40.0))



def test_conformal_bounds_on_the_log_scale_are_multiplicative_and_without_a_power_additive():
    rng = np.random.default_rng(0)
    y = (np.exp(0.03 * np.arange(200)) * np.exp(rng.normal(0, 0.05, 200)))[:, np.newaxis]
    origins = np.arange(1, 200)
    paths = np.repeat(y[origins - 1][:, np.newaxis], 2, axis=1)  # the naive forecast from every origin
    point = np.full((2, 1), y[-1, 0])
    lower, upper = conformal_bounds(point, paths, y, origins, 0.9, power=np.zeros(1))
    ratio = conformal_width(forecast_errors(paths, y, origins, np.zeros(1)), 0.9)
    np.testing.assert_allclose(lower, point * np.exp(-ratio))
    np.testing.assert_allclose(upper, point * np.exp(ratio))
    lower, upper = conformal_bounds(point, paths, y, origins, 0.9, power=None)
    additive = conformal_width(forecast_errors(paths, y, origins, None), 0.9)
    np.testing.assert_allclose(upper - point, additive)
    np.testing.assert_allclose(point - lower, additive)
    # Power 1 is differences too (shifted by one, which cancels).
    lower1, upper1 = conformal_bounds(point, paths, y, origins, 0.9, power=np.ones(1))
    np.testing.assert_allclose(lower1, lower)
    np.testing.assert_allclose(upper1, upper)


@pytest.mark.parametrize("power", [0.0, 0.3, 0.5, 1.0])
def test_box_cox_round_trips(power):
    v = np.array([[0.5], [1.0], [7.0], [1234.5]])
    np.testing.assert_allclose(inverse_box_cox(box_cox(v, np.array([power])), np.array([power])), v)


def test_guerrero_reads_how_the_spread_follows_the_level():
    rng = np.random.default_rng(3)
    t = np.arange(240)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / 12)
    proportional = np.exp(t / 60) * season * np.exp(rng.normal(0, 0.05, 240))  # spread grows with the level
    constant = 1000 + 5 * t + 50 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 10, 240)  # it does not
    power = guerrero_power(np.column_stack([proportional, constant]), 12)
    assert power[0] <= 0.1 and power[1] >= 0.8
    # Too short for two subseries: no transform.
    assert guerrero_power(np.array([[1.0], [2.0], [3.0]]), 12).tolist() == [1.0]


def test_a_series_that_falls_close_to_zero_gets_a_milder_interval_than_log_ratios():
    # A cycle whose troughs nearly touch zero (sunspot-like): log ratios explode there.
    t = np.arange(240)
    y = (1.0 + 100 * (1 + np.sin(2 * np.pi * t / 11)) + np.random.default_rng(1).normal(0, 1, 240).clip(-0.9))[:, None]
    power = guerrero_power(y, 11)
    assert power[0] > 0
    origins = np.arange(1, 240)
    paths = np.repeat(y[origins - 1][:, np.newaxis], 2, axis=1)
    point = np.full((2, 1), 150.0)
    lower, upper = conformal_bounds(point, paths, y, origins, 0.9, power)
    log_lower, log_upper = conformal_bounds(point, paths, y, origins, 0.9, np.zeros(1))
    assert np.all(upper - lower < log_upper - log_lower)
