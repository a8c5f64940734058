"""The command's CSV reading (``sklstm/cli/_data.py``), in process: every problem named before any fitting."""

import io
import os
import stat

import numpy as np
import pandas as pd
import pytest

from sklstm.cli import main
from sklstm.cli._data import CLIError, future_covariates, load_panel, load_series
from sklstm.cli._files import check_outputs, emit_table, write_table
from sklstm.cli._main import build_parser


def args_of(*argv, command="forecast"):
    return build_parser().parse_args([command, *map(str, argv)])


@pytest.fixture
def promo_csv(promo_csv_factory):
    """60 days of sales with a planned promo, then 7 rows holding only the promo, and a column to ignore."""
    return promo_csv_factory("2020-01-01", 60, "note")


def test_rows_after_the_last_value_hold_the_future_covariates(promo_csv, capsys):
    path, frame = promo_csv
    data = load_series(args_of(path, "--future-cols", "promo"))
    assert len(data.y) == 60 and data.y.name == "sales" and data.X.shape == (60, 1)
    future = future_covariates(data, 7)
    assert str(future.index[0].date()) == "2020-03-01" and len(future) == 7
    np.testing.assert_array_equal(future["promo"], frame["promo"].iloc[60:])
    err = capsys.readouterr().err
    assert "ignored columns: note (name future-known covariates with --future-cols, past-only ones with --past-cols)" in err


def test_future_values_from_a_second_csv(promo_csv, tmp_path):
    path, frame = promo_csv
    frame.iloc[:60].to_csv(path, index=False)
    future_csv = tmp_path / "future.csv"
    frame.iloc[60:][["date", "promo"]].to_csv(future_csv, index=False)
    data = load_series(args_of(path, "--future-cols", "promo", "--future", future_csv))
    np.testing.assert_array_equal(future_covariates(data, 7)["promo"], frame["promo"].iloc[60:])
    frame.iloc[50:57][["date", "promo"]].to_csv(future_csv, index=False)  # dated in the past
    data = load_series(args_of(path, "--future-cols", "promo", "--future", future_csv))
    with pytest.raises(CLIError, match="the future covariates start at 2020-02-20 00:00:00, not after the series' last"):
        future_covariates(data, 7)


def test_a_missing_future_value_names_the_column_and_date(promo_csv):
    path, _ = promo_csv
    data = load_series(args_of(path, "--future-cols", "promo"))
    with pytest.raises(CLIError, match="covariate 'promo' has no future value for 2020-03-08 00:00:00: a 8-step"):
        future_covariates(data, 8)


def test_forecast_checks_the_future_covariates_before_any_fitting(promo_csv, capsys):
    path, _ = promo_csv
    assert main(["forecast", str(path), "--future-cols", "promo", "--horizon", "30"]) == 2
    assert "covariate 'promo' has no future value for 2020-03-08" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--future-cols", "price"], "--future-cols 'price' is not a column of"),
    (["--future-cols", "promo", "--target", "promo"], "--target 'promo' is also named as a covariate"),
    (["--future", "f.csv"], "--future gives the future values of covariates: name them with --future-cols"),
])
def test_covariate_options_are_checked(promo_csv, capsys, argv, message):
    path, _ = promo_csv
    assert main(["forecast", str(path), *argv]) == 2
    assert message in capsys.readouterr().err


def test_covariates_need_a_csv(capsys):
    assert main(["backtest", "--future-cols", "promo"]) == 2
    assert "--future-cols, --future and --past-cols need a CSV file" in capsys.readouterr().err


@pytest.mark.parametrize("fill", ["none", "interpolate", "ffill"])
@pytest.mark.parametrize("text, hint", [("1,234.5", "; remove the thousands separators"), ("closed", "")])
def test_fill_never_turns_text_into_numbers(promo_csv, tmp_path, capsys, fill, text, hint):
    _, frame = promo_csv
    frame = frame.iloc[:60].astype({"sales": object})
    frame.loc[4, "sales"] = text
    frame.loc[9, "sales"] = None  # an empty cell: what --fill is for
    path = tmp_path / "text.csv"
    frame.to_csv(path, index=False)
    assert main(["forecast", str(path), "--fill", fill]) == 2
    assert f"column 'sales' has a non-numeric value {text!r} at 2020-01-05 00:00:00{hint}" in capsys.readouterr().err


