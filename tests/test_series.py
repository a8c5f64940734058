"""Season lengths, time stamps and the series container."""

import numpy as np
import pandas as pd
import pytest

from sklstm.forecasting._series import (
    as_matrix,
    check_time_index,
    detect_season,
    frequency,
    future_index,
    model_season,
    resolve_season,
    season_length_from_index,
    seasonal_indices,
)


@pytest.mark.parametrize(
    "index, season",
    [
        (pd.period_range("2020-01", periods=5, freq="M"), 12),
        (pd.date_range("2020-01-31", periods=5, freq="ME"), 12),
        (pd.period_range("2020Q1", periods=5, freq="Q"), 4),
        (pd.date_range("2020-01-06", periods=5, freq="W-MON"), 52),
        (pd.date_range("2020-01-01", periods=5, freq="D"), 7),
        (pd.bdate_range("2020-01-06", periods=5), 5),
        (pd.date_range("2020-01-01", periods=5, freq="h"), 24),
        (pd.date_range("2020-01-01", periods=5, freq="min"), 60),
        (pd.period_range("2000", periods=5, freq="Y"), 1),
        (pd.date_range("2020-01-01", periods=5, freq="2D"), 1),  # a multiple of a day has no natural season
        (pd.RangeIndex(5), 1),
        (None, 1),
    ],
)
def test_season_length_follows_the_frequency(index, season):
    assert season_length_from_index(index) == season


def test_frequency_is_inferred_from_time_stamps_without_one():
    stamps = pd.DatetimeIndex(["2021-01-01", "2021-01-02", "2021-01-03", "2021-01-04"])
    assert stamps.freq is None and frequency(stamps).freqstr == "D"
    assert frequency(pd.DatetimeIndex(["2021-01-01", "2021-01-05", "2021-01-06"])) is None


def test_future_index_continues_after_the_last_stamp():
    index = pd.period_range("2020-11", periods=2, freq="M")
    assert [str(p) for p in future_index(index, 3)] == ["2021-01", "2021-02", "2021-03"]
    assert list(future_index(pd.RangeIndex(0, 10, 2), 2)) == [10, 12]
    assert list(future_index(pd.Index([3, 6, 9]), 2)) == [12, 15]
    assert future_index(pd.Index([3, 6, 10]), 2) is None  # uneven steps: nothing to continue
    assert future_index(pd.Index([1.0, 2.0]), 2) is None


def test_time_index_must_run_forward_without_gaps():
    with pytest.raises(ValueError, match="duplicate time stamps"):
        check_time_index(pd.DatetimeIndex(["2021-01-01", "2021-01-01", "2021-01-02"]))
    with pytest.raises(ValueError, match="not regularly spaced"):
        check_time_index(pd.PeriodIndex(["2021-01", "2021-02", "2021-04"], freq="M"))


@pytest.mark.parametrize("labels", [["2021-01-01", "2021-02-01", "2021-03-01"], ["Jan 2021", "Feb 2021", "Mar 2021"]])
def test_an_index_of_date_text_is_refused_with_how_to_convert_it(labels):
    with pytest.raises(ValueError, match=r"y's index holds text that reads as dates \('.*', '.*', ...\): convert it "
                                         r"first \(y.index = pd.to_datetime\(y.index\)\)"):
        check_time_index(pd.Index(labels))


@pytest.mark.parametrize("labels", [["r1", "r2", "r3"], ["1", "2", "3"], [1, 2, 3]])
def test_an_index_of_other_labels_forecasts_by_position(labels):
    assert check_time_index(pd.Index(labels)) is None


def test_as_matrix_names_columns_and_refuses_3d():
    values, names = as_matrix(pd.Series([1.0, 2.0], name="sales"), "y")
    assert values.shape == (2, 1) and names == ["sales"]
    assert as_matrix(np.zeros((3, 2)), "X")[1] == ["X0", "X1"]
    with pytest.raises(ValueError, match="1-D or 2-D"):
        as_matrix(np.zeros((2, 2, 2)), "y")
    with pytest.raises(ValueError, match=r"y is empty \(shape \(0, 1\)\): it needs at least one time step"):
        as_matrix([], "y")


def test_a_frame_with_a_date_column_or_a_multiindex_is_refused_with_what_to_do():
    frame = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=4, freq="MS"), "sales": np.arange(4.0)})
    with pytest.raises(ValueError, match=r"X has a column of dates, 'month': make it the index \(X.set_index\('month'\)\)"):
        as_matrix(frame, "X")
    stacked = pd.Series(np.arange(6.0), index=pd.MultiIndex.from_product([["a", "b"], range(3)]))
    with pytest.raises(ValueError, match=r"y has a MultiIndex \(2 levels\): a forecaster here fits one series"):
        check_time_index(stacked.index)


