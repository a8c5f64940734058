"""``sklstm forecast --id-col``: the long CSV's columns and dates, checked before any fitting (in process)."""

import re

import pandas as pd
import pytest

from sklstm.cli import main


def _csv(tmp_path, frame):
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize(
    "frame, args, message",
    [
        (pd.DataFrame({"shop": ["a", "a"], "when": [1, 2], "sales": [1.0, 2.0]}), [],
         "no column of .* reads as dates; name it with --date-col"),
        (pd.DataFrame({"shop": ["a", "a"], "day": ["2020-01-01", "2020-01-02"], "kind": ["x", "y"]}), [],
         "column 'kind' has a non-numeric value 'x' in data row 1"),
        (pd.DataFrame({"shop": ["a", "a"], "day": ["2020-01-01", "soon"], "sales": [1.0, 2.0]}), ["--date-col", "day"],
         "column 'day' has a value that is not a date, 'soon', in data row 2"),
        (pd.DataFrame({"shop": ["a", "a"], "day": ["2020-01-01", "2020-01-02"], "sales": [1.0, 2.0]}),
         ["--target", "revenue"], "--target 'revenue' is not a column"),
        (pd.DataFrame({"shop": ["a", "b", "c"], "day": ["2020-01-01", "2020-01-02", "2020-01-03"],
                       "sales": [1.0, 2.0, 3.0]}), [],
         "--id-col 'shop' holds a different value on every one of the 3 rows, so each series would have one row"),
    ],
)
def test_long_csv_problems_are_named_before_any_fitting(tmp_path, capsys, frame, args, message):
    assert main(["forecast", _csv(tmp_path, frame), "--id-col", "shop", *args]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err


def test_id_col_needs_a_csv(capsys):
    assert main(["forecast", "--id-col", "shop"]) == 2
    assert "--id-col needs a CSV file of many series in long format" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["forecast", "--horizon", "0"], "argument --horizon: must be a positive integer, got 0"),
    (["forecast", "--epochs", "x"], "argument --epochs: must be a positive integer, got 'x'"),
    (["forecast", "--coverage", "90"], "argument --coverage: must be between 0 and 1 (0.9 for 90%), got 90"),
    (["forecast", "--coverage", "0"], "argument --coverage: must be between 0 and 1, got 0"),
    (["backtest", "--season-length", "0"], "argument --season-length: must be a positive integer, got 0"),
    (["backtest", "--folds", "-1"], "argument --folds: must be a positive integer, got -1"),
    (["forecast", "--random-state", "-1"], "argument --random-state: must be an integer of 0 or more, got -1"),
    (["tutorial", "--random-state", "x"], "argument --random-state: must be an integer of 0 or more, got 'x'"),
])
def test_bad_numbers_exit_2_before_any_work(capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_help_renders_percent_signs(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["forecast", "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0 and "90% interval" in out and "%%" not in out


def test_ctrl_c_at_any_phase_exits_130_without_a_traceback(monkeypatch, capsys):
    from sklstm import cli
    from sklstm.cli import _main

    def interrupted(argv=None):
        raise KeyboardInterrupt  # as if during the start-up imports, before main's own handler

    def exit_now(code):  # os._exit would end the test run too
        raise SystemExit(code)

    monkeypatch.setattr(_main, "main", interrupted)
    monkeypatch.setattr(cli.os, "_exit", exit_now)
    with pytest.raises(SystemExit) as exit_info:
        cli.run()
    assert exit_info.value.code == 130 and capsys.readouterr().err == "sklstm: interrupted\n"


def test_the_command_runs_in_a_worker_thread_and_keeps_its_exit_codes(monkeypatch, capsys):
    import threading

    from sklstm import cli
    from sklstm.cli import _main

    seen = {}

    def fake_main(argv=None):
        seen["thread"] = threading.current_thread().name
        raise SystemExit(2)  # as argparse exits on a bad argument

    monkeypatch.setattr(_main, "main", fake_main)
    with pytest.raises(SystemExit) as exit_info:
        cli.run()
    assert exit_info.value.code == 2 and seen["thread"] == "sklstm"

    def broken(argv=None):
        raise RuntimeError("a bug")  # an unexpected error keeps its traceback, raised in the main thread

    monkeypatch.setattr(_main, "main", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        cli.run()


@pytest.mark.parametrize("epochs, max_steps, net_epochs", [(None, 1000, 100), (7, None, 7)])
def test_epochs_given_on_the_command_line_are_trained_as_given(epochs, max_steps, net_epochs):
    import argparse

    from sklstm.cli._data import PanelInput
    from sklstm.cli._panel import _forecaster

    args = argparse.Namespace(epochs=epochs, n_steps_in=None, horizon=4, season_length=None, n_models=None,
                              random_state=0, verbose=0, series_identity=None, deseasonalize=None)
    forecaster = _forecaster(args, PanelInput(pd.DataFrame(), "shop", "day", "sales"))
    assert forecaster.max_steps == max_steps
    assert (forecaster.estimator or forecaster._network(0)).get_params()["epochs"] == net_epochs


def test_a_panel_forecast_with_past_only_covariates(visits_csv_factory, capsys):
    argv = [str(visits_csv_factory()), "--id-col", "store", "--past-cols", "visits", "--horizon", "3", "--epochs", "2",
            "--n-models", "1", "--n-steps-in", "3"]
    assert main(["forecast", *argv]) == 0
    captured = capsys.readouterr()
    assert "past-only covariates visits" in captured.err
    assert len([line for line in captured.out.splitlines() if line.lstrip().startswith(("a ", "b "))]) == 6


def test_deseasonalize_reaches_the_global_model_and_needs_an_id_column(capsys):
    import argparse

    from sklstm.cli._data import PanelInput
    from sklstm.cli._panel import _forecaster

    settings = dict(epochs=None, n_steps_in=None, horizon=4, season_length=None, n_models=None, random_state=0,
                    verbose=0, series_identity=None)
    for flag, mode in ((None, "auto"), ("all", "all"), ("none", "none")):
        args = argparse.Namespace(**settings, deseasonalize=flag)
        assert _forecaster(args, PanelInput(pd.DataFrame(), "shop", "day", "sales")).deseasonalize == mode
    assert main(["forecast", "--deseasonalize", "none"]) == 2
    assert "--deseasonalize is for a long CSV of many series: name its id column with --id-col" in \
        capsys.readouterr().err


def test_series_identity_reaches_the_global_model_and_is_checked_first(tmp_path, capsys):
    import argparse

    from sklstm.cli._data import PanelInput
    from sklstm.cli._panel import _forecaster

    args = argparse.Namespace(epochs=None, n_steps_in=None, horizon=4, season_length=None, n_models=None,
                              random_state=0, verbose=0, series_identity="embedding", deseasonalize=None)
    assert _forecaster(args, PanelInput(pd.DataFrame(), "shop", "day", "sales")).series_identity == "embedding"
    assert main(["forecast", "--series-identity", "embedding"]) == 2
    assert "--series-identity is for a long CSV of many series: name its id column with --id-col" in \
        capsys.readouterr().err
    many = pd.DataFrame({"shop": [f"s{i}" for i in range(1001) for _ in range(3)],
                         "day": pd.date_range("2020-01-01", periods=3).strftime("%Y-%m-%d").tolist() * 1001,
                         "sales": 1.0})
    argv = ["forecast", _csv(tmp_path, many), "--id-col", "shop", "--series-identity", "one-hot"]
    assert main(argv) == 2
    assert "1001 are too many (at most 1000); use --series-identity embedding" in capsys.readouterr().err


@pytest.mark.slow  # a global fit with an embedding, end to end
def test_a_panel_forecast_with_a_learned_series_embedding(visits_csv_factory, capsys):
    argv = [str(visits_csv_factory()), "--id-col", "store", "--series-identity", "embedding", "--horizon", "3",
            "--epochs", "2", "--n-models", "1", "--n-steps-in", "3", "--verbose", "1"]
    assert main(["forecast", *argv]) == 0
    captured = capsys.readouterr()
    assert "from 2 series: 1 network(s), each series embedded in 2 values" in captured.err
    assert len([line for line in captured.out.splitlines() if line.lstrip().startswith(("a ", "b "))]) == 6


def test_quarterly_panels_print_quarters_as_single_series_do(tmp_path, capsys):
    rows = [{"shop": shop, "ds": f"{2010 + i // 4} Q{i % 4 + 1}", "sales": 100.0 + i + (i % 4) * 5 + k * 50}
            for k, shop in enumerate(["a", "b"]) for i in range(24)]
    path = _csv(tmp_path, pd.DataFrame(rows))
    small = ["--id-col", "shop", "--horizon", "2", "--epochs", "2", "--n-models", "1", "--n-steps-in", "4"]
    assert main(["forecast", path, *small]) == 0
    out = capsys.readouterr().out
    assert re.search(r"a\s+2016Q1\s", out) and re.search(r"b\s+2016Q2\s", out) and "2016-01-01" not in out, out
    assert main(["backtest", path, *small, "--folds", "2"]) == 0
    out = capsys.readouterr().out
    assert "2015Q3" in out and "2015-07-01" not in out, out


def test_daily_panels_keep_their_dates():
    from sklstm.cli._data import as_periods

    days = pd.Series(pd.date_range("2020-01-01", periods=10, freq="D"))
    table = pd.DataFrame({"day": days})
    assert as_periods(table, ["day"], days)["day"].equals(days)
    steps = pd.Series(range(1, 11))  # a panel whose time column counts steps
    assert as_periods(pd.DataFrame({"day": steps}), ["day"], steps)["day"].equals(steps)