def test_fill_fills_empty_cells_of_the_target_and_covariates(promo_csv, tmp_path):
    _, frame = promo_csv
    frame = frame.iloc[:60].copy()
    frame.loc[4, "sales"] = np.nan
    frame.loc[6, "promo"] = np.nan
    path = tmp_path / "gaps.csv"
    frame.drop(index=[10]).to_csv(path, index=False)  # and a date gap
    with pytest.raises(CLIError, match="not regularly spaced"):
        load_series(args_of(path, "--future-cols", "promo"))
    data = load_series(args_of(path, "--fill", "interpolate"))
    assert len(data.y) == 60 and data.y.iloc[4] == pytest.approx((frame["sales"][3] + frame["sales"][5]) / 2)
    assert data.y.iloc[10] == pytest.approx((frame["sales"][9] + frame["sales"][11]) / 2)
    frame.to_csv(path, index=False)  # no date gap: the empty cell is the first problem
    with pytest.raises(CLIError, match="column 'sales' has a missing value at 2020-01-05 00:00:00; fill"):
        load_series(args_of(path, "--date-col", "date"))


@pytest.fixture
def dayfirst_csv(tmp_path):
    days = pd.date_range("2023-01-01", periods=40, freq="D")
    path = tmp_path / "dmy.csv"
    pd.DataFrame({"day": days.strftime("%d/%m/%Y"), "sales": np.arange(40.0)}).to_csv(path, index=False)
    return path


def test_day_first_dates_parse_with_dayfirst_and_get_a_hint_without(dayfirst_csv, capsys):
    y = load_series(args_of(dayfirst_csv, "--dayfirst")).y
    assert str(y.index[1].date()) == "2023-01-02" and y.index.freqstr == "D"
    assert "using column 'day' as the dates" in capsys.readouterr().err
    assert main(["forecast", str(dayfirst_csv)]) == 2
    assert "the dates in 'day' read day first (02/01/2023 is 2 January 2023): pass --dayfirst" in capsys.readouterr().err


def test_dates_that_read_both_ways_say_which_was_used(tmp_path, capsys):
    months = pd.date_range("2020-01-01", periods=12, freq="MS")  # 01/02/2020: 2 January or 1 February?
    path = tmp_path / "ambiguous.csv"
    pd.DataFrame({"when": months.strftime("%d/%m/%Y"), "v": np.arange(12.0)}).to_csv(path, index=False)
    y = load_series(args_of(path)).y
    assert str(y.index[1].date()) == "2020-01-02"  # month first, as numeric dates are read by default
    assert "read month first (01/02/2020 is 2 January 2020); pass --dayfirst if" in capsys.readouterr().err
    assert str(load_series(args_of(path, "--dayfirst")).y.index[1]) == "2020-02"  # monthly: periods


def test_year_month_dates_are_monthly_periods(tmp_path):
    path = tmp_path / "ym.csv"
    pd.DataFrame({"month": [f"2020-{m:02d}" for m in range(1, 13)], "v": np.arange(12.0)}).to_csv(path, index=False)
    assert load_series(args_of(path)).y.index.freqstr == "M"


@pytest.mark.parametrize(("sep", "decimal"), [(";", ","), (";", "."), ("\t", "."), ("|", ".")])
def test_semicolon_tab_and_bar_separated_files_read_as_the_comma_separated_one(tmp_path, sep, decimal):
    values = [1.25, 2.5, 3.75, 4.125]
    rows = [f"2020-{m:02d}-01{sep}{str(v).replace('.', decimal)}" for m, v in zip(range(1, 5), values)]
    path = tmp_path / "sales.csv"
    path.write_text("\n".join([f"date{sep}sales", *rows]) + "\n")
    y = load_series(args_of(path)).y
    assert y.name == "sales" and y.tolist() == values and str(y.index[0]) == "2020-01"