def _seasonal(period, n, seed=0, trend=0.0):
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return 10 + trend * t + np.sin(2 * np.pi * t / period) + 0.3 * rng.normal(size=n)


@pytest.mark.parametrize("period, n", [(4, 80), (7, 140), (12, 144), (24, 240), (52, 520)])
@pytest.mark.parametrize("trend", [0.0, 0.05])
def test_detect_season_finds_the_period_of_a_seasonal_array(period, n, trend):
    assert detect_season(_seasonal(period, n, trend=trend)) == period


@pytest.mark.parametrize("seed", range(5))
def test_detect_season_of_white_noise_and_a_random_walk_is_one(seed):
    noise = np.random.default_rng(seed).normal(size=150)
    assert detect_season(noise) == 1
    assert detect_season(np.cumsum(noise)) == 1


def test_detect_season_edge_cases():
    assert detect_season([1.0, 2.0, 3.0]) == 1  # too short for any period
    assert detect_season(np.full(50, 3.0)) == 1  # constant
    assert detect_season(_seasonal(12, 144), max_period=6) != 12  # beyond max_period
    two = np.column_stack([_seasonal(12, 144, seed=1), _seasonal(12, 144, seed=2), np.arange(144.0)])
    assert detect_season(two) == 12  # the period most columns show


@pytest.mark.parametrize(("y", "message"), [
    ([], r"y is empty"),
    (np.r_[_seasonal(12, 60)[:30], np.nan, _seasonal(12, 60)[31:]], r"y contains NaN or infinity: nan at index \(30,\)"),
    (["a", "b", "c"], r"y must be numeric"),
])
def test_detect_season_names_bad_input_instead_of_guessing(y, message):
    with pytest.raises(ValueError, match=message):
        detect_season(y)


@pytest.mark.parametrize("max_period", [0, -3, "12", 2.5])
def test_detect_season_names_a_bad_max_period(max_period):
    with pytest.raises(ValueError, match=rf"max_period must be a positive integer, got {max_period!r}"):
        detect_season(_seasonal(12, 144), max_period=max_period)


def test_resolve_season_prefers_the_integer_then_the_index_then_the_data():
    y = _seasonal(7, 140)
    assert resolve_season(5, None, y) == 5
    assert resolve_season("auto", pd.period_range("2020-01", periods=140, freq="M"), y) == 12
    assert resolve_season("auto", None, y) == 7
    assert resolve_season("auto", pd.period_range("1900", periods=140, freq="Y"), y) == 7  # yearly: from the data


@pytest.mark.parametrize("period", [4, 7, 12])
def test_seasonal_indices_of_a_trending_multiplicative_season(period):
    rng = np.random.default_rng(period)
    t = np.arange(8 * period)
    shape = 1 + 0.4 * np.sin(2 * np.pi * np.arange(period) / period)
    kind, indices = seasonal_indices((100 + t) * shape[t % period] * (1 + 0.01 * rng.normal(size=len(t))), period)
    assert kind == "multiplicative"
    np.testing.assert_allclose(indices, shape / shape.mean(), atol=0.03)


def test_seasonal_indices_additive_where_a_value_is_not_positive():
    t = np.arange(48)
    kind, indices = seasonal_indices(0.5 * t - 10 + 3 * np.sin(2 * np.pi * t / 4), 4)
    assert kind == "additive"
    np.testing.assert_allclose(indices, [0, 3, 0, -3], atol=0.1)


@pytest.mark.parametrize("y", [np.random.default_rng(0).normal(size=60) + 10,  # no season
                               np.tile([1.0, 2.0, 3.0, 4.0], 2),  # under three seasons
                               np.full(24, 3.0)])  # constant
def test_seasonal_indices_leave_a_series_without_a_clear_season(y):
    kind, indices = seasonal_indices(y, 4)
    assert kind == "none" and indices.shape == (4,) and not indices.any()


def test_model_season_keeps_calendar_and_given_seasons_and_drops_detected_cycles():
    years = pd.period_range("1900", periods=100, freq="Y")
    months = pd.period_range("1900-01", periods=100, freq="M")
    assert model_season(10, "auto", None) == 1  # found in the values: a cycle
    assert model_season(10, "auto", years) == 1  # yearly dates say nothing of a 10-year period
    assert model_season(11, 11, years) == 11  # given: used exactly
    assert model_season(12, "auto", None) == model_season(12, "auto", months) == 12
    assert model_season(7, "auto", None) == 7 and model_season(1, "auto", None) == 1
