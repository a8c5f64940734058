"""Panels in long and wide layouts: reading, validation errors that name the series, writing back."""

import numpy as np
import pandas as pd
import pytest

from sklstm.forecasting._panels import next_labels, panel_frame, read_panel


def _wide():
    index = pd.period_range("2000Q1", periods=6, freq="Q")
    return pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [np.nan, np.nan, 30, 40, 50, 60]}, index=index)


def _long(wide):
    frame = wide.stack().rename("y").rename_axis(["ds", "unique_id"]).reset_index()
    frame = frame[["unique_id", "ds", "y"]].sort_values("unique_id", kind="stable")
    return frame.groupby("unique_id").sample(frac=1.0, random_state=0)  # series in order, time steps shuffled


def test_wide_and_long_read_the_same_series():
    wide = _wide()
    a, b = read_panel(wide), read_panel(_long(wide))
    assert a.layout == "wide" and b.layout == "long"
    assert a.ids == b.ids == ["a", "b"]
    for x, y, ix, iy in zip(a.values, b.values, a.indexes, b.indexes):
        np.testing.assert_array_equal(x, y)
        assert list(ix) == list(iy)
    assert len(a.values[1]) == 4 and a.indexes[1][0] == pd.Period("2000Q3")  # starts late


def test_panel_frame_writes_each_layout_with_each_series_dates():
    wide = _wide()
    wide.loc[wide.index[-1], "a"] = np.nan  # "a" ends a quarter early
    for frame in (wide, _long(wide)):
        panel = read_panel(frame)
        out = panel_frame(panel, [0, 1], {"y": np.array([[1.0, 2.0], [3.0, 4.0]])}, 2)
        if panel.layout == "wide":
            assert list(out.columns) == ["a", "b"]
            assert out.loc[pd.Period("2001Q2"), "a"] == 1.0 and np.isnan(out.loc[pd.Period("2001Q2"), "b"])
            assert out.loc[pd.Period("2001Q4"), "b"] == 4.0
        else:
            assert list(out.columns) == ["unique_id", "ds", "y"]
            assert out.iloc[0].tolist() == ["a", pd.Period("2001Q2"), 1.0]
            assert out.iloc[-1].tolist() == ["b", pd.Period("2001Q4"), 4.0]


def test_integer_time_stamps_continue_their_step():
    assert list(next_labels(pd.Index([3, 5, 7]), 2)) == [9, 11]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"unique_id": ["a", "a"], "ds": [1, 2], "value": [1.0, 2.0]}), "no column 'y'"),
        (pd.DataFrame({"unique_id": ["a", "a", "b"], "ds": [1, 2, 1], "y": [1.0, np.nan, 2.0]}), "series 'a' has a missing"),
        (pd.DataFrame({"unique_id": ["a", "a", "b"], "ds": [1, 1, 1], "y": [1.0, 2.0, 2.0]}), "series 'a'.* duplicate"),
        (pd.DataFrame({"unique_id": ["a", "a", "b"], "ds": [1, 2, 1], "y": ["x", "y", "z"]}), "series 'a' has non-numeric"),
        (pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, 2.0, 3.0]}), "series 'a' has a missing"),
        (pd.DataFrame({"a": [np.nan, np.nan], "b": [1.0, 2.0]}), "Series 'a' of the wide panel has no observed"),
        (pd.DataFrame({"unique_id": ["a", "a", "a"], "ds": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-05"]),
                       "y": [1.0, 2, 3]}), "series 'a'.* not regularly spaced"),
    ],
)
def test_bad_panels_get_errors_naming_the_series(frame, message):
    with pytest.raises(ValueError, match=message):
        read_panel(frame)


@pytest.mark.parametrize(("frame", "message"), [
    (pd.DataFrame({"unique_id": ["a", "a", "a"], "ds": ["Jan 2020", "Feb 2020", "Mar 2020"], "y": [1.0, 2, 3]}),
     r"The time column 'ds' holds text that reads as dates \('Jan 2020', ...\): convert it first "
     r"\(df\['ds'\] = pd.to_datetime\(df\['ds'\]\)\)"),
    (pd.DataFrame({"a": [1.0, 2, 3]}, index=["2020-01", "2020-02", "2020-03"]),
     r"The wide panel's index holds text that reads as dates \('2020-01', ...\): convert it first "
     r"\(df.index = pd.to_datetime\(df.index\)\)"),
])
def test_dates_left_as_text_are_refused_with_how_to_convert_them(frame, message):
    with pytest.raises(ValueError, match=message):
        read_panel(frame)


def test_a_panel_must_be_a_data_frame():
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        read_panel(np.ones((5, 2)))


def test_unknown_ids_are_named():
    panel = read_panel(_wide())
    assert panel.position(["b"]) == [1] and panel.position("a") == [0]
    with pytest.raises(ValueError, match=r"ids: series 'zz' not in the fitted panel \(2 series: 'a', 'b'\)"):
        panel.position(["a", "zz"])


def test_an_empty_panel_and_unknown_time_stamps_are_clear_errors():
    with pytest.raises(ValueError, match="The panel holds no series"):
        read_panel(pd.DataFrame(index=pd.RangeIndex(3)))
    with pytest.raises(ValueError, match="Cannot tell the time stamps after 'b'"):
        next_labels(pd.Index(["a", "b"]), 2)


def test_a_long_frame_with_other_column_names_is_told_which_names_to_pass():
    frame = pd.DataFrame({"store": ["a"] * 4, "date": pd.date_range("2020", periods=4).astype(str), "sales": 1.0})
    with pytest.raises(ValueError, match=r"Column 'store' is not numeric\. .* a long one has an id column 'unique_id', "
                       r"a time column 'ds' and a value column 'y': name yours with id_col=, time_col= and target_col="):
        read_panel(frame)


def test_rows_without_an_id_are_an_error_not_dropped():
    frame = pd.DataFrame({"unique_id": ["a", "a", None, "a"], "ds": pd.date_range("2020", periods=4), "y": 1.0})
    with pytest.raises(ValueError, match=r"The id column 'unique_id' is missing in 1 row\(s\) \(first at position 2\)"):
        read_panel(frame)