def test_a_dash_reads_the_series_from_stdin(tmp_path, monkeypatch):
    text = "date;sales\n2020-01-01;1,5\n2020-02-01;2,5\n2020-03-01;4\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    y = load_series(args_of("-")).y
    assert y.name == "sales" and y.tolist() == [1.5, 2.5, 4.0] and str(y.index[-1]) == "2020-03"


def test_a_dash_output_writes_the_csv_to_stdout_and_the_summary_to_stderr(capsys):
    table = pd.DataFrame({"fold": [0, 1], "mase": [0.123456789, 2.0]})
    emit_table(table, "-", 3, index=False, summary="mean MASE 1.062")
    out, err = capsys.readouterr()
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(out)), table)  # full precision, for the next program
    assert err == "sklstm: mean MASE 1.062\n"
    emit_table(table, None, 3, index=False, summary="mean MASE 1.062")
    out, err = capsys.readouterr()
    assert out.splitlines() == [" fold  mase", "    0 0.123", "    1 2.000", "mean MASE 1.062"] and err == ""


@pytest.mark.parametrize(("argv", "message"), [
    (["-", "--future", "-", "--future-cols", "promo"], "the series and --future cannot both be read from stdin"),
    (["--plot", "-"], "--plot needs a file name; stdout"),
])
def test_stdin_and_stdout_are_each_used_once(argv, message):
    with pytest.raises(CLIError, match=message):
        check_outputs(args_of(*argv))


def test_rows_longer_than_the_header_are_an_error_not_a_shifted_table(tmp_path, capsys):
    # A semicolon file whose numbers have decimal commas, read with commas, has one field more per row
    # than its header; pandas would take the first as the row labels and forecast the decimals.
    path = tmp_path / "shifted.csv"
    path.write_text("date,sales\n2020-01-01,10,5\n2020-02-01,11,25\n")
    assert main(["forecast", str(path)]) == 2
    assert "shifted.csv has data rows with more fields than its header's 2 (date, sales)" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "stamps", "freq", "first"), [
    ("year", [1950, 1951, 1952, 1953], "Y", "1950"),  # whole years: the target had been the years themselves
    ("quarter", ["2000Q1", "2000Q2", "2000Q3", "2000Q4"], "Q", "2000Q1"),
    ("Date", ["Jan 2015", "Feb 2015", "Mar 2015", "Apr 2015"], "M", "2015-01"),
    ("Quarter", ["1998 Q3", "1998 Q4", "1999 Q1", "1999 Q2"], "Q", "1998Q3"),  # R's tsibble, fpp3's CSVs
    ("quarter", ["Q3 1998", "Q4 1998", "Q1 1999", "Q2 1999"], "Q", "1998Q3"),
    ("Month", ["1998M11", "1998M12", "1999M01", "1999M02"], "M", "1998-11"),  # statistical offices
    ("month", [199811, 199812, 199901, 199902], "M", "1998-11"),  # years and months as one number
    ("Week", ["2020 W52", "2020 W53", "2021 W01", "2021 W02"], "W", "2020-12-15/2020-12-21"),  # ISO weeks
])
def test_a_first_column_named_like_a_time_is_found_as_the_dates(tmp_path, capsys, name, stamps, freq, first):
    path = tmp_path / "t.csv"
    pd.DataFrame({name: stamps, "value": [1.0, 2.0, 3.0, 5.0]}).to_csv(path, index=False)
    y = load_series(args_of(path)).y
    assert y.name == "value" and y.tolist() == [1.0, 2.0, 3.0, 5.0]
    assert y.index.freqstr.startswith(freq) and str(y.index[0]) == first
    assert f"using column {name!r} as the dates" in capsys.readouterr().err


def test_numbers_in_a_first_column_not_named_like_a_time_stay_a_series(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"sales": [1950, 1951, 1952, 1953], "other": [1.0, 2.0, 3.0, 5.0]}).to_csv(path, index=False)
    assert load_series(args_of(path)).y.name == "sales"


