import numpy as np
import pytest

from sklstm.forecasting._lags import LagLayout, SeriesTransform, build_frame, forecast_paths, training_windows


@pytest.mark.parametrize("name", ["none", "log", "diff", "log-diff"])
def test_transform_round_trip(name):
    y = np.array([[2.0, 5.0], [3.0, 4.0], [5.0, 6.0], [4.0, 9.0]])
    t = SeriesTransform(name)
    z = t.forward(y)
    assert len(z) == len(y) - t.diff
    # the inverse continues each path from the raw value before it
    np.testing.assert_allclose(t.inverse(z[np.newaxis], y[:1])[0], y[t.diff :])


def test_unknown_transform_is_rejected():
    with pytest.raises(ValueError, match="transform must be one of"):
        SeriesTransform("sqrt")


def test_frame_puts_future_covariates_lead_steps_ahead():
    layout = LagLayout(n_steps_in=2, horizon=3, recursive=False, n_targets=1, n_past=1, n_future=1)
    z = np.arange(5.0)[:, None]
    past = 10 + np.arange(5.0)[:, None]
    future = 100 + np.arange(7.0)[:, None]  # two known future rows
    frame = build_frame(z, past, future, layout, lost=0, n_rows=5)
    assert frame[0].tolist() == [0.0, 10.0, 103.0]  # the direct model's lead is its horizon
    assert frame[3].tolist() == [3.0, 13.0, 106.0]
    assert np.isnan(frame[4, 2])  # X at time 7 is unknown


def test_training_windows_for_both_strategies():
    frame = np.column_stack([np.arange(10.0), 100 + np.arange(10.0)])
    rec = LagLayout(3, 1, True, n_targets=1, n_future=1)
    X, y = training_windows(frame, rec, 0, 10)
    assert X.shape == (7, 3, 2) and y[:, 0].tolist() == list(range(3, 10))
    direct = LagLayout(3, 2, False, n_targets=1, n_future=1)
    X, y = training_windows(frame, direct, 0, 10)
    assert X.shape == (6, 3, 2) and y[0].tolist() == [3.0, 4.0] and y[-1].tolist() == [8.0, 9.0]


def test_forecast_paths_feed_predictions_back_from_many_origins():
    frame = np.arange(20.0)[:, None]
    layout = LagLayout(2, 1, True, n_targets=1)

    def step(windows):  # continue the line
        return 2 * windows[:, -1] - windows[:, -2]

    paths = forecast_paths(frame, np.array([5, 10]), 3, layout, step)
    assert paths[:, :, 0].tolist() == [[5.0, 6.0, 7.0], [10.0, 11.0, 12.0]]
