"""The sklstm command, run as a subprocess the way users run it."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # every test runs the command in a subprocess

FAST = ["--n-models", "1", "--epochs", "5", "--verbose", "0"]


def sklstm(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sklstm.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("command", [[], ["forecast"], ["backtest"], ["tutorial"]])
def test_help(command):
    out = sklstm(*command, "--help")
    assert out.returncode == 0 and "usage: sklstm" in out.stdout


def test_forecast_bundled_data_with_plot_and_output(tmp_path):
    out = sklstm("forecast", *FAST, "--horizon", "3", "--plot", str(tmp_path / "f.png"), "--output", str(tmp_path / "f.csv"))
    assert out.returncode == 0, out.stderr
    assert "1961-01" in out.stdout and "passengers_lower" in out.stdout
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    assert len(pd.read_csv(tmp_path / "f.csv")) == 3
    assert out.stderr == ""


@pytest.fixture
def user_csv(tmp_path):
    dates = pd.date_range("2020-01-01", periods=60, freq="D")
    df = pd.DataFrame({"day": dates.strftime("%Y-%m-%d"), "sales": 100 + np.arange(60) + 5 * np.sin(np.arange(60))})
    path = tmp_path / "sales.csv"
    df.to_csv(path, index=False)
    return path, df


def test_forecast_and_backtest_user_csv(user_csv):
    path, _ = user_csv
    out = sklstm("forecast", str(path), "--date-col", "day", "--target", "sales", "--horizon", "2", "--n-steps-in", "7", *FAST)
    assert out.returncode == 0, out.stderr
    assert "2020-03-01" in out.stdout
    out = sklstm("backtest", str(path), "--date-col", "day", "--horizon", "5", "--n-steps-in", "7", "--folds", "2", *FAST)
    assert out.returncode == 0, out.stderr
    assert "mase" in out.stdout and "season_length=7" in out.stdout


@pytest.mark.parametrize(
    "mutate, args, message",
    [
        (lambda df: df, ["--target", "revenue"], "--target 'revenue' is not a column"),
        (lambda df: df, ["--date-col", "when"], "--date-col 'when' is not a column"),
        (
            lambda df: df.assign(sales=df["sales"].astype(object).where(df.index != 4, "abc")),
            [],
            "non-numeric value 'abc' at 2020-01-05",
        ),
        (lambda df: df.assign(sales=df["sales"].where(df.index != 2)), [], "column 'sales' has a missing value at 2020-01-03"),
        (lambda df: df.drop(index=[10, 11]), [], "not regularly spaced"),
        (lambda df: df.head(10), [], "--horizon 12 is too long for an interval on the 10 steps of the series"),
    ],
)
def test_bad_csv_gets_clear_message_and_exit_2(user_csv, tmp_path, mutate, args, message):
    path, df = user_csv
    bad = tmp_path / "bad.csv"
    mutate(df).to_csv(bad, index=False)
    defaults = {"--date-col": "day", "--target": "sales"}
    for flag in args[::2]:
        defaults.pop(flag, None)
    extra = [x for kv in defaults.items() for x in kv]
    out = sklstm("forecast", str(bad), *extra, *args, *FAST)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_missing_file():
    out = sklstm("forecast", "/nonexistent.csv")
    assert out.returncode == 2 and "no such file" in out.stderr


def test_tutorial_table_one_setup():
    out = sklstm("tutorial", "--setup", "vanilla")
    assert out.returncode == 0, out.stderr
    line = [row for row in out.stdout.splitlines() if row.startswith("vanilla")][0]
    assert "[100.00]" in line and "[101.67]" in line
    assert sklstm("tutorial", "--setup", "nope").returncode == 2


def test_backtest_of_an_undated_csv_detects_the_season(tmp_path):
    t = np.arange(120)
    values = 50 + 0.2 * t + 5 * np.sin(2 * np.pi * t / 7) + np.random.default_rng(0).normal(size=120)
    path = tmp_path / "undated.csv"
    pd.DataFrame({"value": values}).to_csv(path, index=False)
    out = sklstm("backtest", str(path), "--horizon", "7", "--folds", "2", "--n-steps-in", "7", *FAST)
    assert out.returncode == 0, out.stderr
    assert "season_length=7" in out.stdout  # what SeasonalNaiveForecaster() and LSTMForecaster() resolve too


def test_backtest_bundled_airline_data():
    out = sklstm("backtest", *FAST, "--folds", "2")
    assert out.returncode == 0, out.stderr
    assert "1960-12" in out.stdout and "season_length=12" in out.stdout
    assert out.stderr == ""


# ------------------------------------------------------- a Unix tool's manners
def test_stdout_holds_only_the_result_and_progress_goes_to_stderr(tmp_path):
    quiet = sklstm("forecast", "--n-models", "1", "--epochs", "5", "--horizon", "3", "--verbose", "0")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == "" and "\x1b" not in quiet.stdout and "epoch" not in quiet.stdout
    assert quiet.stdout.splitlines()[0].split() == ["passengers", "passengers_lower", "passengers_upper"]
    logged = sklstm("forecast", "--n-models", "1", "--epochs", "5", "--horizon", "3")  # stderr is not a terminal
    assert logged.stdout == quiet.stdout and "\x1b" not in logged.stderr and "\r" not in logged.stderr
    assert logged.stderr.splitlines()[0].startswith("LSTMForecaster: 144 steps, season 12")  # plain lines, no bars
    assert logged.stderr.splitlines()[-1].startswith("sklstm: season 12; member weights ridge ")
    loud = sklstm("forecast", "--n-models", "2", "--epochs", "5", "--horizon", "3", "--verbose", "1")
    assert loud.returncode == 0, loud.stderr
    assert loud.stdout.splitlines()[0] == quiet.stdout.splitlines()[0] and "epoch" not in loud.stdout
    assert "members ridge, ets, theta, arima" in loud.stderr.splitlines()[0]
    last = loud.stderr.splitlines()[-1]
    assert last.startswith("sklstm: season 12; member weights ridge ") and "; networks " in last
    if "network 1/2" in loud.stderr:  # trained where the ridges carry weight; the second only if the first helps
        assert "5/5" in loud.stderr and ("network 2/2" in loud.stderr or "1 network did not lower" in last)


def test_iso_date_column_is_found_without_flags(user_csv):
    path, _ = user_csv
    out = sklstm("forecast", str(path), "--horizon", "2", "--n-steps-in", "7", *FAST)
    assert out.returncode == 0, out.stderr
    assert "2020-03-01" in out.stdout and "sales_lower" in out.stdout
    assert "using column 'day' as the dates" in out.stderr


def test_monthly_dates_print_as_months(tmp_path):
    path = tmp_path / "monthly.csv"
    months = pd.date_range("2015-01-01", periods=60, freq="MS")
    pd.DataFrame({"month": months.strftime("%Y-%m-%d"), "v": 100 + np.arange(60.0)}).to_csv(path, index=False)
    out = sklstm("forecast", str(path), "--horizon", "2", *FAST)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1].startswith("2020-02 ")


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "is empty"),
        ("day,sales\n", "has a header but no data rows"),
        ("day,sales\n2020-01-01,1\n2020-01-02,2\n", "has 2 data row(s): too short"),
        ("sales\n1\n2\n", "the 2 steps of the series: it is calibrated on earlier 12-step forecasts, which need 15 steps or "
                            "more; a series needs at least 4 steps"),
        ("day,sales\n2020-01-03,1\n2020-01-02,2\n2020-01-01,3\n2019-12-31,4\n", "not in increasing order"),
        ("day,sales\n2020-01-01,1\n2020-01-01,2\n2020-01-02,3\n", "repeats the date 2020-01-01"),
        ("when,sales\n1/2/2020,1\nx,2\n", "non-numeric value '1/2/2020' in data row 1"),
    ],
    ids=["empty", "header-only", "two-dated-rows", "two-rows", "newest-first", "duplicate-date", "text"],
)
def test_short_or_malformed_csv_names_the_problem(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    out = sklstm("forecast", str(path), *FAST)
    assert out.returncode == 2 and message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_date_in_the_target_column_gets_a_hint(tmp_path):
    path = tmp_path / "swapped.csv"
    pd.DataFrame({"sales": [1.0, 2, 3], "day": ["2020-01-01", "2020-01-02", "2020-01-03"]}).to_csv(path, index=False)
    out = sklstm("forecast", str(path), "--target", "day", *FAST)
    assert out.returncode == 2 and "looks like a date: pass --date-col day" in out.stderr


@pytest.mark.parametrize("fill", ["interpolate", "ffill"])
def test_fill_gaps_and_missing_values(user_csv, tmp_path, fill):
    path, df = user_csv
    holes = tmp_path / "holes.csv"
    df.drop(index=[10, 11]).assign(sales=lambda d: d["sales"].where(d.index != 20)).to_csv(holes, index=False)
    refused = sklstm("forecast", str(holes), "--horizon", "2", "--n-steps-in", "7", *FAST)
    assert refused.returncode == 2 and "--fill interpolate or --fill ffill" in refused.stderr
    out = sklstm("forecast", str(holes), "--horizon", "2", "--n-steps-in", "7", "--fill", fill, *FAST)
    assert out.returncode == 0, out.stderr
    assert "2020-03-01" in out.stdout


def test_output_never_overwrites_the_input_and_bad_paths_exit_2(user_csv, tmp_path):
    path, _ = user_csv
    before = path.read_bytes()
    out = sklstm("forecast", str(path), "--horizon", "2", "--n-steps-in", "7", "--output", str(path), *FAST)
    assert out.returncode == 2 and "is an input file; refusing to overwrite it" in out.stderr
    assert path.read_bytes() == before
    out = sklstm("forecast", str(path), "--horizon", "2", "--n-steps-in", "7", "--output", str(tmp_path / "no" / "f.csv"), *FAST)
    assert out.returncode == 2 and "does not exist" in out.stderr and "Traceback" not in out.stderr
    target = tmp_path / "f.csv"
    target.write_text("old content")
    out = sklstm("forecast", str(path), "--horizon", "2", "--n-steps-in", "7", "--output", str(target), *FAST)
    assert out.returncode == 0, out.stderr
    assert len(pd.read_csv(target)) == 2 and not list(tmp_path.glob(".sklstm-*"))


@pytest.mark.parametrize("delay", [1.0, 15.0])  # during TensorFlow's import (muted stderr), inside training
def test_ctrl_c_exits_130_without_a_traceback(delay):
    import signal
    import time

    # A shell's background job inherits SIGINT ignored; give the child the default handling a terminal gives.
    process = subprocess.Popen([sys.executable, "-m", "sklstm.cli", "forecast", "--epochs", "1000000", "--verbose", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr and stdout == ""


def test_unwritable_outputs_and_odd_inputs_are_refused_before_any_work(tmp_path):
    short = tmp_path / "short.csv"
    short.write_text("sales\n1\n2\n")  # would fail to fit: the output errors must come first
    for flag in ("--output", "--plot"):
        out = sklstm("forecast", str(short), flag, str(tmp_path / "missing" / "f"), *FAST)
        assert out.returncode == 2 and f"cannot write {flag}" in out.stderr and "does not exist" in out.stderr
    out = sklstm("forecast", str(short), "--output", str(tmp_path), *FAST)
    assert out.returncode == 2 and "not a writable file path" in out.stderr
    out = sklstm("forecast", str(tmp_path), *FAST)
    assert out.returncode == 2 and "is a directory, not a CSV file" in out.stderr
    out = sklstm("forecast", "https://example.com/sales.csv", *FAST)
    assert out.returncode == 2 and "reads local files only" in out.stderr
    out = sklstm("backtest", "--folds", "0", *FAST)
    assert out.returncode == 2 and "argument --folds: must be a positive integer, got 0" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.fixture
def long_csv(tmp_path):
    months = pd.date_range("2018-01-01", periods=36, freq="MS")
    t = np.arange(36)
    rows = [pd.DataFrame({"store": name, "month": months.strftime("%Y-%m-%d"),
                          "sales": level + level / 10 * np.sin(2 * np.pi * t / 12)})
            for name, level in (("north", 100.0), ("south", 1000.0), ("east", 50.0))]
    path = tmp_path / "stores.csv"
    pd.concat(rows).to_csv(path, index=False)
    return path


def test_forecast_a_long_csv_of_many_series_with_one_global_model(long_csv, tmp_path):
    out = sklstm("forecast", str(long_csv), "--id-col", "store", "--horizon", "2", *FAST, "--output", str(tmp_path / "o.csv"))
    assert out.returncode == 0, out.stderr
    assert "3 series" in out.stderr and "'month'" in out.stderr and "'sales'" in out.stderr
    table = pd.read_csv(tmp_path / "o.csv")
    assert list(table.columns) == ["store", "month", "sales", "lower", "upper"]
    assert table["store"].tolist() == ["north", "north", "south", "south", "east", "east"]
    assert table["month"].tolist()[:2] == ["2021-01", "2021-02"]  # periods, as a single series prints them
    assert "south" in out.stdout and "2021-02" in out.stdout and "2021-02-01" not in out.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--id-col", "shop"], "--id-col 'shop' is not a column"),
        (["--id-col", "store", "--model", "stacked"], "--model stacked is for a single series"),
        (["--id-col", "store", "--n-steps-in", "40"], "Series 'north' has 36 values: too short for one window of n_steps_in=40"),
    ],
)
def test_long_csv_errors_name_the_column_or_series(long_csv, args, message):
    out = sklstm("forecast", str(long_csv), *args, *FAST)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_a_three_row_csv_exits_2_with_one_line(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("month,value\n2020-01,206.1\n2020-02,206.3\n2020-03,225.9\n")
    out = sklstm("forecast", str(path), "--horizon", "6", *FAST)
    assert out.returncode == 2 and "Traceback" not in out.stderr and "RuntimeWarning" not in out.stderr
    assert out.stderr.strip().splitlines()[-1] == (
        "sklstm forecast: error: --horizon 6 is too long for an interval on the 3 steps of the series: it is calibrated "
        "on earlier 6-step forecasts, which need 9 steps or more; a series needs at least 4 steps")


# ------------------------------------------------------- covariates and panels (issue 25)
@pytest.fixture
def promo_csv(promo_csv_factory):
    return promo_csv_factory("2022-01-01", 120, "store")


def test_covariate_forecast_matches_the_python_api(promo_csv, tmp_path):
    from sklstm import LSTMForecaster

    path, frame = promo_csv
    out = sklstm("forecast", str(path), "--future-cols", "promo", "--horizon", "7", "--n-models", "1", "--epochs", "3",
                 "--output", str(tmp_path / "f.csv"))
    assert out.returncode == 0, out.stderr
    assert ("ignored columns: store (name future-known covariates with --future-cols, past-only ones with --past-cols)"
            in out.stderr)
    cli = pd.read_csv(tmp_path / "f.csv", index_col=0)
    index = pd.DatetimeIndex(pd.to_datetime(frame["date"]), name="date", freq="D")
    y = pd.Series(frame["sales"].to_numpy(), index=index, name="sales")
    X = frame[["promo"]].astype(float).set_axis(index)
    forecaster = LSTMForecaster(horizon=7, n_models=1).set_params(estimator__epochs=3)
    api = forecaster.fit(y.iloc[:120], X.iloc[:120]).predict_interval(7, X=X.iloc[120:])
    np.testing.assert_allclose(cli.to_numpy(), api.to_numpy(), rtol=1e-6)
    assert cli.index.tolist() == api.index.strftime("%Y-%m-%d").tolist()
    assert "promo" in forecaster.future_names_


def test_panel_covariate_forecast_matches_the_python_api(tmp_path):
    from sklstm.forecasting._global import GlobalLSTMForecaster, default_network

    rng = np.random.default_rng(0)
    frames = []
    for key, level in (("a", 100.0), ("b", 300.0)):
        days = pd.date_range("2023-01-01", periods=64, freq="D")
        promo = (rng.random(64) < 0.3).astype(int)
        sales = level + 20 * promo + rng.normal(0, 1, 64)
        sales[60:] = np.nan
        frames.append(pd.DataFrame({"store": key, "day": days.strftime("%Y-%m-%d"), "sales": sales, "promo": promo}))
    frame = pd.concat(frames, ignore_index=True)
    frame.to_csv(tmp_path / "stores.csv", index=False)
    out = sklstm("forecast", str(tmp_path / "stores.csv"), "--id-col", "store", "--future-cols", "promo",
                 "--horizon", "4", *FAST, "--output", str(tmp_path / "f.csv"))
    assert out.returncode == 0, out.stderr
    assert "covariates promo" in out.stderr
    cli = pd.read_csv(tmp_path / "f.csv")
    history = frame.dropna(subset=["sales"]).assign(day=lambda f: pd.to_datetime(f["day"]))
    X = frame[["store", "day", "promo"]].assign(day=lambda f: pd.to_datetime(f["day"]), promo=lambda f: f["promo"] * 1.0)
    forecaster = GlobalLSTMForecaster(default_network().set_params(epochs=5), horizon=4, n_models=1, id_col="store",
                                      time_col="day", target_col="sales")
    api = forecaster.fit(history, X=X).predict_interval(4, X=X)
    np.testing.assert_allclose(cli[["sales", "lower", "upper"]], api[["sales", "lower", "upper"]], rtol=1e-5)
    assert forecaster.future_names_ == ["promo"]


def test_backtest_and_plot_a_long_csv(long_csv, tmp_path):
    out = sklstm("backtest", str(long_csv), "--id-col", "store", "--horizon", "3", "--folds", "2", *FAST,
                 "--plot", str(tmp_path / "b.png"))
    assert out.returncode == 0, out.stderr
    assert "mean MASE" in out.stdout and "over 3 series and 2 folds" in out.stdout
    assert (tmp_path / "b.png").read_bytes()[:4] == b"\x89PNG"
    out = sklstm("forecast", str(long_csv), "--id-col", "store", "--horizon", "2", *FAST, "--plot",
                 str(tmp_path / "f.png"), "--plot-ids", "south,east")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"


def test_a_panel_forecast_prints_no_tensorflow_line(long_csv):
    out = sklstm("forecast", str(long_csv), "--id-col", "store", "--horizon", "2", "--n-models", "1", "--epochs", "2")
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines()
    assert lines and all(line.startswith(("sklstm: ", "GlobalLSTMForecaster: ")) for line in lines), out.stderr
    assert not any(word in out.stderr.lower() for word in ("tensorflow", "cuda", "onednn", "absl"))


@pytest.mark.parametrize("argv", [["forecast", "--horizon", "0"], ["forecast", "--coverage", "90"],
                                  ["backtest", "--epochs", "-3"]])
def test_bad_arguments_exit_2_before_tensorflow_is_imported(argv):
    code = ("import sys\nfrom sklstm.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n"
            "    print(e.code, 'tensorflow' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
    assert out.stdout.split() == ["2", "False"], out.stderr
    assert "Traceback" not in out.stderr


def test_the_pretrained_model_forecasts_in_a_process_that_never_imports_tensorflow():
    code = ("import sys\nfrom sklstm.cli import main\ncode = main(['forecast', '--model', 'pretrained'])\n"
            "print(code, 'tensorflow' in sys.modules, file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stderr.split()[-2:] == ["0", "False"], out.stderr
    assert len(out.stdout.strip().splitlines()) == 2 + 12


@pytest.mark.parametrize("case", ["text", "dayfirst", "past"])
def test_data_problems_exit_2_from_the_command(promo_csv, tmp_path, case):
    path, frame = promo_csv
    if case == "text":  # --fill fills empty cells, never text
        frame = frame.astype({"sales": object})
        frame.loc[3, "sales"] = "1,234.5"
        argv, message = ["--fill", "interpolate"], "column 'sales' has a non-numeric value '1,234.5' at 2022-01-04"
    elif case == "dayfirst":
        frame = frame.assign(date=pd.to_datetime(frame["date"]).dt.strftime("%d/%m/%Y"))
        argv, message = [], "the dates in 'date' read day first (02/01/2022 is 2 January 2022): pass --dayfirst"
    else:  # covariates dated before the forecast's steps
        frame.iloc[100:107][["date", "promo"]].to_csv(tmp_path / "future.csv", index=False)
        frame = frame.iloc[:120]
        argv = ["--future-cols", "promo", "--future", str(tmp_path / "future.csv"), "--horizon", "7"]
        message = "the future covariates start at 2022-04-11 00:00:00, not after the series' last date"
    frame.to_csv(path, index=False)
    out = sklstm("forecast", str(path), *argv)
    assert out.returncode == 2 and message in out.stderr, out.stderr
    assert out.stderr.splitlines()[-1].startswith("sklstm forecast: error: ") and "Traceback" not in out.stderr


def test_a_reader_that_stops_early_gets_no_traceback(user_csv):
    path, _ = user_csv
    # `true` exits without reading: the command's print meets a closed pipe.
    command = f"{sys.executable} -m sklstm.cli forecast {path} --horizon 2 --n-steps-in 7 {' '.join(FAST)} | true; " \
              "echo status ${PIPESTATUS[0]}"
    out = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert out.stdout.strip() == "status 141"
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr and "BrokenPipe" not in out.stderr


def test_output_csv_mode_follows_the_umask(user_csv, tmp_path):
    path, _ = user_csv
    command = f"umask 027 && {sys.executable} -m sklstm.cli forecast {path} --horizon 2 --n-steps-in 7 " \
              f"{' '.join(FAST)} --output {tmp_path / 'o.csv'}"
    out = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "o.csv").stat().st_mode & 0o777 == 0o640
