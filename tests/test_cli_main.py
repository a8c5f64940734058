"""The command's entry point (``sklstm/cli/_main.py``), in process: how its diagnostics reach stderr."""

import warnings

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
