"""The command's entry point (``sklstm/cli/_main.py``), in process: how its diagnostics reach stderr."""

import warnings

import pytest

from sklstm.cli import _main


def test_a_warning_is_one_diagnostic_line_on_stderr(monkeypatch, capsys):
    def forecast(args):
        warnings.warn("LSTMForecaster: the 'ets' member could not be fitted and is dropped.", RuntimeWarning, stacklevel=2)
        print("y\n1.0")
        return 0

    monkeypatch.setattr(_main, "_forecast", forecast)
    shown_before = warnings.showwarning
    assert _main.main(["forecast"]) == 0
    out, err = capsys.readouterr()
    assert out == "y\n1.0\n"  # results only on stdout
    assert err == "sklstm forecast: warning: LSTMForecaster: the 'ets' member could not be fitted and is dropped.\n"
    assert warnings.showwarning is shown_before  # the rewording ends with the command


def test_an_error_after_a_warning_still_exits_2(monkeypatch, capsys):
    def forecast(args):
        warnings.warn("first a warning", UserWarning, stacklevel=2)
        raise ValueError("horizon=0 must be positive")

    monkeypatch.setattr(_main, "_forecast", forecast)
    assert _main.main(["forecast"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "sklstm forecast: warning: first a warning", "sklstm forecast: error: horizon=0 must be positive"]


def test_a_closed_stdout_ends_the_command_quietly_with_141(monkeypatch, capsys):
    class ClosedPipe:  # what print meets when the reader of stdout has gone (`sklstm forecast | head -1`)
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    def forecast(args):
        print("y\n1.0")
        return 0

    monkeypatch.setattr(_main, "_forecast", forecast)
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert _main.main(["forecast"]) == _main.BROKEN_PIPE == 141
    assert capsys.readouterr().err == ""


def test_the_pretrained_model_forecasts_zero_shot_without_tensorflow(monkeypatch, capsys):
    from sklstm.datasets import load_airline
    from sklstm.forecasting import PretrainedLSTMForecaster

    def no_tensorflow():
        raise AssertionError("--model pretrained imported TensorFlow")

    monkeypatch.setattr(_main, "import_tensorflow_quietly", no_tensorflow)
    assert _main.main(["forecast", "--model", "pretrained", "--horizon", "3", "--verbose", "1"]) == 0
    out, err = capsys.readouterr()
    rows = out.strip().splitlines()[2:]
    assert len(rows) == 3 and rows[0].startswith("1961-01")
    expected = PretrainedLSTMForecaster(horizon=3).fit(load_airline()).predict()
    assert [float(r.split()[1]) for r in rows] == [round(v, 2) for v in expected]
    assert "season 12; the pretrained LSTM, zero-shot (no training)" in err


def test_the_pretrained_model_backtests(monkeypatch, capsys):
    assert _main.main(["backtest", "--model", "pretrained", "--folds", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[0].split()[0] == "fold" and lines[-1].startswith("mean MASE")


@pytest.mark.parametrize("argv, named", [
    (["--epochs", "3", "--n-models", "2"], "drop --epochs, --n-models"),
    (["--future-cols", "promo"], "drop --future-cols"),
    (["--id-col", "store", "--past-cols", "visits"], "drop --id-col, --past-cols"),
])
def test_the_pretrained_model_refuses_options_it_cannot_use_before_any_work(monkeypatch, capsys, argv, named):
    monkeypatch.setattr(_main, "load_series", lambda args: pytest.fail("read the data before refusing"))
    assert _main.main(["forecast", "--model", "pretrained", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sklstm forecast: error: --model pretrained forecasts each series zero-shot") and named in err


@pytest.mark.parametrize("values, horizon, message", [
    (3, 12, "--horizon 12 is too long for an interval on the 3 steps of the series: it is calibrated on earlier "
            "12-step forecasts, which need 15 steps or more; a series needs at least 4 steps"),
    (10, 8, "--horizon 8 is too long for an interval on the 10 steps of the series: it is calibrated on earlier "
            "8-step forecasts, which need 11 steps or more; ask for at most 7 steps"),
    (4, 2, "--horizon 2 is too long for an interval on the 4 steps of the series: it is calibrated on earlier "
           "2-step forecasts, which need 5 steps or more; ask for at most 1 step"),
])
def test_a_horizon_too_long_for_an_interval_is_refused_before_any_work(monkeypatch, capsys, tmp_path, values, horizon,
                                                                      message):
    path = tmp_path / "short.csv"
    path.write_text("value\n" + "\n".join(str(v) for v in range(1, values + 1)) + "\n")
    monkeypatch.setattr(_main, "_forecaster", lambda args: pytest.fail("built the forecaster before refusing"))
    assert _main.main(["forecast", str(path), "--horizon", str(horizon)]) == 2
    assert capsys.readouterr().err.strip().endswith(f"error: {message}")