@pytest.mark.parametrize("args", [[], ["--date-col", "day"]])
def test_a_first_column_counting_the_steps_is_the_time_axis_not_the_series(tmp_path, capsys, args):
    path = tmp_path / "t.csv"  # the column counted had been forecast, and the values ignored
    pd.DataFrame({"day": [5, 10, 15, 20], "value": [1.0, 2.0, 3.0, 5.0]}).to_csv(path, index=False)
    y = load_series(args_of(path, *args)).y
    assert y.name == "value" and y.index.equals(pd.RangeIndex(5, 25, 5, name="day"))
    assert "using column 'day' as the time steps (whole numbers, not dates" in capsys.readouterr().err


@pytest.mark.parametrize(("stamps", "bad"), [(["2000 Q3", "2000 Q4", "2000 Q5"], "2000 Q5"),
                                             (["2020 W52", "2020 W53", "2020 W54"], "2020 W54"),
                                             (["2019 W52", "2019 W53", "2020 W01"], "2019 W53")])  # 2019: 52 weeks
def test_a_period_out_of_range_is_named(tmp_path, capsys, stamps, bad):
    path = tmp_path / "t.csv"
    pd.DataFrame({"when": stamps, "value": [1.0, 2.0, 3.0]}).to_csv(path, index=False)
    assert main(["forecast", str(path)]) == 2
    assert f"column 'when' has a value that is not a date, {bad!r}" in capsys.readouterr().err


def test_a_panel_time_column_counting_each_series_steps_is_read_as_steps(tmp_path, capsys):
    path = tmp_path / "p.csv"  # neuralforecast's examples: ds = 1, 2, 3, ... per series
    frame = pd.DataFrame({"unique_id": ["a"] * 4 + ["b"] * 3, "ds": [1, 2, 3, 4, 1, 2, 3], "y": np.arange(7.0)})
    frame.to_csv(path, index=False)
    data = load_panel(args_of(path, "--id-col", "unique_id"))
    assert data.frame["ds"].tolist() == [1, 2, 3, 4, 1, 2, 3] and data.frame["y"].tolist() == list(np.arange(7.0))
    assert "using column 'ds' as the time steps of each series" in capsys.readouterr().err
    frame.drop(index=1).to_csv(path, index=False)
    with pytest.raises(CLIError, match=r"the time steps in 'ds' \(series 'a'\) are not increasing in one constant "
                                       r"step: 1, then 3"):
        load_panel(args_of(path, "--id-col", "unique_id"))


def test_a_panel_year_column_is_found_as_the_dates(tmp_path):
    path = tmp_path / "p.csv"
    pd.DataFrame({"country": ["a"] * 4 + ["b"] * 4, "year": [2000, 2001, 2002, 2003] * 2,
                  "gdp": np.arange(8.0)}).to_csv(path, index=False)
    data = load_panel(args_of(path, "--id-col", "country"))
    assert data.date_col == "year" and data.target == "gdp" and len(data.frame) == 8


