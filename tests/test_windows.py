import numpy as np
import pandas as pd
import pytest

from sklstm import WindowTransformer, make_windows
from sklstm.tutorial import tutorial_data

SERIES = [10, 20, 30, 40, 50, 60, 70, 80, 90]


def test_univariate_matches_tutorial_split_sequence():
    X, y = make_windows(SERIES, 3)
    assert X.shape == (6, 3, 1)
    assert X[0, :, 0].tolist() == [10, 20, 30]
    assert y.tolist() == [40, 50, 60, 70, 80, 90]


def test_multiple_input_series_lead_zero():
    X, y = make_windows(tutorial_data(True), 3, features=[0, 1], targets=[2], lead=0)
    assert X.shape == (7, 3, 2)
    assert X[0].tolist() == [[10, 15], [20, 25], [30, 35]]
    assert y.tolist()[:2] == [65, 85]


def test_parallel_series():
    X, y = make_windows(tutorial_data(True), 3)
    assert X.shape == (6, 3, 3) and y.shape == (6, 3)
    assert y[0].tolist() == [40, 45, 85]


def test_vector_output():
    X, y = make_windows(SERIES, 3, n_steps_out=2)
    assert X.shape == (5, 3, 1)
    assert y.tolist()[0] == [40, 50] and y.tolist()[-1] == [80, 90]


def test_multi_input_multi_step():
    X, y = make_windows(tutorial_data(True), 3, 2, features=[0, 1], targets=[2], lead=0)
    assert X.shape == (6, 3, 2)
    assert y[0].tolist() == [65, 85]


def test_parallel_multi_step_is_flattened_step_major():
    X, y = make_windows(tutorial_data(True), 3, 2)
    assert X.shape == (5, 3, 3) and y.shape == (5, 6)
    assert y.reshape(5, 2, 3)[0].tolist() == [[40, 45, 85], [50, 55, 105]]


def test_windows_are_zero_copy_views():
    data = np.arange(1000.0)
    X, _ = make_windows(data, 64)
    assert np.shares_memory(X, data)
    assert not X.flags.writeable


def test_pandas_columns_by_name():
    df = pd.DataFrame(tutorial_data(True), columns=["a", "b", "total"])
    X, y = make_windows(df, 3, features=["a", "b"], targets="total", lead=0)
    assert X.shape == (7, 3, 2) and y[0] == 65
    Xs, ys = make_windows(df["a"], 3)
    assert Xs.shape == (6, 3, 1) and ys[0] == 40


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_steps_in": 0}, "n_steps_in must be a positive integer, got 0"),
        ({"n_steps_in": 3, "n_steps_out": -1}, "n_steps_out must be a positive integer, got -1"),
        ({"n_steps_in": 2.5}, "n_steps_in must be a positive integer"),
        ({"n_steps_in": 8, "n_steps_out": 2}, "data has 9 time steps, but n_steps_in=8, n_steps_out=2"),
        ({"n_steps_in": 3, "lead": -1}, "lead must be a non-negative integer"),
        ({"n_steps_in": 3, "features": [5]}, "features position 5 is out of range"),
        ({"n_steps_in": 3, "targets": "price"}, "targets column 'price' does not exist"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_windows(SERIES, **kwargs)


def test_missing_dataframe_column_lists_available():
    df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5]})
    with pytest.raises(ValueError, match=r"column 'b' does not exist; available columns: \['a'\]"):
        make_windows(df, 2, targets="b")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_data(bad):
    data = np.array(SERIES, dtype=float)
    data[4] = bad
    with pytest.raises(ValueError, match=r"data contains NaN or infinity: (nan|inf) at index \(4,"):
        make_windows(data, 3)


def test_non_numeric_data():
    with pytest.raises(ValueError, match="data must be numeric; found non-numeric value 'x'"):
        make_windows([1, 2, "x", 4, 5], 2)


def test_window_transformer_every_position_and_last_window():
    wt = WindowTransformer(n_steps_in=3)
    out = wt.fit_transform(np.array(SERIES))
    assert out.shape == (9, 3)
    assert np.isnan(out[:2]).all()
    assert out[-1].tolist() == [70, 80, 90]
    X, _ = make_windows(SERIES, 3)
    np.testing.assert_array_equal(out[2:-1], X[:, :, 0])


def test_window_transformer_multivariate_flattening_and_names():
    df = pd.DataFrame(tutorial_data(True)[:, :2], columns=["a", "b"])
    wt = WindowTransformer(n_steps_in=2).fit(df)
    assert list(wt.get_feature_names_out()) == ["a_lag1", "b_lag1", "a_lag0", "b_lag0"]
    assert wt.transform(df)[-1].tolist() == [80, 85, 90, 95]
    out = wt.set_output(transform="pandas").transform(df)
    assert list(out.columns) == ["a_lag1", "b_lag1", "a_lag0", "b_lag0"]


def test_window_transformer_rejects_bad_params():
    with pytest.raises(ValueError, match="n_steps_in"):
        WindowTransformer(n_steps_in=0).fit(np.arange(5.0))


def _dated(index):
    return pd.Series(np.arange(len(index), dtype=float), index=index)


def test_make_windows_refuses_dates_out_of_order_or_repeated():
    months = pd.date_range("2000-01", periods=24, freq="MS")
    with pytest.raises(ValueError, match=r"not in time order: 2000-01-01 00:00:00 \(row 1\) comes after 2000-02-01 .*sort_index"):
        make_windows(_dated(months[[1, 0, *range(2, 24)]]), 3)
    with pytest.raises(ValueError, match=r"repeats 2000-03-01 00:00:00 \(rows \[2, 3\]\)"):
        make_windows(_dated(months[[0, 1, 2, 2, *range(4, 24)]]), 3)


def test_make_windows_warns_about_uneven_dates_only():
    months = pd.date_range("2000-01", periods=25, freq="MS")
    with pytest.warns(UserWarning, match="unevenly spaced .* between 2000-06-01 00:00:00 and 2000-08-01"):
        make_windows(_dated(months.delete(6)), 3)
    with pytest.warns(UserWarning, match="unevenly spaced"):
        make_windows(_dated(pd.period_range("2000-01", periods=25, freq="M").delete(6)), 3)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for index in (months, pd.date_range("2000", periods=25, freq="ME"), pd.period_range("2000", periods=25, freq="Q"),
                      months[:2]):
            make_windows(_dated(index), 1)
