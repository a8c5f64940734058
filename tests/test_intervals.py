"""Conformal interval helpers (``sklstm/forecasting/_intervals.py``)."""

import numpy as np
import pytest

from sklstm.forecasting._intervals import forecast_errors, interval_bounds


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
