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


@pytest.mark.parametrize(("season", "arima", "ets"), [(12, 12, 12), (24, 1, 24), (52, 1, 1)])
def test_arima_takes_seasons_up_to_12_and_ets_up_to_24(season, arima, ets):
    # Seasonal AutoARIMA at period 24 took minutes on a few thousand hourly values; ETS stays quick.
    t = np.arange(3 * season + 10)[:, np.newaxis]
    y = 50 + 5 * np.sin(2 * np.pi * t / season) + 0.1 * t
    assert fit_stat_member("arima", y, season).models[0].season_length == arima
    assert fit_stat_member("ets", y, season).models[0].season_length == ets


def _driven(n=100, seed=0):
    """A random walk plus 5 times a known covariate: only a model that reads the covariate forecasts it well."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 1))
    return (50 + np.cumsum(rng.normal(scale=0.3, size=n)) + 5 * x[:, 0])[:, np.newaxis], x


def test_arima_reads_the_future_known_covariates_as_regressors():
    y, x = _driven()
    with_x, without = fit_stat_member("arima", y[:80], 1, x), fit_stat_member("arima", y[:80], 1)
    assert with_x.exogenous and not without.exogenous
    origins = np.array([80, 90])
    error = {name: np.mean(np.abs(m.forecast(y, origins, 6, x)[:, :, 0] - y[origins[:, None] + np.arange(6), 0]))
             for name, m in (("with", with_x), ("without", without))}
    assert error["with"] < 0.3 * error["without"]
    # The forecast follows the covariate's future rows, not only its past.
    moved = x.copy()
    moved[80:86] += 1.0
    np.testing.assert_allclose(with_x.forecast(y, origins[:1], 6, moved) - with_x.forecast(y, origins[:1], 6, x),
                               5.0, atol=0.5)


@pytest.mark.parametrize("name", ["ets", "theta", "ces", "snaive", "pretrained"])
def test_members_without_regressors_ignore_the_covariates(name):
    y, x = _driven()
    member = fit_stat_member(name, y[:80], 1, x)
    np.testing.assert_array_equal(member.forecast(y, np.array([80]), 6, x), member.forecast(y, np.array([80]), 6))


def test_arima_without_the_future_rows_of_its_covariates_is_an_error():
    y, x = _driven()
    member = fit_stat_member("arima", y[:80], 1, x)
    with pytest.raises(ValueError, match="reads the future-known covariates X of the 6 steps.*X has 84 rows, not 86"):
        member.forecast(y, np.array([80]), 6, x[:84])
    with pytest.raises(ValueError, match="X has 0 rows"):
        member.forecast(y, np.array([80]), 6)


def test_arima_falls_back_to_no_covariates_when_they_cannot_be_used():
    y, x = _driven()
    collinear = np.hstack([x, x])
    with pytest.warns(RuntimeWarning, match="'arima' member could not use the covariates X and is fitted without them"):
        member = fit_stat_member("arima", y[:80], 1, collinear)
    assert not member.exogenous
    np.testing.assert_allclose(member.forecast(y, np.array([80]), 6, collinear),
                               fit_stat_member("arima", y[:80], 1).forecast(y, np.array([80]), 6))


def test_the_forecaster_passes_its_covariates_to_arima():
    from sklstm import LSTMForecaster

    y, x = _driven(n=106)
    f = LSTMForecaster(horizon=6, members=("arima",), residual_weight=0.0, random_state=0).fit(y[:100, 0], X=x[:100])
    moved = x[100:] + 1.0
    np.testing.assert_allclose(f.predict(6, X=moved) - f.predict(6, X=x[100:]), 5.0, atol=0.5)


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


def test_the_pretrained_member_forecasts_each_target_with_the_synthetic_only_network():
    from sklstm.forecasting import PretrainedLSTMForecaster
    from sklstm.forecasting._pretrained import MEMBER_WEIGHTS, forecast_from, load_pretrained

    y = _monthly(k=2)
    member = fit_stat_member("pretrained", y[:72], 12)
    paths = member.forecast(y, np.array([72, 80]), 6)
    assert paths.shape == (2, 6, 2) and np.all(np.isfinite(paths))
    expected = forecast_from(load_pretrained(MEMBER_WEIGHTS), [y[:80, 1]], [12], 6)[0]
    np.testing.assert_allclose(paths[1, :, 1], expected, rtol=1e-5)
    alone = PretrainedLSTMForecaster(season_length=12).fit(y[:80, 1]).predict(6)  # the other training
    assert not np.allclose(paths[1, :, 1], alone, rtol=1e-3)


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


def _half_hourly(n_weeks=3):
    t = np.arange(n_weeks * 336)
    day = 10 * np.sin(2 * np.pi * t / 48)
    weekend = np.where((t // 48) % 7 >= 5, -15.0, 0.0)
    return 100 + 0.01 * t + day + weekend + np.random.default_rng(0).normal(0, 0.5, t.size)


def test_mstl_at_the_end_of_its_fit_is_statsforecasts_mstl_forecast():
    from statsforecast.models import MSTL

    y = _half_hourly()
    member = fit_stat_member("mstl", y[:, np.newaxis], 48, week=336)
    assert member.periods == (48, 336)
    paths = member.forecast(y[:, np.newaxis], np.array([len(y)]), 60)
    expected = MSTL(season_length=[48, 336]).forecast(y=y, h=60)["mean"]
    np.testing.assert_allclose(paths[0, :, 0], expected, rtol=1e-6)


def test_mstl_keeps_its_decomposition_and_forecasts_the_weekend_from_later_origins():
    y = _half_hourly(4)
    member = fit_stat_member("mstl", y[: 3 * 336, np.newaxis], 48, week=336)
    origin = 3 * 336 + 4 * 48  # Thursday night of the fourth week, a day and a half after the fit ended
    paths = member.forecast(y[:, np.newaxis], np.array([origin]), 96)
    # Saturday is 15 lower than Friday; a forecaster of the day alone would see no difference.
    np.testing.assert_allclose(paths[0, :, 0], y[origin: origin + 96], atol=2.5)
    # The seasonal part after the fit repeats each component's last cycle.
    part = member.seasonal_part(0, 3 * 336 + 10)
    np.testing.assert_allclose(part[-10:], sum(c[:10] for c in member.cycles[0]))


def test_mstl_without_two_cycles_of_any_season_is_an_error_and_the_forecaster_drops_it():
    from sklstm import LSTMForecaster

    with pytest.raises(ValueError, match="MSTL needs a season"):
        fit_stat_member("mstl", _monthly(n=20), 12)
    y = _monthly(n=60)[:, 0] + np.random.default_rng(1).normal(0, 1, 60)
    with pytest.warns(RuntimeWarning, match="'mstl' member could not be fitted and is dropped"):
        f = LSTMForecaster(horizon=6, members=("ridge", "mstl"), residual_weight=0.0, season_length=1).fit(y)
    assert set(f.selection_.member_scores) == {"ridge"}


def test_the_forecaster_takes_mstl_on_request_with_the_week_of_sub_daily_data():
    from statsforecast.models import MSTL

    from sklstm import LSTMForecaster

    y = _half_hourly()
    f = LSTMForecaster(horizon=12, members=("ridge", "mstl"), residual_weight=0.0, season_length=48,
                       random_state=0).fit(y)
    assert set(f.selection_.member_scores) == {"ridge", "mstl"}
    alone = LSTMForecaster(horizon=12, members=("mstl",), residual_weight=0.0, season_length=48).fit(y)
    expected = MSTL(season_length=[48, 336]).forecast(y=y, h=60)["mean"]  # the day and the week
    np.testing.assert_allclose(alone.predict(60), expected, rtol=1e-6)
    assert "mstl" not in LSTMForecaster(residual_weight=0.0).fit(_monthly(n=120)[:, 0]).selection_.member_scores


@pytest.mark.parametrize("name", ["ets", "theta", "arima"])
def test_long_series_are_fitted_on_their_last_thousand_values_and_filtered_from_there(name):
    # Fitting and filtering cost grows with the length (AutoARIMA: 41 s on 4,700 daily values, 6 s on 1,000).
    t = np.arange(1400)
    y = (50 + 5 * np.sin(2 * np.pi * t / 7) + np.random.default_rng(0).normal(0, 1, t.size))[:, np.newaxis]
    member = fit_stat_member(name, y[:1300], 7)
    assert member.first == 300 and member.season == 7
    older_changed = y.copy()
    older_changed[:300] += 500.0  # values before the last 1,000 of the fit
    later = fit_stat_member(name, older_changed[:1300], 7)
    paths = later.forecast(older_changed, np.array([1300, 1353]), 7)
    np.testing.assert_allclose(paths, member.forecast(y, np.array([1300, 1353]), 7))
    assert np.all(np.abs(paths[1, :, 0] - y[1353:1360, 0]) < 4)  # read from step 300 on: the season's phase kept
    assert fit_stat_member("snaive", y[:1300], 7).first == 0


def test_a_long_season_keeps_four_seasons_of_history():
    t = np.arange(1600)
    y = (50 + 5 * np.sin(2 * np.pi * t / 365))[:, np.newaxis]
    assert fit_stat_member("theta", y, 365).first == 1600 - 4 * 365