def test_output_csv_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_table(pd.DataFrame({"a": [1.0]}), str(tmp_path / "out.csv"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "out.csv").st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left


# ----------------------------------------------------------------------------- panels
@pytest.fixture
def panel_csv(tmp_path):
    months = pd.date_range("2018-01-01", periods=30, freq="MS")
    frame = pd.concat([pd.DataFrame({"store": key, "month": months.strftime("%Y-%m-%d"),
                                     "sales": level + np.arange(30.0), "size": size, "city": "x"})
                       for key, level, size in (("a", 10.0, 1), ("b", 100.0, 3))], ignore_index=True)
    return tmp_path / "stores.csv", frame


def test_panel_gaps_and_empty_cells_are_filled_per_series(panel_csv, capsys):
    path, frame = panel_csv
    frame = frame.drop(index=[5, 40]).astype({"sales": object})
    frame.loc[7, "sales"] = None
    frame.to_csv(path, index=False)
    with pytest.raises(CLIError, match=r"dates in 'month' \(series 'a'\) are not regularly spaced"):
        load_panel(args_of(path, "--id-col", "store"))
    data = load_panel(args_of(path, "--id-col", "store", "--fill", "interpolate", "--static-cols", "size"))
    assert len(data.frame) == 60 and data.frame["sales"].notna().all()
    np.testing.assert_allclose(data.frame["sales"], np.r_[10.0 + np.arange(30), 100.0 + np.arange(30)])
    assert data.static["size"].tolist() == [1, 3]
    assert ("ignored columns: city (name per-series constants with --static-cols, covariates with --future-cols or --past-cols)"
            in capsys.readouterr().err)
    frame.loc[8, "sales"] = "closed"
    frame.to_csv(path, index=False)
    with pytest.raises(CLIError, match="column 'sales' has a non-numeric value 'closed' in data row 8"):
        load_panel(args_of(path, "--id-col", "store", "--fill", "ffill"))


@pytest.mark.parametrize("fill", ["none", "ffill"])
def test_panel_rows_after_a_series_last_value_are_not_filled_into_it(panel_csv, capsys, fill):
    # Rows dated after a series' last value (kept for future covariates) are no gap to fill: with --fill they
    # had become made-up values at future dates, without it an error that advised --fill.
    path, frame = panel_csv
    frame = frame.astype({"sales": float})
    frame.loc[[27, 28, 29, 59], "sales"] = np.nan
    frame.to_csv(path, index=False)
    data = load_panel(args_of(path, "--id-col", "store", "--fill", fill))
    assert data.frame.groupby("store").size().tolist() == [27, 29]
    assert data.frame["month"].max() == pd.Timestamp("2020-05-01")
    assert "the 4 row(s) after each series' last value of 'sales' are not used" in capsys.readouterr().err
    frame.loc[frame["store"] == "b", "sales"] = np.nan
    frame.to_csv(path, index=False)
    with pytest.raises(CLIError, match="series 'b' has no values of 'sales'"):
        load_panel(args_of(path, "--id-col", "store"))


def test_text_static_columns_are_categories_and_empty_ones_are_named(panel_csv):
    path, frame = panel_csv
    frame.assign(city=np.where(frame["store"] == "a", "north", "south")).to_csv(path, index=False)
    data = load_panel(args_of(path, "--id-col", "store", "--static-cols", "size,city"))
    assert data.static["city"].tolist() == ["north", "south"]
    frame.assign(city=[None] + ["x"] * (len(frame) - 1)).to_csv(path, index=False)
    with pytest.raises(CLIError, match=r"--static-cols 'city' has no value in data row 1 \(series 'a'\)"):
        load_panel(args_of(path, "--id-col", "store", "--static-cols", "city"))


@pytest.mark.parametrize("argv, message", [
    (["--static-cols", "sales"], "--static-cols 'sales' changes within series 'a'"),
    (["--static-cols", "region"], "--static-cols 'region' is not a column"),
    (["--future-cols", "size"], "X has no value of 'size' for series 'a' at"),
    (["--plot", "p.png", "--plot-ids", "a,zz"], "--plot-ids zz: no such series"),
    (["--window", "sliding"], "unrecognized arguments"),
])
def test_panel_options_are_checked_before_any_fitting(panel_csv, tmp_path, capsys, argv, message):
    path, frame = panel_csv
    frame.to_csv(path, index=False)
    argv = [str(tmp_path / a) if a.endswith(".png") else a for a in argv]
    try:
        code = main(["forecast", str(path), "--id-col", "store", *argv])
    except SystemExit as exit_info:  # argparse
        code = exit_info.code
    assert code == 2 and message in capsys.readouterr().err


def test_panel_backtest_refuses_a_sliding_window(panel_csv, capsys):
    path, frame = panel_csv
    frame.to_csv(path, index=False)
    assert main(["backtest", str(path), "--id-col", "store", "--window", "sliding"]) == 2
    assert "--window sliding is for a single series" in capsys.readouterr().err


def test_folds_longer_than_the_series_exit_2_before_any_fitting(promo_csv, panel_csv, capsys):
    path, _ = promo_csv
    assert main(["backtest", str(path), "--folds", "5", "--horizon", "12"]) == 2
    assert "--folds 5 x --horizon 12 test the last 60 steps, but the series has 60 steps" in capsys.readouterr().err
    path, frame = panel_csv
    frame.to_csv(path, index=False)
    assert main(["backtest", str(path), "--id-col", "store", "--folds", "3", "--horizon", "10"]) == 2
    assert "but series 'a' has 30 steps" in capsys.readouterr().err


def test_panel_rows_without_an_id_are_an_error(panel_csv, capsys):
    path, frame = panel_csv
    frame.loc[3, "store"] = None
    frame.to_csv(path, index=False)
    assert main(["forecast", str(path), "--id-col", "store"]) == 2
    assert "--id-col 'store' is empty in data row 4 (1 row(s) in all)" in capsys.readouterr().err


@pytest.mark.parametrize("name, compressed", [("out.csv", False), ("out.csv.gz", True)])
def test_output_is_compressed_as_its_extension_says(tmp_path, name, compressed):
    write_table(pd.DataFrame({"a": [1.5]}), str(tmp_path / name), index=False)
    assert ((tmp_path / name).read_bytes()[:2] == b"\x1f\x8b") is compressed
    assert pd.read_csv(tmp_path / name)["a"].tolist() == [1.5]


def test_output_onto_a_symbolic_link_writes_where_it_points(tmp_path):
    (tmp_path / "real.csv").write_text("old")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    write_table(pd.DataFrame({"a": [2.0]}), str(tmp_path / "link.csv"), index=False)
    assert (tmp_path / "link.csv").is_symlink() and pd.read_csv(tmp_path / "real.csv")["a"].tolist() == [2.0]


@pytest.mark.parametrize("argv, message", [
    (["--plot", "{tmp}/f.xyz"], "--plot {tmp}/f.xyz: unknown image type 'xyz'; use one of"),
    (["--plot", "{tmp}/f.png", "--output", "{tmp}/f.png"], "--plot and --output are the same file"),
])
def test_plot_paths_are_checked_before_any_fitting(promo_csv, tmp_path, capsys, argv, message):
    path, _ = promo_csv
    argv = [a.format(tmp=tmp_path) for a in argv]
    assert main(["forecast", str(path), *argv]) == 2
    assert message.format(tmp=tmp_path) in capsys.readouterr().err


def test_numbers_near_the_largest_double_print_as_numbers_not_inf():
    from sklstm.cli._files import show_table

    table = pd.DataFrame({"y": [1.6e308, 12.3456, 0.0, 1e-7], "fold": [1, 2, 3, 4]})
    lines = show_table(table, 2, index=False).splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["1.6e+308", "12.35", "0.00", "1e-07"]
    assert "inf" not in show_table(table, 3)


@pytest.mark.parametrize("offsets", [("+01:00", "+01:00"), ("+01:00", "+02:00"), ("Z", "Z")])
def test_dates_with_time_zone_offsets_read_as_the_local_times_written(tmp_path, capsys, offsets):
    days = pd.date_range("2020-03-20", periods=20, freq="D")
    stamps = [f"{d:%Y-%m-%d}T00:00:00{offsets[0] if i < 9 else offsets[1]}" for i, d in enumerate(days)]
    path = tmp_path / "tz.csv"
    pd.DataFrame({"date": stamps, "sales": np.arange(20.0)}).to_csv(path, index=False)
    data = load_series(args_of(path))
    assert list(data.y.index) == list(days) and data.y.index.freqstr == "D"
    assert "carry time-zone offsets" in capsys.readouterr().err


def test_a_numeric_date_column_is_named_with_its_plain_value(tmp_path):
    path = tmp_path / "four.csv"
    path.write_text("d,v\n2020-01-01,1\n2020-01-02,5\n2020-01-03,3\n2020-01-04,4\n")
    with pytest.raises(CLIError, match=r"column 'v' has a value that is not a date, 1, in data row 1 \(the column "
                                       r"holds numbers, not dates\)"):
        load_series(args_of(path, "--date-col", "v"))
    path.write_text("d,v\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n2020-01-04,4\n")  # counts steps: the dates left
    with pytest.raises(CLIError, match=r"column 'd' has a non-numeric value '2020-01-01' in data row 1; it looks like "
                                       r"a date: pass --date-col d"):
        load_series(args_of(path, "--date-col", "v"))


def _promo_panel_csv(tmp_path, future_rows=4):
    """Two stores' daily sales with a promo column; each store's last ``future_rows`` rows hold only the promo."""
    rng = np.random.default_rng(0)
    frames = []
    for key, level in (("a", 100.0), ("b", 300.0)):
        days = pd.date_range("2023-01-01", periods=40 + future_rows, freq="D")
        promo = (rng.random(len(days)) < 0.3).astype(int)
        sales = level + 20 * promo + rng.normal(0, 1, len(days))
        sales[40:] = np.nan
        frames.append(pd.DataFrame({"store": key, "day": days.strftime("%Y-%m-%d"), "sales": sales, "promo": promo}))
    frame = pd.concat(frames, ignore_index=True)
    path = tmp_path / "stores.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_panel_covariates_come_from_the_rows_after_each_series_or_a_file(tmp_path):
    from sklstm.cli._data import check_panel_future

    path, frame = _promo_panel_csv(tmp_path)
    data = load_panel(args_of(path, "--id-col", "store", "--future-cols", "promo"))
    assert len(data.frame) == 80 and data.frame["sales"].notna().all()
    assert len(data.X) == 88 and list(data.X.columns) == ["store", "day", "promo"]
    check_panel_future(data, 4)
    with pytest.raises(CLIError, match=r"X has no value of 'promo' for series 'a' at 2023-02-14 .* --future FILE"):
        check_panel_future(data, 5)
    future = tmp_path / "future.csv"
    frame[frame["sales"].isna()][["store", "day", "promo"]].to_csv(future, index=False)
    frame.dropna(subset=["sales"]).to_csv(path, index=False)
    from_file = load_panel(args_of(path, "--id-col", "store", "--future-cols", "promo", "--future", str(future)))
    order = ["store", "day"]
    pd.testing.assert_frame_equal(from_file.X.sort_values(order).reset_index(drop=True),
                                  data.X.sort_values(order).reset_index(drop=True))
    with pytest.raises(CLIError, match="--future .* has no id-col column 'store'"):
        future.write_text("day,promo\n2023-02-10,1\n")
        load_panel(args_of(path, "--id-col", "store", "--future-cols", "promo", "--future", str(future)))


def test_past_only_covariates_of_a_panel_are_read_at_each_series_dates(visits_csv_factory):
    from sklstm.cli._data import check_panel_past

    data = load_panel(args_of(visits_csv_factory(), "--id-col", "store", "--past-cols", "visits"))
    assert data.X is None and list(data.X_past.columns) == ["store", "day", "visits"] and len(data.X_past) == 80
    check_panel_past(data)
    gappy = load_panel(args_of(visits_csv_factory(gap=True), "--id-col", "store", "--past-cols", "visits"))
    with pytest.raises(CLIError, match=r"--past-cols has no value of 'visits' for series 'a' at 2023-01-06"):
        check_panel_past(gappy)


def test_past_only_covariates_of_one_series(visits_csv_factory):
    path = visits_csv_factory()
    frame = pd.read_csv(path)
    frame[frame["store"] == "a"].drop(columns="store").to_csv(path, index=False)
    data = load_series(args_of(path, "--past-cols", "visits"))
    assert data.y.name == "sales" and list(data.X_past.columns) == ["visits"] and len(data.X_past) == 40
    assert data.X is None


@pytest.mark.parametrize("argv, message", [
    (["--past-cols", "visits", "--future-cols", "visits"], "'visits' is named by both --future-cols and --past-cols"),
    (["--past-cols", "clicks"], "--past-cols 'clicks' is not a column"),
])
def test_bad_past_cols_exit_2_before_any_work(visits_csv_factory, capsys, argv, message):
    path = visits_csv_factory()
    assert main(["forecast", str(path), "--id-col", "store", *argv]) == 2
    assert message in capsys.readouterr().err
    assert main(["forecast", *argv]) == 2  # the bundled series has no covariates
    assert "--past-cols need a CSV file" in capsys.readouterr().err
