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
            "non-numeric value 'abc' in data row 5",
        ),
        (lambda df: df.assign(sales=df["sales"].where(df.index != 2)), [], "missing or non-numeric value 'nan' in data row 3"),
        (lambda df: df.drop(index=[10, 11]), [], "not regularly spaced"),
        (lambda df: df.head(10), [], "y has 10 time steps, too"),
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


def test_backtest_bundled_airline_data():
    out = sklstm("backtest", *FAST, "--folds", "2")
    assert out.returncode == 0, out.stderr
    assert "1960-12" in out.stdout and "season_length=12" in out.stdout
    assert out.stderr == ""
