"""The statistical members: statsforecast's automatic models per target, fitted once and filtered forward."""

import numpy as np
import pytest

from sklstm.forecasting._statistical import STATISTICAL_MEMBERS, fit_stat_member


def _monthly(n=96, k=1):
    t = np.arange(n)[:, np.newaxis]
    return 100 + t + 10 * np.sin(2 * np.pi * t / 12) + np.arange(k) * 50.0


@pytest.mark.parametrize("name", STATISTICAL_MEMBERS)
def test_member_forecasts_every_target_from_every_origin(name):
    y = _monthly(k=2)
    member = fit_stat_member(name, y[:72], 12)
    assert member.name == name and member.season == 12 and len(member.models) == 2
    paths = member.forecast(y, np.array([72, 80]), 6)
    assert paths.shape == (2, 6, 2) and np.all(np.isfinite(paths))
    # Filtering the later observations moves the forecast: origin 80 starts near y[80], not y[72].
    assert abs(paths[1, 0, 0] - y[80, 0]) < abs(paths[0, 0, 0] - y[80, 0]) + 5
    assert np.all(np.abs(paths[1, :, 1] - y[80:86, 1]) < 15)


def test_seasonal_naive_repeats_the_last_season_before_each_origin():
    y = _monthly(k=2)
    paths = fit_stat_member("snaive", y[:72], 12).forecast(y, np.array([72, 80]), 14)
    np.testing.assert_allclose(paths[1], np.concatenate([y[68:80], y[68:70]]))
    np.testing.assert_allclose(paths[0, :12], y[60:72])


def test_short_series_are_fitted_without_their_season():
    assert fit_stat_member("ets", _monthly(n=20), 12).season == 1


def test_unknown_member_is_an_error():
    with pytest.raises(ValueError, match="Unknown statistical member 'prophet'"):
        fit_stat_member("prophet", _monthly(), 12)


def test_a_forecast_that_is_not_finite_raises():
    member = fit_stat_member("theta", _monthly(), 12)

    class Broken:
        def forward(self, y, h):
            return {"mean": np.full(h, np.nan)}

    member.models = [Broken()]
    with pytest.raises(FloatingPointError, match="theta member's forecast is not finite"):
        member.forecast(_monthly(), np.array([90]), 3)


def test_the_pretrained_member_forecasts_each_target_as_the_pretrained_forecaster_does():
    from sklstm.forecasting import PretrainedLSTMForecaster

    y = _monthly(k=2)
    member = fit_stat_member("pretrained", y[:72], 12)
    paths = member.forecast(y, np.array([72, 80]), 6)
    assert paths.shape == (2, 6, 2) and np.all(np.isfinite(paths))
    alone = PretrainedLSTMForecaster(season_length=12).fit(y[:80, 1]).predict(6)
    np.testing.assert_allclose(paths[1, :, 1], alone, rtol=1e-5)


def test_the_forecaster_takes_the_pretrained_member_and_scores_it():
    from sklstm import LSTMForecaster

    y = _monthly(n=120)[:, 0]
    f = LSTMForecaster(horizon=6, members=("ridge", "pretrained"), residual_weight=0.0, random_state=0).fit(y)
    assert set(f.selection_.member_scores) == {"ridge", "pretrained"}
    assert abs(sum(f.selection_.member_weights.values()) - 1) < 1e-9
    with pytest.raises(ValueError, match="pretrained"):
        LSTMForecaster(members=("ridge", "pretrain")).fit(y)


def test_the_forecaster_takes_seasonal_naive_on_request_only():
    from sklstm import LSTMForecaster

    y = _monthly(n=120)[:, 0]
    alone = LSTMForecaster(horizon=6, members=("snaive",), residual_weight=0.0, season_length=12).fit(y)
    np.testing.assert_allclose(alone.predict(6), y[-12:-6])
    assert "snaive" not in LSTMForecaster(residual_weight=0.0).fit(y).selection_.member_scores
